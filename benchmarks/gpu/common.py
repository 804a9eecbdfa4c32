"""What the GPU scripts beside this file share: CUDA-event timing and the 4M-neuron
LIF network of the bandwidth measurements."""

from __future__ import annotations


def event_us(fn, n: int) -> float:
    """Microseconds per call of fn, by CUDA events around n back-to-back calls (after one)."""
    import cupy
    fn()
    start, stop = cupy.cuda.Event(), cupy.cuda.Event()
    start.record()
    for _ in range(n):
        fn()
    stop.record()
    stop.synchronize()
    return cupy.cuda.get_elapsed_time(start, stop) / n * 1e3


def lif_network(n: int = 4_000_000):
    """A CuPy Simulator of n non-spiking LIF neurons, run for 1 ms, and its LIF group."""
    import snnkit as sk
    net = sk.Network()
    net.population(n, sk.LIFCurrExp(tau_m=20.0, cm=0.2, v_thresh=1e9), name="lif").initialize(
        v=sk.Uniform(-70.0, -50.0))
    sim = sk.Simulator(net, backend="cupy", seed=1).run(1.0, progress=False)
    return sim, next(g for g in sim.groups.values() if g["kind"] == "lif")

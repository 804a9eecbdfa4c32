"""Kernel microbenchmarks (``snnkit bench micro``, benchmarks/device.py): LIF
updates/s and achieved GB/s against a measured device-to-device copy,
synaptic events/s, and CUBA real-time factors, on one backend and device."""

from __future__ import annotations

import os
import time
from unittest import mock

import numpy as np

from .. import distributions as dist
from ..connectivity import FixedProbability
from ..examples import cuba
from ..model import Network
from ..neurons import LIFCurrExp
from ..simulator import Simulator
from ..sources import Poisson

# bytes the curr_exp LIF kernel moves per neuron update (batch 1, no bias, not adaptive,
# one parameter set for the whole group, so parameters come from cache): reads v, syn_E,
# syn_I, refrac and 2 ring values; writes v, syn_E, syn_I, refrac and clears the 2 ring values
LIF_BYTES = 4 * (4 + 2) + 4 * (4 + 2)


def timed_run(sim, duration_ms: float) -> float:
    sim.run(min(10.0, duration_ms), progress=False)          # builds, first launches
    sim.backend.synchronize()
    t0 = time.perf_counter()
    sim.run(duration_ms, progress=False)
    sim.backend.synchronize()
    return time.perf_counter() - t0


def copy_bandwidth(backend, n_bytes: int, repeat: int = 20) -> float:
    """Device-to-device copy (the driver's memcpy), bytes read + written per second,
    median of ``repeat`` copies after one warm-up."""
    n = n_bytes // 4
    src = backend.to_device(np.random.default_rng(0).random(n, dtype=np.float32))
    dst = backend.zeros(n, np.float32)
    times = []
    for _ in range(repeat + 1):
        backend.synchronize()
        t0 = time.perf_counter()
        backend.device_copy(dst, src)
        backend.synchronize()
        times.append(time.perf_counter() - t0)
    return 2 * n * 4 / float(np.median(times[1:]))


def lif_throughput(backend: str, n: int, steps: int, device=None) -> dict:
    net = Network()
    pop = net.population(n, LIFCurrExp(tau_m=20.0, cm=0.2, v_thresh=1e9), name="lif")
    pop.initialize(v=dist.Uniform(-70.0, -50.0))
    sim = Simulator(net, backend=backend, device=device, seed=1)
    wall = timed_run(sim, steps * sim.dt)
    updates = n * steps / wall
    return dict(neurons=n, steps=steps, wall_s=wall, updates_per_s=updates,
                gb_per_s=updates * LIF_BYTES / 1e9, bytes_per_update=LIF_BYTES)


def propagation(backend: str, n_src: int, n_tgt: int, fan_out: int, rate_hz: float, duration: float,
                device=None) -> dict:
    """Poisson sources onto non-spiking LIF targets. The timed run records nothing (so
    the host's spike handling is not timed); a second network with the same sources,
    seeds and steps, recorded, gives the spikes, and each spike counts its own row."""
    warmup = min(10.0, duration)

    def network(connect: bool):
        net = Network(seed=2)
        src = net.population(n_src, Poisson(rate=rate_hz), name="src")
        if connect:
            tgt = net.population(n_tgt, LIFCurrExp(v_thresh=1e9), name="tgt")
            net.connect(src, tgt, FixedProbability(fan_out / n_tgt), weight=0.001)
        else:
            net.record(src, "spikes")
        return net

    sim = Simulator(network(True), backend=backend, device=device, seed=1)
    wall = timed_run(sim, duration)
    row_length = np.diff(sim.plan.synapses[0]["row_ptr"])
    counted = Simulator(network(False), backend=backend, device=device, seed=1).run(warmup + duration,
                                                                                 progress=False)
    spikes = counted.results.spikes["src"]
    events = int(row_length[spikes.node_ids[spikes.times >= warmup - 1e-9]].sum())
    return dict(sources=n_src, targets=n_tgt, fan_out=fan_out, rate_hz=rate_hz, wall_s=wall,
                events=events, events_per_s=events / wall)


def cuba_rtf(backend: str, n: int, batch: int, duration: float = 1000.0, device=None,
             sequences: bool = True) -> dict:
    """sequences=False: every step launched op by op (snnkit.step_sequences off)."""
    with mock.patch.dict(os.environ, SNNKIT_STEP_SEQUENCES="1" if sequences else "0"):
        sim = Simulator(cuba.build(n).network, backend=backend, device=device, batch=batch, seed=1)
    wall = timed_run(sim, duration)
    rate = np.atleast_1d(sim.results.rate("exc"))
    return dict(neurons=n, batch=batch, wall_s=wall, rtf=wall / (duration / 1000.0),
                rate_exc_hz=float(rate.mean()), sequence_steps=sim.sequences.steps)




def run_micro(backend_name: str, device=None, quick: bool = True) -> dict:
    """All microbenchmarks on one backend and device (quick: sizes for a CPU)."""
    from ..backends import get_backend
    backend = get_backend(backend_name, device=device) if device is not None else get_backend(backend_name)
    q = quick
    result = dict(backend=backend_name, device=backend.device_name)
    result["copy_gb_per_s"] = copy_bandwidth(backend, (16 if q else 2048) << 20) / 1e9 \
        if hasattr(backend, "device_copy") else None
    result["lif"] = lif_throughput(backend_name, 100_000 if q else 4_000_000, 200 if q else 2000, device)
    # full size: 50k sources at 100 Hz, fan-out 1000: 5e5 synaptic events per 0.1 ms step
    result["propagation"] = propagation(backend_name, 2_000 if q else 50_000, 2_000 if q else 50_000,
                                        200 if q else 1000, 50.0 if q else 100.0, 20.0 if q else 200.0, device)
    result["cuba"] = [cuba_rtf(backend_name, 4000, 1, 100.0 if q else 1000.0, device),
                      cuba_rtf(backend_name, 40_000 if q else 400_000, 1, 100.0 if q else 1000.0, device),
                      cuba_rtf(backend_name, 4000, 8 if q else 64, 100.0 if q else 1000.0, device),
                      cuba_rtf(backend_name, 4000, 1, 100.0 if q else 1000.0, device, sequences=False)]
    return result

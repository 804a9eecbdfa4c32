"""Each step kernel alone, timed by CUDA events over back-to-back launches (issue 4):
lif_step at 4M neurons, the propagation benchmark's kernels fused and unfused, and
CUBA 400k's lif_step. Prints us per launch."""

from __future__ import annotations

import time

import numpy as np
from common import event_us


def launches(sim):
    """(name, bound kernel) of every bound kernel of a simulator."""
    out = []
    for name, g in sim.groups.items():
        for key in ("_lif", "_poisson"):
            if key in g:
                out.append((f"{name}{key}", g[key]))
    for s in sim.synapses:
        if "_propagate" in s:
            out.append((f"{s['pre']}->{s['post']}_propagate", s["_propagate"]))
    return out


def report(cupy, label, sim, step):
    for name, launch in launches(sim):
        scalars = dict(step_offset=step)           # the clock holds 0 (kernels/clock.c)
        us = event_us(lambda launch=launch, scalars=scalars: launch(**scalars), 200)
        print(f"{label:28s} {name:28s} {us:8.1f} us")


def main() -> None:
    import cupy
    import snnkit as sk
    from common import lif_network
    from snnkit.backends import CupyBackend
    from snnkit.examples import cuba

    report(cupy, "LIF 4M", lif_network()[0], 11)

    for fuse in (True, False):
        net = sk.Network(seed=2)
        src = net.population(50_000, sk.Poisson(rate=100.0), name="src")
        tgt = net.population(50_000, sk.LIFCurrExp(v_thresh=1e9), name="tgt")
        net.connect(src, tgt, sk.FixedProbability(0.02), weight=0.001)
        backend = CupyBackend()
        backend.fuse_propagation = fuse
        sim = sk.Simulator(net, backend=backend, seed=1).run(1.0, progress=False)
        report(cupy, f"propagation fused={fuse}", sim, 11)
        cupy.cuda.Device().synchronize()
        t0 = time.perf_counter()
        sim.run(100.0, progress=False)
        sim.backend.synchronize()
        print(f"propagation fused={fuse}: {(time.perf_counter() - t0) / 1000 * 1e6:.1f} us/step, "
              f"{5e5 / ((time.perf_counter() - t0) / 1000):.3g} events/s")

    for fuse in (True, False):
        backend = CupyBackend()
        backend.fuse_propagation = fuse
        sim = sk.Simulator(cuba.build(400_000).network, backend=backend, seed=1).run(20.0, progress=False)
        report(cupy, f"CUBA 400k fused={fuse}", sim, 201)
        t0 = time.perf_counter()
        sim.run(100.0, progress=False)
        sim.backend.synchronize()
        print(f"CUBA 400k fused={fuse}: {(time.perf_counter() - t0) / 1000 * 1e6:.1f} us/step")
    print(np.__version__)


if __name__ == "__main__":
    main()

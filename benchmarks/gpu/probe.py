"""Where a small network's step time goes on a CUDA GPU (issue 4): the cost of one
CupyKernel call from Python, one bare RawKernel launch, and a CUBA-4k step."""

from __future__ import annotations

import time

import numpy as np


def per_call(fn, n=20000) -> float:
    fn()
    t0 = time.perf_counter()
    for _ in range(n):
        fn()
    return (time.perf_counter() - t0) / n * 1e6


def main() -> None:
    import cupy
    from snnkit.examples import cuba
    from snnkit.simulator import Simulator

    noop = cupy.RawKernel('extern "C" __global__ void noop(unsigned int k, float* x) { if (k == 0xffffffffu) x[0] = 1; }',
                          "noop")
    x = cupy.zeros(1, np.float32)
    print(f"bare RawKernel launch (async): {per_call(lambda: noop((1,), (32,), (np.uint32(1), x))):.2f} us")
    cupy.cuda.Device().synchronize()

    sim = Simulator(cuba.build(4000).network, backend="cupy", seed=1)
    sim.run(10.0, progress=False)
    g = next(g for g in sim.groups.values() if g["kind"] == "lif")
    launch = g["_lif"]
    print(f"CupyKernel lif_step call (async): {per_call(lambda: launch(step=5, ring_slot=5)):.2f} us")
    cupy.cuda.Device().synchronize()
    t0 = time.perf_counter()
    sim.run(1000.0, progress=False)
    sim.backend.synchronize()
    wall = time.perf_counter() - t0
    print(f"CUBA 4k: {wall / 10000 * 1e6:.2f} us/step over 1 s, ops per step {len(sim.ops)}")
    start, stop = cupy.cuda.Event(), cupy.cuda.Event()
    start.record()
    for k in range(1000):
        launch(step=20000 + k, ring_slot=(20000 + k) % g["ring_depth"])
    stop.record()
    stop.synchronize()
    print(f"lif_step alone, back to back: {cupy.cuda.get_elapsed_time(start, stop):.3f} us/launch x1000 -> "
          f"{cupy.cuda.get_elapsed_time(start, stop):.3f} ms")


if __name__ == "__main__":
    main()

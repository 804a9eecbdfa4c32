"""Where a step's time goes on a CUDA GPU (issue 4), in one run: the host cost of a
bare RawKernel call and of a CupyKernel launch, CUBA-4k per step, and the lif_step
kernel alone (CUDA events) against a plain streaming kernel over the same bytes."""

from __future__ import annotations

import time

import numpy as np

STREAM = r'''
extern "C" __global__ void stream6(const unsigned int n, float* a, float* b, float* c, float* d, float* e,
                                   int* f) {
    const unsigned int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    float x = a[i] + b[i] + c[i] + d[i] + e[i];
    int y = f[i];
    a[i] = x * 0.5f; b[i] = x * 0.25f; c[i] = x * 0.125f; d[i] = 0.0f; e[i] = 0.0f; f[i] = y - 1;
}
'''


def per_call(fn, n=20000) -> float:
    fn()
    t0 = time.perf_counter()
    for _ in range(n):
        fn()
    return (time.perf_counter() - t0) / n * 1e6


def main() -> None:
    import cupy
    from common import event_us, lif_network
    from snnkit.bench.micro import LIF_BYTES
    from snnkit.examples import cuba
    from snnkit.simulator import Simulator

    noop = cupy.RawKernel('extern "C" __global__ void noop(unsigned int k, float* x) '
                          '{ if (k == 0xffffffffu) x[0] = 1; }', "noop")
    x = cupy.zeros(1, np.float32)
    print(f"bare RawKernel call (async): {per_call(lambda: noop((1,), (32,), (np.uint32(1), x))):.2f} us")
    cupy.cuda.Device().synchronize()

    sim = Simulator(cuba.build(4000).network, backend="cupy", seed=1)
    sim.run(10.0, progress=False)
    g = next(g for g in sim.groups.values() if g["kind"] == "lif")
    launch = g["_lif"]
    print(f"CupyKernel lif_step launch (async): {per_call(lambda: launch(step_offset=5)):.2f} us")
    cupy.cuda.Device().synchronize()
    t0 = time.perf_counter()
    sim.run(1000.0, progress=False)
    sim.backend.synchronize()
    print(f"CUBA 4k: {(time.perf_counter() - t0) / 10000 * 1e6:.2f} us/step over 1 s")
    print(f"CUBA 4k lif_step kernel alone: {event_us(lambda: launch(step_offset=7), 2000):.2f} us")
    print(f"lif_step: {launch.raw.num_regs} registers, {launch.raw.local_size_bytes} B local")

    n = 4_000_000
    lif = lif_network(n)[1]["_lif"]
    ms = event_us(lambda: lif(step_offset=10), 200) / 1e3
    print(f"lif_step 4M: {ms * 1e3:.1f} us, {n * LIF_BYTES / ms / 1e6:.0f} GB/s counted ({LIF_BYTES} B/neuron)")
    arrays = [cupy.random.random(n, dtype=np.float32) for _ in range(5)] + [cupy.zeros(n, np.int32)]
    k = cupy.RawKernel(STREAM, "stream6")
    ms = event_us(lambda: k(((n + 255) // 256,), (256,), (np.uint32(n), *arrays)), 200) / 1e3
    print(f"stream6 4M (same 48 B/element): {ms * 1e3:.1f} us, {n * 48 / ms / 1e6:.0f} GB/s")
    src = cupy.random.random(1 << 28, dtype=np.float32)
    dst = cupy.empty_like(src)
    ms = event_us(lambda: dst.data.copy_from_device_async(src.data, src.nbytes), 20) / 1e3
    print(f"memcpy 1 GiB: {2 * src.nbytes / ms / 1e6:.0f} GB/s (read + write)")


if __name__ == "__main__":
    main()

"""lif_step at 4M neurons in variants (issue 4: it ran 2.2x slower than a plain
streaming kernel over the same bytes, because ptxas stored the ring slot's constant
0 right after the loads, to lines whose loads were in flight: "constant clear"
and "layout early clear" show it). Each variant is compiled from the assembled
source with a text change and launched with the bound kernel's arguments.

    python benchmarks/gpu/lif_variants.py [--once]   (--once: one launch, for ncu)
"""

from __future__ import annotations

import sys

import numpy as np
from common import event_us


LAYOUT = r'''
extern "C" __global__ void stream_layout(const unsigned int n, const unsigned int plane, float* v, float* syn,
                                         float* ring, int* refrac) {
    const unsigned int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    const float a = v[i], b = syn[i], c = syn[plane + i], d = ring[i], e = ring[plane + i];
    const int f = refrac[i];
    const float x = a + b + c + d + e;
    v[i] = x * 0.5f; syn[i] = x * 0.25f; syn[plane + i] = x * 0.125f; ring[i] = 0.0f; ring[plane + i] = 0.0f;
    refrac[i] = f - 1;
}
'''


def main() -> None:
    import cupy
    from common import lif_network
    from snnkit import kernels

    n = 4_000_000
    sim, g = lif_network(n)
    bound = g["_lif"]
    switches = sim.backend.all_switches(g["switches"])
    source = kernels.assemble("lif.c", "cuda", "float", switches)
    phase2 = "    BARRIER();\n    EMIT_AND_PROPAGATE(spiked_here);"
    assert phase2 in source
    restrict = source.replace("#define GLOBAL\n", "#define GLOBAL\n#define RESTRICT_ALL 1\n")
    for kind in ("real", "int", "u32"):
        restrict = restrict.replace(f"GLOBAL {kind}* ", f"GLOBAL {kind}* __restrict__ ")
        restrict = restrict.replace(f"GLOBAL const {kind}* ", f"GLOBAL const {kind}* __restrict__ ")
    clear = "        arriving[gid] = in0 - in0;\n        arriving[plane + gid] = in1 - in1;\n"
    assert clear in source
    variants = {
        "as built": source,
        "restrict": restrict,
        "constant clear": source.replace(clear, "        arriving[gid] = 0;\n"
                                                "        arriving[plane + gid] = 0;\n"),
    }
    args = tuple(bound.args.values)
    blocks = (n + 255) // 256
    if "--once" in sys.argv:
        bound(step_offset=2)
        cupy.cuda.Device().synchronize()
        return
    for label, text in variants.items():
        fn = cupy.RawModule(code=text, options=("--fmad=false",)).get_function("lif_step")
        us = event_us(lambda fn=fn: fn((blocks,), (256,), args), 100)
        print(f"{label:12s} {us:7.1f} us  {n * 48 / us / 1e3:6.0f} GB/s  regs {fn.num_regs}")
    # the same loads and stores as lif_step, on the group's own arrays, with no arithmetic;
    # then with the ring cleared right after the loads, as ptxas schedules lif_step
    for label, text in (("layout", LAYOUT), ("layout early clear", LAYOUT.replace(
            " ring[i] = 0.0f; ring[plane + i] = 0.0f;", "").replace(
            "    const int f = refrac[i];", "    const int f = refrac[i];\n    ring[i] = 0.0f; ring[plane + i] = 0.0f;"))):
        time_layout(cupy, label, text, n, blocks, g)
    print("depth", g["ring_depth"], "switches", switches, np.__version__)


def time_layout(cupy, label, text, n, blocks, g):
    layout = cupy.RawKernel(text, "stream_layout")
    plane = g["v"].size
    largs = (np.uint32(n), np.uint32(plane), g["v"], g["syn"], g["ring"], g["refrac"])
    us = event_us(lambda: layout((blocks,), (256,), largs), 100)
    print(f"{label:12s} {us:7.1f} us  {n * 48 / us / 1e3:6.0f} GB/s")


if __name__ == "__main__":
    main()

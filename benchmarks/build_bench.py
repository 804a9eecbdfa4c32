"""Build time, peak host memory and storage of networks built where they run
(issue: connectivity generated on the device).

Each row runs in its own process (peak RSS is per process): build the Simulator, read
its storage report, run ``--run`` ms (real-time factor = wall / biological time).

    python benchmarks/build_bench.py --model microcircuit --sizes 7717 23150 77169 --backend opencl
    python benchmarks/build_bench.py --model brunel --sizes 12500 --backend numpy --connectivity host
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time


def one(model: str, size: int, backend: str, connectivity: str, run_ms: float) -> dict:
    import snnkit as sk
    from snnkit.bench.models import get
    start = time.perf_counter()
    example = get(model).build(size)
    described = time.perf_counter() - start
    start = time.perf_counter()
    sim = sk.Simulator(example.network, backend=backend, seed=1, connectivity=connectivity)
    sim.backend.synchronize() if hasattr(sim.backend, "synchronize") else None
    built = time.perf_counter() - start
    storage = sim.storage()
    synapses = sum(t["synapses"] for t in storage)
    device_bytes = sum(t["device_bytes"] for t in storage)
    peak_build = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    row = dict(model=model, size=size, backend=backend, connectivity=connectivity, synapses=synapses,
               describe_s=round(described, 3), build_s=round(built, 3), peak_rss_gb_after_build=round(peak_build, 3),
               bytes_per_synapse=round(device_bytes / max(1, synapses), 3),
               generated_tables=sum("generated" in s for s in sim.plan.synapses), tables=len(sim.plan.synapses))
    if run_ms > 0:
        sim.run(min(run_ms, 20.0), progress=False)          # warm-up (kernels compiled)
        start = time.perf_counter()
        sim.run(run_ms, progress=False)
        sim.backend.synchronize() if hasattr(sim.backend, "synchronize") else None
        row.update(run_ms=run_ms, rtf=round((time.perf_counter() - start) / (run_ms / 1000.0), 3))
    row["peak_rss_gb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20, 3)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="microcircuit")
    parser.add_argument("--sizes", type=int, nargs="+", default=[7717])
    parser.add_argument("--backend", default="opencl")
    parser.add_argument("--connectivity", default="device", choices=["device", "host"])
    parser.add_argument("--run", type=float, default=100.0, help="ms simulated after the build (0: none)")
    parser.add_argument("--json", default=None)
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.model, args.sizes[0], args.backend, args.connectivity, args.run)))
        return
    rows = []
    for size in args.sizes:
        out = subprocess.run([sys.executable, __file__, "--one", "--model", args.model, "--sizes", str(size),
                              "--backend", args.backend, "--connectivity", args.connectivity, "--run", str(args.run)],
                             capture_output=True, text=True)
        if out.returncode:
            rows.append(dict(model=args.model, size=size, error=out.stderr.strip().splitlines()[-1:]))
        else:
            rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
        print(json.dumps(rows[-1]), flush=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)


if __name__ == "__main__":
    main()

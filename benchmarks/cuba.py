"""CUBA 4k and 40k neurons (fixed in-degree 80), 1 s biological time, on every
available snnkit backend and a straightforward float32 NumPy loop
(baseline_cuba_loop.py, its build included), in one run. Medians of --repeat
runs of the simulation alone (kernel builds and a 10 ms warm-up excluded; build
time reported separately). Writes benchmarks/results/cuba_<host>.json.

    OMP_NUM_THREADS=1 python benchmarks/cuba.py [--sizes 4000 40000] [--repeat 3]
        [--backends numpy opencl] [--tag name]

On PoCL, POCL_MAX_PTHREAD_COUNT (set before the run) changes the launch cost:
one thread launches fastest, two compute faster; the JSON records it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
import baseline_cuba_loop  # noqa: E402

import snnkit as sk  # noqa: E402
from snnkit.examples import cuba  # noqa: E402


def time_snnkit(n: int, seed: int, backend: str):
    t0 = time.perf_counter()
    sim = sk.Simulator(cuba.build(n).network, seed=seed, backend=backend)
    t1 = time.perf_counter()
    sim.run(10.0, progress=False)                # kernel builds, first launches
    sim.backend.synchronize()
    t2 = time.perf_counter()
    sim.run(1000.0, progress=False)
    sim.backend.synchronize()
    t3 = time.perf_counter()
    res = sim.results
    return t1 - t0, t3 - t2, res.rate("exc"), res.rate("inh"), sim.backend.device_name


def time_baseline(n: int, seed: int):
    t0 = time.perf_counter()
    rate = baseline_cuba_loop.run(n, 1000.0, seed=seed)
    return time.perf_counter() - t0, rate


def brian2_rows(args, baselines: dict) -> list:
    """Brian2 (cython target) on the same sizes, in its own interpreter."""
    script = Path(__file__).parent / "peers" / "brian2_cuba.py"
    cmd = [args.brian2_python, str(script), "--target", "cython", "--repeat", str(args.repeat),
           "--sizes", *map(str, args.sizes)]
    runs = [json.loads(line) for line in subprocess.run(cmd, capture_output=True, text=True, check=True,
                                                         cwd=tempfile.gettempdir()).stdout.splitlines()]
    rows = []
    for n in args.sizes:
        mine = [r for r in runs if r["neurons"] == n]
        sim = [r["sim_s"] for r in mine]
        row = dict(model="cuba", neurons=n, duration_ms=1000.0, backend="brian2-cython",
                   device=mine[0]["simulator"], build_s=statistics.median(r["build_s"] for r in mine),
                   sim_s_median=statistics.median(sim), sim_s_min=min(sim), sim_s_max=max(sim),
                   rate_exc_hz=statistics.median(r["rate_hz"] for r in mine), rate_inh_hz=None,
                   baseline_s_median=baselines[n], ratio_to_baseline=statistics.median(sim) / baselines[n])
        rows.append(row)
        print(f"CUBA {n:>6}: brian2 cython  {row['sim_s_median']:.3f} s (min {row['sim_s_min']:.3f}, max "
              f"{row['sim_s_max']:.3f}; codegen+compile {row['build_s']:.1f} s) mean rate "
              f"{row['rate_exc_hz']:.2f} Hz", flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[4000, 40000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--tag", default="", help="suffix of the results file name")
    parser.add_argument("--brian2-python", default=None,
                        help="a Python with brian2 installed: also time peers/brian2_cuba.py (cython target)")
    parser.add_argument("--backends", nargs="+",
                        default=[b for b, why in sk.backends.available().items() if why is None])
    args = parser.parse_args()
    rows = []
    for n in args.sizes:
        base = [time_baseline(n, seed) for seed in range(1, args.repeat + 1)]
        base_s = statistics.median(b[0] for b in base)
        print(f"CUBA {n:>6}: plain NumPy loop {base_s:.3f} s ({statistics.median(b[1] for b in base):.2f} Hz)",
              flush=True)
        for backend in args.backends:
            runs = [time_snnkit(n, seed, backend) for seed in range(1, args.repeat + 1)]
            sim_times = [r[1] for r in runs]
            row = dict(model="cuba", neurons=n, duration_ms=1000.0, backend=backend, device=runs[0][4],
                       build_s=statistics.median(r[0] for r in runs),
                       sim_s_median=statistics.median(sim_times), sim_s_min=min(sim_times),
                       sim_s_max=max(sim_times),
                       rate_exc_hz=statistics.median(r[2] for r in runs),
                       rate_inh_hz=statistics.median(r[3] for r in runs),
                       baseline_s_median=base_s, ratio_to_baseline=statistics.median(sim_times) / base_s)
            rows.append(row)
            print(f"           snnkit {backend:7s} {row['sim_s_median']:.3f} s (min {row['sim_s_min']:.3f}, "
                  f"max {row['sim_s_max']:.3f}; build {row['build_s']:.2f} s) rates exc "
                  f"{row['rate_exc_hz']:.2f} / inh {row['rate_inh_hz']:.2f} Hz, "
                  f"x{row['ratio_to_baseline']:.2f} of the plain loop", flush=True)
    if args.brian2_python:
        rows += brian2_rows(args, {r["neurons"]: r["baseline_s_median"] for r in rows})
    out = Path(__file__).parent / "results" / f"cuba_{platform.node() or 'host'}{'_' + args.tag if args.tag else ''}.json"
    out.parent.mkdir(exist_ok=True)
    meta = dict(machine=platform.processor() or platform.machine(), cpus=os.cpu_count(),
                python=platform.python_version(), numpy=np.__version__, snnkit=sk.__version__,
                omp_threads=os.environ.get("OMP_NUM_THREADS"),
                pocl_max_pthread_count=os.environ.get("POCL_MAX_PTHREAD_COUNT"), date=time.strftime("%Y-%m-%d"))
    out.write_text(json.dumps(dict(meta=meta, rows=rows), indent=2) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()

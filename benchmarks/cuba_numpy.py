"""Issue 2 benchmark: CUBA 4k and 40k neurons (fixed in-degree 80), 1 s biological
time, on snnkit's NumPy backend vs a straightforward float32 NumPy loop
(baseline_cuba_loop.py), in one run. Medians of --repeat runs (simulation time
only; build time reported separately). Writes benchmarks/results/cuba_numpy_<host>.json.

    OMP_NUM_THREADS=1 python benchmarks/cuba_numpy.py [--sizes 4000 40000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
import baseline_cuba_loop  # noqa: E402

import snnkit as sk  # noqa: E402
from snnkit.examples import cuba  # noqa: E402


def time_snnkit(n: int, seed: int):
    t0 = time.perf_counter()
    sim = sk.Simulator(cuba.build(n).network, seed=seed)
    t1 = time.perf_counter()
    sim.run(1000.0, progress=False)
    t2 = time.perf_counter()
    res = sim.results
    return t1 - t0, t2 - t1, res.rate("exc"), res.rate("inh")


def time_baseline(n: int, seed: int):
    t0 = time.perf_counter()
    rate = baseline_cuba_loop.run(n, 1000.0, seed=seed)
    return time.perf_counter() - t0, rate


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[4000, 40000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rows = []
    for n in args.sizes:
        runs = [time_snnkit(n, seed) for seed in range(1, args.repeat + 1)]
        base = [time_baseline(n, seed) for seed in range(1, args.repeat + 1)]
        sim_times = [r[1] for r in runs]
        base_times = [b[0] for b in base]
        row = dict(model="cuba", neurons=n, duration_ms=1000.0, backend="numpy",
                   build_s=statistics.median(r[0] for r in runs),
                   sim_s_median=statistics.median(sim_times), sim_s_min=min(sim_times),
                   sim_s_max=max(sim_times),
                   rate_exc_hz=statistics.median(r[2] for r in runs),
                   rate_inh_hz=statistics.median(r[3] for r in runs),
                   baseline_s_median=statistics.median(base_times),
                   baseline_rate_hz=statistics.median(b[1] for b in base))
        row["ratio_to_baseline"] = row["sim_s_median"] / row["baseline_s_median"]
        rows.append(row)
        print(f"CUBA {n:>6}: snnkit numpy {row['sim_s_median']:.3f} s "
              f"(min {row['sim_s_min']:.3f}, max {row['sim_s_max']:.3f}; build {row['build_s']:.2f} s), "
              f"rates exc {row['rate_exc_hz']:.2f} / inh {row['rate_inh_hz']:.2f} Hz | "
              f"plain NumPy loop {row['baseline_s_median']:.3f} s ({row['baseline_rate_hz']:.2f} Hz) | "
              f"ratio {row['ratio_to_baseline']:.2f}", flush=True)
    out = Path(__file__).parent / "results" / f"cuba_numpy_{platform.node() or 'host'}.json"
    out.parent.mkdir(exist_ok=True)
    meta = dict(machine=platform.processor() or platform.machine(), cpus=os.cpu_count(),
                python=platform.python_version(), numpy=np.__version__, snnkit=sk.__version__,
                omp_threads=os.environ.get("OMP_NUM_THREADS"), date=time.strftime("%Y-%m-%d"))
    out.write_text(json.dumps(dict(meta=meta, rows=rows), indent=2) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()

"""Resident memory of a long recorded run written to a file (issue: bounded memory).

CUBA 4k (spikes of all 4000 neurons, v of 100 excitatory neurons every step) runs
1 s, then the rest of ``--duration`` ms in one ``run``, writing to an HDF5 file; a
thread reads the RSS every 0.2 s. With ``output=`` nothing recorded is kept in memory, so the RSS after
the first second should stay flat. ``--in-memory`` runs without a file, for comparison.

    python benchmarks/memory_bench.py --backend opencl --duration 200000
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import threading
import time
from pathlib import Path

import snnkit as sk
from snnkit.examples import cuba


def rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", default="numpy")
    parser.add_argument("--duration", type=float, default=200_000.0, help="ms")
    parser.add_argument("--in-memory", action="store_true", help="no output file")
    parser.add_argument("--json", default=None, help="write the figures here")
    args = parser.parse_args()
    folder = tempfile.mkdtemp()
    output = None if args.in_memory else Path(folder) / "cuba.h5"
    ex = cuba.build(4000, record_v=100)
    sim = sk.Simulator(ex.network, backend=args.backend, seed=1, output=output)
    start = time.perf_counter()
    sim.run(1000.0, progress=False)
    after_first = rss_mb()
    samples, done = [(sim.t, after_first)], threading.Event()

    def sample():
        while not done.wait(0.2):
            samples.append((round(time.perf_counter() - start, 1), rss_mb()))
    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    sim.run(args.duration - sim.t, progress=False)
    done.set()
    thread.join()
    wall = time.perf_counter() - start
    peak = max(r for _, r in samples)
    res = sim.results
    summary = dict(backend=args.backend, duration_ms=sim.t, output=output is not None,
                   rss_after_first_s_mb=round(after_first, 1), rss_peak_mb=round(peak, 1),
                   rss_final_mb=round(samples[-1][1], 1), growth_mb=round(peak - after_first, 1),
                   exc_rate_hz=round(float(res.rate("exc")), 2), spikes=int(res.spikes["exc"].times.size),
                   file_mb=round(sum(p.stat().st_size for p in Path(folder).glob("*.h5")) / 2**20, 1),
                   wall_s=round(wall, 1), rss_samples_wall_s_mb=[(t, round(r, 1)) for t, r in samples[::max(1, len(samples) // 40)]])
    print(json.dumps({k: v for k, v in summary.items() if k != "rss_samples_wall_s_mb"}, indent=1))
    if args.json:
        Path(args.json).write_text(json.dumps(summary, indent=1))
    for p in Path(folder).glob("*.h5"):
        os.remove(p)


if __name__ == "__main__":
    main()

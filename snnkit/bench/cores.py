"""The cores a benchmark run uses, the same for snnkit and every peer.

``snnkit bench --cores K`` pins the bench process (and so the peers it starts) to K of
the cores it may use, runs PoCL with K threads, Brian2's cpp_standalone with K OpenMP
threads and NEST with K local threads; Brian2's runtime targets and snnkit's NumPy
backend run one thread whatever K is. Several values (``--cores 2 1``) run the whole
bench once per value, each in its own process (PoCL fixes its thread count when it
starts), and report every row with its cores and threads.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path


def available() -> list[int]:
    """The cores this process may run on."""
    try:
        return sorted(os.sched_getaffinity(0))
    except AttributeError:                       # (not Linux)
        return list(range(os.cpu_count() or 1))


def pin(cores: int) -> None:
    """Run this process (and what it starts) on its first ``cores`` cores, with PoCL and
    OpenMP told as much; before any OpenCL platform is queried."""
    allowed = available()
    if cores >= len(allowed):
        return                                  # every core already: nothing to restrict
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, allowed[:cores])
    os.environ["POCL_MAX_PTHREAD_COUNT"] = str(cores)
    os.environ["OMP_NUM_THREADS"] = str(cores)


def threads_of(simulator: str, cores: int) -> int:
    """Threads a row's simulator runs with under ``cores``: the multi-threaded ones
    (PoCL on a CPU, Brian2 cpp_standalone with OpenMP, NEST) use every core; NumPy,
    Brian2's runtime targets and a GPU's host thread one."""
    threaded = simulator.startswith("nest") or "cpp_standalone" in simulator or \
        (simulator.startswith("snnkit opencl") and "pthread" in simulator)
    return cores if threaded else 1


def run_each(argv: list[str], counts: list[int]) -> dict:
    """The bench of ``argv`` (``snnkit bench``'s arguments) once per core count, each in a
    child process: the --cores and --out appended override any given (argparse keeps the
    last); their rows together (meta of the first)."""
    merged = None
    for cores in counts:
        with tempfile.TemporaryDirectory(prefix="snnkit_bench_") as out:
            child = [sys.executable, "-m", "snnkit", "bench", *argv, "--cores", str(cores), "--out", out]
            done = subprocess.run(child, text=True)
            if done.returncode not in (0, 1):
                raise RuntimeError(f"the bench with --cores {cores} failed (exit {done.returncode})")
            (path,) = Path(out).glob("bench_*.json")
            result = json.loads(path.read_text())
        if merged is None:
            merged = result
        else:
            merged["rows"] += result["rows"]
            merged["skipped"] = sorted(set(merged["skipped"]) | set(result["skipped"]))
    return merged

"""Strong and weak scaling of a partitioned run (snnkit.parallel) on this machine.

One configuration per call, on every rank of
``mpiexec -n R python -m mpi4py benchmarks/mpi_scaling.py MODEL N DURATION_MS BACKEND OUT.jsonl``;
rank 0 appends one JSON line: build and run seconds (the slowest rank's), the exchange's
windows, bytes and seconds per window, spikes. ``--sweep OUT`` runs the whole table here
(R = 1, 2, 4; CUBA 40k-400k strong and weak, Brunel with its 1.5 ms window) and writes
OUT.json and OUT.md. Each rank's OpenCL device is PoCL on one thread.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path


def build(model: str, n: int):
    if model == "cuba":
        from snnkit.examples.cuba import build as make
    else:
        from snnkit.bench.models.brunel import build as make
    return make(n).network


def one(model: str, n: int, duration: float, backend: str, out: str) -> None:
    import snnkit as sk
    from mpi4py import MPI
    comm = MPI.COMM_WORLD
    net = build(model, n)
    net.seed = 1
    comm.Barrier()
    started = time.perf_counter()
    sim = sk.Simulator(net, backend=backend, seed=2, comm="mpi", output=f"/tmp/mpi_scaling_{model}_{n}.h5")
    built = time.perf_counter() - started
    sim.run(1.0)                                           # kernels compiled, caches warm
    comm.Barrier()
    exchange = dict(sim.exchange.report())
    started = time.perf_counter()
    sim.run(duration)
    ran = time.perf_counter() - started
    report = sim.exchange.report()
    windows = report["exchanges"] - exchange["exchanges"]
    row = dict(build_s=built, run_s=ran - sim.merge_seconds, merge_s=sim.merge_seconds, exchange_s=report["seconds"] - exchange["seconds"],
               bytes=report["bytes_received"] - exchange["bytes_received"], windows=windows,
               synapses=sum(int(t["n_synapses"]) for t in sim.plan.synapses))
    rows = comm.gather(row, root=0)
    spikes = sum(int(d.times.size) for d in sim.results.spikes.values())
    if comm.Get_rank() == 0:
        line = dict(model=model, n=n, ranks=comm.Get_size(), backend=backend, duration_ms=duration,
                    window_steps=report["window_steps"], spikes=spikes,
                    build_s=max(r["build_s"] for r in rows), run_s=max(r["run_s"] for r in rows),
                    merge_s=rows[0]["merge_s"],
                    exchange_s=max(r["exchange_s"] for r in rows), windows=windows,
                    bytes_per_window=rows[0]["bytes"] / max(1, windows),
                    exchange_us_per_window=1e6 * max(r["exchange_s"] for r in rows) / max(1, windows),
                    synapses_per_rank=[r["synapses"] for r in rows])
        with open(out, "a") as f:
            f.write(json.dumps(line) + "\n")
        print(json.dumps(line), flush=True)


CONFIGS = [("cuba", 40000, 1), ("cuba", 40000, 2), ("cuba", 40000, 4),              # strong, 40k
           ("cuba", 160000, 1), ("cuba", 160000, 2), ("cuba", 160000, 4),           # strong, 160k
           ("cuba", 80000, 2), ("cuba", 400000, 4),                                 # weak: 40k, 100k a rank
           ("brunel", 12500, 1), ("brunel", 12500, 2), ("brunel", 12500, 4)]


def sweep(out: str, duration: float = 200.0, backend: str = "opencl") -> None:
    lines = Path(out + ".jsonl")
    lines.unlink(missing_ok=True)
    mpiexec = Path(sys.executable).parent / "mpiexec"
    env = dict(os.environ, POCL_MAX_PTHREAD_COUNT="1", OMP_NUM_THREADS="1")
    for model, n, ranks in CONFIGS:
        subprocess.run([str(mpiexec), "-n", str(ranks), sys.executable, "-m", "mpi4py", __file__, model, str(n),
                        str(duration), backend, str(lines)], check=True, env=env)
    rows = [json.loads(line) for line in lines.read_text().splitlines()]
    Path(out + ".json").write_text(json.dumps(rows, indent=1))
    md = ["| model | N | ranks | window (steps) | build s | run s (per 1 s bio) | exchange s | "
          "bytes/window/rank | us/window | synapses/rank | file merge s |", "|" + "---|" * 11]
    for r in rows:
        scale = 1000.0 / r["duration_ms"]
        md.append(f"| {r['model']} | {r['n']} | {r['ranks']} | {r['window_steps']} | {r['build_s']:.1f} | "
                  f"{r['run_s'] * scale:.2f} | {r['exchange_s'] * scale:.2f} | {r['bytes_per_window']:.0f} | "
                  f"{r['exchange_us_per_window']:.0f} | {max(r['synapses_per_rank']):.3g} | {r['merge_s']:.2f} |")
    Path(out + ".md").write_text("\n".join(md) + "\n")
    lines.unlink()
    print("\n".join(md))


if __name__ == "__main__":
    if sys.argv[1] == "--sweep":
        sweep(sys.argv[2])
    else:
        one(sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4], sys.argv[5])

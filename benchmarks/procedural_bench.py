"""Stored against procedural connectivity on one model: build time, bytes per synapse
and real-time factor of each (issue: procedural connectivity).

    python benchmarks/procedural_bench.py --model microcircuit --size 7717 --backend opencl --run 200
"""

from __future__ import annotations

import argparse
import json
import time

import snnkit as sk
from snnkit.bench.models import get


def measure(model: str, size: int, backend: str, run_ms: float, procedural: bool) -> dict:
    net = get(model).build(size).network
    for proj in net.projections:
        proj.procedural = procedural and proj.plasticity is None and proj.synapse is None
    start = time.perf_counter()
    sim = sk.Simulator(net, backend=backend, seed=1)
    sim.backend.synchronize()
    built = time.perf_counter() - start
    storage = sim.storage()
    synapses = sum(t["synapses"] for t in storage)
    sim.run(10.0, progress=False)
    start = time.perf_counter()
    sim.run(run_ms, progress=False)
    sim.backend.synchronize()
    wall = time.perf_counter() - start
    spikes = sum(s.times.size for s in sim.results.spikes.values())
    return dict(model=model, size=size, backend=backend, procedural=procedural, synapses=synapses,
                build_s=round(built, 3), bytes_per_synapse=round(sum(t["device_bytes"] for t in storage) / synapses, 3),
                run_ms=run_ms, rtf=round(wall / (run_ms / 1000.0), 3), spikes=spikes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="microcircuit")
    parser.add_argument("--size", type=int, default=7717)
    parser.add_argument("--backend", default="opencl")
    parser.add_argument("--run", type=float, default=200.0)
    parser.add_argument("--json", default=None)
    args = parser.parse_args()
    rows = [measure(args.model, args.size, args.backend, args.run, p) for p in (False, True)]
    for row in rows:
        print(json.dumps(row), flush=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)


if __name__ == "__main__":
    main()

"""Host memory of building explicit connectivity (issue: connectivity generated on the
device, item 4): a network of FromList projections with per-synapse weight and delay
arrays, as PyNN's and Brian2's frontends make them. Each row runs in its own process;
the build's peak is the peak RSS during ``Simulator(...)`` above the RSS before it (the
network's own arrays: 16 B of indices and 16 B of values a synapse, are not counted),
in bytes per synapse.

    python benchmarks/explicit_build_bench.py --synapses 1000000 5000000 --backend numpy opencl
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time


def rss(field: str) -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    return 0


def one(synapses: int, backend: str, projections: int) -> dict:
    import numpy as np
    import snnkit as sk
    rng = np.random.default_rng(1)
    net = sk.Network()
    n = max(100, int(np.sqrt(synapses / 0.05)))              # 5 % dense
    exc = net.population(n, sk.LIF(), name="exc")
    inh = net.population(n // 4, sk.LIF(), name="inh")
    per = synapses // projections
    for p in range(projections):
        target = exc if p % 2 == 0 else inh
        pre = rng.integers(0, n, per)
        post = rng.integers(0, target.size, per)
        net.connect(exc, target, sk.FromList(pre, post), weight=rng.uniform(0.1, 0.5, per),
                    delay=rng.uniform(0.1, 3.0, per), receptor="inh" if p % 3 == 2 else "exc")
    before = rss("VmRSS")
    with open("/proc/self/clear_refs", "w") as f:                # peak RSS from here on
        f.write("5")
    start = time.perf_counter()
    sim = sk.Simulator(net, backend=backend, seed=1)
    sim.backend.synchronize() if hasattr(sim.backend, "synchronize") else None
    built = time.perf_counter() - start
    peak, after = rss("VmHWM"), rss("VmRSS")
    total = sum(t["synapses"] for t in sim.storage())
    sim.run(1.0, progress=False)
    return dict(synapses=total, backend=backend, projections=projections, build_s=round(built, 3),
                peak_bytes_per_synapse=round((peak - before) / total, 1),
                kept_bytes_per_synapse=round((after - before) / total, 1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--synapses", type=int, nargs="+", default=[1000000])
    parser.add_argument("--backend", nargs="+", default=["numpy"])
    parser.add_argument("--projections", type=int, default=3)
    parser.add_argument("--json", default=None)
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.synapses[0], args.backend[0], args.projections)))
        return
    rows = []
    for backend in args.backend:
        for synapses in args.synapses:
            out = subprocess.run([sys.executable, __file__, "--one", "--synapses", str(synapses), "--backend",
                                  backend, "--projections", str(args.projections)], capture_output=True, text=True)
            rows.append(json.loads(out.stdout.strip().splitlines()[-1]) if out.returncode == 0 else
                        dict(synapses=synapses, backend=backend, error=out.stderr.strip().splitlines()[-1:]))
            print(json.dumps(rows[-1]), flush=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)


if __name__ == "__main__":
    main()

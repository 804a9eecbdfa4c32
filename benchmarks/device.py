"""Device benchmark (issue 4): on one backend, in one run,

(a) LIF update throughput: neuron-updates/s and achieved GB/s of the fused
    lif_step (bytes counted below) against a measured device-to-device copy;
(b) spike propagation: synaptic events/s (Poisson sources, fan-out 1000);
(c) CUBA 4k, CUBA 400k (same in-degree 80) and a batch of 64 CUBA-4k
    instances, 1 s biological time: real-time factors (wall / biological time);
    and CUBA 4k once more with every step launched op by op (no captured
    step sequences: snnkit/step_sequences.py), to show what capturing saves.

    python benchmarks/device.py --backend cupy            # on a GPU machine
    python benchmarks/device.py --backend opencl --quick  # small sizes, a smoke test

Writes benchmarks/results/device_<backend>_<device>.json and prints a table.
"""

from __future__ import annotations

import argparse
import json
import platform
import re
import time
from pathlib import Path


import snnkit as sk
from snnkit.bench.micro import run_micro

def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", default="cupy")
    parser.add_argument("--quick", action="store_true", help="small sizes (a smoke test on a CPU)")
    args = parser.parse_args()
    q = args.quick
    result = dict(date=time.strftime("%Y-%m-%d"), host=platform.node(), snnkit=sk.__version__,
                  **run_micro(args.backend, quick=q))
    device = result["device"]
    lif, prop = result["lif"], result["propagation"]
    copy = result["copy_gb_per_s"]
    print(f"device: {device} ({args.backend})")
    if copy:
        print(f"copy bandwidth: {copy:.1f} GB/s (read + write)")
    print(f"LIF update: {lif['updates_per_s']:.3g} neuron-updates/s, {lif['gb_per_s']:.1f} GB/s"
          + (f" = {lif['gb_per_s'] / copy:.0%} of copy" if copy else ""))
    print(f"propagation: {prop['events_per_s']:.3g} synaptic events/s")
    base = result["cuba"][0]["wall_s"]
    for row in result["cuba"]:
        how = f"sequences of {row['sequence_steps']} steps" if row.get("sequence_steps") else "step by step"
        print(f"CUBA {row['neurons']:>7} x batch {row['batch']:>2}, {how}: RTF {row['rtf']:.3f} "
              f"({row['wall_s'] / base:.2f}x the single 4k instance), rate {row['rate_exc_hz']:.2f} Hz")
    name = re.sub(r"[^A-Za-z0-9]+", "_", device).strip("_")[:40]
    out = Path(__file__).parent / "results" / f"device_{args.backend}_{name}{'_quick' if q else ''}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()

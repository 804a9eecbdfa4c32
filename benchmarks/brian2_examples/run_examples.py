"""Brian2's example scripts (its sdist's examples/) on Brian2's runtime and on the snnkit
device, with the one added line, compared:

    python run_examples.py EXAMPLES_DIR [--backend numpy] [--timeout 600] [--out table.json] [name ...]

Each script runs in a fresh process twice: on Brian2's runtime device (numpy target) and
with ``import snnkit_brian2; set_device("snnkit", backend=...)`` put in front of it
(plots go to a non-interactive backend; ``brian2.seed(2026)`` first, so that values drawn
by Brian2 itself, such as ``P.v = 'rand()*...'``, are the same in both). The spikes of
every SpikeMonitor the script leaves in its namespace are compared, and the first 2000
samples of its StateMonitors: "identical" (the same indices and times, traces within 1e-6 of
their range), "statistically close" (total counts within 5 sqrt(n) + 5%: scripts
whose randomness during the run is snnkit's own), "differs", or why it did not run on
snnkit (its NotImplementedError, an error, a timeout). Prints a table and writes it as JSON.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

DEFAULT = ["CUBA.py", "COBAHH.py", "IF_curve_LIF.py", "IF_curve_Hodgkin_Huxley.py", "adaptive_threshold.py",
           "non_reliability.py", "reliability.py", "phase_locking.py", "synapses/STDP.py",
           "frompapers/Brunel_Hakim_1999.py", "synapses/nonlinear.py", "synapses/licklider.py",
           "frompapers/Diesmann_et_al_1999.py", "frompapers/Brette_Gerstner_2005.py",
           "frompapers/Izhikevich_2007.py", "frompapers/Vogels_et_al_2011.py"]

RUNNER = r"""
import json, runpy, sys, matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
plt.show = lambda *a, **k: None
import brian2
from brian2 import set_device, seed
target, script, out = sys.argv[1], sys.argv[2], sys.argv[3]
if target != "runtime":
    import snnkit_brian2
    set_device("snnkit", backend=target)
else:
    brian2.prefs.codegen.target = "numpy"
seed(2026)
status = "ran"
try:
    namespace = runpy.run_path(script, run_name="__main__")
except NotImplementedError as err:
    status, namespace = "refused: " + str(err).split(";")[0], {}
monitors, traces = {}, {}
for name, value in sorted(namespace.items()):
    if isinstance(value, brian2.SpikeMonitor):
        monitors[name] = [value.i[:].tolist(), (value.t[:] / brian2.ms).tolist()]
    elif isinstance(value, brian2.StateMonitor):
        for var in value.record_variables:
            traces[f"{name}.{var}"] = [[float(x) for x in row] for row in value.variables[var].get_value()[:2000]]
json.dump({"status": status, "monitors": monitors, "traces": traces}, open(out, "w"))
"""


def run(target: str, script: Path, timeout: float) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "out.json"
        start = time.perf_counter()
        try:
            proc = subprocess.run([sys.executable, "-c", RUNNER, target, str(script), str(out)], cwd=script.parent,
                                  capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return {"status": f"timeout ({timeout:g} s)", "monitors": {}, "seconds": timeout}
        seconds = time.perf_counter() - start
        if not out.exists():
            last = (proc.stderr.strip().splitlines() or ["?"])[-1]
            return {"status": f"error: {last[:200]}", "monitors": {}, "seconds": seconds}
        result = json.loads(out.read_text())
        result["seconds"] = seconds
        return result


def compare(ref: dict, ours: dict) -> str:
    if ours["status"] != "ran":
        return ours["status"]
    if ref["status"] != "ran":
        return f"Brian2's runtime: {ref['status']}"
    if not ref["monitors"] and not ref.get("traces"):
        return "ran (no monitor to compare)"
    identical, close = True, True
    for name, values in ref.get("traces", {}).items():
        a, b = np.asarray(values, dtype=float), np.asarray(ours.get("traces", {}).get(name, []), dtype=float)
        if a.shape != b.shape:
            return f"differs ({name}: {b.shape} samples, Brian2 {a.shape})"
        scale = float(np.nanmax(np.abs(a))) if a.size else 1.0
        identical &= bool(np.allclose(a, b, rtol=0, atol=1e-6 * scale, equal_nan=True))
    for name, (i, t) in ref["monitors"].items():
        if name not in ours["monitors"]:
            return f"differs (no monitor {name})"
        j, u = ours["monitors"][name]
        same = len(i) == len(j) and np.array_equal(i, j) and np.allclose(t, u, rtol=0, atol=1e-6)
        identical &= same
        close &= abs(len(i) - len(j)) <= 5 * np.sqrt(max(len(i), 1)) + 0.05 * len(i)
    return "identical" if identical else "statistically close" if close else "differs"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("examples", type=Path)
    parser.add_argument("names", nargs="*")
    parser.add_argument("--backend", default="numpy")
    parser.add_argument("--timeout", type=float, default=600.0)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_intermixed_args()
    rows = []
    for name in args.names or DEFAULT:
        script = args.examples / name
        ref, ours = run("runtime", script, args.timeout), run(args.backend, script, args.timeout)
        spikes = {k: len(v[0]) for k, v in ref["monitors"].items()}
        row = {"example": name, "result": compare(ref, ours), "brian2_runtime_s": round(ref["seconds"], 2),
               "snnkit_s": round(ours["seconds"], 2), "spikes_brian2": spikes,
               "spikes_snnkit": {k: len(v[0]) for k, v in ours["monitors"].items()}}
        rows.append(row)
        print(f"{name:40s} {row['result'][:90]:90s} {row['brian2_runtime_s']:8.1f} s {row['snnkit_s']:8.1f} s",
              flush=True)
    if args.out:
        args.out.write_text(json.dumps({"backend": args.backend, "rows": rows}, indent=1))


if __name__ == "__main__":
    main()

"""Run PyNN's own example scripts on a PyNN backend and reduce their results to a
few numbers, so that snnkit_pynn can be compared with pyNN.nest.

    python frontends/snnkit_pynn/compare.py nest EXAMPLES_DIR out.json    # where pyNN.nest runs
    python -m snnkit_pynn.compare snnkit EXAMPLES_DIR out.json      # SNNKIT_PYNN_BACKEND: the backend

EXAMPLES_DIR holds the examples/ folder of the PyNN 0.13 source distribution
(``pip download --no-deps --no-binary :all: PyNN==0.13.0``). Each script runs
unchanged but for simple_STDP.py, whose one-to-one connection of two
one-neuron populations trips a numpy >= 2.1 error inside PyNN 0.13 itself (on
pyNN.nest as well); there OneToOneConnector becomes AllToAllConnector, the
same single connection. tests/data/pynn_nest_reference.json is this script's
output for pyNN.nest 0.13 with NEST 3.10 (varying_poisson, update_spike_source_array,
parameter_changes and tsodyksmarkram added on 2026-12-01, the other entries kept from
their first run, whose timings the README quotes).
"""

from __future__ import annotations

import json
import os
import runpy
import sys
import tempfile
import time
from pathlib import Path

import numpy as np


def _run(script: Path, simulator: str, *args, patch=None) -> dict:
    import pyNN
    if simulator == "snnkit":
        import snnkit_pynn
        sys.modules["pyNN.snnkit"] = snnkit_pynn
        pyNN.snnkit = snnkit_pynn
    text = script.read_text()
    if patch:
        text = text.replace(*patch)
    with tempfile.TemporaryDirectory() as work:
        path = Path(work) / script.name
        path.write_text(text)
        saved_argv, saved_cwd = sys.argv, os.getcwd()
        sys.argv = [str(path), simulator, *args]
        os.chdir(work)
        try:
            t0 = time.perf_counter()
            env = runpy.run_path(str(path), run_name="__main__")
            env["_wall_s"] = time.perf_counter() - t0
        finally:
            sys.argv = saved_argv
            os.chdir(saved_cwd)
    return env


def va_benchmark(examples: Path, simulator: str, kind: str) -> dict:
    env = _run(examples / "VAbenchmarks.py", simulator, kind)
    return dict(rate_exc_hz=float(env["E_count"] * 1000.0 / env["tstop"]),
                rate_inh_hz=float(env["I_count"] * 1000.0 / env["tstop"]),
                build_s=float(env["buildCPUTime"]), sim_s=float(env["simCPUTime"]))


def simple_stdp(examples: Path, simulator: str) -> dict:
    env = _run(examples / "simple_STDP.py", simulator,
               patch=("sim.OneToOneConnector(),\n", "sim.AllToAllConnector(),\n"))
    return dict(final_weights=np.asarray(env["final_weights"], float).tolist(),
                initial_weight=5e-8, deltas_ms=np.asarray(env["deltas"], float).tolist(),
                post_spikes_ms=np.asarray(env["postsynaptic_data"].spiketrains[0].magnitude).tolist())


def current_injection(examples: Path, simulator: str) -> dict:
    env = _run(examples / "current_injection.py", simulator)
    vm = env["vm"]
    return dict(dt_ms=float(vm.sampling_period.rescale("ms").magnitude),
                v_mV=np.asarray(vm.magnitude)[:, :3].T.tolist())


def varying_sources(examples: Path, simulator: str, name: str) -> dict:
    """varying_poisson.py / update_spike_source_array.py: rates or spike times changed by
    callbacks during the run; the spikes counted per interval."""
    env = _run(examples / f"{name}.py", simulator)
    counts = env.get("spike_counts")
    if counts is None:
        spikes = np.hstack([st.magnitude for st in env["data"].spiketrains])
        counts = [int(((spikes >= x) & (spikes < x + 100)).sum()) for x in range(0, 1000, 100)]
    return dict(spike_counts=[int(c) for c in counts])


def parameter_changes(examples: Path, simulator: str) -> dict:
    """parameter_changes.py: an AdEx cell whose adaptation a changes between runs; its spikes."""
    env = _run(examples / "parameter_changes.py", simulator)
    v = np.asarray(env["cell"].get_data().segments[-1].filter(name="v")[0].magnitude[:, 0], float)
    resets = np.flatnonzero(np.diff(v) < -5.0) + 1            # a spike: v falls to v_reset
    return dict(dt_ms=0.01, reset_samples=resets.tolist(), v_min_mV=float(v.min()))


def tsodyks_markram(examples: Path, simulator: str) -> dict:
    """tsodyksmarkram.py: static, depressing and facilitating synapses onto three cells
    each; the peak inhibitory conductance and the lowest v of each cell."""
    env = _run(examples / "tsodyksmarkram.py", simulator)
    out = {}
    for label, pop in env["populations"].items():
        segment = pop.get_data().segments[-1]
        g = np.asarray(segment.filter(name="gsyn_inh")[0].magnitude, float)
        v = np.asarray(segment.filter(name="v")[0].magnitude, float)
        out[label] = dict(gsyn_inh_peak_uS=g.max(axis=0).tolist(), v_min_mV=v.min(axis=0).tolist())
    return out


def main() -> None:
    simulator, examples, out = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    os.environ.setdefault("MPLBACKEND", "Agg")
    result = dict(simulator=simulator, backend=os.environ.get("SNNKIT_PYNN_BACKEND", "numpy"))
    result["VAbenchmarks_CUBA"] = va_benchmark(examples, simulator, "CUBA")
    result["VAbenchmarks_COBA"] = va_benchmark(examples, simulator, "COBA")
    result["simple_STDP"] = simple_stdp(examples, simulator)
    result["current_injection"] = current_injection(examples, simulator)
    result["varying_poisson"] = varying_sources(examples, simulator, "varying_poisson")
    result["update_spike_source_array"] = varying_sources(examples, simulator, "update_spike_source_array")
    result["parameter_changes"] = parameter_changes(examples, simulator)
    result["tsodyksmarkram"] = tsodyks_markram(examples, simulator)
    out.write_text(json.dumps(result) + "\n")
    for key in ("VAbenchmarks_CUBA", "VAbenchmarks_COBA"):
        print(key, {k: round(v, 3) for k, v in result[key].items()})


if __name__ == "__main__":
    main()

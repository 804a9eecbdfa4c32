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
parameter_changes and tsodyksmarkram added on 2026-12-01, specific_network,
small_network, synaptic_input and HH_cond_exp2 later that day by naming them,
the other entries kept from their first run, whose timings the README quotes).
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


def _signals(population, every: int = 1) -> dict:
    """A population's recorded spikes (ms) and signals (every ``every``-th sample, cell by cell)."""
    segment = population.get_data().segments[0]
    out = {"spikes_ms": [np.asarray(st.magnitude, float).round(6).tolist() for st in segment.spiketrains]}
    for signal in segment.analogsignals:
        out[signal.name] = np.asarray(signal.magnitude, float)[::every].T.tolist()
    return out


def specific_network(examples: Path, simulator: str) -> dict:
    """specific_network.py: five IF_curr_alpha cells fed through a FromListConnector."""
    return _signals(_run(examples / "specific_network.py", simulator)["cells"])


def small_network(examples: Path, simulator: str) -> dict:
    """small_network.py: 20 IF_cond_alpha cells, FixedProbabilityConnector(0.5) drawn from
    an unseeded generator (so different connections on each run): the spike count."""
    data = _signals(_run(examples / "small_network.py", simulator)["cells"])
    return dict(n_spikes=sum(len(train) for train in data["spikes_ms"]))


def synaptic_input(examples: Path, simulator: str) -> dict:
    """synaptic_input.py: one spike train into current, conductance, alpha and delta synapses
    (dt 0.01 ms): each population's v every 0.1 ms."""
    env = _run(examples / "synaptic_input.py", simulator)
    return {name: _signals(env[name], every=10)["v"]
            for name in ("cuba_exp", "cuba_alpha", "coba_exp", "coba_alpha", "v_step_izh")}


def hh_cond_exp2(examples: Path, simulator: str) -> dict:
    """HH_cond_exp2.py: one Hodgkin-Huxley cell at dt 0.001 ms for 20 ms; its spikes (v peaks
    above 0 mV) and v every 0.1 ms."""
    v = np.asarray(_run(examples / "HH_cond_exp2.py", simulator)["vm"].magnitude, float)[:, 0]
    peaks = np.flatnonzero((v[1:-1] > v[:-2]) & (v[1:-1] >= v[2:]) & (v[1:-1] > 0.0)) + 1
    return dict(peak_ms=(peaks * 0.001).round(6).tolist(), v_mV=v[::100].tolist())


def brunel(examples: Path, simulator: str) -> dict:
    """brunel.py: Brunel (2000) case C scaled down 50x (5000 IF_curr_alpha cells, 100 ms):
    the rates and the script's build and run timers."""
    env = _run(examples / "brunel.py", simulator)
    return dict(rate_exc_hz=float(env["E_rate"]), rate_inh_hz=float(env["I_rate"]),
                build_s=float(env["buildCPUTime"]), sim_s=float(env["simCPUTime"]))


EXAMPLES = {
    "VAbenchmarks_CUBA": lambda e, s: va_benchmark(e, s, "CUBA"),
    "VAbenchmarks_COBA": lambda e, s: va_benchmark(e, s, "COBA"),
    "simple_STDP": simple_stdp, "current_injection": current_injection,
    "varying_poisson": lambda e, s: varying_sources(e, s, "varying_poisson"),
    "update_spike_source_array": lambda e, s: varying_sources(e, s, "update_spike_source_array"),
    "parameter_changes": parameter_changes, "tsodyksmarkram": tsodyks_markram,
    "specific_network": specific_network, "small_network": small_network, "synaptic_input": synaptic_input,
    "HH_cond_exp2": hh_cond_exp2, "brunel": brunel}


def main() -> None:
    """compare.py SIMULATOR EXAMPLES_DIR OUT.json [NAME ...]: every example, or the named
    ones merged into OUT.json's earlier entries."""
    simulator, examples, out = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    names = sys.argv[4:] or list(EXAMPLES)
    os.environ.setdefault("MPLBACKEND", "Agg")
    result = json.loads(out.read_text()) if sys.argv[4:] and out.is_file() else {}
    result.update(simulator=simulator, backend=os.environ.get("SNNKIT_PYNN_BACKEND", "numpy"))
    for name in names:
        result[name] = EXAMPLES[name](examples, simulator)
    out.write_text(json.dumps(result) + "\n")
    for key in ("VAbenchmarks_CUBA", "VAbenchmarks_COBA", "brunel"):
        if key in names:
            print(key, {k: round(v, 3) for k, v in result[key].items()})


if __name__ == "__main__":
    main()

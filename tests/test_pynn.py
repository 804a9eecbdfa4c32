"""The PyNN backend (frontends/snnkit_pynn): analytic scenarios through PyNN's API,
and PyNN's own example scripts against pyNN.nest (tests/data/pynn_nest_reference.json,
made by frontends/snnkit_pynn/compare.py with PyNN 0.13 and NEST 3.10).

The examples come from PyNN's source distribution: SNNKIT_PYNN_EXAMPLES names its
examples/ folder (.ci/run downloads it); without it the tests fetch it once with pip
into .pynn_pkgs/, and are skipped only where that cannot be done."""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("pyNN")
import snnkit_pynn as sim  # noqa: E402

REFERENCE = Path(__file__).parent / "data" / "pynn_nest_reference.json"


@pytest.fixture(autouse=True)
def fresh_state():
    yield
    sim.end()


def test_dc_source_fires_at_the_closed_form_period():
    sim.setup(timestep=0.01, dtype="float64")
    cells = sim.Population(2, sim.IF_curr_exp(tau_m=10.0, cm=1.0, v_rest=-65.0, v_reset=-65.0,
                                              v_thresh=-55.0, tau_refrac=2.0))
    sim.DCSource(amplitude=1.5, start=100.0, stop=400.0).inject_into(cells[0:1])
    cells.record("spikes")
    sim.run(500.0)
    trains = cells.get_data().segments[0].spiketrains
    t = trains[0].magnitude
    period = 10.0 * math.log(15.0 / 5.0) + 2.0
    assert np.diff(t) == pytest.approx(period, abs=0.02)
    assert t[0] == pytest.approx(100.0 + period - 2.0, abs=0.02)
    assert len(trains[1]) == 0


def test_spike_source_arrives_after_the_delay():
    """A delta synapse of 2 mV from a spike at 10 ms with delay 1.5 ms: v jumps in the step
    that ends at 11.5 + dt (as pyNN.nest's iaf_psc_delta)."""
    sim.setup(timestep=0.1, dtype="float64")
    src = sim.Population(1, sim.SpikeSourceArray(spike_times=[10.0]))
    cell = sim.Population(1, sim.IF_curr_delta(v_rest=-65.0, v_thresh=-50.0))
    sim.Projection(src, cell, sim.AllToAllConnector(), sim.StaticSynapse(weight=2.0, delay=1.5))
    cell.record("v")
    sim.run(20.0)
    v = cell.get_data().segments[0].filter(name="v")[0].magnitude[:, 0]
    jump = np.flatnonzero(np.diff(v) > 1.0)
    assert jump.size == 1
    assert (jump[0] + 1) * 0.1 == pytest.approx(11.6, abs=1e-9)
    assert v[jump[0] + 1] - v[jump[0]] == pytest.approx(2.0, abs=0.01)


@pytest.mark.parametrize("lag_ms", [5.0, -7.0])
def test_one_spike_pair_changes_the_weight_by_the_rule(lag_ms):
    """Additive SpikePairRule as NEST's stdp_synapse: the postsynaptic spike reaches the
    synapse after the (dendritic) delay, 0.1 ms, so the lag at the synapse is lag + 0.1:
    w changes by A_plus w_max exp(-(lag + 0.1) / tau_plus) (post after pre) or
    -A_minus w_max exp((lag + 0.1) / tau_minus) (post before pre). (pyNN.nest reads the
    potentiation only after the next presynaptic spike; snnkit applies it at once.)"""
    sim.setup(timestep=0.1, dtype="float64")
    pre = sim.Population(1, sim.SpikeSourceArray(spike_times=[20.0]))
    post_driver = sim.Population(1, sim.SpikeSourceArray(spike_times=[20.0 + lag_ms - 0.1]))
    post = sim.Population(1, sim.IF_curr_delta(v_rest=-65.0, v_thresh=-50.0, tau_refrac=2.0))
    sim.Projection(post_driver, post, sim.AllToAllConnector(), sim.StaticSynapse(weight=30.0, delay=0.1))
    stdp = sim.STDPMechanism(timing_dependence=sim.SpikePairRule(tau_plus=20.0, tau_minus=15.0,
                                                                 A_plus=0.01, A_minus=0.012),
                             weight_dependence=sim.AdditiveWeightDependence(w_min=0.0, w_max=0.5),
                             weight=0.25, delay=0.1)
    proj = sim.Projection(pre, post, sim.AllToAllConnector(), stdp)
    post.record("spikes")
    sim.run(60.0)
    t_post = post.get_data().segments[0].spiketrains[0].magnitude
    assert t_post == pytest.approx([20.0 + lag_ms + 0.1])       # NEST's stamp: the end of the step
    w = proj.get("weight", format="list", with_address=False)[0]
    at_synapse = lag_ms + 0.1
    if lag_ms > 0:
        expected = 0.25 + 0.01 * 0.5 * math.exp(-at_synapse / 20.0)
    else:
        expected = 0.25 - 0.012 * 0.5 * math.exp(at_synapse / 15.0)
    assert w == pytest.approx(expected, rel=1e-9)


def test_unsupported_models_say_so():
    sim.setup()
    sim.IF_cond_alpha()                                # (from the equation library: tests/test_pynn_cells.py)
    sim.TsodyksMarkramSynapse()
    sim.GutigWeightDependence()
    with pytest.raises(NotImplementedError, match="StochasticTsodyksMarkramSynapse is not available"):
        sim.StochasticTsodyksMarkramSynapse()
    with pytest.raises(NotImplementedError, match="PointNeuron takes LIF or AdExp, not IF_cond_exp"):
        sim.PointNeuron(sim.IF_cond_exp())
    with pytest.raises(NotImplementedError, match="MultiCompartmentNeuron is not available"):
        sim.MultiCompartmentNeuron()


def test_structure_after_the_first_run_is_refused_and_reset_rebuilds():
    sim.setup()
    p = sim.Population(3, sim.IF_curr_exp())
    p.record("v")
    sim.run(10.0)
    with pytest.raises(NotImplementedError, match="first run"):
        sim.Population(2, sim.IF_curr_exp())
    sim.reset()
    p.set(i_offset=2.0)
    sim.run(20.0)
    block = p.get_data()
    assert len(block.segments) == 2
    assert block.segments[0].filter(name="v")[0].shape == (101, 3)
    assert block.segments[1].filter(name="v")[0].shape == (201, 3)
    assert block.segments[0].filter(name="v")[0].magnitude.max() == pytest.approx(-65.0)
    assert block.segments[1].filter(name="v")[0].magnitude.max() > -55.0        # i_offset now drives it


def test_weights_and_hdf5(tmp_path):
    out = tmp_path / "run.h5"
    sim.setup(output=str(out))
    src = sim.Population(20, sim.SpikeSourcePoisson(rate=50.0))
    cells = sim.Population(10, sim.IF_cond_exp())
    sim.Projection(src, cells, sim.FixedProbabilityConnector(0.5), sim.StaticSynapse(weight=0.01, delay=1.0))
    cells.record(["spikes", "v", "gsyn_exc"])
    sim.run(100.0)
    seg = cells.get_data().segments[0]
    assert str(seg.filter(name="gsyn_exc")[0].units.dimensionality) == "uS"
    assert seg.filter(name="gsyn_exc")[0].magnitude.max() > 0
    sim.end()
    import h5py
    with h5py.File(out) as f:
        assert "spikes" in f


# -- PyNN's example scripts against pyNN.nest ------------------------------------------

PYNN_CACHE = Path(__file__).resolve().parent.parent / ".pynn_pkgs"     # git-ignored


def _fetch_examples() -> Path | None:
    """PyNN 0.13's examples/ (only in its source distribution), downloaded once into
    .pynn_pkgs/ with pip; None if that cannot be done here."""
    found = sorted(PYNN_CACHE.glob("*/examples/VAbenchmarks.py"))
    if found:
        return found[0].parent
    import subprocess
    import sys
    import tarfile
    try:
        subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:",
                        "-d", str(PYNN_CACHE), "PyNN==0.13.0"], check=True, timeout=300,
                       capture_output=True)
        for archive in PYNN_CACHE.glob("*.tar.gz"):
            with tarfile.open(archive) as tar:
                tar.extractall(PYNN_CACHE, **({"filter": "data"} if hasattr(tarfile, "data_filter") else {}))
    except (subprocess.SubprocessError, OSError, tarfile.TarError):
        return None
    found = sorted(PYNN_CACHE.glob("*/examples/VAbenchmarks.py"))
    return found[0].parent if found else None


def _examples() -> Path:
    """SNNKIT_PYNN_EXAMPLES (PyNN 0.13's examples/ folder; .ci/run sets it), else a copy
    fetched once from PyPI into .pynn_pkgs/; skipped where neither is possible."""
    folder = os.environ.get("SNNKIT_PYNN_EXAMPLES")
    if folder and (Path(folder) / "VAbenchmarks.py").is_file():
        return Path(folder)
    fetched = _fetch_examples()
    if fetched is None:
        pytest.skip("PyNN 0.13's examples/ folder is neither named by SNNKIT_PYNN_EXAMPLES nor downloadable")
    return fetched


@pytest.fixture(scope="module")
def nest():
    return json.loads(REFERENCE.read_text())


@pytest.fixture
def small_steps(monkeypatch):
    """Examples of a few cells over many steps (dt 0.01 ms; HH at 0.001) run on OpenCL
    where it is available: per step it costs a few launches, the equation models' NumPy
    step several times that (6x on simple_STDP's 100000 steps here)."""
    from snnkit.backends import BACKENDS
    if BACKENDS["opencl"].unavailable_reason() is None:
        monkeypatch.setenv("SNNKIT_PYNN_BACKEND", "opencl")


@pytest.mark.parametrize("kind", ["CUBA", "COBA"])
def test_va_benchmark_rates_match_nest(kind, nest):
    from snnkit_pynn.compare import va_benchmark
    got = va_benchmark(_examples(), "snnkit", kind)
    ref = nest[f"VAbenchmarks_{kind}"]
    for key in ("rate_exc_hz", "rate_inh_hz"):
        assert got[key] == pytest.approx(ref[key], rel=0.10), key


def test_current_injection_traces_match_nest(nest):
    from snnkit_pynn.compare import current_injection
    got = np.array(current_injection(_examples(), "snnkit")["v_mV"])
    ref = np.array(nest["current_injection"]["v_mV"])
    assert got.shape == ref.shape
    # DC, step and AC sources: float32 against NEST's double (documented tolerance 0.01 mV)
    assert np.abs(got - ref).max() < 0.01


def test_simple_stdp_weight_changes_match_nest(nest, small_steps):
    """STDP as NEST's stdp_synapse (the 3 ms delay dendritic): the same sign for all 60
    synapses; the depressed ones within 1% of NEST's (measured 0.06%); the potentiated ones
    about 10/9 of NEST's (measured 1.117): of each synapse's 10 pairs NEST's readout holds 9
    potentiations, as NEST applies one only at the next presynaptic spike and the last
    pair has none after it, where snnkit applies it when the postsynaptic spike arrives."""
    from snnkit_pynn.compare import simple_stdp
    got = simple_stdp(_examples(), "snnkit")
    ref = nest["simple_STDP"]
    assert got["post_spikes_ms"] == pytest.approx(ref["post_spikes_ms"])
    dw, dw_ref = (np.array(r["final_weights"]) - 5e-8 for r in (got, ref))
    assert np.all(np.sign(dw) == np.sign(dw_ref))
    depressed = dw_ref < 0
    assert np.allclose(dw[depressed], dw_ref[depressed], rtol=0.01)
    assert np.all((dw[~depressed] / dw_ref[~depressed] > 1.05) & (dw[~depressed] / dw_ref[~depressed] < 1.2))


def test_examples_that_change_sources_during_a_run_match_nest(nest):
    """varying_poisson.py and update_spike_source_array.py change rates and spike times from
    run() callbacks: the spike counts per interval as pyNN.nest's (Poisson: within 4 sd)."""
    from snnkit_pynn.compare import varying_sources
    for name in ("varying_poisson", "update_spike_source_array"):
        got, ref = varying_sources(_examples(), "snnkit", name)["spike_counts"], nest[name]["spike_counts"]
        assert len(got) == len(ref) and sum(ref) > 1000
        for a, b in zip(got, ref):
            assert abs(a - b) <= max(2, 4 * np.sqrt(b)), (name, got, ref)


def test_parameter_changes_example_matches_nest(nest, small_steps):
    """parameter_changes.py: AdEx with the adaptation a set between runs (dt 0.01 ms): the same
    23 spikes, each within 0.1 ms of NEST's (measured 0.06 ms)."""
    from snnkit_pynn.compare import parameter_changes
    got, ref = parameter_changes(_examples(), "snnkit"), nest["parameter_changes"]
    assert len(got["reset_samples"]) == len(ref["reset_samples"]) == 23
    assert np.max(np.abs(np.array(got["reset_samples"]) - ref["reset_samples"])) <= 10


def test_tsodyksmarkram_example_matches_nest(nest):
    """tsodyksmarkram.py: static, depressing and facilitating synapses. The lowest v of each
    cell within 0.02 mV of NEST's; the peak conductance within 10%: snnkit samples a
    conductance after the step's decay (lif.c), NEST right after the jump."""
    from snnkit_pynn.compare import tsodyks_markram
    got, ref = tsodyks_markram(_examples(), "snnkit"), nest["tsodyksmarkram"]
    for label in ("static", "depressing", "facilitating"):
        assert np.allclose(got[label]["v_min_mV"], ref[label]["v_min_mV"], atol=0.02), label
        assert np.allclose(got[label]["gsyn_inh_peak_uS"], ref[label]["gsyn_inh_peak_uS"], rtol=0.1), label
    # depression and facilitation show in the peaks' order, as in NEST's
    assert got["depressing"]["gsyn_inh_peak_uS"][0] < got["static"]["gsyn_inh_peak_uS"][0]


def test_network_examples_match_nest(nest, small_steps):
    """specific_network.py (IF_curr_alpha fed off-grid spike times through a
    FromListConnector): the same 29 spikes at the same times, v within 1e-3 mV (measured
    4e-5, float32) — pyNN.nest counts an off-grid source time at the end of its step
    (standardmodels.on_grid). small_network.py (IF_cond_alpha, FixedProbabilityConnector
    from an unseeded generator, so other connections each run): the spike count within 10%
    (measured 372 against 371). HH_cond_exp2.py (dt 0.001 ms): the same 3 spikes within
    0.002 ms, v within 0.2 mV (measured 0.08: rk4 against RKF45 on the upstroke)."""
    from snnkit_pynn.compare import hh_cond_exp2, small_network, specific_network
    got, ref = specific_network(_examples(), "snnkit"), nest["specific_network"]
    assert sum(map(len, ref["spikes_ms"])) == 29
    for a, b in zip(got["spikes_ms"], ref["spikes_ms"]):
        assert np.allclose(a, b, atol=1e-6)
    assert np.abs(np.array(got["v"]) - np.array(ref["v"])).max() < 1e-3
    assert small_network(_examples(), "snnkit")["n_spikes"] == pytest.approx(nest["small_network"]["n_spikes"], rel=0.1)
    got, ref = hh_cond_exp2(_examples(), "snnkit"), nest["HH_cond_exp2"]
    assert len(got["peak_ms"]) == len(ref["peak_ms"]) == 3
    assert np.allclose(got["peak_ms"], ref["peak_ms"], atol=0.002)
    assert np.abs(np.array(got["v_mV"]) - np.array(ref["v_mV"])).max() < 0.2


def test_projections_onto_an_assembly_and_a_point_neuron_check_the_receptor():
    """receptor_type is checked against every cell type of the target (an Assembly's
    populations too): a PointNeuron's receptor names, the standard types' two."""
    sim.setup()
    point = sim.Population(2, sim.PointNeuron(sim.LIF(), AMPA=sim.CurrExpPostSynapticResponse(tau_syn=2.0)))
    both = sim.Population(2, sim.IF_curr_exp()) + sim.Population(1, sim.IF_curr_alpha())
    source = sim.Population(1, sim.SpikeSourceArray(spike_times=[5.0]))
    sim.Projection(source, both, sim.AllToAllConnector(), sim.StaticSynapse(weight=-0.1), receptor_type="inhibitory")
    sim.Projection(source, point, sim.AllToAllConnector(), sim.StaticSynapse(weight=0.5), receptor_type="AMPA")
    with pytest.raises(sim.errors.ConnectionError, match="NMDA"):           # (PyNN checks it first)
        sim.Projection(source, point, sim.AllToAllConnector(), receptor_type="NMDA")
    point.record("AMPA.isyn")
    sim.run(20.0)
    isyn = point.get_data().segments[0].filter(name="AMPA.isyn")[0]
    assert float(np.max(isyn.magnitude)) == pytest.approx(0.5 * np.exp(-0.1 / 2.0), rel=1e-6)   # (sampled after the step)
    sim.end()

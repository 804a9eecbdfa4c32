"""snnkit_pynn: parameters changed between runs (PyNN's varying_poisson.py,
update_spike_source_array.py, parameter_changes.py do this) reach the running network
without a rebuild (snnkit's Population.set)."""

import numpy as np
import pytest

pytest.importorskip("pyNN")
import snnkit_pynn as sim  # noqa: E402


def test_rates_spike_times_and_cell_parameters_change_between_runs():
    sim.setup(timestep=0.1)
    poisson = sim.Population(20, sim.SpikeSourcePoisson(rate=10.0))
    array = sim.Population(1, sim.SpikeSourceArray(spike_times=[5.0, 15.0]))
    cells = sim.Population(3, sim.IF_curr_exp(i_offset=0.0))
    for pop in (poisson, array, cells):
        pop.record("spikes")
    sim.run(500.0)
    poisson.set(rate=100.0)
    array.set(spike_times=[505.0, 600.0, 700.0])
    cells[1:].set(i_offset=2.0)                        # a PopulationView
    sim.run(500.0)
    trains = [np.asarray(st.magnitude) for st in poisson.get_data().segments[0].spiketrains]
    before, after = sum((t < 500).sum() for t in trains), sum((t >= 500).sum() for t in trains)
    assert 60 < before < 140 and 800 < after < 1200            # 20 x 10 Hz, then 20 x 100 Hz, 0.5 s each
    assert np.asarray(array.get_data().segments[0].spiketrains[0].magnitude).tolist() == \
        [5.0, 15.0, 505.0, 600.0, 700.0]
    cell_trains = [np.asarray(st.magnitude) for st in cells.get_data().segments[0].spiketrains]
    assert cell_trains[0].size == 0 and all(t.size > 10 and t.min() > 500.0 for t in cell_trains[1:])
    assert cells.get("i_offset").tolist() == [0.0, 2.0, 2.0]
    with pytest.raises(NotImplementedError, match="start and duration"):
        poisson.set(start=800.0)
    sim.end()


def test_projection_set_changes_weights_before_and_after_the_first_run():
    """Projection.set (PyNN's randomizeWeights calls it) with a number, an array and a
    RandomDistribution; after a run the new weights act in the next one."""
    from pyNN.random import NumpyRNG, RandomDistribution
    sim.setup(timestep=0.1)
    source = sim.Population(4, sim.SpikeSourceArray(spike_times=[10.0, 60.0]))
    cells = sim.Population(2, sim.IF_curr_delta(tau_m=1e9, v_rest=0.0, v_reset=0.0, v_thresh=1e9))
    proj = sim.Projection(source, cells, sim.AllToAllConnector(), sim.StaticSynapse(weight=0.5, delay=1.0))
    other = sim.Projection(source, cells, sim.FixedProbabilityConnector(1.0),
                           sim.StaticSynapse(weight=0.25, delay=1.0))       # shares snnkit's table
    proj.set(weight=RandomDistribution("uniform", (1.0, 2.0), rng=NumpyRNG(seed=3)))
    w = proj.get("weight", format="array")                    # (pre, post)
    assert np.all((w >= 1.0) & (w <= 2.0)) and np.unique(w).size == 8
    cells.record("v")
    sim.run(50.0)
    table = np.arange(8, dtype=float).reshape(4, 2)
    proj.set(weight=table)                              # after the first run: weights only
    sim.run(50.0)
    v = cells.get_data().segments[0].filter(name="v")[0].magnitude
    first = v[int(round(40.0 / 0.1))] - v[0]
    second = v[-1] - v[int(round(40.0 / 0.1))]
    assert np.allclose(first, w.sum(axis=0) + 4 * 0.25, atol=1e-4)
    assert np.allclose(second, table.sum(axis=0) + 4 * 0.25, atol=1e-4)
    with pytest.raises(NotImplementedError, match="only weights"):
        proj.set(delay=2.0)
    assert np.allclose(other.get("weight", format="list", with_address=False), 0.25)
    sim.end()


def test_get_data_clear_and_after_end():
    """get_data(clear=True) clears spikes and signals (the next read starts there), and the
    recordings stay readable after end(), as on pyNN.nest."""
    sim.setup(timestep=0.1)
    cells = sim.Population(2, sim.IF_curr_exp(i_offset=1.0))
    cells.record(["spikes", "v"])
    sim.run(100.0)
    first = cells.get_data(clear=True).segments[0]
    n_first = sum(len(st) for st in first.spiketrains)
    assert n_first > 4 and first.filter(name="v")[0].shape == (1001, 2)
    sim.run(100.0)
    second = cells.get_data().segments[0]
    trains = [np.asarray(st.magnitude) for st in second.spiketrains]
    assert all(t.min() > 100.0 for t in trains) and sum(t.size for t in trains) == pytest.approx(n_first, abs=2)
    v = second.filter(name="v")[0]
    assert v.shape == (1001, 2) and float(v.t_start.rescale("ms").magnitude) == pytest.approx(100.0)
    sim.end()
    after = cells.get_data().segments[0]
    assert sum(len(st) for st in after.spiketrains) == sum(t.size for t in trains)


def test_get_min_delay_auto_is_the_smallest_delay():
    sim.setup(timestep=0.1, min_delay="auto")
    assert sim.get_min_delay() == pytest.approx(0.1)
    a = sim.Population(2, sim.IF_curr_exp())
    sim.Projection(a, a, sim.AllToAllConnector(), sim.StaticSynapse(weight=0.1, delay=1.5))
    sim.Projection(a, a, sim.OneToOneConnector(), sim.StaticSynapse(weight=0.1, delay=0.7))
    assert sim.get_min_delay() == pytest.approx(0.7)
    sim.setup(timestep=0.1, min_delay=1.0)
    assert sim.get_min_delay() == pytest.approx(1.0)
    sim.end()


@pytest.mark.parametrize("dependence, mu_plus", [("gutig", 0.3), ("additive_potentiation", 0.0)])
def test_gutig_and_additive_potentiation_weight_dependences(dependence, mu_plus):
    """A post-after-pre pair (5 ms, 0.1 ms dendritic delay) potentiates by
    lambda (1 - w/w_max)^mu_plus exp(-5.1/tau_plus) w_max, NEST's stdp_synapse."""
    import math
    sim.setup(timestep=0.1, dtype="float64")
    pre = sim.Population(1, sim.SpikeSourceArray(spike_times=[20.0]))
    driver = sim.Population(1, sim.SpikeSourceArray(spike_times=[24.9]))
    post = sim.Population(1, sim.IF_curr_delta(v_rest=-65.0, v_thresh=-50.0, tau_refrac=2.0))
    sim.Projection(driver, post, sim.AllToAllConnector(), sim.StaticSynapse(weight=30.0, delay=0.1))
    wd = sim.GutigWeightDependence(w_min=0.0, w_max=0.5, mu_plus=mu_plus, mu_minus=0.5) if dependence == "gutig" \
        else sim.AdditivePotentiationMultiplicativeDepression(w_min=0.0, w_max=0.5)
    stdp = sim.STDPMechanism(timing_dependence=sim.SpikePairRule(tau_plus=20.0, tau_minus=15.0, A_plus=0.01,
                                                                 A_minus=0.012),
                             weight_dependence=wd, weight=0.25, delay=0.1)
    proj = sim.Projection(pre, post, sim.AllToAllConnector(), stdp)
    sim.run(60.0)
    w = proj.get("weight", format="list", with_address=False)[0]
    sim.end()
    assert w == pytest.approx(0.25 + 0.01 * 0.5 ** mu_plus * math.exp(-5.1 / 20.0) * 0.5, rel=1e-9)

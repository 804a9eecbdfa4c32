"""The STDP (Song et al.) and microcircuit (Potjans & Diesmann) benchmark models, the
FixedTotalNumber connector they need, and `snnkit bench --scale`."""

import math

import numpy as np
import pytest

import snnkit as sk
from snnkit import Simulator
from snnkit.bench import runner
from snnkit.bench.models import microcircuit as mc
from snnkit.bench.models import stdp
from snnkit.cli import main
from snnkit.validation import SnnkitValueError


# -- FixedTotalNumber ---------------------------------------------------------------
def test_fixed_total_number_draws_exactly_n_uniform_pairs():
    pre, post = sk.FixedTotalNumber(200_000).pairs(50, 40, False, np.random.default_rng(1))
    assert pre.size == post.size == 200_000
    assert pre.min() == 0 and pre.max() == 49 and post.min() == 0 and post.max() == 39
    counts = np.bincount(pre * 40 + post, minlength=2000)          # 100 per pair expected
    assert abs(counts.mean() - 100) < 1e-9 and counts.std() < 1.3 * 10      # Poisson: sd 10


def test_fixed_total_number_rules_for_self_and_multapses():
    rng = np.random.default_rng(2)
    pre, post = sk.FixedTotalNumber(5000).pairs(30, 30, True, rng)
    assert pre.size == 5000 and not np.any(pre == post)
    pre, post = sk.FixedTotalNumber(870, allow_multapses=False).pairs(30, 30, True, rng)
    assert np.unique(pre * 30 + post).size == 870 == 30 * 29
    with pytest.raises(SnnkitValueError, match=r"FixedTotalNumber.n = 871 .*<= 870"):
        sk.FixedTotalNumber(871, allow_multapses=False).pairs(30, 30, True, rng)
    with pytest.raises(SnnkitValueError, match="FixedTotalNumber.n = -1"):
        sk.FixedTotalNumber(-1)


# -- Song, Miller & Abbott STDP --------------------------------------------------------
def test_stdp_sanity_tells_bimodal_from_uniform_weights():
    rng = np.random.default_rng(3)
    uniform = stdp.Outcome(20.0, rng.uniform(0, 1, 1000))
    bimodal = stdp.Outcome(20.0, np.concatenate([rng.uniform(0, 0.05, 300), rng.uniform(0.95, 1, 200),
                                                 rng.uniform(0, 1, 500)]))
    assert not stdp.sanity(uniform, 1000)[0]
    ok, detail = stdp.sanity(bimodal, 1000)
    assert ok, detail
    assert not stdp.sanity(stdp.Outcome(0.0, bimodal.weights), 1000)[0]        # a silent neuron fails


def test_stdp_model_runs_and_reports_weights_in_units_of_g_max():
    sim = Simulator(stdp.build(1000).network, seed=1)
    sim.run(1000.0, progress=False)
    outcome = stdp.summarize(sim)
    assert outcome.weights.shape == (1000,) and 0 <= outcome.weights.min() and outcome.weights.max() <= 1
    assert 5.0 < outcome.rate_hz < 200.0
    # pot - dep per pair is A_pre (1 - 1.05): the weights drifted from their start, down on average
    start = Simulator(stdp.build(1000).network, seed=1)
    w0 = stdp.summarize(start).weights
    assert not np.allclose(outcome.weights, w0) and outcome.weights.mean() < w0.mean()


# -- Potjans & Diesmann microcircuit ---------------------------------------------------
def test_microcircuit_full_scale_numbers():
    assert mc.FULL_SIZE == 77169
    assert mc.W_MEAN_PA == pytest.approx(87.81, abs=0.01)           # NEST's PSP -> PSC for 0.15 mV
    total = mc.full_synapse_numbers().sum()
    assert 2.9e8 < total < 3.1e8                                   # "about 0.3e9 synapses"
    full = mc.scaled(1.0)
    assert np.all(full["dc"] == 0) and np.array_equal(full["synapses"], mc.full_synapse_numbers())


def test_microcircuit_scaling_keeps_mean_and_variance_of_the_recurrent_input():
    k_full = mc.full_synapse_numbers() / mc.FULL_N[:, None]
    w = mc.weight_matrix_pa()
    mean_full = (w * k_full * mc.FULL_RATES_HZ).sum(1) * mc.TAU_SYN / 1000
    var_full = (w ** 2 * k_full * mc.FULL_RATES_HZ).sum(1)
    s = 0.1
    p = mc.scaled(s)
    in_degree = p["synapses"] / p["n"][:, None]
    mean = (p["weights"] * in_degree * mc.FULL_RATES_HZ).sum(1) * mc.TAU_SYN / 1000 + p["dc"]
    var = (p["weights"] ** 2 * in_degree * mc.FULL_RATES_HZ).sum(1)
    assert np.allclose(mean, mean_full, rtol=0.02)
    assert np.allclose(var, var_full, rtol=0.02)


def test_microcircuit_external_drive_is_the_diffusion_limit_of_k_ext_inputs():
    mean_pa, sigma_mv = mc.external_drive()
    # L2/3e: 1600 inputs x 8 Hz x 87.8 pA x 0.5 ms = 562 pA
    assert mean_pa[0] == pytest.approx(1600 * 8e-3 * mc.W_MEAN_PA * 0.5)
    jump = mc.W_MEAN_PA * 0.5 / 250.0
    assert sigma_mv[0] == pytest.approx(jump * math.sqrt(12.8 * 10 / 2 * 10 / 10.5))


def test_microcircuit_layer_rates_at_scale_0_05():
    example = mc.build(int(round(0.05 * mc.FULL_SIZE)))
    sim = Simulator(example.network, seed=1)
    sim.run(500.0, progress=False)
    ok, detail = mc.sanity(sim.results, 0)
    assert ok, detail
    rates = [np.mean(sim.results.rate(p)) for p in mc.POPULATIONS]
    assert rates[0] < rates[2] and rates[6] < rates[4]     # L2/3e and L6e the quietest, as published


def test_microcircuit_rejects_sizes_beyond_full_scale():
    with pytest.raises(SnnkitValueError, match="n = 80000"):
        mc.build(80000)


# -- snnkit bench --scale -----------------------------------------------------------------
def test_scale_sets_sizes_from_each_models_full_size():
    assert runner.model_sizes_for(mc, None, [0.1, 1.0]) == [7717, 77169]
    assert runner.model_sizes_for(stdp, None, [0.5]) == [500]
    assert runner.model_sizes_for(mc, [100], None) == [100]
    assert runner.model_sizes_for(mc, None, None) == list(mc.SIZES)


@pytest.mark.parametrize("argv, message", [(["bench", "microcircuit", "--scale", "0"], "--scale = 0.0"),
                                           (["bench", "microcircuit", "--scale", "0.1", "--sizes", "5"],
                                            "cannot be combined")])
def test_bad_scales_name_the_option(argv, message, capsys):
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_a_run_too_short_for_a_cv_skips_that_check_with_a_note():
    from snnkit.bench.models.sanity import rates_and_cv
    net = sk.Network(seed=1)
    src = net.population(100, sk.Poisson(rate=5.0), name="exc")
    net.record(src, "spikes")
    res = sk.Simulator(net, seed=1).run(50.0, progress=False).results        # 0.25 spikes per neuron
    ok, text = rates_and_cv(res, ("exc",), (2.0, 10.0))
    assert ok and "CV not checked (run too short" in text
    ok, text = rates_and_cv(res, ("exc",), (20.0, 30.0))
    assert not ok                                                             # the rate is still checked

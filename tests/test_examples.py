"""The built-in demonstration models behave as their docstrings say."""

import numpy as np
import pytest

import snnkit as sk
from snnkit import examples
from snnkit.examples import single_neuron as demo

from .helpers import run


@pytest.mark.parametrize("name", examples.names())
def test_every_example_builds_and_runs(backend, name):
    ex = examples.build(name)
    assert ex.duration > 0 and ex.description
    sim = run(ex.network, backend, 20.0)
    assert sim.t == pytest.approx(20.0)


def test_noise_smooths_the_fi_curve(backend):
    noisy = run(demo.fi_noise().network, backend, 1000.0).results
    counts = noisy.spikes["neurons"].counts(1)[0]
    below = demo.fi_closed_form(demo.FI_CURRENTS) == 0
    near = below & (demo.FI_CURRENTS > 1.0)                  # within 0.5 nA of rheobase
    assert np.all(counts[near] > 0)                          # noise-driven firing below rheobase
    assert np.all(counts[demo.FI_CURRENTS < 0.3] == 0)       # far below: 15 mV = 7.5 sigma away
    high = demo.FI_CURRENTS > 3.0                            # strongly driven: noise hardly matters
    clean_counts = run(demo.fi_curve().network, backend, 1000.0).results.spikes["neurons"].counts(1)[0]
    assert np.all(np.abs(counts[high] - clean_counts[high]) <= 0.1 * clean_counts[high])


def test_stdp_neuron_weights_spread_from_their_common_start(backend):
    ex = examples.build("stdp_neuron")
    sim = run(ex.network, backend, 1000.0, seed=2)
    (proj,) = ex.network.projections
    w = sim.weights(proj)[2][0]
    from snnkit.examples.stdp_neuron import G_MAX
    assert np.all((w >= 0) & (w <= G_MAX))
    assert w.std() > 0.04 * G_MAX            # started all equal at G_MAX / 2; ~0.064 after 1 s here
    assert 1.0 < sim.results.rate("neuron") < 100.0


def test_progress_bar_when_asked(capsys):
    net = sk.Network()
    net.population(10, sk.LIF(), name="n")
    sk.Simulator(net).run(100.0, progress=True)
    assert "100.0/100.0 ms" in capsys.readouterr().err          # biological time
    sk.Simulator(net).run(100.0, progress=False)
    assert capsys.readouterr().err == ""

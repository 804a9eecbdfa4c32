"""The plasticity readout (snnkit.learning.readout): the delta rule changes the output
weights by exactly presynaptic count x (teacher's count - output count), the simulator
then runs with them, the output layer learns the digits above what Diehl & Cook's
labelling gets from the same short training, and it saves, loads and predicts the same.
(The full run, >= 96.9% held out, is `snnkit learn digits --readout delta`: README.)"""

from dataclasses import replace

import numpy as np
import pytest

from snnkit.learning import DiehlCook, LearnedClassifier, digits, fit
from snnkit.learning.classifier import fit_readout
from snnkit.learning.cli import DIGITS_DEFAULTS, READOUT_LAYER
from snnkit.learning.readout import ReadoutConfig, ReadoutLayer
from snnkit.validation import SnnkitValueError

pytest.importorskip("sklearn")

# the STDP layer a readout gets (parts of digits, x_tar = 2), small and briefly trained
QUICK = DiehlCook(**dict(DIGITS_DEFAULTS, **dict(READOUT_LAYER, n_neurons=60)))
QUICK_READOUT = ReadoutConfig(presentation_ms=100.0, test_ms=200.0, epochs=4)


@pytest.fixture(scope="module")
def learned():
    split = digits(0.25, seed=0)
    model = fit(split, QUICK, batch=64, epochs=2, backend="numpy", seed=0, eval_ms=200.0, log=lambda *_: None)
    return split, fit_readout(model, split, QUICK_READOUT, backend="numpy", seed=0, log=None)


def test_the_delta_rule_is_presynaptic_count_times_the_teachers_error(learned):
    split, model = learned
    cfg = replace(QUICK_READOUT, eta=0.01, w_bound=0.05)
    start = np.random.default_rng(1).uniform(-0.04, 0.04, (QUICK.n_neurons, 10))
    layer = ReadoutLayer(model, cfg, split.train_images[:4], 10, start, backend="numpy", batch=4)
    rng = np.random.default_rng(2)
    hidden, output = rng.integers(0, 5, (4, QUICK.n_neurons)), rng.integers(0, 12, (4, 10))
    labels, valid = np.array([3, 1, 4, 1]), np.array([True, True, True, False])
    layer.learn(hidden, output, labels, valid)
    teacher = np.zeros((4, 10))
    teacher[np.arange(4), labels] = cfg.target_hz * cfg.presentation_ms / 1000.0    # 10 spikes in 100 ms
    expected = start.copy()
    for b in range(3):                                      # the invalid instance adds nothing
        expected += 0.01 * np.outer(hidden[b], teacher[b] - output[b])
    expected = np.clip(expected, -0.05, 0.05)
    assert np.allclose(layer.weights, expected)
    assert np.any(expected == 0.05) and np.any(expected == -0.05)
    pre, post, w = layer.presenter.sim.weights(layer.projection)
    assert np.allclose(w, expected[pre, post], atol=1e-7)       # what the simulator runs with


def test_predictions_are_the_most_active_output_ties_to_the_drive():
    layer = ReadoutLayer.__new__(ReadoutLayer)
    layer.weights = np.array([[1.0, 0.0, 0.0], [0.0, 2.0, -1.0]])
    hidden = np.array([[3, 1], [1, 0], [0, 0]])
    output = np.array([[0, 5, 0], [0, 0, 0], [2, 2, 1]])
    assert list(layer.predict(hidden, output)) == [1, 0, 0]


def test_the_readout_learns_more_than_labelling_the_neurons(learned):
    """A layer of parts of digits: no one neuron stands for a class, but a weighted sum does."""
    split, model = learned
    assert model.readout_test_accuracy > 0.8, model.readout_test_accuracy           # chance: 0.1
    assert model.readout_test_accuracy > model.test_accuracy, (model.readout_test_accuracy, model.test_accuracy)
    accuracy = model.info["readout_epoch_train_accuracy"]
    assert len(accuracy) == QUICK_READOUT.epochs and accuracy[-1] > accuracy[0]


def test_a_classifier_with_a_readout_saves_loads_and_predicts_the_same(learned, tmp_path):
    split, model = learned
    model.save(tmp_path / "m.h5")
    back = LearnedClassifier.load(tmp_path / "m.h5")
    assert back.readout == model.readout and np.array_equal(back.readout_weights, model.readout_weights)
    images = split.test_images[:20]
    assert np.array_equal(back.predict(images, backend="numpy", seed=5), model.predict(images, backend="numpy", seed=5))


@pytest.mark.parametrize("bad, message", [(dict(eta=-1.0), "ReadoutConfig.eta"),
                                          (dict(v_thresh=-70.0), "ReadoutConfig.v_thresh"),
                                          (dict(w_inh_exc=-1.0), "ReadoutConfig.w_inh_exc"),
                                          (dict(batch=0), "ReadoutConfig.batch"),
                                          (dict(target_hz=0.0), "ReadoutConfig.target_hz")])
def test_bad_readout_parameters_are_named(bad, message):
    with pytest.raises(SnnkitValueError, match=message):
        ReadoutConfig(**bad)


def test_cli_readout_options(capsys):
    from snnkit.cli import main
    assert main(["learn", "digits", "--readout-set", "eta=1", "--backend", "numpy"]) == 2
    assert "--readout delta" in capsys.readouterr().err
    assert main(["learn", "digits", "--readout", "delta", "--readout-set", "bogus=1", "--backend", "numpy"]) == 2
    assert "bogus" in capsys.readouterr().err


def test_cli_learn_with_a_readout_saves_it(tmp_path, capsys):
    from snnkit.cli import main
    out = tmp_path / "digits.h5"
    assert main(["learn", "digits", "--neurons", "20", "--epochs", "1", "--eval-ms", "50", "--backend", "numpy",
                 "--readout", "delta", "--readout-set", "epochs=1", "presentation_ms=50", "test_ms=50",
                 "--no-progress", "-o", str(out)]) == 0
    assert "trained by the delta rule" in capsys.readouterr().out
    model = LearnedClassifier.load(out)
    assert model.cfg.x_target == READOUT_LAYER["x_target"] and model.cfg.n_neurons == 20
    assert model.readout.epochs == 1 and model.readout_weights.shape == (20, 10)
    assert 0.0 <= model.readout_test_accuracy <= 1.0

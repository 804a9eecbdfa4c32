"""The Diehl & Cook classifier (snnkit.learning): a short training run learns digit-like
receptive fields and classifies far above chance; the result saves and loads; the CLI
writes its HDF5 file and PNG; bad parameters are refused before any work starts.
(The full run, >= 90% held out, is `snnkit learn digits`: README, benchmarks/learn_bench.py.)"""

from dataclasses import replace

import numpy as np
import pytest

from snnkit.learning import DiehlCook, LearnedClassifier, digits, fit, train
from snnkit.learning.cli import DIGITS_DEFAULTS
from snnkit.learning.fields import class_means, field_correlations, own_class_margin
from snnkit.validation import SnnkitValueError

pytest.importorskip("sklearn")

QUICK = DiehlCook(**dict(DIGITS_DEFAULTS, n_neurons=40))


@pytest.fixture(scope="module")
def learned():
    split = digits(0.25, seed=0)
    return split, fit(split, QUICK, batch=64, epochs=2, backend="numpy", seed=0, eval_ms=200.0, log=lambda *_: None)


def test_short_training_classifies_far_above_chance(learned):
    split, model = learned
    assert model.test_accuracy > 0.6, model.test_accuracy          # chance: 0.1
    assert model.info["train_samples"] == len(split.train_images)
    assert model.info["presentations"] >= 2 * len(split.train_images)


def test_receptive_fields_look_like_their_class(learned):
    """Each neuron's weights correlate with its assigned class mean more than with the
    other classes' means on average (over neurons, and for most of them)."""
    split, model = learned
    means = class_means(split.train_images, split.train_labels, 10)
    margin = own_class_margin(model.weights, model.assignments, means)
    assert margin.size >= 0.8 * QUICK.n_neurons
    assert margin.mean() > 0.2 and np.mean(margin > 0) > 0.85, (margin.mean(), np.mean(margin > 0))


def test_random_weights_do_not_look_like_any_class():
    """The check above can fail: untrained (random) weights have no class margin."""
    split = digits(0.25, seed=0)
    rng = np.random.default_rng(0)
    weights = rng.uniform(0, 0.3, (64, 40))
    means = class_means(split.train_images, split.train_labels, 10)
    assert np.abs(field_correlations(weights, means)).max() < 0.7
    assert abs(own_class_margin(weights, rng.integers(0, 10, 40), means).mean()) < 0.1


def test_saved_classifier_loads_and_predicts_the_same(learned, tmp_path):
    split, model = learned
    path = tmp_path / "learned.h5"
    model.save(path)
    back = LearnedClassifier.load(path)
    assert back.cfg == model.cfg and back.image_shape == (8, 8) and back.info == model.info
    assert np.array_equal(back.weights, model.weights) and np.array_equal(back.assignments, model.assignments)
    images = split.test_images[:32]
    assert np.array_equal(back.predict(images, backend="numpy"), model.predict(images, backend="numpy"))


def test_batch_instances_share_what_they_learn():
    """Training on 16 images in one batch of 16 (summed changes) moves the weights like
    the same images one at a time (batch 1), to first order: the two weight changes
    point the same way (cosine 0.87 here) and are of similar size (ratio 0.87)."""
    split = digits(0.25, seed=0)
    cfg = replace(QUICK, n_neurons=10, min_spikes=0)
    images = split.train_images[:16]
    start = np.random.default_rng(1).uniform(0, 0.3, (64, 10))
    normalised = start / np.linalg.norm(start, axis=0) * cfg.norm_target(64)
    w16, theta16, log16 = train(cfg, images, batch=16, epochs=1, backend="numpy", seed=3, weights=start)
    w1, theta1, log1 = train(cfg, images, batch=1, epochs=1, backend="numpy", seed=3, weights=start)
    assert log16.samples == log1.samples == 16
    assert np.allclose(np.linalg.norm(w16, axis=0), cfg.norm_target(64), rtol=1e-5)   # L2-normalised
    d16, d1 = (w16 - normalised).ravel(), (w1 - normalised).ravel()
    cosine = d16 @ d1 / (np.linalg.norm(d16) * np.linalg.norm(d1))
    assert cosine > 0.6 and 0.5 < np.linalg.norm(d16) / np.linalg.norm(d1) < 2.0, cosine
    assert theta16.sum() == pytest.approx(theta1.sum(), rel=0.5) and np.corrcoef(theta16, theta1)[0, 1] > 0.6


@pytest.mark.parametrize("bad, message", [
    (dict(n_neurons=0), "n_neurons"), (dict(dt=-0.5), "dt"), (dict(tau_theta=0.0), "tau_theta"),
    (dict(eta=-1.0), "eta"), (dict(combine="median"), "combine"), (dict(weight_norm="l3"), "weight_norm"),
    (dict(presentation_ms=100.25), "presentation_ms"), (dict(w_initial_max=2.0, w_max=1.0), "w_initial_max")])
def test_bad_parameters_are_named(bad, message):
    with pytest.raises(SnnkitValueError, match=message):
        DiehlCook(**bad)


def test_bad_images_are_refused_before_training():
    with pytest.raises(SnnkitValueError, match="images"):
        train(QUICK, np.full((3, 64), 2.0), backend="numpy")
    with pytest.raises(SnnkitValueError, match="weights"):
        train(QUICK, np.zeros((3, 64)), backend="numpy", weights=np.zeros((10, 10)))


def test_cli_learn_writes_weights_and_fields(tmp_path, capsys):
    from snnkit.cli import main
    out = tmp_path / "digits.h5"
    code = main(["learn", "digits", "--neurons", "20", "--epochs", "1", "--eval-ms", "100", "--backend", "numpy",
                 "--no-progress", "-o", str(out)])
    assert code == 0
    text = capsys.readouterr().out
    assert "held-out accuracy" in text and "logistic regression" in text
    model = LearnedClassifier.load(out)
    assert model.weights.shape == (64, 20) and 0.0 <= model.test_accuracy <= 1.0
    assert (tmp_path / "digits.png").stat().st_size > 1000


def test_cli_learn_rejects_unknown_parameters(capsys):
    from snnkit.cli import main
    assert main(["learn", "digits", "--set", "bogus=1", "--backend", "numpy"]) == 2
    assert "bogus" in capsys.readouterr().err

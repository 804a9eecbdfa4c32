"""A supervised output layer trained by plasticity: the plasticity-centric classifier.

The unsupervised STDP layer (snnkit.learning.train) is frozen; one output neuron per
class (current-based LIF, ``ReadoutConfig``) receives every excitatory neuron's spikes
through all-to-all synapses, and those weights learn by a local, supervised rule —
a delta rule on spike counts: after each presentation of an image of class c,

    w_ij += eta * n_i * (T_j - m_j),     T_j = target count if j == c else other count,

where n_i is excitatory neuron i's spike count, m_j output neuron j's, and T_j the
teacher's count for it (target_hz over the presentation for the correct class,
other_hz for the rest: by default 0, a wrong class's neuron is pushed until it stays
silent; above 0 it is held where its count still tells how close it came, which
measured no better on the digits). The rule is local (a
presynaptic count times a postsynaptic error that the teacher supplies at the output
neuron), needs no gradient through the network, and on a linear integrate-and-fire
output it is the Widrow-Hoff rule on rates. The batch's instances each see one image;
their changes add up (as if the images came one after another, to first order).
The learning rate falls linearly over the epochs (to ``anneal`` x eta), so that the
weights settle instead of following the spike noise of the last images.

The counts come to the host after every presentation anyway (Diehl & Cook's
present-again rule reads them), so the update — an outer product of two count
vectors, n_exc x n_classes weights — is made there and written back with
``Simulator.set_weights``; nothing else crosses the bus.

A test image is classified as the class whose output neuron spiked most; ties
(most often: no output spiked) go to the largest summed synaptic drive sum_i w_ij n_i.
Counts grow with the presentation time alike for every class, so an image can be
shown longer when it is classified (``test_ms``) than while the readout learns: the
learning sees many short, noisy presentations, the test a long one.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace

import numpy as np

from .. import connectivity as conn
from ..neurons import LIFCurrExp
from ..validation import check_count, check_finite, check_positive, fail
from .train import Presenter, _bar, batches


@dataclass
class ReadoutConfig:
    presentation_ms: float = 250.0       # per image while the readout learns
    test_ms: float = 1000.0              # per image when classifying (longer: fewer errors from spike noise)
    target_hz: float = 100.0             # the teacher's rate for the correct class's neuron
    other_hz: float = 0.0                # ... and for the other classes' neurons
    eta: float = 2e-3                    # nA per (presynaptic spike x postsynaptic spike of error)
    epochs: int = 10
    anneal: float = 0.1                  # eta falls linearly over the epochs to anneal * eta (1: constant)
    batch: int = 64                      # images presented at once (batch instances)
    w_bound: float = 5.0                 # |w| <= w_bound, nA (signed: an output neuron is also inhibited)
    w_inh_exc: float | None = 4.0        # the STDP layer's lateral inhibition while reading out (None: as
                                         # trained, 17): weaker, so that more neurons answer each image
    # the output neurons: integrate-and-fire with a long membrane time constant, so that
    # their counts follow the summed drive
    tau_m: float = 200.0
    cm: float = 1.0
    v_rest: float = -65.0
    v_reset: float = -65.0
    v_thresh: float = -60.0
    tau_refrac: float = 0.0
    tau_syn: float = 5.0

    def __post_init__(self):
        for f in fields(self):
            value, label = getattr(self, f.name), f"ReadoutConfig.{f.name}"
            if f.name in ("epochs", "batch"):
                check_count(label, value, minimum=0 if f.name == "epochs" else 1)
            elif f.name == "w_inh_exc":
                if value is not None:
                    check_finite(label, value)
                    if value < 0:
                        fail(label, value, "must be >= 0 or None")
            elif f.name in ("v_rest", "v_reset", "v_thresh", "tau_refrac", "eta", "other_hz", "anneal"):
                check_finite(label, value)
            else:
                check_positive(label, value)
        if self.eta < 0 or self.tau_refrac < 0 or self.other_hz < 0 or self.anneal < 0:
            name = next(n for n in ("eta", "tau_refrac", "other_hz", "anneal") if getattr(self, n) < 0)
            fail(f"ReadoutConfig.{name}", getattr(self, name), "must be >= 0")
        if self.v_thresh <= self.v_reset:
            fail("ReadoutConfig.v_thresh", self.v_thresh, f"must exceed v_reset = {self.v_reset} mV")

    def as_dict(self) -> dict:
        return asdict(self)


class ReadoutLayer:
    """The frozen STDP layer of ``model`` (a LearnedClassifier) with an output layer on
    top, simulated ``cfg.batch`` images at a time; ``weights`` (n_exc, n_classes) nA."""

    def __init__(self, model, cfg: ReadoutConfig, images: np.ndarray, n_classes: int, weights=None,
                 backend="auto", seed: int = 0, dtype="float32", device=None, batch: int | None = None):
        self.cfg, self.n_classes = cfg, int(n_classes)
        n_exc = model.cfg.n_neurons
        self.weights = np.zeros((n_exc, n_classes)) if weights is None else np.asarray(weights, float)
        if self.weights.shape != (n_exc, n_classes):
            fail("weights", self.weights.shape, f"must be (n_neurons, n_classes) = {(n_exc, n_classes)}")
        hidden = replace(model.cfg, presentation_ms=cfg.presentation_ms)
        if cfg.w_inh_exc is not None:
            hidden = replace(hidden, w_inh_exc=cfg.w_inh_exc)
        self.projection = None

        def add_outputs(handles):
            net = handles.network
            self.output = net.population(n_classes, LIFCurrExp(
                tau_m=cfg.tau_m, cm=cfg.cm, v_rest=cfg.v_rest, v_reset=cfg.v_reset, v_thresh=cfg.v_thresh,
                tau_refrac=cfg.tau_refrac, tau_syn_E=cfg.tau_syn, tau_syn_I=cfg.tau_syn), name="readout")
            self.projection = net.connect(handles.exc, self.output, conn.AllToAll(),
                                          weight=self.weights.reshape(-1), name="exc_readout")
            net.count_spikes(self.output)

        self.presenter = Presenter.make(hidden, images, batch or cfg.batch, model.weights, model.theta, False,
                                        backend, seed, dtype, device, extend=add_outputs)
        pre, post, _ = self.presenter.sim.weights(self.projection)
        self._order = (pre, post)
        self.presenter.sim.set_weights(self.projection, self.weights[pre, post])   # whatever AllToAll's order

    def present(self, index: np.ndarray, valid: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Images index[b] (where valid) -> (excitatory counts (B, n_exc), output counts
        (B, n_classes)), each of the presentation Diehl & Cook's rule accepted."""
        sim, out = self.presenter.sim, np.zeros((len(index), self.n_classes), np.int64)

        def keep(accepted):
            out[accepted] = sim.spike_counts(self.output)[accepted]
        hidden = self.presenter.present_until_active(index, valid, keep)
        return hidden, out

    def learn(self, hidden: np.ndarray, output: np.ndarray, labels: np.ndarray, valid: np.ndarray,
              eta: float | None = None) -> None:
        """The delta rule on the counts of the valid instances, summed over them
        (learning rate ``eta``, default the configuration's)."""
        cfg = self.cfg
        eta = cfg.eta if eta is None else eta
        target = np.full(output.shape, cfg.other_hz * cfg.presentation_ms / 1000.0)
        target[np.arange(len(labels)), labels] = cfg.target_hz * cfg.presentation_ms / 1000.0
        error = (target - output) * valid[:, None]
        self.weights = np.clip(self.weights + eta * hidden.T @ error, -cfg.w_bound, cfg.w_bound)
        pre, post = self._order
        self.presenter.sim.set_weights(self.projection, self.weights[pre, post])

    def predict(self, hidden: np.ndarray, output: np.ndarray) -> np.ndarray:
        """The class whose output neuron spiked most; ties to the largest summed drive."""
        drive = hidden @ self.weights
        span = np.abs(drive).max(axis=1, keepdims=True) + 1.0
        return np.argmax(output + 0.5 * drive / span, axis=1)


def train_readout(model, images: np.ndarray, labels: np.ndarray, cfg: ReadoutConfig, n_classes: int,
                  backend="auto", seed: int = 0, dtype="float32", device=None, progress=None,
                  log=None) -> tuple[np.ndarray, list]:
    """Train the output weights on labelled images; returns (weights (n_exc, n_classes),
    the training accuracy of each epoch, as the images were presented)."""
    images = np.asarray(images, float).reshape(len(images), -1)
    labels = np.asarray(labels, np.int64)
    if labels.shape != (len(images),) or labels.min(initial=0) < 0 or labels.max(initial=0) >= n_classes:
        fail("labels", labels.shape, f"must be one class in [0, {n_classes}) per image")
    layer = ReadoutLayer(model, cfg, images, n_classes, None, backend, seed, dtype, device)
    rng = np.random.default_rng(seed)
    accuracy = []
    bar = _bar(cfg.epochs * len(images), progress)
    try:
        for epoch in range(cfg.epochs):
            right, eta = 0, cfg.eta * (1.0 - (1.0 - cfg.anneal) * epoch / max(cfg.epochs - 1, 1))
            for index, valid, chosen in batches(len(images), cfg.batch, rng.permutation(len(images))):
                hidden, output = layer.present(index, valid)
                right += int(np.sum(layer.predict(hidden, output)[valid] == labels[chosen]))
                layer.learn(hidden, output, labels[index], valid, eta)
                if bar is not None:
                    bar.update(chosen.size)
            accuracy.append(right / len(images))
            if log is not None:
                log(f"  readout epoch {epoch + 1}: {accuracy[-1]:.1%} of the training images right as presented")
    finally:
        if bar is not None:
            bar.close()
    return layer.weights, accuracy


def readout_predict(model, weights: np.ndarray, images: np.ndarray, cfg: ReadoutConfig, backend="auto",
                    seed: int = 1, dtype="float32", device=None, batch: int = 256) -> np.ndarray:
    """The trained classifier's class for each image (learning off)."""
    images = np.asarray(images, float).reshape(len(images), -1)
    batch = max(1, min(batch, len(images)))
    layer = ReadoutLayer(model, replace(cfg, presentation_ms=cfg.test_ms), images, weights.shape[1], weights,
                         backend, seed, dtype, device, batch)
    predicted = np.zeros(len(images), np.int64)
    for index, valid, chosen in batches(len(images), batch):
        hidden, output = layer.present(index, valid)
        predicted[chosen] = layer.predict(hidden, output)[:chosen.size]
    return predicted

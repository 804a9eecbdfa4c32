"""A Diehl & Cook classifier end to end: train without labels, label the neurons,
evaluate on the held-out split, save to HDF5 and load back; optionally with an
output layer trained by a supervised plasticity rule on top (snnkit.learning.readout)."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field, replace

import numpy as np

from .config import DiehlCook
from .datasets import Split
from .evaluate import assign_classes, predict, responses
from .readout import ReadoutConfig, readout_predict, train_readout
from .train import TrainingLog, _bar, train


@dataclass
class LearnedClassifier:
    cfg: DiehlCook
    weights: np.ndarray                  # (n_inputs, n_neurons) input -> excitatory
    theta: np.ndarray                    # (n_neurons,) mV, learned threshold adaptation
    assignments: np.ndarray              # (n_neurons,) class, -1: never responded
    image_shape: tuple
    n_classes: int
    test_accuracy: float = float("nan")
    train_accuracy: float = float("nan")
    info: dict = field(default_factory=dict)     # split, seed, backend, timings
    readout: ReadoutConfig | None = None         # the plasticity-trained output layer, if any
    readout_weights: np.ndarray | None = None    # (n_neurons, n_classes) nA
    readout_test_accuracy: float = float("nan")

    def responses(self, images, batch=256, backend="auto", seed=1, device=None, progress_bar=None):
        return responses(self.eval_cfg, self.weights, self.theta, images, batch, backend, seed, device=device,
                         progress_bar=progress_bar)

    @property
    def eval_cfg(self) -> DiehlCook:
        return replace(self.cfg, presentation_ms=self.info.get("eval_ms", self.cfg.presentation_ms))

    def predict(self, images, backend="auto", seed=1, device=None, **kw) -> np.ndarray:
        """Each image's class: by the output layer where there is one, else by the
        neurons' labels (Diehl & Cook)."""
        if self.readout is not None:
            return readout_predict(self, self.readout_weights, images, self.readout, backend, seed, device=device)
        return predict(self.responses(images, backend=backend, seed=seed, device=device, **kw), self.assignments,
                       self.n_classes)

    def save(self, path) -> None:
        import h5py
        with h5py.File(path, "w") as f:
            f.attrs["format"] = "snnkit.learning.LearnedClassifier"
            f.attrs["config"] = json.dumps(self.cfg.as_dict())
            f.attrs["info"] = json.dumps(self.info)
            f.attrs["image_shape"] = list(self.image_shape)
            f.attrs["n_classes"] = self.n_classes
            f.attrs["test_accuracy"] = self.test_accuracy
            f.attrs["train_accuracy"] = self.train_accuracy
            w = f.create_dataset("weights", data=self.weights)
            w.attrs["description"] = "input (pixel, row-major) -> excitatory neuron conductance, units of g_leak"
            f.create_dataset("theta", data=self.theta).attrs["units"] = "mV"
            f.create_dataset("assignments", data=self.assignments).attrs["description"] = \
                "class of each excitatory neuron (-1: never responded)"
            if self.readout is not None:
                f.attrs["readout"] = json.dumps(self.readout.as_dict())
                f.attrs["readout_test_accuracy"] = self.readout_test_accuracy
                f.create_dataset("readout_weights", data=self.readout_weights).attrs["description"] = \
                    "excitatory neuron -> output neuron (one per class) current, nA; trained by the delta rule"

    @classmethod
    def load(cls, path) -> "LearnedClassifier":
        import h5py
        with h5py.File(path, "r") as f:
            readout = {}
            if "readout" in f.attrs:
                readout = dict(readout=ReadoutConfig(**json.loads(f.attrs["readout"])),
                               readout_weights=f["readout_weights"][...],
                               readout_test_accuracy=float(f.attrs["readout_test_accuracy"]))
            return cls(DiehlCook(**json.loads(f.attrs["config"])), f["weights"][...], f["theta"][...],
                       f["assignments"][...], tuple(int(x) for x in f.attrs["image_shape"]),
                       int(f.attrs["n_classes"]), float(f.attrs["test_accuracy"]),
                       float(f.attrs["train_accuracy"]), json.loads(f.attrs["info"]), **readout)


def fit(split: Split, cfg: DiehlCook, batch: int = 64, epochs: int = 3, backend="auto", seed: int = 0,
        eval_ms: float | None = None, eval_batch: int = 256, device=None, dtype="float32",
        progress=None, log=print, readout: ReadoutConfig | None = None) -> LearnedClassifier:
    """Train on split's training images without labels; label each neuron by its
    strongest class response on the training images; evaluate on the held-out images.
    eval_ms: presentation time when labelling and testing (default: the training one).
    readout: also train an output layer on the labelled training images by the delta
    rule (snnkit.learning.readout) and test it on the held-out images."""
    began = time.perf_counter()
    weights, theta, training = train(cfg, split.train_images, batch, epochs, backend, seed, dtype, device,
                                     progress)
    log(f"trained on {training.samples} samples in {training.seconds:.1f} s "
        f"({training.samples_per_second:.1f} samples/s, {training.presentations} presentations)")
    eval_cfg = replace(cfg, presentation_ms=eval_ms or cfg.presentation_ms)
    bar = _bar(len(split.train_images) + len(split.test_images), progress)
    t0 = time.perf_counter()
    try:
        r_train = responses(eval_cfg, weights, theta, split.train_images, eval_batch, backend, seed + 1, dtype,
                            device, bar)
        r_test = responses(eval_cfg, weights, theta, split.test_images, eval_batch, backend, seed + 2, dtype,
                           device, bar)
    finally:
        if bar is not None:
            bar.close()
    eval_seconds = time.perf_counter() - t0
    n_classes = split.n_classes
    assignments = assign_classes(r_train, split.train_labels, n_classes)
    train_accuracy = float(np.mean(predict(r_train, assignments, n_classes) == split.train_labels))
    test_accuracy = float(np.mean(predict(r_test, assignments, n_classes) == split.test_labels))
    info = dict(split=split.description, seed=seed, batch=batch, epochs=epochs, backend=str(backend),
                eval_ms=eval_cfg.presentation_ms, train_samples=len(split.train_images),
                test_samples=len(split.test_images), train_seconds=training.seconds,
                train_samples_per_second=training.samples_per_second, presentations=training.presentations,
                eval_seconds=eval_seconds, total_seconds=time.perf_counter() - began,
                mean_test_spikes=float(r_test.sum(axis=1).mean()))
    model = LearnedClassifier(cfg, weights, theta, assignments, tuple(split.image_shape), n_classes,
                              test_accuracy, train_accuracy, info)
    if readout is not None:
        fit_readout(model, split, readout, backend, seed, device, dtype, progress, log)
    return model


def fit_readout(model: LearnedClassifier, split: Split, readout: ReadoutConfig, backend="auto", seed: int = 0,
                device=None, dtype="float32", progress=None, log=print) -> LearnedClassifier:
    """Train ``model``'s output layer by the delta rule on the training images and test
    it on the held-out ones (in place; returns the model)."""
    t0 = time.perf_counter()
    weights, epochs = train_readout(model, split.train_images, split.train_labels, readout, split.n_classes,
                                    backend, seed + 3, dtype, device, progress, log)
    t1 = time.perf_counter()
    predicted = readout_predict(model, weights, split.test_images, readout, backend, seed + 4, dtype, device)
    model.readout, model.readout_weights = readout, weights
    model.readout_test_accuracy = float(np.mean(predicted == split.test_labels))
    model.info.update(readout_train_seconds=t1 - t0, readout_test_seconds=time.perf_counter() - t1,
                      readout_epoch_train_accuracy=[float(a) for a in epochs])
    return model


__all__ = ["LearnedClassifier", "TrainingLog", "fit", "fit_readout"]

"""Labelling and evaluating a trained Diehl & Cook network (their procedure): with
learning off (static weights, thresholds fixed at v_thresh + theta), each image's
excitatory spike counts are recorded; each neuron is assigned the class to which it
responded most on average over the training images; an image is classified as the
class whose assigned neurons spiked most on average."""

from __future__ import annotations

import numpy as np

from .config import DiehlCook
from .train import Presenter, batches


def responses(cfg: DiehlCook, weights: np.ndarray, theta: np.ndarray, images: np.ndarray, batch: int = 256,
              backend="auto", seed: int = 1, dtype="float32", device=None, progress_bar=None) -> np.ndarray:
    """Excitatory spike counts (n_images, n_neurons), learning off."""
    images = np.asarray(images, float).reshape(len(images), -1)
    batch = max(1, min(batch, len(images)))
    p = Presenter.make(cfg, images, batch, weights, theta, False, backend, seed, dtype, device)
    out = np.zeros((len(images), cfg.n_neurons), np.int64)
    for index, valid, chosen in batches(len(images), batch):
        out[chosen] = p.present_until_active(index, valid)[:chosen.size]
        if progress_bar is not None:
            progress_bar.update(chosen.size)
    return out


def assign_classes(counts: np.ndarray, labels: np.ndarray, n_classes: int) -> np.ndarray:
    """Each neuron's class: the one with the highest mean response (n_neurons,); -1 for
    a neuron that never responded (it then takes no part in predictions)."""
    mean = np.stack([counts[labels == c].mean(axis=0) if np.any(labels == c) else np.zeros(counts.shape[1])
                     for c in range(n_classes)])
    return np.where(mean.max(axis=0) > 0, np.argmax(mean, axis=0), -1)


def predict(counts: np.ndarray, assignments: np.ndarray, n_classes: int) -> np.ndarray:
    """Per image, the class whose assigned neurons spiked most on average."""
    score = np.full((counts.shape[0], n_classes), -1.0)
    for c in range(n_classes):
        mine = assignments == c
        if np.any(mine):
            score[:, c] = counts[:, mine].mean(axis=1)
    return np.argmax(score, axis=1)

"""Receptive fields of a trained network: each excitatory neuron's input weights as
an image, and how well they resemble the class the neuron was assigned."""

from __future__ import annotations

import numpy as np


def class_means(images: np.ndarray, labels: np.ndarray, n_classes: int) -> np.ndarray:
    """Mean image of each class, flattened (n_classes, n_pixels)."""
    flat = np.asarray(images, float).reshape(len(images), -1)
    return np.stack([flat[labels == c].mean(axis=0) for c in range(n_classes)])


def field_correlations(weights: np.ndarray, means: np.ndarray) -> np.ndarray:
    """Pearson correlation of each neuron's weights with each class mean: (n_neurons, n_classes)."""
    w = weights.T - weights.T.mean(axis=1, keepdims=True)
    m = means - means.mean(axis=1, keepdims=True)
    norm = np.linalg.norm(w, axis=1, keepdims=True) * np.linalg.norm(m, axis=1)[None, :]
    return (w @ m.T) / np.where(norm > 0, norm, 1.0)


def own_class_margin(weights: np.ndarray, assignments: np.ndarray, means: np.ndarray) -> np.ndarray:
    """For each assigned neuron: its correlation with its class mean minus its mean
    correlation with the other classes (positive: the field looks like its digit)."""
    corr = field_correlations(weights, means)
    assigned = np.flatnonzero(assignments >= 0)
    own = corr[assigned, assignments[assigned]]
    others = (corr[assigned].sum(axis=1) - own) / (means.shape[0] - 1)
    return own - others


def plot_fields(weights: np.ndarray, image_shape, path, assignments=None, title: str = "") -> None:
    """A PNG of every neuron's weights as an image, in a square grid (class in the corner)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    n = weights.shape[1]
    cols = int(np.ceil(np.sqrt(n)))
    rows = int(np.ceil(n / cols))
    h, w = image_shape
    sheet = np.full((rows * (h + 1) - 1, cols * (w + 1) - 1), np.nan)
    for j in range(n):
        r, c = divmod(j, cols)
        sheet[r * (h + 1):r * (h + 1) + h, c * (w + 1):c * (w + 1) + w] = weights[:, j].reshape(h, w)
    fig, ax = plt.subplots(figsize=(min(14, 1 + cols * 0.45 * max(1, w / 8)),) * 2)
    ax.imshow(sheet, cmap="hot", interpolation="nearest")
    if assignments is not None and w >= 8:
        for j in range(n):
            r, c = divmod(j, cols)
            label = "-" if assignments[j] < 0 else str(int(assignments[j]))
            ax.text(c * (w + 1) + 0.2, r * (h + 1) + 0.9, label, color="cyan", fontsize=6)
    ax.set_axis_off()
    ax.set_title(title or f"receptive fields of {n} excitatory neurons")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)

"""The NumPy backend's delay rings: what arrives later is added into a target's ring."""

from __future__ import annotations

import numpy as np


def add_to_ring(ring: np.ndarray, slot, receptor, target, values) -> None:
    """ring: (depth, receptors, B * N) of the target group; adds each of ``values`` at its
    ``slot`` (step % depth), ``receptor`` and flat ``target`` (b * N + i), repeats summed."""
    receptors, plane = ring.shape[1], ring.shape[2]
    index = (np.asarray(slot, np.int64) * receptors + np.asarray(receptor, np.int64)) * plane + target
    np.add.at(ring.reshape(-1), index, values)

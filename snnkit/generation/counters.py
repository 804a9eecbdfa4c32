"""Counter layout of connectivity and the draws it is made of (NumPy; kernels/connect.h
computes the same numbers).

A draw is Philox4x32-10 of the counter (c0, c1, c2, stream) under the network's
structure key (its seed split into two words). stream = CONNECT + 16 x projection
index + purpose, so the draws of one projection depend on nothing else in the network.

    purpose   c0        c1             c2             words used
    SKIP      pre row   draw // 4      0              one per geometric gap
    CHOOSE    unit      draw // 2      attempt        two per uniform index
    SPLIT     0         draw // 2      0              two per synapse's row (FixedTotalNumber)
    SPACING   pre row   draw // 4      0              one per exponential spacing
    VALUES    pre       post           occ + 65536 a  weight 0-1, delay 2-3 (or 0-1: values.py)
"""

from __future__ import annotations

import numpy as np

from ..rng import philox4x32_10

CONNECT = 0x40000000
SKIP, CHOOSE, SPLIT, SPACING, VALUES = range(5)
TWO_M32 = 2.0 ** -32
TWO_M53 = 2.0 ** -53


def stream(projection: int, purpose: int) -> int:
    return CONNECT + 16 * int(projection) + purpose


BLOCK = 1 << 15                   # Philox calls per pass: its ten rounds' temporaries stay in cache


def words(c0, first_call: int, n_calls: int, c2, stream_word: int, key) -> np.ndarray:
    """Philox words of calls first_call .. first_call + n_calls - 1 of the sequences
    (c0[r], ., c2) -> (R, 4 * n_calls) uint32: word d of a row is word d % 4 of call d // 4."""
    c0 = np.asarray(c0, np.uint64).reshape(-1, 1)
    c1 = np.arange(first_call, first_call + n_calls, dtype=np.uint64)[None, :]
    c2 = np.asarray(c2, np.uint64).reshape(-1, 1) if np.ndim(c2) else c2
    out = np.empty((c0.shape[0], n_calls, 4), np.uint32)
    rows = max(1, BLOCK // max(1, n_calls))
    for a in range(0, c0.shape[0], rows):
        part = philox4x32_10(c0[a:a + rows], c1, c2[a:a + rows] if np.ndim(c2) else c2, stream_word, key[0], key[1])
        for w in range(4):
            out[a:a + rows, :, w] = part[w]
    return out.reshape(c0.shape[0], 4 * n_calls)


def philox_blocked(c0, c1, c2, stream_word: int, key) -> tuple:
    """philox4x32_10 of 1-D counter arrays (c0, c1, c2, stream), in blocks of BLOCK calls."""
    n = np.size(c0)
    if n <= BLOCK:
        return philox4x32_10(c0, c1, c2, stream_word, key[0], key[1])
    out = tuple(np.empty(n, np.uint32) for _ in range(4))
    for a in range(0, n, BLOCK):
        part = philox4x32_10(c0[a:a + BLOCK], c1[a:a + BLOCK], c2[a:a + BLOCK], stream_word, key[0], key[1])
        for o, p in zip(out, part):
            o[a:a + BLOCK] = p
    return out


def open01(word: np.ndarray) -> np.ndarray:
    """uint32 -> (word + 1) 2^-32, uniform on (0, 1] (exact in float64)."""
    return (word.astype(np.float64) + 1.0) * TWO_M32


def uniform53(w0: np.ndarray, w1: np.ndarray) -> np.ndarray:
    """Two words -> uniform on [0, 1) with 53 random bits."""
    return ((w0 >> np.uint32(5)).astype(np.float64) * 67108864.0 + (w1 >> np.uint32(6)).astype(np.float64)) \
        * TWO_M53


def uniform_index(w0: np.ndarray, w1: np.ndarray, n: int) -> np.ndarray:
    """Two words -> an index uniform on [0, n) (floor of a 53-bit uniform times n)."""
    return np.minimum(np.floor(uniform53(w0, w1) * float(n)), float(n - 1)).astype(np.int64)


def index_draws(c0, first: int, count: int, c2, stream_word: int, key, n: int) -> np.ndarray:
    """Uniform indices on [0, n): draws first .. first + count - 1 of each sequence
    (c0[r], ., c2[r]), two words a draw (draw d: call d // 2, words 2 (d % 2), +1) -> (R, count)."""
    calls0, calls1 = first // 2, -(-(first + count) // 2)
    w = words(c0, calls0, calls1 - calls0, c2, stream_word, key).reshape(np.size(c0), -1, 2)
    w = w[:, first - 2 * calls0: first - 2 * calls0 + count]
    return uniform_index(w[..., 0], w[..., 1], n)

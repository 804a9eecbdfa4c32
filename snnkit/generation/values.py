"""Weights and delays drawn per synapse from counters of (pre, post, occurrence):
a synapse's value depends only on which pair it joins (and, for a multapse, which of
the pair's synapses it is), never on the order synapses are generated or stored in.
kernels/connect.h draw_value computes the same numbers in double precision, with
log, exp and cos of their own (exact_math) so that no libm's last bit differs.

Each draw is a Philox call (pre, post, occ + 65536 (a // 2), stream); attempt a takes
words 2 (a % 2) and 2 (a % 2) + 1. Only NormalClipped makes more than one attempt
(redraws until inside [low, high], at most MAX_ATTEMPTS, then the nearest bound).
"""

from __future__ import annotations

import numpy as np

from ..distributions import Exponential, LogNormal, Normal, NormalClipped, Uniform
from . import exact_math as M
from .counters import philox_blocked, uniform53

MAX_ATTEMPTS = 1 << 17
# kernels/connect.h: the kind numbers of drawable values
CONSTANT, UNIFORM, NORMAL, CLIPPED, EXPONENTIAL, LOGNORMAL = range(6)
KINDS = {Uniform: UNIFORM, Normal: NORMAL, NormalClipped: CLIPPED, Exponential: EXPONENTIAL,
         LogNormal: LOGNORMAL}


def value_code(value) -> tuple[int, tuple[float, float, float, float]] | None:
    """(kind, (a, b, low, high)) of a scalar or a drawable distribution; None for
    anything else (arrays, other distributions: realised on the host)."""
    if type(value) in KINDS:
        kind = KINDS[type(value)]
        if kind == UNIFORM:
            return kind, (value.low, value.high, value.low, value.high)
        if kind == EXPONENTIAL:
            return kind, (value.scale, 0.0, 0.0, np.inf)
        if kind == CLIPPED:
            return kind, (value.mu, value.sigma, value.low, value.high)
        low = 0.0 if kind == LOGNORMAL else -np.inf
        return kind, (value.mu, value.sigma, low, np.inf)
    if np.ndim(value) == 0 and not isinstance(value, (str, bytes)):
        try:
            x = float(value)
        except (TypeError, ValueError):
            return None
        return (CONSTANT, (x, 0.0, x, x)) if np.isfinite(x) else None
    return None


def occurrences(pre: np.ndarray, post: np.ndarray) -> np.ndarray:
    """For (pre, post) sorted so that equal pairs are adjacent: each synapse's index among
    its pair's synapses (0 unless a multapse)."""
    n = pre.size
    if n == 0:
        return np.zeros(0, np.int64)
    new = np.ones(n, bool)
    new[1:] = (pre[1:] != pre[:-1]) | (post[1:] != post[:-1])
    start = np.maximum.accumulate(np.where(new, np.arange(n), 0))
    return np.arange(n) - start


def draw_values(code, pre, post, occ, st: int, key) -> np.ndarray:
    """float64 values of ``code`` (value_code) for the synapses (pre, post, occ)."""
    kind, (a, b, low, high) = code
    if kind == CONSTANT:
        return np.full(pre.size, a)
    w = philox_blocked(pre, post, occ, st, key)
    if kind == UNIFORM:
        return a + (b - a) * uniform53(w[0], w[1])
    if kind == EXPONENTIAL:
        return -a * M.log(1.0 - uniform53(w[0], w[1]))       # 1 - u is exact: (0, 1]
    x = a + b * M.standard_normal(w[0], w[1])
    if kind == LOGNORMAL:
        return M.exp(x)
    if kind == NORMAL:
        return x
    bad = np.flatnonzero((x < low) | (x > high))
    attempt = 1
    while bad.size and attempt < MAX_ATTEMPTS:
        c2 = occ[bad] + 65536 * (attempt // 2)
        w = philox_blocked(pre[bad], post[bad], c2, st, key)
        pair = (w[0], w[1]) if attempt % 2 == 0 else (w[2], w[3])
        x[bad] = a + b * M.standard_normal(pair[0], pair[1])
        bad = bad[(x[bad] < low) | (x[bad] > high)]
        attempt += 1
    x[bad] = np.clip(x[bad], low, high)
    return x


def support(code) -> tuple[float, float]:
    """The interval every drawn value lies in."""
    return code[1][2], code[1][3]


def delay_steps(delay_ms: np.ndarray, dt: float) -> np.ndarray:
    """Delays in ms -> whole steps, at least one (rounded half to even, as rint)."""
    return np.maximum(np.round(delay_ms / dt), 1).astype(np.int64)

"""Weights and delays drawn per synapse from counters of (pre, post, occurrence):
a synapse's value depends only on which pair it joins (and, for a multapse, which of
the pair's synapses it is), never on the order synapses are generated or stored in.
kernels/connect.h draw_value computes the same numbers in double precision, with
log, exp and cos of their own (exact_math) so that no libm's last bit differs.

A synapse's weight and delay come from one stream: attempt a is the Philox call
(pre, post, occ + 65536 a, stream). The weight takes words 0 and 1; the delay words 2
and 3, except where both are of the normal family (Normal, NormalClipped, LogNormal):
then one Box-Muller pair of words 0 and 1 gives both, the weight its cosine half and
the delay its sine half (two independent standard normals for one log and one sqrt).
Only NormalClipped makes more than one attempt (redraws until inside [low, high], at
most MAX_ATTEMPTS, then the nearest bound); a redraw of one value leaves the other's
draws alone, so the two stay independent.
"""

from __future__ import annotations

import numpy as np

from ..distributions import Exponential, LogNormal, Normal, NormalClipped, Uniform
from . import exact_math as M
from .counters import philox_blocked, uniform53

WEIGHT_ROLE, DELAY_ROLE = 0, 1

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


NORMAL_FAMILY = (NORMAL, CLIPPED, LOGNORMAL)      # drawn from a standard normal (kernels: VALUE_NORMAL_FAMILY)


def normal_family(code) -> bool:
    return code is not None and code[0] in NORMAL_FAMILY


def standard_draw(kind: int, w, role: int, shared: bool) -> np.ndarray:
    """Attempt words ``w`` (philox_blocked) as the role's standard draw: a standard normal
    for the normal family, else a uniform in [0, 1) (53 bits)."""
    if role == DELAY_ROLE and shared:
        return M.standard_normal_sin(w[0], w[1])
    first = 2 if role == DELAY_ROLE else 0
    if kind in NORMAL_FAMILY:
        return M.standard_normal(w[first], w[first + 1])
    return uniform53(w[first], w[first + 1])


def shaped(kind: int, a: float, b: float, x: np.ndarray) -> np.ndarray:
    """A standard draw made the distribution's."""
    if kind == UNIFORM:
        return a + (b - a) * x
    if kind == EXPONENTIAL:
        return -a * M.log(1.0 - x)             # 1 - u is exact: (0, 1]
    if kind == LOGNORMAL:
        return M.exp(a + b * x)
    return a + b * x


def draw_values(code, pre, post, occ, st: int, key, role: int = WEIGHT_ROLE, shared: bool = False,
                first=None) -> np.ndarray:
    """float64 values of ``code`` (value_code) for the synapses (pre, post, occ), in the
    role's words (``shared``: weight and delay both of the normal family); ``first``:
    the first attempt's standard draws, where already made."""
    kind, (a, b, low, high) = code
    if kind == CONSTANT:
        return np.full(pre.size, a)
    if first is None:
        first = standard_draw(kind, philox_blocked(pre, post, occ, st, key), role, shared)
    x = shaped(kind, a, b, first)
    if kind != CLIPPED:
        return x
    bad = np.flatnonzero((x < low) | (x > high))
    attempt = 1
    while bad.size and attempt < MAX_ATTEMPTS:
        w = philox_blocked(pre[bad], post[bad], occ[bad] + 65536 * attempt, st, key)
        x[bad] = shaped(kind, a, b, standard_draw(kind, w, role, shared))
        bad = bad[(x[bad] < low) | (x[bad] > high)]
        attempt += 1
    x[bad] = np.clip(x[bad], low, high)
    return x


def draw_pair(weight_code, delay_code, pre, post, occ, st: int, key, want=(True, True)) -> tuple:
    """(weights, delays in ms) of the synapses, each None where its code is None (not
    drawn from counters) or it is not wanted, full of the value where constant; one
    Philox call per synapse. Whether the two share a Box-Muller pair depends on both
    codes, so a delay drawn alone is the same as drawn with its weight."""
    shared = normal_family(weight_code) and normal_family(delay_code)
    codes = [c if w else None for c, w in zip((weight_code, delay_code), want)]
    drawn = [c is not None and c[0] != CONSTANT for c in codes]
    first = [None, None]
    if any(drawn):
        words = philox_blocked(pre, post, occ, st, key)
        if shared and all(drawn):                      # one log and one series for both
            first = list(M.standard_normal_pair(words[0], words[1]))
        else:
            first = [standard_draw(c[0], words, role, shared) if d else None
                     for role, (c, d) in enumerate(zip(codes, drawn))]
    return tuple(None if code is None else draw_values(code, pre, post, occ, st, key, role, shared, f)
                 for role, (code, f) in enumerate(zip(codes, first)))


def support(code) -> tuple[float, float]:
    """The interval every drawn value lies in."""
    return code[1][2], code[1][3]


def delay_steps(delay_ms: np.ndarray, dt: float) -> np.ndarray:
    """Delays in ms -> whole steps, at least one (rounded half to even, as rint)."""
    return np.maximum(np.round(delay_ms / dt), 1).astype(np.int64)

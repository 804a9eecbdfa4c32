"""log, exp and cos(2 pi u) from + - * / floor frexp ldexp alone, so that NumPy and every
device compute the same bits (kernels/connect.h has the same functions, term for term;
libms differ in the last bit: PoCL's double log and cos disagree with glibc's on about
2% of Box-Muller draws). Accurate to a few ulp, which is all a random draw needs.

    log(x)       x = m 2^e, m in [sqrt(1/2), sqrt(2)); log m = 2 atanh(s), s = (m-1)/(m+1)
    exp(x)       x = k ln2 + r, |r| <= ln2 / 2; e^r by its Taylor series to r^13
    cos_2pi(u)   u in [0, 1): quadrant and a reflection bring the angle into [0, pi/4]

The series are evaluated in Estrin's order (pairs c_2k + c_2k+1 x, then pairs of those
with x^2, ...): a few dependent steps instead of Horner's one per term, which bounds a
CPU's speed here (the device's code is c_series(), pasted into kernels/connect.h).
"""

from __future__ import annotations

import numpy as np

LN2_HI, LN2_LO = 6.93147180369123816490e-01, 1.90821492927058770002e-10   # fdlibm's split of ln 2
INV_LN2 = 1.4426950408889634
HALF_PI = 1.5707963267948966
SQRT_HALF = 0.7071067811865476
LOG_SERIES = (1.0, 0.3333333333333333, 0.2, 0.14285714285714285, 0.1111111111111111, 0.09090909090909091,
              0.07692307692307693, 0.06666666666666667, 0.058823529411764705, 0.05263157894736842,
              0.047619047619047616, 0.043478260869565216)                     # 1 / (2k + 1)
SIN_SERIES = (1.0, -0.16666666666666666, 0.008333333333333333, -0.0001984126984126984, 2.7557319223985893e-06,
              -2.505210838544172e-08, 1.6059043836821613e-10, -7.647163731819816e-13, 2.8114572543455206e-15)
COS_SERIES = (1.0, -0.5, 0.041666666666666664, -0.001388888888888889, 2.48015873015873e-05,
              -2.755731922398589e-07, 2.08767569878681e-09, -1.1470745597729725e-11, 4.779477332387385e-14,
              -1.5619206968586225e-16)
EXP_SERIES = (1.0, 1.0, 0.5, 0.16666666666666666, 0.041666666666666664, 0.008333333333333333,
              0.001388888888888889, 0.0001984126984126984, 2.48015873015873e-05, 2.7557319223985893e-06,
              2.755731922398589e-07, 2.505210838544172e-08, 2.08767569878681e-09, 1.6059043836821613e-10)


BLOCK = 1 << 16                  # values per pass: the series' temporaries stay a few MB


def _blocked(function):
    """Apply an element-wise function to blocks of BLOCK values (same results, bounded memory)."""
    def apply(x):
        x = np.asarray(x, np.float64)
        if x.size <= BLOCK:
            return function(x)
        flat, out = x.ravel(), np.empty(x.size)
        for start in range(0, x.size, BLOCK):
            out[start:start + BLOCK] = function(flat[start:start + BLOCK])
        return out.reshape(x.shape)
    apply.__doc__, apply.__name__ = function.__doc__, function.__name__
    return apply


def _estrin(coefficients, x):
    terms, power = [np.float64(c) for c in coefficients], x
    while len(terms) > 1:
        terms = [terms[k] + terms[k + 1] * power if k + 1 < len(terms) else terms[k]
                 for k in range(0, len(terms), 2)]
        if len(terms) > 1:
            power = power * power
    return terms[0] + np.zeros(np.shape(x))


def c_series() -> str:
    """The C functions of the four series, operation for operation as _estrin (kernels/connect.h
    holds this text; tests/test_generation.py checks it)."""
    out = []
    for name, series, var in (("log", LOG_SERIES, "z"), ("exp", EXP_SERIES, "r"), ("sin", SIN_SERIES, "z"),
                              ("cos", COS_SERIES, "z")):
        out.append(f"INLINE double {name}_series(const double {var})\n{{")
        terms, power, level = [repr(c) for c in series], var, 0
        while len(terms) > 1:
            pairs = []
            for k in range(0, len(terms), 2):
                if k + 1 < len(terms):
                    pairs.append(f"{name}{level}_{k // 2}")
                    out.append(f"    const double {pairs[-1]} = {terms[k]} + {terms[k + 1]} * {power};")
                else:
                    pairs.append(terms[k])
            if len(pairs) > 1:
                out.append(f"    const double {var}{2 ** (level + 1)} = {power} * {power};")
                power = f"{var}{2 ** (level + 1)}"
            terms, level = pairs, level + 1
        out.append(f"    return {terms[0]};\n}}\n")
    return "\n".join(out)


@_blocked
def log(x):
    m, e = np.frexp(np.asarray(x, np.float64))
    small = m < SQRT_HALF
    m = np.where(small, m * 2.0, m)
    e = np.where(small, e - 1, e).astype(np.float64)
    s = (m - 1.0) / (m + 1.0)
    p = _estrin(LOG_SERIES, s * s)
    return (e * LN2_LO + (2.0 * s) * p) + e * LN2_HI


@_blocked
def exp(x):
    x = np.asarray(x, np.float64)
    k = np.rint(x * INV_LN2)
    r = (x - k * LN2_HI) - k * LN2_LO
    return np.ldexp(_estrin(EXP_SERIES, r), k.astype(np.int64))


def _quarter_turns(u):
    """u in [0, 1) as quarter turns: (q, swap, sin_y, cos_y) with 2 pi u = pi/2 (q + f),
    y = pi/2 min(f, 1 - f) (swap where f > 1/2), and the series' sin y and cos y."""
    t = np.asarray(u, np.float64) * 4.0
    q = np.floor(t)
    f = t - q
    swap = f > 0.5
    y = np.where(swap, 1.0 - f, f) * HALF_PI
    z = y * y
    return q.astype(np.int64), swap, y * _estrin(SIN_SERIES, z), _estrin(COS_SERIES, z)


def _turned(q, swap, sin_y, cos_y):
    """cos(pi/2 (q + f)): quarter q = 0, 1, 2, 3 gives cos, -sin, -cos, sin of pi/2 f."""
    value = np.where((q & 1).astype(bool) ^ swap, sin_y, cos_y)
    return np.where((q == 1) | (q == 2), -value, value)


@_blocked
def cos_2pi(u):
    return _turned(*_quarter_turns(u))


@_blocked
def sin_2pi(u):
    """sin(2 pi u) = cos(2 pi (u + 3/4)): the same series, three quarters on."""
    q, swap, sin_y, cos_y = _quarter_turns(u)
    return _turned((q + 3) & 3, swap, sin_y, cos_y)


def _uniforms24(w0, w1):
    u1 = ((w0 >> np.uint32(8)).astype(np.float64) + 1.0) * 2.0 ** -24
    u2 = (w1 >> np.uint32(8)).astype(np.float64) * 2.0 ** -24
    return u1, u2


def standard_normal(w0, w1):
    """Box-Muller from two uint32 words, as rng.standard_normal draws it (24-bit uniforms)."""
    u1, u2 = _uniforms24(w0, w1)
    return np.sqrt(-2.0 * log(u1)) * cos_2pi(u2)


def standard_normal_sin(w0, w1):
    """The other half of standard_normal's Box-Muller pair: independent of it."""
    u1, u2 = _uniforms24(w0, w1)
    return np.sqrt(-2.0 * log(u1)) * sin_2pi(u2)


def standard_normal_pair(w0, w1):
    """(standard_normal, standard_normal_sin) of the words, one log and one series each,
    BLOCK values at a time."""
    w0, w1 = np.asarray(w0), np.asarray(w1)
    z_cos, z_sin = np.empty(w0.shape), np.empty(w0.shape)
    flat0, flat1, out_c, out_s = w0.ravel(), w1.ravel(), z_cos.reshape(-1), z_sin.reshape(-1)
    for start in range(0, flat0.size, BLOCK):
        u1, u2 = _uniforms24(flat0[start:start + BLOCK], flat1[start:start + BLOCK])
        r = np.sqrt(-2.0 * log(u1))
        q, swap, sin_y, cos_y = _quarter_turns(u2)
        out_c[start:start + BLOCK] = r * _turned(q, swap, sin_y, cos_y)
        out_s[start:start + BLOCK] = r * _turned((q + 3) & 3, swap, sin_y, cos_y)
    return z_cos, z_sin

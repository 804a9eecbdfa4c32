"""exp_f32: e^x in float32 arithmetic, operation for operation as kernels/exp_f32.h;
log_f64 and log1p_f64, the natural log in float64, as kernels/log_f64.h. So the
NumPy specification and every device give the same bits (the reasoning and the
measured error bounds are in those headers)."""

from __future__ import annotations

import numpy as np

F = np.float32
EXP_F32_LO = F(-87.33654475)          # ln 2^-126
EXP_F32_HI = F(88.37626266)           # ln 2^127.5
SHIFTER = F(12582912.0)               # 1.5 * 2^23: adding it rounds to an integer (nearest even)
LOG2_E = F(1.44269504088896341)
LN2_HI, LN2_LO = F(0.693359375), F(-2.12194440e-4)
POLYNOMIAL = [F(c) for c in (1.9875691500e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2,
                             1.6666665459e-1, 5.0000001201e-1)]


def exp_f32(x) -> np.ndarray:
    x = np.asarray(x, dtype=F)
    inside = x.size == 0 or (EXP_F32_LO <= x.min() and x.max() <= EXP_F32_HI)    # (False with a NaN)
    with np.errstate(invalid="ignore", over="ignore"):
        c = x if inside else np.where(x > EXP_F32_LO, np.where(x < EXP_F32_HI, x, EXP_F32_HI), EXP_F32_LO)
        n = c * LOG2_E
        n += SHIFTER
        n -= SHIFTER                                   # round(c / ln 2), to nearest even
        r = c - n * LN2_HI
        r -= n * LN2_LO
        p = r * POLYNOMIAL[0]
        for coefficient in POLYNOMIAL[1:-1]:
            p += coefficient
            p *= r
        p += POLYNOMIAL[-1]
        p *= r * r
        p += r
        p += F(1.0)
        p *= ((n.astype(np.int32) + 127).astype(np.uint32) << np.uint32(23)).view(F)      # 2^n
        if inside:
            return p
        p = np.where(x < EXP_F32_LO, F(0.0), np.where(x > EXP_F32_HI, F(np.inf), p))
        return np.where(np.isnan(x), x, p)


# log_f64 / log1p_f64: kernels/log_f64.h, operation for operation (float64 arrays)
D = np.float64
LOG_LN2_HI, LOG_LN2_LO = D(6.93147180369123816490e-01), D(1.90821492927058770002e-10)
LOG_ODD = [D(c) for c in (3.999999999940941908e-01, 2.222219843214978396e-01, 1.531383769920937332e-01)]
LOG_EVEN = [D(c) for c in (6.666666666666735130e-01, 2.857142874366239149e-01, 1.818357216161805012e-01,
                           1.479819860511658591e-01)]


def _horner(w, coefficients):
    """c0 + w (c1 + w (c2 + ...)), innermost first, as the header writes it."""
    p = w * coefficients[-1]
    for c in coefficients[-2:0:-1]:
        p += c
        p *= w
    return p + coefficients[0]


def log_f64(x) -> np.ndarray:
    x = np.asarray(x, dtype=D)
    tiny = x < D(2.2250738585072014e-308)                          # subnormal: scaled by 2^54
    with np.errstate(over="ignore", invalid="ignore"):
        bits = np.where(tiny, x * D(18014398509481984.0), x).view(np.uint64)
    e0 = (bits >> np.uint64(52)).astype(np.int64) - np.where(tiny, 1077, 1023)
    m0 = ((bits & np.uint64(0x000FFFFFFFFFFFFF)) | np.uint64(0x3FF0000000000000)).view(D)
    high = m0 > D(1.4142135623730951)
    m = np.where(high, m0 * D(0.5), m0)
    e = (e0 + high).astype(D)
    f = m - D(1.0)
    s = f / (D(2.0) + f)
    z = s * s
    w = z * z
    r = z * _horner(w, LOG_EVEN) + w * _horner(w, LOG_ODD)
    half_f2 = D(0.5) * f * f
    y = e * LOG_LN2_HI - ((half_f2 - (s * (half_f2 + r) + e * LOG_LN2_LO)) - f)
    with np.errstate(invalid="ignore"):
        return np.where(x > 0, np.where(x < np.inf, y, np.inf), np.where(x == 0, -np.inf, np.nan))


def log1p_f64(x) -> np.ndarray:
    x = np.asarray(x, dtype=D)
    u = D(1.0) + x
    with np.errstate(invalid="ignore", divide="ignore"):
        corrected = log_f64(u) * (x / (u - D(1.0)))
    return np.where(u == 1.0, x, corrected)

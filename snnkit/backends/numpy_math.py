"""exp_f32: e^x in float32 arithmetic, operation for operation as kernels/exp_f32.h,
so the NumPy specification and every device give the same bits (the reasoning and
the measured error bound are in that header)."""

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

/* log_f64.h: the natural log in double arithmetic, operation for operation as
 * NumPy's log_f64 (snnkit/backends/numpy_math.py), so every backend gets the same
 * bits (a libm or builtin log may differ from NumPy's in the last bit). It draws the
 * Poisson sources' geometric intervals (poisson.c).
 *
 * x = 2^e m with m in [sqrt(2)/2, sqrt(2)) (exponent and mantissa from the bits);
 * f = m - 1 (exact), s = f / (2 + f), so log m = 2 atanh s = f - f^2/2 + s (f^2/2 + R(s^2)),
 * R the minimax polynomial of fdlibm's e_log (its coefficients); e ln 2 in two parts.
 * A subnormal x is scaled by 2^54 first. At most 1 ulp from the correctly rounded
 * log for x > 0 (tests/test_kernel_math.py); 0 gives -inf, +inf +inf; below zero or NaN: NaN.
 * log1p_f64(x) = log(1 + x) for x >= -1 by Goldberg's correction, accurate where
 * 1 + x rounds. Needs FP_CONTRACT off (the preludes). */
#define LOG_F64_LN2_HI 6.93147180369123816490e-01      /* ln 2's top 32 bits: e * LN2_HI is exact */
#define LOG_F64_LN2_LO 1.90821492927058770002e-10

INLINE double log_f64(const double x)
{
    const int tiny = x < 2.2250738585072014e-308;                           /* subnormal (or <= 0) */
    const u64 bits = F64_BITS(tiny ? x * 18014398509481984.0 : x);          /* x 2^54 */
    const int e0 = (int)(bits >> 52) - (tiny ? 1077 : 1023);
    const double m0 = F64_FROM_BITS((bits & 0x000FFFFFFFFFFFFFul) | 0x3FF0000000000000ul);   /* [1, 2) */
    const int high = m0 > 1.4142135623730951;
    const double m = high ? m0 * 0.5 : m0;
    const double e = (double)(high ? e0 + 1 : e0);
    const double f = m - 1.0;
    const double s = f / (2.0 + f);
    const double z = s * s;
    const double w = z * z;
    const double odd = w * (3.999999999940941908e-01 + w * (2.222219843214978396e-01 + w * 1.531383769920937332e-01));
    const double even = z * (6.666666666666735130e-01 + w * (2.857142874366239149e-01
                             + w * (1.818357216161805012e-01 + w * 1.479819860511658591e-01)));
    const double r = even + odd;
    const double half_f2 = 0.5 * f * f;
    const double y = e * LOG_F64_LN2_HI - ((half_f2 - (s * (half_f2 + r) + e * LOG_F64_LN2_LO)) - f);
    const double inf = (double)INFINITY;
    return x > 0.0 ? (x < inf ? y : inf) : (x == 0.0 ? -inf : (double)NAN);
}

INLINE double log1p_f64(const double x)
{
    const double u = 1.0 + x;
    return u == 1.0 ? x : log_f64(u) * (x / (u - 1.0));
}

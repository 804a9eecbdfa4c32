/* exp_f32.h: e^x in float32 arithmetic, operation for operation as NumPy's
 * exp_f32 (snnkit/backends/numpy_math.py), so every backend gets the same bits.
 * It is straight-line code (selects, no call), which a CPU compiler vectorises,
 * where a double exp is a libm call an element (COBA's cost: issue 23 item 4).
 *
 * n = round(x / ln 2) by the 1.5 * 2^23 shifter (round to nearest even); r = x - n ln 2
 * in two parts (Cody and Waite: n * LN2_HI is exact for |n| <= 2^15); e^r on
 * |r| <= ln 2 / 2 by Cephes' degree-7 minimax form 1 + r + r^2 P(r); then times 2^n
 * built from its bits. Measured against float64 exp rounded to float32: at most 1 ulp
 * apart on [-87.3, 88.3] (tests/test_kernel_math.py). Below EXP_F32_LO the result is 0,
 * above EXP_F32_HI +inf, and a NaN stays NaN. Needs FP_CONTRACT off (the preludes). */
#define EXP_F32_LO (-87.33654475f)         /* ln 2^-126: 2^n stays a normal float */
#define EXP_F32_HI (88.37626266f)          /* ln 2^127.5: n <= 127 */

INLINE float exp_f32(const float x)
{
    const float shifter = 12582912.0f;             /* 1.5 * 2^23 */
    const float c = x > EXP_F32_LO ? (x < EXP_F32_HI ? x : EXP_F32_HI) : EXP_F32_LO;
    const float n = (c * 1.44269504088896341f + shifter) - shifter;
    float r = c - n * 0.693359375f;                /* LN2_HI: 355 / 512 */
    r = r - n * -2.12194440e-4f;                   /* LN2_LO = ln 2 - LN2_HI */
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    const float y = (p * (r * r) + r) + 1.0f;
    const float scaled = y * F32_FROM_BITS((u32)((int)n + 127) << 23);
    return x != x ? x : (x < EXP_F32_LO ? 0.0f : (x > EXP_F32_HI ? (float)INFINITY : scaled));
}

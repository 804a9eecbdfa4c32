/* philox.h: Philox4x32-10 (Salmon et al. 2011), bit-exact with snnkit/rng.py.
 * counter = (step, neuron, instance, stream), key = the instance's 64-bit seed. */

#define PHILOX_M0 0xD2511F53u
#define PHILOX_M1 0xCD9E8D57u
#define PHILOX_W0 0x9E3779B9u
#define PHILOX_W1 0xBB67AE85u

typedef struct { u32 x[4]; } philox_words;

INLINE philox_words philox4x32_10(u32 c0, u32 c1, u32 c2, u32 c3, u32 k0, u32 k1)
{
    UNROLL                  /* PoCL leaves it rolled otherwise: several times slower a draw */
    for (int round = 0; round < 10; ++round) {
        if (round) { k0 += PHILOX_W0; k1 += PHILOX_W1; }
        const u64 p0 = (u64)PHILOX_M0 * c0;          /* 64-bit products of 32-bit words */
        const u64 p1 = (u64)PHILOX_M1 * c2;
        const u32 n0 = (u32)(p1 >> 32) ^ c1 ^ k0;
        const u32 n2 = (u32)(p0 >> 32) ^ c3 ^ k1;
        c1 = (u32)p1;
        c3 = (u32)p0;
        c0 = n0;
        c2 = n2;
    }
    philox_words out;
    out.x[0] = c0; out.x[1] = c1; out.x[2] = c2; out.x[3] = c3;
    return out;
}

/* top 24 bits times 2^-24: uniform in [0, 1), exact in float */
INLINE float uniform01(u32 word) { return (float)(word >> 8) * (1.0f / 16777216.0f); }

/* Box-Muller in double precision, rounded once: matches rng.standard_normal */
INLINE double standard_normal(u32 w0, u32 w1)
{
    const double u1 = ((double)(w0 >> 8) + 1.0) * (1.0 / 16777216.0);   /* (0, 1] */
    const double u2 = (double)(w1 >> 8) * (1.0 / 16777216.0);
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

/* The step after `base` silent steps of a Bernoulli(p) train: base + floor(log u / log(1 - p)),
 * u = ((a >> 5) 2^26 + (b >> 6) + 1) 2^-53 in (0, 1] (53 bits), so P(j silent) = (1 - p)^j p;
 * log_no_spike = log1p_f64(-p). POISSON_NEVER where that reaches it, or p = 0 (NaN, +inf).
 * Bit-exact with rng.geometric_steps and rng.after (log_f64.h). */
#define POISSON_NEVER 0xFFFFFFFFu
INLINE u32 after_silent_steps(const u32 base, const u32 a, const u32 b, const double log_no_spike)
{
    const double u = ((double)(a >> 5) * 67108864.0 + (double)(b >> 6) + 1.0) * 1.1102230246251565e-16;
    const double silent = log_f64(u) / log_no_spike;
    return silent < (double)(POISSON_NEVER - base) ? base + (u32)silent : POISSON_NEVER;
}

/* connect.h: the draws connectivity is made of, bit-exact with snnkit/generation
 * (counters.py, values.py). A word sequence (c0, ., c2) under stream st: word d is word
 * d % 4 of Philox call (c0, d / 4, c2, st); an index draw d takes words 2 (d % 2), +1 of
 * call d / 2. Doubles throughout: the kernels run where cl_khr_fp64 / sm_60 do. */

#define CONNECT_TWO_M32 2.3283064365386963e-10      /* 2^-32 */
#define CONNECT_TWO_M53 1.1102230246251565e-16      /* 2^-53 */
#define CONNECT_MAX_ATTEMPTS 131072u                 /* values.MAX_ATTEMPTS */

/* rules (generation/recipe.py) and value kinds (generation/values.py) */
#define RULE_PROBABILITY 0u
#define RULE_ALL_TO_ALL 1u
#define RULE_ONE_TO_ONE 2u
#define RULE_OUT_DEGREE 3u
#define RULE_IN_DEGREE 4u
#define RULE_TOTAL 5u
#define VALUE_CONSTANT 0u
#define VALUE_UNIFORM 1u
#define VALUE_NORMAL 2u
#define VALUE_CLIPPED 3u
#define VALUE_EXPONENTIAL 4u
#define VALUE_LOGNORMAL 5u

/* floor, rint, frexp and ldexp as arithmetic and bits, the builtins' results exactly.
 * PoCL calls its builtins (the build of the microcircuit spent about a fifth of its
 * time in _cl_floor, _cl_rint and _cl_frexp); outside the plain range, the builtin. */
#define CONNECT_TWO_52 4503599627370496.0             /* 2^52: from here on every double is whole */
#define CONNECT_MIN_NORMAL 2.2250738585072014e-308    /* 2^-1022 */

/* to the nearest whole number, ties to even: adding 2^52 rounds (FP_CONTRACT is off) */
INLINE double rint_f64(const double x)
{
    if (!(x > -CONNECT_TWO_52 && x < CONNECT_TWO_52)) return rint(x);     /* whole, inf or NaN */
    const double r = x >= 0.0 ? (x + CONNECT_TWO_52) - CONNECT_TWO_52 : (x - CONNECT_TWO_52) + CONNECT_TWO_52;
    return r == 0.0 ? x * 0.0 : r;                    /* the zero keeps x's sign: rint(-0.3) = -0.0 */
}

INLINE double floor_f64(const double x)
{
    const double r = rint_f64(x);
    return r > x ? r - 1.0 : r;                       /* floor(-0.0) = -0.0, floor(-0.3) = -1 */
}

/* x = m 2^e with 0.5 <= m < 1, for a positive normal x (else the builtin) */
INLINE double frexp_f64(const double x, int* e)
{
    if (!(x >= CONNECT_MIN_NORMAL && x <= 1.7976931348623157e308)) return frexp(x, e);
    const u64 bits = F64_BITS(x);
    *e = (int)((bits >> 52) & 0x7FFu) - 1022;
    return F64_FROM_BITS((bits & (u64)0x800FFFFFFFFFFFFFUL) | (u64)0x3FE0000000000000UL);
}

/* p 2^k where the result is a normal double (else the builtin) */
INLINE double ldexp_f64(const double p, const int k)
{
    if (!(k >= -1021 && k <= 1022 && p >= 0.5 && p < 2.0)) return ldexp(p, k);
    return p * F64_FROM_BITS((u64)(k + 1023) << 52);
}

/* log, exp and cos(2 pi u) of their own, term for term as snnkit/generation/exact_math.py:
 * libms differ in the last bit, these do not. The series, in Estrin's order, are
 * exact_math.c_series()'s text (tests/test_generation.py checks it) */
/* begin exact_math.c_series() */
INLINE double log_series(const double z)
{
    const double log0_0 = 1.0 + 0.3333333333333333 * z;
    const double log0_1 = 0.2 + 0.14285714285714285 * z;
    const double log0_2 = 0.1111111111111111 + 0.09090909090909091 * z;
    const double log0_3 = 0.07692307692307693 + 0.06666666666666667 * z;
    const double log0_4 = 0.058823529411764705 + 0.05263157894736842 * z;
    const double log0_5 = 0.047619047619047616 + 0.043478260869565216 * z;
    const double z2 = z * z;
    const double log1_0 = log0_0 + log0_1 * z2;
    const double log1_1 = log0_2 + log0_3 * z2;
    const double log1_2 = log0_4 + log0_5 * z2;
    const double z4 = z2 * z2;
    const double log2_0 = log1_0 + log1_1 * z4;
    const double z8 = z4 * z4;
    const double log3_0 = log2_0 + log1_2 * z8;
    return log3_0;
}

INLINE double exp_series(const double r)
{
    const double exp0_0 = 1.0 + 1.0 * r;
    const double exp0_1 = 0.5 + 0.16666666666666666 * r;
    const double exp0_2 = 0.041666666666666664 + 0.008333333333333333 * r;
    const double exp0_3 = 0.001388888888888889 + 0.0001984126984126984 * r;
    const double exp0_4 = 2.48015873015873e-05 + 2.7557319223985893e-06 * r;
    const double exp0_5 = 2.755731922398589e-07 + 2.505210838544172e-08 * r;
    const double exp0_6 = 2.08767569878681e-09 + 1.6059043836821613e-10 * r;
    const double r2 = r * r;
    const double exp1_0 = exp0_0 + exp0_1 * r2;
    const double exp1_1 = exp0_2 + exp0_3 * r2;
    const double exp1_2 = exp0_4 + exp0_5 * r2;
    const double r4 = r2 * r2;
    const double exp2_0 = exp1_0 + exp1_1 * r4;
    const double exp2_1 = exp1_2 + exp0_6 * r4;
    const double r8 = r4 * r4;
    const double exp3_0 = exp2_0 + exp2_1 * r8;
    return exp3_0;
}

INLINE double sin_series(const double z)
{
    const double sin0_0 = 1.0 + -0.16666666666666666 * z;
    const double sin0_1 = 0.008333333333333333 + -0.0001984126984126984 * z;
    const double sin0_2 = 2.7557319223985893e-06 + -2.505210838544172e-08 * z;
    const double sin0_3 = 1.6059043836821613e-10 + -7.647163731819816e-13 * z;
    const double z2 = z * z;
    const double sin1_0 = sin0_0 + sin0_1 * z2;
    const double sin1_1 = sin0_2 + sin0_3 * z2;
    const double z4 = z2 * z2;
    const double sin2_0 = sin1_0 + sin1_1 * z4;
    const double z8 = z4 * z4;
    const double sin3_0 = sin2_0 + 2.8114572543455206e-15 * z8;
    return sin3_0;
}

INLINE double cos_series(const double z)
{
    const double cos0_0 = 1.0 + -0.5 * z;
    const double cos0_1 = 0.041666666666666664 + -0.001388888888888889 * z;
    const double cos0_2 = 2.48015873015873e-05 + -2.755731922398589e-07 * z;
    const double cos0_3 = 2.08767569878681e-09 + -1.1470745597729725e-11 * z;
    const double cos0_4 = 4.779477332387385e-14 + -1.5619206968586225e-16 * z;
    const double z2 = z * z;
    const double cos1_0 = cos0_0 + cos0_1 * z2;
    const double cos1_1 = cos0_2 + cos0_3 * z2;
    const double z4 = z2 * z2;
    const double cos2_0 = cos1_0 + cos1_1 * z4;
    const double z8 = z4 * z4;
    const double cos3_0 = cos2_0 + cos0_4 * z8;
    return cos3_0;
}
/* end exact_math.c_series() */

#define EXACT_LN2_HI 6.93147180369123816490e-01
#define EXACT_LN2_LO 1.90821492927058770002e-10
#define EXACT_INV_LN2 1.4426950408889634
#define EXACT_HALF_PI 1.5707963267948966
#define EXACT_SQRT_HALF 0.7071067811865476

INLINE double exact_log(const double x)
{
    int e;
    double m = frexp_f64(x, &e);
    if (m < EXACT_SQRT_HALF) { m = m * 2.0; e -= 1; }
    const double s = (m - 1.0) / (m + 1.0), z = s * s, fe = (double)e;
    const double p = log_series(z);
    return (fe * EXACT_LN2_LO + (2.0 * s) * p) + fe * EXACT_LN2_HI;
}

INLINE double exact_exp(const double x)
{
    const double k = rint_f64(x * EXACT_INV_LN2);
    const double r = (x - k * EXACT_LN2_HI) - k * EXACT_LN2_LO;
    const double p = exp_series(r);
    return ldexp_f64(p, (int)k);
}

/* 2 pi u = pi/2 (q + f) (exact_math._quarter_turns): the series' sin y and cos y of
 * y = pi/2 min(f, 1 - f); turned() gives cos(pi/2 (q + f)) from them */
INLINE int quarter_turns(const double u, int* swap, double* sin_y, double* cos_y)
{
    const double t = u * 4.0, q = floor_f64(t), f = t - q;
    *swap = f > 0.5;
    const double y = (*swap ? 1.0 - f : f) * EXACT_HALF_PI, z = y * y;
    *sin_y = y * sin_series(z);
    *cos_y = cos_series(z);
    return (int)q;
}

INLINE double turned(const int q, const int swap, const double sin_y, const double cos_y)
{
    const double v = ((q & 1) ^ swap) ? sin_y : cos_y;
    return (q == 1 || q == 2) ? -v : v;
}

INLINE double exact_cos_2pi(const double u)
{
    int swap;
    double sin_y, cos_y;
    const int q = quarter_turns(u, &swap, &sin_y, &cos_y);
    return turned(q, swap, sin_y, cos_y);
}

INLINE double exact_normal(const u32 w0, const u32 w1)
{
    const double u1 = ((double)(w0 >> 8) + 1.0) * (1.0 / 16777216.0);
    const double u2 = (double)(w1 >> 8) * (1.0 / 16777216.0);
    return sqrt(-2.0 * exact_log(u1)) * exact_cos_2pi(u2);
}

/* both halves of the Box-Muller pair (exact_math.standard_normal_pair): sin(2 pi u) is
 * cos(2 pi (u + 3/4)), the same series three quarters on */
INLINE void exact_normal_pair(const u32 w0, const u32 w1, double* z_cos, double* z_sin)
{
    const double u1 = ((double)(w0 >> 8) + 1.0) * (1.0 / 16777216.0);
    const double u2 = (double)(w1 >> 8) * (1.0 / 16777216.0);
    const double r = sqrt(-2.0 * exact_log(u1));
    int swap;
    double sin_y, cos_y;
    const int q = quarter_turns(u2, &swap, &sin_y, &cos_y);
    *z_cos = r * turned(q, swap, sin_y, cos_y);
    *z_sin = r * turned((q + 3) & 3, swap, sin_y, cos_y);
}

INLINE double open01(const u32 word) { return ((double)word + 1.0) * CONNECT_TWO_M32; }

INLINE double uniform53(const u32 w0, const u32 w1)
{
    return ((double)(w0 >> 5) * 67108864.0 + (double)(w1 >> 6)) * CONNECT_TWO_M53;
}

INLINE u32 uniform_index(const u32 w0, const u32 w1, const u32 n)
{
    const double x = floor_f64(uniform53(w0, w1) * (double)n), top = (double)(n - 1u);
    return (u32)(x < top ? x : top);
}

/* index draw d of the sequence (c0, ., c2) */
INLINE u32 index_draw(const u32 c0, const u32 d, const u32 c2, const u32 st, const u32 k0, const u32 k1,
                      const u32 n)
{
    const philox_words w = philox4x32_10(c0, d >> 1, c2, st, k0, k1);
    const u32 pair = 2u * (d & 1u);
    return uniform_index(w.x[pair], w.x[pair + 1u], n);
}

/* word d of a sequence, one Philox call per four words */
typedef struct { u32 c0, c2, st, k0, k1, call; philox_words w; } word_sequence;

INLINE word_sequence sequence(const u32 c0, const u32 c2, const u32 st, const u32 k0, const u32 k1)
{
    word_sequence s;
    s.c0 = c0; s.c2 = c2; s.st = st; s.k0 = k0; s.k1 = k1; s.call = 0xFFFFFFFFu;
    return s;
}

INLINE u32 sequence_word(word_sequence* s, const u32 d)
{
    if ((d >> 2) != s->call) {
        s->call = d >> 2;
        s->w = philox4x32_10(s->c0, s->call, s->c2, s->st, s->k0, s->k1);
    }
    return s->w.x[d & 3u];
}

/* every post of row i of a rule drawn by rows (FixedProbability: geometric gaps, one word
 * each; AllToAll; OneToOne; FixedTotalNumber's m posts as exponential spacings, two passes:
 * rules.py), in order: `post` is set and EMIT runs for each. connect.c writes, counts or
 * procedural.c adds what EMIT says. */
#define FOR_EACH_ROW_POST(rule, i, n_cand, log_q, exclude, m, st, k0, k1, post, EMIT) do { \
    if ((rule) == RULE_PROBABILITY) { \
        word_sequence row_s = sequence((i), 0u, (st), (k0), (k1)); \
        u64 row_reached = 0u;                              /* position + 1 */ \
        for (u32 row_d = 0u;; ++row_d) { \
            double row_gap = floor_f64(exact_log(open01(sequence_word(&row_s, row_d))) / (log_q)); \
            if (row_gap > (double)(n_cand)) row_gap = (double)(n_cand); \
            row_reached += 1u + (u64)row_gap; \
            if (row_reached > (u64)(n_cand)) break; \
            const u32 row_p = (u32)(row_reached - 1u); \
            const u32 post = (exclude) && row_p >= (i) ? row_p + 1u : row_p; \
            EMIT; \
        } \
    } else if ((rule) == RULE_ALL_TO_ALL) { \
        for (u32 post = 0u; post < (n_cand) + (exclude); ++post) \
            if (!((exclude) && post == (i))) { EMIT; } \
    } else if ((rule) == RULE_ONE_TO_ONE) { \
        const u32 post = (i); \
        EMIT; \
    } else if ((rule) == RULE_TOTAL) { \
        const u32 row_m = (m); \
        word_sequence row_s = sequence((i), 0u, (st), (k0), (k1)); \
        double row_total = 0.0, row_running = 0.0; \
        for (u32 row_t = 0u; row_m && row_t <= row_m; ++row_t) row_total += -exact_log(open01(sequence_word(&row_s, row_t))); \
        const double row_top = (double)((n_cand) - 1u); \
        for (u32 row_k = 0u; row_k < row_m; ++row_k) { \
            row_running += -exact_log(open01(sequence_word(&row_s, row_k))); \
            const double row_x = floor_f64((row_running / row_total) * (double)(n_cand)); \
            const u32 row_p = (u32)(row_x < row_top ? row_x : row_top); \
            const u32 post = (exclude) && row_p >= (i) ? row_p + 1u : row_p; \
            EMIT; \
        } \
    } \
} while (0)

/* values.py: a synapse's weight (role 0) and delay (role 1) from one stream; attempt a is
 * Philox (pre, post, occ + 65536 a); the weight takes words 0-1, the delay 2-3, or, when
 * both are of the normal family ("shared"), the two halves of the pair of words 0-1 */
#define VALUE_NORMAL_FAMILY(kind) ((kind) == VALUE_NORMAL || (kind) == VALUE_CLIPPED || (kind) == VALUE_LOGNORMAL)

/* values.standard_draw: a standard normal (normal family) or a uniform in [0, 1) */
INLINE double standard_draw(const u32 kind, const philox_words w, const u32 role, const u32 shared)
{
    if (role && shared) {
        double z_cos, z_sin;
        exact_normal_pair(w.x[0], w.x[1], &z_cos, &z_sin);
        return z_sin;
    }
    const u32 first = role ? 2u : 0u;
    if (VALUE_NORMAL_FAMILY(kind)) return exact_normal(w.x[first], w.x[first + 1u]);
    return uniform53(w.x[first], w.x[first + 1u]);
}

/* values.shaped: the standard draw x made the distribution's (a, b) */
INLINE double shaped(const u32 kind, const double a, const double b, const double x)
{
    if (kind == VALUE_UNIFORM) return a + (b - a) * x;
    if (kind == VALUE_EXPONENTIAL) return -a * exact_log(1.0 - x);
    if (kind == VALUE_LOGNORMAL) return exact_exp(a + b * x);
    return a + b * x;
}

/* values.draw_values: the value, from ``first`` (the first attempt's standard draw);
 * NormalClipped draws again (its own role's words) until inside [low, high] */
INLINE double draw_value(const u32 kind, const double a, const double b, const double low, const double high,
                         const double first, const u32 role, const u32 shared, const u32 pre, const u32 post,
                         const u32 occ, const u32 st, const u32 k0, const u32 k1)
{
    if (kind == VALUE_CONSTANT) return a;
    double x = shaped(kind, a, b, first);
    if (kind != VALUE_CLIPPED) return x;
    for (u32 attempt = 1u; (x < low || x > high) && attempt < CONNECT_MAX_ATTEMPTS; ++attempt)
        x = shaped(kind, a, b, standard_draw(kind, philox4x32_10(pre, post, occ + 65536u * attempt, st, k0, k1),
                                             role, shared));
    return x < low ? low : (x > high ? high : x);
}

/* a synapse's (weight, delay in ms): one Philox call and, when shared, one log and sqrt */
INLINE void draw_weight_delay(const u32 weight_kind, const double wa, const double wb, const double wl,
                              const double wh, const u32 delay_kind, const double da, const double db,
                              const double dl, const double dh, const u32 want_weight, const u32 want_delay,
                              const u32 pre, const u32 post, const u32 occ, const u32 st, const u32 k0,
                              const u32 k1, double* weight, double* delay_ms)
{
    const u32 shared = VALUE_NORMAL_FAMILY(weight_kind) && VALUE_NORMAL_FAMILY(delay_kind);
    const u32 draw_w = want_weight && weight_kind != VALUE_CONSTANT;
    const u32 draw_d = want_delay && delay_kind != VALUE_CONSTANT;
    double zw = 0.0, zd = 0.0;
    if (draw_w || draw_d) {
        const philox_words w = philox4x32_10(pre, post, occ, st, k0, k1);
        if (shared && draw_w && draw_d) exact_normal_pair(w.x[0], w.x[1], &zw, &zd);
        else {
            if (draw_w) zw = standard_draw(weight_kind, w, 0u, shared);
            if (draw_d) zd = standard_draw(delay_kind, w, 1u, shared);
        }
    }
    if (want_weight) *weight = draw_value(weight_kind, wa, wb, wl, wh, zw, 0u, shared, pre, post, occ, st, k0, k1);
    if (want_delay) *delay_ms = draw_value(delay_kind, da, db, dl, dh, zd, 1u, shared, pre, post, occ, st, k0, k1);
}

/* in-place heap sort of n values (a unit's choice, an in-degree row) */
INLINE void sort_u32(GLOBAL u32* v, const u32 n)
{
    if (n < 2u) return;
    for (u32 start = n / 2u; start-- > 0u;) {                 /* heapify */
        u32 root = start;
        const u32 x = v[root];
        for (u32 child = 2u * root + 1u; child < n; child = 2u * root + 1u) {
            if (child + 1u < n && v[child + 1u] > v[child]) ++child;
            if (v[child] <= x) break;
            v[root] = v[child];
            root = child;
        }
        v[root] = x;
    }
    for (u32 end = n - 1u; end > 0u; --end) {                 /* pop the maximum to the end */
        const u32 x = v[end];
        v[end] = v[0];
        u32 root = 0u;
        for (u32 child = 1u; child < end; child = 2u * root + 1u) {
            if (child + 1u < end && v[child + 1u] > v[child]) ++child;
            if (v[child] <= x) break;
            v[root] = v[child];
            root = child;
        }
        v[root] = x;
    }
}

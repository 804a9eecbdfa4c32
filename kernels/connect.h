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

/* log, exp and cos(2 pi u) of their own, term for term as snnkit/generation/exact_math.py:
 * libms differ in the last bit, these do not (the series are checked against Python's by
 * tests/test_generation.py) */
#define EXACT_LN2_HI 6.93147180369123816490e-01
#define EXACT_LN2_LO 1.90821492927058770002e-10
#define EXACT_INV_LN2 1.4426950408889634
#define EXACT_HALF_PI 1.5707963267948966
#define EXACT_SQRT_HALF 0.7071067811865476

INLINE double exact_log(const double x)
{
    int e;
    double m = frexp(x, &e);
    if (m < EXACT_SQRT_HALF) { m = m * 2.0; e -= 1; }
    const double s = (m - 1.0) / (m + 1.0), z = s * s, fe = (double)e;
    double p = 0.043478260869565216;                  /* LOG_SERIES, 1 / (2k + 1) */
    p = p * z + 0.047619047619047616;
    p = p * z + 0.05263157894736842;
    p = p * z + 0.058823529411764705;
    p = p * z + 0.06666666666666667;
    p = p * z + 0.07692307692307693;
    p = p * z + 0.09090909090909091;
    p = p * z + 0.1111111111111111;
    p = p * z + 0.14285714285714285;
    p = p * z + 0.2;
    p = p * z + 0.3333333333333333;
    p = p * z + 1.0;
    return (fe * EXACT_LN2_LO + (2.0 * s) * p) + fe * EXACT_LN2_HI;
}

INLINE double exact_exp(const double x)
{
    const double k = rint(x * EXACT_INV_LN2);
    const double r = (x - k * EXACT_LN2_HI) - k * EXACT_LN2_LO;
    double p = 1.6059043836821613e-10;                /* EXP_SERIES, 1 / n! */
    p = p * r + 2.08767569878681e-09;
    p = p * r + 2.505210838544172e-08;
    p = p * r + 2.755731922398589e-07;
    p = p * r + 2.7557319223985893e-06;
    p = p * r + 2.48015873015873e-05;
    p = p * r + 0.0001984126984126984;
    p = p * r + 0.001388888888888889;
    p = p * r + 0.008333333333333333;
    p = p * r + 0.041666666666666664;
    p = p * r + 0.16666666666666666;
    p = p * r + 0.5;
    p = p * r + 1.0;
    p = p * r + 1.0;
    return ldexp(p, (int)k);
}

INLINE double exact_cos_2pi(const double u)
{
    const double t = u * 4.0, q = floor(t), f = t - q;
    const int swap = f > 0.5;
    const double g = swap ? 1.0 - f : f, y = g * EXACT_HALF_PI, z = y * y;
    double ps = 2.8114572543455206e-15;               /* SIN_SERIES, (-1)^k / (2k + 1)! */
    ps = ps * z + -7.647163731819816e-13;
    ps = ps * z + 1.6059043836821613e-10;
    ps = ps * z + -2.505210838544172e-08;
    ps = ps * z + 2.7557319223985893e-06;
    ps = ps * z + -0.0001984126984126984;
    ps = ps * z + 0.008333333333333333;
    ps = ps * z + -0.16666666666666666;
    ps = ps * z + 1.0;
    double pc = -1.5619206968586225e-16;              /* COS_SERIES, (-1)^k / (2k)! */
    pc = pc * z + 4.779477332387385e-14;
    pc = pc * z + -1.1470745597729725e-11;
    pc = pc * z + 2.08767569878681e-09;
    pc = pc * z + -2.755731922398589e-07;
    pc = pc * z + 2.48015873015873e-05;
    pc = pc * z + -0.001388888888888889;
    pc = pc * z + 0.041666666666666664;
    pc = pc * z + -0.5;
    pc = pc * z + 1.0;
    const double sin_y = y * ps;
    const double cos_t = swap ? sin_y : pc, sin_t = swap ? pc : sin_y;
    return q == 0.0 ? cos_t : (q == 1.0 ? -sin_t : (q == 2.0 ? -cos_t : sin_t));
}

INLINE double exact_normal(const u32 w0, const u32 w1)
{
    const double u1 = ((double)(w0 >> 8) + 1.0) * (1.0 / 16777216.0);
    const double u2 = (double)(w1 >> 8) * (1.0 / 16777216.0);
    return sqrt(-2.0 * exact_log(u1)) * exact_cos_2pi(u2);
}

INLINE double open01(const u32 word) { return ((double)word + 1.0) * CONNECT_TWO_M32; }

INLINE double uniform53(const u32 w0, const u32 w1)
{
    return ((double)(w0 >> 5) * 67108864.0 + (double)(w1 >> 6)) * CONNECT_TWO_M53;
}

INLINE u32 uniform_index(const u32 w0, const u32 w1, const u32 n)
{
    const double x = floor(uniform53(w0, w1) * (double)n), top = (double)(n - 1u);
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

/* a synapse's value (values.draw_values): kind, parameters (a, b) and support [low, high] */
INLINE double draw_value(const u32 kind, const double a, const double b, const double low, const double high,
                         const u32 pre, const u32 post, const u32 occ, const u32 st, const u32 k0, const u32 k1)
{
    if (kind == VALUE_CONSTANT) return a;
    philox_words w = philox4x32_10(pre, post, occ, st, k0, k1);
    if (kind == VALUE_UNIFORM) return a + (b - a) * uniform53(w.x[0], w.x[1]);
    if (kind == VALUE_EXPONENTIAL) return -a * exact_log(1.0 - uniform53(w.x[0], w.x[1]));
    double x = a + b * exact_normal(w.x[0], w.x[1]);
    if (kind == VALUE_LOGNORMAL) return exact_exp(x);
    if (kind == VALUE_NORMAL) return x;
    for (u32 attempt = 1u; (x < low || x > high) && attempt < CONNECT_MAX_ATTEMPTS; ++attempt) {
        if ((attempt & 1u) == 0u) w = philox4x32_10(pre, post, occ + 65536u * (attempt >> 1), st, k0, k1);
        const u32 pair = 2u * (attempt & 1u);
        x = a + b * exact_normal(w.x[pair], w.x[pair + 1u]);
    }
    return x < low ? low : (x > high ? high : x);
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

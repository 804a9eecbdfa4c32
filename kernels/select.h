/* select.h: min, max and clamp as selects. PoCL compiles the OpenCL builtins
 * (min, fmin, fmax) to calls that stop a work-item loop from vectorising: 10-15x
 * slower an element (1.7 vs 0.17 ns for min on u32, 2.8 vs 0.18 ns for a
 * fmin(fmax()) clamp, measured in a PoCL work-item loop). The results are the
 * builtins' for every number; max_real/min_real(NaN, b) give b, as fmax/fmin do, and
 * clamp_real(NaN, lo, hi) gives lo, as fmin(fmax(NaN, lo), hi). */
INLINE u32 min_u32(const u32 a, const u32 b) { return a < b ? a : b; }
INLINE real max_real(const real a, const real b) { return a > b ? a : b; }
INLINE real min_real(const real a, const real b) { return a < b ? a : b; }
/* fmin(fmax(x, lo), hi) for lo <= hi */
INLINE real clamp_real(const real x, const real lo, const real hi) { return min_real(max_real(x, lo), hi); }

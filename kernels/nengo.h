/* nengo.h: one item of one stage of a nengo operator program (frontends/snnkit_nengo).
 *
 * Every nengo signal lives in one array, the heap; a stage is a set of independent
 * operators of one kind, lowered to per-item tables of heap indices (u32) in `ints` and
 * parameters in `reals`. A stage record is STAGE_WORDS u32: kind, item count, then up to
 * six offsets into `ints` (the columns of the kind, below). The kind and neuron-type codes
 * (NK_*, NT_*, NF_*) are defined here; frontends/snnkit_nengo/codes.py reads them from this file.
 *
 * Each kind mirrors the NumPy specification (frontends/snnkit_nengo/numpy_program.py)
 * operation for operation, and that mirrors nengo's own step functions:
 *   NK_LINEAR   row i: y = (keep ? y : 0) + sum_t (scale_i * heap[a_t]) * heap[x_t]
 *               (Reset, Copy, ElementwiseInc, DotInc, SparseDotInc, SimPES)
 *               columns: dst, ptr (count + 1, relative to the a/x columns), a, x, keep, scale (reals)
 *   NK_TIME     step += 1; time = step * dt (nengo TimeUpdate)        words: step, time (heap)
 *   NK_NEURONS  nengo's LIF, LIFRate, RectifiedLinear, SpikingRectifiedLinear, Sigmoid, Tanh
 *               word 2: the neuron type (one per stage); columns: J, output, state 0, state 1,
 *               parameter offset (reals: tau_rc, tau_ref, min_voltage, amplitude,
 *               expm1(-dt / tau_rc) as the host computes it)
 *   NK_FILTER   nengo LinearFilter steps NoX, OneX, NoD, General (state order <= FILTER_MAX_ORDER)
 *               columns: input, output, X[0] (heap), X stride, parameter offset (reals: kind,
 *               order n, inc, then A (n x n), B (n), C (n), D; OneX: a, b = C*B)
 *   NK_STREAM   heap[dst] (=|+=) stream[k * stream_cols + col]: values the host computed ahead
 *               for operators that read only the time (Nodes of t, input processes)
 *               columns: dst, col, inc
 *   NK_PROBE    probe_out[k * probe_cols + col] = heap[src] where probe_mask[k * groups + group]
 *               columns: src, col, group
 * k is the step's row in the current chunk of steps.
 */

#define STAGE_WORDS 8u
#define FILTER_MAX_ORDER 8u

/* stage kinds */
#define NK_LINEAR 1u
#define NK_TIME 2u
#define NK_NEURONS 3u
#define NK_FILTER 4u
#define NK_STREAM 5u
#define NK_PROBE 6u

/* neuron types */
#define NT_LIF 1u
#define NT_LIF_RATE 2u
#define NT_RECTIFIED_LINEAR 3u
#define NT_SPIKING_RECTIFIED_LINEAR 4u
#define NT_SIGMOID 5u
#define NT_TANH 6u

/* LinearFilter steps */
#define NF_NO_X 0u
#define NF_ONE_X 1u
#define NF_NO_D 2u
#define NF_GENERAL 3u

#define NENGO_ARGS GLOBAL const u32* ints, GLOBAL const real* reals, GLOBAL real* heap, \
    GLOBAL const real* stream, u32 stream_cols, GLOBAL real* probe_out, u32 probe_cols, \
    GLOBAL const u32* probe_mask, u32 probe_groups
#define NENGO_PASS ints, reals, heap, stream, stream_cols, probe_out, probe_cols, probe_mask, probe_groups

INLINE void nengo_linear(GLOBAL const u32* st, u32 i, NENGO_ARGS)
{
    const u32 dst = ints[st[2] + i];
    const u32 first = ints[st[3] + i], last = ints[st[3] + i + 1];
    GLOBAL const u32* a = ints + st[4];
    GLOBAL const u32* x = ints + st[5];
    const real scale = reals[st[7] + i];
    real acc = 0;
    for (u32 t = first; t < last; ++t)
        acc += (scale * heap[a[t]]) * heap[x[t]];
    heap[dst] = ints[st[6] + i] ? heap[dst] + acc : acc;
}

/* neuron i of a stage of one neuron type (word 2) */
INLINE void nengo_neuron(GLOBAL const u32* st, u32 i, real dt, NENGO_ARGS)
{
    const u32 type = st[2];
    const u32 j_at = ints[st[3] + i], out_at = ints[st[4] + i];
    const u32 s0 = ints[st[5] + i], s1 = ints[st[6] + i];
    GLOBAL const real* p = reals + ints[st[7] + i];
    const real tau_rc = p[0], tau_ref = p[1], min_voltage = p[2], amplitude = p[3];
    const real J = heap[j_at];
    if (type == NT_LIF) {
        real refractory_time = heap[s1] - dt;
        const real delta_t = fmin(fmax(dt - refractory_time, (real)0), dt);
        real v = heap[s0];
        /* expm1(-delta_t / tau_rc): p[4] holds its value for delta_t == dt (every neuron
         * not refractory), computed by the host's libm as nengo's NumPy does; only a
         * refractory period ending within this step needs the device's expm1 */
        const real decay = delta_t == dt ? p[4] : (delta_t == (real)0 ? (real)0 : expm1(-delta_t / tau_rc));
        v -= (J - v) * decay;
        const int spiked = v > (real)1;
        heap[out_at] = spiked ? amplitude / dt : (real)0;
        if (spiked)
            refractory_time = tau_ref + (dt + tau_rc * log1p(-(v - (real)1) / (J - (real)1)));
        if (v < min_voltage)
            v = min_voltage;
        heap[s0] = spiked ? (real)0 : v;
        heap[s1] = refractory_time;
    } else if (type == NT_LIF_RATE) {
        const real j = J - (real)1;
        heap[out_at] = j > (real)0 ? amplitude / (tau_ref + tau_rc * log1p((real)1 / j)) : (real)0;
    } else if (type == NT_RECTIFIED_LINEAR) {
        heap[out_at] = amplitude * fmax((real)0, J);
    } else if (type == NT_SPIKING_RECTIFIED_LINEAR) {
        real v = heap[s0] + fmax(J, (real)0) * dt;
        const real n_spikes = floor(v);
        heap[out_at] = (amplitude / dt) * n_spikes;
        heap[s0] = v - n_spikes;
    } else if (type == NT_SIGMOID) {
        heap[out_at] = ((real)1 / tau_ref) / ((real)1 + exp(-J));
    } else if (type == NT_TANH) {
        heap[out_at] = ((real)1 / tau_ref) * tanh(J);
    }
}

INLINE void nengo_filter(GLOBAL const u32* st, u32 i, NENGO_ARGS)
{
    const u32 in_at = ints[st[2] + i], out_at = ints[st[3] + i];
    const u32 x0 = ints[st[4] + i], xs = ints[st[5] + i];
    GLOBAL const real* p = reals + ints[st[6] + i];
    const u32 kind = (u32)p[0], n = (u32)p[1];
    const int inc = p[2] != (real)0;
    GLOBAL const real* A = p + 3;
    GLOBAL const real* B = A + n * n;
    GLOBAL const real* C = B + n;
    const real D = C[n];
    const real u = heap[in_at];
    real y = 0;
    if (kind == NF_NO_X) {
        y = D * u;
    } else if (kind == NF_ONE_X) {           /* A[0] = a, A[1] = b = C * B */
        real x = heap[x0] * A[0];
        x += A[1] * u;
        heap[x0] = x;
        y = x;
    } else {                                  /* NoD: x' = A x + B u, y = C x'; General: y = C x + D u first */
        real next[FILTER_MAX_ORDER];
        if (kind == NF_GENERAL) {
            for (u32 r = 0; r < n; ++r)
                y += C[r] * heap[x0 + r * xs];
            y += D * u;
        }
        for (u32 r = 0; r < n; ++r) {
            real acc = 0;
            for (u32 c = 0; c < n; ++c)
                acc += A[r * n + c] * heap[x0 + c * xs];
            next[r] = acc + B[r] * u;
        }
        for (u32 r = 0; r < n; ++r)
            heap[x0 + r * xs] = next[r];
        if (kind == NF_NO_D) {
            for (u32 r = 0; r < n; ++r)
                y += C[r] * next[r];
        }
    }
    heap[out_at] = inc ? heap[out_at] + y : y;
}

/* items first, first + stride, ... of stage `st` at step row k of the chunk; the kind is
 * tested once, so that each kind's loop is a loop of its own */
INLINE void nengo_items(GLOBAL const u32* st, u32 first, u32 stride, u32 k, real dt, NENGO_ARGS)
{
    const u32 kind = st[0], count = st[1];
    if (kind == NK_LINEAR) {
        for (u32 i = first; i < count; i += stride)
            nengo_linear(st, i, NENGO_PASS);
    } else if (kind == NK_NEURONS) {
        for (u32 i = first; i < count; i += stride)
            nengo_neuron(st, i, dt, NENGO_PASS);
    } else if (kind == NK_FILTER) {
        for (u32 i = first; i < count; i += stride)
            nengo_filter(st, i, NENGO_PASS);
    } else if (kind == NK_TIME) {
        if (first == 0) {
            const real step = heap[st[2]] + (real)1;
            heap[st[2]] = step;
            heap[st[3]] = step * dt;
        }
    } else if (kind == NK_STREAM) {
        for (u32 i = first; i < count; i += stride) {
            const u32 dst = ints[st[2] + i];
            const real value = stream[k * stream_cols + ints[st[3] + i]];
            heap[dst] = ints[st[4] + i] ? heap[dst] + value : value;
        }
    } else if (kind == NK_PROBE) {
        for (u32 i = first; i < count; i += stride) {
            if (probe_mask[k * probe_groups + ints[st[4] + i]])
                probe_out[k * probe_cols + ints[st[3] + i]] = heap[ints[st[2] + i]];
        }
    }
}

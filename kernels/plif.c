/* plif.c: multi-step (P)LIF neurons for gradient training (snnkit.training, snnkit.torch),
 * the discrete model of Fang et al. 2021 (SpikingJelly's ParametricLIFNode / LIFNode with
 * decay_input):
 *
 *     H[t] = V[t-1] + (X[t] - (V[t-1] - v_reset)) * k,   k = 1 / tau
 *     S[t] = H[t] >= v_threshold
 *     V[t] = S[t] ? v_reset : H[t]           (hard reset)
 *     V[t] = H[t] - v_threshold * S[t]       (soft reset: v_reset is 0)
 *
 * Tensors are (T, n) row-major: step t of neuron i at t * n + i (coalesced on GPUs). One
 * work-item per neuron runs every step: forward and backward are one launch each. k is
 * per channel: neuron i has channel (i / inner) % channels (per layer: channels 1).
 *
 * Backward through time with a surrogate dS/dH = sg(H - v_threshold): sigmoid
 * (surrogate 0: alpha s (1 - s), s = 1 / (1 + exp(-alpha x)), exp from exp_f32.h in
 * float32, so NumPy gives the same bits) or arctan (surrogate 1:
 * alpha / (2 (1 + (pi/2 alpha x)^2))). With gv the gradient reaching V[t]:
 *
 *     gh = grad_s[t] sg + gv dV/dH,  dV/dH = 1 - S + (v_reset - H) sg   (hard)
 *                                          = 1 - v_threshold sg          (soft)
 *     (detach_reset drops the sg terms of dV/dH)
 *     grad_x[t] = gh k,   V[t-1] receives gh (1 - k),   dL/dk += gh (X[t] - (V[t-1] - v_reset))
 *
 * grad_k_part holds each neuron's dL/dk; the caller sums them per channel.
 *
 * Work-item w takes neurons [w chunk, (w + 1) chunk). On GPUs chunk is 1 and the steps are
 * the inner loop; on CPUs (SERIAL_ROWS) the steps are the outer loop and the chunk's
 * neurons the inner one, contiguous, which the compiler vectorises (V and the carried
 * gradients live in v_seq, grad_v_init and grad_k_part meanwhile). Each neuron does the
 * same operations in the same order either way: the same bits. */

INLINE real plif_surrogate(const real x, const u32 surrogate, const real alpha)
{
    if (surrogate == 0u) {
#ifdef REAL_IS_DOUBLE
        const real e = exp(-alpha * x);
#else
        const real e = exp_f32(-alpha * x);            /* exp_f32.h: vectorises, NumPy repeats it */
#endif
        const real s = (real)1 / ((real)1 + e);
        return alpha * s * ((real)1 - s);
    }
    const real u = (real)1.5707963267948966 * alpha * x;
    return alpha / ((real)2 * ((real)1 + u * u));
}

KERNEL void plif_forward(const u32 n, const u32 steps, const u32 channels, const u32 inner, const u32 hard,
                         const u32 chunk, const real v_threshold, const real v_reset,
                         GLOBAL const real* x, GLOBAL const real* k, GLOBAL const real* v_init,
                         GLOBAL real* h_seq, GLOBAL real* s_seq, GLOBAL real* v_seq)
{
    const u32 first = GLOBAL_ID * chunk;
    if (first >= n) return;
    const u32 last = min(n, first + chunk);
#ifdef SERIAL_ROWS
    const real k0 = k[0];
    for (u32 t = 0; t < steps; ++t) {
        GLOBAL const real* v_prev = t ? v_seq + (t - 1u) * n : v_init;
        for (u32 i = first; i < last; ++i) {
            const u32 at = t * n + i;
            const real v = v_prev[i], ki = channels == 1u ? k0 : k[(i / inner) % channels];
            const real h = v + (x[at] - (v - v_reset)) * ki;
            const real s = h >= v_threshold ? (real)1 : (real)0;
            h_seq[at] = h;
            s_seq[at] = s;
            v_seq[at] = hard ? (s != (real)0 ? v_reset : h) : h - v_threshold * s;
        }
    }
#else
    for (u32 i = first; i < last; ++i) {
        const real ki = k[(i / inner) % channels];
        real v = v_init[i];
        for (u32 t = 0; t < steps; ++t) {
            const u32 at = t * n + i;
            const real h = v + (x[at] - (v - v_reset)) * ki;
            const real s = h >= v_threshold ? (real)1 : (real)0;
            v = hard ? (s != (real)0 ? v_reset : h) : h - v_threshold * s;
            h_seq[at] = h;
            s_seq[at] = s;
            v_seq[at] = v;
        }
    }
#endif
}

/* One step of the backward pass for neuron i at step t: gv (the gradient reaching V[t])
 * and gk updated, grad_x[t] written. */
INLINE void plif_back_step(const u32 i, const u32 t, const u32 n, const real ki, const u32 hard,
                           const u32 detach_reset, const u32 surrogate, const real alpha,
                           const real v_threshold, const real v_reset,
                           GLOBAL const real* x, GLOBAL const real* v_init, GLOBAL const real* h_seq,
                           GLOBAL const real* v_seq, GLOBAL const real* grad_s, GLOBAL const real* grad_v,
                           GLOBAL real* grad_x, real* gv, real* gk)
{
    const u32 at = t * n + i;
    const real h = h_seq[at];
    const real s = h >= v_threshold ? (real)1 : (real)0;
    const real sg = plif_surrogate(h - v_threshold, surrogate, alpha);
    const real carried = *gv + grad_v[at];
    real dv_dh;
    if (hard)
        dv_dh = detach_reset ? (real)1 - s : (real)1 - s + (v_reset - h) * sg;
    else
        dv_dh = detach_reset ? (real)1 : (real)1 - v_threshold * sg;
    const real gh = grad_s[at] * sg + carried * dv_dh;
    const real v_prev = t ? v_seq[at - n] : v_init[i];
    grad_x[at] = gh * ki;
    *gk += gh * (x[at] - (v_prev - v_reset));
    *gv = gh * ((real)1 - ki);
}

KERNEL void plif_backward(const u32 n, const u32 steps, const u32 channels, const u32 inner, const u32 hard,
                          const u32 chunk, const u32 detach_reset, const u32 surrogate, const real alpha,
                          const real v_threshold, const real v_reset,
                          GLOBAL const real* x, GLOBAL const real* k, GLOBAL const real* v_init,
                          GLOBAL const real* h_seq, GLOBAL const real* v_seq,
                          GLOBAL const real* grad_s, GLOBAL const real* grad_v,
                          GLOBAL real* grad_x, GLOBAL real* grad_k_part, GLOBAL real* grad_v_init)
{
    const u32 first = GLOBAL_ID * chunk;
    if (first >= n) return;
    const u32 last = min(n, first + chunk);
#ifdef SERIAL_ROWS
    for (u32 i = first; i < last; ++i) {
        grad_v_init[i] = (real)0;
        grad_k_part[i] = (real)0;
    }
    for (u32 t = steps; t-- > 0u;)
        for (u32 i = first; i < last; ++i) {
            real gv = grad_v_init[i], gk = grad_k_part[i];
            plif_back_step(i, t, n, channels == 1u ? k[0] : k[(i / inner) % channels], hard, detach_reset, surrogate, alpha, v_threshold,
                           v_reset, x, v_init, h_seq, v_seq, grad_s, grad_v, grad_x, &gv, &gk);
            grad_v_init[i] = gv;
            grad_k_part[i] = gk;
        }
#else
    for (u32 i = first; i < last; ++i) {
        const real ki = k[(i / inner) % channels];
        real gv = (real)0, gk = (real)0;
        for (u32 t = steps; t-- > 0u;)
            plif_back_step(i, t, n, ki, hard, detach_reset, surrogate, alpha, v_threshold, v_reset, x, v_init,
                           h_seq, v_seq, grad_s, grad_v, grad_x, &gv, &gk);
        grad_k_part[i] = gk;
        grad_v_init[i] = gv;
    }
#endif
}

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
 * (surrogate 0: alpha s (1 - s), s = 1 / (1 + exp(-alpha x))) or arctan (surrogate 1:
 * alpha / (2 (1 + (pi/2 alpha x)^2))). With gv the gradient reaching V[t]:
 *
 *     gh = grad_s[t] sg + gv dV/dH,  dV/dH = 1 - S + (v_reset - H) sg   (hard)
 *                                          = 1 - v_threshold sg          (soft)
 *     (detach_reset drops the sg terms of dV/dH)
 *     grad_x[t] = gh k,   V[t-1] receives gh (1 - k),   dL/dk += gh (X[t] - (V[t-1] - v_reset))
 *
 * grad_k_part holds each neuron's dL/dk; the caller sums them per channel. */

INLINE real plif_surrogate(const real x, const u32 surrogate, const real alpha)
{
    if (surrogate == 0u) {
        const real s = (real)1 / ((real)1 + exp(-alpha * x));
        return alpha * s * ((real)1 - s);
    }
    const real u = (real)1.5707963267948966 * alpha * x;
    return alpha / ((real)2 * ((real)1 + u * u));
}

KERNEL void plif_forward(const u32 n, const u32 steps, const u32 channels, const u32 inner, const u32 hard,
                         const real v_threshold, const real v_reset,
                         GLOBAL const real* x, GLOBAL const real* k, GLOBAL const real* v_init,
                         GLOBAL real* h_seq, GLOBAL real* s_seq, GLOBAL real* v_seq)
{
    const u32 i = GLOBAL_ID;
    if (i >= n) return;
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

KERNEL void plif_backward(const u32 n, const u32 steps, const u32 channels, const u32 inner, const u32 hard,
                          const u32 detach_reset, const u32 surrogate, const real alpha,
                          const real v_threshold, const real v_reset,
                          GLOBAL const real* x, GLOBAL const real* k, GLOBAL const real* v_init,
                          GLOBAL const real* h_seq, GLOBAL const real* v_seq,
                          GLOBAL const real* grad_s, GLOBAL const real* grad_v,
                          GLOBAL real* grad_x, GLOBAL real* grad_k_part, GLOBAL real* grad_v_init)
{
    const u32 i = GLOBAL_ID;
    if (i >= n) return;
    const real ki = k[(i / inner) % channels];
    real gv = (real)0, gk = (real)0;
    for (u32 t = steps; t-- > 0u;) {
        const u32 at = t * n + i;
        const real h = h_seq[at];
        const real s = h >= v_threshold ? (real)1 : (real)0;
        const real sg = plif_surrogate(h - v_threshold, surrogate, alpha);
        gv += grad_v[at];
        real dv_dh;
        if (hard)
            dv_dh = detach_reset ? (real)1 - s : (real)1 - s + (v_reset - h) * sg;
        else
            dv_dh = detach_reset ? (real)1 : (real)1 - v_threshold * sg;
        const real gh = grad_s[at] * sg + gv * dv_dh;
        const real v_prev = t ? v_seq[at - n] : v_init[i];
        grad_x[at] = gh * ki;
        gk += gh * (x[at] - (v_prev - v_reset));
        gv = gh * ((real)1 - ki);
    }
    grad_k_part[i] = gk;
    grad_v_init[i] = gv;
}

/* Batch learning (snnkit.learning): many samples are presented at once, one per batch
 * instance, and the instances share what they learn. NumPy specification:
 * snnkit/backends/numpy_learning.py. */

/* image_rates: the spike probability per step of input (b, i) for the next sample,
 * pixel i of image sample_index[b] times gain_hz[b] (Hz per unit of pixel value),
 * times dt_s (the step in seconds), at most 1. spike_probability: (batch, stride),
 * the inputs at columns offset .. offset + n_pixels - 1. */
KERNEL void image_rates(const u32 n_pixels, const u32 batch, const u32 stride, const u32 offset,
                        const real dt_s, GLOBAL const real* images, GLOBAL const u32* sample_index,
                        GLOBAL const real* gain_hz, GLOBAL real* spike_probability)
{
    const u32 k = GLOBAL_ID;
    if (k >= n_pixels * batch) return;
    const u32 b = k / n_pixels, i = k - b * n_pixels;
    const real rate_hz = images[(u64)sample_index[b] * n_pixels + i] * gain_hz[b];
    spike_probability[b * stride + offset + i] = min_real(rate_hz * dt_s, (real)1);
}

/* combine_instances: values[b * stride + offset + j] (b < batch, j < n_values) are the
 * per-instance copies of a shared quantity (plastic weights (B, S), adaptive thresholds
 * theta (B, N)) that all equalled reference[j] when the samples began. The changes of
 * the accepted instances are combined,
 *     reference[j] = clip(reference[j] + scale * sum_b accept[b] (values[b, j] - reference[j]), lo, hi)
 * (scale 1: the sum, as if the samples had come one after another, to first order;
 * scale 1/B: the mean), summed over b in order, and every copy is set to the result. */
KERNEL void combine_instances(const u32 n_values, const u32 batch, const u32 stride, const u32 offset,
                              const real scale, const real lo, const real hi, GLOBAL const real* accept,
                              GLOBAL real* reference, GLOBAL real* values)
{
    const u32 j = GLOBAL_ID;
    if (j >= n_values) return;
    const real before = reference[j];
    real change = 0;
    for (u32 b = 0; b < batch; ++b) {
        const real mine = values[(u64)b * stride + offset + j] - before;
        change = change + accept[b] * mine;
    }
    const real after = clamp_real(before + scale * change, lo, hi);
    reference[j] = after;
    for (u32 b = 0; b < batch; ++b) values[(u64)b * stride + offset + j] = after;
}

/* normalize_incoming: scale the shared weights onto each target neuron j so that their
 * sum (squares = 0: Diehl & Cook 2015) or the root of their sum of squares (squares = 1:
 * the norm Oja's rule converges to) is target, and copy them to every instance. One
 * work-item per target walks its column (col_ptr, col_syn), summing in column order; a
 * target whose weights are all 0 (or sum to less) is left as it is.
 * weight: (batch, n_synapses). */
KERNEL void normalize_incoming(const u32 n_post, const u32 batch, const u32 n_synapses, const u32 squares,
                               const real target, GLOBAL const u32* col_ptr, GLOBAL const u32* col_syn,
                               GLOBAL real* reference, GLOBAL real* weight)
{
    const u32 j = GLOBAL_ID;
    if (j >= n_post) return;
    real total = 0;
    for (u32 k = col_ptr[j]; k < col_ptr[j + 1]; ++k) {
        const real w = reference[col_syn[k]];
        total = total + (squares ? w * w : w);
    }
    if (!(total > 0)) return;
    const real factor = target / (squares ? sqrt(total) : total);
    for (u32 k = col_ptr[j]; k < col_ptr[j + 1]; ++k) {
        const u32 s = col_syn[k];
        const real scaled = reference[s] * factor;
        reference[s] = scaled;
        for (u32 b = 0; b < batch; ++b) weight[(u64)b * n_synapses + s] = scaled;
    }
}

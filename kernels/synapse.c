/* synapse.c: the events of a synapse model (snnkit/modeling/synapse_model.py), one
 * step: NumpyBackend.synapse_model_step with the same arithmetic in the same order
 * (snnkit/backends/numpy_synapses.py). The model's code comes before this file,
 * generated from its statements (snnkit/modeling/codegen_synapse_c.py:
 * synapse_on_pre, synapse_on_post, SYN_*).
 * Layouts: state (SYN_N_STATE, batch, S) with S = n_synapses; params (n_params, S);
 * weight (S) or, when the event code changes it, (batch, S); spike histories
 * (depth, batch * N) of step stamps: slot k % depth holds k + 1 where the neuron
 * spiked in step k (stale stamps never match, so nothing is cleared); ring: the
 * target's (ring_depth, n_receptors, plane), plane = plane_stride(batch * n_post). */

/* synapse_history: this step's spikes (the compacted list of spikes.h) into the history */
KERNEL void synapse_history(const u32 n_all, const u32 depth, const u32 step_offset, GLOBAL const u32* step_clock,
                            GLOBAL const u32* spike_list, GLOBAL const u32* spike_count, GLOBAL u32* history)
{
    const u32 step = STEP_NOW;                         /* clock.h */
    const u32 j = GLOBAL_ID;
    if (j < spike_count[step & 1])
        history[(u64)(step % depth) * n_all + spike_list[j]] = step + 1u;
}

/* whether the history holds a spike of neuron id (b * n + i) in step k - delay */
INLINE int spiked_at(GLOBAL const u32* history, const u32 depth, const u32 n_all, const u32 id, const u32 step,
                     const u32 delay)
{
    return step >= delay && history[(u64)((step - delay) % depth) * n_all + id] == step - delay + 1u;
}

/* the rand() draws of one event: four a Philox counter (step, synapse, instance, stream) */
INLINE void synapse_draws(real* uniform, const u32 count, const u32 step, const u32 s, const u32 instance,
                          const u32 stream, const u32 key_lo, const u32 key_hi)
{
    for (u32 j = 0; j < count; j += 4) {
        const philox_words x = philox4x32_10(step, s, instance, stream + 2u * (j / 4u), key_lo, key_hi);
        for (u32 q = 0; q < 4u && j + q < count; ++q) uniform[j + q] = (real)uniform01(x.x[q]);
    }
}

/* synapse_pre: a work-item per (instance b, presynaptic neuron i) walks row i; a synapse
 * whose neuron spiked its axonal delay ago runs on_pre and adds what it delivers to the
 * target's ring its dendritic delay ahead */
KERNEL void synapse_pre(const u32 n_pre, const u32 n_post, const u32 batch, const u32 n_synapses,
                        const u32 step_offset, GLOBAL const u32* step_clock, const u32 history_depth,
                        const u32 ring_depth, const u32 n_receptors, const u32 weight_per_instance,
                        const u32 rng_stream, GLOBAL const u32* history, GLOBAL const u32* row_ptr,
                        GLOBAL const u32* post_index, GLOBAL const u32* receptor, GLOBAL const u32* axonal,
                        GLOBAL const u32* dendritic, GLOBAL real* weight, GLOBAL real* state,
                        GLOBAL const real* params, GLOBAL const u32* key_lo, GLOBAL const u32* key_hi,
                        GLOBAL const u32* instance, GLOBAL real* ring)
{
    const u32 step = STEP_NOW;
    const u32 gid = GLOBAL_ID;
    if (gid >= batch * n_pre) return;
    const u32 b = gid / n_pre, i = gid - b * n_pre;
    const u32 plane = plane_stride(batch * n_post);
    const real t = (real)((double)step * SYN_DT_DOUBLE);
    for (u32 s = row_ptr[i]; s < row_ptr[i + 1]; ++s) {
        if (!spiked_at(history, history_depth, batch * n_pre, gid, step, axonal[s])) continue;
        real sv[SYN_N_STATE + 1];
#if SYN_N_STATE > 0
        for (u32 j = 0; j < SYN_N_STATE; ++j) sv[j] = state[((u64)j * batch + b) * n_synapses + s];
#endif
        GLOBAL real* w_at = weight + (weight_per_instance ? (u64)b * n_synapses : 0) + s;
        real w = *w_at, delivered = 0;
        real uniform[SYN_N_UNIFORM_PRE + 1];
        synapse_draws(uniform, SYN_N_UNIFORM_PRE, step, s, instance[b], rng_stream, key_lo[b], key_hi[b]);
        synapse_on_pre(sv, &w, &delivered, t, uniform, params, n_synapses, s);
#if SYN_N_STATE > 0
        for (u32 j = 0; j < SYN_N_STATE; ++j) state[((u64)j * batch + b) * n_synapses + s] = sv[j];
#endif
        if (weight_per_instance) *w_at = w;
        const u32 slot = (step + dendritic[s]) % ring_depth;
        ATOMIC_ADD_REAL(&ring[((u64)slot * n_receptors + receptor[s]) * plane + b * n_post + post_index[s]],
                        delivered);
    }
}

/* synapse_post: a work-item per (instance b, postsynaptic neuron j) walks column j; a
 * synapse whose target spiked its dendritic delay ago runs on_post */
KERNEL void synapse_post(const u32 n_pre, const u32 n_post, const u32 batch, const u32 n_synapses,
                         const u32 step_offset, GLOBAL const u32* step_clock, const u32 history_depth,
                         const u32 weight_per_instance, const u32 rng_stream, GLOBAL const u32* history,
                         GLOBAL const u32* col_ptr, GLOBAL const u32* col_syn, GLOBAL const u32* dendritic,
                         GLOBAL real* weight, GLOBAL real* state, GLOBAL const real* params,
                         GLOBAL const u32* key_lo, GLOBAL const u32* key_hi, GLOBAL const u32* instance)
{
#if SYN_HAS_ON_POST
    const u32 step = STEP_NOW;
    const u32 gid = GLOBAL_ID;
    if (gid >= batch * n_post) return;
    const u32 b = gid / n_post, j = gid - b * n_post;
    const real t = (real)((double)step * SYN_DT_DOUBLE);
    for (u32 k = col_ptr[j]; k < col_ptr[j + 1]; ++k) {
        const u32 s = col_syn[k];
        if (!spiked_at(history, history_depth, batch * n_post, gid, step, dendritic[s])) continue;
        real sv[SYN_N_STATE + 1];
#if SYN_N_STATE > 0
        for (u32 q = 0; q < SYN_N_STATE; ++q) sv[q] = state[((u64)q * batch + b) * n_synapses + s];
#endif
        GLOBAL real* w_at = weight + (weight_per_instance ? (u64)b * n_synapses : 0) + s;
        real w = *w_at;
        real uniform[SYN_N_UNIFORM_POST + 1];
        synapse_draws(uniform, SYN_N_UNIFORM_POST, step, s, instance[b], rng_stream + 1u, key_lo[b], key_hi[b]);
        synapse_on_post(sv, &w, t, uniform, params, n_synapses, s);
#if SYN_N_STATE > 0
        for (u32 q = 0; q < SYN_N_STATE; ++q) state[((u64)q * batch + b) * n_synapses + s] = sv[q];
#endif
        if (weight_per_instance) *w_at = w;
    }
#endif
}

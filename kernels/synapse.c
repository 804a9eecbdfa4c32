/* synapse.c: the events of a synapse model (snnkit/modeling/synapse_model.py), one
 * step: NumpyBackend.synapse_model_step with the same arithmetic in the same order
 * (snnkit/backends/numpy_synapses.py). The model's code comes before this file,
 * generated from its statements (snnkit/modeling/codegen_synapse_c.py:
 * synapse_on_pre, synapse_on_post, SYN_*).
 * Layouts: state (SYN_N_STATE, batch, S) with S = n_synapses; what neurons hold for
 * their synapses (snnkit/modeling/synapse_layout.py), pre_held (SYN_N_PRE_HELD, batch,
 * n_pre) and post_held (SYN_N_POST_HELD, batch, n_post); the neuron variables the event
 * code reads, copied there after the neurons' step, pre_reads (SYN_N_PRE_READS, batch,
 * n_pre) and post_reads; params (n_params, S);
 * weight (S) or, when the event code changes it, (batch, S); spike histories: a
 * ring of the last steps' compacted spike lists per side (synapse_history); ring: the
 * target's (ring_depth, n_receptors, plane), plane = plane_stride(batch * n_post).
 * Work is per event: a pathway's launch walks the rows (columns) of the spikes its
 * delay ago, as propagate does, not every synapse. */

/* synapse_history: this step's compacted spike list (spikes.h) into slot k % depth of a
 * ring of lists, (depth, capacity) ids and (depth) counts; a pathway then walks the
 * list of the step its delay ago (nothing is cleared: a slot is rewritten each time
 * its step comes round, and the ring is deeper than the longest delay) */
KERNEL void synapse_history(const u32 capacity, const u32 depth, const u32 step_offset, GLOBAL const u32* step_clock,
                            GLOBAL const u32* spike_list, GLOBAL const u32* spike_count, GLOBAL u32* list_ring,
                            GLOBAL u32* count_ring)
{
    const u32 step = STEP_NOW;                         /* clock.h */
    const u32 j = GLOBAL_ID;
    const u32 count = spike_count[step & 1];
    if (j == 0) count_ring[step % depth] = count;
    if (j < count) list_ring[(u64)(step % depth) * capacity + j] = spike_list[j];
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

/* count values of one neuron (b, i) from planes (count, batch, n) into v */
INLINE void synapse_load(real* v, const u32 count, GLOBAL const real* planes, const u32 batch, const u32 n,
                         const u32 b, const u32 i)
{
    for (u32 q = 0; q < count; ++q) v[q] = planes[((u64)q * batch + b) * n + i];
}

/* a synapse's SYN_N_STATE variables (b, s) from and back to state (SYN_N_STATE, batch, S) */
INLINE void synapse_state_load(real* sv, GLOBAL const real* state, const u32 batch, const u32 n_synapses,
                               const u32 b, const u32 s)
{
#if SYN_N_STATE > 0
    for (u32 q = 0; q < SYN_N_STATE; ++q) sv[q] = state[((u64)q * batch + b) * n_synapses + s];
#endif
}

INLINE void synapse_state_store(const real* sv, GLOBAL real* state, const u32 batch, const u32 n_synapses,
                                const u32 b, const u32 s)
{
#if SYN_N_STATE > 0
    for (u32 q = 0; q < SYN_N_STATE; ++q) state[((u64)q * batch + b) * n_synapses + s] = sv[q];
#endif
}

/* What neuron (b, i) holds for its synapses (snnkit/modeling/synapse_layout.py), updated
 * once per spike after its row (column) has run its events, by the work-item that
 * walked it or, when a work-group shares the walk, by its first after all have read
 * the old values: synapse_update_pre / _post, the values those events computed. A held
 * side has one delay (snnkit/lower_synapse_models.py), so one launch sees each spike;
 * its parameters are the same in every synapse, so synapse 0's serve. */
#ifdef SERIAL_ROWS
#define HELD_BARRIER()
#else
#define HELD_BARRIER() BARRIER()
#endif
#define SYNAPSE_HELD_UPDATE(side, values, held, count, n, neuron) do { \
    HELD_BARRIER(); \
    if (ROW_LANE == 0) { \
        synapse_update_##side(values, t, params, n_synapses, 0u); \
        for (u32 q_ = 0; q_ < (count); ++q_) held[((u64)q_ * batch + b) * (n) + (neuron)] = values[q_]; \
    } \
} while (0)
#if SYN_N_PRE_HELD > 0
#define PRE_HELD_UPDATE() SYNAPSE_HELD_UPDATE(pre, pv, pre_held, SYN_N_PRE_HELD, n_pre, i)
#else
#define PRE_HELD_UPDATE()
#endif
#if SYN_N_POST_HELD > 0
#define POST_HELD_UPDATE() SYNAPSE_HELD_UPDATE(post, qv, post_held, SYN_N_POST_HELD, n_post, c)
#else
#define POST_HELD_UPDATE()
#endif

/* synapse_pre: the spikes of the presynaptic group ``delay`` steps ago, dealt out as
 * propagate.h's SPIKE_SLOT says (on GPUs a work-group shares a row, its work-items
 * taking every ROW_LANES-th synapse; SERIAL_ROWS: a work-item walks it); the synapses
 * with that axonal delay run on_pre and add what they deliver to the target's ring
 * their dendritic delay ahead (a launch per distinct axonal delay) */
KERNEL void synapse_pre(const u32 n_pre, const u32 n_post, const u32 batch, const u32 n_synapses,
                        const u32 step_offset, GLOBAL const u32* step_clock, const u32 delay, const u32 history_depth,
                        const u32 ring_depth, const u32 n_receptors, const u32 weight_per_instance,
                        const u32 rng_stream, GLOBAL const u32* list_ring, GLOBAL const u32* count_ring,
                        GLOBAL const u32* row_ptr, GLOBAL const u32* post_index, GLOBAL const u32* receptor,
                        GLOBAL const u32* axonal, GLOBAL const u32* dendritic, GLOBAL real* weight, GLOBAL real* state,
                        GLOBAL const real* params, GLOBAL const u32* key_lo, GLOBAL const u32* key_hi,
                        GLOBAL const u32* instance, GLOBAL real* pre_held, GLOBAL const real* post_held,
                        GLOBAL const real* pre_reads, GLOBAL const real* post_reads, GLOBAL real* ring)
{
    const u32 step = STEP_NOW;
    if (step < delay) return;
    const u32 slot_then = (step - delay) % history_depth;
    const u32 count = count_ring[slot_then];
    const u32 plane = plane_stride(batch * n_post);
    const real t = (real)((double)step * SYN_DT_DOUBLE);
    for (u32 j = SPIKE_SLOT; j < count; j += SPIKE_SLOTS) {
        const u32 id = list_ring[(u64)slot_then * (batch * n_pre) + j];
        const u32 b = id / n_pre, i = id - b * n_pre;
        real pv[SYN_N_PRE_HELD + 1], rp[SYN_N_PRE_READS + 1];      /* the presynaptic neuron's, once */
        synapse_load(pv, SYN_N_PRE_HELD, pre_held, batch, n_pre, b, i);
        synapse_load(rp, SYN_N_PRE_READS, pre_reads, batch, n_pre, b, i);
        for (u32 s = row_ptr[i] + ROW_LANE; s < row_ptr[i + 1]; s += ROW_LANES) {
            if (axonal[s] != delay) continue;
            real qv[SYN_N_POST_HELD + 1], rq[SYN_N_POST_READS + 1];
            synapse_load(qv, SYN_N_POST_HELD, post_held, batch, n_post, b, post_index[s]);
            synapse_load(rq, SYN_N_POST_READS, post_reads, batch, n_post, b, post_index[s]);
            real sv[SYN_N_STATE + 1];
            synapse_state_load(sv, state, batch, n_synapses, b, s);
            GLOBAL real* w_at = weight + (weight_per_instance ? (u64)b * n_synapses : 0) + s;
            real w = *w_at, delivered = 0;
            real uniform[SYN_N_UNIFORM_PRE + 1];
            synapse_draws(uniform, SYN_N_UNIFORM_PRE, step, s, instance[b], rng_stream, key_lo[b], key_hi[b]);
            synapse_on_pre(sv, pv, qv, rp, rq, &w, &delivered, t, uniform, params, n_synapses, s);
            synapse_state_store(sv, state, batch, n_synapses, b, s);
            if (weight_per_instance) *w_at = w;
            const u32 slot = (step + dendritic[s]) % ring_depth;
            ATOMIC_ADD_REAL(&ring[((u64)slot * n_receptors + receptor[s]) * plane + b * n_post + post_index[s]],
                            delivered);
        }
        PRE_HELD_UPDATE();
    }
}

/* synapse_post: the spikes of the postsynaptic group ``delay`` steps ago, dealt out
 * likewise, walk their columns; the synapses with that postsynaptic event delay run
 * on_post (a launch per distinct delay; by default each synapse's dendritic delay) */
KERNEL void synapse_post(const u32 n_pre, const u32 n_post, const u32 batch, const u32 n_synapses,
                         const u32 step_offset, GLOBAL const u32* step_clock, const u32 delay,
                         const u32 history_depth, const u32 weight_per_instance, const u32 rng_stream,
                         GLOBAL const u32* list_ring, GLOBAL const u32* count_ring, GLOBAL const u32* col_ptr,
                         GLOBAL const u32* col_syn, GLOBAL const u32* pre_index, GLOBAL const u32* post_delay,
                         GLOBAL real* weight, GLOBAL real* state, GLOBAL const real* params,
                         GLOBAL const u32* key_lo, GLOBAL const u32* key_hi, GLOBAL const u32* instance,
                         GLOBAL const real* pre_held, GLOBAL real* post_held, GLOBAL const real* pre_reads,
                         GLOBAL const real* post_reads)
{
#if SYN_HAS_ON_POST
    const u32 step = STEP_NOW;
    if (step < delay) return;
    const u32 slot_then = (step - delay) % history_depth;
    const u32 count = count_ring[slot_then];
    const real t = (real)((double)step * SYN_DT_DOUBLE);
    for (u32 j = SPIKE_SLOT; j < count; j += SPIKE_SLOTS) {
        const u32 id = list_ring[(u64)slot_then * (batch * n_post) + j];
        const u32 b = id / n_post, c = id - b * n_post;
        real qv[SYN_N_POST_HELD + 1], rq[SYN_N_POST_READS + 1];    /* the postsynaptic neuron's, once */
        synapse_load(qv, SYN_N_POST_HELD, post_held, batch, n_post, b, c);
        synapse_load(rq, SYN_N_POST_READS, post_reads, batch, n_post, b, c);
        for (u32 k = col_ptr[c] + ROW_LANE; k < col_ptr[c + 1]; k += ROW_LANES) {
            const u32 s = col_syn[k];
            if (post_delay[s] != delay) continue;
            real pv[SYN_N_PRE_HELD + 1], rp[SYN_N_PRE_READS + 1];
            synapse_load(pv, SYN_N_PRE_HELD, pre_held, batch, n_pre, b, pre_index[s]);
            synapse_load(rp, SYN_N_PRE_READS, pre_reads, batch, n_pre, b, pre_index[s]);
            real sv[SYN_N_STATE + 1];
            synapse_state_load(sv, state, batch, n_synapses, b, s);
            GLOBAL real* w_at = weight + (weight_per_instance ? (u64)b * n_synapses : 0) + s;
            real w = *w_at;
            real uniform[SYN_N_UNIFORM_POST + 1];
            synapse_draws(uniform, SYN_N_UNIFORM_POST, step, s, instance[b], rng_stream + 1u, key_lo[b], key_hi[b]);
            synapse_on_post(sv, pv, qv, rp, rq, &w, t, uniform, params, n_synapses, s);
            synapse_state_store(sv, state, batch, n_synapses, b, s);
            if (weight_per_instance) *w_at = w;
        }
        POST_HELD_UPDATE();
    }
#endif
}

/* synapse_summed: summed expression q (SynapseModel(summed=...)) at the start of a step,
 * one work-item per postsynaptic neuron (b, c) of the projection's range [lo, lo + count):
 * its column's synapses in col_syn order, added from 0, as the NumPy specification adds
 * them; the sum replaces the target variable (target_offset + b * n_post + c). */
KERNEL void synapse_summed(const u32 n_pre, const u32 n_post, const u32 batch, const u32 n_synapses,
                           const u32 step_offset, GLOBAL const u32* step_clock, const u32 q, const u32 lo,
                           const u32 count, const u32 weight_per_instance, GLOBAL const u32* col_ptr,
                           GLOBAL const u32* col_syn, GLOBAL const u32* pre_index, GLOBAL const real* weight,
                           GLOBAL const real* state, GLOBAL const real* params, GLOBAL const real* pre_held,
                           GLOBAL const real* post_held, GLOBAL const real* pre_reads,
                           GLOBAL const real* post_reads, const u32 target_offset, GLOBAL real* target)
{
    const u32 gid = GLOBAL_ID;
    if (gid >= batch * count) return;
    const u32 b = gid / count, c = lo + (gid - b * count);
    const u32 step = STEP_NOW;
    const real t = (real)((double)step * SYN_DT_DOUBLE);
    real qv[SYN_N_POST_HELD + 1], rq[SYN_N_POST_READS + 1];
    synapse_load(qv, SYN_N_POST_HELD, post_held, batch, n_post, b, c);
    synapse_load(rq, SYN_N_POST_READS, post_reads, batch, n_post, b, c);
    real sum = (real)0;
    for (u32 k = col_ptr[c]; k < col_ptr[c + 1]; ++k) {
        const u32 s = col_syn[k];
        real pv[SYN_N_PRE_HELD + 1], rp[SYN_N_PRE_READS + 1], sv[SYN_N_STATE + 1];
        synapse_load(pv, SYN_N_PRE_HELD, pre_held, batch, n_pre, b, pre_index[s]);
        synapse_load(rp, SYN_N_PRE_READS, pre_reads, batch, n_pre, b, pre_index[s]);
        synapse_state_load(sv, state, batch, n_synapses, b, s);
        const real w = weight[(weight_per_instance ? (u64)b * n_synapses : 0) + s];
        sum += synapse_summed_value(q, sv, pv, qv, rp, rq, w, t, params, n_synapses, s);
    }
    target[target_offset + b * n_post + c] = sum;
}

/* synapse_every_step: the update statements (SynapseModel(update=)) of every synapse
 * (b, s), after the neurons' step and before the step's events, as the NumPy
 * specification runs them over all synapses at once */
KERNEL void synapse_every_step(const u32 n_pre, const u32 n_post, const u32 batch, const u32 n_synapses,
                               const u32 step_offset, GLOBAL const u32* step_clock, const u32 weight_per_instance,
                               GLOBAL const u32* pre_index, GLOBAL const u32* post_index, GLOBAL real* weight,
                               GLOBAL real* state, GLOBAL const real* params, GLOBAL const real* pre_held,
                               GLOBAL const real* post_held, GLOBAL const real* pre_reads,
                               GLOBAL const real* post_reads)
{
#if SYN_HAS_UPDATE
    const u32 gid = GLOBAL_ID;
    if (gid >= batch * n_synapses) return;
    const u32 b = gid / n_synapses, s = gid - b * n_synapses;
    const u32 step = STEP_NOW;
    const real t = (real)((double)step * SYN_DT_DOUBLE);
    real pv[SYN_N_PRE_HELD + 1], rp[SYN_N_PRE_READS + 1], qv[SYN_N_POST_HELD + 1], rq[SYN_N_POST_READS + 1];
    synapse_load(pv, SYN_N_PRE_HELD, pre_held, batch, n_pre, b, pre_index[s]);
    synapse_load(rp, SYN_N_PRE_READS, pre_reads, batch, n_pre, b, pre_index[s]);
    synapse_load(qv, SYN_N_POST_HELD, post_held, batch, n_post, b, post_index[s]);
    synapse_load(rq, SYN_N_POST_READS, post_reads, batch, n_post, b, post_index[s]);
    real sv[SYN_N_STATE + 1];
    synapse_state_load(sv, state, batch, n_synapses, b, s);
    GLOBAL real* w_at = weight + (weight_per_instance ? (u64)b * n_synapses : 0) + s;
    real w = *w_at;
    synapse_update_all(sv, pv, qv, rp, rq, &w, t, params, n_synapses, s);
    synapse_state_store(sv, state, batch, n_synapses, b, s);
    if (weight_per_instance) *w_at = w;
#endif
}

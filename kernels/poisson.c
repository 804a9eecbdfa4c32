/* poisson_step: Bernoulli trials with p = rate * dt / 1000 a step (sources.Poisson),
 * drawn as the geometric number of silent steps to each source's next spike, so a
 * step costs a compare per source and a draw per spike. State per source (b, i):
 * next_spike (the step of its next spike, POISSON_NEVER: none) and drawn_probability
 * (the p it was drawn for; -1 at the start), (batch, n) like spike_probability.
 * Philox counter (k, neuron, instance, stream + RNG_POISSON). In step k:
 *   p != drawn_probability (the start, or p changed): next_spike = k + G(words 2, 3);
 *   next_spike == k: the source fires, and next_spike = k + 1 + G(words 0, 1).
 * Phase 1 is the vectorisable compare; after a barrier the few sources that draw
 * do, then the firing ones emit and their rows are propagated (propagate.h). */
KERNEL void poisson_step(PROGRAM_IDS const u32 n, const u32 batch, const u32 step_offset,
                         GLOBAL const u32* step_clock, GLOBAL const real* spike_probability,
                         GLOBAL u32* next_spike, GLOBAL real* drawn_probability,
                         GLOBAL const u32* rng_neuron, GLOBAL const u32* rng_stream,
                         GLOBAL const u32* key_lo, GLOBAL const u32* key_hi, GLOBAL const u32* instance,
                         GLOBAL u32* spike_list, GLOBAL u32* spike_count,
        const u32 record, GLOBAL u32* rec_step, GLOBAL u32* rec_id, GLOBAL u32* rec_count,
        const u32 out_fused, const u32 out_n_post, const u32 out_n_receptors, const u32 out_depth,
        const u32 out_uniform_receptor,
        const u32 out_uniform_delay, const u32 out_n_synapses, const u32 out_plastic,
        GLOBAL const u32* out_row_ptr, GLOBAL const u32* out_post_index, GLOBAL const u8* out_receptor,
        GLOBAL const u16* out_delay, GLOBAL const real* out_weight, GLOBAL real* out_ring)
{
    GROUP_U32S(fired_here, 0)
    GROUP_SPIKE_LIST
    const u32 step = STEP_NOW;                         /* clock.h */
    const u32 gid = GLOBAL_ID;
    const u32 n_all = n * batch;
    PHASE(1) {   /* phase 1: 1 = p changed, 2 = fires now (straight-line code; past n_all: 0) */
        const u32 c = min_u32(gid, n_all - 1);
        fired_here[LOCAL_ID] = gid < n_all ? (u32)(spike_probability[c] != drawn_probability[c])
                                             | ((u32)(next_spike[c] == step) << 1) : 0u;
        ZERO_NEXT_SPIKE_COUNT();
    }
    BARRIER();
    PHASE(2) {   /* phase 2: the sources that draw, draw; the firing ones emit (propagate.h) */
        if (fired_here[LOCAL_ID]) {
            const u32 c = gid, b = c / n, i = c - b * n;
            const real p = spike_probability[c];
            const double log_no_spike = log1p_f64(-(double)p);
            const philox_words w = philox4x32_10(step, rng_neuron[i], instance[b], rng_stream[i] + RNG_POISSON,
                                                 key_lo[b], key_hi[b]);
            u32 next = next_spike[c];
            if (fired_here[LOCAL_ID] & 1u) {
                next = after_silent_steps(step, w.x[2], w.x[3], log_no_spike);
                drawn_probability[c] = p;
            }
            const u32 fires = next == step;
            if (fires) next = after_silent_steps(step + 1, w.x[0], w.x[1], log_no_spike);
            next_spike[c] = next;
            fired_here[LOCAL_ID] = fires;
        }
        EMIT_FLAGGED_AND_PROPAGATE(fired_here);
    }
}

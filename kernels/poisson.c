/* poisson_step: source (b, i) fires in step k when u < rate * dt / 1000, u from
 * Philox with counter (k, neuron, instance, stream + RNG_POISSON). Two phases,
 * as in lif.c: the draws are straight-line code; after a work-group barrier the
 * firing work-items emit and their rows are propagated (propagate.h). */
KERNEL void poisson_step(PROGRAM_IDS const u32 n, const u32 batch, const u32 step_offset,
                         GLOBAL const u32* step_clock, const u32 param_stride,
                         GLOBAL const real* spike_probability,
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
    PHASE(1) {   /* phase 1: the draw, every work-item alike (past n_all: a copy of the last source's) */
        const u32 c = min_u32(gid, n_all - 1);
        const u32 b = c / n, i = c - b * n;
        const philox_words w = philox4x32_10(step, rng_neuron[i], instance[b], rng_stream[i] + RNG_POISSON,
                                             key_lo[b], key_hi[b]);
        fired_here[LOCAL_ID] = uniform01(w.x[0]) < spike_probability[b * param_stride + i] && gid < n_all;
    }
    BARRIER();
    /* phase 2: the firing work-items emit; their rows are propagated (propagate.h) */
    PHASE(2) EMIT_AND_PROPAGATE(fired_here);
}

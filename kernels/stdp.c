/* Pair-based STDP with traces (snnkit.plasticity.STDP), in the order of
 * NumpyBackend.stdp_step: trace_decay (pre and post), stdp_on_pre,
 * stdp_on_post, then trace_jump for the spikes of both sides.
 * weight: (batch, n_synapses); trace_pre (batch, n_pre); trace_post (batch, n_post). */

KERNEL void trace_decay(PROGRAM_IDS const u32 n_values, const real decay, GLOBAL real* trace)
{
    const u32 k = GLOBAL_ID;
    if (k < n_values) trace[k] = trace[k] * decay;
}

/* presynaptic spike: depression by the postsynaptic trace. The consumers of a spike list
 * (here, trace_jump, count_spikes) stride over it: work-item t takes spikes t, t + all
 * work-items, ...; so one virtual group of a step program does a list of any length
 * (program.h), in work proportional to its spikes. */
KERNEL void stdp_on_pre(PROGRAM_IDS const u32 n_pre, const u32 n_post, const u32 n_synapses, const u32 step_offset,
                        GLOBAL const u32* step_clock,
                        const real a_minus, const real w_min, const real w_max, const u32 multiplicative,
                        GLOBAL const u32* spike_list, GLOBAL const u32* spike_count,
                        GLOBAL const u32* row_ptr, GLOBAL const u32* post_index,
                        GLOBAL const real* trace_post, GLOBAL real* weight)
{
    const u32 step = STEP_NOW;                         /* clock.h */
    const u32 count = spike_count[step & 1];
    for (u32 t = GLOBAL_ID; t < count; t += NUM_GROUPS * LOCAL_SIZE) {
        const u32 id = spike_list[t];
        const u32 b = id / n_pre, i = id - b * n_pre;
        GLOBAL real* w = weight + (u64)b * n_synapses;
        for (u32 s = row_ptr[i]; s < row_ptr[i + 1]; ++s) {
            real change = a_minus * trace_post[b * n_post + post_index[s]];
            if (multiplicative) change = change * (w[s] - w_min);
            w[s] = clamp_real(w[s] - change, w_min, w_max);
        }
    }
}

/* postsynaptic spike: potentiation by the presynaptic trace less x_target (Diehl & Cook's
 * x_tar: a synapse whose input was quieter than that is depressed), walking the transpose */
KERNEL void stdp_on_post(PROGRAM_IDS const u32 n_pre, const u32 n_post, const u32 n_synapses, const u32 step_offset,
                         GLOBAL const u32* step_clock,
                         const real a_plus, const real x_target, const real w_min, const real w_max, const u32 multiplicative,
                         GLOBAL const u32* spike_list, GLOBAL const u32* spike_count,
                         GLOBAL const u32* col_ptr, GLOBAL const u32* col_syn, GLOBAL const u32* pre_index,
                         GLOBAL const real* trace_pre, GLOBAL real* weight)
{
    const u32 step = STEP_NOW;                         /* clock.h */
    const u32 count = spike_count[step & 1];
    for (u32 t = GLOBAL_ID; t < count; t += NUM_GROUPS * LOCAL_SIZE) {
        const u32 id = spike_list[t];
        const u32 b = id / n_post, j = id - b * n_post;
        GLOBAL real* w = weight + (u64)b * n_synapses;
        for (u32 k = col_ptr[j]; k < col_ptr[j + 1]; ++k) {
            const u32 s = col_syn[k];
            real change = a_plus * (trace_pre[b * n_pre + pre_index[s]] - x_target);
            if (multiplicative) change = change * (w_max - w[s]);
            w[s] = clamp_real(w[s] + change, w_min, w_max);
        }
    }
}

/* the traces of this step's spikes jump: += 1 (all pairs) or = 1 (nearest) */
KERNEL void trace_jump(PROGRAM_IDS const u32 step_offset, GLOBAL const u32* step_clock, const u32 nearest,
                       GLOBAL const u32* spike_list, GLOBAL const u32* spike_count, GLOBAL real* trace)
{
    const u32 step = STEP_NOW;                         /* clock.h */
    const u32 count = spike_count[step & 1];
    for (u32 t = GLOBAL_ID; t < count; t += NUM_GROUPS * LOCAL_SIZE) {
        const u32 id = spike_list[t];
        trace[id] = nearest ? (real)1 : trace[id] + (real)1;
    }
}

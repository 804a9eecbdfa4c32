/* spike_times_step: events [first, last) of the sorted event list fire in every
 * instance; the host passes first and last (it knows the step). One thread per
 * (instance, event). */
KERNEL void spike_times_step(const u32 n, const u32 batch, const u32 step,
                             const u32 first, const u32 n_events, GLOBAL const u32* event_neuron,
                             GLOBAL u32* spike_list, GLOBAL u32* spike_count,
        const u32 record, GLOBAL u32* rec_step, GLOBAL u32* rec_id, GLOBAL u32* rec_count,
        const u32 out_fused, const u32 out_n_post, const u32 out_depth, const u32 out_uniform_receptor,
        const u32 out_uniform_delay, const u32 out_n_synapses, const u32 out_plastic,
        GLOBAL const u32* out_row_ptr, GLOBAL const u32* out_post_index, GLOBAL const u32* out_receptor,
        GLOBAL const u32* out_delay, GLOBAL const real* out_weight, GLOBAL real* out_ring)
{
    const u32 gid = GLOBAL_ID;
    if (gid == 0) spike_count[(step + 1) & 1] = 0;
    if (gid >= n_events * batch) return;
    const u32 b = gid / n_events, e = gid - b * n_events;
    const u32 id = b * n + event_neuron[first + e];
    EMIT(id);
    PROPAGATE_OUT(id);
}

/* spike_times_step: events [first, first + n_events) of the sorted event list fire
 * in every instance; the host passes first and n_events (it knows the step). The
 * (instance, event) pairs are dealt out as propagate.h's SPIKE_SLOT says: on GPUs
 * to work-groups, whose first work-item emits the spike and whose work-items share
 * its outgoing row; on CPUs to work-items. */
KERNEL void spike_times_step(const u32 n, const u32 batch, const u32 step_offset,
                             GLOBAL const u32* step_clock,
                             const u32 first, const u32 n_events, GLOBAL const u32* event_neuron,
                             GLOBAL u32* spike_list, GLOBAL u32* spike_count,
        const u32 record, GLOBAL u32* rec_step, GLOBAL u32* rec_id, GLOBAL u32* rec_count,
        const u32 out_fused, const u32 out_n_post, const u32 out_n_receptors, const u32 out_depth,
        const u32 out_uniform_receptor,
        const u32 out_uniform_delay, const u32 out_n_synapses, const u32 out_plastic,
        GLOBAL const u32* out_row_ptr, GLOBAL const u32* out_post_index, GLOBAL const u8* out_receptor,
        GLOBAL const u16* out_delay, GLOBAL const real* out_weight, GLOBAL real* out_ring)
{
    const u32 step = STEP_NOW;                         /* clock.h */
    if (GLOBAL_ID == 0) spike_count[(step + 1) & 1] = 0;
    for (u32 j = SPIKE_SLOT; j < n_events * batch; j += SPIKE_SLOTS) {
        const u32 b = j / n_events, e = j - b * n_events;
        const u32 id = b * n + event_neuron[first + e];
        if (ROW_LANE == 0) EMIT(id);
        PROPAGATE_OUT(id, ROW_LANE, ROW_LANES);
    }
}

/* spike_times_step: events [first, last) of the sorted event list fire in every
 * instance; the host passes first and last (it knows the step). One thread per
 * (instance, event). */
KERNEL void spike_times_step(const u32 n, const u32 batch, const u32 step,
                             const u32 first, const u32 n_events, GLOBAL const u32* event_neuron,
                             GLOBAL u32* spike_list, GLOBAL u32* spike_count,
        const u32 record, GLOBAL u32* rec_step, GLOBAL u32* rec_id, GLOBAL u32* rec_count)
{
    const u32 gid = GLOBAL_ID;
    if (gid == 0) spike_count[(step + 1) & 1] = 0;
    if (gid >= n_events * batch) return;
    const u32 b = gid / n_events, e = gid - b * n_events;
    EMIT(b * n + event_neuron[first + e]);
}

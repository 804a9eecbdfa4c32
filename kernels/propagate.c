/* propagate: the spikes of step k reach their targets (propagate.h), for the
 * outgoing tables a producer does not propagate inline. The entries of the
 * compacted spike list below spike_count[k & 1] are dealt out as SPIKE_SLOT says
 * (propagate.h): on GPUs a work-group per spike, sharing its row. */
KERNEL void propagate(PROGRAM_IDS const u32 n_pre, const u32 n_post, const u32 n_receptors, const u32 batch,
                      const u32 step_offset, GLOBAL const u32* step_clock,
                      const u32 depth, const u32 uniform_receptor, const u32 uniform_delay,
                      const u32 n_synapses, const u32 plastic,
                      GLOBAL const u32* spike_list, GLOBAL const u32* spike_count,
                      GLOBAL const u32* row_ptr, GLOBAL const u32* post_index, GLOBAL const u8* receptor,
                      GLOBAL const u16* delay, GLOBAL const real* weight, GLOBAL real* ring)
{
    const u32 step = STEP_NOW;                         /* clock.h */
    const u32 count = spike_count[step & 1];
    for (u32 j = SPIKE_SLOT; j < count; j += SPIKE_SLOTS)
        propagate_row(spike_list[j], ROW_LANE, ROW_LANES, step, n_pre, n_post, n_receptors, batch, depth,
                      uniform_receptor, uniform_delay, n_synapses, plastic, row_ptr, post_index, receptor,
                      delay, weight, ring);
}

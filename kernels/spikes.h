/* spikes.h: how a producer (lif_step, poisson_step, spike_times_step) emits a spike.
 * It appends id = b * N + i to this step's compacted list, and, when the group's
 * spikes are recorded, the pair (step, id) to the record buffer: recording costs
 * no launch of its own. */
INLINE void emit_spike(const u32 id, const u32 step, GLOBAL u32* spike_list, GLOBAL u32* spike_count,
                       const u32 record, GLOBAL u32* rec_step, GLOBAL u32* rec_id, GLOBAL u32* rec_count)
{
    spike_list[ATOMIC_INC_U32(&spike_count[step & 1])] = id;
    if (record) {
        const u32 at = ATOMIC_INC_U32(rec_count);
        rec_step[at] = step;
        rec_id[at] = id;
    }
}

/* every producer's arguments end with: spike_list, spike_count, record, rec_step, rec_id, rec_count */#define EMIT(id) do { emit_spike((id), step, spike_list, spike_count, record, rec_step, rec_id, rec_count); } while (0)

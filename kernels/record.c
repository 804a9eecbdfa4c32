/* Recording of state into device buffers, drained to the host in chunks.
 * (Spikes are recorded by their producers: spikes.h.) */

/* copy state[state_offset + b * n + indices[j]] into row `row` of the state record buffer (rows, batch, n_indices) */
KERNEL void record_state(const u32 n, const u32 batch, const u32 n_indices, const u32 row,
                         const u32 state_offset, GLOBAL const real* state, GLOBAL const u32* indices,
                         GLOBAL real* out)
{
    const u32 gid = GLOBAL_ID;
    if (gid >= batch * n_indices) return;
    const u32 b = gid / n_indices, j = gid - b * n_indices;
    out[(u64)row * batch * n_indices + gid] = state[state_offset + b * n + indices[j]];
}

/* values at spikes: for each spike k of this step's compacted list (spikes.h), append
 * (step, id, state[offsets[v] + id] for every v) to the record; the host sorts each
 * pulled chunk by (step, id), as the spike record's. Launched over B * N work-items
 * after the group's step. */
KERNEL void record_spike_values(const u32 step_offset, GLOBAL const u32* step_clock,
                                const u32 n_values, const u32 capacity, GLOBAL const u32* spike_list, GLOBAL const u32* spike_count,
                                GLOBAL const real* state, GLOBAL const u32* offsets,
                                GLOBAL u32* out_step, GLOBAL u32* out_id, GLOBAL real* out_values,
                                GLOBAL u32* out_count)
{
    const u32 step = STEP_NOW;                         /* clock.h */
    const u32 k = GLOBAL_ID;
    if (k >= spike_count[step & 1u]) return;
    const u32 id = spike_list[k];
    const u32 at = ATOMIC_INC_U32(out_count);
    out_step[at] = step;
    out_id[at] = id;
    for (u32 v = 0; v < n_values; ++v)
        out_values[(u64)v * capacity + at] = state[offsets[v] + id];
}

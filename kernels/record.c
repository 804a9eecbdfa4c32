/* Recording into device buffers, drained to the host in chunks. */

/* append this step's spikes (step, b * N + i) to the spike record buffer */
KERNEL void record_spikes(const u32 step, GLOBAL const u32* spike_list, GLOBAL const u32* spike_count,
                          GLOBAL u32* rec_step, GLOBAL u32* rec_id, GLOBAL u32* rec_count)
{
    const u32 t = GLOBAL_ID;
    if (t >= spike_count[step & 1]) return;
    const u32 at = ATOMIC_INC_U32(rec_count);
    rec_step[at] = step;
    rec_id[at] = spike_list[t];
}

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

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

/* propagate: each spike of step k adds its synapses' weights into ring slot
 * (k + delay) % depth of its targets, on the synapse's receptor. One thread per
 * entry of the compacted spike list (threads past spike_count[k & 1] return at
 * once), walking its CSR row. ring: (depth, 2 receptors, batch * n_post).
 * uniform_delay / uniform_receptor: the value of every synapse, or 0 / 2 when
 * delay[s] / receptor[s] must be read. */
KERNEL void propagate(const u32 n_pre, const u32 n_post, const u32 batch, const u32 step,
                      const u32 depth, const u32 uniform_receptor, const u32 uniform_delay,
                      const u32 n_synapses, const u32 plastic,
                      GLOBAL const u32* spike_list, GLOBAL const u32* spike_count,
                      GLOBAL const u32* row_ptr, GLOBAL const u32* post_index, GLOBAL const u32* receptor,
                      GLOBAL const u32* delay, GLOBAL const real* weight, GLOBAL real* ring)
{
    const u32 t = GLOBAL_ID;
    if (t >= spike_count[step & 1]) return;
    const u32 id = spike_list[t];
    const u32 b = id / n_pre, i = id - b * n_pre;
    const u32 plane = batch * n_post;
    GLOBAL const real* w = plastic ? weight + (u64)b * n_synapses : weight;
    for (u32 s = row_ptr[i]; s < row_ptr[i + 1]; ++s) {
        const u32 d = uniform_delay ? uniform_delay : delay[s];
        const u32 r = uniform_receptor < 2 ? uniform_receptor : receptor[s];
        const u32 slot = (step + d) % depth;
        ATOMIC_ADD_REAL(&ring[((u64)slot * 2 + r) * plane + b * n_post + post_index[s]], w[s]);
    }
}

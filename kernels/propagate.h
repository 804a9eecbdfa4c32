/* propagate.h: how one spike reaches its targets. Spike id = b * n_pre + i adds
 * the weights of row i into ring slot (step + delay) % depth of each target, on
 * the synapse's receptor. ring: (depth, 2 receptors, plane_stride(batch * n_post)) (layout.h).
 * uniform_delay / uniform_receptor: the value of every synapse, or 0 / 2 when
 * delay[s] / receptor[s] must be read. Used by the propagate kernel and, inline,
 * by spike producers (a spike of step k never writes slot k % depth, the one
 * the neuron update of step k reads, since 1 <= delay < depth). */
INLINE void propagate_spike(const u32 id, const u32 step, const u32 n_pre, const u32 n_post,
                            const u32 batch, const u32 depth, const u32 uniform_receptor,
                            const u32 uniform_delay, const u32 n_synapses, const u32 plastic,
                            GLOBAL const u32* row_ptr, GLOBAL const u32* post_index,
                            GLOBAL const u32* receptor, GLOBAL const u32* delay,
                            GLOBAL const real* weight, GLOBAL real* ring)
{
    const u32 b = id / n_pre, i = id - b * n_pre;
    const u32 plane = plane_stride(batch * n_post);
    GLOBAL const real* w = plastic ? weight + (u64)b * n_synapses : weight;
    for (u32 s = row_ptr[i]; s < row_ptr[i + 1]; ++s) {
        const u32 d = uniform_delay ? uniform_delay : delay[s];
        const u32 r = uniform_receptor < 2 ? uniform_receptor : receptor[s];
        const u32 slot = (step + d) % depth;
        ATOMIC_ADD_REAL(&ring[((u64)slot * 2 + r) * plane + b * n_post + post_index[s]], w[s]);
    }
}

/* a producer's fused outgoing table: its arguments are named out_* */
#define PROPAGATE_OUT(id) do { \
    if (out_fused) propagate_spike((id), step, n, out_n_post, batch, out_depth, out_uniform_receptor, \
                                   out_uniform_delay, out_n_synapses, out_plastic, out_row_ptr, \
                                   out_post_index, out_receptor, out_delay, out_weight, out_ring); \
} while (0)

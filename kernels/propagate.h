/* propagate.h: how one spike reaches its targets. Spike id = b * n_pre + i adds
 * the weights of row i into ring slot (step + delay) % depth of each target, on
 * the synapse's receptor. ring: (depth, n_receptors, plane_stride(batch * n_post)) (layout.h;
 * LIF: 2 receptors). uniform_delay: the delay of every synapse, or 0 when delay[s] (u16 steps)
 * must be read (else that column is one placeholder: backends/device_packing.py, lean_column).
 * uniform_receptor: the receptor of every synapse, or n_receptors when it is mixed: then
 * post_index[s] holds receptor x plane + post (folded_post_index; the receptor column is
 * a placeholder, never read). Used by the propagate kernel and, inline,
 * by spike producers (a spike of step k never writes slot k % depth, the one
 * the neuron update of step k reads, since 1 <= delay < depth).
 *
 * The work-items of a work-group share each row: work-item `lane` of `lanes`
 * takes synapses lane, lane + lanes, ... So a row of 1000 synapses is 4 strided
 * passes of a 256-wide group, not 1000 serial atomics of one work-item (on a GPU
 * the serial walk left nearly every lane idle: 6e8 events/s on an H100). */
INLINE void propagate_row(const u32 id, const u32 lane, const u32 lanes, const u32 step, const u32 n_pre,
                          const u32 n_post, const u32 n_receptors, const u32 batch, const u32 depth,
                          const u32 uniform_receptor,
                          const u32 uniform_delay, const u32 n_synapses, const u32 plastic,
                          GLOBAL const u32* row_ptr, GLOBAL const u32* post_index,
                          GLOBAL const u8* receptor, GLOBAL const u16* delay,
                          GLOBAL const real* weight, GLOBAL real* ring)
{
    const u32 b = id / n_pre, i = id - b * n_pre;
    const u32 plane = plane_stride(batch * n_post);
    GLOBAL const real* w = plastic ? weight + (u64)b * n_synapses : weight;
    GLOBAL real* target = ring + b * n_post;
    const u32 end = row_ptr[i + 1];
    const u32 receptor_offset = uniform_receptor < n_receptors ? uniform_receptor * plane : 0u;
    for (u32 s = row_ptr[i] + lane; s < end; s += lanes) {
        const u32 d = uniform_delay ? uniform_delay : delay[s];
        const u32 slot = (step + d) % depth;
        ATOMIC_ADD_REAL(&target[(u64)slot * n_receptors * plane + receptor_offset + post_index[s]], w[s]);
    }
}

/* Who walks a row. By default (GPUs) the work-items of a work-group share it:
 * spike j goes to group j (then j + NUM_GROUPS, ...), whose work-items take its
 * synapses in strides. SERIAL_ROWS (CPU devices, where a work-group is a loop
 * over its work-items and the strided walk costs 30% more on CUBA 40k) keeps one
 * work-item per spike walking its whole row. */
#ifdef SERIAL_ROWS
#define ROW_LANE 0u
#define ROW_LANES 1u
#define SPIKE_SLOT GLOBAL_ID
#define SPIKE_SLOTS (NUM_GROUPS * LOCAL_SIZE)
#else
#define ROW_LANE LOCAL_ID
#define ROW_LANES LOCAL_SIZE
#define SPIKE_SLOT GROUP_ID
#define SPIKE_SLOTS NUM_GROUPS
#endif

/* a producer's fused outgoing table (its arguments are named out_*) */
#define PROPAGATE_OUT(id, lane, lanes) do { \
    if (out_fused) propagate_row((id), (lane), (lanes), step, n, out_n_post, out_n_receptors, batch, out_depth, \
                                 out_uniform_receptor, out_uniform_delay, out_n_synapses, out_plastic, \
                                 out_row_ptr, out_post_index, out_receptor, out_delay, out_weight, out_ring); \
} while (0)

/* phase 2 of a neuron kernel (lif.c, neuron.c, poisson.c), after a barrier, with flags[LOCAL_ID] set
 * where a work-item spiked: zero the next step's count, emit, propagate. Shared rows
 * need the group's spikes in a local list (GROUP_SPIKE_LIST, at kernel scope).
 * A two-phase op (device_program.TWO_PHASES) zeroes the count in phase 1
 * (ZERO_NEXT_SPIKE_COUNT) and ends with EMIT_FLAGGED_AND_PROPAGATE, so that its phase 2
 * does nothing where the flag is 0: a CPU step program calls it only where the flag is set. */
#define ZERO_NEXT_SPIKE_COUNT() do { if (GLOBAL_ID == 0) spike_count[(step + 1) & 1] = 0; } while (0)
#ifdef SERIAL_ROWS
#define GROUP_SPIKE_LIST
#define EMIT_FLAGGED_AND_PROPAGATE(flags) do { \
    if ((flags)[LOCAL_ID]) { EMIT(GLOBAL_ID); PROPAGATE_OUT(GLOBAL_ID, 0u, 1u); } \
} while (0)
#else
#define GROUP_SPIKE_LIST GROUP_U32S(group_spikes, 1) GROUP_U32S(group_count, 2)
#define EMIT_FLAGGED_AND_PROPAGATE(flags) do { \
    if (LOCAL_ID == 0) group_count[0] = 0; \
    BARRIER(); \
    if ((flags)[LOCAL_ID]) { EMIT(GLOBAL_ID); group_spikes[ATOMIC_INC_LOCAL(&group_count[0])] = GLOBAL_ID; } \
    BARRIER(); \
    for (u32 j_ = 0; j_ < group_count[0]; ++j_) PROPAGATE_OUT(group_spikes[j_], LOCAL_ID, LOCAL_SIZE); \
} while (0)
#endif
#define EMIT_AND_PROPAGATE(flags) do { ZERO_NEXT_SPIKE_COUNT(); EMIT_FLAGGED_AND_PROPAGATE(flags); } while (0)

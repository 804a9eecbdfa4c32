/* layout.h: how per-neuron state sits in device memory.
 * A group's per-neuron arrays (v, refrac, theta, each synaptic-state plane and
 * each delay-ring plane) hold its batch * n neurons padded to a multiple of
 * GROUP_SIZE, the largest work-group the backends launch. So the neuron
 * kernels run without a bounds check: the padding is updated but never read,
 * and never spikes. A bounds check (or any branch) in the update stops PoCL
 * from vectorising the work-group loop, at several times the cost. */
INLINE u32 plane_stride(const u32 count)
{
    return (count + GROUP_SIZE - 1) / GROUP_SIZE * GROUP_SIZE;
}

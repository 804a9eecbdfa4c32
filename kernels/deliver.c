/* deliver: input arriving this step (ring slot `slot`, 2 receptors x B*N values)
 * joins the synaptic state, and the slot is cleared. One thread per value. */
KERNEL void deliver(const u32 n_values, const u32 slot, GLOBAL real* ring, GLOBAL real* syn)
{
    const u32 k = GLOBAL_ID;
    if (k >= n_values) return;
    GLOBAL real* arriving = ring + (u64)slot * n_values;
    syn[k] = syn[k] + arriving[k];
    arriving[k] = 0;
}

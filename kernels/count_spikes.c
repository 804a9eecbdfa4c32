/* count_spikes: counts[id] += 1 for every spike id = b * N + i of step k, work-items striding
 * over the spikes (stdp.c) (a neuron spikes at most once a step, so no atomics are needed).
 * counts: (batch * N) u32, zeroed by fill_u32 (Simulator.reset_state). */
KERNEL void count_spikes(PROGRAM_IDS const u32 step_offset, GLOBAL const u32* step_clock,
                         GLOBAL const u32* spike_list, GLOBAL const u32* spike_count, GLOBAL u32* counts)
{
    const u32 step = STEP_NOW;                         /* clock.h */
    const u32 count = spike_count[step & 1];
    for (u32 t = GLOBAL_ID; t < count; t += NUM_GROUPS * LOCAL_SIZE)
        counts[spike_list[t]] += 1u;
}

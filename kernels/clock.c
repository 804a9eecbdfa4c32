/* clock.c: the device's step clock. Every kernel that needs the step number k
 * takes (step_offset, step_clock) and computes k = step_offset + step_clock[0]
 * (u32 arithmetic, so any offset the host passes is exact modulo 2^32).
 * Launched directly, a kernel gets the step minus the clock's value; in a
 * captured sequence of K steps (a CUDA graph), the launch of step j of the
 * sequence gets offset j, and clock_tick ends the sequence, so that each replay
 * of the same graph runs the next K steps. */
KERNEL void clock_tick(const u32 steps, GLOBAL u32* step_clock)
{
    if (GLOBAL_ID == 0) step_clock[0] += steps;
}

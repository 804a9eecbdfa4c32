/* clock.c: the device's step clock (clock.h) moves on by the steps of a
 * captured sequence, as that sequence's last launch. */
KERNEL void clock_tick(const u32 steps, GLOBAL u32* step_clock)
{
    if (GLOBAL_ID == 0) step_clock[0] += steps;
}

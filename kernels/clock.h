/* clock.h: a kernel's step number k. Every kernel that needs it takes
 * (step_offset, step_clock) and reads STEP_NOW.
 * DEVICE_CLOCK (the CUDA backend): k = step_offset + step_clock[0], in u32, so
 * exact modulo 2^32. Launched one by one, a kernel gets k minus the clock's value;
 * in a captured sequence of K steps (a CUDA graph) the launch for step j of the
 * sequence gets offset j, and clock_tick (clock.c) ends it, so each replay of
 * the same capture runs the next K steps.
 * Without it (OpenCL by default): k = step_offset. PoCL vectorises a neuron
 * kernel's work-item loop only when nothing in it is loaded from memory the
 * loop may also store to; the clock is such a load, and cost CUBA 40k 2x
 * (150 vs 80 us per step). */
#ifdef DEVICE_CLOCK
#define STEP_NOW (step_offset + step_clock[0])
#else
#define STEP_NOW (step_offset)
#endif

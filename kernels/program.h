/* program.h: how an op kernel doubles as one phase of a step program.
 *
 * A step program (snnkit/backends/device_program.py) is ONE kernel, launched as
 * one work-group of GROUP_SIZE work-items, that runs K whole steps: for each
 * step, each op of the step in order, a barrier after each. Each op file is
 * included in the program once per compiled variant, with STEP_PROGRAM defined;
 * its KERNEL functions then become DEVICE functions, and the work-group plays
 * the work-groups of the op's own launch one after another ("virtual groups"):
 * GLOBAL_ID, GROUP_ID and NUM_GROUPS below say which. Any schedule of a launch's
 * work-groups is a valid one, so running them in turn gives what the launch
 * gives; the barrier between two of them keeps the group's local arrays
 * (GROUP_U32S) from being overwritten while still read.
 *
 * An op kernel therefore
 * - starts its parameter list with PROGRAM_IDS (empty outside programs);
 * - declares its work-group arrays with GROUP_U32S(name, slot), slot 0..2:
 *   GROUP_SIZE u32 each (a program carves them from one local array);
 * - has no barrier after a `return` (a returning work-item would miss it);
 * - with a barrier, puts the code before it in PHASE(1) { } and after it in PHASE(2)
 *   (empty outside programs);
 * - defines no helper functions (a file may be included more than once). */
#ifdef STEP_PROGRAM
#undef KERNEL
#define KERNEL ALWAYS_INLINE
#undef GLOBAL_ID
#define GLOBAL_ID (vbase_ + LOCAL_ID)
#undef GROUP_ID
#define GROUP_ID (vgroup_)
#undef NUM_GROUPS
#define NUM_GROUPS (vgroups_)
#define PROGRAM_SCRATCH_WORDS (3 * GROUP_SIZE)
#ifdef SERIAL_ROWS
/* CPUs: ONE work-item runs the program and plays the work-items of each virtual group
 * in a loop, phase by phase: the program calls an op once per work-item (lid_) and
 * phase (phase_: PHASE(p) blocks; 0 runs a kernel without phases), so the loop over
 * a phase's work-items is plain straight-line code that the compiler vectorises. */
#undef LOCAL_ID
#define LOCAL_ID (lid_)
#undef LOCAL_SIZE
#define LOCAL_SIZE (lsize_)
#undef BARRIER
#define BARRIER()
#define PHASE(p) if (phase_ == (p))
/* the group's arrays are the work-item's own (private memory: the compiler knows that
 * no buffer overlaps them, which a local array, passed by PoCL as a pointer, hides) */
#define PROGRAM_SCRATCH
#define GROUP_U32S(name, slot) u32* name = scratch_ + (slot) * GROUP_SIZE;
#define PROGRAM_IDS const u32 vbase_, const u32 vgroup_, const u32 vgroups_, const u32 lsize_, const u32 lid_, \
                    const u32 phase_, u32* scratch_,
#else
/* GPUs: a real work-group of GROUP_SIZE work-items runs the program */
#define PHASE(p)
#define PROGRAM_SCRATCH LOCAL
#define GROUP_U32S(name, slot) LOCAL_POINTER u32* name = scratch_ + (slot) * GROUP_SIZE;
#define PROGRAM_IDS const u32 vbase_, const u32 vgroup_, const u32 vgroups_, LOCAL_POINTER u32* scratch_,
#endif
#else
#define PROGRAM_IDS
#define PHASE(p)
#define GROUP_U32S(name, slot) LOCAL u32 name[GROUP_SIZE];
#endif

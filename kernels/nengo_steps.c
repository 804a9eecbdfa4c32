/* nengo_steps.c: run a nengo operator program (nengo.h) on the device.
 *
 * nengo_steps: ONE work-group runs stages [first_stage, first_stage + n_stages) for the
 *   step rows k0 .. k0 + n_steps - 1, a barrier after every stage; a small model's whole
 *   run is one launch (launch overhead, not arithmetic, bounds nengo models of a few
 *   thousand neurons). Launch with exactly one work-group.
 * nengo_stage: one stage at step row k over all work-items of the launch (large stages).
 */

KERNEL void nengo_steps(u32 first_stage, u32 n_stages, u32 k0, u32 n_steps, real dt,
                        GLOBAL const u32* stages, GLOBAL const u32* ints, GLOBAL const real* reals, GLOBAL real* heap,
                        GLOBAL const real* stream, u32 stream_cols, GLOBAL real* probe_out, u32 probe_cols,
                        GLOBAL const u32* probe_mask, u32 probe_groups)
{
    for (u32 k = k0; k < k0 + n_steps; ++k) {
        for (u32 s = first_stage; s < first_stage + n_stages; ++s) {
            nengo_items(stages + s * STAGE_WORDS, LOCAL_ID, LOCAL_SIZE, k, dt, NENGO_PASS);
            BARRIER_GLOBAL();
        }
    }
}

KERNEL void nengo_stage(u32 stage, u32 k, real dt, GLOBAL const u32* stages,
                        GLOBAL const u32* ints, GLOBAL const real* reals, GLOBAL real* heap,
                        GLOBAL const real* stream, u32 stream_cols, GLOBAL real* probe_out, u32 probe_cols,
                        GLOBAL const u32* probe_mask, u32 probe_groups)
{
    GLOBAL const u32* st = stages + stage * STAGE_WORDS;
    nengo_items(st, GLOBAL_ID, st[1], k, dt, NENGO_PASS);        /* one item per work-item */
}

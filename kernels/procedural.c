/* procedural.c: a procedural projection's rows drawn again when their neurons spike
 * (snnkit/generation/procedural.py is the specification; the rows are connect.c's,
 * element for element). mode 0: each spike of step k adds its row into the target's
 * ring; mode 1: each row's longest delay (the ring depth, once at the build). */

typedef struct {
    u32 mode, rule, n_cand, exclude, row_stream, weight_kind, delay_kind, uniform_delay, value_stream,
        k0, k1, step, depth, n_receptors, receptor, post_offset, plane;
    double log_q, weight_a, weight_b, weight_low, weight_high, delay_a, delay_b, delay_low, delay_high, dt;
} procedural_args;

typedef struct { u32 occ, prev, count, longest; } row_state;

/* synapse (i, p), p the count-th of its row: its delay, and in mode 0 its weight into the ring */
INLINE void procedural_synapse(const procedural_args* a, row_state* r, const u32 i, const u32 p,
                               GLOBAL real* target)
{
    r->occ = r->count && p == r->prev ? r->occ + 1u : 0u;
    r->prev = p;
    r->count += 1u;
    u32 steps = a->uniform_delay;
    double w = 0.0, ms = 0.0;
    draw_weight_delay(a->weight_kind, a->weight_a, a->weight_b, a->weight_low, a->weight_high, a->delay_kind,
                      a->delay_a, a->delay_b, a->delay_low, a->delay_high, a->mode == 0u, steps == 0u, i, p, r->occ,
                      a->value_stream, a->k0, a->k1, &w, &ms);
    if (!steps) {
        double x = rint_f64(ms / a->dt);
        if (x < 1.0) x = 1.0;
        steps = x < 4294967295.0 ? (u32)x : 4294967295u;
    }
    if (a->mode) {
        if (steps > r->longest) r->longest = steps;
        return;
    }
    const u32 slot = (a->step + steps) % a->depth;
    ATOMIC_ADD_REAL(&target[((u64)slot * a->n_receptors + a->receptor) * a->plane + a->post_offset + p], (real)w);
}

/* row i of the member, every synapse through procedural_synapse; its longest delay */
INLINE u32 procedural_row(const procedural_args* a, const u32 i, GLOBAL const u32* counts, GLOBAL real* target)
{
    row_state r;
    r.occ = 0u; r.prev = 0u; r.count = 0u; r.longest = 0u;
    FOR_EACH_ROW_POST(a->rule, i, a->n_cand, a->log_q, a->exclude, a->rule == RULE_TOTAL ? counts[i] : 0u,
                      a->row_stream, a->k0, a->k1, post, procedural_synapse(a, &r, i, post, target));
    return r.longest;
}

KERNEL void procedural_rows(const u32 mode, const u32 rule, const u32 n_pre, const u32 pre_offset, const u32 n_units,
                            const u32 n_post, const u32 post_offset, const u32 n_cand, const double log_q,
                            const u32 exclude, const u32 row_stream, const u32 weight_kind, const double weight_a,
                            const double weight_b, const double weight_low, const double weight_high,
                            const u32 delay_kind, const double delay_a, const double delay_b, const double delay_low,
                            const double delay_high, const double dt, const u32 uniform_delay,
                            const u32 value_stream, const u32 key_lo, const u32 key_hi,
                            const u32 receptor, const u32 n_receptors, const u32 batch, const u32 depth,
                            const u32 step_offset, GLOBAL const u32* step_clock, GLOBAL const u32* spike_list,
                            GLOBAL const u32* spike_count, GLOBAL const u32* counts, GLOBAL u32* max_delay,
                            GLOBAL real* ring)
{
    procedural_args a;
    a.mode = mode; a.rule = rule; a.n_cand = n_cand; a.exclude = exclude; a.row_stream = row_stream;
    a.weight_kind = weight_kind; a.delay_kind = delay_kind; a.uniform_delay = uniform_delay;
    a.value_stream = value_stream; a.k0 = key_lo; a.k1 = key_hi;
    a.depth = depth; a.n_receptors = n_receptors; a.receptor = receptor; a.post_offset = post_offset;
    a.plane = plane_stride(batch * n_post);
    a.log_q = log_q; a.weight_a = weight_a; a.weight_b = weight_b; a.weight_low = weight_low;
    a.weight_high = weight_high; a.delay_a = delay_a; a.delay_b = delay_b; a.delay_low = delay_low;
    a.delay_high = delay_high; a.dt = dt;
    const u32 threads = NUM_GROUPS * LOCAL_SIZE;
    if (mode) {                                           /* the longest delay of every row */
        for (u32 i = GLOBAL_ID; i < n_units; i += threads) {
            const u32 longest = procedural_row(&a, i, counts, ring);
            if (longest > max_delay[0]) ATOMIC_MAX_U32(max_delay, longest);
        }
        return;
    }
    a.step = STEP_NOW;                                    /* clock.h */
    const u32 count = spike_count[a.step & 1u];
    for (u32 j = GLOBAL_ID; j < count; j += threads) {
        const u32 id = spike_list[j], b = id / n_pre, i = id - b * n_pre - pre_offset;
        if (i < n_units) procedural_row(&a, i, counts, ring + b * n_post);
    }
}

/* connect.c: a static synapse table built on the device, member projection by member
 * (snnkit/backends/device_connect.py drives it; snnkit/generation is the specification
 * every kernel here matches element for element). Row i of a member is written at
 * starts[i]; counts[i] is its length. The rules' counters: generation/counters.py. */

/* FixedTotalNumber: synapse d lies in row index_draw(0, d, 0) of n_rows */
KERNEL void connect_split(const u32 n_draws, const u32 per_item, const u32 n_rows, const u32 st,
                          const u32 key_lo, const u32 key_hi, GLOBAL u32* counts)
{
    const u64 first = (u64)GLOBAL_ID * per_item;           /* per_item even: whole Philox calls */
    const u64 last = first + per_item < n_draws ? first + per_item : n_draws;
    for (u64 d = first; d < last; d += 2u) {
        const philox_words w = philox4x32_10(0u, (u32)(d >> 1), 0u, st, key_lo, key_hi);
        ATOMIC_INC_U32(&counts[uniform_index(w.x[0], w.x[1], n_rows)]);
        if (d + 1u < last) ATOMIC_INC_U32(&counts[uniform_index(w.x[2], w.x[3], n_rows)]);
    }
}

/* n distinct values of [0, pool) for unit u, sorted, at v (rules.choose_distinct) */
INLINE void choose_core(GLOBAL u32* v, const u32 n, const u32 u, const u32 pool, const u32 st, const u32 k0,
                        const u32 k1)
{
    if (n == 0u) return;
    for (u32 d = 0u; d < n; ++d) v[d] = index_draw(u, d, 0u, st, k0, k1, pool);
    sort_u32(v, n);
    for (u32 attempt = 1u;; ++attempt) {
        u32 k = 0u, prev = v[0];
        for (u32 t = 1u; t < n; ++t) {
            const u32 value = v[t];
            if (value == prev) v[t] = index_draw(u, k++, attempt, st, k0, k1, pool);
            prev = value;
        }
        if (k == 0u) return;
        sort_u32(v, n);
    }
}

/* FixedOutDegree rows (out: the table) and FixedInDegree columns (out: scratch), with
 * the unit itself skipped (exclude) and, for columns, each chosen row counted */
KERNEL void connect_choose(const u32 n_units, const u32 n, const u32 pool, const u32 exclude,
                           const u32 count_rows, const u32 st, const u32 key_lo, const u32 key_hi,
                           GLOBAL const u32* starts, GLOBAL u32* out, GLOBAL u32* excluded, GLOBAL u32* counts)
{
    const u32 u = GLOBAL_ID;
    if (u >= n_units) return;
    GLOBAL u32* v = out + starts[u];
    if (2u * n > pool) {                                 /* the complement of pool - n chosen */
        const u32 m = pool - n;
        GLOBAL u32* e = excluded + (u64)u * m;
        choose_core(e, m, u, pool, st, key_lo, key_hi);
        u32 k = 0u, o = 0u;
        for (u32 t = 0u; t < pool; ++t) {
            if (k < m && e[k] == t) { ++k; continue; }
            v[o++] = t;
        }
    } else {
        choose_core(v, n, u, pool, st, key_lo, key_hi);
    }
    for (u32 t = 0u; t < n; ++t) {
        const u32 x = v[t] + (exclude && v[t] >= u ? 1u : 0u);
        v[t] = x;
        if (count_rows) ATOMIC_INC_U32(&counts[x]);
    }
}

/* the rows that are drawn where they are written: FixedProbability, AllToAll, OneToOne,
 * FixedTotalNumber (connect.h, FOR_EACH_ROW_POST); write = 0 only counts each row into
 * counts[i] (FixedProbability's count pass; starts unread) */
KERNEL void connect_fill(const u32 rule, const u32 write, const u32 n_units, const u32 n_cand, const double log_q,
                         const u32 exclude, const u32 st, const u32 key_lo, const u32 key_hi,
                         GLOBAL const u32* starts, GLOBAL u32* counts, GLOBAL u32* out)
{
    const u32 i = GLOBAL_ID;
    if (i >= n_units) return;
    GLOBAL u32* v = out + (write ? starts[i] : 0u);
    u32 o = 0u;
    FOR_EACH_ROW_POST(rule, i, n_cand, log_q, exclude, counts[i], st, key_lo, key_hi, post,
                      { if (write) v[o] = post; ++o; });
    if (!write) counts[i] = o;
}

/* FixedInDegree: column j's chosen rows (scratch, n per column) into their rows, in any
 * order (connect_sort puts each row in order after) */
KERNEL void connect_scatter(const u32 n_units, const u32 n, GLOBAL const u32* chosen, GLOBAL const u32* starts,
                            GLOBAL u32* cursor, GLOBAL u32* out)
{
    const u32 j = GLOBAL_ID;
    if (j >= n_units) return;
    for (u32 t = 0u; t < n; ++t) {
        const u32 row = chosen[(u64)j * n + t];
        out[starts[row] + ATOMIC_INC_U32(&cursor[row])] = j;
    }
}

KERNEL void connect_sort(const u32 n_units, GLOBAL const u32* starts, GLOBAL const u32* counts, GLOBAL u32* out)
{
    const u32 i = GLOBAL_ID;
    if (i < n_units) sort_u32(out + starts[i], counts[i]);
}

/* synapse t of a member (first: its rows' running counts, n_units + 1) -> its row i and
 * table position; rows are found by bisection, so a work-item takes one synapse */
INLINE u32 member_row(const u32 t, const u32 n_units, GLOBAL const u32* first)
{
    u32 lo = 0u, hi = n_units;                           /* first[lo] <= t < first[hi] */
    while (hi - lo > 1u) {
        const u32 mid = lo + (hi - lo) / 2u;
        if (first[mid] <= t) lo = mid; else hi = mid;
    }
    return lo;
}

/* each synapse's weight and delay (values.draw_values) from (row, post, occurrence): a
 * work-item per synapse of the member (n_values of them), the post indices still the
 * population's own (connect_offset makes them the table's after) */
KERNEL void connect_values(const u32 n_values, const u32 n_units,
                           const u32 weight_kind, const double weight_a, const double weight_b,
                           const double weight_low, const double weight_high,
                           const u32 delay_kind, const double delay_a, const double delay_b,
                           const double delay_low, const double delay_high, const double dt,
                           const u32 write_delay, const u32 value_stream,
                           const u32 key_lo, const u32 key_hi, GLOBAL const u32* starts, GLOBAL const u32* first,
                           GLOBAL const u32* post_index, GLOBAL real* weight, GLOBAL u16* delay, GLOBAL u32* max_delay)
{
    const u32 t = GLOBAL_ID;
    if (t >= n_values) return;
    const u32 i = member_row(t, n_units, first), k = t - first[i], s = starts[i] + k, post = post_index[s];
    u32 occ = 0u;
    while (occ < k && post_index[s - occ - 1u] == post) ++occ;
    double w = 0.0, ms = 0.0;
    draw_weight_delay(weight_kind, weight_a, weight_b, weight_low, weight_high, delay_kind, delay_a, delay_b,
                      delay_low, delay_high, 1u, write_delay, i, post, occ, value_stream, key_lo, key_hi, &w, &ms);
    weight[s] = (real)w;
    if (!write_delay) return;
    double steps = rint_f64(ms / dt);
    if (steps < 1.0) steps = 1.0;
    const u32 whole = steps < 65536.0 ? (u32)steps : 65536u;
    delay[s] = (u16)(whole < 65535u ? whole : 65535u);
    if (whole > max_delay[0]) ATOMIC_MAX_U32(max_delay, whole);   /* (rarely taken: few atomics) */
}

/* a member's post indices made the table's: + post_offset (its population's place in the
 * group) + receptor_offset (a mixed table's receptor plane: propagate.h) */
KERNEL void connect_offset(const u32 n_values, const u32 n_units, const u32 offset, GLOBAL const u32* starts,
                           GLOBAL const u32* first, GLOBAL u32* post_index)
{
    const u32 t = GLOBAL_ID;
    if (t >= n_values) return;
    const u32 i = member_row(t, n_units, first);
    post_index[starts[i] + t - first[i]] += offset;
}

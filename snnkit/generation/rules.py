"""Each random connector's synapses from its counters (the specification kernels/connect.c
follows). Every function returns (pre, post) int64 arrays of population-local indices,
sorted by (pre, post); multapses (FixedTotalNumber) are adjacent. Work is done in chunks
of rows so that temporaries stay near CHUNK values.

    FixedProbability  per row: geometric gaps between connected posts, one word each
    AllToAll, OneToOne  no draws
    FixedOutDegree    per row: n distinct posts (choose_distinct)
    FixedInDegree     per column: n distinct pres, then sorted by pre
    FixedTotalNumber  each synapse's row uniform (two words), then per row the sorted
                      posts as exponential spacings (order statistics of uniforms)
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from . import counters as C
from . import exact_math as M

CHUNK = 1 << 20


def _chunks(n_units: int, per_unit: float):
    step = max(1, int(CHUNK // max(1.0, per_unit)))
    for start in range(0, n_units, step):
        yield np.arange(start, min(n_units, start + step), dtype=np.int64)


def _skip_self(rows: np.ndarray, values: np.ndarray, exclude: bool) -> np.ndarray:
    """Candidates numbered without the row itself -> indices (those >= row move up by one)."""
    return values + (values >= rows) if exclude else values


def probability_rows(p: float, rows_all: np.ndarray, n_post: int, exclude: bool, st: int, key):
    """FixedProbability's synapses of the (sorted, distinct) rows ``rows_all``."""
    n_cand = n_post - 1 if exclude else n_post
    if p == 0.0 or n_cand <= 0 or rows_all.size == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    log_q = float(np.log1p(-p))
    expected = p * n_cand
    calls = max(1, int((expected + 4.0 * np.sqrt(expected) + 8) // 4) + 1)
    pres, posts = [], []
    for chunk in _chunks(rows_all.size, 4 * calls):
        rows = rows_all[chunk]
        position = np.full(rows.size, -1, np.int64)
        active = np.arange(rows.size)
        first = 0
        while active.size:
            w = C.words(rows[active], first, calls, 0, st, key)
            gap = 1 + np.minimum(np.floor(M.log(C.open01(w)) / log_q), float(n_cand)).astype(np.int64)
            at = position[active, None] + np.cumsum(gap, axis=1)
            keep = at < n_cand
            pres.append(np.broadcast_to(rows[active, None], at.shape)[keep])
            posts.append(at[keep])
            position[active] = at[:, -1]
            active = active[at[:, -1] < n_cand]
            first += calls
    pre, post = np.concatenate(pres), np.concatenate(posts)
    order = np.argsort(pre, kind="stable")        # a row's later rounds come later
    pre, post = pre[order], post[order]
    return pre, _skip_self(pre, post, exclude)


def all_to_all_rows(rows: np.ndarray, n_post: int, exclude: bool):
    pre, post = np.repeat(rows, n_post), np.tile(np.arange(n_post, dtype=np.int64), rows.size)
    if exclude:
        keep = pre != post
        pre, post = pre[keep], post[keep]
    return pre, post


def choose_distinct(units: np.ndarray, n: int, pool: int, st: int, key) -> np.ndarray:
    """(R, n): for each unit, n distinct indices of [0, pool), sorted. n uniform draws
    (attempt 0), sorted; while a value repeats its predecessor, the repeats (k-th of the
    unit) take draw k of attempt 1, 2, ... and the unit is sorted again. Relabelling
    symmetry makes every n-subset equally likely. More than half the pool: the
    complement of pool - n chosen the same way."""
    if n == 0 or units.size == 0:
        return np.zeros((units.size, n), np.int64)
    if 2 * n > pool:
        excluded = choose_distinct(units, pool - n, pool, st, key)
        keep = np.ones((units.size, pool), bool)
        np.put_along_axis(keep, excluded, False, axis=1)
        return np.nonzero(keep)[1].reshape(units.size, n)
    values = np.sort(C.index_draws(units, 0, n, 0, st, key, pool), axis=1)
    attempt = 1
    while True:
        repeat = np.zeros(values.shape, bool)
        repeat[:, 1:] = values[:, 1:] == values[:, :-1]
        rows = np.flatnonzero(repeat.any(axis=1))
        if not rows.size:
            return values
        mask = repeat[rows]
        ordinal = np.cumsum(mask, axis=1) - 1
        fresh = C.index_draws(units[rows], 0, int(ordinal.max()) + 1, attempt, st, key, pool)
        sub = values[rows]
        r, c = np.nonzero(mask)
        sub[r, c] = fresh[r, ordinal[r, c]]
        values[rows] = np.sort(sub, axis=1)
        attempt += 1


def out_degree_rows(n: int, rows_all: np.ndarray, n_post: int, exclude: bool, st: int, key):
    """FixedOutDegree's synapses of the (sorted, distinct) rows ``rows_all``."""
    pool = n_post - 1 if exclude else n_post
    pres, posts = [], []
    for chunk in _chunks(rows_all.size, pool if 2 * n > pool else n):
        rows = rows_all[chunk]
        chosen = choose_distinct(rows, n, pool, st, key)
        pres.append(np.repeat(rows, n))
        posts.append(_skip_self(rows[:, None], chosen, exclude).ravel())
    return (np.concatenate(pres), np.concatenate(posts)) if pres else (np.zeros(0, np.int64),) * 2


def in_degree(n: int, n_pre: int, n_post: int, exclude: bool, st: int, key, first_column: int = 0):
    """FixedInDegree's synapses onto the columns (posts) first_column .. n_post - 1 (a
    partitioned rank draws only its own: each column's draws are its own counters)."""
    pool = n_pre - 1 if exclude else n_pre
    pres, posts = [], []
    for cols in _chunks(n_post - first_column, pool if 2 * n > pool else n):
        cols = cols + first_column
        chosen = choose_distinct(cols, n, pool, st, key)
        pres.append(_skip_self(cols[:, None], chosen, exclude).ravel())
        posts.append(np.repeat(cols, n))
    if not pres:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    pre, post = np.concatenate(pres), np.concatenate(posts)
    order = np.argsort(pre, kind="stable")        # columns came in order: posts stay sorted
    return pre[order], post[order]


def split_total(n: int, n_pre: int, st: int, key) -> np.ndarray:
    """FixedTotalNumber's synapses per row: synapse s lies in row index_draw(s) of n_pre
    (chunks of draws counted in threads: NumPy releases the GIL)."""
    def count(start: int) -> np.ndarray:
        return np.bincount(_split_draws(start, min(CHUNK, n - start), st, key, n_pre), minlength=n_pre)
    starts = range(0, n, CHUNK)
    counts = np.zeros(n_pre, np.int64)
    if len(starts) < 2:
        return counts + (count(0) if n else 0)
    with ThreadPoolExecutor(max_workers=min(len(starts), os.cpu_count() or 1)) as pool:
        for part in pool.map(count, starts):
            counts += part
    return counts


def _split_draws(start: int, count: int, st: int, key, n_pre: int) -> np.ndarray:
    """Draws start .. start + count - 1 of the SPLIT sequence (c0 = 0, c1 = draw // 2)."""
    return C.index_draws(np.zeros(1, np.int64), start, count, 0, st, key, n_pre)[0]


def total_rows(rows_all: np.ndarray, counts: np.ndarray, n_post: int, exclude: bool, st_spacing: int, key):
    """FixedTotalNumber's synapses of the (sorted, distinct) rows ``rows_all``, of
    ``counts`` synapses each (split_total). Row i's m_i posts: with E_t = -log(open01(word
    t)), t = 0 .. m_i, and S_k their running sum, post k = floor((S_k / S_{m_i}) n_cand) for
    k = 0 .. m_i - 1: the order statistics of m_i uniforms, sorted as drawn."""
    n_cand = n_post - 1 if exclude else n_post
    keep_rows = counts > 0
    rows_all, counts = rows_all[keep_rows], counts[keep_rows]
    pres, posts = [], []
    per_row = int(counts.max()) + 1 if rows_all.size else 1
    step = max(1, CHUNK // per_row)
    for start in range(0, rows_all.size, step):
        rows = rows_all[start:start + step]
        m = counts[start:start + step]
        e = -M.log(C.open01(C.words(rows, 0, -(-int(m.max() + 1) // 4), 0, st_spacing, key)))
        s = np.cumsum(e, axis=1)                    # sequential per row, as the kernel adds
        total = s[np.arange(rows.size), m]
        keep = np.arange(s.shape[1])[None, :] < m[:, None]
        post = np.minimum(np.floor((s / total[:, None]) * float(n_cand)), float(n_cand - 1)).astype(np.int64)
        pre = np.broadcast_to(rows[:, None], s.shape)[keep]
        pres.append(pre)
        posts.append(_skip_self(pre, post[keep], exclude))
    if not pres:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(pres), np.concatenate(posts)

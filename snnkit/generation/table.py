"""A recipe table built on the host, the way backends/device_connect.py builds it on a
device: each member projection's synapses drawn in chunks of rows (in threads: NumPy
releases the GIL), then placed in their rows' segments. No sort and no int64 table: the
NumPy backend's table is post (int32), weight (its dtype), delay (u16, or none when
uniform) and, where receptors are mixed, receptor (u8): 10-11 bytes a synapse.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from ..connectivity import member_segments
from ..validation import fail
from . import counters as C
from . import rules
from .recipe import (ALL_TO_ALL, IN_DEGREE, ONE_TO_ONE, OUT_DEGREE, PROBABILITY, TOTAL, known_counts, member_values,
                     rows_pairs)

SYNAPSES_PER_CHUNK = 1 << 20


def member_counts(m: dict, key) -> np.ndarray | None:
    """Synapses per row of a member, where known before its rows are drawn (None for
    FixedProbability and FixedInDegree: their rows are counted as drawn)."""
    kind, param, _ = m["rule"]
    if "post_range" in m:                           # a rank's part: counted as drawn
        return None
    if kind == TOTAL:
        return rules.split_total(param, m["n_pre"], C.stream(m["projection"], C.SPLIT), key)
    return known_counts(m["rule"], m["n_pre"], m["n_post"])


def member_synapses(m: dict, key, dtype, with_delay: bool, counts=None, values: bool = True, place=None):
    """(pre, post int32, weight dtype, delay u16 or None) of a member, sorted by (pre, post);
    ``values=False``: (pre, post) only (counting FixedProbability's rows); ``place``: a
    function given each chunk of rows' synapses in its thread instead (returns None).
    A member with ``post_range`` (lo, hi) (a partitioned rank's part) keeps the synapses
    onto posts lo .. hi - 1, numbered from lo; their values are the same as drawn whole
    (a synapse's counters are its (pre, post, occurrence))."""
    kind, param, _ = m["rule"]
    k = m["projection"]
    lo, hi = m.get("post_range", (0, m["n_post"]))
    if kind == TOTAL and "post_range" in m:         # the split of the total, every row
        counts = rules.split_total(param, m["n_pre"], C.stream(k, C.SPLIT), key)

    def finish(pre, post):
        if (lo, hi) != (0, m["n_post"]):
            keep = (post >= lo) & (post < hi)
            pre, post = pre[keep], post[keep]
        if not values:
            return pre.astype(np.int32), (post - lo).astype(np.int32), None, None
        weight, steps = member_values(m, pre, post, key, with_delay)
        post = post - lo
        if with_delay and steps.size and steps.max() > 65535:
            fail("Projection.delay", f"{int(steps.max())} steps", "must be at most 65535 steps (use a larger dt)")
        return (pre.astype(np.int32), post.astype(np.int32), weight.astype(dtype),
                steps.astype(np.uint16) if with_delay else None)

    if kind == IN_DEGREE:                               # by columns: the member at once
        return finish(*rules.in_degree(param, m["n_pre"], hi, m["rule"][2], C.stream(k, C.CHOOSE), key, lo))
    per_row = {PROBABILITY: param * m["n_post"], ALL_TO_ALL: m["n_post"], ONE_TO_ONE: 1,
               OUT_DEGREE: param}.get(kind) or (param / max(1, m["n_pre"]))
    step = max(1, int(SYNAPSES_PER_CHUNK // max(1.0, per_row)))
    chunks = [np.arange(a, min(m["n_pre"], a + step), dtype=np.int64) for a in range(0, m["n_pre"], step)]
    def chunk(rows):
        part = finish(*rows_pairs(m["rule"], rows, m["n_post"], k, key, counts))
        return part if place is None else place(*part)
    with ThreadPoolExecutor(max_workers=min(len(chunks), os.cpu_count() or 1) or 1) as pool:
        parts = list(pool.map(chunk, chunks))
    if place is not None:
        return None
    if not parts:
        return np.zeros(0, np.int32), np.zeros(0, np.int32), np.zeros(0, dtype), None
    out = [np.concatenate([p[i] for p in parts]) if values or i < 2 else None for i in range(3)]
    return (*out, np.concatenate([p[3] for p in parts]) if with_delay and values else None)


def build_table(host: dict, dtype) -> dict:
    """The arrays of a recipe table (lower_synapses.recipe_table); ``host`` gets row_ptr,
    n_synapses, max_delay and the members' segments (table_view). Rows are counted first
    (FixedInDegree members drawn then and kept), then each member is drawn and placed in
    turn, so only one member's synapses are held beside the table."""
    key, members, n_pre = host["structure_key"], host["generated"], host["n_pre"]
    with_delay = not host["uniform_delay"]
    counts, kept = [], {}
    for index, m in enumerate(members):
        c = member_counts(m, key)
        if c is None:
            if m["rule"][0] == IN_DEGREE:
                kept[index] = member_synapses(m, key, dtype, with_delay)
                pre = kept[index][0]
            else:
                pre = member_synapses(m, key, dtype, with_delay, values=False)[0]
            c = np.bincount(pre, minlength=m["n_pre"])
        counts.append(c)
    row_ptr, segments = member_segments(n_pre, [(m["projection"], m["pre_offset"], c)
                                                for m, c in zip(members, counts)])
    n = int(row_ptr[-1])
    post_index = np.empty(n, np.int32 if host["n_post"] < 2**31 else np.int64)
    weight = np.empty(n, dtype)
    delay = np.empty(n if with_delay else 0, np.uint16)
    mixed = host["uniform_receptor"] >= host["n_receptors"]
    receptor = np.empty(n if mixed else 0, np.uint8)
    longest = 1
    for index, (m, (_, starts, c)) in enumerate(zip(members, segments)):
        first = np.zeros(m["n_pre"] + 1, np.int64)
        np.cumsum(c, out=first[1:])
        longest_parts = []

        def place(pre, post, w, d):
            """A chunk of whole rows, sorted by (pre, post): into its rows' segments."""
            if not pre.size:
                return None
            at = starts[pre] + (np.arange(pre.size) + first[pre[0]] - first[pre])
            post_index[at] = post + m["post_offset"]
            weight[at] = w
            if with_delay:
                delay[at] = d
                longest_parts.append(int(d.max()))
            if mixed:
                receptor[at] = m["receptor"]
            return None
        if index in kept:
            place(*kept.pop(index))
        else:
            member_synapses(m, key, dtype, with_delay, c, place=place)
        longest = max([longest] + longest_parts)
    host.update(row_ptr=row_ptr, n_synapses=n, segments=segments,
                max_delay=longest if with_delay else host["uniform_delay"])
    return dict(row_ptr=row_ptr, post_index=post_index, weight=weight,
                delay=delay if with_delay else np.zeros(0, np.uint16), receptor=receptor)

"""A static synapse table from explicit wiring (FromList, arrays, PyNN's and Brian2's
connectors, the host's generator), built lean: the columns are made once, in the types
the backends keep (post int32, weight in the backend's dtype, delay u16 or none when
uniform, receptor u8 where mixed: 10-15 bytes a synapse), and filled from the wiring in
chunks, so no full-size temporary is made (the old build held about 130 bytes a synapse
at its peak).

The order is the one every table has (connectivity.build_table, generation/table.py):
rows by presynaptic neuron, within a row each member projection's synapses in member
order, each member's by post neuron, ties in connector order. Each member's synapses
are placed in their rows' segments chunk by chunk (a stable counting sort by row); the
segments are then sorted by post a block of rows at a time, where a member's synapses
did not come in (pre, post) order already.
"""

from __future__ import annotations

import numpy as np

from .connectivity import member_segments
from .validation import fail

SYNAPSES_PER_CHUNK = 1 << 18


def chunks(n: int):
    return ((a, min(n, a + SYNAPSES_PER_CHUNK)) for a in range(0, n, SYNAPSES_PER_CHUNK))


def member_counts(wiring, n_rows: int) -> tuple[np.ndarray, bool]:
    """Synapses per row of one member, and whether its synapses come in (pre, post) order."""
    counts = np.zeros(n_rows, np.int64)
    ordered, last = True, None
    for a, b in chunks(wiring.size):
        pre, post = wiring.pre[a:b], wiring.post[a:b]
        counts += np.bincount(pre, minlength=n_rows)
        if ordered:
            step = np.diff(pre)
            ordered = bool(np.all(step >= 0) and np.all((step > 0) | (np.diff(post) >= 0)))
            if ordered and last is not None:
                ordered = (int(pre[0]), int(post[0])) >= last
            last = (int(pre[-1]), int(post[-1]))
    return counts, ordered


def delay_range(members) -> tuple[int, int]:
    """(shortest, longest) delay in steps over the members' synapses (1 step where none)."""
    low, high = [], []
    for _, _, wiring, _, _ in members:
        if wiring.size:
            low.append(wiring.shortest)
            high.append(wiring.longest)
    return (min(low), max(high)) if low else (1, 1)


def place(wiring, starts: np.ndarray, post_offset: int, columns: dict, receptor: int | None) -> None:
    """Write one member's synapses into their rows' segments (``starts``: where each of
    its rows' segment begins), in connector order within each row."""
    fill = starts.copy()
    post_index, weight, delay, receptors = (columns[k] for k in ("post_index", "weight", "delay", "receptor"))
    for a, b in chunks(wiring.size):
        pre = wiring.pre[a:b]
        order = np.argsort(pre, kind="stable")
        rows = pre[order]
        first = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
        runs = np.diff(np.r_[first, rows.size])
        at = fill[rows] + (np.arange(rows.size) - np.repeat(first, runs))
        fill[rows[first]] += runs
        post_index[at] = wiring.post[a:b][order] + post_offset
        values = wiring.weights(a, b)
        weight[at] = values[order] if values.ndim else values
        if delay.size:
            steps = wiring.steps(a, b)
            delay[at] = steps[order] if steps.ndim else steps
        if receptors.size:
            receptors[at] = receptor


def sort_segments(row_ptr: np.ndarray, counts: np.ndarray, n_post: int, columns: dict) -> None:
    """Sort every member's segment of every row by post neuron (stably), a block of
    about SYNAPSES_PER_CHUNK synapses of whole rows at a time; ``counts`` (rows, members):
    the segments' lengths, in table order (rows, then members)."""
    n_rows = row_ptr.size - 1
    targets = np.arange(0, int(row_ptr[-1]) + SYNAPSES_PER_CHUNK, SYNAPSES_PER_CHUNK)
    bounds = np.unique(np.r_[0, np.searchsorted(row_ptr, targets, side="right") - 1, n_rows].clip(0, n_rows))
    post = columns["post_index"]
    for r0, r1 in zip(bounds[:-1], bounds[1:]):
        lo, hi = int(row_ptr[r0]), int(row_ptr[r1])
        if hi - lo < 2:
            continue
        length = counts[r0:r1].ravel()
        segment = np.repeat(np.arange(length.size, dtype=np.int64), length)   # rows, then members: table order
        key = segment * np.int64(n_post) + post[lo:hi]
        if np.all(key[1:] >= key[:-1]):
            continue
        order = np.argsort(key, kind="stable")
        for name, column in columns.items():
            if column.size:
                column[lo:hi] = column[lo:hi][order]


def lean_table(members: list, pre_group: dict, post_group: dict, dtype) -> dict:
    """One static table from ``members``: (projection index, Projection, Wiring, pre
    offset, post offset); the dict lower_synapses.lower_table makes, lean (no per-synapse
    projection or pre column: table_view derives them from the segments)."""
    n_pre, n_post = pre_group["size"], post_group["size"]
    receptors = post_group["ring"].shape[1]             # the target's receptor planes (LIF: 2)
    counted = [member_counts(w, proj.pre.size) for _, proj, w, _, _ in members]
    row_ptr, segments = member_segments(n_pre, [(k, po, c) for (k, _, _, po, _), (c, _) in zip(members, counted)])
    n = int(row_ptr[-1])
    shortest, longest = delay_range(members)
    uniform_delay = shortest if shortest == longest else 0
    kinds = {proj.receptor for _, proj, _, _, _ in members}
    mixed = len(kinds) > 1
    columns = dict(post_index=np.empty(n, np.int32 if n_post < 2**31 else np.int64), weight=np.empty(n, dtype),
                   delay=np.empty(0 if uniform_delay else n, np.uint16 if longest <= 65535 else np.uint32),
                   receptor=np.empty(n if mixed else 0, np.uint8))
    for (_, proj, wiring, _, qo), (_, starts, _) in zip(members, segments):
        place(wiring, starts, qo, columns, proj.receptor)
    if not all(ordered for _, ordered in counted):
        lengths = np.zeros((n_pre, len(members)), np.int64)
        for m, ((_, proj, _, po, _), (c, _)) in enumerate(zip(members, counted)):
            lengths[po:po + proj.pre.size, m] = c
        sort_segments(row_ptr, lengths, n_post, columns)
    if n and int(columns["post_index"].max()) >= n_post:
        fail("synapse table", int(columns["post_index"].max()), f"post indices must lie in [0, {n_post})")
    return dict(pre=pre_group["name"], post=post_group["name"], batch=pre_group["batch"], n_receptors=receptors,
                uniform_receptor=kinds.pop() if not mixed else receptors, n_pre=n_pre, n_post=n_post,
                n_synapses=n, row_ptr=row_ptr, uniform_delay=uniform_delay, plastic=False, segments=segments,
                lean=True, **columns)

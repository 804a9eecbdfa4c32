"""A static synapse table built on the device from its recipe (snnkit.generation.recipe):
counts per row, the row offsets (the only arrays that cross the bus: one count per
neuron and member projection), then each member's posts, weights and delays written in
place by kernels/connect.c. The table equals the one snnkit.generation builds on the
host for the NumPy backend, element for element (tests/test_device_connect.py).

Row i of the table holds its member projections' synapses in member order, each
member's sorted by post (connectivity.build_table sorts host tables the same way).
"""

from __future__ import annotations

import numpy as np

from .. import kernels
from ..generation import counters as C
from ..generation import recipe as R
from ..connectivity import member_segments
from ..validation import fail


def member_counts(backend, m: dict, key) -> tuple[np.ndarray, object]:
    """(synapses per row of the member's pre population, the device scratch FixedInDegree's
    choice leaves for the scatter, or None)."""
    kind, param, exclude = m["rule"]
    n_pre, n_post = m["n_pre"], m["n_post"]
    n_cand = n_post - exclude
    known = R.known_counts(m["rule"], n_pre, n_post)
    if known is not None:
        return known, None
    z = backend.zeros
    counts = z(max(1, n_pre), np.uint32)
    a = backend.kernel_arg
    if kind == R.PROBABILITY:
        if n_cand > 0 and n_pre:
            backend.bind("connect_fill", n_pre, rule=kind, write=0, n_units=n_pre, n_cand=n_cand,
                         log_q=float(np.log1p(-param)), exclude=exclude, st=C.stream(m["projection"], C.SKIP),
                         key_lo=key[0], key_hi=key[1], starts=a(counts), counts=a(counts), out=a(counts))()
        return backend.to_host(counts)[:n_pre].astype(np.int64), None
    if kind == R.TOTAL:
        if param and n_pre:
            if param >= 2**32:
                fail("FixedTotalNumber.n", param, "must be below 2**32 on a device backend")
            per_item = 64                            # even: whole Philox calls (connect.c)
            items = -(-param // per_item)
            backend.bind("connect_split", items, n_draws=param, per_item=per_item, n_rows=n_pre,
                         st=C.stream(m["projection"], C.SPLIT), key_lo=key[0], key_hi=key[1], counts=a(counts))()
        return backend.to_host(counts)[:n_pre].astype(np.int64), None
    # FixedInDegree: each column chooses its rows into scratch and counts them
    pool = n_pre - exclude
    chosen = z(max(1, n_post * param), np.uint32)
    excluded = z(max(1, n_post * (pool - param) if 2 * param > pool else 1), np.uint32)
    if param and n_post:
        starts = backend.to_device(np.arange(n_post, dtype=np.uint32) * np.uint32(param))
        backend.bind("connect_choose", n_post, n_units=n_post, n=param, pool=pool, exclude=exclude, count_rows=1,
                     st=C.stream(m["projection"], C.CHOOSE), key_lo=key[0], key_hi=key[1], starts=a(starts),
                     out=a(chosen), excluded=a(excluded), counts=a(counts))()
    return backend.to_host(counts)[:n_pre].astype(np.int64), chosen


def fill_member(backend, m: dict, key, starts_host: np.ndarray, counts_host: np.ndarray, chosen, post_index) -> None:
    """Write the member's local post indices into its segments of post_index."""
    kind, param, exclude = m["rule"]
    n_pre, n_post = m["n_pre"], m["n_post"]
    if not counts_host.sum():
        return
    a = backend.kernel_arg
    starts = backend.to_device(starts_host.astype(np.uint32))
    counts = backend.to_device(counts_host.astype(np.uint32))
    if kind == R.OUT_DEGREE:
        pool = n_post - exclude
        excluded = backend.zeros(max(1, n_pre * (pool - param) if 2 * param > pool else 1), np.uint32)
        backend.bind("connect_choose", n_pre, n_units=n_pre, n=param, pool=pool, exclude=exclude, count_rows=0,
                     st=C.stream(m["projection"], C.CHOOSE), key_lo=key[0], key_hi=key[1], starts=a(starts),
                     out=a(post_index), excluded=a(excluded), counts=a(counts))()
    elif kind == R.IN_DEGREE:
        cursor = backend.zeros(max(1, n_pre), np.uint32)
        backend.bind("connect_scatter", n_post, n_units=n_post, n=param, chosen=a(chosen), starts=a(starts),
                     cursor=a(cursor), out=a(post_index))()
        backend.bind("connect_sort", n_pre, n_units=n_pre, starts=a(starts), counts=a(counts), out=a(post_index))()
    else:
        log_q = float(np.log1p(-param)) if kind == R.PROBABILITY else 0.0
        st = C.stream(m["projection"], C.SPACING if kind == R.TOTAL else C.SKIP)
        backend.bind("connect_fill", n_pre, rule=kind, write=1, n_units=n_pre, n_cand=n_post - exclude,
                     log_q=log_q, exclude=exclude, st=st, key_lo=key[0], key_hi=key[1], starts=a(starts),
                     counts=a(counts), out=a(post_index))()
    return starts


def generate_table(backend, host: dict) -> dict:
    """The device arrays of a recipe table (recipe.recipe_table), and on ``host`` what the
    host keeps of it: row_ptr, n_synapses, each member's segments (starts, counts)."""
    key, members = host["structure_key"], host["generated"]
    n_pre = host["n_pre"]
    counted = [member_counts(backend, m, key) for m in members]
    row_ptr, segments = member_segments(n_pre, [(m["projection"], m["pre_offset"], counts)
                                                for m, (counts, _) in zip(members, counted)])
    n_synapses = int(row_ptr[-1])
    if n_synapses >= 2**32:
        fail("synapses", n_synapses, f"must be below 2**32 per table on a device backend "
             f"(projections {host['pre']} -> {host['post']})")
    post_index = backend.zeros(max(1, n_synapses), np.uint32)
    weight = backend.zeros(max(1, n_synapses), backend.dtype)
    delay = backend.zeros(max(1, n_synapses) if not host["uniform_delay"] else 1, np.uint16)
    max_delay = backend.zeros(1, np.uint32)
    plane = kernels.plane_stride(host["batch"] * host["n_post"])
    mixed = host["uniform_receptor"] >= host["n_receptors"]
    if mixed and host["n_receptors"] * plane >= 2**32:
        fail("synapse table", f"{host['n_receptors']} receptors x {plane}", "must fit 32-bit indices")
    a = backend.kernel_arg
    for m, (_, chosen), (_, starts_host, counts) in zip(members, counted, segments):
        if not counts.sum():
            continue
        starts = fill_member(backend, m, key, starts_host, counts, chosen, post_index)
        (wk, (wa, wb, wl, wh)), (dk, (da, db, dl, dh)) = m["weight"], m["delay"]
        first_host = np.zeros(m["n_pre"] + 1, np.int64)
        np.cumsum(counts, out=first_host[1:])
        first = backend.to_device(first_host.astype(np.uint32))
        n_values = int(first_host[-1])
        backend.bind("connect_values", n_values, n_values=n_values, n_units=m["n_pre"], weight_kind=wk,
                     weight_a=wa, weight_b=wb, weight_low=wl, weight_high=wh, delay_kind=dk, delay_a=da, delay_b=db,
                     delay_low=dl, delay_high=dh, dt=m["dt"], write_delay=int(not host["uniform_delay"]),
                     value_stream=C.stream(m["projection"], C.VALUES),
                     key_lo=key[0], key_hi=key[1],
                     starts=a(starts), first=a(first), post_index=a(post_index), weight=a(weight),
                     delay=a(delay), max_delay=a(max_delay))()
        offset = m["post_offset"] + (m["receptor"] * plane if mixed else 0)
        if offset:
            backend.bind("connect_offset", n_values, n_values=n_values, n_units=m["n_pre"], offset=offset,
                         starts=a(starts), first=a(first), post_index=a(post_index))()
    longest = int(backend.to_host(max_delay)[0]) if not host["uniform_delay"] else host["uniform_delay"]
    if longest > 65535:
        fail("Projection.delay", f"{longest} steps", "must be at most 65535 steps on a device backend (use a larger dt)")
    host.update(row_ptr=row_ptr, n_synapses=n_synapses, segments=segments, max_delay=max(longest, 1),
                receptor_folded=bool(mixed))
    return dict(post_index=post_index, weight=weight, delay=delay, row_ptr=backend.to_device(row_ptr.astype(np.uint32)),
                receptor=backend.zeros(1, np.uint8))

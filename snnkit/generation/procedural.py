"""Procedural connectivity (Projection(procedural=True)): a static projection that stores
nothing per synapse; the rows of the neurons that spike are drawn again from their
counters each step (GeNN's procedural connectivity, Knight & Nowotny 2021). The rows
are the stored table's, element for element, so the network spikes as the stored one.

This is the NumPy side (the NumPy backend's propagation and the host's view of the
synapses); kernels/procedural.c draws the same rows on the devices.
"""

from __future__ import annotations

import numpy as np

from ..validation import fail
from . import counters as C
from . import rules
from .recipe import ALL_TO_ALL, ONE_TO_ONE, PROBABILITY, TOTAL, device_recipe, member_values, rows_pairs

RULES = (PROBABILITY, ALL_TO_ALL, ONE_TO_ONE, TOTAL)


def procedural_recipe(proj, index: int, dt: float) -> dict:
    """The recipe of a procedural projection, or an error saying why it cannot be one."""
    where = f"projection {proj.pre.name} -> {proj.post.name}"
    if proj.plasticity is not None or proj.synapse is not None:
        fail("Projection.procedural", True, f"needs a static projection (no plasticity or synapse model); {where}")
    recipe = device_recipe(proj, index, dt)
    if recipe is None or recipe["rule"][0] not in RULES:
        fail("Projection.procedural", True, "needs FixedProbability, AllToAll, OneToOne or FixedTotalNumber "
             "(with multapses), scalar or distribution (Uniform, Normal, NormalClipped, Exponential, LogNormal) "
             "weights and delays whose values are all >= dt, and for conductances >= 0; " + where)
    return recipe


def rows_synapses(recipe: dict, rows: np.ndarray, counts: np.ndarray, key):
    """(pre, post, weight, delay steps) of the member-local rows ``rows`` (sorted, distinct);
    counts: every row's synapse count (FixedTotalNumber's split; unused otherwise)."""
    pre, post = rows_pairs(recipe["rule"], rows, recipe["n_post"], recipe["projection"], key, counts)
    return (pre, post, *member_values(recipe, pre, post, key))


def scan(recipe: dict, key, chunk_rows: int = 4096) -> tuple[np.ndarray, int]:
    """(synapses per row, the longest delay in steps), drawing every row once in chunks
    (its delays, not its weights)."""
    n_pre = recipe["n_pre"]
    kind, param, _ = recipe["rule"]
    counts = rules.split_total(param, n_pre, C.stream(recipe["projection"], C.SPLIT), key) if kind == TOTAL \
        else np.zeros(n_pre, np.int64)
    longest = 1
    for start in range(0, n_pre, chunk_rows):
        rows = np.arange(start, min(n_pre, start + chunk_rows), dtype=np.int64)
        pre, post = rows_pairs(recipe["rule"], rows, recipe["n_post"], recipe["projection"], key, counts)
        delay = member_values(recipe, pre, post, key, with_weight=False)[1]
        if kind != TOTAL:
            counts[start:start + rows.size] = np.bincount(pre - start, minlength=rows.size)
        if delay.size:
            longest = max(longest, int(delay.max()))
    return counts, longest

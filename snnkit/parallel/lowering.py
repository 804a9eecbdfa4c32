"""Lowering for one rank of a partitioned run (snnkit.builder.lower calls these): the
rank's columns of each group, and the tables of random rules drawn for its posts only."""

from __future__ import annotations

import numpy as np

from .partition import owned_columns
from .slicing import slice_group


def localize_groups(plan, members: dict, partition) -> dict:
    """Cut every lowered group of ``plan`` to the rank's columns, in place; the placement
    becomes the rank's (local offsets and sizes), the whole network's is kept in
    ``plan.global_placement``. Returns name -> the whole group's name, size and batch
    (what a table needs of its presynaptic group: every presynaptic row)."""
    whole = {}
    plan.global_placement = dict(plan.placement)
    for entries in members.values():
        pops = [p for _, p in entries]
        name = plan.placement[pops[0].name][0]
        group = plan.groups[name]
        whole[name] = dict(name=name, size=group["size"], batch=group["batch"])
        plan.groups[name] = slice_group(group, owned_columns(partition, pops))
        offset = 0
        for pop in pops:
            lo, hi = partition.owned(pop.size)
            plan.placement[pop.name] = (name, offset, hi - lo)
            offset += hi - lo
    return whole


def rank_table(entries: list, recipes: list, pre_group: dict, post_group: dict, batch: int, key, partition,
               dtype) -> dict:
    """A static table of random rules for the rank's posts, drawn here from the counters
    (generation/table.py with each member's ``post_range``), lean: the synapses the
    single-process table has onto these neurons, in its order."""
    from ..generation.table import build_table
    from ..lower_synapses import recipe_table
    table = recipe_table(entries, recipes, pre_group, post_group, batch, key)
    for member, (_, proj, *_rest) in zip(table["generated"], entries):
        member["post_range"] = partition.owned(proj.post.size)
    arrays = build_table(table, dtype)
    out = {k: v for k, v in table.items() if k not in ("generated", "structure_key")}
    out.update(arrays, lean=True)
    depth = out["max_delay"] + 1
    if depth > post_group["ring_depth"]:
        post_group["ring"] = np.zeros((depth,) + post_group["ring"].shape[1:])
        post_group["ring_depth"] = depth
    return out


def shortest_delay(table: dict) -> int:
    """The shortest delay (steps) of a rank's table (a large number where it has none);
    1 for plastic tables, whose updates need the presynaptic spikes of their step."""
    if table.get("plastic"):
        return 1
    if table.get("uniform_delay"):
        return int(table["uniform_delay"])
    delay = table.get("delay")
    if delay is None or np.size(delay) == 0:
        return 1 << 30
    return int(np.min(delay))

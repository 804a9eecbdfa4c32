"""Lower projections to synapse tables: wiring, weights, delays, merged CSR.

Static projections between the same (pre group, post group) share one table, each
synapse carrying its receptor, so a step runs one propagation for all of them; built
lean from their wiring (lower_static_table) or, for random rules, left as recipes for
the backend to draw (recipe_table). A plastic projection keeps a table of its own
(lower_table), with weights per batch instance and the transpose.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .connectivity import build_table, member_segments
from .distributions import realize
from .generation.recipe import drawn_values, rule_of, rule_pairs
from .generation.values import delay_steps as to_steps
from .generation.values import CONSTANT, value_code
from .model import Projection
from .validation import fail


@dataclass
class Wiring:
    """A projection's synapses in connector order: pre, post (S,) ints; weight () when
    every synapse has it, else (S,) float64; delay in ms, () or (S,), None for one step.
    Read a chunk at a time by the lean table (lower_static_table), whole by the others."""

    pre: np.ndarray
    post: np.ndarray
    weight: np.ndarray
    delay_ms: np.ndarray | None
    dt: float

    @property
    def size(self) -> int:
        return int(self.pre.size)

    def weights(self, a: int = 0, b: int | None = None) -> np.ndarray:
        return self.weight if self.weight.ndim == 0 else self.weight[a:b]

    def steps(self, a: int = 0, b: int | None = None) -> np.ndarray:
        if self.delay_ms is None:
            return np.array(1, np.int64)
        return to_steps(self.delay_ms if self.delay_ms.ndim == 0 else self.delay_ms[a:b], self.dt)

    @property
    def shortest(self) -> int:
        return 1 if self.delay_ms is None else int(to_steps(np.min(self.delay_ms), self.dt))

    @property
    def longest(self) -> int:
        return 1 if self.delay_ms is None else int(to_steps(np.max(self.delay_ms), self.dt))

    def full(self) -> tuple:
        """(pre, post, weight (S,) float64, delay (S,) int64 steps)."""
        n = self.size
        return (self.pre, self.post, np.broadcast_to(self.weights(), (n,)).astype(float),
                np.broadcast_to(self.steps(), (n,)).astype(np.int64))


def realize_wiring(proj: Projection, index: int, dt: float, seeds) -> Wiring:
    """The synapses of projection ``index``, in connector order: the random rules, their
    weights and delays drawn from counters (snnkit.generation), anything else from the
    structure generator; a scalar weight or delay stays one value."""
    rng, key, same = seeds.structure, seeds.structure_key, proj.pre is proj.post
    rule = rule_of(proj.connector, proj.pre.size, proj.post.size, same)
    if rule is None:
        pre, post = proj.connector.pairs(proj.pre.size, proj.post.size, same, rng)
    else:
        proj.connector.check(proj.pre.size, proj.post.size, same)
        pre, post = rule_pairs(rule, proj.pre.size, proj.post.size, index, key)
    where = f"projection {proj.pre.name} -> {proj.post.name}"
    weight, delay = synapse_values(proj, pre, post, index, seeds, drawn=rule is not None)
    if delay is not None and pre.size and delay.min() < dt * (1 - 1e-9):
        fail("Projection.delay", float(delay.min()), f"must be >= dt = {dt} ms (one step); {where}")
    if getattr(proj.post.model, "synapse", None) == "cond_exp" and pre.size and weight.min() < 0:
        fail("Projection.weight", float(weight.min()), f"must be >= 0 for conductance-based synapses (uS); {where}")
    rule = proj.plasticity
    if rule is not None and pre.size and (weight.min() < rule.w_min or weight.max() > rule.w_max):
        bad = weight.min() if weight.min() < rule.w_min else weight.max()
        fail("Projection.weight", float(bad), f"must lie within the STDP bounds [{rule.w_min}, {rule.w_max}]; {where}")
    return Wiring(pre, post, weight, delay, dt)


def synapse_values(proj: Projection, pre, post, index: int, seeds, drawn: bool) -> tuple:
    """(weight, delay in ms or None for one step), each () or one value per synapse: from
    counters where the connector draws from them and the value is a scalar or a
    drawable distribution (generation.values, weight and delay together), else realised
    from the structure generator (or given)."""
    codes = [value_code(v) if drawn and v is not None else None for v in (proj.weight, proj.delay)]
    codes = [c if c is not None and c[0] != CONSTANT else None for c in codes]
    weight, delay = drawn_values(codes[0], codes[1], pre, post, index, seeds.structure_key) \
        if any(codes) else (None, None)
    if weight is None:
        weight = per_synapse("Projection.weight", proj.weight, pre.size, seeds.structure, keep_scalar=True)
    if delay is None and proj.delay is not None:
        delay = per_synapse("Projection.delay", proj.delay, pre.size, seeds.structure, keep_scalar=True)
    return weight, delay


def per_synapse(name: str, value, n: int, rng, keep_scalar: bool = False) -> np.ndarray:
    arr = realize(value, rng, (n,))
    if arr.ndim == 0:
        return arr if keep_scalar else np.full(n, float(arr))
    if arr.shape != (n,):
        fail(name, arr, f"must be a scalar, a distribution or one value per synapse ({n})")
    if not np.all(np.isfinite(arr)):
        fail(name, float(arr[~np.isfinite(arr)][0]), "must be finite (no NaN or infinity)")
    return arr


def uniform(values: np.ndarray, otherwise: int) -> int:
    """The value every element has, or ``otherwise`` if they differ (or there are none)."""
    if values.size and values.min() == values.max():
        return int(values[0])
    return otherwise


def lower_table(members: list, pre_group: dict, post_group: dict, dt: float, batch: int) -> dict:
    """A plastic projection's table from ``members``: (projection index, Projection,
    Wiring, pre offset, post offset); ``projection`` (host only) records which projection
    each synapse came from."""
    members = [(k, p, w.full(), po, qo) for k, p, w, po, qo in members]
    pre = np.concatenate([w[0] + po for _, _, w, po, _ in members])
    post = np.concatenate([w[1] + qo for _, _, w, _, qo in members])
    weight = np.concatenate([w[2] for _, _, w, _, _ in members])
    delay = np.concatenate([w[3] for _, _, w, _, _ in members])
    source = np.concatenate([np.full(w[0].size, k, np.int64) for k, _, w, _, _ in members])
    receptor = np.concatenate([np.full(w[0].size, p.receptor, np.int64) for _, p, w, _, _ in members])
    n_pre, n_post = pre_group["size"], post_group["size"]
    rule = members[0][1].plasticity
    member = np.concatenate([np.full(w[0].size, m, np.int64) for m, (_, _, w, _, _) in enumerate(members)])
    table = build_table(n_pre, n_post, pre, post, weight, delay, transpose=rule is not None, member=member,
                        n_members=len(members))
    receptor = receptor[table.order]
    receptors = post_group["ring"].shape[1]            # the target's receptor planes (LIF: 2)
    member = member[table.order]
    _, segments = member_segments(n_pre, [(k, po, np.bincount(table.pre[member == m] - po, minlength=proj.pre.size))
                                          for m, (k, proj, _, po, _) in enumerate(members)])
    syn = dict(pre=pre_group["name"], post=post_group["name"], receptor=receptor, batch=batch, n_receptors=receptors,
               uniform_receptor=uniform(receptor, otherwise=receptors),   # == receptors: per synapse
               n_pre=n_pre, n_post=n_post, n_synapses=table.size, row_ptr=table.row_ptr,
               post_index=table.post, delay=table.delay, weight=table.weight,
               uniform_delay=uniform(table.delay, otherwise=0),
               plastic=False, projection=source[table.order], pre_global=table.pre, segments=segments)
    if rule is not None:
        syn.update(plastic=True, weight=np.tile(table.weight, (batch, 1)), pre_index=table.pre,
                   col_ptr=table.col_ptr, col_syn=table.col_syn,
                   trace_pre=np.zeros((batch, n_pre)), trace_post=np.zeros((batch, n_post)),
                   decay_plus=float(np.exp(-dt / rule.tau_plus)), decay_minus=float(np.exp(-dt / rule.tau_minus)),
                   A_plus=rule.A_plus, A_minus=rule.A_minus, x_target=rule.x_target, w_min=rule.w_min, w_max=rule.w_max,
                   multiplicative=rule.weight_dependence == "multiplicative",
                   nearest=rule.pairing == "nearest")
    return syn


def recipe_delay_bound(recipe: dict) -> int:
    """The longest delay (steps) a recipe's table can hold: exact for a constant delay; 1
    for drawn ones, whose ring depth the Simulator fixes once the table is built."""
    kind, (a, *_) = recipe["delay"]
    return int(to_steps(np.array([a]), recipe["dt"])[0]) if kind == CONSTANT else 1


def recipe_table(members: list, recipes: list, pre_group: dict, post_group: dict, batch: int, key,
                 procedural: bool = False) -> dict:
    """A static table left for the device to build (backends/device_connect.py), or, with
    ``procedural``, to draw its spiking rows every step (generation.procedural): its
    members' recipes with their places in the groups; no synapse arrays on the host."""
    receptors = post_group["ring"].shape[1]
    generated = [dict(recipe, pre_offset=po, post_offset=qo) for recipe, (_, _, _, po, qo) in zip(recipes, members)]
    receptor = {m["receptor"] for m in generated}
    delays = {recipe_delay_bound(m) if m["delay"][0] == CONSTANT else 0 for m in generated}
    return dict(pre=pre_group["name"], post=post_group["name"], n_pre=pre_group["size"], n_post=post_group["size"],
                batch=batch, generated=generated, structure_key=key, n_receptors=receptors,
                uniform_receptor=receptor.pop() if len(receptor) == 1 else receptors,
                uniform_delay=delays.pop() if len(delays) == 1 else 0, plastic=False, n_synapses=None,
                procedural=procedural)

"""Lower a projection with a synapse model (snnkit.modeling.synapse_model) to a table.

Besides the CSR rows and their transpose (on_post walks it), the table holds, in
table order: the parameters (S,) in snnkit's coherent units, the synapse
variables and ``lastupdate`` (B, S) (each instance's events differ), the weight
((B, S) when the event code changes it), the axonal and dendritic delays in steps
(S,), and spike histories of the presynaptic and postsynaptic groups deep enough
for those delays ((depth, B, N) bool; slot k % depth holds step k's spikes).
The variables the layout holds per neuron (snnkit.modeling.synapse_layout) are in
``pre_state`` / ``post_state`` (B, N) instead, with their neurons' lastupdate.
"""

from __future__ import annotations

import numpy as np
import sympy

from .connectivity import build_table
from .distributions import Distribution, realize
from .lower_synapses import per_synapse
from .validation import fail


def lower_synapse_model(members: list, pre_group: dict, post_group: dict, dt: float, batch: int, rng) -> dict:
    """members: [(projection index, Projection, wiring, pre offset, post offset)], one projection."""
    (index, proj, (pre, post, weight, delay), pre_offset, post_offset), = members
    bound, model = proj.synapse_bound, proj.synapse
    n_pre, n_post = pre_group["size"], post_group["size"]
    where = f"projection {proj.pre.name} -> {proj.post.name}"
    axonal = _axonal_steps(proj, pre.size, dt, rng)
    dendritic = delay - axonal
    if dendritic.size and dendritic.min() < 1:
        k = int(np.argmin(dendritic))
        fail("Projection.axonal_delay", float(axonal[k] * dt), f"must leave at least one step (dt = {dt} ms) of "
             f"the delay {float(delay[k] * dt)} ms for the dendrite; {where}")
    post_delay = dendritic if proj.post_event_delay is None else _steps(proj, "post_event_delay", pre.size, dt, rng)
    table = build_table(n_pre, n_post, pre + pre_offset, post + post_offset, weight, delay, transpose=True)
    order, n = table.order, table.size
    params = {}
    for pname in model.specs:
        value = model.params[pname]
        values = per_synapse(f"{model.name}.{pname}", value, n, rng)[order] if n else np.zeros(0)
        if isinstance(value, Distribution):
            model.check(pname, values)
        params[pname] = values * model.unit(pname, bound.weight_unit).scale
    state = {}
    for x, value in bound.initial.items():
        if isinstance(value, str):
            column = params[value]
        elif isinstance(value, sympy.Basic):             # an expression of the parameters
            names = sorted(s.name for s in value.free_symbols)
            column = np.broadcast_to(sympy.lambdify(names, value, "numpy")(*[params[p] for p in names]), (n,))
        else:
            column = np.asarray(realize(value, rng, (n,)), dtype=float)
            column = np.broadcast_to(column, (n,))[order] if column.ndim else np.full(n, float(column))
        state[x] = np.tile(column, (batch, 1))
    layout, held = _layout(bound, state, params, n, axonal[order], post_delay[order], batch)
    held_state = {side: {x: np.full((batch, n_side), held[side][x] if x in held[side] else 0.0)
                         for x in layout.state[side]}
                  for side, n_side in (("pre", n_pre), ("post", n_post))}
    state = {x: state[x] for x in layout.state["synapse"] if x in state}
    if "lastupdate" in layout.state["synapse"]:
        state["lastupdate"] = np.zeros((batch, n))
    receptors = post_group["ring"].shape[1]
    weights = np.tile(table.weight, (batch, 1)) if bound.plastic_weight else table.weight
    axonal_sorted, dendritic_sorted, post_sorted = axonal[order], dendritic[order], post_delay[order]
    from .rng import STREAMS_PER_POPULATION, SYNAPSE_STREAMS
    return dict(kind="synapse_model", model=bound, name=model.name, dt=dt,
                rng_stream=SYNAPSE_STREAMS + STREAMS_PER_POPULATION * index, instance=pre_group["instance"],
                key_lo=pre_group["key_lo"], key_hi=pre_group["key_hi"], pre=pre_group["name"], post=post_group["name"],
                n_pre=n_pre, n_post=n_post, n_synapses=n, row_ptr=table.row_ptr, post_index=table.post,
                pre_index=table.pre, pre_global=table.pre, col_ptr=table.col_ptr, col_syn=table.col_syn,
                delay=table.delay, weight=weights, plastic=False, plastic_weight=bound.plastic_weight,
                receptor=np.full(n, proj.receptor, np.int64), uniform_receptor=proj.receptor,
                receptors=receptors, projection=np.full(n, index, np.int64), params=params, state=state,
                initial_state={x: a.copy() for x, a in state.items()}, layout=layout,
                pre_state=held_state["pre"], post_state=held_state["post"],
                initial_held={side: {x: a.copy() for x, a in held_state[side].items()} for side in held_state},
                axonal=axonal_sorted, dendritic=dendritic_sorted,
                axonal_values=np.unique(axonal_sorted), dendritic_values=np.unique(dendritic_sorted),
                post_delay=post_sorted, post_delay_values=np.unique(post_sorted),
                summed_targets=list(bound.summed), post_range=(post_offset, post_offset + proj.post.size),
                pre_history=np.zeros((int(axonal.max(initial=0)) + 1, batch, n_pre), bool),
                post_history=np.zeros((int(post_delay.max(initial=1)) + 1, batch, n_post), bool))


def _layout(bound, state: dict, params: dict, n: int, axonal, post_delay, batch: int):
    """The SynapseLayout of this projection: the model's candidates held per neuron on a
    side when every synapse sees that side's spikes after the same delay and has the
    same initial values and the same parameters for them (else that side's variables
    stay per synapse); and side -> {variable: its initial value}."""
    pre, post = bound.held_candidates
    delays = {"pre": axonal, "post": post_delay}
    held = {"pre": set(pre), "post": set(post)}
    for side in ("pre", "post"):
        if not n or np.unique(delays[side]).size > 1 or not all(_uniform(state[x]) for x in held[side]):
            held[side] = set()
    layout = bound.layout(held["pre"], held["post"])
    if not all(_uniform(params[p]) for side in ("pre", "post") for p in layout.parameters[side]):
        keep = {side: held[side] if all(_uniform(params[p]) for p in layout.parameters[side]) else set()
                for side in held}
        layout = bound.layout(keep["pre"], keep["post"])
    values = {side: {x: float(state[x].flat[0]) for x in layout.state[side] if x in state}
              for side in ("pre", "post")}
    return layout, values


def _uniform(values) -> bool:
    values = np.asarray(values)
    return values.size == 0 or bool(np.all(values == values.flat[0]))


def _axonal_steps(proj, n: int, dt: float, rng) -> np.ndarray:
    return _steps(proj, "axonal_delay", n, dt, rng)


def _steps(proj, attribute: str, n: int, dt: float, rng) -> np.ndarray:
    """Projection.<attribute> (ms: a number, per synapse or a distribution) in whole steps."""
    value = getattr(proj, attribute)
    if not isinstance(value, Distribution) and np.ndim(value) == 0 and float(value) == 0.0:
        return np.zeros(n, np.int64)
    ms = per_synapse(f"Projection.{attribute}", value, n, rng)
    if n and ms.min() < 0:
        fail(f"Projection.{attribute}", float(ms.min()), "must be >= 0 ms")
    return np.round(ms / dt).astype(np.int64)

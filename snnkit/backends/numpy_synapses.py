"""Synapse models on the NumPy backend: the specification of their events.

One step of a synapse-model table (snnkit.lower_synapse_models), after the neurons'
step, in place of propagation:

0. the update statements (SynapseModel(update=)) for every synapse;
1. this step's spikes enter the presynaptic and postsynaptic spike histories;
2. presynaptic events: the synapses whose presynaptic neuron spiked ``axonal``
   steps ago; their on_pre block runs (event-driven variables advanced from
   ``lastupdate`` to t, the statements, lastupdate = t), and what it delivers is
   added to the target's ring slot ``dendritic`` steps ahead;
3. postsynaptic events: the synapses whose postsynaptic neuron spiked ``post_delay``
   steps ago (the dendritic delay unless the projection sets ``post_event_delay``); their on_post block runs (before 2. for event_order "post_pre").

After a side's synapse events, the variables held per neuron on that side
(snnkit.modeling.synapse_layout) are updated once for each of its neurons that
spiked that side's delay ago (update_pre / update_post: the values its synapses
computed).

t is the step's time k dt; neuron variables (``v_post``) are read after the
neurons' update of the step. A synapse has at most one event of each kind a step.
"""

from __future__ import annotations

import numpy as np

from ..connectivity import gather_rows
from ..recording import state_array
from ..rng import philox4x32_10, uniform01
from .numpy_ring import add_to_ring


def _compiled(s: dict) -> dict:
    """The layout's blocks as NumPy functions: on_pre, on_post, update_pre, update_post (or
    None), and ``summed``: target -> the function of its summed expression."""
    if "_compiled" not in s:
        from ..modeling.codegen_numpy import numpy_function
        layout = s["layout"]
        s["_compiled"] = {name: numpy_function(getattr(layout, name), name)[0]
                          if getattr(layout, name) is not None else None
                          for name in ("on_pre", "on_post", "update_pre", "update_post")}
        s["_compiled"]["summed"] = {x: numpy_function(block, f"summed_{x}")[0]
                                    for x, block in s["model"].summed.items()}
        update = s["model"].update
        s["_compiled"]["update"] = numpy_function(update, "update")[0] if update is not None else None
    return s["_compiled"]


def _every_synapse(s: dict, key: str, order) -> tuple:
    """(instance, synapse) of every synapse of every instance, the synapses in ``order``;
    made once per table (the update and the summed variables run over all of them each step)."""
    if key not in s:
        batch = s["pre_history"].shape[1]
        s[key] = (np.repeat(np.arange(batch), order.size), np.tile(order, batch))
    return s[key]


class NumpySynapseOps:
    """The synapse-model step of NumpyBackend."""

    def synapse_model_step(self, s: dict, pre_spikes, post_spikes, pre_group: dict, post_group: dict,
                           step: int) -> None:
        code = _compiled(s)
        on_post = code["on_post"]
        s["pre_history"][step % s["pre_history"].shape[0]] = pre_spikes.mask
        if on_post is not None:                             # (no on_post: no post events)
            s["post_history"][step % s["post_history"].shape[0]] = post_spikes.mask
        t = self.dtype.type(step * s["dt"])
        sides = ("pre", "post") if s["model"].model.event_order == "pre_post" else ("post", "pre")
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            if code["update"] is not None and s["n_synapses"]:     # every synapse, before the events
                b, syn = _every_synapse(s, "_every_synapse", np.arange(s["n_synapses"]))
                self._run(code["update"], s, b, syn, t, pre_group, post_group, {})
            for side in sides:
                if side == "post" and on_post is None:
                    continue
                b, syn = self._events(s, side, step)
                if syn.size:
                    draws = self._uniform_draws(s, side, b, syn, step)
                    out = self._run(code[f"on_{side}"], s, b, syn, t, pre_group, post_group, draws)
                    if side == "pre":                        # delivered: the dendritic delay ahead
                        ring = post_group["ring"]
                        add_to_ring(ring, (step + s["dendritic"][syn]) % ring.shape[0], s["receptor"][syn],
                                    b * s["n_post"] + s["post_index"][syn], out["delivered"])
                if code[f"update_{side}"] is not None:
                    self._update_held(code[f"update_{side}"], s, side, step, t)

    def synapse_summed(self, s: dict, pre_group: dict, post_group: dict, step: int) -> None:
        """Summed variables (SynapseModel(summed=...)), at the start of a step: each target
        variable of the projection's postsynaptic neurons set to the sum of its expression
        over their synapses, added up in the order of the table's columns (col_syn), from 0."""
        code = _compiled(s)["summed"]
        batch, n_post = s["pre_history"].shape[1], s["n_post"]
        b, syn = _every_synapse(s, "_every_column", s["col_syn"])
        t = self.dtype.type(step * s["dt"])
        lo, hi = s["post_range"]
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            for target, function in code.items():
                sums = np.zeros(batch * n_post, self.dtype)
                if syn.size:
                    values = self._run(function, s, b, syn, t, pre_group, post_group, {})["summed"]
                    np.add.at(sums, b * n_post + s["post_index"][syn],
                              np.broadcast_to(np.asarray(values, self.dtype), syn.shape))
                state_array(post_group, target)[:, lo:hi] = sums.reshape(batch, n_post)[:, lo:hi]

    def reset_synapse_model(self, s: dict) -> None:
        """Simulator.reset_state: every synapse variable back to its initial value, no spike
        in the histories."""
        for x, initial in s["initial_state"].items():
            s["state"][x][...] = initial
        for side in ("pre", "post"):
            for x, initial in s["initial_held"][side].items():
                s[f"{side}_state"][x][...] = initial
        s["pre_history"][...] = False
        s["post_history"][...] = False

    def _events(self, s: dict, side: str, step: int):
        """(instance, synapse) of the events of this step on ``side`` ("pre" or "post")."""
        history = s[f"{side}_history"]
        delays = s["axonal" if side == "pre" else "post_delay"]
        n = s["n_pre"] if side == "pre" else s["n_post"]
        parts_b, parts_syn = [], []
        for d in (s["axonal_values"] if side == "pre" else s["post_delay_values"]):
            flat = np.flatnonzero(history[(step - int(d)) % history.shape[0]])
            if not flat.size:
                continue
            b, neuron = np.divmod(flat, n)
            if side == "pre":
                syn, owner = gather_rows(s["row_ptr"], neuron)
            else:
                k, owner = gather_rows(s["col_ptr"], neuron)
                syn = s["col_syn"][k]
            b = b[owner]
            keep = delays[syn] == d
            parts_b.append(b[keep])
            parts_syn.append(syn[keep])
        if not parts_syn:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        return np.concatenate(parts_b), np.concatenate(parts_syn)

    def _uniform_draws(self, s: dict, side: str, b, syn, step: int) -> dict:
        """The rand() draws of the events (b, syn): four a Philox counter (step, synapse,
        instance, stream), streams rng_stream + 2 j (pre) and + 2 j + 1 (post)."""
        out = {}
        for j, name in enumerate(s["model"].uniform_inputs[side]):
            stream = np.uint32(s["rng_stream"] + 2 * (j // 4) + (side == "post"))
            words = philox4x32_10(step, syn.astype(np.uint32), s["instance"][b], stream, s["key_lo"][b],
                                  s["key_hi"][b])
            out[name] = uniform01(words[j % 4], self.dtype)
        return out

    def _run(self, function, s: dict, b, syn, t, pre_group: dict, post_group: dict, draws: dict) -> dict:
        """Gather what the block reads for the events (b, syn), run it, write back."""
        bound, state = s["model"], s["state"]
        values = {x: state[x][b, syn] for x in state}
        values.update({x: a[b, s["pre_index"][syn]] for x, a in s["pre_state"].items()})
        values.update({x: a[b, s["post_index"][syn]] for x, a in s["post_state"].items()})
        values.update(draws)
        values["w"] = s["weight"][b, syn] if s["plastic_weight"] else s["weight"][syn]
        values.update({p: s["params"][p][syn] for p in s["params"]})
        for x in bound.reads_pre:
            values[f"{x}_pre"] = state_array(pre_group, x)[b, s["pre_index"][syn]]
        for x in bound.reads_post:
            values[f"{x}_post"] = state_array(post_group, x)[b, s["post_index"][syn]]
        values["t"], values["dt"] = t, self.dtype.type(s["dt"])
        out = function(values)
        for x, new in out.items():
            if x == "w":
                if s["plastic_weight"]:
                    s["weight"][b, syn] = new
            elif x in state:
                state[x][b, syn] = new
        return out

    def _update_held(self, function, s: dict, side: str, step: int, t) -> None:
        """The variables held per neuron on ``side``, for its neurons that spiked the
        side's delay ago (one delay: snnkit.lower_synapse_models._layout)."""
        delay = int((s["axonal_values"] if side == "pre" else s["post_delay_values"])[0])
        history = s[f"{side}_history"]
        b, neuron = np.nonzero(history[(step - delay) % history.shape[0]])
        if step < delay or not b.size:
            return
        held = s[f"{side}_state"]
        values = {x: a[b, neuron] for x, a in held.items()}
        values.update({p: s["params"][p][0] for p in s["layout"].parameters[side]})
        values["t"], values["dt"] = t, self.dtype.type(s["dt"])
        for x, new in function(values).items():
            held[x][b, neuron] = new

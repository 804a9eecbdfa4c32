"""Synapse models on a device backend: kernels/synapse.c with the model's generated
event code (snnkit/modeling/codegen_synapse_c.py), the same events in the same order
as the NumPy specification (snnkit/backends/numpy_synapses.py).

A table's device arrays: ``state_planes`` (n_state, batch, S) with ``state``: variable ->
its (batch, S) view; per side, what the neurons hold for their synapses
(``pre_held`` (n, batch, n_pre) with ``pre_state`` its views, likewise post) and the
neuron variables the event code reads (``pre_reads``, copied from the neurons'
state each step by record_state launches); ``params`` (n_params, S), the weight ((S) or (batch, S)), the CSR
rows and columns, axonal, dendritic and postsynaptic event delays (steps) and, per side, a ring of the last
steps' spike lists (depth, batch * N) with their counts (depth). A pathway is a launch
per distinct delay over the spikes of the step that delay ago (work per event, not
per synapse). The kernels compile once per model, dt and type.
"""

from __future__ import annotations

import numpy as np

from ..validation import fail

SYNAPSE_HOST_ONLY = {"model", "state", "params", "pre_history", "post_history", "projection",
                     "pre_global", "axonal_values", "dendritic_values", "post_delay_values", "weight", "pre_state", "post_state",
                     "initial_held"}
SYNAPSE_INDEX_KEYS = ("row_ptr", "post_index", "pre_index", "col_ptr", "col_syn", "receptor", "delay", "axonal",
                      "dendritic", "post_delay", "instance", "key_lo", "key_hi")


class DeviceSynapseOps:
    """Upload and step of synapse-model tables (mixed into DeviceBackend)."""

    def upload_synapse_model(self, host: dict) -> dict:
        from ..modeling.codegen_synapse_c import SynapseSource
        bound, batch, n = host["model"], host["pre_history"].shape[1], host["n_synapses"]
        layout = host["layout"]
        names, parameters = list(layout.state["synapse"]), sorted(host["params"])
        source = SynapseSource(layout, float(host["dt"]), parameters)
        out = {k: v for k, v in host.items() if k not in SYNAPSE_HOST_ONLY and not isinstance(v, np.ndarray)}
        out["model"] = bound
        for key in SYNAPSE_INDEX_KEYS:
            out[key] = self.to_device(np.ascontiguousarray(host[key], np.uint32).reshape(-1) if host[key].size
                                      else np.zeros(1, np.uint32))
        state = np.zeros((max(1, len(names)), batch, max(1, n)), self.dtype)
        for j, x in enumerate(names):
            state[j, :, :n] = host["state"][x]
        params = np.zeros((max(1, len(parameters)), max(1, n)), self.dtype)
        for j, p in enumerate(parameters):
            params[j, :n] = host["params"][p]
        out["state_planes"] = self.to_device(state)
        out["state"] = {x: out["state_planes"][j][:, :n] for j, x in enumerate(names)}
        out["initial_held"] = host["initial_held"]
        for side, reads in (("pre", bound.reads_pre), ("post", bound.reads_post)):
            size, held = host[f"n_{side}"], layout.state[side]
            planes = np.zeros((max(1, len(held)), batch, max(1, size)), self.dtype)
            for j, x in enumerate(held):
                planes[j, :, :size] = host[f"{side}_state"][x]
            out[f"{side}_held"] = self.to_device(planes)
            out[f"{side}_state"] = {x: out[f"{side}_held"][j][:, :size] for j, x in enumerate(held)}
            out[f"{side}_reads"] = self.to_device(np.zeros((max(1, len(reads)), batch, max(1, size)), self.dtype))
            out[f"{side}_read_columns"] = self.to_device(np.arange(max(1, size), dtype=np.uint32))
        out["params_packed"] = self.to_device(params)
        weight = np.asarray(host["weight"], self.dtype)
        out["weight"] = self.to_device(np.ascontiguousarray(weight if weight.size else np.zeros(1, self.dtype)))
        for side in ("pre", "post"):                    # rings of the last steps' spike lists
            depth, capacity = host[f"{side}_history"].shape[0], batch * host[f"n_{side}"]
            out[f"{side}_lists"] = self.to_device(np.zeros(max(1, depth * capacity), np.uint32))
            out[f"{side}_counts"] = self.to_device(np.zeros(depth, np.uint32))
            out[f"{side}_depth"] = depth
        out.update(generated=source.text, batch=batch,
                   pre_delays=[int(d) for d in host["axonal_values"]],
                   post_delays=[int(d) for d in host["post_delay_values"]])
        return out

    def reset_synapse_model(self, s: dict) -> None:
        """Simulator.reset_state: every synapse variable back to its initial value, the spike
        lists' counts to 0 (no event in flight)."""
        for x, initial in s["initial_state"].items():
            self.assign(s["state"][x], initial)
        for side in ("pre", "post"):
            for x, initial in s["initial_held"][side].items():
                self.assign(s[f"{side}_state"][x], initial)
        self.fill(s["pre_counts"], 0)
        self.fill(s["post_counts"], 0)

    def synapse_model_step(self, s: dict, pre_spikes, post_spikes, pre_group: dict, post_group: dict,
                           step: int) -> None:
        if "_synapse" not in s:
            s["_synapse"] = self._bind_synapse(s, pre_spikes, post_spikes, pre_group, post_group)
        offset = self.step_offset(step)
        for launch in s["_synapse"]:
            launch(step_offset=offset)

    def _bind_synapse(self, s: dict, pre_spikes, post_spikes, pre_group: dict, post_group: dict) -> list:
        from .device_base import receptor_planes
        a, batch, n = self.kernel_arg, s["batch"], s["n_synapses"]
        text = s["generated"]
        common = dict(n_pre=s["n_pre"], n_post=s["n_post"], batch=batch, n_synapses=n, **self.clock_args(),
                      weight_per_instance=int(s["plastic_weight"]), weight=a(s["weight"]),
                      state=a(s["state_planes"]), params=a(s["params_packed"]), key_lo=a(s["key_lo"]),
                      key_hi=a(s["key_hi"]), instance=a(s["instance"]), rng_stream=s["rng_stream"],
                      **{f"{side}_{what}": a(s[f"{side}_{what}"]) for side in ("pre", "post")
                         for what in ("held", "reads")})
        history = [self.bind("synapse_history", max(1, spikes.capacity), (), text, capacity=batch * s[f"n_{side}"],
                             depth=s[f"{side}_depth"], **self.clock_args(), spike_list=a(spikes.list),
                             spike_count=a(spikes.count), list_ring=a(s[f"{side}_lists"]),
                             count_ring=a(s[f"{side}_counts"]))
                   for side, spikes in (("pre", pre_spikes), ("post", post_spikes))
                   if side == "pre" or s["model"].on_post is not None]       # (no on_post: no post events)
        pathways = {"pre": [self.bind("synapse_pre", self.spike_threads(pre_spikes.capacity), (), text, **common, delay=d,
                                      history_depth=s["pre_depth"], ring_depth=post_group["ring_depth"],
                                      n_receptors=receptor_planes(post_group), list_ring=a(s["pre_lists"]),
                                      count_ring=a(s["pre_counts"]), row_ptr=a(s["row_ptr"]),
                                      post_index=a(s["post_index"]), receptor=a(s["receptor"]),
                                      axonal=a(s["axonal"]), dendritic=a(s["dendritic"]), ring=a(post_group["ring"]))
                            for d in s["pre_delays"]], "post": []}
        if s["model"].on_post is not None:
            pathways["post"] = [self.bind("synapse_post", self.spike_threads(post_spikes.capacity), (), text, **common, delay=d,
                                          history_depth=s["post_depth"], list_ring=a(s["post_lists"]),
                                          count_ring=a(s["post_counts"]), col_ptr=a(s["col_ptr"]),
                                          col_syn=a(s["col_syn"]), pre_index=a(s["pre_index"]),
                                          post_delay=a(s["post_delay"]))
                                for d in s["post_delays"]]
        reads = [self._bind_read(s, side, j, x, group)
                 for side, group, names in (("pre", pre_group, s["model"].reads_pre),
                                            ("post", post_group, s["model"].reads_post))
                 for j, x in enumerate(names)]
        order = ("pre", "post") if s["model"].model.event_order == "pre_post" else ("post", "pre")
        every_step = [] if s["model"].update is None or not n else [self.bind(
            "synapse_every_step", batch * n, (), text, n_pre=s["n_pre"], n_post=s["n_post"], batch=batch,
            n_synapses=n, **self.clock_args(), weight_per_instance=int(s["plastic_weight"]),
            pre_index=a(s["pre_index"]), post_index=a(s["post_index"]), weight=a(s["weight"]),
            state=a(s["state_planes"]), params=a(s["params_packed"]),
            **{f"{side}_{what}": a(s[f"{side}_{what}"]) for side in ("pre", "post") for what in ("held", "reads")})]
        # the neuron variables read, the update of every synapse, the rings take this step's,
        # then the pathways run in the model's order
        return reads + every_step + history + pathways[order[0]] + pathways[order[1]]

    def synapse_summed(self, s: dict, pre_group: dict, post_group: dict, step: int) -> None:
        """Summed variables at the start of a step (NumpySynapseOps.synapse_summed): the
        neuron variables the expressions read copied first, then one launch per target."""
        if "_summed" not in s:
            s["_summed"] = self._bind_summed(s, pre_group, post_group)
        offset = self.step_offset(step)
        for launch in s["_summed"]:
            launch(step_offset=offset)

    def _bind_summed(self, s: dict, pre_group: dict, post_group: dict) -> list:
        from ..recording import state_array
        a, batch, (lo, hi) = self.kernel_arg, s["batch"], s["post_range"]
        reads = [self._bind_read(s, side, j, x, group)
                 for side, group, names in (("pre", pre_group, s["model"].reads_pre),
                                            ("post", post_group, s["model"].reads_post))
                 for j, x in enumerate(names)]
        launches = []
        for q, target in enumerate(s["summed_targets"]):
            buffer, offset = self.buffer_and_offset(state_array(post_group, target))
            launches.append(self.bind(
                "synapse_summed", batch * (hi - lo), (), s["generated"], n_pre=s["n_pre"], n_post=s["n_post"],
                batch=batch, n_synapses=s["n_synapses"], **self.clock_args(), q=q, lo=lo, count=hi - lo,
                weight_per_instance=int(s["plastic_weight"]), col_ptr=a(s["col_ptr"]), col_syn=a(s["col_syn"]),
                pre_index=a(s["pre_index"]), weight=a(s["weight"]), state=a(s["state_planes"]),
                params=a(s["params_packed"]), pre_held=a(s["pre_held"]), post_held=a(s["post_held"]),
                pre_reads=a(s["pre_reads"]), post_reads=a(s["post_reads"]), target_offset=offset, target=buffer))
        return reads + launches

    def _bind_read(self, s: dict, side: str, j: int, variable: str, group: dict):
        """A copy of neuron variable ``variable`` (B, N) of ``group`` into plane j of the
        table's ``{side}_reads`` (kernels/record.c, record_state)."""
        from ..recording import state_array
        array = state_array(group, variable)
        if np.dtype(array.dtype) != self.dtype:
            fail(f"{variable}_{side}", variable, f"must be a real-valued variable of {group['name']} to be read "
                 f"by the synapse model {s['name']} on {self.name}")
        buffer, offset = self.buffer_and_offset(array)
        a, batch, size = self.kernel_arg, s["batch"], s[f"n_{side}"]
        launch = self.bind("record_state", batch * size, n=array.shape[1], batch=batch, n_indices=size, row=j,
                           state_offset=offset, state=buffer, indices=a(s[f"{side}_read_columns"]),
                           out=a(s[f"{side}_reads"]))
        return lambda step_offset: launch()

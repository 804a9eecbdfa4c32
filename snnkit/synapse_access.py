"""The Simulator's host access to synapses between runs: weights of every projection,
and the variables of synapse models (snnkit.modeling.synapse_model), read and set on
any backend, per batch instance where they are kept per instance."""

from __future__ import annotations

import numpy as np

from .table_view import host_table
from .validation import fail


class SynapseAccess:
    """Mixed into Simulator (it provides network, plan, synapses, backend, batch)."""

    def _table_of(self, projection) -> tuple[int, int]:
        """(projection index, synapse table index) of a projection of this network."""
        index = next((i for i, p in enumerate(self.network.projections) if p is projection), None)
        if index is None:
            fail("projection", projection, "must be a Projection of this network")
        return index, self.plan.table_of[index]

    def weights(self, projection) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(pre, post, weight) of a projection's synapses; weight is (batch, S) if plastic, else (S,)."""
        index, table = self._table_of(projection)
        host = host_table(self.plan, self.synapses, self.backend, table)
        mine = host["projection"] == index
        pre_offset = self.plan.placement[projection.pre.name][1]
        post_offset = self.plan.placement[projection.post.name][1]
        if host.get("procedural"):
            weight = host["procedural_weight"].astype(self.backend.dtype)
        else:
            weight = np.array(self.backend.to_host(self.synapses[table]["weight"]))[..., mine]
        return host["pre_global"][mine] - pre_offset, host["post_index"][mine] - post_offset, weight

    def set_weights(self, projection, values) -> None:
        """Set a projection's weights between runs: a scalar or one value per synapse (S,),
        in the order of ``weights``' (pre, post); a plastic projection's (or a synapse
        model's that changes its weights) may take (batch, S)."""
        index, table_index = self._table_of(projection)
        table = self.synapses[table_index]
        if table.get("procedural"):
            fail("projection", projection, "must store its synapses to have its weights set (it is procedural: "
                 "its weights are drawn from counters; build it with procedural=False)")
        mine = host_table(self.plan, self.synapses, self.backend, table_index)["projection"] == index
        current = np.array(self.backend.to_host(table["weight"]))
        array = np.asarray(values, dtype=float)
        allowed = [(), (int(mine.sum()),)] + ([(self.batch, int(mine.sum()))] if current.ndim == 2 else [])
        if array.shape not in allowed or not np.all(np.isfinite(array)):
            fail("weights", values, "must be finite, a scalar or one value per synapse"
                 + (" (or per instance and synapse)" if current.ndim == 2 else ""))
        if getattr(projection.post.model, "synapse", None) == "cond_exp" and array.size and array.min() < 0:
            fail("weights", float(array.min()), "must be >= 0 for conductance-based synapses (uS)")
        current[..., mine] = array
        self.backend.assign(table["weight"], current)

    def _synapse_model_table(self, projection) -> dict:
        table = self.synapses[self._table_of(projection)[1]]
        if table.get("kind") != "synapse_model":
            fail("projection", projection, "must have a synapse model (Projection(synapse=...))")
        return table

    def synapse_values(self, projection, variable: str) -> np.ndarray:
        """A synapse model's variable (or ``w``) for a projection's synapses, host copy
        (batch, S), in the order of ``weights``' (pre, post). An event-driven variable
        reads as of the present (advanced exactly from its last update), wherever it is
        held (per synapse or per neuron: snnkit.modeling.synapse_layout)."""
        table = self._synapse_model_table(projection)
        if variable == "w":
            return np.broadcast_to(np.array(self.backend.to_host(table["weight"])),
                                   (self.batch, table["n_synapses"])).copy()
        holder = self._holder(table, variable)
        host = self.plan.synapses[self._table_of(projection)[1]]
        values = self._holder_values(table, host, holder)[variable]
        return values if holder == "synapse" else values[:, host[f"{holder}_index"]]

    def set_synapse_values(self, projection, variable: str, values) -> None:
        """Set a synapse model's variable (or its weight ``w``) for a projection's
        synapses between runs: a scalar, one value per synapse (S,), or per instance
        (batch, S), in the order of ``weights``' (pre, post); an event-driven variable
        takes the value now. A weight the event code never changes is shared by the
        instances: it takes a scalar or (S,). A variable held per neuron takes values
        that agree among the synapses of each neuron (else build the model with
        per_neuron=False)."""
        current = self.synapse_values(projection, variable)          # checks the names
        table = self._synapse_model_table(projection)
        array = np.asarray(values, dtype=float)
        shared = variable == "w" and not table["plastic_weight"]
        allowed = [(), (current.shape[1],)] + ([] if shared else [current.shape])
        if array.shape not in allowed or not np.all(np.isfinite(array)):
            fail(f"{variable} values", values, f"must be finite, a scalar or {current.shape[1]} values"
                 + ("" if shared else f" or ({current.shape[0]}, {current.shape[1]})"))
        if variable == "w":
            self.backend.assign(table["weight"], np.broadcast_to(array, table["weight"].shape).astype(float))
            return
        holder = self._holder(table, variable)
        host = self.plan.synapses[self._table_of(projection)[1]]
        now = self._holder_values(table, host, holder)
        array = np.broadcast_to(array, current.shape)
        if holder == "synapse":
            now[variable] = array.copy()
        else:
            index = host[f"{holder}_index"]
            per_neuron = now[variable].copy()
            per_neuron[:, index] = array
            if not np.array_equal(per_neuron[:, index], array):
                fail(f"{variable} values", values, f"must agree among the synapses of each {holder}synaptic "
                     f"neuron: {table['name']} holds {variable} per {holder}synaptic neuron here (build it with "
                     "per_neuron=False to set it per synapse)")
            now[variable] = per_neuron
        from .modeling.synapse_layout import LASTUPDATE
        if LASTUPDATE[holder] in now:
            now[LASTUPDATE[holder]] = np.full_like(now[LASTUPDATE[holder]], self.t)
        stored = table["state"] if holder == "synapse" else table[f"{holder}_state"]
        for x, value in now.items():
            self.backend.assign(stored[x], value)

    def _holder(self, table: dict, variable: str) -> str:
        layout = table["layout"]
        if variable not in layout.holder:
            fail("variable", variable, f"must be one of {', '.join(list(layout.holder) + ['w'])}")
        return layout.holder[variable]

    def _holder_values(self, table: dict, host: dict, holder: str) -> dict:
        """Every variable a holder stores (host copies, float64), the event-driven ones
        advanced to the present (``host``: the table as lowered, its parameters)."""
        stored = table["state"] if holder == "synapse" else table[f"{holder}_state"]
        values = {x: np.array(self.backend.to_host(a), dtype=float) for x, a in stored.items()}
        advance = table["layout"].advance_function(holder)
        if advance is not None and host["n_synapses"]:
            inputs = dict(values, t=np.float64(self.t))
            for p, column in host["params"].items():
                # a held variable's parameters are the same in every synapse
                inputs[p] = column if holder == "synapse" else column[0]
            with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
                values.update({x: np.broadcast_to(v, values[x].shape).copy() for x, v in advance(inputs).items()})
        return values

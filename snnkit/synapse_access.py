"""The Simulator's host access to synapses between runs: weights of every projection,
and the variables of synapse models (snnkit.modeling.synapse_model), read and set on
any backend, per batch instance where they are kept per instance."""

from __future__ import annotations

import numpy as np

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
        host, mine = self.plan.synapses[table], self.plan.synapses[table]["projection"] == index
        pre_offset = self.plan.placement[projection.pre.name][1]
        post_offset = self.plan.placement[projection.post.name][1]
        weight = np.array(self.backend.to_host(self.synapses[table]["weight"]))[..., mine]
        return host["pre_global"][mine] - pre_offset, host["post_index"][mine] - post_offset, weight

    def set_weights(self, projection, values) -> None:
        """Set a projection's weights between runs: a scalar or one value per synapse (S,),
        in the order of ``weights``' (pre, post); a plastic projection's (or a synapse
        model's that changes its weights) may take (batch, S)."""
        index, table_index = self._table_of(projection)
        table = self.synapses[table_index]
        mine = self.plan.synapses[table_index]["projection"] == index
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
        """A synapse model's variable (or ``w``, or ``lastupdate``) for a projection's
        synapses, host copy (batch, S), in the order of ``weights``' (pre, post)."""
        table = self._synapse_model_table(projection)
        if variable == "w":
            return np.broadcast_to(np.array(self.backend.to_host(table["weight"])),
                                   (self.batch, table["n_synapses"])).copy()
        if variable not in table["state"]:
            fail("variable", variable, f"must be one of {', '.join(list(table['state']) + ['w'])}")
        return np.array(self.backend.to_host(table["state"][variable]))

    def set_synapse_values(self, projection, variable: str, values) -> None:
        """Set a synapse model's variable (or its weight ``w``) for a projection's
        synapses between runs: a scalar, one value per synapse (S,), or per instance
        (batch, S), in the order of ``weights``' (pre, post). A weight the event code
        never changes is shared by the instances: it takes a scalar or (S,)."""
        current = self.synapse_values(projection, variable)          # checks the names
        table = self._synapse_model_table(projection)
        array = np.asarray(values, dtype=float)
        shared = variable == "w" and not table["plastic_weight"]
        allowed = [(), (current.shape[1],)] + ([] if shared else [current.shape])
        if array.shape not in allowed or not np.all(np.isfinite(array)):
            fail(f"{variable} values", values, f"must be finite, a scalar or {current.shape[1]} values"
                 + ("" if shared else f" or ({current.shape[0]}, {current.shape[1]})"))
        target = table["weight"] if variable == "w" else table["state"][variable]
        self.backend.assign(target, np.broadcast_to(array, target.shape).astype(float))

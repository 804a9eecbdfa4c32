"""The NumPy backend's procedural projections (snnkit.generation.procedural): nothing
stored per synapse; each step draws the rows of the neurons that spiked and adds them
into the target's ring in the stored table's order (spike by spike, each row by post),
so a procedural projection spikes as its stored twin."""

from __future__ import annotations

import numpy as np

from ..connectivity import gather_rows
from ..generation.procedural import rows_synapses, scan
from .numpy_ring import add_to_ring


class NumpyProceduralOps:
    """Mixed into NumpyBackend."""

    def upload_procedural(self, host: dict) -> dict:
        (member,) = host["generated"]
        counts, longest = scan(member, host["structure_key"])
        host.update(n_synapses=int(counts.sum()), max_delay=longest, row_counts=counts)
        out = dict(host)
        out["_weight_dtype"] = self.dtype
        return out

    def propagate_procedural(self, s: dict, flat_spikes: np.ndarray, target: dict, step: int) -> None:
        (m,) = s["generated"]
        batch_of, pre_group = np.divmod(flat_spikes, s["n_pre"])
        local = pre_group - m["pre_offset"]
        mine = (local >= 0) & (local < m["n_pre"])
        batch_of, local = batch_of[mine], local[mine]
        if not local.size:
            return
        rows, spike_row = np.unique(local, return_inverse=True)
        pre, post, weight, delay = rows_synapses(m, rows, s["row_counts"], s["structure_key"])
        row_ptr = np.zeros(rows.size + 1, np.int64)
        np.cumsum(np.bincount(np.searchsorted(rows, pre), minlength=rows.size), out=row_ptr[1:])
        syn, owner = gather_rows(row_ptr, spike_row)
        if not syn.size:
            return
        ring = target["ring"]
        flat = batch_of[owner] * s["n_post"] + m["post_offset"] + post[syn]
        add_to_ring(ring, (step + delay[syn]) % ring.shape[0], m["receptor"], flat,
                    weight[syn].astype(s["_weight_dtype"]))

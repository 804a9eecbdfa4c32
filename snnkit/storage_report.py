"""What a simulator's synapses occupy on its backend: bytes per synapse table and per
array, per stored synapse (``Simulator.storage()``, ``snnkit info --network script.py``).

A table holds the synapses of one or more projections between two groups
(snnkit.builder); its arrays are the device copies the kernels read: the CSR row
offsets, target indices, weights, delays, receptors, the transpose of a plastic or
synapse-model table, synapse state and spike histories. The host keeps its own copy
of the lowered tables too (``plan``), reported apart.
"""

from __future__ import annotations

import numpy as np


def _nbytes(value, host_too: bool = True) -> int:
    """Bytes of an array (or of the arrays of a dict); host (NumPy) arrays only if host_too."""
    if isinstance(value, dict):
        return sum(_nbytes(v, host_too) for v in value.values())
    if isinstance(value, np.ndarray) and not host_too:
        return 0
    nbytes = getattr(value, "nbytes", None)
    return int(nbytes) if isinstance(nbytes, (int, np.integer)) and hasattr(value, "shape") else 0


def synapse_storage(sim) -> list[dict]:
    """Per synapse table: its projections ("pre -> post"), synapses, device bytes (total,
    per array) and bytes per synapse, host bytes of the lowered table."""
    names = {}
    for k, proj in enumerate(sim.network.projections):
        names.setdefault(sim.plan.table_of[k], []).append(proj.name or f"{proj.pre.name} -> {proj.post.name}")
    rows = []
    on_host = sim.backend.name == "numpy"          # its arrays are what it simulates with
    for index, table in enumerate(sim.synapses):
        arrays = {key: _nbytes(value, on_host) for key, value in table.items() if _nbytes(value, on_host)}
        total = sum(arrays.values())
        n = int(sim.plan.synapses[index]["n_synapses"])
        rows.append(dict(projections=names.get(index, []), synapses=n, device_bytes=total,
                         bytes_per_synapse=total / n if n else float("nan"), arrays=arrays,
                         host_bytes=sum(_nbytes(v) for v in sim.plan.synapses[index].values())))
    return rows


def format_storage(rows: list[dict]) -> str:
    lines = [f"{'table':40s} {'synapses':>12s} {'device MB':>10s} {'B/synapse':>10s}  largest arrays"]
    for row in rows:
        label = ", ".join(row["projections"])[:40]
        largest = sorted(row["arrays"].items(), key=lambda kv: -kv[1])[:4]
        detail = ", ".join(f"{k} {v / max(row['synapses'], 1):.1f}" for k, v in largest)
        lines.append(f"{label:40s} {row['synapses']:12d} {row['device_bytes'] / 1e6:10.2f} "
                     f"{row['bytes_per_synapse']:10.2f}  {detail}")
    total = sum(r["device_bytes"] for r in rows)
    count = sum(r["synapses"] for r in rows)
    lines.append(f"{'all':40s} {count:12d} {total / 1e6:10.2f} {total / count if count else float('nan'):10.2f}")
    return "\n".join(lines)

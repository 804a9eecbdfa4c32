"""The host's view of a synapse table: which projection each synapse came from, its pre
and post neurons (group indices). A table built on the device (backends/device_connect.py)
keeps only its row offsets and member segments on the host; the first call here reads its
post indices back once (4 bytes a synapse) and keeps the view. A procedural projection's
synapses (and weights) are drawn here from their counters."""

from __future__ import annotations

import numpy as np

from . import kernels
from .connectivity import ranges


HOST_COLUMNS = ("post_index", "weight", "delay", "receptor", "projection", "pre_global")


def release_host_columns(plan, backend) -> None:
    """Drop the per-synapse host arrays of the static tables the backend now holds (its
    copy is the table; host_table reads it back when asked), keeping row offsets and
    member segments: a host-built table then costs the host what a device-built one does."""
    for host in plan.synapses:
        if host.get("kind") is not None or host.get("plastic") or "generated" in host or "segments" not in host:
            continue
        host["receptor_folded"] = backend.name != "numpy" and host["uniform_receptor"] >= host["n_receptors"]
        for key in HOST_COLUMNS:
            host.pop(key, None)
        host.pop("order", None)


def host_table(plan, tables: list, backend, index: int) -> dict:
    """plan.synapses[index] with ``projection``, ``pre_global`` and ``post_index`` arrays."""
    host = plan.synapses[index]
    if "projection" in host:
        return host
    if host.get("procedural"):                    # drawn on the host, as each step draws rows
        from .generation.procedural import rows_synapses
        (m,) = host["generated"]
        pre, post, weight, _ = rows_synapses(m, np.arange(m["n_pre"], dtype=np.int64), host["row_counts"],
                                             host["structure_key"])
        host.update(projection=np.full(pre.size, m["projection"], np.int64), pre_global=pre + m["pre_offset"],
                    post_index=post + m["post_offset"], procedural_weight=weight)
        return host
    if "segments" not in host:
        return host
    device = tables[index]
    n = host["n_synapses"]
    post = np.asarray(backend.to_host(device["post_index"]))[:n].astype(np.int64)
    if host.get("receptor_folded"):
        post %= kernels.plane_stride(host["batch"] * host["n_post"])
    projection = np.zeros(n, np.int64)
    for k, starts, counts in host["segments"]:
        projection[ranges(starts, counts)[0]] = k
    pre = np.repeat(np.arange(host["n_pre"], dtype=np.int64), np.diff(host["row_ptr"]))
    host.update(projection=projection, pre_global=pre, post_index=post)
    return host

"""Read a snnkit HDF5 result (and its report files) back into Results."""

from __future__ import annotations

import json
from pathlib import Path

import h5py
import numpy as np

from ..results import Results, SpikeData, TraceData


def load(path) -> Results:
    """Read ``out.h5`` and the per-variable report files beside it.

    Returns
    -------
    Results
        ``spikes[pop]`` (times ms, node ids, batch instances) and
        ``traces[pop][variable]`` (times ms, data (T, batch, n), node ids, unit).
    """
    path = Path(path)
    res = Results()
    with h5py.File(path, "r") as f:
        res.attrs = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in f.attrs.items()}
        sizes = json.loads(res.attrs.get("populations", "{}"))
        for pop, g in f.get("spikes", {}).items():
            ids = g["node_ids"][:].astype(np.int64)
            inst = g["batch_ids"][:].astype(np.int64) if "batch_ids" in g else np.zeros_like(ids)
            size = int(sizes.get(pop, ids.max() + 1 if ids.size else 0))
            res.spikes[pop] = SpikeData(g["timestamps"][:], ids, inst, size)
        reports = json.loads(res.attrs.get("reports", "{}"))
    batch = int(res.attrs.get("batch", 1))
    for var, name in reports.items():
        with h5py.File(path.with_name(name), "r") as f:
            for pop, g in f["report"].items():
                data = g["data"][:]
                node_ids = g["mapping/node_ids"][:].astype(np.int64)
                t_start, _, interval = g["mapping/time"][:]
                times = t_start + interval * np.arange(data.shape[0])
                block = data.reshape(data.shape[0], node_ids.size, batch).transpose(0, 2, 1)
                unit = g["data"].attrs.get("units", "")
                res.traces.setdefault(pop, {})[var] = TraceData(times, block, node_ids, str(unit))
    return res

"""Write results in the SONATA layout, appending in chunks as a run goes.

Files (see docs in README, "Output files"):

``out.h5`` — spikes and run metadata::

    /                          attrs: format, version, snnkit_version, backend, device,
                               dt, duration, seed, batch, populations (JSON), reports (JSON)
    /spikes/<pop>              attrs: sorting = enum uint8 {none 0, by_id 1, by_time 2} = by_time
    /spikes/<pop>/timestamps   float64 ms (attr units = "ms")
    /spikes/<pop>/node_ids     uint64
    /spikes/<pop>/batch_ids    uint32: the batch instance of each spike (snnkit extension;
                               SONATA readers ignore it; all 0 when batch = 1)

``out.<variable>.h5`` — one SONATA element report per recorded variable::

    /report/<pop>/data                 (T, n * batch) float32, attrs units, variable
    /report/<pop>/mapping/node_ids     (n,) uint64 recorded neurons
    /report/<pop>/mapping/index_pointers (n + 1,) uint64: node j owns columns [j*batch, (j+1)*batch)
    /report/<pop>/mapping/element_ids  (n * batch,) uint32: the batch instance of each column
    /report/<pop>/mapping/time         [t_start, t_stop, dt] ms

Every append opens the files, extends the datasets and closes them again, so
between appends the files on disk are complete and valid: a run killed at any
moment outside an append leaves everything written up to the last one.
"""

from __future__ import annotations

import json
from pathlib import Path

import h5py
import numpy as np

SORTING = h5py.enum_dtype({"none": 0, "by_id": 1, "by_time": 2}, basetype="u1")
FORMAT, VERSION = "snnkit-sonata", "1.0"


def report_path(path, variable: str) -> Path:
    """``out.h5`` -> ``out.<variable>.h5``."""
    path = Path(path)
    return path.with_name(f"{path.stem}.{variable}{path.suffix or '.h5'}")


def _extend(dataset, rows: np.ndarray) -> None:
    start = dataset.shape[0]
    dataset.resize(start + rows.shape[0], axis=0)
    dataset[start:] = rows


class SonataWriter:
    """Creates the files of one run and appends recorded chunks to them.

    Parameters
    ----------
    path : str or Path
        The spikes file; reports go beside it.
    attrs : dict
        Root attributes (dt, batch, backend, ...).
    spike_pops : list of str
        Populations whose spikes are recorded.
    reports : dict
        (pop, variable) -> dict(node_ids, unit, interval): sampled state.
    """

    def __init__(self, path, attrs: dict, spike_pops, reports: dict):
        self.path = Path(path)
        self.batch = int(attrs["batch"])
        self.dt = float(attrs["dt"])
        self.reports = reports
        variables = sorted({var for _, var in reports})
        self.report_files = {var: report_path(self.path, var) for var in variables}
        with h5py.File(self.path, "w") as f:
            root = dict(attrs, format=FORMAT, version=VERSION, duration=0.0,
                        reports=json.dumps({v: p.name for v, p in self.report_files.items()}))
            for key, value in root.items():
                f.attrs[key] = value
            for pop in spike_pops:
                g = f.create_group(f"spikes/{pop}")
                g.attrs.create("sorting", 2, dtype=SORTING)
                ts = g.create_dataset("timestamps", (0,), "f8", maxshape=(None,), chunks=(8192,))
                ts.attrs["units"] = "ms"
                g.create_dataset("node_ids", (0,), "u8", maxshape=(None,), chunks=(8192,))
                g.create_dataset("batch_ids", (0,), "u4", maxshape=(None,), chunks=(8192,))
        for var, file in self.report_files.items():
            with h5py.File(file, "w") as f:
                f.attrs["format"], f.attrs["version"] = FORMAT, VERSION
                f.attrs["variable"] = var
                for (pop, v), info in reports.items():
                    if v != var:
                        continue
                    self._create_report(f, pop, var, info)

    def _create_report(self, f, pop, var, info) -> None:
        node_ids = np.asarray(info["node_ids"], np.uint64)
        n, b = node_ids.size, self.batch
        g = f.create_group(f"report/{pop}")
        data = g.create_dataset("data", (0, n * b), "f4", maxshape=(None, n * b),
                                chunks=(max(1, min(1024, 2**20 // max(1, n * b))), max(1, n * b)))
        data.attrs["units"] = info["unit"]
        data.attrs["variable"] = var
        m = g.create_group("mapping")
        m.create_dataset("node_ids", data=node_ids)
        m.create_dataset("index_pointers", data=np.arange(n + 1, dtype=np.uint64) * b)
        m.create_dataset("element_ids", data=np.tile(np.arange(b, dtype=np.uint32), n))
        interval = info["interval"]
        time = m.create_dataset("time", data=np.array([interval, interval, interval]))
        time.attrs["units"] = "ms"

    def append(self, spikes: dict, states: dict, duration: float) -> None:
        """Append drained chunks and set the duration (ms) simulated so far.

        spikes: pop -> (times ms, node_ids, instances); states: (pop, var) -> (T, B, n).
        """
        with h5py.File(self.path, "a") as f:
            for pop, (times, ids, inst) in spikes.items():
                g = f[f"spikes/{pop}"]
                _extend(g["timestamps"], times)
                _extend(g["node_ids"], ids.astype(np.uint64))
                _extend(g["batch_ids"], inst.astype(np.uint32))
            f.attrs["duration"] = duration
        for var, file in self.report_files.items():
            with h5py.File(file, "a") as f:
                for (pop, v), block in states.items():
                    if v != var or block.size == 0:
                        continue
                    g = f[f"report/{pop}"]
                    t, b, n = block.shape
                    # columns node-major, instance-minor: column j * B + b
                    _extend(g["data"], block.transpose(0, 2, 1).reshape(t, n * b).astype(np.float32))
                    rows = g["data"].shape[0]
                    interval = self.reports[(pop, v)]["interval"]
                    g["mapping/time"][:] = [interval, interval * (rows + 1), interval]

"""Write results in the SONATA layout, appending in chunks as a run goes.

Files (see docs in README, "Output files"):

``out.h5`` — spikes and run metadata::

    /                          attrs: format, version, snnkit_version, backend, device,
                               dt, duration, seed, batch, populations (JSON), reports (JSON),
                               writing (1 while a run has the file open, 0 once closed)
    /spikes/<pop>              attrs: sorting = enum uint8 {none 0, by_id 1, by_time 2} = by_time
    /spikes/<pop>/timestamps   float64 ms (attr units = "ms")
    /spikes/<pop>/node_ids     uint64
    /spikes/<pop>/batch_ids    uint32: the batch instance of each spike (snnkit extension;
                               SONATA readers ignore it; all 0 when batch = 1)
    /spikes/<pop>/recorded_node_ids  uint64, sorted: the neurons whose spikes were recorded,
                               present only when that is not the whole population (snnkit
                               extension; rates are per recorded neuron)

Values recorded at spikes (Monitor(values=...)) are ``/spikes/<pop>/values/<variable>``,
parallel to timestamps.

``out.<variable>.h5`` — one SONATA element report per recorded variable::

    /report/<pop>/data                 (T, n * batch) float32 (float64 for a float64 run)
    /report/<pop>/mapping/node_ids     (n,) uint64 recorded neurons
    /report/<pop>/mapping/index_pointers (n + 1,) uint64: node j owns columns [j*batch, (j+1)*batch)
    /report/<pop>/mapping/element_ids  (n * batch,) uint32: the batch instance of each column
    /report/<pop>/mapping/time         [t_start, t_stop, dt] ms

Writing and reading at the same time (HDF5 SWMR). The files use HDF5's 1.10
file format. While ``Simulator.run`` runs, the writer holds them open in SWMR mode
(single writer, multiple readers): ``snnkit.load``, ``snnkit plot`` and
``h5py.File(path, "r", swmr=True)`` read a file that is still growing, and
every append ends with a flush, so readers always see a consistent file. A
plain (non-SWMR) reader is refused by HDF5 while the run holds the file, and
opens it as usual between runs and after the run. A reader that holds the file
open between runs does not stop the next run: the writer opens without HDF5's
file lock. A run killed with SIGKILL leaves the files consistent up to the last
append; HDF5 still marks them "open for writing", which ``snnkit.load`` (and
any SWMR reader) ignores and ``h5clear -s out.h5`` (HDF5's tools) clears for
other tools.
"""

from __future__ import annotations

import json
from pathlib import Path

import h5py
import numpy as np

from ..validation import fail

SORTING = h5py.enum_dtype({"none": 0, "by_id": 1, "by_time": 2}, basetype="u1")
FORMAT, VERSION = "snnkit-sonata", "1.1"
# SWMR needs HDF5's 1.10 file format or newer; "latest" (HDF5 2.0) writes datatype
# messages that the HDF5 inside libsonata (and other 1.x readers) cannot decode
LIBVER = ("v110", "v110")


def report_path(path, variable: str) -> Path:
    """``out.h5`` -> ``out.<variable>.h5``."""
    path = Path(path)
    return path.with_name(f"{path.stem}.{variable}{path.suffix or '.h5'}")


def check_output_path(path) -> Path:
    """An output file path whose folder exists and is writable, checked before any work."""
    try:
        path = Path(path)
    except TypeError:
        fail("output", path, "must be a file path (str or pathlib.Path)")
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        fail("output", str(path), "is a folder; give a file name such as out.h5")
    if not folder.is_dir():
        fail("output", str(path), f"must be in an existing folder; {str(folder)!r} does not exist")
    return path


def _extend(dataset, rows: np.ndarray) -> None:
    start = dataset.shape[0]
    dataset.resize(start + rows.shape[0], axis=0)
    dataset[start:] = rows


def _open_for_append(path: Path):
    """Open for writing without HDF5's file lock (a reader holding the file must not
    stop the run), then switch to SWMR mode."""
    f = h5py.File(path, "a", libver=LIBVER, locking=False)
    f.swmr_mode = True
    return f


class SonataWriter:
    """Creates the files of one run and appends recorded chunks to them.

    Parameters
    ----------
    path : str or Path
        The spikes file; reports go beside it.
    attrs : dict
        Root attributes (dt, batch, dtype, backend, ...).
    spike_pops : dict
        Population -> recorded neuron indices (None: all) of every spike monitor.
    reports : dict
        (pop, variable) -> dict(node_ids, unit, interval): sampled state.

    ``open()`` starts a writing session (the files stay open in SWMR mode until
    ``close()``); an ``append`` outside a session opens and closes the files itself.
    """

    def __init__(self, path, attrs: dict, spike_pops: dict, reports: dict):
        self.path = check_output_path(path)
        self.batch = int(attrs["batch"])
        self.dt = float(attrs["dt"])
        self.data_dtype = "f8" if attrs.get("dtype") == "float64" else "f4"
        self.reports = reports
        variables = sorted({var for _, var in reports})
        self.report_files = {var: report_path(self.path, var) for var in variables}
        self.handles: dict = {}
        with h5py.File(self.path, "w", libver=LIBVER, locking=False) as f:
            root = dict(attrs, format=FORMAT, version=VERSION, duration=0.0, writing=0,
                        reports=json.dumps({v: p.name for v, p in self.report_files.items()}))
            for key, value in root.items():
                f.attrs[key] = value
            for pop, recorded in spike_pops.items():
                g = f.create_group(f"spikes/{pop}")
                g.attrs.create("sorting", 2, dtype=SORTING)
                ts = g.create_dataset("timestamps", (0,), "f8", maxshape=(None,), chunks=(8192,))
                ts.attrs["units"] = "ms"
                g.create_dataset("node_ids", (0,), "u8", maxshape=(None,), chunks=(8192,))
                g.create_dataset("batch_ids", (0,), "u4", maxshape=(None,), chunks=(8192,))
                if recorded is not None:
                    g.create_dataset("recorded_node_ids", data=np.unique(recorded).astype(np.uint64))
        for var, file in self.report_files.items():
            with h5py.File(file, "w", libver=LIBVER, locking=False) as f:
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
        data = g.create_dataset("data", (0, n * b), self.data_dtype, maxshape=(None, n * b),
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

    # -- sessions ------------------------------------------------------------------
    @property
    def is_open(self) -> bool:
        return bool(self.handles)

    def open(self) -> None:
        """Hold the files open in SWMR mode until close() (readers may open them meanwhile)."""
        if self.handles:
            return
        try:
            self.handles["spikes"] = _open_for_append(self.path)
            self.handles["spikes"].attrs["writing"] = 1
            self.handles["spikes"].flush()
            for var, file in self.report_files.items():
                self.handles[var] = _open_for_append(file)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        """Flush and close the files (they are then complete for any HDF5 reader)."""
        handles, self.handles = self.handles, {}
        spikes = handles.pop("spikes", None)
        for f in handles.values():
            f.close()
        if spikes is not None:
            spikes.attrs["writing"] = 0
            spikes.close()

    # -- appending -------------------------------------------------------------------
    def append(self, spikes: dict, states: dict, duration: float) -> None:
        """Append drained chunks and set the duration (ms) simulated so far.

        spikes: pop -> (times ms, node_ids, instances); states: (pop, var) -> (T, B, n).
        Reports are written before the spikes file's duration, so a reader that reads
        the duration first never sees it ahead of the data.
        """
        session = self.is_open
        if not session:
            self.open()
        try:
            for var in self.report_files:
                f = self.handles[var]
                for (pop, v), block in states.items():
                    if v != var or block.size == 0:
                        continue
                    g = f[f"report/{pop}"]
                    t, b, n = block.shape
                    # columns node-major, instance-minor: column j * B + b
                    _extend(g["data"], block.transpose(0, 2, 1).reshape(t, n * b).astype(self.data_dtype, copy=False))
                    rows = g["data"].shape[0]
                    interval = self.reports[(pop, v)]["interval"]
                    g["mapping/time"][:] = [interval, interval * (rows + 1), interval]
                f.flush()
            f = self.handles["spikes"]
            for pop, (times, ids, inst, *values) in spikes.items():
                g = f[f"spikes/{pop}"]
                for x, v in (values[0] if values else {}).items():     # Monitor(values=...)
                    if f"values/{x}" not in g:
                        g.create_dataset(f"values/{x}", (g["timestamps"].shape[0],), self.data_dtype,
                                         maxshape=(None,), chunks=(8192,))
                    _extend(g[f"values/{x}"], v.astype(self.data_dtype, copy=False))
                _extend(g["timestamps"], times)
                _extend(g["node_ids"], ids.astype(np.uint64))
                _extend(g["batch_ids"], inst.astype(np.uint32))
            f.flush()
            f.attrs["duration"] = duration
            f.flush()
        finally:
            if not session:
                self.close()

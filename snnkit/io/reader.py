"""Read a snnkit HDF5 result (and its report files) back into Results.

Also reads SONATA spike files written by other tools (NEST, bmtk, libsonata):
``/spikes/<population>/{timestamps, node_ids}`` (and the older single-population
``/spikes/{timestamps, gids}``). Such a file says nothing of the population
sizes or the simulated time: the size is taken as the largest node id + 1 and
the duration as the last spike time (``attrs["duration_inferred"]`` is then True).

A file that a run still writes (or that a killed run left) is read as a
consistent snapshot: the duration is read first and only what lies within it
is kept.
"""

from __future__ import annotations

import json
import time
import warnings
from pathlib import Path

import h5py
import numpy as np

from ..results import Results, SpikeData, TraceData
from ..validation import SnnkitFileError
from .hdf5 import FORMAT


def _open(path: Path) -> h5py.File:
    """Open read-only; a file that a run holds open for writing (HDF5 refuses a plain
    reader then, and after a SIGKILL) is opened as an SWMR reader instead. Clear errors
    for what is not a readable HDF5 file. (A plain open comes first because only it
    checks the file's end: an SWMR reader accepts a truncated file.)"""
    if not path.exists():
        raise SnnkitFileError(path, "no such file")
    if path.is_dir():
        raise SnnkitFileError(path, "is a folder, not an HDF5 result file")
    if path.stat().st_size == 0 or not h5py.is_hdf5(path):
        raise SnnkitFileError(path, "is not an HDF5 file (a snnkit result is written by "
                                    "Simulator(output=...) or `snnkit run -o`)")
    for wait_s in (0.02, 0.05, 0.1, 0.2, 0.4, None):
        try:
            return h5py.File(path, "r")
        except OSError as err:
            if "already open for write" in str(err):
                break
            # a run that is closing or reopening its file between two run() calls leaves
            # its end briefly behind the superblock's: look again before calling it damaged
            if "truncated file" not in str(err) or wait_s is None:
                raise SnnkitFileError(path, f"is an HDF5 file that cannot be opened (truncated or "
                                            f"damaged?): {err}") from None
            time.sleep(wait_s)
    try:
        return h5py.File(path, "r", swmr=True)
    except OSError as err:
        raise SnnkitFileError(path, f"is an HDF5 file that cannot be opened (truncated or damaged?): "
                                    f"{err}") from None


def _attr(value):
    return value.decode() if isinstance(value, bytes) else value


def _json_attr(path, attrs: dict, name: str) -> dict:
    try:
        return json.loads(attrs.get(name, "{}"))
    except (TypeError, ValueError):
        raise SnnkitFileError(path, f"root attribute {name!r} is not valid JSON") from None


def _read(path, dataset, what: str) -> np.ndarray:
    try:
        return dataset[()]
    except (OSError, KeyError, RuntimeError) as err:
        raise SnnkitFileError(path, f"{what} cannot be read (truncated or damaged?): {err}") from None


def _spike_groups(f) -> dict:
    """population -> (timestamps, node ids) datasets; the old one-population layout too."""
    spikes = f.get("spikes")
    if not isinstance(spikes, h5py.Group):
        return {}
    if "timestamps" in spikes and ("gids" in spikes or "node_ids" in spikes):
        return {"default": spikes}
    return {pop: g for pop, g in spikes.items() if isinstance(g, h5py.Group)}


def _read_spikes(path, pop, g, batch: int, sizes: dict, writing: bool, duration) -> SpikeData:
    where = g.name                                     # /spikes/<pop>, or /spikes in the old layout
    ids_name = "node_ids" if "node_ids" in g else "gids"
    if "timestamps" not in g or ids_name not in g:
        raise SnnkitFileError(path, f"{where} must hold the datasets timestamps and node_ids")
    times = _read(path, g["timestamps"], f"{where}/timestamps").astype(np.float64).ravel()
    if _attr(g["timestamps"].attrs.get("units", "ms")) == "s":
        times = times * 1000.0
    ids = _read(path, g[ids_name], f"{where}/{ids_name}").astype(np.int64).ravel()
    inst = (_read(path, g["batch_ids"], f"{where}/batch_ids").astype(np.int64).ravel()
            if "batch_ids" in g else np.zeros_like(ids))
    values = {x: _read(path, d, f"{where}/values/{x}").ravel() for x, d in g["values"].items()} \
        if "values" in g else {}
    lengths = {"timestamps": times.size, ids_name: ids.size, "batch_ids": inst.size}
    lengths.update({f"values/{x}": v.size for x, v in values.items()})
    n = min(lengths.values())
    if len(set(lengths.values())) > 1:
        if not writing:
            raise SnnkitFileError(path, f"{where}: datasets of different lengths "
                                        f"({', '.join(f'{k} {v}' for k, v in lengths.items())})")
        times, ids, inst = times[:n], ids[:n], inst[:n]     # a run is appending: a snapshot
        values = {x: v[:n] for x, v in values.items()}
    if writing and duration is not None:
        keep = times < duration
        times, ids, inst = times[keep], ids[keep], inst[keep]
        values = {x: v[keep] for x, v in values.items()}
    if ids.size and ids.min() < 0:
        raise SnnkitFileError(path, f"{where}/{ids_name} holds a negative node id ({ids.min()})")
    size = int(sizes[pop]) if pop in sizes else (int(ids.max()) + 1 if ids.size else 0)
    if ids.size and ids.max() >= size:
        raise SnnkitFileError(path, f"{where}/{ids_name} holds node id {ids.max()}, beyond the "
                                    f"population's {size} neurons")
    if inst.size and (inst.min() < 0 or inst.max() >= batch):
        raise SnnkitFileError(path, f"{where}/batch_ids holds instance {inst.max()}, beyond the "
                                    f"file's batch of {batch}")
    recorded = None
    if "recorded_node_ids" in g:
        recorded = _read(path, g["recorded_node_ids"], f"{where}/recorded_node_ids").astype(np.int64)
    return SpikeData(times, ids, inst, size, recorded, batch, values)


def _read_reports(path, f, res: Results, var_name: str | None, writing: bool) -> None:
    """Every /report/<pop> of an open report file into res.traces."""
    report = f.get("report")
    if not isinstance(report, h5py.Group):
        raise SnnkitFileError(path, "holds no /report group (not a SONATA report file)")
    batch = res.batch
    for pop, g in report.items():
        try:
            data_set, mapping = g["data"], g["mapping"]
            node_ids = mapping["node_ids"][()].astype(np.int64)
            t_start, _, interval = mapping["time"][()]
        except (KeyError, ValueError, OSError) as err:
            raise SnnkitFileError(path, f"/report/{pop} is not a SONATA element report ({err})") from None
        data = _read(path, data_set, f"/report/{pop}/data")
        if data.ndim != 2 or data.shape[1] != node_ids.size * batch:
            raise SnnkitFileError(path, f"/report/{pop}/data has shape {data.shape}; {node_ids.size} "
                                        f"neurons x batch {batch} need {node_ids.size * batch} columns")
        if writing and interval > 0:             # rows beyond the published duration are dropped
            data = data[:max(0, int(np.floor(res.duration / interval + 1e-9)))]
        times = t_start + interval * np.arange(data.shape[0])
        block = data.reshape(data.shape[0], node_ids.size, batch).transpose(0, 2, 1)
        var = var_name or _attr(data_set.attrs.get("variable", "data"))
        unit = _attr(data_set.attrs.get("units", ""))
        res.traces.setdefault(pop, {})[var] = TraceData(times, block, node_ids, str(unit))


def load(path) -> Results:
    """Read ``out.h5`` and the per-variable report files beside it.

    Returns
    -------
    Results
        ``spikes[pop]`` (times ms, node ids, batch instances, recorded neurons) and
        ``traces[pop][variable]`` (times ms, data (T, batch, n), node ids, unit).

    Raises
    ------
    SnnkitFileError
        The file is missing, not HDF5, damaged, holds neither SONATA spikes nor
        reports, or its datasets disagree. A report file named by the result but
        missing or unreadable only loses that report (a warning says so).
    """
    path = Path(path)
    res = Results()
    with _open(path) as f:
        res.attrs = {k: _attr(v) for k, v in f.attrs.items()}
        ours = res.attrs.get("format") == FORMAT
        groups = _spike_groups(f)
        if not ours and not groups and "report" not in f:
            raise SnnkitFileError(path, "holds neither SONATA spikes (/spikes/<population>) nor a "
                                        "report (/report/<population>): not a result file")
        writing = bool(res.attrs.get("writing", 0))
        duration = float(res.attrs["duration"]) if "duration" in res.attrs else None
        batch = int(res.attrs.setdefault("batch", 1))
        sizes = _json_attr(path, res.attrs, "populations")
        for pop, g in groups.items():
            res.spikes[pop] = _read_spikes(path, pop, g, batch, sizes, writing, duration)
        if duration is None:
            last = max((sp.times.max() for sp in res.spikes.values() if sp.times.size), default=0.0)
            res.attrs["duration"] = float(last)
            res.attrs["duration_inferred"] = True
        if "report" in f:
            _read_reports(path, f, res, None, writing)
        reports = _json_attr(path, res.attrs, "reports")
    for var, name in reports.items():
        file = path.with_name(name)
        try:
            with _open(file) as rf:
                _read_reports(file, rf, res, var, writing)
        except SnnkitFileError as err:
            warnings.warn(f"snnkit.load: report {var!r} skipped: {err}", stacklevel=2)
    return res

"""snnkit.load on files it did not write or cannot read: clear errors, SONATA files of
other tools, partial files."""

import os
import warnings

import h5py
import numpy as np
import pytest

import snnkit as sk
from snnkit.io import report_path
from snnkit.validation import SnnkitFileError


def recorded_run(path, duration=100.0):
    net = sk.Network(seed=3)
    src = net.population(40, sk.Poisson(rate=50.0), name="src")
    exc = net.population(10, sk.LIFCurrExp(), name="exc")
    net.connect(src, exc, sk.AllToAll(), weight=0.2)
    net.record(src, "spikes")
    net.record(exc, "v", indices=[1, 2])
    sk.Simulator(net, seed=1, output=path).run(duration, progress=False)
    return path


def test_missing_folder_and_non_hdf5_files_are_named(tmp_path):
    with pytest.raises(SnnkitFileError, match="no such file"):
        sk.load(tmp_path / "missing.h5")
    with pytest.raises(SnnkitFileError, match="is a folder"):
        sk.load(tmp_path)
    script = tmp_path / "script.py"
    script.write_text("print('hello')\n")
    with pytest.raises(SnnkitFileError, match="script.py: is not an HDF5 file"):
        sk.load(script)
    (tmp_path / "empty.h5").write_bytes(b"")
    with pytest.raises(SnnkitFileError, match="not an HDF5 file"):
        sk.load(tmp_path / "empty.h5")


def test_a_truncated_file_gives_a_clear_error(tmp_path):
    path = recorded_run(tmp_path / "full.h5", duration=300.0)
    size = os.path.getsize(path)
    with open(path, "r+b") as f:
        f.truncate(size // 2)
    with pytest.raises(SnnkitFileError, match="full.h5: .*(truncated|damaged)"):
        sk.load(path)


def test_an_hdf5_file_from_elsewhere_is_refused(tmp_path):
    path = tmp_path / "other.h5"
    with h5py.File(path, "w") as f:
        f["images"] = np.zeros((3, 4))
    with pytest.raises(SnnkitFileError, match="neither SONATA spikes"):
        sk.load(path)


def write_sonata_spikes(path, populations, units="ms"):
    """A spikes file as the SONATA spec lays it out (as NEST's and bmtk's writers do)."""
    with h5py.File(path, "w") as f:
        sorting = h5py.enum_dtype({"none": 0, "by_id": 1, "by_time": 2}, basetype="u1")
        for pop, (times, ids) in populations.items():
            g = f.create_group(f"spikes/{pop}")
            g.attrs.create("sorting", 2, dtype=sorting)
            ts = g.create_dataset("timestamps", data=np.asarray(times, np.float64))
            ts.attrs["units"] = units
            g.create_dataset("node_ids", data=np.asarray(ids, np.uint64))


def test_sonata_spikes_from_another_tool(tmp_path):
    rng = np.random.default_rng(0)
    times = np.sort(rng.uniform(0.0, 1000.0, 2000))
    ids = rng.integers(0, 100, times.size)
    ids[0] = 99
    path = tmp_path / "nest.h5"
    write_sonata_spikes(path, {"V1": (times, ids)})
    res = sk.load(path)
    assert res.batch == 1 and res.attrs["duration_inferred"]
    sp = res.spikes["V1"]
    assert sp.size == 100 and np.array_equal(sp.node_ids, ids) and np.array_equal(sp.times, times)
    assert res.rate("V1") == pytest.approx(2000 / 100 / (times.max() / 1000.0))   # 20 Hz, not 0
    seconds = tmp_path / "bmtk_seconds.h5"
    write_sonata_spikes(seconds, {"V1": (times / 1000.0, ids)}, units="s")
    assert np.allclose(sk.load(seconds).spikes["V1"].times, times)
    old = tmp_path / "old_layout.h5"                       # the one-population layout of older tools
    with h5py.File(old, "w") as f:
        f["spikes/timestamps"] = times
        f["spikes/gids"] = ids.astype(np.uint64)
    assert np.array_equal(sk.load(old).spikes["default"].node_ids, ids)


def test_datasets_of_different_lengths_are_refused(tmp_path):
    path = recorded_run(tmp_path / "r.h5")
    with h5py.File(path, "a") as f:
        ids = f["spikes/src/node_ids"][:]
        del f["spikes/src/node_ids"]
        f["spikes/src/node_ids"] = ids[:-3]
    with pytest.raises(SnnkitFileError, match="/spikes/src: datasets of different lengths"):
        sk.load(path)


def test_node_ids_beyond_the_population_are_refused(tmp_path):
    path = recorded_run(tmp_path / "r.h5")
    with h5py.File(path, "a") as f:
        f["spikes/src/node_ids"][0] = 1000
    with pytest.raises(SnnkitFileError, match="node id 1000, beyond the population's 40 neurons"):
        sk.load(path)


def test_a_missing_report_loses_only_that_report(tmp_path):
    path = recorded_run(tmp_path / "r.h5")
    full = sk.load(path)
    os.remove(report_path(path, "v"))
    with pytest.warns(UserWarning, match="report 'v' skipped"):
        res = sk.load(path)
    assert res.traces == {}
    assert np.array_equal(res.spikes["src"].times, full.spikes["src"].times)


def test_a_damaged_report_loses_only_that_report(tmp_path):
    path = recorded_run(tmp_path / "r.h5")
    report_path(path, "v").write_bytes(b"not hdf5")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = sk.load(path)
    assert any("not an HDF5 file" in str(w.message) for w in caught)
    assert res.spikes["src"].times.size > 0

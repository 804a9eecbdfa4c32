"""SONATA HDF5 output: round trip, libsonata compatibility, crash and interrupt safety."""

import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import h5py
import numpy as np
import pytest

import snnkit as sk
from snnkit.io import report_path


def small_network(every=1):
    net = sk.Network(seed=2)
    src = net.population(30, sk.Poisson(rate=50.0), name="src")
    exc = net.population(20, sk.LIFCurrExp(tau_m=10.0, cm=0.25, v_thresh=-60.0), name="exc")
    net.connect(src, exc, sk.FixedProbability(0.3), weight=0.3)
    net.record(src, "spikes")
    net.record(exc, "spikes")
    net.record(exc, "v", indices=[0, 3, 7], every=every)
    net.record(exc, "syn_E", every=every)
    return net


def test_round_trip_equals_in_memory_results(tmp_path, batch):
    out = tmp_path / "out.h5"
    sim = sk.Simulator(small_network(every=2), seed=5, batch=batch, output=out).run(100.0)
    mem, disk = sim.results, sk.load(out)
    assert disk.attrs["batch"] == batch and disk.attrs["dt"] == 0.1 and disk.attrs["duration"] == 100.0
    assert disk.attrs["format"] == "snnkit-sonata"
    for pop in ("src", "exc"):
        for field in ("times", "node_ids", "instances"):
            assert np.array_equal(getattr(mem.spikes[pop], field), getattr(disk.spikes[pop], field))
        assert np.all(np.diff(disk.spikes[pop].times) >= 0)            # sorted by time
    assert mem.spikes["exc"].times.size > 10
    for var in ("v", "syn_E"):
        m, d = mem.traces["exc"][var], disk.traces["exc"][var]
        assert d.data.shape == m.data.shape == (500, batch, m.node_ids.size)   # 1000 steps / 2
        assert np.array_equal(m.data.astype(np.float32), d.data)
        assert np.allclose(d.times, 0.2 * np.arange(1, 501))
    assert disk.traces["exc"]["v"].unit == "mV" and disk.traces["exc"]["syn_E"].unit == "nA"
    assert report_path(out, "v").exists()


def test_sonata_layout_details(tmp_path):
    out = tmp_path / "out.h5"
    sk.Simulator(small_network(), seed=5, output=out).run(20.0)
    with h5py.File(out) as f:
        g = f["spikes/exc"]
        assert h5py.check_enum_dtype(g.attrs.get_id("sorting").dtype) == {"none": 0, "by_id": 1, "by_time": 2}
        assert g.attrs["sorting"] == 2
        assert g["timestamps"].dtype == np.float64 and g["timestamps"].attrs["units"] == "ms"
        assert g["node_ids"].dtype == np.uint64
        assert json.loads(f.attrs["populations"]) == {"src": 30, "exc": 20}
    with h5py.File(report_path(out, "v")) as f:
        m = f["report/exc/mapping"]
        assert m["node_ids"][:].tolist() == [0, 3, 7]
        assert m["index_pointers"][:].tolist() == [0, 1, 2, 3]
        assert m["time"][:].tolist() == pytest.approx([0.1, 20.1, 0.1])
        assert f["report/exc/data"].shape == (200, 3)


def test_libsonata_reads_the_same_spikes_and_report(tmp_path):
    libsonata = pytest.importorskip("libsonata", reason="libsonata not installable here")
    out = tmp_path / "out.h5"
    sim = sk.Simulator(small_network(), seed=5, output=out).run(50.0)
    res = sim.results
    reader = libsonata.SpikeReader(str(out))
    assert set(reader.get_population_names()) == {"src", "exc"}
    for pop in ("src", "exc"):
        pairs = reader[pop].get()
        ids, times = (np.array([p[i] for p in pairs]) for i in (0, 1))
        assert np.array_equal(ids, res.spikes[pop].node_ids)
        assert np.array_equal(times, res.spikes[pop].times)
    report = libsonata.ElementReportReader(str(report_path(out, "v")))["exc"]
    frame = report.get()
    data = np.asarray(frame.data)
    assert data.shape == (500, 3)
    assert np.array_equal(data, res.traces["exc"]["v"].data[:, 0, :].astype(np.float32))
    assert report.data_units == "mV"


CHILD = textwrap.dedent("""
    import sys, snnkit as sk
    net = sk.Network(seed=1)
    src = net.population(200, sk.Poisson(rate=40.0), name="src")
    net.record(src, "spikes")
    sim = sk.Simulator(net, seed=1, output=sys.argv[1], flush_seconds=0.3, backend=sys.argv[2])
    sim.run(1.0, progress=False)           # kernels built (a cold cache takes seconds): the file's
    print("running", flush=True)           # rewrites the test counts from here on are data flushes
    sim.run(1e6, progress=False)           # far longer than the test waits
""")


def start_child(path, backend):
    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(path), backend], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "running"
    return proc


def wait_for_flushes(path, n):
    """Wait until the file was rewritten n times and is quiet (between two flushes)."""
    seen, last = 0, os.stat(path).st_mtime_ns
    deadline = time.time() + 60
    while seen < n and time.time() < deadline:
        time.sleep(0.01)
        mtime = os.stat(path).st_mtime_ns
        if mtime != last:
            seen, last = seen + 1, mtime
    time.sleep(0.05)                      # let the append that changed it close the file


def check_partial_file(path):
    res = sk.load(path)
    duration = res.duration
    sp = res.spikes["src"]
    assert duration > 0
    assert sp.times.size > 0 and sp.times.max() < duration
    expected = 200 * 40.0 * duration / 1000.0
    assert abs(sp.times.size - expected) < 6 * np.sqrt(expected)      # nothing lost or doubled
    return duration


def stop_child_after_flushes(path, sig, flushes, backend):
    proc = start_child(path, backend)
    wait_for_flushes(path, flushes)
    proc.send_signal(sig)
    proc.wait(timeout=30)
    return proc.returncode


def test_sigkill_leaves_a_valid_file_with_everything_flushed(tmp_path, backend):
    out = tmp_path / "killed.h5"
    assert stop_child_after_flushes(out, signal.SIGKILL, 3, backend) == -signal.SIGKILL
    check_partial_file(out)


def test_ctrl_c_writes_everything_recorded_before_stopping(tmp_path, backend):
    out = tmp_path / "interrupted.h5"
    assert stop_child_after_flushes(out, signal.SIGINT, 2, backend) != 0   # KeyboardInterrupt propagated
    duration = check_partial_file(out)
    with h5py.File(out) as f:
        steps = f["spikes/src/timestamps"][:] / 0.1
    assert np.round(steps).max() <= round(duration / 0.1)


def test_save_after_the_run(tmp_path):
    sim = sk.Simulator(small_network(), seed=5).run(30.0)
    sim.save(tmp_path / "later.h5")
    disk = sk.load(tmp_path / "later.h5")
    assert np.array_equal(disk.spikes["exc"].times, sim.results.spikes["exc"].times)
    assert np.array_equal(disk.traces["exc"]["v"].data, sim.results.traces["exc"]["v"].data.astype(np.float32))


# -- rates per recorded neuron -------------------------------------------------------

def test_rate_counts_only_the_recorded_neurons_live_and_from_the_file(tmp_path):
    net = sk.Network(seed=1)
    pop = net.population(100, sk.LIF(tau_refrac=0.0, i_offset=1.0), name="p")   # 36 Hz each
    net.record(pop, "spikes", indices=range(90, 100))
    live = sk.Simulator(net, seed=1).run(200.0, progress=False).results
    sim = sk.Simulator(net, seed=1, output=tmp_path / "r.h5").run(200.0, progress=False)
    disk = sk.load(tmp_path / "r.h5")
    expected = live.spikes["p"].times.size / 10 / 0.2          # spikes per recorded neuron per s
    assert 30.0 < expected < 40.0
    for res in (live, sim.results, disk):
        assert res.spikes["p"].n_recorded == 10
        assert res.rate("p") == pytest.approx(expected)
        assert res.rate(pop) == res.rate("p")
    assert disk.spikes["p"].recorded.tolist() == list(range(90, 100))
    with h5py.File(tmp_path / "r.h5") as f:                      # the file says who was recorded
        assert f["spikes/p/recorded_node_ids"][:].tolist() == list(range(90, 100))


def test_file_backed_results_equal_in_memory_results(tmp_path, batch):
    mem = sk.Simulator(small_network(every=3), seed=5, batch=batch).run(60.0).results
    sim = sk.Simulator(small_network(every=3), seed=5, batch=batch, output=tmp_path / "f.h5")
    sim.run(30.0).run(30.0)
    disk = sim.results
    assert not any(sim.recorder.spike_chunks.values()) and not any(sim.recorder.state_chunks.values())
    for pop in ("src", "exc"):
        for name in ("times", "node_ids", "instances"):
            assert np.array_equal(getattr(mem.spikes[pop], name), getattr(disk.spikes[pop], name))
    for var in ("v", "syn_E"):
        assert np.array_equal(mem.traces["exc"][var].data, disk.traces["exc"][var].data)
        assert np.allclose(mem.traces["exc"][var].times, disk.traces["exc"][var].times)
    assert np.allclose(mem.rate("exc"), disk.rate("exc"))


# -- readers while a run writes (HDF5 SWMR) --------------------------------------------

WRITER = textwrap.dedent("""
    import sys, snnkit as sk
    net = sk.Network(seed=1)
    src = net.population(500, sk.Poisson(rate=40.0), name="src")
    exc = net.population(100, sk.LIFCurrExp(), name="exc")
    net.connect(src, exc, sk.FixedProbability(0.1), weight=0.5)
    net.record(src, "spikes")
    net.record(exc, "v", indices=range(5), every=10)
    sim = sk.Simulator(net, seed=1, output=sys.argv[1], flush_seconds=0.05)
    print("built", flush=True)
    sys.stdin.readline()
    sim.run(1500.0, progress=False)
    sim.run(100.0, progress=False)
    print("done", sim.t, flush=True)
""")

HOLDER = "import h5py, sys, time; f = h5py.File(sys.argv[1], 'r'); print('open', flush=True); time.sleep(120)"


def test_readers_do_not_stop_a_run_and_see_a_growing_valid_file(tmp_path):
    out = tmp_path / "live.h5"
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(out)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    holder = None
    try:
        assert writer.stdout.readline().strip() == "built"
        # a plain h5py reader holds the file open from before the run to after it
        holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(out)], stdout=subprocess.PIPE, text=True)
        assert holder.stdout.readline().strip() == "open"
        writer.stdin.write("go\n")
        writer.stdin.flush()
        seen = []
        deadline = time.time() + 120
        while writer.poll() is None and time.time() < deadline:
            res = sk.load(out)                       # a file that is being written
            sp, v = res.spikes["src"], res.traces["exc"]["v"]
            assert np.all(np.diff(sp.times) >= 0) and np.all(sp.times < res.duration)
            assert v.data.shape[0] == int(res.duration / 1.0 + 1e-9)   # samples every 1 ms
            seen.append((res.duration, sp.times.size))
            time.sleep(0.02)
        assert writer.wait(timeout=60) == 0, "the run died"
        assert writer.stdout.readline().split()[0] == "done"
    finally:
        for proc in (writer, holder):
            if proc is not None and proc.poll() is None:
                proc.kill()
    growing = [d for d, _ in seen if 0 < d < 1500.0]
    assert len(set(growing)) >= 3, seen                  # saw the run at several points
    assert all(a <= b for a, b in zip(seen, seen[1:]))   # never shrinks
    final = sk.load(out)
    assert final.duration == pytest.approx(1600.0)
    assert final.rate("src") == pytest.approx(40.0, rel=0.05)
    with h5py.File(out) as f:                             # closed cleanly: any reader opens it
        assert f.attrs["writing"] == 0

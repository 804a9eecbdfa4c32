"""Partitioned runs over MPI (snnkit.parallel): the same spikes, traces, plastic weights
and counts on 1, 2, 3 and 4 ranks as in one process, bit for bit, on NumPy and OpenCL;
the exchange window and spikes that arrive exactly at its boundary; the merged SONATA
file; each rank's table against the single-process table; the errors.

The MPI runs launch tests/mpi/run_network.py with the mpiexec beside this Python
(``pip install 'snnkit[mpi]'`` brings mpi4py and MPICH), else the one on PATH."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import snnkit as sk
from snnkit.builder import Seeds, lower
from snnkit.parallel.partition import Partition, block
from snnkit.validation import SnnkitValueError

HERE = Path(__file__).parent
SCRIPT = HERE / "mpi" / "run_network.py"


def mpiexec() -> str | None:
    beside = Path(sys.executable).parent / "mpiexec"
    return str(beside) if beside.exists() else shutil.which("mpiexec")


needs_mpi = pytest.mark.skipif(importlib.util.find_spec("mpi4py") is None or mpiexec() is None,
                               reason="needs mpi4py and mpiexec (pip install 'snnkit[mpi]')")


def opencl_available() -> bool:
    from snnkit.backends.opencl_backend import OpenCLBackend
    return OpenCLBackend.is_available()


def single(name: str, backend: str, tmp_path: Path, output: bool = False, batch: int = 1) -> dict:
    """The network run in this process, unpartitioned."""
    spec = importlib.util.spec_from_file_location("run_network", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = tmp_path / f"{name}_{backend}_single.npz"
    module.main(name, backend, str(out), str(tmp_path / "single.h5") if output else None, batch)
    return dict(np.load(out))


def ranks(name: str, backend: str, n: int, tmp_path: Path, output: bool = False, batch: int = 1) -> dict:
    """The network run partitioned over ``n`` ranks."""
    out = tmp_path / f"{name}_{backend}_{n}.npz"
    command = [mpiexec(), "-n", str(n), sys.executable, "-m", "mpi4py", str(SCRIPT), name, backend, str(out),
               str(tmp_path / "ranks.h5") if output else "", str(batch)]
    if not output:
        command[-2] = "-"
    env = dict(os.environ, POCL_MAX_PTHREAD_COUNT="1", OMP_NUM_THREADS="1")
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return dict(np.load(out))


def assert_same(reference: dict, got: dict) -> None:
    for key, value in reference.items():
        assert key in got, key
        assert got[key].dtype == value.dtype and np.array_equal(got[key], value), key


def test_blocks_cover_each_population_once():
    for n in (0, 1, 5, 7, 100):
        for size in (1, 2, 3, 4, 8):
            bounds = [block(n, r, size) for r in range(size)]
            assert bounds[0][0] == 0 and bounds[-1][1] == n
            assert all(a[1] == b[0] for a, b in zip(bounds, bounds[1:]))
            assert max(hi - lo for lo, hi in bounds) - min(hi - lo for lo, hi in bounds) <= 1


def connector_network(connector, weight, delay) -> sk.Network:
    net = sk.Network(seed=4)
    cell = sk.LIFCurrExp()
    a = net.population(37, cell, name="a")
    b = net.population(23, cell, name="b")
    net.connect(a, b, connector, weight=weight, delay=delay)
    net.connect(b, b, sk.FixedProbability(0.3), weight=0.2, delay=0.1, receptor="inhibitory")
    return net


def table_synapses(plan, net, partition=None) -> np.ndarray:
    """(pre, global post, weight, delay) of every table, sorted as the single table is."""
    rows = []
    for table in plan.synapses:
        pre = np.repeat(np.arange(table["n_pre"]), np.diff(table["row_ptr"]))
        post = table["post_index"].astype(np.int64)
        post_group = plan.groups[table["post"]]
        # a rank's group columns -> the whole group's
        gpost = post_group["global_columns"][post] if partition else post
        delay = table["delay"] if np.size(table["delay"]) else np.full(pre.size, table["uniform_delay"])
        rows.append(np.stack([pre, gpost, table["weight"].astype(float), delay.astype(float)], axis=1))
    out = np.concatenate(rows)
    return out[np.lexsort((out[:, 1], out[:, 0]))]


@pytest.mark.parametrize("connector", [sk.FixedProbability(0.2), sk.FixedInDegree(5), sk.FixedOutDegree(4),
                                       sk.FixedTotalNumber(300), sk.AllToAll(), sk.OneToOne()],
                         ids=lambda c: type(c).__name__)
def test_rank_tables_are_the_single_table_cut_by_post(connector):
    """Each rank draws only its posts' synapses from the counters; together they are the
    single-process table, values included (no communicator needed to lower)."""
    if isinstance(connector, sk.OneToOne):
        net = sk.Network(seed=4)
        a = net.population(23, sk.LIFCurrExp(), name="a")
        b = net.population(23, sk.LIFCurrExp(), name="b")
        net.connect(a, b, connector, weight=sk.distributions.Normal(0.5, 0.1), delay=sk.distributions.Uniform(0.1, 2))
    else:
        net = connector_network(connector, sk.distributions.Normal(0.5, 0.1), sk.distributions.Uniform(0.1, 2.0))
    whole = table_synapses(lower(net, 0.1, 1, Seeds.make(3, 1, 4), generate_on_device=False), net)
    parts = []
    for rank in range(3):
        part = Partition(None, rank, 3)
        plan = lower(net, 0.1, 1, Seeds.make(3, 1, 4), partition=part)
        assert plan.placement["b"][2] == np.diff(part.owned(23))[0]
        parts.append(table_synapses(plan, net, part))
    merged = np.concatenate(parts)
    merged = merged[np.lexsort((merged[:, 1], merged[:, 0]))]
    np.testing.assert_array_equal(merged, whole)


def test_unsupported_features_fail_before_work():
    net = sk.Network()
    a = net.population(5, sk.LIFCurrExp(), name="a")
    net.connect(a, a, sk.FixedProbability(0.5), weight=0.1, procedural=True)
    with pytest.raises(SnnkitValueError, match="partitioned.*procedural"):
        lower(net, 0.1, 1, Seeds.make(1, 1), partition=Partition(None, 0, 2))
    with pytest.raises(SnnkitValueError, match="comm"):
        sk.Simulator(net, comm="tcp")


@needs_mpi
@pytest.mark.parametrize("name, counts", [("cuba", (1, 2, 4)), ("brunel_delays", (2, 4)), ("microcircuit", (4,))])
def test_numpy_identical_on_1_2_4_ranks(name, counts, tmp_path):
    reference = single(name, "numpy", tmp_path)
    assert sum(v.size for k, v in reference.items() if k.endswith(".times")) > 50
    for n in counts:
        got = ranks(name, "numpy", n, tmp_path)
        assert_same(reference, got)
    if name == "brunel_delays":                 # the window is the shortest delay: 0.3 ms at dt 0.1
        assert int(got["window"]) == 3 and int(got["exchanges"]) == 400       # 1200 steps / 3


@needs_mpi
def test_stdp_network_learns_the_same_weights(tmp_path):
    reference = single("stdp", "numpy", tmp_path)
    assert reference["cells.times"].size > 10                     # post spikes: potentiation ran
    assert not np.allclose(reference["weight"], reference["weight"].mean())
    got = ranks("stdp", "numpy", 3, tmp_path)
    assert_same(reference, got)
    assert int(got["window"]) == 1                                 # plastic: every step


@needs_mpi
def test_spikes_at_the_window_boundary(tmp_path):
    """Delay 4 steps, so a window of 4: a spike of a window's last step arrives at the next
    window's last step, one of its first step at the next window's first. The target
    fires in the step its input arrives: source step + 4, on any number of ranks."""
    steps = np.array([3, 4, 7, 8, 11, 12, 13, 20])
    expected = np.repeat((steps + 4) * 0.1, 6)
    reference = single("boundary", "numpy", tmp_path)
    np.testing.assert_allclose(reference["target.times"], expected, atol=1e-9)
    np.testing.assert_array_equal(reference["target.nodes"], np.tile(np.arange(6), steps.size))
    for n in (1, 2, 3, 4):
        got = ranks("boundary", "numpy", n, tmp_path)
        assert_same(reference, got)
        assert int(got["window"]) == 4


@needs_mpi
def test_batch_of_three_instances(tmp_path):
    reference = single("brunel_delays", "numpy", tmp_path, batch=3)
    assert set(np.unique(reference["exc.instances"])) == {0, 1, 2}
    assert_same(reference, ranks("brunel_delays", "numpy", 2, tmp_path, batch=3))


@needs_mpi
def test_merged_sonata_file(tmp_path):
    """Each rank writes its own file; rank 0 merges them into ``output``, which reads
    back as the single-process file does."""
    single("brunel_delays", "numpy", tmp_path, output=True)
    ranks("brunel_delays", "numpy", 3, tmp_path, output=True)
    one, three = sk.load(tmp_path / "single.h5"), sk.load(tmp_path / "ranks.h5")
    assert set(one.spikes) == set(three.spikes)
    for pop in one.spikes:
        for field in ("times", "node_ids", "instances"):
            np.testing.assert_array_equal(getattr(one.spikes[pop], field), getattr(three.spikes[pop], field))
    np.testing.assert_array_equal(one.traces["inh"]["v"].data, three.traces["inh"]["v"].data)
    np.testing.assert_array_equal(one.traces["inh"]["v"].node_ids, [100, 3, 50, 0])
    assert one.attrs["duration"] == three.attrs["duration"]
    assert sorted(p.name for p in tmp_path.glob("ranks.rank*of3.h5")) == [f"ranks.rank{r}of3.h5" for r in range(3)]


@needs_mpi
@pytest.mark.skipif(not opencl_available(), reason="needs an OpenCL device")
@pytest.mark.parametrize("name, counts", [("brunel_delays", (4,)), ("stdp", (2,)), ("boundary", (3,))])
def test_opencl_ranks_match_numpy(name, counts, tmp_path):
    reference = single(name, "numpy", tmp_path)
    for n in counts:
        assert_same(reference, ranks(name, "opencl", n, tmp_path))

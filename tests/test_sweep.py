"""snnkit.sweep: a parameter grid in batches (one batched Simulator each) over Dask
or in this process, gathered into one HDF5 file; resumed, retried, validated."""

import os

import h5py
import numpy as np
import pytest

import snnkit as sk
from snnkit.sweeps import parameter_grid

DURATION = 100.0


def network(rate, tau_m):
    """Per-instance input rate; tau_m is structural here (one value a batch)."""
    net = sk.Network()
    src = net.population(60, sk.Poisson(rate=rate[:, None]), name="src")
    cells = net.population(20, sk.LIFCurrExp(tau_m=float(tau_m[0]), tau_refrac=2.0), name="cells")
    net.connect(src, cells, sk.FixedProbability(0.3), weight=1.5, receptor="excitatory")
    net.record(cells, "spikes")
    return net


def single_run(rate, tau_m, seed, structure_seed=0):
    net = network(np.array([rate]), np.array([tau_m]))
    net.seed = structure_seed
    sim = sk.Simulator(net, backend="numpy", seed=seed).run(DURATION, progress=False)
    return sim.results.rate("cells"), sim.results.spikes["cells"].counts(1)[0]


def grid(n_rates=8, taus=(10.0, 20.0)):
    return {"tau_m": list(taus), "rate": np.linspace(20.0, 90.0, n_rates)}


def test_grids_are_products_or_lists_of_points():
    names, values = parameter_grid({"a": [1, 2], "b": [10, 20, 30]})
    assert names == ["a", "b"] and values.tolist() == [[1, 10], [1, 20], [1, 30], [2, 10], [2, 20], [2, 30]]
    names, values = parameter_grid([{"x": 1, "y": 2}, {"x": 3, "y": 4}])
    assert names == ["x", "y"] and values.tolist() == [[1, 2], [3, 4]]
    for bad, match in [({}, "at least one"), ({"a": []}, "non-empty"), ({"a": [np.nan]}, "finite"),
                       ([{"x": 1}, {"y": 2}], r"parameters\[1\]"), ({"not valid": [1]}, "identifiers")]:
        with pytest.raises(sk.SnnkitValueError, match=match):
            parameter_grid(bad)


def test_each_point_equals_its_own_batch_one_run(tmp_path):
    out = tmp_path / "s.h5"
    res = sk.sweep(network, grid(4), DURATION, batch=4, out=out, seed=5, client="serial", backend="numpy")
    assert len(res) == 8 and res.done.all() and res.seed.tolist() == list(range(5, 13))
    for j in range(8):
        rate, counts = single_run(res.parameters["rate"][j], res.parameters["tau_m"][j], 5 + j, 5)
        assert res.rates["cells"][j] == rate
        assert np.array_equal(res.counts["cells"][j], counts)
    assert res.rates["cells"][3] > res.rates["cells"][0]               # the rate did vary per instance
    with h5py.File(out, "r") as f:
        assert f["sweep/parameters/rate"].shape == (8,) and f["sweep/counts/cells"].shape == (8, 20)


def test_a_64_point_grid_on_a_local_cluster_of_two_workers_equals_64_single_runs(tmp_path):
    pytest.importorskip("dask.distributed")
    res = sk.sweep(network, grid(32), DURATION, batch=8, out=tmp_path / "s.h5", client=None, n_workers=2,
                   backend="numpy", progress=False)
    assert len(res) == 64 and res.done.all()
    single = [single_run(r, t, j)[0] for j, (t, r) in
              enumerate(zip(res.parameters["tau_m"], res.parameters["rate"]))]
    assert np.array_equal(res.rates["cells"], single)


class KillOnce:
    """measure() that kills its worker process the first time it sees batch 1."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __call__(self, sim):
        rates = np.atleast_1d(sim.results.rate("cells"))
        if sim.seed[0] == 8 and not os.path.exists(self.marker):      # the batch of points 8..15
            open(self.marker, "w").close()
            os._exit(1)
        return {"rate_again": rates}


def test_a_killed_worker_is_retried_and_nothing_is_lost(tmp_path):
    distributed = pytest.importorskip("dask.distributed")
    marker = tmp_path / "killed"
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        res = sk.sweep(network, grid(8), DURATION, batch=8, out=tmp_path / "s.h5", client=client,
                       measure=KillOnce(marker), backend="numpy", progress=False)
    assert marker.exists() and res.done.all()
    assert np.array_equal(res.measures["rate_again"], res.rates["cells"])
    assert res.rates["cells"][9] == single_run(res.parameters["rate"][9], res.parameters["tau_m"][9], 9)[0]


class FailOnBatch:
    def __init__(self, seed):
        self.seed, self.calls = seed, []

    def __call__(self, sim):
        self.calls.append(int(sim.seed[0]))
        if sim.seed[0] == self.seed:
            raise RuntimeError("this batch fails")
        return {}


def test_a_failed_sweep_keeps_its_rows_and_resumes(tmp_path):
    out = tmp_path / "s.h5"
    failing = FailOnBatch(8)
    with pytest.raises(RuntimeError, match="this batch fails"):
        sk.sweep(network, grid(8), DURATION, batch=4, out=out, client="serial", measure=failing, retries=1,
                 backend="numpy")
    assert failing.calls == [0, 4, 8, 8]                                # retried once, then raised
    done = sk.load_sweep(out).done
    assert done[:8].all() and not done[8:].any()
    again = FailOnBatch(-1)
    res = sk.sweep(network, grid(8), DURATION, batch=4, out=out, client="serial", measure=again, backend="numpy")
    assert again.calls == [8, 12] and res.done.all()                   # only what was missing ran
    fresh = sk.sweep(network, grid(8), DURATION, batch=4, out=tmp_path / "fresh.h5", client="serial",
                     backend="numpy")
    assert np.array_equal(res.counts["cells"], fresh.counts["cells"])


def test_bad_input_is_refused_before_any_run(tmp_path):
    out = tmp_path / "s.h5"
    cases = [(dict(network_factory=lambda **p: 3), "must return an snnkit.Network"),
             (dict(duration=-1.0), "duration"), (dict(batch=0), "batch"),
             (dict(out=tmp_path / "missing" / "s.h5"), "existing folder"),
             (dict(client="cluster"), "client"), (dict(batch_size=2), "batch_size")]
    for change, match in cases:
        kwargs = dict(network_factory=network, parameters=grid(2), duration=DURATION, out=out, client="serial",
                      backend="numpy")
        kwargs.update(change)
        with pytest.raises((sk.SnnkitValueError, TypeError), match=match):
            sk.sweep(**kwargs)
    assert not out.exists()
    sk.sweep(network, grid(2), DURATION, batch=2, out=out, client="serial", backend="numpy")
    with pytest.raises(sk.SnnkitValueError, match="holds another sweep"):
        sk.sweep(network, grid(3), DURATION, batch=2, out=out, client="serial", backend="numpy")
    assert len(sk.sweep(network, grid(3), DURATION, batch=2, out=out, client="serial", backend="numpy",
                        overwrite=True)) == 6


SWEEP_SCRIPT = '''
import numpy as np
import snnkit as sk

parameters = {"rate": [10.0, 40.0, 80.0]}
duration = 100.0


def network(rate, w):
    net = sk.Network(seed=3)
    src = net.population(40, sk.Poisson(rate=rate[:, None]), name="src")
    cells = net.population(10, sk.LIFCurrExp(), name="cells")
    net.connect(src, cells, sk.FixedProbability(0.3), weight=float(w[0]))
    net.record(cells, "spikes")
    return net
'''


def test_cli_sweep_over_a_local_cluster_equals_the_serial_sweep(tmp_path, capsys):
    """The script's factory travels to the Dask workers by value (it is no importable module)."""
    from snnkit.cli import main
    pytest.importorskip("dask.distributed")
    script = tmp_path / "net.py"
    script.write_text(SWEEP_SCRIPT)
    common = ["sweep", str(script), "--param", "w=1,2", "--batch", "3", "--no-progress"]
    assert main(common + ["--workers", "2", "-o", str(tmp_path / "dask.h5")]) == 0
    assert "6 of 6 points done" in capsys.readouterr().out
    assert main(common + ["--serial", "-o", str(tmp_path / "serial.h5")]) == 0
    on_dask, serial = sk.load_sweep(tmp_path / "dask.h5"), sk.load_sweep(tmp_path / "serial.h5")
    assert on_dask.done.all() and np.array_equal(on_dask.rates["cells"], serial.rates["cells"])
    assert np.array_equal(on_dask.parameters["w"], [1, 1, 1, 2, 2, 2])       # --param first: slowest
    assert np.array_equal(on_dask.parameters["rate"], [10, 40, 80, 10, 40, 80])


@pytest.mark.parametrize("extra, message", [(["--param", "w=1:2"], "start:stop:count"),
                                            (["--param", "w"], "NAME=VALUES"),
                                            (["--param", "w=1", "--factory", "nope"], "--factory"),
                                            (["--param", "w=a,b"], "a,b,c")])
def test_cli_sweep_names_bad_input(tmp_path, capsys, extra, message):
    from snnkit.cli import main
    script = tmp_path / "net.py"
    script.write_text(SWEEP_SCRIPT)
    assert main(["sweep", str(script), "--serial", "-o", str(tmp_path / "x.h5")] + extra) == 2
    assert message in capsys.readouterr().err

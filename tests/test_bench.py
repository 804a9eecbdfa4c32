"""snnkit bench: models, sanity checks, the runner and its report (small sizes)."""

import json

import numpy as np
import pytest

from snnkit import Simulator
from snnkit.bench import report, runner
from snnkit.bench.models import brunel, coba, cuba
from snnkit.cli import main
from snnkit.validation import SnnkitValueError


def test_brunel_mean_field_matches_the_threshold_rate_formula():
    # nu_thr = theta / (J C_E tau) = 10 Hz; a neuron with mu far above threshold and tiny
    # noise fires at the deterministic LIF rate 1 / (t_ref + tau ln((mu - V_r) / (mu - theta)))
    assert brunel.NU_THR == pytest.approx(10.0)
    mu = 40.0
    deterministic = 1000.0 / (brunel.T_REF + brunel.TAU_M * np.log((mu - brunel.V_RESET) / (mu - brunel.THETA)))
    assert brunel.siegert_rate(mu, 0.05) == pytest.approx(deterministic, rel=2e-3)
    assert 30.0 < brunel.mean_field_rate() < 45.0


def test_brunel_rejects_sizes_below_the_fixed_in_degree():
    with pytest.raises(SnnkitValueError, match="n = 1000"):
        brunel.build(1000)


def test_cuba_and_coba_sanity_pass_on_a_short_run():
    for model in (cuba, coba):
        sim = Simulator(model.build(4000).network, seed=1)
        sim.run(300.0, progress=False)
        ok, detail = model.sanity(sim.results, 4000)
        assert ok, detail


def test_sanity_fails_a_silent_network():
    summary = runner.Summary(dict(exc=0.0, inh=0.0), dict(exc=float("nan"), inh=float("nan")))
    ok, detail = cuba.sanity(summary, 4000)
    assert not ok and "exc 0.00 Hz" in detail


def test_bench_runs_and_writes_json_markdown_png(tmp_path):
    code = main(["bench", "cuba", "--backends", "numpy,opencl", "--sizes", "1000", "--repeat", "1",
                 "--duration", "50", "--out", str(tmp_path)])
    (js,) = tmp_path.glob("bench_*.json")
    result = json.loads(js.read_text())
    sims = [r["simulator"] for r in result["rows"]]
    assert sims[0] == "snnkit numpy" and all(r["neurons"] == 1000 for r in result["rows"])
    assert result["rows"][0]["ratio_to_baseline"] == 1.0
    assert all(r["build_s"] > 0 and r["sim_s"] > 0 for r in result["rows"])
    # how each repeat stepped: a program or launches, why, and the trial's timings
    assert all(set(s) == {"program", "why_not", "measured_us"} for r in result["rows"] for s in r["stepping"])
    assert result["rows"][0]["stepping"][0]["program"] is False              # NumPy: no programs
    assert "| cuba | 1000 | snnkit numpy |" in js.with_suffix(".md").read_text()
    assert js.with_suffix(".png").stat().st_size > 1000
    # 50 ms is too short for the CUBA check, and a failed check is the exit status
    assert code == (0 if all(r["sanity_ok"] for r in result["rows"]) else 1)


def test_bench_reports_a_missing_peer_instead_of_failing(tmp_path, monkeypatch):
    monkeypatch.setattr(runner, "peer_python", lambda peer, given: None)
    result = runner.run_bench(["cuba"], ["numpy"], ["nest"], [1000], 1, 20.0, {}, log=lambda line: None)
    assert result["skipped"] == ["nest: not installed (give --peer-python nest=/path/to/python)"]
    assert "skipped: nest" in report.markdown(result)


def test_bench_cores_run_each_count_in_its_own_pinned_process(tmp_path):
    """--cores K L: one child process per count, pinned to it; every row says its cores
    and threads, and ratios compare rows of the same cores."""
    import subprocess
    import sys
    from snnkit.bench.cores import available
    counts = ["1", str(len(available()))]
    done = subprocess.run([sys.executable, "-m", "snnkit", "bench", "cuba", "--backends", "numpy", "opencl",
                           "--sizes", "500", "--repeat", "1", "--duration", "20", "--cores", *counts,
                           "--out", str(tmp_path)], capture_output=True, text=True)
    assert done.returncode in (0, 1), done.stderr[-2000:]
    (js,) = tmp_path.glob("bench_*.json")
    rows = json.loads(js.read_text())["rows"]
    assert sorted({r["cores"] for r in rows}) == sorted({int(c) for c in counts})
    for r in rows:
        assert r["ratio_to_baseline"] is not None
        expected = r["cores"] if "pthread" in r["simulator"] else 1
        assert r["threads"] == expected, r
    assert "| cores | threads |" in js.with_suffix(".md").read_text()


@pytest.mark.parametrize("argv, message", [(["bench", "hh"], "model = 'hh'"),
                                           (["bench", "cuba", "--cores", "0"], "--cores = 0"),
                                           (["bench", "cuba", "--peers", "genn"], "--peers = 'genn'"),
                                           (["bench", "cuba", "--repeat", "0"], "--repeat = 0")])
def test_bench_bad_arguments_name_the_parameter(argv, message, capsys):
    assert main(argv) == 2
    assert message in capsys.readouterr().err

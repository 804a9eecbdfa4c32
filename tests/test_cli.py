"""The snnkit command: run (built-in and script), info, plot, errors."""

import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

import snnkit as sk
from snnkit.cli import main


def test_run_builtin_writes_hdf5_and_prints_rates(tmp_path, capsys):
    out = tmp_path / "out.h5"
    assert main(["run", "refractory", "-o", str(out), "--duration", "100"]) == 0
    text = capsys.readouterr().out
    assert "neuron:" in text and "Hz" in text
    res = sk.load(out)
    assert res.duration == 100.0 and res.spikes["neuron"].times.size == 4     # every 21.1 ms


def test_run_a_script_with_batch(tmp_path, capsys):
    script = tmp_path / "model.py"
    script.write_text(textwrap.dedent("""
        import snnkit as sk
        duration = 50.0
        network = sk.Network()
        src = network.population(10, sk.Poisson(rate=100.0), name="src")
        network.record(src, "spikes")
    """))
    out = tmp_path / "s.h5"
    assert main(["run", str(script), "--batch", "2", "-o", str(out), "--no-progress"]) == 0
    assert "instances" in capsys.readouterr().out
    res = sk.load(out)
    assert res.batch == 2 and res.duration == 50.0
    assert set(res.spikes["src"].instances.tolist()) == {0, 1}


def test_info_lists_backends(capsys):
    assert main(["info"]) == 0
    text = capsys.readouterr().out
    assert "numpy" in text and "available" in text and "opencl" in text


def test_plot_writes_a_png(tmp_path):
    out = tmp_path / "c.h5"
    main(["run", "charging", "-o", str(out), "--no-progress"])
    assert main(["plot", str(out), "-o", str(tmp_path / "c.png")]) == 0
    assert (tmp_path / "c.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_bad_arguments_exit_2_with_the_reason(capsys):
    assert main(["run", "nosuchmodel"]) == 2
    assert "model = 'nosuchmodel'" in capsys.readouterr().err
    assert main(["run", "charging", "--dt", "0"]) == 2
    assert main(["run", "charging", "--backend", "cuda9"]) == 2


def one_line_error(capsys, *needles):
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    for needle in needles:
        assert needle in err, err


def test_file_and_script_errors_are_one_line_with_status_2(tmp_path, capsys):
    assert main(["plot", str(tmp_path / "missing.h5")]) == 2
    one_line_error(capsys, "missing.h5: no such file")
    script = tmp_path / "script.py"
    script.write_text("print('hi')\n")
    assert main(["plot", str(script)]) == 2
    one_line_error(capsys, "not an HDF5 file")
    assert main(["run", str(tmp_path / "missing_script.py")]) == 2
    one_line_error(capsys, "missing_script.py", "no such file")
    assert main(["run", "charging", "-o", "/nonexistent_dir/x.h5"]) == 2
    one_line_error(capsys, "/nonexistent_dir", "does not exist")


def test_plot_refuses_a_missing_instance_and_an_empty_file(tmp_path, capsys):
    out = tmp_path / "c.h5"
    main(["run", "charging", "-o", str(out), "--no-progress"])
    capsys.readouterr()
    assert main(["plot", str(out), "--instance", "3"]) == 2
    one_line_error(capsys, "instance = 3", "[0, 1)")
    empty = tmp_path / "empty.h5"
    net = sk.Network()
    net.population(3, sk.LIF(), name="p")
    sk.Simulator(net, output=empty).run(10.0)
    assert main(["plot", str(empty)]) == 2
    one_line_error(capsys, "nothing to plot")


def test_plot_draws_state_traces(tmp_path):
    net = sk.Network()
    pop = net.population(3, sk.LIF(i_offset=1.0), name="p")
    net.record(pop, "v")
    out = tmp_path / "v.h5"
    sk.Simulator(net, output=out).run(50.0)                 # v only, no spikes recorded
    assert main(["plot", str(out), "-o", str(tmp_path / "v.png")]) == 0
    assert (tmp_path / "v.png").stat().st_size > 1000
    from snnkit.plotting import plot_results
    assert plot_results(sk.load(out), tmp_path / "w.png") == ["p.v (mV)"]
    net.record(pop, "spikes")
    sk.Simulator(net, output=out).run(50.0)
    assert plot_results(sk.load(out), tmp_path / "w.png") == ["neuron", "rate (Hz, 5 ms bins)", "p.v (mV)"]


def test_demos_print_what_they_show(tmp_path, capsys):
    out = tmp_path / "stdp.h5"
    assert main(["run", "stdp_neuron", "--duration", "200", "-o", str(out), "--no-progress"]) == 0
    text = capsys.readouterr().out
    assert "final weights, fraction of w_max" in text and "0.4-0.5" in text
    saved = np.load(tmp_path / "stdp.weights.npz")
    assert saved["weight_uS"].size == 1000 and saved["pre"].size == 1000
    assert main(["run", "fi_curve", "--duration", "300", "--no-progress"]) == 0
    text = capsys.readouterr().out
    assert "f-I curve" in text and "5.00 nA" in text


def test_learn_without_scikit_learn_names_the_extra(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "sklearn", None)        # import sklearn now fails
    assert main(["learn", "digits", "--epochs", "1"]) == 2
    one_line_error(capsys, "scikit-learn", "snnkit[learn]")


def test_help_shows_defaults_and_the_models(capsys):
    for command in ("run", "plot", "learn"):
        with pytest.raises(SystemExit):
            main([command, "--help"])
        text = capsys.readouterr().out
        assert "(default: " in text, command
    with pytest.raises(SystemExit):
        main(["run", "--help"])
    text = capsys.readouterr().out
    assert "CUBA (Vogels & Abbott 2005)" in text and "stdp_neuron" in text


def test_ctrl_c_during_run_prints_one_line_and_exits_130(tmp_path):
    out = tmp_path / "cuba.h5"
    proc = subprocess.Popen([sys.executable, "-m", "snnkit", "run", "cuba", "--duration", "1e7", "-o", str(out),
                             "--no-progress"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout.readline().startswith("snnkit: cuba")
    deadline = time.time() + 60
    while time.time() < deadline and sk.load(out).duration < 100.0:
        time.sleep(0.1)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert "Traceback" not in err and "interrupted at t = " in err and str(out) in err, err
    t = float(err.split("interrupted at t = ")[1].split()[0])
    assert sk.load(out).duration == pytest.approx(t)

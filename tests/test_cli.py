"""The snnkit command: run (built-in and script), info, plot, errors."""

import textwrap

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

"""First use: package metadata and licence, missing extras named, progress in
biological time, a short summary of results."""

import io
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import snnkit as sk

ROOT = Path(__file__).resolve().parent.parent


def test_licence_and_metadata():
    assert (ROOT / "LICENSE").read_text().startswith("BSD 3-Clause License")
    setup = (ROOT / "setup.py").read_text()
    for needed in ('license="BSD-3-Clause"', 'license_files=["LICENSE"]', "python_requires=", "classifiers=",
                   "Intended Audience :: Science/Research"):
        assert needed in setup, needed


def test_every_source_folder_is_a_package_the_wheel_installs():
    """setup.py finds packages by their __init__.py: a folder without one is left out of
    the wheel, and an installed snnkit then fails at import."""
    folders = {p.parent for p in (ROOT / "snnkit").rglob("*.py") if "__pycache__" not in p.parts}
    missing = sorted(str(f.relative_to(ROOT)) for f in folders if not (f / "__init__.py").exists())
    assert not missing, f"folders without __init__.py (not installed): {missing}"


@pytest.mark.parametrize("module, missing, extra", [("snnkit_pynn", "pyNN", "pynn"),
                                                    ("snnkit_pynn", "neo", "pynn"),
                                                    ("snnkit_nengo", "nengo", "nengo")])
def test_a_frontend_without_its_extra_names_the_extra(module, missing, extra):
    code = textwrap.dedent(f"""
        import sys
        sys.modules[{missing!r}] = None          # as if not installed
        try:
            import {module}
        except ModuleNotFoundError as err:
            print(err)
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120).stdout
    assert f"pip install 'snnkit[{extra}]'" in out, out


def test_the_progress_bar_counts_biological_time(monkeypatch):
    net = sk.Network()
    net.population(5, sk.LIF(), name="p")
    err = io.StringIO()
    monkeypatch.setattr(sys, "stderr", err)
    sk.Simulator(net).run(200.0, progress=True)
    text = err.getvalue()
    assert "200.0/200.0 ms" in text and "step" not in text, text


def test_results_print_as_a_short_summary():
    net = sk.Network()
    pop = net.population(1000, sk.LIF(i_offset=1.0), name="p")
    net.record(pop, "spikes")
    net.record(pop, "v", indices=range(100))
    res = sk.Simulator(net).run(100.0).results
    text = repr(res)
    assert len(text.splitlines()) == 3 and len(text) < 400, text
    assert "spikes p:" in text and "trace p.v: 1000 samples of 100 neurons (mV)" in text
    assert "1000 samples x 1 instances x 100 neurons" in repr(res.traces["p"]["v"])

"""``snnkit train``: Fang et al.'s PLIF network on scikit-learn's digits, the held-out
split snnkit.learning uses: at least 98% held out after 15 epochs (learnable tau); the
command line, its checkpoint and its errors."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("sklearn")

from snnkit.cli import main  # noqa: E402
from snnkit.learning import datasets  # noqa: E402
from snnkit.training.fit import fit  # noqa: E402


def test_plif_network_reaches_98_percent_on_digits():
    result = fit(datasets.digits(), epochs=15, steps=8, learn_tau=True, progress=False)
    assert result["test_accuracy"] >= 0.98, result["test_accuracy"]
    assert len(result["taus"]) == 4 and all(t != 2.0 for t in result["taus"])     # tau learned, per layer


def test_command_line_writes_a_checkpoint(tmp_path, capsys):
    out = tmp_path / "plif.pt"
    assert main(["train", "digits", "--epochs", "1", "--steps", "2", "--fixed-tau", "--no-progress",
                 "-o", str(out)]) == 0
    saved = torch.load(out)
    assert saved["learn_tau"] is False and saved["taus"] == [2.0, 2.0, 2.0, 2.0]
    assert "held-out accuracy" in capsys.readouterr().out


def test_command_line_errors(capsys):
    assert main(["train", "digits", "--epochs", "0"]) == 2
    assert "--epochs" in capsys.readouterr().err
    assert main(["train", "mnist"]) == 2
    assert "--data" in capsys.readouterr().err

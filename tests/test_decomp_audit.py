"""Decompositional extraction and the linear learner's hinges met with odd inputs: concept rules scored
with one reading of the network, a knot count refused before any knot is built, and networks of odd
shapes read or refused saying why."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import symdistill as sd  # noqa: E402
from symdistill.teachers import activations  # noqa: E402


def _net(widths: list[int], seed: int = 0) -> torch.nn.Sequential:
    """An untrained ReLU net of the given widths (inputs first, classes last), seeded."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        mods: list[torch.nn.Module] = []
        for a, b in zip(widths[:-2], widths[1:-1]):
            mods += [torch.nn.Linear(a, b), torch.nn.ReLU()]
        return torch.nn.Sequential(*mods, torch.nn.Linear(widths[-2], widths[-1])).eval()


@pytest.fixture
def readers_made(monkeypatch) -> list[int]:
    """The torch activation readers made (each traces the network once, with a hook on every module)."""
    made: list[int] = []
    init = activations.TorchActivations.__init__

    def counted(self, *args, **kwargs) -> None:
        made.append(1)
        init(self, *args, **kwargs)

    monkeypatch.setattr(activations.TorchActivations, "__init__", counted)
    return made


def test_concept_rules_scored_many_times_on_the_same_rows_trace_the_network_once(readers_made) -> None:
    """A frontier of concept rules scores every point on its held-out rows through one TeacherAnswers: each
    point made (and traced) another activation reader of the same network for the same rows."""
    from symdistill.api import TeacherAnswers

    net, X = _net([3, 6, 4, 2]), np.random.default_rng(0).uniform(size=(400, 3))
    models = [sd.distill(net, X, form="rules", layer="2", max_size=k, random_state=0, progress=False)
              for k in (2, 4)]
    answers = TeacherAnswers(sd.as_teacher(net), X)
    readers_made.clear()
    scores = [answers.fidelity(m).value for m in models]
    assert len(readers_made) == 1
    assert scores == [sd.fidelity(m, net, X).value for m in models]


def test_evaluate_reads_concept_rules_activations_with_one_reader(readers_made, tmp_path, monkeypatch,
                                                                 capsys) -> None:
    """symdistill evaluate --label of concept rules made one activation reader for the fidelity and another
    for the accuracy against the labels, tracing the network twice; the scores are those of sd.fidelity
    and sd.accuracy."""
    pd = pytest.importorskip("pandas")
    from symdistill.cli import main

    (tmp_path / "decomp_audit_net.py").write_text(
        "import torch\ntorch.manual_seed(0)\nnet = torch.nn.Sequential(torch.nn.Linear(3, 6), torch.nn.ReLU(), "
        "torch.nn.Linear(6, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2)).eval()\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    net = __import__("decomp_audit_net").net
    X = np.random.default_rng(0).uniform(size=(400, 3))
    rules = sd.distill(net, X, form="rules", layer="2", max_size=4, random_state=0, progress=False)
    y = (X[:, 0] > 0.5).astype(int)
    pd.DataFrame(X, columns=["x0", "x1", "x2"]).assign(y=y).to_csv(tmp_path / "rows.csv", index=False)
    rules.to_json(tmp_path / "concepts.json")
    readers_made.clear()
    assert main(["evaluate", str(tmp_path / "concepts.json"), "--teacher", "decomp_audit_net:net",
                 "--data", str(tmp_path / "rows.csv"), "--label", "y"]) == 0
    assert len(readers_made) == 1
    out = capsys.readouterr().out
    assert f"fidelity {sd.fidelity(rules, net, X).value:.4f}" in out
    assert f"against --label y: accuracy {sd.accuracy(rules, X, y, teacher=net).value:.4f}" in out

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


@pytest.mark.parametrize("gib, limit", [(2.0, "268,435,456"), (0.5, "67,108,864")])
def test_hinges_at_more_knots_than_any_design_holds_are_refused_before_a_knot_is_made(gib, limit) -> None:
    """hinges=True with n_knots=10**9 made its 10**9 quantile levels (8 GB) and their quantiles for every
    feature before the design check could refuse the design they make (a feature's knots between two of
    its values are distinct, and each is two columns: at least about 2 x n_knots values): a MemoryError,
    or minutes of work, instead of an answer. It is now refused as the options are checked, naming n_knots
    and the limit; hinges at n_knots within it are left to the design check."""
    X = np.random.default_rng(0).normal(size=(50, 2))
    with pytest.raises(ValueError, match=rf"^n_knots=1000000000 is over the linear learner's limit of {limit} "
                                         rf"knots \(max_design_gib={gib:g}\).*ask for fewer knots \(n_knots\)"):
        sd.distill(lambda X: X.sum(axis=1), X, form="linear", task="regression", hinges=True, n_knots=10**9,
                   max_design_gib=gib)
    with pytest.raises(ValueError, match=r"n_knots=1000000000 is over"):
        sd.frontier(lambda X: X.sum(axis=1), X, forms=["linear"], sizes=[2], task="regression",
                    form_options={"linear": {"hinges": True, "n_knots": 10**9}}, progress=False)


def test_concept_rules_of_a_regressor_are_refused_naming_layer() -> None:
    """layer= of a regression network was refused as any decompositional fit is, with advice to drop
    method='decompositional' (which the user had not given, and whose pedagogical rules cannot read a
    layer's concepts). The refusal now says concept rules (layer=) need a classifier, and that the input
    features' rules, form='rules' without layer=, take a regressor."""
    X = np.random.default_rng(0).uniform(size=(200, 3))
    with pytest.raises(ValueError, match=r"^concept rules \(layer=\) need a classifier; torch Sequential is a regressor "
                                         r"\(for regression, distil the input features: leave out layer="):
        sd.distill(_net([3, 4, 1]), X, form="rules", layer=0, task="regression")
    with pytest.raises(ValueError, match=r"^decompositional rule extraction needs a classifier; .* form='rules' without "
                                         r"method='decompositional'"):
        sd.distill(_net([3, 4, 1]), X, form="rules", method="decompositional", task="regression")


@pytest.mark.parametrize("options, subject", [
    ({"method": "decompositional"}, r"unit '0\[\d\]' of hidden layer '0' reaches"),
    ({"layer": 0, "concept_names": ["a", "b", "c", "d"]}, r"unit '[abcd]' of hidden layer '0' reaches"),
])
def test_values_beyond_float32_are_refused_naming_the_column(options, subject) -> None:
    """The trees that read a layer's activations and rewrite its clauses over the inputs are scikit-learn's,
    which read float32: a float64 network on rows near 1e300 failed in scikit-learn with "Input X contains
    infinity or a value too large for dtype('float32')", naming no column to a user who gave no float32.
    The refusal now names the unit (or the input feature) and float32's range."""
    net = _net([3, 4, 2]).double()
    X = np.random.default_rng(0).uniform(0.5, 1, size=(300, 3)) * 1e300
    with pytest.raises(ValueError, match=r"^decompositional extraction fits scikit-learn trees, which read float32 "
                                         rf"numbers, and {subject} [\d.]+e\+\d+, beyond float32's range \(3.4e\+38\)"):
        sd.distill(net, X, form="rules", max_size=4, random_state=0, progress=False, **options)
    with torch.no_grad():  # a first layer that shrinks the rows: its units fit float32, the input features do not
        net[0].weight.mul_(1e-290)
    with pytest.raises(ValueError, match=r"and input feature 'x\d' reaches [\d.]+e\+299, beyond float32's range"):
        sd.distill(net, X, form="rules", method="decompositional", max_size=4, random_state=0, progress=False)


class _Named(torch.nn.Module):
    """Inputs -> enc (ReLU) -> mid (no activation) -> hid (Tanh) -> head."""

    def __init__(self) -> None:
        super().__init__()
        self.enc, self.act = torch.nn.Linear(3, 4), torch.nn.ReLU()
        self.mid, self.hid, self.squash = torch.nn.Linear(4, 4), torch.nn.Linear(4, 3), torch.nn.Tanh()
        self.head = torch.nn.Linear(3, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.squash(self.hid(self.mid(self.act(self.enc(x))))))


@pytest.mark.parametrize("layer, why", [
    ("head", "'head' is no hidden layer: the output layer (a Linear with no activation module after it)"),
    ("mid", "'mid' is no hidden layer: a Linear with no activation module after it (a linear map into the next "
            "layer)"),
    ("nope", None),
])
def test_a_layer_named_that_is_no_hidden_layer_is_told_why(layer, why) -> None:
    """layer='head' (the network's output Linear, a module it has) was refused as 'unknown layer', as a name it
    does not have is: the refusal now says what the module is (the output layer, a Linear with no activation
    after it); a name of no module is refused as before."""
    X = np.random.default_rng(0).uniform(size=(200, 3))
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        net = _Named().eval()
    for options in ({"layer": layer}, {"method": "decompositional", "layers": [layer]}):
        with pytest.raises(ValueError, match=r"^unknown layer") as got:
            sd.distill(net, X, form="rules", **options)
        message = str(got.value)
        assert message.startswith(f"unknown layer {layer!r}; hidden layers are 'enc', 'hid' (or their positions 0..1)")
        assert message.endswith(f"(or their positions 0..1); {why}" if why else "(or their positions 0..1)")


def test_hinges_over_the_design_limit_are_refused_before_their_terms_are_made(monkeypatch) -> None:
    """The design check counted the candidate terms once they were made: hinges at n_knots=10**6 (4,000,000
    terms on two features) took 50 s to make before the check refused them. They are now counted from the
    knots and refused before any hinge term is made, with the same message."""
    from symdistill.models.linear import Term

    made: list[int] = []
    hinge = Term.hinge

    def counted(cls, *args, **kwargs):
        made.append(1)
        return hinge(*args, **kwargs)

    monkeypatch.setattr(Term, "hinge", classmethod(counted))
    X = np.random.default_rng(0).normal(size=(300, 2))
    with pytest.raises(ValueError, match=r"^20,002 candidate terms \(with hinges at n_knots=5000\) need a 300-row "
                                         r"design matrix of 6e\+06 values .*limit of 1.34e\+05 \(max_design_gib=0.001\)"):
        sd.distill(lambda X: X.sum(axis=1), X, form="linear", task="regression", hinges=True, n_knots=5000,
                   n_samples=300, max_design_gib=0.001)
    assert not made
    sd.distill(lambda X: X.sum(axis=1), X, form="linear", task="regression", hinges=True, n_knots=3, n_samples=300)
    assert len(made) == 12  # within the limit, the hinges are made as before: 3 knots, 2 directions, 2 features

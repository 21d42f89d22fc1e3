"""Decompositional extraction on features float32 cannot resolve: the scikit-learn trees it fits read
float32, whose steps near a Unix timestamp (1.7e9) are 128 seconds wide."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import symdistill as sd  # noqa: E402
from symdistill.learners import decompositional  # noqa: E402

T0 = 1.7e9  # a Unix timestamp: float32 holds only its multiples of 128 here


def _band_net(start: float, width: float) -> torch.nn.Sequential:
    """A float64 network whose class 1 is the band of seconds ``T0 + start < t < T0 + start + width``
    (less a millisecond at each end) of its input 0: two ReLU units at the band's start and middle."""
    net = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.ReLU(), torch.nn.Linear(2, 2)).double()
    with torch.no_grad():
        net[0].weight.copy_(torch.tensor([[1.0, 0.0], [1.0, 0.0]]))
        net[0].bias.copy_(torch.tensor([-(T0 + start), -(T0 + start + width / 2)], dtype=torch.float64))
        net[2].weight.copy_(torch.tensor([[0.0, 0.0], [1.0, -2.0]]))
        net[2].bias.copy_(torch.tensor([0.0, -1e-3]))
    return net.eval()


def _timestamps(n: int = 4000) -> np.ndarray:
    rng = np.random.default_rng(0)
    return np.column_stack([T0 + rng.uniform(0, 1000, n), rng.uniform(0, 1, n)])


@pytest.mark.parametrize("start, width", [(437.3, 20.0), (700.1, 40.0)])
def test_a_band_of_seconds_on_a_timestamp_feature_is_found(start, width) -> None:
    """A band of 20 or 40 seconds of a timestamp straddling one of float32's 128-second steps: the trees
    rewriting the clauses over the inputs saw the band's rows rounded together with their neighbours,
    wrote no rule for it, and the decompositional rules were 'ALWAYS 0' (fidelity 0.978 and 0.961 where
    the pedagogical rules, which read float64, have 1.0). The columns are centred before float32 reads
    them, so the band is found as the pedagogical rules find it."""
    X, net = _timestamps(), _band_net(start, width)
    rules = sd.distill(net, X, form="rules", method="decompositional", max_size=8, random_state=0, progress=False)
    pedagogical = sd.distill(net, X, form="rules", max_size=8, random_state=0, progress=False)
    assert sd.fidelity(pedagogical, net, X).value == 1.0
    assert sd.fidelity(rules, net, X).value >= 0.999
    assert len(rules.rules) >= 1


def test_tree_boxes_split_the_rows_as_the_fitted_tree_split_them(monkeypatch) -> None:
    """The boxes read off a layer or substitution tree hold exactly the rows of its leaves. The tree split
    float32 values at midpoints of them, which the boxes compared with the float64 rows: T0 + 192, halfway
    between float32's T0 + 128 and T0 + 256, rounds to the even T0 + 256 and the tree sent it right of
    T0 + 192, where the box of the left leaf held it. Each threshold is now a midpoint of two float64
    values of the rows, with the rows the tree sent left below it."""
    from sklearn.tree import DecisionTreeClassifier

    fitted: list = []
    fit = DecisionTreeClassifier.fit

    def keep(self, X, y, *args, **kwargs):
        fitted.append((self, X))
        return fit(self, X, y, *args, **kwargs)

    monkeypatch.setattr(DecisionTreeClassifier, "fit", keep)
    seconds = np.concatenate([np.arange(0, 1024, 64.0), np.arange(1, 1024, 64.0), np.arange(1.5, 1024, 64.0)])
    x = np.column_stack([T0 + seconds, np.zeros(len(seconds))])
    target = (np.arange(len(seconds)) % 3 == 1).astype(np.int64) | ((seconds // 64) % 3 == 0)
    learner = decompositional.DecompositionalRuleLearner(random_state=0)
    learner._min_rows = 1
    table = decompositional._Table.of(x, "input feature {}", ["t", "z"])
    boxes = learner._tree_boxes(table, target, [64], seed=0)[0]
    (tree, x32), = fitted
    leaf = tree.apply(x32)
    assert len(boxes) == len(np.unique(leaf)) > 8
    for r in range(len(boxes)):  # each box holds the rows of one leaf
        assert np.array_equal(boxes.cover[r], leaf == leaf[np.argmax(boxes.cover[r])])


def test_concept_rules_find_a_band_on_a_hidden_unit_far_from_zero() -> None:
    """A hidden unit whose activations are timestamps (a ReLU passing input 0 on) was cut in float32's steps
    of 128 seconds by the concept rules' layer trees too: a band of 20 seconds of it went unseen, 'ALWAYS 0'
    (agreement 0.978). Its activations are centred before float32 reads them, so the band is found."""
    band = _band_net(437.3, 20.0)
    net = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.ReLU(), *band).double().eval()
    with torch.no_grad():
        net[0].weight.copy_(torch.eye(2, dtype=torch.float64))
        net[0].bias.zero_()
    X = _timestamps()
    rules = sd.distill(net, X, form="rules", layer="0", concept_names=["t", "u"], max_size=8, random_state=0,
                       progress=False)
    assert sd.fidelity(rules, net, X).value >= 0.999
    assert {rules.domain.feature_names[c.feature] for rule in rules.rules for c in rule.conditions} == {"t"}

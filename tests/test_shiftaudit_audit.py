"""Fidelity under shift as a user of robustness tools meets it: the shifts asked for, the report's figure."""

from __future__ import annotations

import numpy as np
import pytest

import symdistill as sd
from symdistill.frontier import Frontier
from symdistill.shift import shifted_fidelity


def _net(X: np.ndarray) -> np.ndarray:
    return (X[:, 0] + X[:, 1] > 1).astype(int)


def _front() -> Frontier:
    X = np.random.default_rng(0).uniform(size=(300, 3))
    return sd.frontier(_net, X, forms=["tree"], sizes=[2, 4], n_samples=500, random_state=0)


def test_a_report_takes_its_shifts_from_a_generator() -> None:
    """sd.report read the shifts once to check them and again to score them: a generator (a severity
    sweep, ``(("noise", s) for s in ...)``) was empty the second time, and the report stopped after its
    work with 'shifts is empty'."""
    pytest.importorskip("matplotlib")
    rep = sd.report(_front(), path=None, shifts=(("noise", s) for s in (0.1, 0.3)))
    labels = [[r.shift.label for r in res] for res in rep.shifts.values()]
    assert labels and all(row == ["noise (0.1 sd)", "noise (0.3 sd)"] for row in labels)
    assert all(r.score is not None for res in rep.shifts.values() for r in res)


def test_shifts_given_as_a_dict_of_severities_are_refused_not_read_as_their_kinds() -> None:
    """shifts={'noise': 0.3, 'outside': 1.0} was read as its keys: noise at 0.1 and outside at 0.25
    were scored, the severities asked for dropped without a word."""
    X = np.random.default_rng(0).uniform(size=(200, 2))
    tree = sd.distill(_net, X, max_size=2, random_state=0, n_samples=300)
    with pytest.raises(TypeError, match=r"shifts=\[\('noise', 0\.3\), \('outside', 1\.0\)\]"):
        shifted_fidelity(tree, _net, X, shifts={"noise": 0.3, "outside": 1.0})
    res = shifted_fidelity(tree, _net, X, shifts=[("noise", 0.3), ("outside", 1.0)])
    assert [r.shift.label for r in res] == ["noise (0.3 sd)", "outside range (margin 1)"]

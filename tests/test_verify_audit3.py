"""Verification audited as a demanding user: options that have no meaning for the model are refused."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import symdistill as sd
from symdistill.domain import Domain
from symdistill.verify.api import check_constraint
from symdistill.verify.language import ConstraintError


def _teacher(X: Any) -> np.ndarray:
    X = np.asarray(X, dtype=float)
    return (X[:, 0] + X[:, 1] > 5).astype(int)


@pytest.fixture(scope="module")
def classifier() -> Any:
    X = np.random.default_rng(0).uniform(0, 5, (400, 2))
    return sd.distill(_teacher, X, max_size=4, random_state=0, feature_names=["x", "y"])


@pytest.mark.parametrize("backend", ["direct", "z3"])
def test_robust_tolerance_on_a_classifier_is_refused(classifier: Any, backend: str) -> None:
    # tolerance= is how far a regressor's value may move; on a classifier it was silently ignored,
    # so a user asking for "robust up to 0.5" got a verdict on plain class robustness instead
    with pytest.raises(ValueError, match=r"robust: tolerance.*regressor.*classifier"):
        sd.verify(classifier, sd.robust({"x": 2.5, "y": 2.5}, 0.1, tolerance=0.5), backend=backend)
    with pytest.raises(ValueError, match=r"robust: tolerance.*regressor.*classifier"):
        check_constraint(sd.robust({"x": 2.5, "y": 2.5}, 0.1, tolerance=0.5), classifier.domain,
                         "classification", classifier.classes)
    # the default tolerance, 0, stays accepted
    assert sd.verify(classifier, sd.robust({"x": 0.5, "y": 0.5}, 0.1), backend=backend).holds


def test_robust_tolerance_on_a_regressor_still_counts() -> None:
    X = np.random.default_rng(0).uniform(0, 5, (400, 2))
    reg = sd.distill(lambda X: np.asarray(X, dtype=float)[:, 0], X, max_size=8, random_state=0)
    dom = Domain.from_data(X)
    check_constraint(sd.robust([2.5, 2.5], 0.1, tolerance=100.0), dom, "regression")
    assert sd.verify(reg, sd.robust([2.5, 2.5], 0.1, tolerance=100.0)).holds


@pytest.mark.parametrize("text, position, message", [
    ("x == c", 0, "categorical feature 'c' compares with a label (a string or number), not with feature 'x'"),
    ("c == d", 5, "categorical feature 'c' compares with a label (a string or number), not with feature 'd'"),
    ("prediction == c", 14,
     "a classifier's prediction compares with a label (a string or number), not with feature 'c'"),
    ("c == prediction", 5,
     "categorical feature 'c' compares with a label (a string or number), not with the prediction"),
])
def test_a_label_compared_with_a_feature_names_both_sides(text: str, position: int, message: str) -> None:
    # the error said only "expected a label (a string or number) here", naming neither the
    # categorical feature (or prediction) nor what it was compared with
    rng = np.random.default_rng(0)
    X = np.column_stack([rng.uniform(0, 5, 200), rng.integers(0, 3, 200), rng.integers(0, 2, 200)])
    tree = sd.distill(lambda X: (np.asarray(X, dtype=float)[:, 0] > 2).astype(int), X, max_size=2,
                      random_state=0, feature_names=["x", "c", "d"], categorical=["c", "d"])
    with pytest.raises(ConstraintError) as err:
        sd.verify(tree, text)
    assert str(err.value).splitlines()[0] == message
    assert err.value.position == position


def test_invariant_given_a_list_says_how_to_name_several() -> None:
    # sd.robust takes features=[...], sd.invariant takes the names as arguments: a list given to it
    # was refused as "invariant takes feature names (str), got ['b', 'c']", not saying how to pass them
    with pytest.raises(TypeError, match=r"got \['b', 'c'\]; pass several as separate arguments: "
                                        r"sd.invariant\('b', 'c'\)"):
        sd.invariant(["b", "c"])
    with pytest.raises(TypeError, match=r"invariant takes feature names \(str\), got 3: feature names are text, '3' "
                                        r"\(sd\.invariant\('3'\)\)$"):
        sd.invariant(3)
    assert sd.invariant(*["b", "c"]).features == ("b", "c")

"""Verification audited as a demanding user: options that have no meaning for the model are refused."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import symdistill as sd
from symdistill.domain import Domain
from symdistill.verify.api import check_constraint


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

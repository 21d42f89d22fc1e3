"""sd.fidelity / sd.accuracy: a model scored against a teacher of the other task, or something that is no model."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import symdistill as sd

X = np.random.default_rng(0).uniform(size=(200, 4))


def good(X: Any) -> np.ndarray:
    X = np.asarray(X, dtype=float)
    return (X[:, 0] + X[:, 1] > 1).astype(int)


def double(X: Any) -> np.ndarray:
    return np.asarray(X, dtype=float)[:, 0] * 2.0


def test_fidelity_refuses_a_task_mismatch() -> None:
    tree = sd.distill(good, X, max_size=4, random_state=0, n_samples=400)
    reg = sd.distill(double, X, max_size=4, random_state=0, n_samples=400)
    with pytest.raises(ValueError, match="regression model but the teacher answers as a classification model"):
        sd.fidelity(reg, good, X)
    with pytest.raises(ValueError, match="classification model but the teacher answers as a regression model"):
        sd.fidelity(tree, double, X)
    assert float(sd.fidelity(tree, good, X)) > 0.8
    assert float(sd.fidelity(reg, double, X)) > 0.8


def test_fidelity_and_accuracy_name_what_a_model_is() -> None:
    with pytest.raises(TypeError, match="fidelity: model must be a symdistill model .* got str"):
        sd.fidelity("not a model", good, X)
    with pytest.raises(TypeError, match="accuracy: model must be a symdistill model .* got NoneType"):
        sd.accuracy(None, X, good(X))

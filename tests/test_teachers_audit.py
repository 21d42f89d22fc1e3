"""Teachers as users bring them from the wild: torch modules, scikit-learn estimators, ONNX models and callables
that answer at random, sit on a device that holds no data, or take another kind of input."""

from __future__ import annotations

import numpy as np
import pytest

import symdistill as sd
from symdistill._errors import TeacherError


def test_fidelity_refuses_a_teacher_that_answers_the_same_rows_differently():
    """sd.fidelity (and symdistill evaluate) against a network with dropout left on in its forward gave a
    number with no word, a different one at each call (0.68 for a tree that agreed with the network's mean
    answer), where distill refused the same teacher as not deterministic."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 3))
    tree = sd.distill(lambda X: (X[:, 0] > 0).astype(int), X, max_size=2, random_state=0)
    noise = np.random.default_rng(1)

    def noisy(X):
        return (X[:, 0] + noise.normal(size=len(X)) > 0).astype(int)

    with pytest.raises(TeacherError, match=r"^callable .*noisy is not deterministic: two calls on the same 32 rows"):
        sd.fidelity(tree, noisy, X)
    assert sd.fidelity(tree, lambda X: (X[:, 0] > 0).astype(int), X).value == 1.0


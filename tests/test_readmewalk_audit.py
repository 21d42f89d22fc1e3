"""README.md walked as a new user: its examples and statements checked against what the library does.

Each test names the README passage it holds to, so an example cannot silently drift from the code again.
"""

from __future__ import annotations

import numpy as np
import pytest

import symdistill as sd
from symdistill.metrics import wilson_interval


@pytest.mark.parametrize("n", [3, 10, 13, 25, 171])
def test_a_perfect_or_null_score_interval_holds_its_own_value(n):
    """README: fidelity is 'agreement with a 95% Wilson interval'. At n of n rows agreeing the interval's
    high end was 0.9999999999999999 for n = 10, 13, 25, ... (below the value 1.0), and at 0 of n its low end
    5.6e-17 (above the value 0.0): centre -/+ half rounded. Each end is now exactly 1 and 0 there."""
    assert wilson_interval(n, n)[1] == 1.0 and wilson_interval(0, n)[0] == 0.0
    X = np.arange(n, dtype=float).reshape(-1, 1)
    teacher = lambda X: (np.asarray(X)[:, 0] >= 1).astype(int)  # noqa: E731
    tree = sd.distill(teacher, X, max_size=2, random_state=0, progress=False)
    score = sd.fidelity(tree, teacher, X, progress=False)
    assert score.value == 1.0 and score.low <= score.value <= score.high == 1.0
    nothing = sd.accuracy(tree, X, 1 - teacher(X))
    assert nothing.value == 0.0 and nothing.low == 0.0 <= nothing.high

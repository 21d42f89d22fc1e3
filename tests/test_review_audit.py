"""Regression tests from the review of the day's audit fixes (8d8deed..ef54502)."""

from __future__ import annotations

import numpy as np
import pytest

from symdistill.learners import decompositional
from symdistill.learners._splits import _midpoints


def _held_bytes(obj: object) -> int:
    """Bytes of the NumPy arrays an object holds in its attributes (and in their dicts and tuples)."""
    def walk(v: object) -> int:
        if isinstance(v, np.ndarray):
            return v.nbytes
        if isinstance(v, dict):
            return sum(walk(w) for w in v.values())
        if isinstance(v, (tuple, list)):
            return sum(walk(w) for w in v)
        return 0
    return walk(vars(obj))


def test_a_decompositional_table_sorts_only_the_columns_its_trees_split() -> None:
    """The float32 centring (9b4ac09) kept two sorted float64 copies of every column of every table, a
    200,000 x 128 hidden layer's 684 MiB where its two copies are 293 (and 6 s to sort), for columns no
    tree may split. A column is now sorted at its first split, and the cuts are the same midpoints."""
    rng = np.random.default_rng(3)
    F = rng.normal(size=(400, 6)) * [1, 1e9, 1, 1, 1, 1] + [0, 1.7e9, 0, 0, 0, 0]
    F[::7, 2] = -0.0
    F[1::7, 2] = 0.0
    F[:50, 4] = 3.0  # ties
    table = decompositional._Table.of(F, "input feature {}", [f"x{j}" for j in range(6)])
    assert _held_bytes(table) == F.nbytes + F.nbytes // 2  # the rows, and their float32 copy
    feature = np.array([1, 2, -2, 4, 2, -2, -2])
    x32 = table.x32.astype(np.float64)
    threshold = np.array([np.median(x32[:, 1]), 0.0, -2.0, 0.0, 0.3, -2.0, -2.0])  # cuts of x32's (centred) values
    got = table.thresholds(feature, threshold)
    for node, (j, t) in enumerate(zip(feature, threshold)):
        if j < 0:
            assert got[node] == t
            continue
        below, above = F[x32[:, j] <= t, j], F[x32[:, j] > t, j]
        assert got[node] == _midpoints(below.max(), above.min())
        assert np.array_equal(F[:, j] <= got[node], x32[:, j] <= t)  # every row goes the way the tree sent it
    assert _held_bytes(table) == F.nbytes * 3 // 2 + 3 * 2 * 400 * 8  # columns 1, 2 and 4, sorted


def test_a_column_within_float32s_range_is_not_refused_for_its_distance_from_its_median() -> None:
    """The centring (9b4ac09) took each column less its median before the float32 cast: a column of values
    within float32's range, -3e38 to 3e38, whose difference from its median is not, was refused as reaching
    3e+38 'beyond float32's range (3.4e+38)', a false statement, where scikit-learn had read it. Such a column
    is read uncentred, as before; one beyond float32's range is still refused naming it."""
    F = np.column_stack([np.repeat([-3e38, -1e38, 3e38], 4), np.arange(12.0)])
    table = decompositional._Table.of(F, "input feature {}", ["big", "small"])
    assert np.isfinite(table.x32).all()
    cut = table.thresholds(np.array([0]), np.array([0.0]))  # between -1e38 and 3e38
    assert np.array_equal(F[:, 0] <= cut[0], table.x32[:, 0] <= 0.0)
    assert table.x32[0, 1] == -5.5  # the ordinary column is centred
    with pytest.raises(ValueError, match=r"input feature 'big' reaches -3e\+39, beyond float32's range"):
        decompositional._Table.of(F * [10, 1], "input feature {}", ["big", "small"])


def test_hinges_at_too_many_knots_are_refused_for_their_quantile_levels_not_a_design_they_need_not_make() -> None:
    """n_knots over max_design_gib's number of values was refused saying the hinges 'need a design matrix of
    at least about 2 x n_knots values', false on 50 rows: a feature's knots are distinct values between its
    rows', at most 48 here (a design of 50 x 96). What the limit spares is the n_knots quantile levels
    themselves (8 bytes each, 8 GB at 10**9), made for every feature before any knot: the message says so."""
    import symdistill as sd

    X = np.random.default_rng(0).normal(size=(50, 2))
    with pytest.raises(ValueError) as err:
        sd.distill(lambda X: X.sum(axis=1), X, form="linear", task="regression", hinges=True, n_knots=10**9)
    text = str(err.value)
    assert text.startswith("n_knots=1000000000 is over the linear learner's limit of 268,435,456 knots "
                           "(max_design_gib=2)")
    assert "its n_knots quantile levels, 8 bytes each, would take 7.45 GiB" in text, text
    assert "design matrix" not in text, text

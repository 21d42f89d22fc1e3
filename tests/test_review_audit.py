"""Regression tests from the review of the day's audit fixes (8d8deed..ef54502)."""

from __future__ import annotations

import numpy as np

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

"""Axis-aligned regions of the encoded input space: the cells of trees, the covers of rules.

A ``Box`` keeps, per feature, an open lower and a closed upper bound (``lo < x <= hi``, the way a
split ``x <= t`` divides a line), plus for categorical features the set of allowed category codes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class Box:
    """``lo[j] < x[j] <= hi[j]`` for every feature j, and ``x[j] in cats[j]`` where given."""

    lo: np.ndarray
    hi: np.ndarray
    cats: dict[int, frozenset[int]] = field(default_factory=dict)

    @classmethod
    def full(cls, n_features: int) -> Box:
        return cls(np.full(n_features, -np.inf), np.full(n_features, np.inf), {})

    def copy(self) -> Box:
        return Box(self.lo.copy(), self.hi.copy(), dict(self.cats))

    def split_numeric(self, j: int, t: float) -> tuple[Box, Box]:
        left, right = self.copy(), self.copy()
        left.hi[j] = min(left.hi[j], t)
        right.lo[j] = max(right.lo[j], t)
        return left, right

    def split_categorical(self, j: int, left_codes: frozenset[int], all_codes: frozenset[int]) -> tuple[Box, Box]:
        current = self.cats.get(j, all_codes)
        left, right = self.copy(), self.copy()
        left.cats[j] = frozenset(current & left_codes)
        right.cats[j] = frozenset(current - left_codes)
        return left, right

    def contains(self, Z: np.ndarray, rows: np.ndarray | None = None, transposed: bool = False) -> np.ndarray:
        """Boolean mask of the (finite) rows of ``Z`` (of ``Z[rows]`` when given) inside the box;
        only bounded features are looked at, since boxes in deep trees and rules bound few of many
        (and ``rows`` spares copying every column of wide data). Each bound looks only at the rows
        still inside: on wide data reading a column costs a cache miss per row, unless ``Z`` is
        given ``transposed`` (one row per feature)."""
        n = (Z.shape[1] if transposed else len(Z)) if rows is None else len(rows)
        tests = [(int(j), np.greater, self.lo[j]) for j in np.nonzero(self.lo > -np.inf)[0]]
        tests += [(int(j), np.less_equal, self.hi[j]) for j in np.nonzero(self.hi < np.inf)[0]]
        tests += [(j, None, list(codes)) for j, codes in self.cats.items()]
        if not tests:
            return np.ones(n, dtype=bool)
        pos = sel = None  # positions still inside (into Z or rows), and their rows of Z
        for j, op, arg in tests:
            at = slice(None) if pos is None and rows is None else (rows if pos is None else sel)
            x = Z[j, at] if transposed else Z[at, j]
            ok = np.isin(x, arg) if op is None else op(x, arg)
            pos = np.flatnonzero(ok) if pos is None else pos[ok]
            sel = pos if rows is None else rows[pos]
            if not len(pos):
                break
        m = np.zeros(n, dtype=bool)
        m[pos] = True
        return m

    def is_empty(self) -> bool:
        return bool(np.any(self.lo >= self.hi)) or any(len(c) == 0 for c in self.cats.values())

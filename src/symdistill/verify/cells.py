"""Piecewise-constant models as cells: closed float boxes inside the domain, one output each.

A tree's leaves, or the regions of a rule list, partition the domain into boxes on which the model
is constant. Here each box is stored *closed* (``lo <= x <= hi`` in floats: an open bound ``x > t``
becomes ``x >= nextafter(t, inf)``), clipped to the domain's bounds, with integer and binary features
rounded inward and categorical features as a boolean mask of allowed codes. Then "is this region
non-empty inside the domain" is an exact, vectorised comparison, and the checkers of
:mod:`~symdistill.verify.exact` work on many cells (or pairs of cells) at once.

>>> import numpy as np
>>> from symdistill.domain import Domain
>>> from symdistill.models import Tree
>>> dom = Domain.from_data(np.array([[0.0], [4.0]]), feature_names=["n"])
>>> t = Tree(dom, "regression", None, children_left=[1, -1, -1], children_right=[2, -1, -1],
...          feature=[0, -1, -1], threshold=[2.5, 0, 0], value=[[0], [1], [2]])
>>> c = tree_cells(t)
>>> c.lo[:, 0].tolist(), c.hi[:, 0].tolist(), c.out.tolist()
([0.0, 3.0], [2.0, 4.0], [1.0, 2.0])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from ..domain import Domain
from ..models.region import Box


@dataclass
class Cells:
    """``n`` closed boxes with one output each (class index or value) and their source ids."""

    lo: np.ndarray  # (n, d)
    hi: np.ndarray  # (n, d)
    cats: dict[int, np.ndarray]  # categorical feature -> (n, k) allowed codes
    out: np.ndarray  # (n,) class indices (int) or values (float)
    ids: np.ndarray  # (n,) leaf / rule index, for messages

    def __len__(self) -> int:
        return len(self.out)

    def take(self, idx: np.ndarray) -> Cells:
        return Cells(self.lo[idx], self.hi[idx], {j: m[idx] for j, m in self.cats.items()}, self.out[idx],
                     self.ids[idx])


@dataclass(frozen=True)
class Bounds:
    """The domain as closed float bounds, with which features are integral or categorical."""

    lo: np.ndarray
    hi: np.ndarray
    integral: np.ndarray  # bool (d,)
    n_codes: dict[int, int]  # categorical feature -> number of categories

    @classmethod
    def of(cls, domain: Domain) -> Bounds:
        integral = np.array([f.kind in ("integer", "binary") for f in domain.features], dtype=bool)
        lo, hi = domain.lower.copy(), domain.upper.copy()
        lo[integral], hi[integral] = np.ceil(lo[integral]), np.floor(hi[integral])
        n_codes = {j: len(f.categories) for j, f in enumerate(domain.features) if f.is_categorical}
        return cls(lo, hi, integral, n_codes)

    def tighten(self, lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Clip ranges (any leading shape, last axis features) to the domain; round integral ones inward."""
        lo, hi = np.maximum(lo, self.lo), np.minimum(hi, self.hi)
        if self.integral.any():
            lo = np.where(self.integral, np.ceil(lo), lo)
            hi = np.where(self.integral, np.floor(hi), hi)
        return lo, hi


def closed_lower(lo: np.ndarray) -> np.ndarray:
    """``x > lo`` as ``x >= nextafter(lo, inf)`` (exact over floats)."""
    return np.where(np.isfinite(lo), np.nextafter(lo, np.inf), lo)


def from_boxes(boxes: Sequence[Box], out: np.ndarray, ids: np.ndarray, domain: Domain,
               bounds: Bounds | None = None) -> Cells:
    """Cells of ``Box`` regions (``lo < x <= hi``), clipped to the domain; empty ones dropped."""
    b = bounds or Bounds.of(domain)
    d = domain.n_features
    n = len(boxes)
    lo = np.empty((n, d))
    hi = np.empty((n, d))
    cats = {j: np.ones((n, k), dtype=bool) for j, k in b.n_codes.items()}
    for i, box in enumerate(boxes):
        lo[i], hi[i] = box.lo, box.hi
        for j, codes in box.cats.items():
            mask = np.zeros(b.n_codes[j], dtype=bool)
            mask[[c for c in codes if 0 <= c < b.n_codes[j]]] = True
            cats[j][i] = mask
    lo, hi = b.tighten(closed_lower(lo), hi)
    cells = Cells(lo, hi, cats, np.asarray(out), np.asarray(ids))
    return cells.take(np.nonzero(nonempty(cells))[0])


def nonempty(c: Cells) -> np.ndarray:
    ok = np.all(c.lo <= c.hi, axis=1)
    for m in c.cats.values():
        ok &= m.any(axis=1)
    return ok


def tree_cells(tree: Any) -> Cells:
    """The leaves of a :class:`~symdistill.models.Tree` as cells (leaves empty in the domain dropped)."""
    leaves, boxes = [], []
    for leaf, box in tree.leaf_regions():
        leaves.append(leaf)
        boxes.append(box)
    leaves_arr = np.asarray(leaves, dtype=np.int64)
    out = tree.value[leaves_arr, 0] if tree.task == "regression" else tree.leaf_class[leaves_arr]
    return from_boxes(boxes, out, leaves_arr, tree.domain)


def rules_cells(rules: Any) -> Cells:
    """The disjoint decision regions of a :class:`~symdistill.models.rules.RuleSet` as cells."""
    ids, boxes = [], []
    for i, box in rules.decision_regions():
        ids.append(i)
        boxes.append(box)
    ids_arr = np.asarray(ids, dtype=np.int64)
    dtype = np.int64 if rules.task == "classification" else float
    consequents = np.array([r.prediction for r in [*rules.rules, rules.default]], dtype=dtype)
    out = consequents[ids_arr]
    return from_boxes(boxes, out, ids_arr, rules.domain)


def point_in(lo: np.ndarray, hi: np.ndarray, cats: dict[int, np.ndarray], bounds: Bounds) -> np.ndarray:
    """One concrete encoded row inside a non-empty closed cell: mid-range values, first allowed code."""
    x = lo + (hi - lo) / 2.0
    x = np.where(np.isfinite(x), x, np.where(np.isfinite(lo), lo, hi))
    x = np.clip(x, lo, hi)
    x = np.where(bounds.integral, np.clip(np.floor(x), lo, hi), x)
    for j, m in cats.items():
        x[j] = float(np.argmax(m))
    return x

"""Piecewise-constant models as cells: closed float boxes inside the domain, one output each.

A tree's leaves partition the domain into boxes on which the model is constant; a rule list's
regions cover it with boxes on which what a question compares (the class, "is the target") is
constant, boxes of one such key possibly overlapping (see :func:`rules_cells`). Here each box is stored *closed* (``lo <= x <= hi`` in floats: an open bound ``x > t``
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


class Unsupported(ValueError):
    """The direct checker does not cover this model and property; the z3 backend does."""


# Most cells a rule list's carving holds at once: the boxes outside the earlier rules of other outputs grow
# exponentially with the rules (a default outside 28 rules of breast-cancer's other class, over 30 features,
# was 1.9 million boxes, and one outside 41 never finished), where the z3 encoding grows with the literals.
_MAX_CELLS = 200_000


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


def rule_outputs(rules: Any) -> np.ndarray:
    """Each rule's consequent (class index or value), the default's last."""
    dtype = np.int64 if rules.task == "classification" else float
    return np.array([r.prediction for r in [*rules.rules, rules.default]], dtype=dtype)


def rules_cells(rules: Any, key: np.ndarray | None = None, keep: np.ndarray | None = None,
                clip: tuple[np.ndarray, np.ndarray, dict[int, np.ndarray]] | None = None,
                first: bool = False) -> Cells:
    """The regions of a :class:`~symdistill.models.rules.RuleSet` (a decision list) as cells.

    Rule ``i``'s cells are its box minus the boxes of the earlier rules ``j`` whose ``key[j]`` differs
    from ``key[i]`` (``key`` per rule index, the default's last; the consequents when None, so no
    two cells of different outputs overlap). A row in one of them is decided by rule ``i`` or by an
    earlier rule of the same key, so the model's output there has rule ``i``'s key, and every row
    lies in a cell of the rule deciding it. A coarse key (whether the output is the target class,
    whether it passes a constraint's output condition) cuts far fewer pieces than the consequents:
    a 26-class list carves its default into tens of thousands of boxes, a yes/no key into a few.
    ``out`` is rule ``i``'s consequent, exact for the consequent key and of the right key otherwise.

    Only the rules ``keep`` flags get cells (all when None; the others still cut); ``clip`` (closed
    lo, hi and category masks) intersects every cell with a box first; ``first`` stops at the first
    rule with a non-empty cell. The carving is on closed cells inside the domain (integral features
    rounded), so a piece empty there is never split further. More than ``_MAX_CELLS`` cells at once
    raise :class:`Unsupported` (the z3 backend decides such a list). (``RuleSet._carve``, which ``as_dnf``
    uses, carves the same way on the model's open ``Box`` objects, one Python object a piece, with no
    domain to prune by: on the 26-class list above it made 72,100 pieces in 7-19 s.)
    """
    b = Bounds.of(rules.domain)
    boxes = rule_boxes(rules, b)
    key = rule_outputs(rules) if key is None else np.asarray(key)
    numeric = np.array([j not in b.n_codes for j in range(rules.domain.n_features)], dtype=bool)
    found, held = [], 0
    for n, i in enumerate(boxes.ids):
        if keep is not None and not keep[i]:
            continue
        piece = boxes.take(np.array([n]))
        if clip is not None:
            lo, hi = b.tighten(np.maximum(piece.lo, clip[0]), np.minimum(piece.hi, clip[1]))
            piece = Cells(lo, hi, {j: m & clip[2][j] for j, m in piece.cats.items()}, piece.out, piece.ids)
            piece = piece.take(np.nonzero(nonempty(piece))[0])
        for m in np.nonzero(key[boxes.ids[:n]] != key[i])[0]:
            if not len(piece):
                break
            piece = _subtract(piece, boxes.take(np.array([m])), numeric, b)
            if held + len(piece) > _MAX_CELLS:
                region = "the default's" if i == len(rules.rules) else f"rule {i}'s"
                raise Unsupported(
                    f"the regions of this rule list split into more than {_MAX_CELLS:,} boxes ({region} outside "
                    "the earlier rules of other outputs: many rules of one class leave the rest a complement of "
                    "their union), which the z3 backend decides")
        if len(piece):
            found.append(piece)
            held += len(piece)
            if first:
                break
    return concat([boxes.take(np.array([], dtype=np.int64)), *found])


def rule_boxes(rules: Any, bounds: Bounds) -> Cells:
    """Each rule's box, the default's the whole domain, as a cell (``out`` its consequent, ``ids`` its
    index), in list order; rules empty in the domain are dropped: they decide nothing."""
    consequents = rule_outputs(rules)
    return from_boxes([box for _, box in rules.rule_regions()], consequents, np.arange(len(consequents)),
                      rules.domain, bounds)


def concat(parts: Sequence[Cells]) -> Cells:
    """The cells of ``parts`` (at least one) in order, as one ``Cells``."""
    return Cells(np.vstack([p.lo for p in parts]), np.vstack([p.hi for p in parts]),
                 {j: np.vstack([p.cats[j] for p in parts]) for j in parts[0].cats},
                 np.concatenate([p.out for p in parts]), np.concatenate([p.ids for p in parts]))


def _subtract(c: Cells, cut: Cells, numeric: np.ndarray, b: Bounds) -> Cells:
    """Closed cells ``c`` minus the one closed cell ``cut``, as disjoint non-empty closed cells: the
    cells ``cut`` does not meet as they are, and the parts of the others outside it (see :func:`outside`)."""
    meets = np.all(np.maximum(c.lo, cut.lo) <= np.minimum(c.hi, cut.hi), axis=1)
    for j, m in c.cats.items():
        meets &= (m & cut.cats[j]).any(axis=1)
    if not meets.any():
        return c
    n = int(meets.sum())
    parts, _ = outside(c.take(np.nonzero(meets)[0]), np.repeat(cut.lo, n, axis=0), np.repeat(cut.hi, n, axis=0),
                       {j: np.repeat(m, n, axis=0) for j, m in cut.cats.items()}, numeric, b)
    return concat([c.take(np.nonzero(~meets)[0]), parts])


def outside(c: Cells, lo: np.ndarray, hi: np.ndarray, cats: dict[int, np.ndarray], numeric: np.ndarray,
            b: Bounds) -> tuple[Cells, np.ndarray]:
    """Each closed cell ``c[i]`` minus its own closed box (``lo[i]``, ``hi[i]``, ``cats[j][i]``), which
    it meets, as disjoint non-empty closed cells, with the index ``i`` each came from: the parts of
    ``c[i]`` beyond each bound of its box (one feature at a time, what is left narrowed to the box on
    that feature), and the category codes the box leaves out. What is left at the end lies inside the
    box and is dropped."""
    rest = Cells(c.lo.copy(), c.hi.copy(), {j: m.copy() for j, m in c.cats.items()}, c.out, c.ids)
    parts, src = [c.take(np.array([], dtype=np.int64))], [np.array([], dtype=np.int64)]
    below_box, above_box = np.nextafter(lo, -np.inf), np.nextafter(hi, np.inf)
    for j in np.nonzero(numeric & ((lo > rest.lo).any(axis=0) | (hi < rest.hi).any(axis=0)))[0]:
        for side in ("below", "above"):
            rows = np.nonzero(rest.lo[:, j] < lo[:, j] if side == "below" else rest.hi[:, j] > hi[:, j])[0]
            if not rows.size:
                continue
            part = rest.take(rows)
            if side == "below":
                part.hi[:, j] = below_box[rows, j]
                rest.lo[rows, j] = lo[rows, j]
            else:
                part.lo[:, j] = above_box[rows, j]
                rest.hi[rows, j] = hi[rows, j]
            part.lo[:, j], part.hi[:, j] = (x[:, j] for x in b.tighten(part.lo, part.hi))
            kept = np.nonzero(part.lo[:, j] <= part.hi[:, j])[0]
            parts.append(part.take(kept))
            src.append(rows[kept])
    for j, m in rest.cats.items():
        left_out = m & ~cats[j]
        rows = np.nonzero(left_out.any(axis=1))[0]
        if rows.size:
            part = rest.take(rows)
            part.cats[j] = left_out[rows]
            parts.append(part)
            src.append(rows)
        m &= cats[j]
    return concat(parts), np.concatenate(src)


def point_in(lo: np.ndarray, hi: np.ndarray, cats: dict[int, np.ndarray], bounds: Bounds) -> np.ndarray:
    """One concrete encoded row inside a non-empty closed cell: mid-range values, first allowed code."""
    x = lo + (hi - lo) / 2.0
    x = np.where(np.isfinite(x), x, np.where(np.isfinite(lo), lo, hi))
    x = np.clip(x, lo, hi)
    x = np.where(bounds.integral, np.clip(np.floor(x), lo, hi), x)
    for j, m in cats.items():
        x[j] = float(np.argmax(m))
    return x

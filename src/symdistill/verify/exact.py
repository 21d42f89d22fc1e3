"""The direct (exact) checkers: region reasoning for trees and rule sets, bounds for linear models.

Trees and rule sets are constant on each cell (see :mod:`~symdistill.verify.cells`), so a
single-input property is violated exactly when some cell, intersected with one disjunct of the
violation formula, is non-empty; a relational property (monotonicity, invariance, equivalence) is
violated exactly when some *pair* of cells with offending outputs can hold two inputs that differ
only where the property allows. Both are decided with vectorised interval arithmetic.

Linear models (single-factor terms: values, one-hot categories, hinges) are separable: the extreme
score over a box is the sum of per-feature extremes (taken in exact arithmetic), which decides every
one-sided output condition; hinge slopes (each feature's contribution, also in exact arithmetic)
decide monotonicity and invariance of regressors. What these do not cover (two-sided value windows,
softmax, products of features, constraints relating several features) raises :class:`Unsupported`,
and ``backend="auto"`` then uses the SMT encoding. :func:`float_formula`, :func:`float_monotonic`
and :func:`float_invariant` decide a linear model's questions in ``predict``'s own floating point
instead, where exact arithmetic and it part ways; a classifier's (logistic or softmax) monotonicity
and invariance are decided only so, and are :class:`Unsupported` where they cannot tell.

Every checker returns the violating rows (encoded) or None, and how many regions it examined.

>>> import numpy as np
>>> from symdistill.domain import Domain
>>> from symdistill.models import Tree
>>> from symdistill.verify import formula as F
>>> dom = Domain.from_data(np.array([[0.0], [4.0]]), feature_names=["n"])
>>> t = Tree(dom, "regression", None, children_left=[1, -1, -1], children_right=[2, -1, -1],
...          feature=[0, -1, -1], threshold=[2.5, 0, 0], value=[[0], [1], [2]])
>>> Z, checked = check_formula(t, F.bind_text("prediction <= 1.5", dom, "regression", negate=True))
>>> Z.tolist(), float(t.predict_encoded(Z)[0])
([[3.0]], 2.0)
"""

from __future__ import annotations

import itertools
import math
from fractions import Fraction
from typing import Any, Callable, Iterator

import numpy as np

from . import formula as F
from .cells import (Bounds, Cells, Unsupported, concat, outside, point_in, rule_boxes, rule_outputs, rules_cells,
                    tree_cells)


# -- models -------------------------------------------------------------------------------------
def form_of(model: Any) -> str:
    """``"tree"``, ``"rules"``, ``"linear"``, ``"dfa"`` or ``"moore"`` (the model's ``kind``)."""
    kind = getattr(model, "kind", None)
    if kind in ("tree", "rules", "linear", "dfa", "moore"):
        return kind
    raise TypeError(f"cannot verify a {type(model).__name__}: expected a symdistill Tree, RuleSet, "
                    "LinearModel, DFA or MooreMachine")


def outputs(model: Any, Z: np.ndarray) -> np.ndarray:
    """What constraints call ``prediction`` on encoded rows: class index (classifiers) or value."""
    if model.task == "regression":
        return np.asarray(model.predict_encoded(Z), dtype=float)
    if form_of(model) == "linear":
        return model.predict_index_encoded(Z)
    labels = model.predict_encoded(Z)
    index = {c.item() if isinstance(c, np.generic) else c: i for i, c in enumerate(model.classes)}
    return np.array([index[v.item() if isinstance(v, np.generic) else v] for v in labels], dtype=np.int64)


def cells_of(model: Any, key: Callable[[np.ndarray], np.ndarray] | None = None) -> Cells:
    """The model's cells; a rule list's cut only where ``key`` of the outputs differs (see
    :func:`~symdistill.verify.cells.rules_cells`), so cells of one key may overlap."""
    form = form_of(model)
    if form == "tree":
        return tree_cells(model)
    if form == "rules":
        return rules_cells(model, key=None if key is None else key(rule_outputs(model)))
    raise Unsupported(f"{form} models have no regions")


# -- single-input properties --------------------------------------------------------------------
def check_formula(model: Any, violation: F.Formula) -> tuple[np.ndarray | None, int]:
    """A row where ``violation`` holds (with the model's output), or None; and the count checked."""
    if form_of(model) == "linear":
        return _linear_formula(model, violation)
    if F.has_linear(violation):
        raise Unsupported("constraints relating several features (arithmetic) are decided by the z3 backend")
    bounds = Bounds.of(model.domain)
    conjs = _dnf(violation, model.domain.n_features)
    if form_of(model) == "rules":
        return _rules_formula(model, conjs, bounds)
    cells = cells_of(model)
    for conj in conjs:
        Z = _formula_hit(cells, conj, bounds)
        if Z is not None:
            return Z, len(cells)
    return None, len(cells)


def _rules_formula(model: Any, conjs: list[F.Conj], bounds: Bounds) -> tuple[np.ndarray | None, int]:
    """A rule list's regions are carved per disjunct: only the rules whose consequent passes its
    output condition, clipped to its box, cut only by earlier rules that fail the condition, up to
    the first non-empty piece. Counts the rules examined."""
    consequents = rule_outputs(model)
    for n, conj in enumerate(conjs, 1):
        ok = _output_ok(consequents, conj)
        clip = (conj.lo, conj.hi, {j: _code_mask(conj.cats.get(j), k) for j, k in bounds.n_codes.items()})
        Z = _formula_hit(rules_cells(model, key=ok, keep=ok, clip=clip, first=True), conj, bounds)
        if Z is not None:
            return Z, n * len(consequents)
    return None, len(conjs) * len(consequents)


def _formula_hit(cells: Cells, conj: F.Conj, bounds: Bounds) -> np.ndarray | None:
    """A row in a cell that meets ``conj`` with an output ``conj`` allows, or None."""
    ok = _output_ok(cells.out, conj)
    lo, hi = bounds.tighten(np.maximum(cells.lo, conj.lo), np.minimum(cells.hi, conj.hi))
    ok &= np.all(lo <= hi, axis=1)
    cats = {}
    for j, m in cells.cats.items():
        cats[j] = m & _code_mask(conj.cats.get(j), m.shape[1])
        ok &= cats[j].any(axis=1)
    hit = np.nonzero(ok)[0]
    if hit.size:
        i = int(hit[0])
        return point_in(lo[i], hi[i], {j: c[i] for j, c in cats.items()}, bounds)[None, :]
    return None


def _dnf(violation: F.Formula, d: int) -> list[F.Conj]:
    try:
        return F.to_dnf(violation, d)
    except F.TooLarge as exc:
        raise Unsupported(str(exc)) from None


def _output_ok(out: np.ndarray, conj: F.Conj) -> np.ndarray:
    ok = np.ones(len(out), dtype=bool)
    if conj.classes is not None:
        ok &= np.isin(out, list(conj.classes))
    lo, hi = conj.value
    if lo > -np.inf or hi < np.inf:
        ok &= (out >= lo) & (out <= hi)
    return ok


def _code_mask(codes: frozenset[int] | None, k: int) -> np.ndarray:
    if codes is None:
        return np.ones(k, dtype=bool)
    m = np.zeros(k, dtype=bool)
    m[[c for c in codes if 0 <= c < k]] = True
    return m


# -- relational properties on regions -----------------------------------------------------------
def check_monotonic(model: Any, j: int, increasing: bool, target: int | None) -> tuple[np.ndarray | None, int]:
    """Two rows equal but in feature ``j``, ``x0[j] < x1[j]``, whose outputs break monotonicity."""
    if form_of(model) == "linear":
        return _linear_monotonic(model, j, increasing, target)

    def gain(out: np.ndarray) -> np.ndarray:  # what monotonicity compares: the output, or "is the target"
        return out.astype(float) if target is None else (out == target).astype(float)

    equal = np.ones(model.domain.n_features, dtype=bool)
    equal[j] = False
    bounds = Bounds.of(model.domain)
    if form_of(model) == "rules":
        # A pair breaks monotonicity exactly when a level v of the gain separates it: the lower
        # input's gain >= v > the higher input's (increasing), or the other way round.
        return _split_pairs(model, lambda out, v: gain(out) >= v, np.unique(gain(rule_outputs(model)))[1:],
                            increasing, equal, j, bounds)
    cells = cells_of(model)
    g = gain(cells.out)
    lower_better = (lambda a, b: a > b) if increasing else (lambda a, b: a < b)
    found = _find_pair(cells, cells, lambda ia, ib: lower_better(g[ia][:, None], g[ib][None, :]), equal, j, bounds)
    return found, len(cells)


def check_invariant(model: Any, free: np.ndarray) -> tuple[np.ndarray | None, int]:
    """Two rows equal outside ``free`` features with different outputs."""
    if form_of(model) == "linear":
        return _linear_invariant(model, free)
    bounds = Bounds.of(model.domain)
    if form_of(model) == "rules":
        # Two outputs differ exactly when one of them is some output c and the other is not; the
        # last output need not be tried (a pair holding it and another holds that other).
        def is_c(out: np.ndarray, c: Any) -> np.ndarray:
            return out == c

        return _split_pairs(model, is_c, np.unique(rule_outputs(model))[:-1], True, ~free, None, bounds)
    cells = cells_of(model)
    out = cells.out
    found = _find_pair(cells, cells, lambda ia, ib: out[ia][:, None] != out[ib][None, :], ~free, None, bounds)
    return found, len(cells)


def check_equivalent(a: Any, b: Any) -> tuple[np.ndarray | None, int]:
    """One row on which the two models' predictions differ (given as the same row twice).

    Each model is a list of boxes: a tree's leaves, or a rule list's rules (see
    :func:`_decisions`), where a row in rule ``i``'s box but in no earlier rule's box of another output
    gets rule ``i``'s output. The models differ exactly on the rows where a box ``i`` of ``a`` meets a
    box ``j`` of ``b`` with another label and no earlier box of another output (of either list) holds
    them. Such a pair's meeting box is carved by those earlier boxes, one at a time, in the place
    where it is left whole by as many as it can, and a piece inside one is dropped: a piece that no
    such box meets is a counterexample. Only pairs with different labels are carved, so two lists that
    agree, such as a copy, take one look at each pair, where cutting each list into its regions, one
    class at a time, made tens of thousands of pieces. Counts the boxes and the pieces examined.
    """
    bounds = Bounds.of(a.domain)
    (ca, by_a, cuts_a), (cb, by_b, cuts_b) = _decisions(a, bounds), _decisions(b, bounds)
    la, lb = _labels(a, ca.out), _labels(b, cb.out)
    cuts = concat([by_a, by_b])
    numeric = np.array([j not in bounds.n_codes for j in range(a.domain.n_features)], dtype=bool)
    checked = len(ca) + len(cb)
    everywhere = np.ones(a.domain.n_features, dtype=bool)
    for i, k in _pairs(ca, cb, lambda ia, ib: la[ia][:, None] != lb[ib][None, :], everywhere, None):
        pieces = Cells(np.maximum(ca.lo[i], cb.lo[k]), np.minimum(ca.hi[i], cb.hi[k]),
                       {j: m[i] & cb.cats[j][k] for j, m in ca.cats.items()}, ca.out[i], ca.ids[i])
        found, n = _carve_pairs(pieces, np.hstack([cuts_a[i], cuts_b[k]]), cuts, numeric, bounds)
        checked += n
        if found is not None:
            return found[None, :].repeat(2, axis=0), checked
    return None, checked


def _decisions(model: Any, bounds: Bounds) -> tuple[Cells, Cells, np.ndarray]:
    """A tree's leaves or a rule list's rule boxes; the boxes that take rows from others (earlier
    rules of another output; none in a tree); and ``cuts[i, k]``, whether the ``k``-th of those takes
    the rows of box ``i`` that it holds."""
    if form_of(model) != "rules":
        leaves = cells_of(model)
        return leaves, leaves.take(np.array([], dtype=np.int64)), np.zeros((len(leaves), 0), dtype=bool)
    boxes = rule_boxes(model, bounds)
    n = len(boxes)
    cuts = (np.arange(n)[None, :] < np.arange(n)[:, None]) & (boxes.out[None, :] != boxes.out[:, None])
    used = np.nonzero(cuts.any(axis=0))[0]
    return boxes, boxes.take(used), cuts[:, used]


_BUDGET = 1 << 20  # entries of the (pieces, boxes, features) arrays compared at once
_EVERY_VALUE = 1 << 22  # values of the rows a linear model is asked about to decide a property on every input


def _carve_pairs(pieces: Cells, rem: np.ndarray, cuts: Cells, numeric: np.ndarray,
                 bounds: Bounds) -> tuple[np.ndarray | None, int]:
    """A row in a piece that none of its boxes ``cuts[rem[i]]`` holds, or None, and the pieces
    examined. Depth first: each piece is dropped when one of its boxes holds it whole, done when none
    meets it, and otherwise cut by the box that leaves it whole on the most features (the fewest
    new pieces), its parts outside that box carried on with the others left to cut them."""
    stack, checked = [(pieces, rem)], 0
    num = np.nonzero(numeric)[0]
    while stack:
        P, rem = stack.pop()
        if not len(P):
            continue
        cols = np.nonzero(rem.any(axis=0))[0]
        if len(P) > 1 and len(P) * len(cols) * P.lo.shape[1] > _BUDGET:
            half = len(P) // 2
            stack += [(P.take(np.arange(half, len(P))), rem[half:]), (P.take(np.arange(half)), rem[:half])]
            continue
        checked += len(P)
        C, left = cuts.take(cols), rem[:, cols]  # the boxes still to cut some piece
        lo, hi = P.lo[:, None, num], P.hi[:, None, num]
        c_lo, c_hi = C.lo[None, :, num], C.hi[None, :, num]
        left &= np.all(np.maximum(lo, c_lo) <= np.minimum(hi, c_hi), axis=2)
        faces = (c_lo > lo).sum(axis=2) + (c_hi < hi).sum(axis=2)
        for j, m in P.cats.items():
            left &= (m[:, None, :] & C.cats[j][None, :, :]).any(axis=2)
            faces += (m[:, None, :] & ~C.cats[j][None, :, :]).any(axis=2)
        alive = np.nonzero(~(left & (faces == 0)).any(axis=1))[0]
        P, left, faces = P.take(alive), left[alive], faces[alive]
        free = np.nonzero(~left.any(axis=1))[0]
        if free.size:
            i = int(free[0])
            return point_in(P.lo[i], P.hi[i], {j: m[i] for j, m in P.cats.items()}, bounds), checked
        k = np.argmin(np.where(left, faces, np.iinfo(faces.dtype).max), axis=1)
        parts, src = outside(P, C.lo[k], C.hi[k], {j: m[k] for j, m in C.cats.items()}, numeric, bounds)
        rem = np.zeros((len(src), rem.shape[1]), dtype=bool)
        rem[:, cols] = left[src]
        rem[np.arange(len(src)), cols[k[src]]] = False
        stack.append((parts, rem))
    return None, checked


def _split_pairs(model: Any, key: Callable[[np.ndarray, Any], np.ndarray], splits: Any, want: bool,
                 equal: np.ndarray, order: int | None, bounds: Bounds) -> tuple[np.ndarray | None, int]:
    """For each split ``s``, a pair of rows of a rule list, one in a cell whose ``key(output, s)`` is
    ``want`` and one in a cell whose key is not (see :func:`_find_pair`). The list is carved per split,
    cut only where its key changes (two keys, so a few pieces where cutting by every class made tens
    of thousands). Returns the first pair found, or None, and the cells examined."""
    checked = 0
    for s in splits:
        cells = cells_of(model, lambda out: key(out, s))  # noqa: B023 (used at once)
        checked += len(cells)
        is_on = key(cells.out, s) == want
        on, off = cells.take(np.nonzero(is_on)[0]), cells.take(np.nonzero(~is_on)[0])
        found = _find_pair(on, off, lambda ia, ib: np.ones((len(ia), len(ib)), dtype=bool), equal, order, bounds)
        if found is not None:
            return found, checked
    return None, checked


def _labels(model: Any, out: np.ndarray) -> np.ndarray:
    if model.task == "regression":
        return out.astype(float)
    return np.asarray(model.classes, dtype=object)[out.astype(np.int64)]


def _find_pair(A: Cells, B: Cells, offending: Any, equal: np.ndarray, order: int | None,
               bounds: Bounds) -> np.ndarray | None:
    """Rows ``x0`` in a cell of A and ``x1`` in a cell of B, equal on ``equal`` features, with
    ``x0[order] < x1[order]`` when ``order`` is given, for a pair that ``offending(ia, ib)`` flags."""
    for ia, ib in _pairs(A, B, offending, equal, order):
        a, b = int(ia[0]), int(ib[0])
        ends = None if order is None else (order, float(_reach(A, order)[0][a]), float(_reach(B, order)[1][b]))
        return _pair_rows(A, a, B, b, equal, ends, bounds)
    return None


def _pairs(A: Cells, B: Cells, offending: Any, equal: np.ndarray, order: int | None,
           chunk: int = 64) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """The pairs ``(ia, ib)`` of a cell of A and a cell of B that ``offending(ia, ib)`` flags and that
    hold rows equal on ``equal`` features (the first one's ``order`` below the second's, when
    given), ``chunk`` cells of A at a time."""
    eq = np.nonzero(equal)[0]
    eq_num = np.array([j for j in eq if j not in A.cats], dtype=np.int64)
    eq_cat = [j for j in eq if j in A.cats]
    ib_all = np.arange(len(B))
    # The order feature's least value in each cell of A and greatest in each of B (a category code
    # for an ordered categorical): a pair can be ordered when the one is below the other.
    least, greatest = (None, None) if order is None else (_reach(A, order)[0], _reach(B, order)[1])
    for start in range(0, len(A), chunk):
        ia = np.arange(start, min(start + chunk, len(A)))
        mask = offending(ia, ib_all)
        rows = np.nonzero(mask.any(axis=1))[0]
        if not rows.size:
            continue
        ia, mask = ia[rows], mask[rows]
        cols = np.nonzero(mask.any(axis=0))[0]
        mask = mask[:, cols]
        lo = np.maximum(A.lo[ia][:, None, eq_num], B.lo[cols][None, :, eq_num])
        hi = np.minimum(A.hi[ia][:, None, eq_num], B.hi[cols][None, :, eq_num])
        mask &= np.all(lo <= hi, axis=2)
        for j in eq_cat:
            mask &= (A.cats[j][ia][:, None, :] & B.cats[j][cols][None, :, :]).any(axis=2)
        if order is not None:
            mask &= least[ia][:, None] < greatest[cols][None, :]
        hit = np.argwhere(mask)
        if hit.size:
            yield ia[hit[:, 0]], cols[hit[:, 1]]


def _reach(C: Cells, j: int) -> tuple[np.ndarray, np.ndarray]:
    """Per cell, the least and the greatest value of feature ``j`` in it: its bounds, or for a
    categorical feature (ordered by its codes) its first and last allowed code."""
    if j not in C.cats:
        return C.lo[:, j], C.hi[:, j]
    m = C.cats[j]
    return np.argmax(m, axis=1).astype(float), (m.shape[1] - 1 - np.argmax(m[:, ::-1], axis=1)).astype(float)


def _pair_rows(A: Cells, a: int, B: Cells, b: int, equal: np.ndarray, ends: tuple[int, float, float] | None,
               bounds: Bounds) -> np.ndarray:
    """Rows of cells ``a`` of A and ``b`` of B, equal on ``equal``; ``ends`` = (feature, first row's
    value, second row's value) sets the ordered feature."""
    lo, hi = np.maximum(A.lo[a], B.lo[b]), np.minimum(A.hi[a], B.hi[b])
    cats = {j: A.cats[j][a] & B.cats[j][b] for j in A.cats}
    shared = point_in(lo, hi, cats, bounds)
    x0 = point_in(A.lo[a], A.hi[a], {j: m[a] for j, m in A.cats.items()}, bounds)
    x1 = point_in(B.lo[b], B.hi[b], {j: m[b] for j, m in B.cats.items()}, bounds)
    x0[equal], x1[equal] = shared[equal], shared[equal]
    if ends is not None:
        j, first, second = ends
        x0[j], x1[j] = first, second
    return np.vstack([x0, x1])


# -- linear models ------------------------------------------------------------------------------
def _separable(model: Any) -> dict[int, list[tuple[str, float, float, int]]]:
    """Per feature, its terms as (kind, weight, knot or code, direction); one score row only."""
    if model.n_outputs != 1:
        raise Unsupported("softmax linear models are decided by the z3 backend")
    parts: dict[int, list[tuple[str, float, float, int]]] = {}
    for t, w in zip(model.terms, model.coef[0]):
        if len(t.factors) != 1:
            raise Unsupported("linear models with product terms are decided by the z3 backend")
        if w == 0:
            continue
        f = t.factors[0]
        if f.category is not None:
            parts.setdefault(f.feature, []).append(("category", float(w), float(f.category), 1))
        elif f.knot is not None:
            parts.setdefault(f.feature, []).append(("hinge", float(w), float(f.knot), int(f.direction)))
        else:
            parts.setdefault(f.feature, []).append(("value", float(w), 0.0, 1))
    return parts


def _candidates(terms: list[tuple[str, float, float, int]], lo: float, hi: float, integral: bool,
                codes: np.ndarray | None) -> np.ndarray:
    """Values where a feature's piecewise-linear contribution can reach its extremes or turn."""
    if codes is not None:
        return np.nonzero(codes)[0].astype(float)
    pts = [lo, hi]
    for kind, _, p, _ in terms:
        if kind == "hinge" and lo < p < hi:
            pts += [float(np.floor(p)), float(np.ceil(p))] if integral else [p]
    return np.unique(np.clip(pts, lo, hi))


def _linear_formula(model: Any, violation: F.Formula) -> tuple[np.ndarray | None, int]:
    if F.has_linear(violation):
        raise Unsupported("constraints relating several features (arithmetic) are decided by the z3 backend")
    if model.n_outputs > 1:
        return _softmax_formula(model, violation)
    parts = _separable(model)
    bounds = Bounds.of(model.domain)
    conjs = _dnf(violation, model.domain.n_features)
    exact_only = None
    for conj in conjs:
        box = _conj_box(conj, bounds)
        if box is None:
            continue
        lo, hi, cats = box
        sense = _linear_sense(model, conj)
        if sense is None:
            continue
        x = point_in(lo, hi, cats, bounds)
        if sense != 0:
            for j, terms in parts.items():
                cand = _candidates(terms, lo[j], hi[j], bool(bounds.integral[j]), cats.get(j))
                x[j] = max(cand, key=lambda v: sense * _phi_exact(terms, v))
        row = x[None, :]
        if F.evaluate(violation, row, outputs(model, row))[0]:
            return row, len(conjs)
        if exact_only is None and _exact_output_in(model, parts, x, conj):
            exact_only = row
    # A violation in exact arithmetic that floating-point predict misses (when no other disjunct has
    # one it confirms): the caller looks for a float one next to it, or reports the rounding ambiguity.
    return exact_only, len(conjs)


def _conj_box(conj: F.Conj, bounds: Bounds) -> tuple[np.ndarray, np.ndarray, dict[int, np.ndarray]] | None:
    """The box a conjunction allows on the domain (bounds and allowed codes), or None when empty."""
    lo, hi = bounds.tighten(conj.lo, conj.hi)
    cats = {j: _code_mask(conj.cats.get(j), k) for j, k in bounds.n_codes.items()}
    if np.any(lo > hi) or any(not m.any() for m in cats.values()):
        return None
    return lo, hi, cats


def _phi_exact(terms: list[tuple[str, float, float, int]], v: float) -> Fraction:
    """One feature's contribution to the score at value ``v``, in exact arithmetic."""
    s, x = Fraction(0), Fraction(float(v))
    for kind, w, p, direction in terms:
        if kind == "value":
            s += Fraction(w) * x
        elif kind == "category":
            s += Fraction(w) * (x == Fraction(p))
        else:
            s += Fraction(w) * max(Fraction(0), direction * (x - Fraction(p)))
    return s


def _exact_output_in(model: Any, parts: dict[int, list[tuple[str, float, float, int]]], x: np.ndarray,
                     conj: F.Conj) -> bool:
    """Whether the exact score at row ``x`` gives an output that ``conj`` asks for."""
    score = Fraction(float(model.intercept[0])) + sum((_phi_exact(t, x[j]) for j, t in parts.items()), Fraction(0))
    if model.task == "classification":
        return conj.classes is None or int(score > 0) in conj.classes
    lo, hi = conj.value
    if lo == np.inf or hi == -np.inf:  # beyond the largest double: no exact score is there
        return False
    return (lo == -np.inf or score >= Fraction(lo)) and (hi == np.inf or score <= Fraction(hi))


def _linear_sense(model: Any, conj: F.Conj) -> int | None:
    """+1 to maximise the score, -1 to minimise it, 0 when any point will do, None when impossible."""
    if model.task == "classification":
        classes = conj.classes if conj.classes is not None else frozenset({0, 1})
        if not classes:
            return None
        if len(classes) == 2:
            return 0
        return 1 if 1 in classes else -1
    lo, hi = conj.value
    if lo == -np.inf and hi == np.inf:
        return 0
    if lo == -np.inf:
        return -1
    if hi == np.inf:
        return 1
    raise Unsupported("a value window on a linear regressor's output is decided by the z3 backend")


def in_floats_only(model: Any) -> bool:
    """Whether the direct checker decides a linear model's monotonicity and invariance in ``predict``'s
    floats alone (see :func:`float_monotonic`): a classifier's, or a model's with product terms (the
    exact bounds here take one-feature terms of one score)."""
    return model.task == "classification" or any(len(t.factors) > 1 for t, w in zip(model.terms, model.coef.T)
                                                 if np.any(w != 0))


def _floats_undecided(model: Any, question: str, moving: set[int]) -> Unsupported:
    what = "linear classifier" if model.task == "classification" else "linear model with product terms"
    return Unsupported(f"{question} of this {what} is decided by the z3 backend ({float_gap(model, moving)})")


def _linear_monotonic(model: Any, j: int, increasing: bool, target: int | None) -> tuple[np.ndarray | None, int]:
    if in_floats_only(model):  # decided in predict's floats, or by z3
        decided, Z = float_monotonic(model, j, increasing, target)
        if not decided:
            raise _floats_undecided(model, "monotonicity", {j})
        return Z, model.n_outputs
    terms = _separable(model).get(j, [])
    bounds = Bounds.of(model.domain)
    codes = np.ones(bounds.n_codes[j], dtype=bool) if j in bounds.n_codes else None  # an ordered categorical
    cand = _candidates(terms, bounds.lo[j], bounds.hi[j], bool(bounds.integral[j]), codes)
    phi = [_phi_exact(terms, v) for v in cand]
    k = len(cand)
    bad = [(a, b) for a in range(k) for b in range(a + 1, k) if (phi[a] > phi[b] if increasing else phi[a] < phi[b])]
    x = point_in(bounds.lo, bounds.hi, {c: np.ones(n, dtype=bool) for c, n in bounds.n_codes.items()}, bounds)
    broken = (lambda oa, ob: oa > ob) if increasing else (lambda oa, ob: oa < ob)
    return _confirmed_pair(model, x, [(j, cand[a], cand[b]) for a, b in bad], broken), k


def _linear_invariant(model: Any, free: np.ndarray) -> tuple[np.ndarray | None, int]:
    if in_floats_only(model):
        decided, Z = float_invariant(model, free)
        if not decided:
            raise _floats_undecided(model, "invariance", {int(k) for k in np.nonzero(free)[0]})
        return Z, model.n_outputs
    parts = _separable(model)
    bounds = Bounds.of(model.domain)
    all_codes = {c: np.ones(n, dtype=bool) for c, n in bounds.n_codes.items()}
    x = point_in(bounds.lo, bounds.hi, all_codes, bounds)
    moves = []
    for j in np.nonzero(free)[0]:
        terms = parts.get(int(j), [])
        cand = _candidates(terms, bounds.lo[j], bounds.hi[j], bool(bounds.integral[j]), all_codes.get(int(j)))
        phi = [_phi_exact(terms, v) for v in cand]
        moves += [(int(j), cand[a], cand[b]) for a in range(len(cand)) for b in range(a + 1, len(cand))
                  if phi[a] != phi[b]]
    return _confirmed_pair(model, x, moves, lambda oa, ob: oa != ob), int(free.sum())


def _confirmed_pair(model: Any, x: np.ndarray, moves: list[tuple[int, float, float]], broken: Any) -> np.ndarray | None:
    """Two rows equal to ``x`` but in one feature, ``(j, a, b)`` of ``moves`` (each a violation in
    exact arithmetic): the first pair whose floating-point outputs ``broken`` also flags, else the
    first pair (the caller reports the rounding ambiguity), or None when there are none."""
    if not moves:
        return None
    rows = np.repeat(x[None, :], 2 * len(moves), axis=0)
    for i, (j, a, b) in enumerate(moves):
        rows[2 * i, j], rows[2 * i + 1, j] = a, b
    out = outputs(model, rows)
    hit = [i for i in range(len(moves)) if broken(out[2 * i], out[2 * i + 1])]
    i = hit[0] if hit else 0
    return rows[2 * i:2 * i + 2]


def float_formula(model: Any, violation: F.Formula, grid: int = 4096) -> tuple[bool, np.ndarray | None]:
    """Decide a linear model's single-input formula in ``predict``'s own floating point: (True, a row
    where ``predict`` violates it or None when none does), or (False, None) when this cannot decide.

    ``predict`` sums ``fl(w * term)`` in term order, intercept last; a rounded sum never decreases
    when a summand grows, and each term is monotone in its feature, so a box's extreme float score
    is the sum of the terms' extremes at the box's ends, reached at one row when a feature's terms
    agree on which end. A feature whose terms disagree (a slope and a hinge against it) is tried at
    every value it takes in the box (every float of a radius-0 or few-ulp ball), when there are at
    most ``grid`` such rows. A value window (``prediction == v``, ``a <= prediction <= b``) is
    decided by :func:`_window_rows`. Undecided: product terms, softmax, arithmetic in the formula,
    and scores that overflow."""
    if form_of(model) != "linear" or F.has_linear(violation) or model.n_outputs != 1:
        return False, None
    if any(len(t.factors) != 1 for t, w in zip(model.terms, model.coef[0]) if w != 0):
        return False, None
    bounds = Bounds.of(model.domain)
    try:
        conjs = _dnf(violation, model.domain.n_features)
    except Unsupported:
        return False, None
    decided = True
    for conj in conjs:
        box = _conj_box(conj, bounds)
        if box is None:
            continue
        lo, hi, cats = box
        try:
            sense = _linear_sense(model, conj)
        except Unsupported:  # a value window
            known, rows = _window_rows(model, lo, hi, cats, bounds, conj.value, grid)
            decided &= known
            if rows is not None and F.evaluate(violation, rows, outputs(model, rows))[0]:
                return True, rows
            continue
        if sense is None:
            continue
        rows = _extreme_rows(model, lo, hi, cats, bounds, sense, grid)
        if rows is None:
            decided = False
            continue
        with np.errstate(over="ignore", invalid="ignore"):
            out = outputs(model, rows)
        if model.task == "regression" and not np.all(np.isfinite(out)):
            decided = False
            continue
        hit = np.nonzero(F.evaluate(violation, rows, out))[0]
        if hit.size:
            return True, rows[hit[:1]]
    return decided, None


def _window_rows(model: Any, lo: np.ndarray, hi: np.ndarray, cats: dict[int, np.ndarray], bounds: Bounds,
                 window: tuple[float, float], grid: int) -> tuple[bool, np.ndarray | None]:
    """A row of the box ``lo..hi`` (``cats``) where a linear regressor's ``predict`` value lies in
    ``window`` (both ends included): (True, the row), (True, None) when no row's value does, or
    (False, None) when this cannot tell.

    The value's float extremes over the box (see :func:`_extreme_rows`) settle a window outside
    them. Inside, from the row of the least value to that of the greatest, one feature at a time,
    each float (or integer) after the last, the value never falls when every term of the feature
    moved rises or stays: a binary search finds the least value on that path at or above the
    window's lower end. The path holds every value of the box when only one feature moves the
    value there; a feature whose terms disagree is then tried at each value it takes (at most
    ``grid``)."""
    a, b = window
    if a == np.inf or b == -np.inf or _float_terms(model, bounds) is None:
        return a == np.inf or b == -np.inf, None
    ends = [_extreme_rows(model, lo, hi, cats, bounds, sense, grid) for sense in (-1, 1)]
    if ends[0] is None or ends[1] is None:
        return False, None
    rows = np.vstack(ends)
    out = outputs(model, rows)
    inside = np.nonzero((out >= a) & (out <= b))[0]
    if inside.size:
        return True, rows[inside[:1]]
    if out.max() < a or out.min() > b:
        return True, None
    start, end = rows[int(np.argmin(out))], rows[int(np.argmax(out))]
    moved = [k for k in range(len(start)) if start[k] != end[k]]
    live = [(t, w) for t, w in zip(model.terms, model.coef[0]) if w != 0]
    rising = all(w * t.evaluate(end[None, :])[0] >= w * t.evaluate(start[None, :])[0] for t, w in live)
    for turn in range(len(moved) if rising else 0):  # the features in turn first
        row = _path_search(start, end, moved[turn:] + moved[:turn], bounds,
                           lambda p: bool(outputs(model, p[None, :])[0] >= a))
        if outputs(model, row[None, :])[0] <= b:
            return True, row[None, :]
    varying = set()
    for t, w in live:  # the features whose terms move the value in the box
        j = t.features[0]
        values = np.nonzero(cats[j])[0].astype(float) if j in cats else np.unique([lo[j], hi[j]])
        Z = np.repeat(start[None, :], len(values), axis=0)
        Z[:, j] = values
        if np.unique(w * t.evaluate(Z)).size > 1:
            varying.add(j)
    if len(varying) > 1:
        return False, None
    if not varying:
        return True, None
    (k,) = varying
    if rising and moved == [k] and {start[k], end[k]} == {lo[k], hi[k]}:  # the path went through every value
        return True, None
    values = _values_in(lo[k], hi[k], np.nonzero(cats[k])[0].astype(float) if k in cats else None,
                        bool(bounds.integral[k]), grid)
    if values is None:
        return False, None
    Z = np.repeat(start[None, :], len(values), axis=0)
    Z[:, k] = values
    out = outputs(model, Z)
    inside = np.nonzero((out >= a) & (out <= b))[0]
    return True, (Z[inside[:1]] if inside.size else None)


def _path_search(start: np.ndarray, end: np.ndarray, moved: list[int], bounds: Bounds,
                 reached: Callable[[np.ndarray], bool]) -> np.ndarray:
    """The first row that ``reached`` on the path from ``start`` to ``end`` (one feature of ``moved``
    at a time, each float, integer or category code after the last), along which ``reached`` never
    turns false once true; ``start`` is not reached and ``end`` is."""
    steps = []
    for k in moved:
        if k in bounds.n_codes:
            steps.append(1)
        elif bounds.integral[k]:
            steps.append(int(abs(end[k] - start[k])))
        else:
            steps.append(abs(_float_key(end[k]) - _float_key(start[k])))

    def point(t: int) -> np.ndarray:
        p = start.copy()
        for k, n in zip(moved, steps):
            if t >= n:
                p[k], t = end[k], t - n
                continue
            if k in bounds.n_codes or t == 0:
                break
            if bounds.integral[k]:
                p[k] = start[k] + t * np.sign(end[k] - start[k])
            else:
                p[k] = _from_float_key(_float_key(start[k]) + t * (1 if end[k] > start[k] else -1))
            break
        return p

    low, high = 0, sum(steps)
    while high - low > 1:
        mid = (low + high) // 2
        if reached(point(mid)):
            high = mid
        else:
            low = mid
    return point(high)


def _float_key(v: float) -> int:
    """An integer that orders floats as their values and counts the floats between two (0.0 and -0.0
    alike)."""
    bits = int(np.array(v, dtype=np.float64).view(np.int64))
    return bits if bits >= 0 else -(bits & 0x7FFF_FFFF_FFFF_FFFF)


def _from_float_key(key: int) -> float:
    value = float(np.array(abs(key), dtype=np.int64).view(np.float64))
    return value if key >= 0 else -value


def _extreme_rows(model: Any, lo: np.ndarray, hi: np.ndarray, cats: dict[int, np.ndarray], bounds: Bounds,
                  sense: int, grid: int) -> np.ndarray | None:
    """Rows of the box ``lo..hi`` (``cats``) among which ``predict``'s score takes its float extreme
    in the direction ``sense`` (any row when 0); None when they are too many, a term overflows or
    is a product."""
    if any(len(t.factors) != 1 for t, w in zip(model.terms, model.coef[0]) if w != 0):
        return None
    x = point_in(lo, hi, cats, bounds)
    if sense == 0:
        return x[None, :]
    ends = {j: np.nonzero(cats[j])[0].astype(float) if j in cats else np.unique([lo[j], hi[j]])
            for j in range(len(x))}
    best: dict[int, set[float]] = {}
    with np.errstate(over="ignore", invalid="ignore"):
        for t, w in zip(model.terms, model.coef[0]):
            if w == 0:
                continue
            j = t.factors[0].feature
            Z = np.repeat(x[None, :], len(ends[j]), axis=0)
            Z[:, j] = ends[j]
            v = w * t.evaluate(Z)
            if not np.all(np.isfinite(v)):
                return None
            top = sense * v == np.max(sense * v)
            best.setdefault(j, set(ends[j][top])).intersection_update(ends[j][top])
    axes = []
    for j, agreed in best.items():
        if agreed:
            x[j] = min(agreed)
        else:  # the feature's terms pull to different ends: every value it takes in the box
            axes.append((j, _values_in(lo[j], hi[j], ends[j] if j in cats else None, bool(bounds.integral[j]), grid)))
    if any(values is None for _, values in axes) or np.prod([len(v) for _, v in axes]) > grid:
        return None
    rows = np.repeat(x[None, :], int(np.prod([len(v) for _, v in axes])), axis=0)
    for i, combo in enumerate(itertools.product(*[v for _, v in axes])):
        for (j, _), value in zip(axes, combo):
            rows[i, j] = value
    return rows


def _values_in(lo: float, hi: float, codes: np.ndarray | None, integral: bool, limit: int) -> np.ndarray | None:
    """Every value a feature takes in ``[lo, hi]`` (its allowed codes, integers, or floats), or None
    when there are more than ``limit``."""
    if codes is not None:
        return codes
    if integral:
        return np.arange(lo, hi + 1.0) if hi - lo < limit else None
    out = [lo]
    while out[-1] < hi:
        if len(out) >= limit:
            return None
        out.append(float(np.nextafter(out[-1], np.inf)))
    return np.array(out)


def _softmax_formula(model: Any, violation: F.Formula) -> tuple[np.ndarray | None, int]:
    """A softmax's formula decided at every input, in ``predict``'s floats, where the features that move
    a score or that the formula reads take few values together (whole numbers, codes: see
    :func:`_every_row`); a row ``predict`` violates it at (or None) and the rows checked. z3 took
    minutes over letters' 26 scores of four features of 16 values."""
    bounds = Bounds.of(model.domain)
    feats = {f.feature for t, w in zip(model.terms, model.coef.T) if np.any(w != 0) for f in t.factors}
    grid = _every_row(bounds, sorted(feats | _formula_features(violation)), 4096)
    if grid is None:
        raise Unsupported("softmax linear models are decided by the z3 backend")
    Z = grid[0]
    hit = np.nonzero(F.evaluate(violation, Z, outputs(model, Z)))[0]
    return (Z[hit[:1]] if hit.size else None), len(Z)


def _formula_features(f: F.Formula) -> set[int]:
    """The features a formula without arithmetic reads."""
    if isinstance(f, (F.BAnd, F.BOr)):
        return set().union(*(_formula_features(i) for i in f.items))
    return {f.j} if isinstance(f, (F.FeatureRange, F.CategorySet)) else set()


def _axes(bounds: Bounds, feats: list[int], grid: int) -> list[np.ndarray] | None:
    """Every value each of ``feats`` takes (see :func:`_values_in`), or None when one takes more than ``grid``."""
    axes = []
    for k in feats:
        codes = np.arange(float(bounds.n_codes[k])) if k in bounds.n_codes else None
        values = _values_in(bounds.lo[k], bounds.hi[k], codes, bool(bounds.integral[k]), grid)
        if values is None:
            return None
        axes.append(values)
    return axes


def _every_row(bounds: Bounds, feats: list[int], grid: int) -> tuple[np.ndarray, list[int]] | None:
    """Every combination of the values ``feats`` take (the others at a fixed point), as rows in C order
    of the grid and its shape, when they take at most ``grid`` together or the rows hold at most
    ``_EVERY_VALUE`` values; else None."""
    axes = _axes(bounds, feats, grid)
    if axes is None:
        return None
    n = math.prod(len(v) for v in axes)
    # the rows are built whole: bounded by their values, not their count (letters' four moving
    # features of 16 values each: 65,536 rows of 16, 8 MiB), so whole numbers and codes decide here
    if n > grid and n * len(bounds.lo) > _EVERY_VALUE:
        return None
    Z = np.repeat(_base(bounds)[None, :], n, axis=0)
    for k, column in zip(feats, np.meshgrid(*axes, indexing="ij")):
        Z[:, k] = column.ravel()
    return Z, [len(v) for v in axes]


# -- relational properties of linear models in predict's floating point ----------------------------
def _float_terms(model: Any, bounds: Bounds,
                 row: int = 0) -> list[tuple[tuple[int, ...], float, float, int | None]] | None:
    """``predict``'s live terms of score ``row`` in the order it sums them, each as (features, least
    value, greatest value, way), ``way`` being 1 when the term never falls as its feature grows
    (through its codes for a categorical one), -1 when it never rises, 0 when it does not move, None
    when it rises and falls (a one-hot term) or is a product. None when a product reads a feature
    twice, or when a sum can pass the largest double on the domain (inf - inf is NaN, which
    compares with nothing). A product's rounded value moves one way with each factor while the
    others keep their signs, so its extremes sit at the ends of its factors' ranges.

    ``predict`` sums ``fl(w * term)`` in term order, intercept last; a value or hinge term is
    monotone in its feature (rounding never reverses an order), so its two ends say which way it
    goes and bound it; a one-hot term is evaluated at every code. One-hot terms of one feature that
    follow each other in that order, of different categories, are one term: at each code one of
    them at most is not zero, and adding a zero leaves a sum as it is, so the score reads the one
    that is (the weight of ``[size=L]`` against ``[size=M]``'s, at one place in the sum)."""
    if form_of(model) != "linear":
        return None
    x = _base(bounds)
    out = []
    reach = abs(float(model.intercept[row]))
    live: list[tuple[tuple[int, ...], np.ndarray, bool]] = []  # (features, values at their ends or codes, one-hot)
    with np.errstate(over="ignore", invalid="ignore"):
        for t, w in zip(model.terms, model.coef[row]):
            if w == 0:
                continue
            feats = t.features
            if len(set(feats)) != len(feats):  # x * x: its extremes need not sit at the ends
                return None
            ends = [np.arange(float(bounds.n_codes[j])) if j in bounds.n_codes
                    else np.unique([bounds.lo[j], bounds.hi[j]]) for j in feats]
            if math.prod(len(e) for e in ends) > 4096:
                return None
            Z = np.repeat(x[None, :], math.prod(len(e) for e in ends), axis=0)
            Z[:, list(feats)] = np.array(list(itertools.product(*ends)), dtype=float).reshape(len(Z), len(feats))
            v = w * t.evaluate(Z)
            if not np.all(np.isfinite(v)):
                return None
            one_hot = len(feats) == 1 and t.factors[0].category is not None
            if one_hot and live and live[-1][0] == feats and live[-1][2] and not np.any((live[-1][1] != 0) & (v != 0)):
                live[-1] = (feats, live[-1][1] + v, True)
            else:
                live.append((feats, v, one_hot))
        for feats, v, _ in live:
            reach += float(np.max(np.abs(v)))
            step = np.diff(v)
            way = 0 if not step.any() else None if len(feats) > 1 else \
                1 if np.all(step >= 0) else -1 if np.all(step <= 0) else None
            out.append((feats, float(np.min(v)), float(np.max(v)), way))
        if not reach <= float(np.finfo(float).max) / 2:
            return None
    return out


def _directions(terms: list[tuple[tuple[int, ...], float, float, int | None]]) -> dict[int, int | None]:
    """How ``predict``'s score moves with each feature that has a live term (see :func:`_float_terms`):
    1 (never falls as the feature grows), -1 (never rises), 0 (does not move), None (its terms pull
    different ways). A rounded sum never falls when a summand grows, so the score goes the way all
    its terms of the feature go."""
    found: dict[int, set[int | None]] = {}
    for feats, _, _, way in terms:
        for j in feats:
            found.setdefault(j, set()).add(way)
    out: dict[int, int | None] = {}
    for j, ways in found.items():
        ways.discard(0)
        out[j] = None if None in ways or len(ways) > 1 else (ways.pop() if ways else 0)
    return out


def _absorbed(terms: list[tuple[tuple[int, ...], float, float, int | None]], intercept: float,
              moving: set[int]) -> bool:
    """Whether rounding swallows every term of the ``moving`` features whatever the others are, so
    that ``predict``'s score does not read them: ``fl(a + t)`` is ``a`` when ``|t|`` is under half the
    gap between ``a`` and its neighbours (and ``t`` when ``|a|`` is under half of ``t``'s). The
    partial sums are bounded by summing the terms' least and greatest values in ``predict``'s order
    (a rounded sum never falls when a summand grows); a moving term is swallowed when it is below
    half the gap at the smallest partial sum it meets, and a partial sum holding one when it is
    below half the gap at the smallest summand that follows (the intercept 1 after 1e-20*x)."""
    steps = [(not moving.isdisjoint(feats), lo, hi) for feats, lo, hi, _ in terms] + [(False, intercept, intercept)]
    reads, lo, hi = steps[0]
    for moves, t_lo, t_hi in steps[1:]:
        a_least = 0.0 if lo <= 0 <= hi else min(abs(lo), abs(hi))
        t_least = 0.0 if t_lo <= 0 <= t_hi else min(abs(t_lo), abs(t_hi))
        if moves and not reads:
            reads = not max(abs(t_lo), abs(t_hi)) < _half_gap(a_least)
        elif reads and not moves:
            reads = not max(abs(lo), abs(hi)) < _half_gap(t_least)
        lo, hi = lo + t_lo, hi + t_hi
    return not reads


def _score_ways(model: Any, bounds: Bounds,
                moving: set[int]) -> tuple[dict[int, int | None], list[dict[int, int | None]]] | None:
    """How ``predict``'s scores move with each feature: per score row (see :func:`_directions`), a
    row whose change in the ``moving`` features that move it rounding swallows (see :func:`_absorbed`)
    reading them as not moving it; and over all rows, the one row's ways for a single score, and for
    a softmax 0 where no row moves a feature and None (no one way) where one does. None when a row
    is not a rounded sum of one-feature terms below the largest double (see :func:`_float_terms`)."""
    if form_of(model) != "linear":
        return None
    rows = []
    for r in range(model.n_outputs):
        terms = _float_terms(model, bounds, r)
        if terms is None:
            return None
        ways = _directions(terms)
        moved = {k for k in moving if ways.get(k, 0) != 0}
        if moved and _absorbed(terms, float(model.intercept[r]), moved):
            ways.update({k: 0 for k in moved})
        rows.append(ways)
    if len(rows) == 1:
        return rows[0], rows
    merged: dict[int, int | None] = {}
    for ways in rows:
        for k, w in ways.items():
            merged[k] = None if w != 0 or merged.get(k, 0) is None else 0
    return merged, rows


def _constant_class(model: Any, bounds: Bounds, grid: int) -> bool:
    """Whether a logistic classifier predicts one class on the whole domain: its class (score > 0)
    never falls as the score grows, so the rows of the least and the greatest float score (see
    :func:`_extreme_rows`) bound every row's class."""
    if model.task != "classification" or model.n_outputs != 1:
        return False
    cats = {c: np.ones(n, dtype=bool) for c, n in bounds.n_codes.items()}
    ends = [_extreme_rows(model, bounds.lo, bounds.hi, cats, bounds, sense, grid) for sense in (-1, 1)]
    if ends[0] is None or ends[1] is None:
        return False
    return np.unique(outputs(model, np.vstack(ends))).size == 1


def _half_gap(a: float) -> float:
    """Half the least gap between a float of magnitude at least ``a`` and its neighbours."""
    return (a - float(np.nextafter(a, 0.0))) / 2.0


def float_monotonic(model: Any, j: int, increasing: bool, target: int | None,
                    grid: int = 4096) -> tuple[bool, np.ndarray | None]:
    """Decide a linear model's monotonicity in feature ``j`` in ``predict``'s own floating point:
    (True, a pair of rows ``predict`` confirms, or None when it holds), or (False, None) when this
    cannot decide (see :func:`_directions`).

    It holds when every term of ``j`` moves the way the property asks (the score, or for a logistic
    classifier whether it is above 0, then never moves the other way, whatever the other features
    are), and for a softmax when the target's score moves that way and every other class's score
    the other (``predict`` takes class ``k`` where its score beats the earlier classes' and is not
    beaten by the later ones'). A logistic classifier that predicts one class on the whole domain
    (see :func:`_constant_class`) is monotonic too. When no other feature moves a score, the output
    is a function of ``x[j]`` alone: decided at the ends of ``j``'s range (one score whose terms all
    go the wrong way), or at every value ``j`` takes (at most ``grid``; terms pulling both ways, or
    a softmax). Otherwise a violation is looked for on a few points."""
    bounds = Bounds.of(model.domain)
    found = _score_ways(model, bounds, {j})
    if found is None or (model.n_outputs > 1 and target is None):
        return False, None
    ways, rows = found
    if model.n_outputs > 1:
        up = 1 if increasing else -1
        if all(w.get(j, 0) in (0, up if r == target else -up) for r, w in enumerate(rows)):
            return True, None
    else:
        want = (1 if increasing else -1) * (1 if target is None or target == 1 else -1)
        if ways.get(j, 0) in (0, want) or _constant_class(model, bounds, grid):
            return True, None
    way = ways.get(j, 0)

    def gain(out: np.ndarray) -> np.ndarray:
        return np.asarray(out if target is None else out == target, dtype=float)

    broken = (lambda oa, ob: gain(oa) > gain(ob)) if increasing else (lambda oa, ob: gain(oa) < gain(ob))
    done, Z = _every_pair(model, bounds, ways, [j], broken, grid)
    if done:
        return True, Z
    codes = np.arange(float(bounds.n_codes[j])) if j in bounds.n_codes else None
    if way is None:
        values = _values_in(bounds.lo[j], bounds.hi[j], codes, bool(bounds.integral[j]), grid)
    else:  # the score goes the wrong way all along: a violation, if any, shows between the ends
        values = codes[[0, -1]] if codes is not None else np.unique([bounds.lo[j], bounds.hi[j]])
    alone = all(w == 0 for k, w in ways.items() if k != j)
    if alone and values is not None:
        return True, _broken_pair(model, _base(bounds), [({j: a}, {j: b}) for a, b in zip(values[:-1], values[1:])],
                                  broken)
    if values is None or len(values) > 64:
        values = _sample_values(model, bounds, j, 1024 if alone else 64)
    return _searched(model, bounds, ways, {j}, [({j: a}, {j: b}) for a, b in zip(values[:-1], values[1:])], broken)


def float_invariant(model: Any, free: np.ndarray, grid: int = 4096) -> tuple[bool, np.ndarray | None]:
    """Decide a linear model's invariance to the ``free`` features in ``predict``'s own floating point:
    (True, a pair of rows ``predict`` confirms, or None when it holds), or (False, None) when this
    cannot decide (see :func:`_directions`).

    It holds when no free feature moves a score (see :func:`_score_ways`), and for a logistic
    classifier that predicts one class on the whole domain. When only free features move the
    scores, invariance is "the output is constant on the domain": decided by one score's float
    extremes, which sit at the ends of the features' ranges (see :func:`_extreme_rows`), or for a
    softmax at every combination of the values the free features take (at most ``grid``). Otherwise
    a violation is looked for on a few points for the other features, the free ones at the ends that
    make the score least and greatest (sampled values, for a softmax)."""
    bounds = Bounds.of(model.domain)
    found = _score_ways(model, bounds, {int(k) for k in np.nonzero(free)[0]})
    if found is None:
        return False, None
    ways, _ = found
    moved = {k for k, w in ways.items() if w != 0 and free[k]}
    if not moved or _constant_class(model, bounds, grid):
        return True, None

    def broken(oa: np.ndarray, ob: np.ndarray) -> np.ndarray:
        return oa != ob

    done, Z = _every_pair(model, bounds, ways, sorted(moved), broken, grid)
    if done:
        return True, Z
    alone = all(free[k] for k, w in ways.items() if w != 0)
    if alone and model.n_outputs > 1:
        pairs = _every_change(bounds, sorted(moved), grid)
        if pairs is not None:
            return True, _broken_pair(model, _base(bounds), pairs, broken)
    elif alone:
        cats = {c: np.ones(n, dtype=bool) for c, n in bounds.n_codes.items()}
        ends = [_extreme_rows(model, bounds.lo, bounds.hi, cats, bounds, sense, grid) for sense in (-1, 1)]
        if ends[0] is not None and ends[1] is not None:
            rows = np.vstack(ends)
            out = outputs(model, rows)
            pair = rows[[int(np.argmin(out)), int(np.argmax(out))]]
            pair[1, ~free] = pair[0, ~free]  # the score does not read them
            return True, _broken_pair(model, pair[0], [({}, dict(enumerate(pair[1])))], broken)
    low, high = {}, {}
    for k in moved:
        if ways[k] is None:  # pulled both ways: sampled values, each against the others
            continue
        values = np.arange(float(bounds.n_codes[k])) if k in bounds.n_codes else np.array([bounds.lo[k], bounds.hi[k]])
        low[k], high[k] = (values[0], values[-1]) if ways[k] == 1 else (values[-1], values[0])
    moves = [(low, high)]
    for k in moved - set(low):  # each sampled value against the first: any difference shows
        values = _sample_values(model, bounds, k, 1024 if alone else 64)
        moves += [({**low, k: values[0]}, {**low, k: v}) for v in values[1:]]
    return _searched(model, bounds, ways, moved, moves, broken)


def _every_pair(model: Any, bounds: Bounds, ways: dict[int, int | None], moving: list[int], broken: Any,
                grid: int) -> tuple[bool, np.ndarray | None]:
    """Every input, where the features that move a score (``ways``, see :func:`_score_ways`) and the
    ``moving`` ones take at most ``grid`` values together, or as many as rows of at most
    ``_EVERY_VALUE`` values hold (the others do not change the output):
    each against its neighbour along each ``moving`` feature. A pair of inputs that differ only in
    ``moving`` features and break the property is joined by such steps, one of which breaks it too
    (a gain that falls somewhere falls at some step; outputs that differ somewhere differ at some
    step). (True, the first pair ``broken`` flags, or None), or (False, None) when too many."""
    feats = sorted({k for k, w in ways.items() if w != 0} | set(moving))
    rows = _every_row(bounds, feats, grid)
    if rows is None:
        return False, None
    Z, shape = rows
    out = outputs(model, Z)
    index = np.arange(len(Z)).reshape(shape)
    for k in moving:
        axis = feats.index(k)
        first = np.take(index, np.arange(shape[axis] - 1), axis=axis).ravel()
        second = np.take(index, np.arange(1, shape[axis]), axis=axis).ravel()
        hit = np.nonzero(broken(out[first], out[second]))[0]
        if hit.size:
            return True, Z[[first[hit[0]], second[hit[0]]]]
    return True, None


def _every_change(bounds: Bounds, features: list[int],
                  grid: int) -> list[tuple[dict[int, float], dict[int, float]]] | None:
    """The first combination of the values ``features`` take against each other one (every
    difference in the output shows against the first), or None when more than ``grid``."""
    axes = _axes(bounds, features, grid)
    if axes is None or math.prod(len(v) for v in axes) > grid:
        return None
    combos = [dict(zip(features, c)) for c in itertools.product(*axes)]
    return [(combos[0], c) for c in combos[1:]]


def float_gap(model: Any, moving: set[int]) -> str:
    """Why :func:`float_monotonic` or :func:`float_invariant` gave no verdict on a change of the
    ``moving`` features (for the message of a rounding ambiguity)."""
    bounds = Bounds.of(model.domain)
    found = _score_ways(model, bounds, set())
    if found is None:
        return ("floating-point predict is decided only for scores whose terms read each feature once (no x*x) "
                "and whose sums stay below the largest double")
    # as constraints write them: the letters' features '1'..'16' bare read as the numbers 1..16
    names = [f.display_name for f in model.domain.features]
    moved = ", ".join(names[j] for j in sorted(moving))
    others = sorted(k for k, w in found[0].items() if w != 0 and k not in moving)
    if not others:
        return (f"in floating point, the terms of {moved} pull different ways and its floats are too many to try "
                "each (sampled ones gave no violation)")
    return (f"in floating point, whether predict's rounding swallows a change of {moved} depends on "
            f"{', '.join(names[j] for j in others)} (tried at their ends, zero and spread values)")


def _base(bounds: Bounds) -> np.ndarray:
    return point_in(bounds.lo, bounds.hi, {c: np.ones(n, dtype=bool) for c, n in bounds.n_codes.items()}, bounds)


def _sample_values(model: Any, bounds: Bounds, k: int, n: int) -> np.ndarray:
    """About ``n`` values of feature ``k`` in its range, in order: its ends, zero, its hinges' knots
    and the floats next to them, spread values between, each with the float after it (rounding
    shows between neighbours)."""
    lo, hi = float(bounds.lo[k]), float(bounds.hi[k])
    if k in bounds.n_codes:
        return np.arange(float(bounds.n_codes[k]))[:n]
    pts = [lo, hi, 0.0, lo + (hi - lo) / 2.0]
    for t in model.terms:
        f = t.factors[0]
        if f.feature == k and f.knot is not None:
            pts += [f.knot, float(np.nextafter(f.knot, -np.inf)), float(np.nextafter(f.knot, np.inf))]
    spread = np.random.default_rng(0).uniform(lo, hi, size=n // 2)
    pts += list(spread) + list(np.nextafter(spread, np.inf))
    v = np.clip(np.array([p for p in pts if np.isfinite(p)]), lo, hi)
    if bounds.integral[k]:
        v = np.clip(np.round(v), lo, hi)
    v = np.unique(v)
    return v


def _searched(model: Any, bounds: Bounds, ways: dict[int, int | None], moving: set[int],
              moves: list[tuple[dict[int, float], dict[int, float]]], broken: Any) -> tuple[bool, np.ndarray | None]:
    """A pair that ``predict`` confirms among ``moves`` (the moving features' values in the first
    and the second row) on a few points for the other features that move the score: each at its
    ends, zero, its knots, and spread values, one at a time and all together; for a logistic
    classifier also along a path where the score rises (see :func:`_crossing`). (True, pair) or
    (False, None): finding none proves nothing, since rounding depends on every summand."""
    others = sorted(k for k, w in ways.items() if w != 0 and k not in moving)
    base = _base(bounds)
    samples = {k: _sample_values(model, bounds, k, 8) for k in others}
    points = [base]
    for pick in (0, -1, None):  # all at their least values, at their greatest, nearest zero
        p = base.copy()
        for k in others:
            p[k] = samples[k][pick] if pick is not None else samples[k][np.argmin(np.abs(samples[k]))]
        points.append(p)
    for k in others:
        for v in samples[k]:
            p = base.copy()
            p[k] = v
            points.append(p)
    rng = np.random.default_rng(0)
    for _ in range(64):
        p = base.copy()
        for k in others:
            p[k] = rng.choice(samples[k])
        points.append(p)
    for p in points:
        Z = _broken_pair(model, p, moves, broken)
        if Z is not None:
            return True, Z
    if model.task == "classification" and model.n_outputs == 1:
        Z = _crossing(model, bounds, ways, others, moves[:16], broken)
        if Z is not None:
            return True, Z
    return False, None


def _crossing(model: Any, bounds: Bounds, ways: dict[int, int | None], others: list[int],
              moves: list[tuple[dict[int, float], dict[int, float]]], broken: Any) -> np.ndarray | None:
    """A logistic classifier's pair among ``moves`` on the path of the ``others`` features from the
    row of the least score to that of the greatest, each feature that moves the score one way (see
    :func:`_directions`) stepped that way one value at a time: each row of a pair never falls from
    class 1 to 0 along it, so where the pair's classes differ somewhere on the path they differ at
    the first point where one of them is 1 (a binary search), or None."""
    path = [k for k in others if ways[k] in (1, -1)]
    start, end = _base(bounds), _base(bounds)
    for k in path:
        ends = (0.0, float(bounds.n_codes[k] - 1)) if k in bounds.n_codes else (bounds.lo[k], bounds.hi[k])
        start[k], end[k] = ends if ways[k] == 1 else ends[::-1]

    def either(p: np.ndarray, a: dict[int, float], b: dict[int, float]) -> bool:
        rows = np.repeat(p[None, :], 2, axis=0)
        for i, values in enumerate((a, b)):
            for k, v in values.items():
                rows[i, k] = v
        return bool(outputs(model, rows).max() == 1)

    for a, b in moves:
        if not either(end, a, b):
            continue
        p = start if either(start, a, b) else _path_search(start, end, path, bounds,
                                                           lambda q, a=a, b=b: either(q, a, b))
        Z = _broken_pair(model, p, [(a, b)], broken)
        if Z is not None:
            return Z
    return None


def _broken_pair(model: Any, x: np.ndarray, moves: list[tuple[dict[int, float], dict[int, float]]],
                 broken: Any) -> np.ndarray | None:
    """The first pair of rows ``x`` with ``moves``' values set whose outputs ``broken`` flags, or None."""
    if not moves:
        return None
    rows = np.repeat(x[None, :], 2 * len(moves), axis=0)
    for side in (0, 1):  # a column at a time (a domain holds no NaN)
        half = rows[side::2]
        for k in {k for move in moves for k in move[side]}:
            col = np.array([move[side].get(k, np.nan) for move in moves], dtype=float)
            put = ~np.isnan(col)
            half[put, k] = col[put]
    out = outputs(model, rows)
    hit = np.nonzero(broken(out[0::2], out[1::2]))[0]
    return rows[2 * int(hit[0]):2 * int(hit[0]) + 2] if hit.size else None

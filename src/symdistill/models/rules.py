"""Rule set representation: an ordered decision list of conjunctive rules with a default.

A :class:`Condition` is one literal on one encoded feature: ``x <= t`` / ``x > t`` for numeric,
integer and binary features, ``x in S`` / ``x not in S`` (``S`` a set of category codes) for
categorical ones. A :class:`Rule` is a conjunction of conditions with a consequent (a class index
for classifiers, a value for regressors) and the statistics measured when it was learned. A
:class:`RuleSet` is a decision list: a row takes the consequent of the first rule whose conditions
all hold, and the default when none does. ``as_dnf()`` gives the same function as one unordered
DNF per class (terms of different classes disjoint), and ``decision_regions()`` as a partition of
the input space into boxes, which is what exact checkers consume.

Literals keep the semantics of :class:`~symdistill.models.region.Box` (``lo < x <= hi``), so a
rule's conditions and its box describe the same set of rows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator, Sequence

import numpy as np

from .._errors import DataError, ModelFormatError, counted
from ..domain import Domain, cut_text, is_real
from .base import (BLOCK_ROWS, _ROUNDING, two_dimensional, SymbolicModel, check_distinct_labels, check_fields,
                   concept_layer, domain_from_json, classes_from_json, classes_to_json, encoded_rows, label_text,
                   percent_text, register_model, require, rounded_note, value_text, values_note)
from .region import Box

NUMERIC_OPS = ("<=", ">")
# Most terms ``as_dnf`` builds: many rules of one class leave the others' terms the complement of their
# union, which grows exponentially with the rules (breast-cancer's 41 rules over 30 features never finished).
_MAX_TERMS = 500_000
CATEGORICAL_OPS = ("in", "not in")
OPS = NUMERIC_OPS + CATEGORICAL_OPS


@dataclass(frozen=True)
class Condition:
    """One literal on encoded feature ``feature``.

    Parameters
    ----------
    feature : int
        Column index in the domain.
    op : {"<=", ">", "in", "not in"}
        ``<=`` / ``>`` compare with a numeric threshold; ``in`` / ``not in`` test membership of the
        category code in a set.
    value : float or frozenset of int
        The threshold (numeric ops) or the category codes (categorical ops); any iterable of codes
        is stored as a ``frozenset``.

    Examples
    --------
    >>> import numpy as np
    >>> c = Condition(0, ">", 1.75)
    >>> c.evaluate(np.array([[1.0], [2.0]])).tolist()
    [False, True]
    >>> Condition(1, "in", [2, 0]).value
    frozenset({0, 2})
    """

    feature: int
    op: str
    value: Any

    def __post_init__(self) -> None:
        if not isinstance(self.feature, (int, np.integer)) or isinstance(self.feature, bool) or self.feature < 0:
            raise ValueError(f"condition feature must be a non-negative integer index, got {self.feature!r}")
        object.__setattr__(self, "feature", int(self.feature))
        if self.op in NUMERIC_OPS:
            if not is_real(self.value):
                raise TypeError(f"condition {self.op!r} needs a numeric threshold, got {self.value!r}")
            value = float(self.value)
            if not np.isfinite(value):
                raise ValueError(f"condition threshold must be finite, got {value}")
            object.__setattr__(self, "value", value)
        elif self.op in CATEGORICAL_OPS:
            if isinstance(self.value, (str, bytes)) or not isinstance(self.value, Iterable):
                raise TypeError(f"condition {self.op!r} needs a set of category codes, got {self.value!r}")
            codes = []
            for c in self.value:
                if isinstance(c, (bool, np.bool_)) or not isinstance(c, (int, np.integer)) or c < 0:
                    raise ValueError(f"category codes must be non-negative integers, got {c!r}")
                codes.append(int(c))
            object.__setattr__(self, "value", frozenset(codes))
        else:
            raise ValueError(f"condition op must be one of {OPS}, got {self.op!r}")

    @property
    def is_categorical(self) -> bool:
        return self.op in CATEGORICAL_OPS

    def evaluate(self, Z: np.ndarray) -> np.ndarray:
        """Boolean mask of the encoded rows ``Z`` (n, d) that satisfy the literal."""
        Z = _encoded(Z, "Condition.evaluate")
        if self.feature >= Z.shape[1]:
            raise DataError(f"Condition.evaluate: the literal tests feature {self.feature}, but the rows have "
                            f"{counted(Z.shape[1], 'column')}")
        return self.test(Z[:, self.feature])

    def test(self, col: np.ndarray) -> np.ndarray:
        """Boolean mask of the encoded values ``col`` of the literal's feature that satisfy it."""
        if self.op == "<=":
            return col <= self.value
        if self.op == ">":
            return col > self.value
        hit = np.isin(col, sorted(self.value))
        return hit if self.op == "in" else ~hit

    def negate(self) -> Condition:
        """The complementary literal."""
        flip = {"<=": ">", ">": "<=", "in": "not in", "not in": "in"}
        return Condition(self.feature, flip[self.op], self.value)

    def restrict(self, box: Box, n_codes: int | None = None) -> None:
        """Narrow ``box`` (in place) to the rows satisfying the literal.

        ``n_codes`` (the number of categories of the feature) is needed for ``not in``.
        """
        j = self.feature
        if self.op == "<=":
            box.hi[j] = min(box.hi[j], self.value)
        elif self.op == ">":
            box.lo[j] = max(box.lo[j], self.value)
        else:
            if n_codes is None:
                raise ValueError(f"a categorical condition on feature {j} needs the number of categories")
            allowed = self.value if self.op == "in" else frozenset(range(n_codes)) - self.value
            box.cats[j] = box.cats.get(j, frozenset(range(n_codes))) & allowed

    def describe(self, domain: Domain | None = None) -> str:
        """Readable text with the feature's name and category labels (indices without a domain).

        >>> Condition(0, "<=", 2.5).describe()
        'x0 <= 2.5'
        """
        if domain is None:
            name = f"x{self.feature}"
            if not self.is_categorical:
                return f"{name} {self.op} {cut_text(self.value, math.inf)}"
            return f"{name} {self.op} {{{', '.join(str(c) for c in sorted(self.value))}}}"
        f = domain.features[self.feature]
        if not self.is_categorical:
            return f"{f.display_name} {self.op} {f.threshold_text(self.value)}"
        labels = ", ".join(repr(f.category_label(c)) for c in sorted(self.value))
        return f"{f.display_name} {self.op} {{{labels}}}"

    def to_dict(self) -> dict[str, Any]:
        value = sorted(self.value) if self.is_categorical else self.value
        return {"feature": self.feature, "op": self.op, "value": value}

    @classmethod
    def from_dict(cls, d: Any, where: str = "a condition") -> Condition:
        """The condition of ``to_dict``'s form; a malformed one is a ModelFormatError naming ``where`` it
        lies (``condition 0 of rule 3``)."""
        if not isinstance(d, dict):
            raise ModelFormatError(f"malformed rules: {where} should be an object, got {type(d).__name__}")
        check_fields(d, ("feature", "op", "value"), where)
        feature = require(d, "feature", int, where)
        op = require(d, "op", str, where)
        if "value" not in d:
            raise ModelFormatError(f"malformed model: {where}: missing field 'value'")
        value = d["value"]
        if op in CATEGORICAL_OPS and not isinstance(value, list):
            raise ModelFormatError(f"malformed rules: {where}: {op!r} needs a list of category codes, got {value!r}")
        if op in NUMERIC_OPS and (isinstance(value, bool) or not isinstance(value, (int, float))):
            raise ModelFormatError(f"malformed rules: {where}: {op!r} needs a number, got {value!r}")
        if op in CATEGORICAL_OPS and any(isinstance(c, bool) or not isinstance(c, int) for c in value):
            raise ModelFormatError(f"malformed rules: {where}: category codes must be integers, got {value!r}")
        try:
            return cls(feature, op, value)
        except (TypeError, ValueError) as exc:
            raise ModelFormatError(f"malformed rules: {where}: {exc}") from None


@dataclass(frozen=True)
class Rule:
    """A conjunction of conditions and its consequent.

    Parameters
    ----------
    conditions : sequence of Condition
        All must hold; none always holds (the default of a decision list). Kept as a tuple.
    prediction : int or float
        Class index into ``RuleSet.classes`` (classifiers) or the predicted value (regressors).
    proba : sequence of float, optional
        Classifiers: the teacher's class distribution on the rows the rule decides. Kept as a tuple.
    coverage : float, optional
        Share of the learner's rows the rule decides (in decision-list order): the rows it was given and
        the queries sampled around them, not the given rows alone.
    agreement : float, optional
        Classifiers: share of those rows where the teacher gives ``prediction``.
    error : float, optional
        Regressors: mean absolute difference from the teacher's values on those rows.

    Examples
    --------
    >>> import numpy as np
    >>> r = Rule((Condition(0, ">", 0.5), Condition(1, "<=", 0.5)), 1)
    >>> r.evaluate(np.array([[0.9, 0.1], [0.9, 0.9]])).tolist()
    [True, False]
    >>> r.n_literals
    2
    """

    conditions: Sequence[Condition]
    prediction: int | float
    proba: Sequence[float] | None = None
    coverage: float | None = None
    agreement: float | None = None
    error: float | None = None

    def __post_init__(self) -> None:
        _refuse_one(self.conditions, Condition, "rule conditions must be a sequence of Condition objects",
                    f"pass ({self.conditions!r},)", "a rule that always holds has none: pass ()")
        conds = tuple(self.conditions)
        for c in conds:
            if not isinstance(c, Condition):
                raise TypeError(f"rule conditions must be Condition objects, got {type(c).__name__}")
        object.__setattr__(self, "conditions", conds)
        if not is_real(self.prediction):
            raise TypeError(f"rule prediction must be a class index or a number, got {self.prediction!r}")
        pred = self.prediction.item() if isinstance(self.prediction, np.generic) else self.prediction
        if isinstance(pred, float) and not np.isfinite(pred):
            raise ValueError(f"rule prediction must be finite, got {pred}")
        object.__setattr__(self, "prediction", pred)
        if self.proba is not None:
            p = tuple(float(v) for v in self.proba)
            if not p or any(not np.isfinite(v) or v < 0 for v in p):
                raise ValueError(f"rule proba must be non-negative finite numbers, got {self.proba!r}")
            object.__setattr__(self, "proba", p)
        for name in ("coverage", "agreement", "error"):
            v = getattr(self, name)
            if v is None:
                continue
            if not is_real(v) or not np.isfinite(v) or v < 0:
                raise ValueError(f"rule {name} must be a non-negative finite number or None, got {v!r}")
            if name != "error" and v > 1 + _ROUNDING:  # shares; the learner's may pass 1 by rounding
                raise ValueError(f"rule {name} is a share of rows, in [0, 1], got {v!r}")
            object.__setattr__(self, name, float(v))

    @property
    def n_literals(self) -> int:
        return len(self.conditions)

    def evaluate(self, Z: np.ndarray) -> np.ndarray:
        """Boolean mask of the encoded rows where every condition holds."""
        Z = _encoded(Z, "Rule.evaluate")
        mask = np.ones(len(Z), dtype=bool)
        for c in self.conditions:
            mask &= c.evaluate(Z)
        return mask

    def box(self, domain: Domain) -> Box:
        """The rule's region as a :class:`Box` (``lo < x <= hi``, category code sets)."""
        b = Box.full(domain.n_features)
        for c in self.conditions:
            f = domain.features[c.feature]
            c.restrict(b, len(f.categories) if f.is_categorical else None)
        return b

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"conditions": [c.to_dict() for c in self.conditions], "prediction": self.prediction}
        for name in ("proba", "coverage", "agreement", "error"):
            v = getattr(self, name)
            if v is not None:
                d[name] = list(v) if name == "proba" else v
        return d

    @classmethod
    def from_dict(cls, d: Any, where: str = "a rule") -> Rule:
        """The rule of ``to_dict``'s form; a malformed one is a ModelFormatError naming ``where`` it lies
        (``rule 3``, ``the default rule``)."""
        if not isinstance(d, dict):
            raise ModelFormatError(f"malformed rules: {where} should be an object, got {type(d).__name__}")
        check_fields(d, ("conditions", "prediction", "proba", "coverage", "agreement", "error"), where)
        conds = [Condition.from_dict(c, f"condition {k} of {where}")
                 for k, c in enumerate(require(d, "conditions", list, where))]
        pred = require(d, "prediction", (int, float), where)
        if isinstance(pred, bool):
            raise ModelFormatError(f"malformed rules: {where}: 'prediction' must be a number, got a boolean")
        proba = d.get("proba")
        if proba is not None and (not isinstance(proba, list)
                                  or any(isinstance(v, bool) or not isinstance(v, (int, float)) for v in proba)):
            raise ModelFormatError(f"malformed rules: {where}: 'proba' must be a list of numbers, got {proba!r}")
        stats = {}
        for name in ("coverage", "agreement", "error"):
            v = d.get(name)
            if v is not None and (isinstance(v, bool) or not isinstance(v, (int, float))):
                raise ModelFormatError(f"malformed rules: {where}: {name!r} must be a number, got {v!r}")
            stats[name] = v
        try:
            return cls(tuple(conds), pred, None if proba is None else tuple(proba), **stats)
        except (TypeError, ValueError) as exc:
            raise ModelFormatError(f"malformed rules: {where}: {exc}") from None


@register_model
class RuleSet(SymbolicModel):
    """An ordered decision list of rules with a default, over a :class:`~symdistill.domain.Domain`.

    A row gets the consequent of the first rule whose conditions all hold, else the default's.

    Parameters
    ----------
    domain : Domain
    task : {"classification", "regression"}
    classes : array or None
        Class labels (classifiers); rule predictions index into it.
    rules : sequence of Rule
        In decision-list order.
    default : Rule
        The consequent when no rule fires; its conditions must be empty.
    meta : dict, optional
        Free-form provenance (learner, seed, query count, ...).

    Examples
    --------
    >>> import numpy as np
    >>> from symdistill.domain import Domain
    >>> dom = Domain.from_data(np.array([[0.0, 0.0], [1.0, 1.0]]) * 0.7, feature_names=["a", "b"])
    >>> rs = RuleSet(dom, "classification", np.array(["no", "yes"]),
    ...              [Rule((Condition(0, ">", 0.5), Condition(1, ">", 0.5)), 1, coverage=0.25, agreement=0.98)],
    ...              Rule((), 0))
    >>> rs.predict(np.array([[0.6, 0.6], [0.6, 0.1]])).tolist()
    ['yes', 'no']
    >>> print(rs)
    RuleSet (classification, 1 rule, 2 literals)
    IF a > 0.5 AND b > 0.5 THEN yes   (coverage 25%, teacher agreement 98%)
    ELSE no
    >>> rs.size, rs.n_literals
    (1, 2)
    """

    kind = "rules"
    fields = ("task", "classes", "classes_dtype", "domain", "rules", "default", "meta")

    def __init__(self, domain: Domain, task: str, classes: Any, rules: Iterable[Rule], default: Rule, *,
                 meta: dict[str, Any] | None = None) -> None:
        self.domain = domain
        self.task = task
        self.classes = None if classes is None else np.asarray(classes)
        _refuse_one(rules, Rule, "rules must be a sequence of Rule objects in decision-list order",
                    "pass it in a list, [rule]", "the default alone: pass []")
        self.rules = list(rules)
        self.default = default
        self.meta = dict(meta or {})
        self._check()

    # -- validation ----------------------------------------------------------------------------
    def _check(self) -> None:
        if not isinstance(self.domain, Domain):
            raise ModelFormatError(f"a rule set needs a Domain, got {type(self.domain).__name__}")
        if self.task not in ("classification", "regression"):
            raise ModelFormatError(f"rule set task must be 'classification' or 'regression', got {self.task!r}")
        if not isinstance(self.default, Rule):
            raise ModelFormatError(f"the default must be a Rule, got {type(self.default).__name__}")
        if self.default.conditions:
            raise ModelFormatError("the default rule must have no conditions")
        k = None
        if self.task == "classification":
            if self.classes is None or self.classes.ndim != 1 or len(self.classes) == 0:
                raise ModelFormatError("a classification rule set needs a non-empty 1-D 'classes'")
            check_distinct_labels(self.classes)
            k = len(self.classes)
        elif self.classes is not None:
            raise ModelFormatError("a regression rule set has no 'classes'")
        d = self.domain.n_features
        for i, rule in enumerate(self.rules + [self.default]):
            where = f"rule {i}" if i < len(self.rules) else "the default"
            if not isinstance(rule, Rule):
                raise ModelFormatError(f"{where} is not a Rule but {type(rule).__name__}")
            if k is not None:
                if isinstance(rule.prediction, float):  # 1.0 lies in 0..k-1 and is refused: say why
                    whole = f", written {int(rule.prediction)}" if rule.prediction in range(k) else ""
                    raise ModelFormatError(f"{where} predicts class index {rule.prediction!r}, a float; expected a "
                                           f"whole number in 0..{k - 1} (the index of its class in 'classes'){whole}")
                if not isinstance(rule.prediction, int) or not 0 <= rule.prediction < k:
                    raise ModelFormatError(f"{where} predicts class index {rule.prediction!r}; expected 0..{k - 1}")
                if rule.proba is not None and len(rule.proba) != k:
                    raise ModelFormatError(f"{where} has {len(rule.proba)} class probabilities; expected {k}")
                self._check_majority(rule, where)
                if rule.error is not None:
                    raise ModelFormatError(f"{where}: a classification rule has no 'error' (a regressor's mean abs. "
                                           "error; a classifier's rule gives its 'agreement')")
            elif rule.proba is not None:
                raise ModelFormatError(f"{where}: a regression rule has no class probabilities")
            elif rule.agreement is not None:
                raise ModelFormatError(f"{where}: a regression rule has no 'agreement' (a classifier's share of "
                                       "its class; a regressor's rule gives its 'error')")
            for c in rule.conditions:
                if c.feature >= d:
                    raise ModelFormatError(f"{where} tests feature {c.feature}, but the model has "
                                           f"{counted(d, 'feature')}")
                f = self.domain.features[c.feature]
                if f.is_categorical != c.is_categorical:
                    want = "'in' / 'not in'" if f.is_categorical else "'<=' / '>'"
                    raise ModelFormatError(f"{where} tests {f.name!r} with {c.op!r}; expected {want}")
                if c.is_categorical and any(code >= len(f.categories) for code in c.value):
                    raise ModelFormatError(
                        f"{where} tests {f.name!r} with category code out of range (it has {len(f.categories)})")

    def _check_majority(self, rule: Rule, where: str) -> None:
        """Refuse a classifier's rule whose class is not the most likely of its own probabilities (a
        tie is either class): ``predict`` gives the rule's class and ``predict_proba`` its probabilities,
        so on its rows the two disagreed without a word (a hand-edited 'prediction' or 'proba'). The
        learners give each rule its rows' majority class, so no distilled list holds one."""
        p = rule.proba
        if p is None or max(p) <= 0 or p[int(rule.prediction)] >= max(p) * (1 - _ROUNDING):
            return
        top = int(np.argmax(p))
        raise ModelFormatError(f"{where} predicts class {self._label(rule.prediction)!r} (index {rule.prediction}), "
                               f"but its class probabilities {list(p)} make {self._label(top)!r} (index {top}) the "
                               "most likely, so predict and predict_proba would disagree on its rows: set its "
                               f"'prediction' to {top} or correct its 'proba'")

    # -- structure -----------------------------------------------------------------------------
    @property
    def size(self) -> int:
        """Number of rules, not counting the default."""
        return len(self.rules)

    @property
    def n_literals(self) -> int:
        """Conditions over all rules."""
        return sum(r.n_literals for r in self.rules)

    @property
    def feature_names(self) -> list[str]:
        return self.domain.feature_names

    def rule_regions(self) -> Iterator[tuple[int, Box]]:
        """Yield ``(i, box)`` for every rule in list order, then ``(size, full box)`` for the default.

        Boxes may overlap: a row belongs to the first region that contains it. For disjoint regions
        use :meth:`decision_regions`.
        """
        for i, rule in enumerate(self.rules):
            yield i, rule.box(self.domain)
        yield len(self.rules), Box.full(self.domain.n_features)

    def decision_regions(self) -> Iterator[tuple[int, Box]]:
        """Disjoint boxes covering the input space, each with the index of the rule deciding it.

        Index ``size`` stands for the default. Every box lies inside its rule's box and outside the
        boxes of all earlier rules, so together they give exactly the decision list's function. A
        rule whose conditions contradict each other has no box; a box is split only along an earlier
        rule's box that it meets.
        """
        return self._carve(lambda i, j: True)

    def _carve(self, cuts: Callable[[int, int], bool], limit: int | None = None) -> Iterator[tuple[int, Box]]:
        """Each rule's box (in list order, the default last) minus the boxes of the earlier rules
        ``j`` for which ``cuts(i, j)`` holds, as disjoint pieces tagged with the rule's index.
        More than ``limit`` pieces (yielded and held) raise ``_TooManyPieces`` naming the rule."""
        taken: list[tuple[int, Box]] = []
        held = 0
        for i, region in self.rule_regions():
            if region.is_empty():  # a rule whose conditions contradict each other decides nothing
                continue
            pieces = [region]
            for j, earlier in taken:
                if cuts(i, j):
                    pieces = self._subtract_all(pieces, earlier)
                    if limit is not None and held + len(pieces) > limit:
                        raise _TooManyPieces(i)
                if not pieces:
                    break
            for p in pieces:
                yield i, p
            held += len(pieces)
            taken.append((i, region))

    def _subtract_all(self, pieces: list[Box], cut: Box) -> list[Box]:
        """Each of ``pieces`` minus ``cut`` (:meth:`_subtract`), in order. The pieces kept apart from ``cut``
        by a numeric bound, most of them, are found in one test of them all: one by one, letters' 32 rules
        of 26 classes took 3.2 million tests, a third of ``as_dnf``'s time."""
        if not pieces:
            return pieces
        lo, hi = np.array([p.lo for p in pieces]), np.array([p.hi for p in pieces])
        apart = np.any(np.maximum(lo, cut.lo) >= np.minimum(hi, cut.hi), axis=1)  # as _disjoint tests them
        out: list[Box] = []
        for piece, away in zip(pieces, apart.tolist()):
            if away:
                out.append(piece)
            else:
                out.extend(self._subtract(piece, cut))
        return out

    def _subtract(self, box: Box, cut: Box) -> list[Box]:
        """The non-empty ``box`` minus ``cut`` as disjoint non-empty boxes (``box`` itself when the two
        do not meet). Where they meet, each bound of ``cut`` inside ``box`` splits off the part of
        what is left beyond it: only the features ``cut`` bounds more tightly are looked at (wide
        data has hundreds), and each piece is non-empty, since it is ``box`` narrowed on one feature
        to an interval or a set of codes the two boxes' overlap leaves out."""
        if self._disjoint(box, cut):
            return [box]
        rest = box.copy()
        out: list[Box] = []
        for j in np.flatnonzero((cut.lo > box.lo) | (cut.hi < box.hi)):
            if cut.lo[j] > rest.lo[j]:
                below = rest.copy()
                below.hi[j] = min(below.hi[j], cut.lo[j])
                out.append(below)
                rest.lo[j] = cut.lo[j]
            if cut.hi[j] < rest.hi[j]:
                above = rest.copy()
                above.lo[j] = max(above.lo[j], cut.hi[j])
                out.append(above)
                rest.hi[j] = cut.hi[j]
        for j, codes in cut.cats.items():
            current = rest.cats.get(j, frozenset(range(len(self.domain.features[j].categories))))
            outside = current - codes
            if outside:
                other = rest.copy()
                other.cats[j] = outside
                out.append(other)
            rest.cats[j] = current & codes
        return out  # what is left of ``rest`` lies inside ``cut``

    def _disjoint(self, a: Box, b: Box) -> bool:
        """Whether no row lies in both boxes."""
        if np.any(np.maximum(a.lo, b.lo) >= np.minimum(a.hi, b.hi)):
            return True
        return any(not (codes & a.cats[j]) for j, codes in b.cats.items() if j in a.cats)

    def box_conditions(self, box: Box) -> tuple[Condition, ...]:
        """The literals describing ``box`` (the inverse of :meth:`Rule.box`)."""
        return box_conditions(box, self.domain)

    def as_dnf(self) -> dict[Any, list[tuple[Condition, ...]]]:
        """Unordered view: for each predicted class (or value), a DNF (a list of conjunctions).

        A row gets class ``c`` exactly when one of the terms listed under ``c`` holds. A rule's
        terms are its conditions outside the earlier rules that predict something else, so no term
        of one class overlaps a term of another, while terms of one class may overlap: a list whose
        rules all predict one class gives that class its rules' conditions, one term per rule, and
        the default's class their complement, whose terms grow exponentially with the rules: past
        ``_MAX_TERMS`` (500,000) terms a ValueError says so.
        """
        out: dict[Any, list[tuple[Condition, ...]]] = {}
        rules = self.rules + [self.default]
        try:
            for i, box in self._carve(lambda i, j: rules[i].prediction != rules[j].prediction, _MAX_TERMS):
                out.setdefault(self._label(rules[i].prediction), []).append(self.box_conditions(box))
        except _TooManyPieces as exc:
            i = exc.args[0]
            what, whats = ("value", "values") if self.task == "regression" else ("class", "classes")
            where = "the default" if i == len(self.rules) else f"rule {i}"
            raise ValueError(f"as_dnf: the DNF passes {_MAX_TERMS:,} terms ({what} {self._label(rules[i].prediction)!r}, "
                             f"where {where} decides, outside the earlier rules of other {whats}, takes many); the "
                             f"decision list's {counted(len(self.rules), 'rule')} and default state the same function "
                             "(predict, apply, the exports)") from None
        return out

    def _label(self, prediction: int | float) -> Any:
        if self.task == "regression":
            return prediction
        label = self.classes[int(prediction)]
        return label.item() if isinstance(label, np.generic) else label

    # -- prediction ----------------------------------------------------------------------------
    def apply_encoded(self, Z: np.ndarray) -> np.ndarray:
        """Index of the rule deciding each encoded row (``size`` for the default), the rows unchecked:
        a NaN is compared as the exported code compares it (every ``<=``, ``>`` and ``in`` test false);
        ``predict_encoded`` refuses it."""
        Z = np.asarray(Z, dtype=float)
        if len(Z) and self.rules:  # one row given as a 1-D array is named, as Rule.evaluate names it
            Z = _encoded(Z, "RuleSet.apply_encoded")
        out = np.full(len(Z), len(self.rules), dtype=np.int64)
        for start in range(0, len(Z), BLOCK_ROWS):  # blocks of rows that stay in cache (1M rows: 2-3x faster)
            block, decided = Z[start:start + BLOCK_ROWS], out[start:start + BLOCK_ROWS]
            rows = np.arange(len(block))  # the block's rows no rule has decided yet
            for i, rule in enumerate(self.rules):
                if not rows.size:
                    break
                fire = np.ones(rows.size, dtype=bool)
                for c in rule.conditions:  # each literal reads its own column, not a copy of the open rows
                    # (a feature beyond the rows' columns is named by Condition.evaluate, not NumPy's IndexError)
                    fire &= c.test(block[rows, c.feature]) if c.feature < block.shape[1] else c.evaluate(block[rows])
                decided[rows[fire]] = i
                rows = rows[~fire]
        return out

    def _encode(self, X: Any) -> np.ndarray:
        """``domain.encode(X)``; concept rules (distilled with ``layer=``) read a hidden layer's
        activations, and rows of another width are refused saying so (the network's input rows)."""
        layer = concept_layer(self)
        try:
            shape = np.shape(X) if layer is not None else ()
        except ValueError:  # ragged rows: encode names them
            shape = ()
        width = shape[1] if len(shape) == 2 else self.domain.n_features
        if width != self.domain.n_features:
            raise DataError(f"expected {counted(self.domain.n_features, 'column')}, the activations of hidden layer "
                            f"{layer!r} that these concept rules read, got {counted(width, 'column')}: for the "
                            f"network's input rows pass read_activations(net, X, {layer!r}) "
                            "(symdistill.teachers.activations)")
        return self.domain.encode(X)

    def apply(self, X: Any) -> np.ndarray:
        """Index of the rule deciding each row (``size`` for the default)."""
        return self.apply_encoded(self._encode(X))

    def _consequents(self) -> np.ndarray:
        return np.array([r.prediction for r in self.rules + [self.default]],
                        dtype=np.int64 if self.task == "classification" else float)

    def predict_encoded(self, Z: np.ndarray) -> np.ndarray:
        """Class labels or values for encoded rows (``Domain.encode``'s: categories as their codes);
        NaN and infinite values are refused, as ``predict`` refuses them."""
        pred = self._consequents()[self.apply_encoded(encoded_rows(Z, self.domain))]
        return pred if self.task == "regression" else self.classes[pred]

    def predict(self, X: Any) -> np.ndarray:
        """Class labels (classifiers) or values (regressors) for the rows of ``X``."""
        return self.predict_encoded(self._encode(X))

    def predict_proba_encoded(self, Z: np.ndarray) -> np.ndarray:
        return self._proba_table()[self.apply_encoded(encoded_rows(Z, self.domain, "predict_proba_encoded"))]

    def predict_and_proba_encoded(self, Z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(predict_encoded(Z), predict_proba_encoded(Z))`` from one walk of the rules (predict --proba
        walked them twice per chunk): the deciding rule's own class, as predict gives it (a tie of its
        probabilities is its class, which an argmax could miss), and its probabilities."""
        table = self._proba_table()
        decided = self.apply_encoded(encoded_rows(Z, self.domain))
        return self.classes[self._consequents()[decided]], table[decided]

    def _proba_table(self) -> np.ndarray:
        """The class probabilities of each rule, the default last (a row per ``apply_encoded`` index)."""
        if self.task != "classification":
            raise TypeError("predict_proba is only defined for classification rule sets")
        k = len(self.classes)
        table = np.zeros((len(self.rules) + 1, k))
        for i, r in enumerate(self.rules + [self.default]):
            if r.proba is not None and sum(r.proba) > 0:
                p = np.asarray(r.proba, dtype=float)
                if not math.isfinite(sum(r.proba)):  # frequencies summing past the largest double: scaled first
                    p = p / p.max()
                table[i] = p / sum(p)
            else:
                table[i, r.prediction] = 1.0
        return table

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities: the teacher's class distribution on each deciding rule's rows."""
        return self.predict_proba_encoded(self._encode(X))

    # -- rendering -----------------------------------------------------------------------------
    def rule_text(self, rule: Rule) -> str:
        """``a > 1 AND b <= 2 THEN yes   (coverage .., teacher agreement ..)`` without the keyword."""
        stats = []
        if rule.coverage is not None:
            stats.append(f"coverage {percent_text(rule.coverage)}")
        if rule.agreement is not None:
            stats.append(f"teacher agreement {percent_text(rule.agreement)}")
        if rule.error is not None:
            stats.append(f"mean abs. error {_fmt(rule.error)}")
        tail = f"   ({', '.join(stats)})" if stats else ""
        if self.task == "regression":
            then = value_text(float(rule.prediction), [r.prediction for r in self.rules] + [self.default.prediction])
        else:
            then = label_text(self._label(rule.prediction))
        if not rule.conditions:
            return f"{then}{tail}"
        return f"{' AND '.join(c.describe(self.domain) for c in rule.conditions)} THEN {then}{tail}"

    def __str__(self) -> str:
        n = len(self.rules)
        lits = self.n_literals
        head = f"RuleSet ({self.task}, {n} rule{'s' if n != 1 else ''}, {lits} literal{'s' if lits != 1 else ''})"
        lines = [head]
        for i, rule in enumerate(self.rules):
            text = self.rule_text(rule)
            if not rule.conditions:  # a rule that fires on every row reaching it
                text = f"TRUE THEN {text}"
            lines.append(f"{'IF' if i == 0 else 'ELSE IF'} {text}")
        lines.append(f"{'ELSE' if self.rules else 'ALWAYS'} {self.rule_text(self.default)}")
        cuts = [(c.feature, c.value) for rule in self.rules for c in rule.conditions if not c.is_categorical]
        values: list[str] = []
        if self.task == "regression":
            values = values_note([r.prediction for r in self.rules] + [self.default.prediction])
        return "\n".join(lines + rounded_note(cuts, self.domain) + values)

    def __repr__(self) -> str:
        return f"<RuleSet {self.task} rules={self.size} literals={self.n_literals}>"

    # -- serialisation -------------------------------------------------------------------------
    def _payload(self) -> dict[str, Any]:
        return {
            "task": self.task,
            **classes_to_json(self.classes),
            "domain": self.domain.to_dict(),
            "rules": [r.to_dict() for r in self.rules],
            "default": self.default.to_dict(),
            "meta": self.meta,
        }

    @classmethod
    def _from_payload(cls, p: dict[str, Any]) -> RuleSet:
        meta = {} if p.get("meta") is None else p["meta"]
        if not isinstance(meta, dict):
            raise ModelFormatError(f"malformed rules: 'meta' should be an object, got {type(meta).__name__}")
        _check_concept_meta(meta)
        return cls(
            domain_from_json(p),
            require(p, "task", str),
            classes_from_json(p),
            [Rule.from_dict(r, f"rule {i}") for i, r in enumerate(require(p, "rules", list))],
            Rule.from_dict(require(p, "default", dict), "the default rule"),
            meta=meta,
        )


def _encoded(Z: Any, who: str) -> np.ndarray:
    """``Z`` as the encoded rows ``who`` (``Rule.evaluate``, ...) tests: floats, one row per row. The user's
    rows (a DataFrame holding a category's text) failed in NumPy ("could not convert string to float:
    'red'") and one row in an index ("too many indices"), naming neither the rows' form nor the fix."""
    try:
        Z = np.asarray(Z, dtype=float)
    except (TypeError, ValueError):
        raise DataError(f"{who} takes encoded rows (numbers, categories as their codes): cannot read "
                        f"{type(Z).__name__} as floats; pass model.domain.encode(X) for rows of labels (or "
                        "use model.apply(X), the rule deciding each row)") from None
    return two_dimensional(Z, who)


def _refuse_one(items: Any, kind: type, what: str, one: str, none: str) -> None:
    """Refuse one ``kind`` (a Condition, a Rule) or None where a sequence of them goes: Python's "'Rule'
    object is not iterable" named neither the argument nor the fix. ``what`` says what goes there, ``one``
    and ``none`` what to pass instead."""
    if isinstance(items, kind):
        raise TypeError(f"{what}, got one {kind.__name__}: {one}")
    if items is None:
        raise TypeError(f"{what}, got None ({none})")
    if not isinstance(items, Iterable):
        raise TypeError(f"{what}, got {type(items).__name__} {items!r}")


class _TooManyPieces(Exception):
    """``RuleSet._carve`` passed its limit; ``args[0]`` is the rule whose region it was carving."""


def _check_concept_meta(meta: dict[str, Any]) -> None:
    """Refuse concept rules' fields that would be read otherwise than written: a ``layer`` that is no name
    (the rules would read input rows) and ``input_features`` that are no distinct names (a DataFrame's
    columns would be taken by position without a word). Rules saved before ``input_features`` was
    recorded have none, and take the network's input rows by position."""
    if meta.get("method") != "decompositional" or "layer" not in meta:
        return
    if not isinstance(meta["layer"], str):
        raise ModelFormatError(f"malformed rules: 'meta.layer' (the hidden layer concept rules read) should be "
                               f"a layer name, a string, got {meta['layer']!r}")
    inputs = meta.get("input_features")
    if inputs is not None and not (isinstance(inputs, list) and all(isinstance(n, str) for n in inputs)
                                   and len(set(inputs)) == len(inputs)):
        raise ModelFormatError(f"malformed rules: 'meta.input_features' (the network's input features, in "
                               f"order) should be a list of distinct names, got {inputs!r}")


def box_conditions(box: Box, domain: Domain) -> tuple[Condition, ...]:
    """The fewest literals describing ``box``: one per finite bound, one per restricted category set.

    A category set is written with ``in`` or ``not in``, whichever lists fewer codes.

    >>> import numpy as np
    >>> from symdistill.domain import Domain
    >>> dom = Domain.from_data(np.array([[0.0, 1.0], [2.0, 3.5]]))
    >>> b = Box.full(2); b.lo[0] = 0.5; b.hi[1] = 3.0
    >>> [c.describe(dom) for c in box_conditions(b, dom)]
    ['x0 > 0.5', 'x1 <= 3']
    """
    out: list[Condition] = []
    lo, hi = box.lo.tolist(), box.hi.tolist()
    for j, (f, has_lo, has_hi) in enumerate(zip(domain.features, np.isfinite(box.lo).tolist(),
                                                np.isfinite(box.hi).tolist())):
        if f.is_categorical:
            if j in box.cats and len(box.cats[j]) < len(f.categories):
                codes = box.cats[j]
                rest = frozenset(range(len(f.categories))) - codes
                out.append(Condition(j, "in", codes) if len(codes) <= len(rest) else Condition(j, "not in", rest))
            continue
        if has_lo:
            out.append(_bound(j, ">", lo[j]))
        if has_hi:
            out.append(_bound(j, "<=", hi[j]))
    return tuple(out)


def _bound(feature: int, op: str, value: float) -> Condition:
    """``Condition(feature, op, value)`` for a box's finite bound, without the checks a literal written by
    hand gets (an index, a finite number: a box's bound is both): ``as_dnf`` of letters' 32 rules of 26
    classes makes 3.9 million, whose checks took a third of its time."""
    condition = object.__new__(Condition)
    object.__setattr__(condition, "feature", feature)
    object.__setattr__(condition, "op", op)
    object.__setattr__(condition, "value", value)
    return condition


def _fmt(x: float) -> str:
    """Short, readable number; full precision lives in JSON and exports."""
    return f"{x:.6g}"


__all__ = ["Condition", "Rule", "RuleSet", "box_conditions", "OPS", "NUMERIC_OPS", "CATEGORICAL_OPS"]

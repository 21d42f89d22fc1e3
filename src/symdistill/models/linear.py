"""Sparse linear model representation: weighted terms, an intercept and a link.

A model computes one score per output row of ``coef``::

    score[r] = intercept[r] + sum_t coef[r, t] * term_t(x)

on the *encoded* row ``x`` (numeric, integer and binary features hold their original values,
categorical features their category code; see :class:`~symdistill.domain.Domain`). Weights are in
the features' original units: no standardisation is left to undo.

Terms
-----
A :class:`Term` is a product of one or more :class:`Factor` objects; a factor is one of

* ``Factor(j)`` -- the value ``x[j]`` of a numeric, integer or binary feature;
* ``Factor(j, category=c)`` -- the indicator ``[x[j] == c]`` of category code ``c`` of a
  categorical feature, printed ``feature=value`` (one-hot term);
* ``Factor(j, knot=t, direction=+1)`` -- the hinge ``max(0, x[j] - t)``
  (``direction=-1``: ``max(0, t - x[j])``).

Plain models use one-factor terms only: ``Term.numeric(j)`` and ``Term.category(j, c)``; the
constructor also accepts the shorthands ``j`` and ``(j, c)``. Products of two factors
(interactions) and hinges appear only when a learner is asked for them.

Links
-----
``"identity"`` (regression, one row: the value is the score), ``"logistic"`` (binary
classification, one row: ``P(classes[1]) = sigmoid(score)``) and ``"softmax"`` (multi-class, one
row per class: ``P = softmax(scores)``). ``size`` is the number of distinct terms with a non-zero
weight in any row.

JSON form (inside the common envelope)::

    {"task": ..., "classes": [...] | null, "link": ..., "domain": {...},
     "terms": [[{"feature": 0}], [{"feature": 2, "category": 1}],
               [{"feature": 1, "knot": 0.5, "direction": -1}], [{"feature": 0}, {"feature": 3}]],
     "coef": [[...], ...], "intercept": [...], "meta": {...}}
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Any, Iterable

import numpy as np

from .._errors import ModelFormatError, counted
from ..domain import Domain, escape_unprintable, is_bare_word
from .base import (BLOCK_ROWS, SymbolicModel, check_distinct_labels, check_fields, domain_from_json, encoded_rows,
                   label_text, classes_from_json, classes_to_json, register_model, require)

LINKS = ("identity", "logistic", "softmax")
# The last line of a printed model whose numbers are not all written as they are, by task.
ROUNDED_NUMBERS = {
    "classification": "# numbers rounded to the digits shown (exact: to_json()); a row near the boundary between "
                      "classes can go the other way",
    "regression": "# numbers rounded to the digits shown (exact: to_json()); values computed from them differ slightly",
}


@dataclass(frozen=True)
class Factor:
    """One factor of a term: a feature's value, a category indicator, or a hinge.

    >>> import numpy as np
    >>> Factor(0, knot=1.0, direction=-1).evaluate(np.array([[0.25], [3.0]])).tolist()
    [0.75, 0.0]
    """

    feature: int
    category: int | None = None
    knot: float | None = None
    direction: int = 1

    def __post_init__(self) -> None:
        if not isinstance(self.feature, (int, np.integer)) or isinstance(self.feature, bool) or self.feature < 0:
            raise ModelFormatError(f"term factor: 'feature' must be a non-negative integer, got {self.feature!r}")
        if self.category is not None and self.knot is not None:
            raise ModelFormatError(f"term factor on feature {self.feature}: give a category or a knot, not both")
        if self.category is not None and (not isinstance(self.category, (int, np.integer))
                                          or isinstance(self.category, bool) or self.category < 0):
            raise ModelFormatError(f"term factor on feature {self.feature}: category code must be a "
                                   f"non-negative integer, got {self.category!r}")
        if self.knot is not None and not np.isfinite(self.knot):
            raise ModelFormatError(f"term factor on feature {self.feature}: hinge knot must be finite, got {self.knot!r}")
        if self.direction not in (1, -1):
            raise ModelFormatError(f"term factor on feature {self.feature}: direction must be 1 or -1, "
                                   f"got {self.direction!r}")

    @property
    def kind(self) -> str:
        """``"value"``, ``"category"`` or ``"hinge"``."""
        if self.category is not None:
            return "category"
        return "value" if self.knot is None else "hinge"

    def evaluate(self, Z: np.ndarray) -> np.ndarray:
        """The factor on every encoded row of ``Z``."""
        x = Z[:, self.feature]
        if self.category is not None:
            return (x == self.category).astype(float)
        if self.knot is None:
            return x.astype(float, copy=True)
        # 0.0 at and beyond the knot, as every exporter writes it (np.maximum(0.0, -0.0) is -0.0, the
        # hinge at its knot with direction -1); a NaN stays NaN, as a value factor's does. Past the
        # largest double the hinge is +inf or 0, as in the exported code: not warned of.
        with np.errstate(over="ignore"):
            v = self.direction * (x - self.knot)
        return np.where(v <= 0.0, 0.0, v)

    def describe(self, domain: Domain, printed: bool = False) -> str:
        """Readable form with the feature's name, e.g. ``age``, ``[smoker]``, ``[colour=red]``.

        ``printed=True`` writes the name as printed rules do (`` `mean radius` ``) and a category
        label that is not a plain word quoted as rules and constraints write it (``'mid level'``,
        unprintable characters escaped), so a printed formula reads one way on one line.

        >>> from symdistill.domain import Feature
        >>> dom = Domain((Feature("mean radius"), Feature("c", "categorical", 0, 2, ("a", "x\\ny", "a]b"))))
        >>> Factor(0).describe(dom), Factor(0).describe(dom, printed=True)
        ('mean radius', '`mean radius`')
        >>> print(Factor(1, category=0).describe(dom, printed=True), Factor(1, category=1).describe(dom, printed=True))
        [c=a] [c='x\\ny']
        >>> print(Factor(1, category=2).describe(dom), Factor(1, category=2).describe(dom, printed=True))
        [c=a]b] [c='a]b']
        """
        f = domain.features[self.feature]
        name = f.display_name if printed else f.name
        if self.category is not None:
            label = f.category_label(self.category)
            if not printed:
                return f"[{name}={label}]"
            bare = not isinstance(label, str) or is_bare_word(label)
            return f"[{name}={escape_unprintable(str(label)) if bare else repr(label)}]"
        if self.knot is None:
            return f"[{name}]" if f.kind == "binary" else name
        if self.knot == 0:  # 'max(0, u)', not 'max(0, u - 0)' (nor 'u + 0' for a knot of -0.0)
            return f"max(0, {name})" if self.direction == 1 else f"max(0, -{name})"
        knot = f.threshold_text(self.knot)  # as trees and rules print thresholds
        if self.direction == 1:  # a knot below zero adds its magnitude ('u + 0.25', not 'u - -0.25')
            return f"max(0, {name} + {knot[1:]})" if knot.startswith("-") else f"max(0, {name} - {knot})"
        return f"max(0, {knot} - {name})"

    def bounds(self, domain: Domain) -> tuple[float, float]:
        """The least and the largest value the factor takes on the domain."""
        if self.category is not None:
            return 0.0, 1.0
        lo, hi = float(domain.lower[self.feature]), float(domain.upper[self.feature])
        if self.knot is None:
            return lo, hi
        ends = sorted((self.direction * (lo - self.knot), self.direction * (hi - self.knot)))
        return max(0.0, ends[0]), max(0.0, ends[1])

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"feature": int(self.feature)}
        if self.category is not None:
            d["category"] = int(self.category)
        if self.knot is not None:
            d["knot"] = float(self.knot)
            d["direction"] = int(self.direction)
        return d

    @classmethod
    def from_dict(cls, d: Any) -> Factor:
        if not isinstance(d, dict):
            raise ModelFormatError(f"malformed linear model: term factor should be an object, got {d!r}")
        check_fields(d, ("feature", "category", "knot", "direction"), "a term factor")
        feature = d.get("feature")
        if not isinstance(feature, int) or isinstance(feature, bool):
            raise ModelFormatError(f"malformed linear model: term factor needs an integer 'feature', got {d!r}")
        knot = d.get("knot")
        if knot is not None and (not isinstance(knot, (int, float)) or isinstance(knot, bool)):
            raise ModelFormatError(f"malformed linear model: hinge knot should be a number, got {knot!r}")
        direction = d.get("direction", 1)
        if not isinstance(direction, int) or isinstance(direction, bool):
            raise ModelFormatError(f"malformed linear model: hinge direction should be 1 or -1, got {direction!r}")
        if "direction" in d and knot is None:
            raise ModelFormatError(f"malformed linear model: term factor {d!r} has a hinge 'direction' but no 'knot'")
        return cls(feature, d.get("category"), None if knot is None else float(knot), direction)


@dataclass(frozen=True)
class Term:
    """A product of factors; one factor for a plain linear or one-hot term.

    >>> import numpy as np
    >>> from symdistill.domain import Domain
    >>> dom = Domain.from_data(np.array([[1.5, 0.0], [2.5, 1.0]]), feature_names=["age", "smoker"])
    >>> Term.numeric(0).name(dom), Term.numeric(1).name(dom), Term.product(0, 1).name(dom)
    ('age', '[smoker]', 'age*[smoker]')
    """

    factors: tuple[Factor, ...]

    def __post_init__(self) -> None:
        if not self.factors or not all(isinstance(f, Factor) for f in self.factors):
            raise ModelFormatError(f"a term needs at least one Factor, got {self.factors!r}")

    # -- construction --------------------------------------------------------------------------
    @classmethod
    def numeric(cls, feature: int) -> Term:
        """``x[feature]`` (numeric, integer or binary feature)."""
        return cls((Factor(int(feature)),))

    @classmethod
    def category(cls, feature: int, code: int) -> Term:
        """One-hot ``[x[feature] == code]`` (categorical feature)."""
        return cls((Factor(int(feature), category=int(code)),))

    @classmethod
    def hinge(cls, feature: int, knot: float, direction: int = 1) -> Term:
        """``max(0, x - knot)`` (direction 1) or ``max(0, knot - x)`` (direction -1)."""
        return cls((Factor(int(feature), knot=float(knot), direction=int(direction)),))

    @classmethod
    def product(cls, a: int, b: int) -> Term:
        """Interaction ``x[a] * x[b]`` of two numeric features."""
        return cls((Factor(int(a)), Factor(int(b))))

    @classmethod
    def coerce(cls, t: Any) -> Term:
        """A Term from a Term, a feature index ``j`` or a pair ``(j, category_code)``."""
        if isinstance(t, Term):
            return t
        if isinstance(t, (int, np.integer)) and not isinstance(t, bool):
            return cls.numeric(int(t))
        if isinstance(t, (tuple, list)) and len(t) == 2 and all(
                isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in t):
            return cls.category(int(t[0]), int(t[1]))
        raise TypeError(f"a linear term must be a Term, a feature index or a (feature, category code) pair, got {t!r}")

    # -- use -----------------------------------------------------------------------------------
    @property
    def features(self) -> tuple[int, ...]:
        return tuple(f.feature for f in self.factors)

    @property
    def is_linear(self) -> bool:
        """True for a plain value or one-hot term (no hinge, no product)."""
        return len(self.factors) == 1 and self.factors[0].kind != "hinge"

    def evaluate(self, Z: np.ndarray) -> np.ndarray:
        """The term on every encoded row of ``Z``; a product past the largest double is inf with its
        sign, as in the exported code (not warned of)."""
        out = self.factors[0].evaluate(Z)
        with np.errstate(over="ignore"):
            for f in self.factors[1:]:
                out = out * f.evaluate(Z)
        return out

    def reach(self, domain: Domain) -> float:
        """The largest ``|value|`` the term takes on the domain (a bound, for products)."""
        r = 1.0
        for f in self.factors:
            lo, hi = float(domain.lower[f.feature]), float(domain.upper[f.feature])
            if f.category is not None:
                continue
            if f.knot is None:
                r *= max(abs(lo), abs(hi))
            else:
                r *= max(0.0, f.direction * (lo - f.knot), f.direction * (hi - f.knot))
        return r

    def span(self, domain: Domain) -> float:
        """How far the term's value moves over the domain: ``hi - lo`` for a value, 1 for an
        indicator, from the least to the largest value for a hinge or product (a product of features
        far from zero moves far less than it reaches: x*y over [100, 101]^2 by 201, not 10201).

        >>> from symdistill.domain import Feature
        >>> dom = Domain((Feature("x", "numeric", 100.0, 101.0), Feature("y", "numeric", 100.0, 101.0)))
        >>> Term.product(0, 1).span(dom), Term.product(0, 1).reach(dom)
        (201.0, 10201.0)
        """
        lo, hi = 1.0, 1.0
        for f in self.factors:
            a, b = f.bounds(domain)
            # a product of intervals spans from its least to its largest corner
            corners = (lo * a, lo * b, hi * a, hi * b)
            lo, hi = min(corners), max(corners)
        return hi - lo

    def name(self, domain: Domain, printed: bool = False) -> str:
        """The factors' names joined by ``*`` (``printed``: as :meth:`Factor.describe` prints them)."""
        return "*".join(f.describe(domain, printed) for f in self.factors)

    def to_json(self) -> list[dict[str, Any]]:
        return [f.to_dict() for f in self.factors]

    @classmethod
    def from_json(cls, value: Any) -> Term:
        if not isinstance(value, list) or not value:
            raise ModelFormatError(f"malformed linear model: a term should be a non-empty list of factors, got {value!r}")
        return cls(tuple(Factor.from_dict(f) for f in value))


@register_model
class LinearModel(SymbolicModel):
    """A sparse linear (or generalised linear) model over a :class:`~symdistill.domain.Domain`.

    Parameters
    ----------
    domain : Domain
    task : {"classification", "regression"}
    classes : array or None
        Class labels (classification), in the order of the softmax rows; None for regression.
    terms : sequence of Term, int or (int, int)
        The model's terms (see the module docstring).
    coef : array (n_rows, n_terms)
        Weights in original units; one row for "identity" / "logistic", one per class for "softmax".
        A 1-D array is read as one row.
    intercept : array (n_rows,) or float
    link : {"identity", "logistic", "softmax"} or None
        None: "identity" for regression, "logistic" for one row, "softmax" otherwise.
    meta : dict, optional

    Examples
    --------
    >>> import numpy as np
    >>> from symdistill.domain import Domain
    >>> dom = Domain.from_data(np.array([[20.0, 0.0], [60.0, 1.0]]), feature_names=["age", "smoker"])
    >>> m = LinearModel(dom, "classification", np.array(["low", "high"]), terms=[0, 1],
    ...                 coef=[0.1, 2.0], intercept=-5.0)
    >>> print(m)
    LinearModel (classification, logistic link, 2 non-zero weights)
    score = 0.1*age + 2*[smoker] - 5
    P(high) = sigmoid(score)
    >>> m.predict(np.array([[40.0, 1.0], [40.0, 0.0]])).tolist()
    ['high', 'low']
    >>> m.size
    2
    """

    kind = "linear"
    fields = ("task", "classes", "classes_dtype", "link", "domain", "terms", "coef", "intercept", "meta")

    def __init__(self, domain: Domain, task: str, classes: Any, *, terms: Iterable[Any], coef: Any,
                 intercept: Any, link: str | None = None, meta: dict[str, Any] | None = None) -> None:
        self.domain = domain
        self.task = task
        self.classes = None if classes is None else np.asarray(classes)
        self.terms = [Term.coerce(t) for t in terms]
        self.coef = np.asarray(coef, dtype=float)
        if self.coef.ndim == 1:
            self.coef = self.coef.reshape(1, -1)
        self.intercept = np.atleast_1d(np.asarray(intercept, dtype=float))
        self.link = link if link is not None else self._default_link()
        self.meta = dict(meta or {})
        self._check()

    def _default_link(self) -> str:
        if self.task == "regression":
            return "identity"
        return "logistic" if self.coef.shape[0] == 1 else "softmax"

    # -- validation ----------------------------------------------------------------------------
    def _check(self) -> None:
        if self.task not in ("classification", "regression"):
            raise ModelFormatError(f"linear model task must be 'classification' or 'regression', got {self.task!r}")
        if self.link not in LINKS:
            raise ModelFormatError(f"linear model link must be one of {LINKS}, got {self.link!r}")
        if self.coef.ndim != 2 or self.coef.shape[1] != len(self.terms):
            raise ModelFormatError(f"linear model 'coef' should have shape (n_rows, {len(self.terms)}) "
                                   f"for {len(self.terms)} terms, got {self.coef.shape}")
        rows = self.coef.shape[0]
        if self.intercept.shape != (rows,):
            raise ModelFormatError(f"linear model 'intercept' should hold {rows} value(s), got shape {self.intercept.shape}")
        if not (np.all(np.isfinite(self.coef)) and np.all(np.isfinite(self.intercept))):
            raise ModelFormatError("linear model weights hold non-finite numbers")
        if self.task == "regression":
            if self.link != "identity" or rows != 1:
                raise ModelFormatError(f"a regression linear model needs the identity link and one row of weights, "
                                       f"got link {self.link!r} with {rows} rows")
            if self.classes is not None:
                raise ModelFormatError("a regression linear model has no 'classes'")
        else:
            if self.classes is None or len(self.classes) < 2:
                raise ModelFormatError("a classification linear model needs at least 2 'classes'")
            check_distinct_labels(self.classes)
            k = len(self.classes)
            if self.link == "logistic" and (k != 2 or rows != 1):
                raise ModelFormatError(f"the logistic link needs 2 classes and one row of weights, "
                                       f"got {k} classes and {counted(rows, 'row')}")
            if self.link == "softmax" and rows != k:
                raise ModelFormatError(f"the softmax link needs one row of weights per class: {k} classes, {counted(rows, 'row')}")
            if self.link == "identity":
                raise ModelFormatError("a classification linear model needs the 'logistic' or 'softmax' link")
        d = self.domain.n_features
        seen: set[Term] = set()
        for t in self.terms:
            if t in seen:
                raise ModelFormatError(f"linear model term {t.to_json()} appears twice")
            seen.add(t)
            for fac in t.factors:
                if fac.feature >= d:
                    raise ModelFormatError(f"linear model term uses feature {fac.feature}, but the model has "
                                           f"{counted(d, 'feature')}")
                feat = self.domain.features[fac.feature]
                if feat.is_categorical and fac.category is None:
                    raise ModelFormatError(f"categorical feature {feat.name!r} can enter a linear model only "
                                           "through one-hot terms (feature, category code)")
                if not feat.is_categorical and fac.category is not None:
                    raise ModelFormatError(f"term gives a category code for non-categorical feature {feat.name!r}")
                if fac.category is not None and fac.category >= len(feat.categories):
                    raise ModelFormatError(f"category code {fac.category} out of range for feature {feat.name!r} "
                                           f"({len(feat.categories)} categories)")

    # -- structure -----------------------------------------------------------------------------
    @property
    def size(self) -> int:
        """Number of distinct terms with a non-zero weight (in any row)."""
        return int(np.any(self.coef != 0, axis=0).sum())

    @property
    def size_text(self) -> str:
        """``size`` as the printout's header says it: a softmax model's terms have a weight in every
        class's row, so it gives both counts (``'2 terms, 6 non-zero weights'``)."""
        weights = int(np.count_nonzero(self.coef)) if self.link == "softmax" else self.size
        text = counted(weights, "non-zero weight")
        return f"{counted(self.size, 'term')}, {text}" if self.link == "softmax" else text

    @property
    def feature_names(self) -> list[str]:
        return self.domain.feature_names

    @property
    def term_names(self) -> list[str]:
        """Readable names of the terms, in the order of ``coef``'s columns. Terms that would read alike
        (a feature named ``a*b`` beside the product of ``a`` and ``b``) are named as the printed
        formula writes them (`` `a*b` ``), so every term keeps its own name."""
        names = [t.name(self.domain) for t in self.terms]
        count = Counter(names)
        return [t.name(self.domain, printed=True) if count[n] > 1 else n for t, n in zip(self.terms, names)]

    @property
    def n_outputs(self) -> int:
        return int(self.coef.shape[0])

    def _row(self, row: Any) -> int:
        """``row`` checked as a row number of ``coef`` (negative ones count from the end)."""
        rows = self.n_outputs
        if isinstance(row, (bool, np.bool_)) or not isinstance(row, (int, np.integer)):
            hint = ""
            if self.link == "softmax":
                labels = [c.item() if isinstance(c, np.generic) else c for c in self.classes]
                if any(type(c) is type(row) and c == row for c in labels):
                    hint = f"; class {row!r} is row {labels.index(row)}"
            raise TypeError(f"row must be an integer (a row number), got {row!r}{hint}")
        if not -rows <= row < rows:
            per = ", one per class" if self.link == "softmax" else ""
            raise IndexError(f"row {row} is out of range: this model has {rows} row{'s' * (rows != 1)} of weights "
                             f"({'0' if rows == 1 else f'0 to {rows - 1}'}{per})")
        return int(row)

    def weights(self, row: int = 0) -> dict[str, float]:
        """Non-zero weights of one score row, by term name (largest magnitude first)."""
        pairs = [(n, float(w)) for n, w in zip(self.term_names, self.coef[self._row(row)]) if w != 0]
        return dict(sorted(pairs, key=lambda p: -abs(p[1])))

    def design_matrix(self, Z: np.ndarray) -> np.ndarray:
        """Terms evaluated on encoded rows: shape (n, n_terms)."""
        Z = np.asarray(Z, dtype=float)
        if not self.terms:
            return np.zeros((len(Z), 0))
        return np.column_stack([t.evaluate(Z) for t in self.terms])

    # -- prediction ----------------------------------------------------------------------------
    def decision_function_encoded(self, Z: np.ndarray) -> np.ndarray:
        """Scores on encoded rows: (n,) for one row of weights, (n, n_classes) for softmax.

        Each score is summed term by term in term order, zero weights skipped, intercept last: the
        order every exporter writes, so exported code gives the same doubles (a matrix product
        would sum in the BLAS's order, which also changes with the batch). A product or hinge beyond
        the largest double is inf with its sign, and so is the score it dominates, as in the exported
        code; that overflow is not warned of (a zero-weight term's, which counts for nothing, neither).
        Two such terms of opposite signs make the score NaN (inf - inf), which numpy warns of.
        """
        Z = np.asarray(Z, dtype=float)
        s = np.empty((len(Z), self.n_outputs))
        with np.errstate(over="ignore"):
            # A block of rows at a time (no rows: one empty block, refused as before where Z is no matrix): the
            # design matrix of every row, a column a term, and its products cost more than the sums.
            for start in range(0, max(len(Z), 1), BLOCK_ROWS):
                D = self.design_matrix(Z[start:start + BLOCK_ROWS])
                for r in range(self.n_outputs):
                    acc = None
                    for t in np.nonzero(self.coef[r])[0]:
                        v = self.coef[r, t] * D[:, t]
                        acc = v if acc is None else acc + v
                    s[start:start + BLOCK_ROWS, r] = self.intercept[r] if acc is None else acc + self.intercept[r]
        return s[:, 0] if self.n_outputs == 1 else s

    def decision_function(self, X: Any) -> np.ndarray:
        """Scores (the value for regression, log-odds for logistic, class scores for softmax)."""
        return self.decision_function_encoded(self.domain.encode(X))

    def predict_proba_encoded(self, Z: np.ndarray) -> np.ndarray:
        if self.task != "classification":
            raise TypeError("predict_proba is only defined for classification linear models")
        return self._proba_of(self.decision_function_encoded(encoded_rows(Z, self.domain, "predict_proba_encoded")))

    def _proba_of(self, s: np.ndarray) -> np.ndarray:
        """Class probabilities of the scores ``s`` (``decision_function_encoded``'s)."""
        if self.link == "logistic":
            p = _sigmoid(s)
            return np.column_stack([1.0 - p, p])
        top = s.max(axis=1, keepdims=True)
        # A score of +inf (a weight times a feature past the largest double) takes the class, as
        # predict gives it (two such split it): inf - inf made every probability of the row NaN.
        sure = np.isposinf(top[:, 0])
        with np.errstate(invalid="ignore"):
            e = np.exp(s - top)
        e[sure] = np.isposinf(s[sure])
        return e / e.sum(axis=1, keepdims=True)

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities (n, n_classes), columns in the order of ``classes``."""
        return self.predict_proba_encoded(self.domain.encode(X))

    def predict_index_encoded(self, Z: np.ndarray) -> np.ndarray:
        """Index of the predicted class on encoded rows (classification)."""
        if self.task != "classification":
            raise TypeError("class indices are only defined for classification linear models")
        return self._index_of(self.decision_function_encoded(Z))

    def _index_of(self, s: np.ndarray) -> np.ndarray:
        """Index of the predicted class of the scores ``s`` (``decision_function_encoded``'s)."""
        if self.link == "logistic":
            return (s > 0).astype(np.int64)
        # Left to right, a class wins by a score above the best so far: what every exporter writes
        # (``if (s[r] > s[best]) best = r``). np.argmax would pick a NaN score (inf - inf, on rows
        # near the largest double), which the exported code never does.
        best, top = np.zeros(len(s), dtype=np.int64), s[:, 0]
        for r in range(1, s.shape[1]):
            wins = s[:, r] > top
            best[wins], top = r, np.where(wins, s[:, r], top)
        return best

    def predict_encoded(self, Z: np.ndarray) -> np.ndarray:
        """Class labels or values for encoded rows (``Domain.encode``'s: categories as their codes);
        NaN and infinite values are refused, as ``predict`` refuses them."""
        Z = encoded_rows(Z, self.domain)
        if self.task == "regression":
            return self.decision_function_encoded(Z)
        return self.classes[self.predict_index_encoded(Z)]

    def predict(self, X: Any) -> np.ndarray:
        """Class labels (classifiers) or values (regressors) for the rows of ``X``."""
        return self.predict_encoded(self.domain.encode(X))

    def predict_and_proba_encoded(self, Z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(predict_encoded(Z), predict_proba_encoded(Z))`` from one computation of the scores (predict
        --proba computed them twice per chunk): the class as predict picks it (a score above the best so
        far, or above 0; an argmax of the probabilities differs where rounding makes two equal), and the
        probabilities."""
        if self.task != "classification":
            raise TypeError("predict_proba is only defined for classification linear models")
        s = self.decision_function_encoded(encoded_rows(Z, self.domain))
        return self.classes[self._index_of(s)], self._proba_of(s)

    # -- rendering -----------------------------------------------------------------------------
    def formula(self, row: int = 0) -> str:
        """``w1*term1 + w2*term2 + ... + b`` for one row of weights (zero weights left out).

        Numbers print with 4 significant digits, more where that rounding would move a term by over
        1e-3 of what the term moves over the domain, or the intercept by over 1e-3 of what the whole
        score moves (a feature near 1e9 with a spread of 10: ``0.1235*x - 1.235e+08`` hid most of
        the score; for softmax, the score of the class that moves most), so the printout computes
        the model.
        """
        return self._formula(row)[0]

    def _formula(self, row: int) -> tuple[str, bool]:
        """``formula(row)``, and whether it writes every number (weight, knot, intercept) as it is."""
        dom = self.domain
        row = self._row(row)
        live = [(term, float(w)) for term, w in zip(self.terms, self.coef[row]) if w != 0]
        b = float(self.intercept[row])
        parts: list[str] = []
        exact = all(float(dom.features[f.feature].threshold_text(f.knot)) == f.knot
                    for term, _ in live for f in term.factors if f.knot is not None)
        for term, w in live:
            reach = term.reach(dom)
            tol = 1e-3 * abs(w) * term.span(dom) / reach if reach > 0 else math.inf
            text, same = _signed(w, term.name(dom, printed=True), first=not parts, tol=tol)
            parts.append(text)
            exact &= same
        if b != 0 or not parts:
            # A softmax row's score competes with the others: its intercept is printed as precisely as
            # the row that moves most needs (a row whose weights are rounding noise printed 16 digits).
            rows = range(self.n_outputs) if self.link == "softmax" else [row]
            swing = max(sum(abs(float(w)) * term.span(dom) for term, w in zip(self.terms, self.coef[r]) if w != 0)
                        for r in rows)
            text, same = _signed(b, "", first=not parts, tol=1e-3 * swing if swing > 0 else math.inf)
            parts.append(text)
            exact &= same
        return " ".join(parts), exact

    def __str__(self) -> str:
        head = f"LinearModel ({self.task}, {self.link} link, {self.size_text})"
        formulas = [self._formula(r) for r in range(self.n_outputs)]
        if self.link == "identity":
            lines = [head, f"value = {formulas[0][0]}"]
        elif self.link == "logistic":
            lines = [head, f"score = {formulas[0][0]}", f"P({label_text(self.classes[1], ends=')')}) = sigmoid(score)"]
        else:
            lines = [head] + [f"score[{label_text(c, ends=']')}] = {text}" for c, (text, _) in zip(self.classes, formulas)]
            lines.append("P(class) = softmax(score)[class]")
        if not all(exact for _, exact in formulas):
            lines.append(ROUNDED_NUMBERS[self.task])
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"<LinearModel {self.task} link={self.link} size={self.size}>"

    # -- serialisation -------------------------------------------------------------------------
    def _payload(self) -> dict[str, Any]:
        return {
            "task": self.task,
            **classes_to_json(self.classes),
            "link": self.link,
            "domain": self.domain.to_dict(),
            "terms": [t.to_json() for t in self.terms],
            "coef": [[float(w) for w in row] for row in self.coef],
            "intercept": [float(b) for b in self.intercept],
            "meta": self.meta,
        }

    @classmethod
    def _from_payload(cls, p: dict[str, Any]) -> LinearModel:
        coef = require(p, "coef", list)
        intercept = require(p, "intercept", list)
        for row in coef:
            if not isinstance(row, list) or not all(_is_number(w) for w in row):
                raise ModelFormatError("malformed linear model: 'coef' must be a list of lists of numbers")
        if not all(_is_number(b) for b in intercept):
            raise ModelFormatError("malformed linear model: 'intercept' must be a list of numbers")
        widths = {len(row) for row in coef}
        if len(widths) != 1:
            raise ModelFormatError("malformed linear model: 'coef' must hold one or more rows of equal length")
        terms = [Term.from_json(t) for t in require(p, "terms", list)]
        arr = np.array(coef, dtype=float).reshape(len(coef), widths.pop())
        meta = {} if p.get("meta") is None else p["meta"]
        if not isinstance(meta, dict):
            raise ModelFormatError("malformed linear model: 'meta' should be an object")
        return cls(domain_from_json(p), require(p, "task", str),
                   classes_from_json(p), terms=terms, coef=arr, intercept=intercept,
                   link=require(p, "link", str), meta=meta)


def _sigmoid(s: np.ndarray) -> np.ndarray:
    out = np.empty_like(s, dtype=float)
    pos = s >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-s[pos]))
    e = np.exp(s[~pos])
    out[~pos] = e / (1.0 + e)
    return out


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _fmt(x: float, tol: float = 0.0) -> str:
    """Short, readable number (4 significant digits, more until it is within ``tol`` of ``x``);
    full precision lives in JSON and exports."""
    for digits in range(4, 18):
        text = f"{x:.{digits}g}"
        if abs(float(text) - x) <= tol:
            break
    return text


def _signed(w: float, name: str, first: bool, tol: float = 0.0) -> tuple[str, bool]:
    """``+ 2.5*name`` (``2.5*name`` first, ``- 2.5*name`` for a negative weight), and whether the
    number is written as it is."""
    mag = _fmt(abs(w), tol)
    body = mag if not name else (name if mag == "1" else f"{mag}*{name}")
    if first:
        return f"-{body}" if w < 0 else body, float(mag) == abs(w)
    return f"- {body}" if w < 0 else f"+ {body}", float(mag) == abs(w)

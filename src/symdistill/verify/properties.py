"""Built-in properties: monotonicity, invariance, output range, local robustness, equivalence, and
regular-language properties of automata. Each is plain data; the checkers read it.

Constraints written as text (``"age < 18 -> prediction != 'approve'"``) become a :class:`Formula`.
Properties that concern one input at a time (``Formula``, ``OutputRange``, ``Robust``) are turned
into a formula of their violations; relational ones (``Monotonic``, ``Invariant``, ``Equivalent``)
compare the model on two inputs, or two models on one input.

>>> monotonic("income", "increasing", target="approve").describe()
"prediction == 'approve' is monotonically increasing in income"
"""

from __future__ import annotations

import math
from fractions import Fraction
from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np

from .._errors import DataError
from ..domain import Domain, Feature, is_real, mismatch, number_labels
from . import formula as F

DIRECTIONS = ("increasing", "decreasing")


class Property:
    """Base of the built-in properties."""

    def describe(self) -> str:  # pragma: no cover - every property describes itself
        raise NotImplementedError

    def __str__(self) -> str:
        return self.describe()


@dataclass(frozen=True)
class Formula(Property):
    """A constraint in the constraint language (see :mod:`symdistill.verify.language`)."""

    text: str

    def describe(self) -> str:
        return self.text

    def violations(self, domain: Domain, task: str, classes: Any) -> F.Formula:
        return F.bind_text(self.text, domain, task, classes, negate=True)


def _shown(name: Any) -> str:
    """A feature's name as constraints and rules print it: bare when it is a plain word, else between
    backticks with newlines and backticks escaped (a name 'a,b' or one holding a newline read as two
    features, or broke the verdict's line)."""
    return Feature(name).display_name if isinstance(name, str) else repr(name)


def _number_label(name: Any) -> bool:
    """Whether ``name`` is a number a DataFrame's column may be labelled with (letters' header '1'..'16' read
    as int labels, ``pd.DataFrame(X)``'s 0, 1, ...), whose feature is named by its text."""
    return isinstance(name, (int, float, np.integer, np.floating)) and not isinstance(name, (bool, np.bool_))


@dataclass(frozen=True)
class Monotonic(Property):
    """Raising ``feature`` (all else equal) never lowers the output.

    An ordered pandas Categorical rises through its categories in their declared order (S < M < L).
    For a regressor the output is its value; for a classifier it is "the prediction is ``target``"
    (1) or not (0). ``target`` defaults to the last class of a binary classifier.
    """

    feature: str
    direction: str = "increasing"
    target: Any = None

    def describe(self) -> str:
        what = "the prediction" if self.target is None else f"prediction == {self.target!r}"
        return f"{what} is monotonically {self.direction} in {_shown(self.feature)}"


@dataclass(frozen=True)
class Invariant(Property):
    """Changing only ``features`` never changes the prediction (e.g. a protected attribute)."""

    features: tuple[str, ...]

    def describe(self) -> str:
        return f"the prediction does not depend on {', '.join(map(_shown, self.features))}"


@dataclass(frozen=True)
class OutputRange(Property):
    """A regressor's output stays within ``[lower, upper]`` on the whole domain."""

    lower: float
    upper: float

    def describe(self) -> str:
        return f"{_number(self.lower)} <= prediction <= {_number(self.upper)}"

    def violations(self, domain: Domain, task: str, classes: Any) -> F.Formula:
        if task != "classification":
            return _outside(self.lower, self.upper)
        raise TypeError("output_range applies to regression models; for a classifier write a constraint "
                        "such as \"prediction in {'a', 'b'}\"")


@dataclass(frozen=True)
class Robust(Property):
    """Every input within ``epsilon`` of ``point`` (L-infinity, in each feature's units) gets the
    prediction of ``point`` (regressors: within ``tolerance`` of it).

    Only ``features`` move (all numeric, integer and binary features when None); categorical
    features and the others keep the point's value. The ball is intersected with the domain; its
    bounds are ``point - epsilon`` and ``point + epsilon`` as computed in floating point.
    """

    point: Any = field(compare=False)
    epsilon: float = 0.0
    features: tuple[str, ...] | None = None
    tolerance: float = 0.0

    def describe(self) -> str:
        where = "" if self.features is None else f" in {', '.join(map(_shown, self.features))}"
        value = f" (a regressor's value moving at most {_number(self.tolerance)})" if self.tolerance else ""
        return f"robust within {_number(self.epsilon)}{where} of the given point{value}"

    def centre(self, domain: Domain) -> np.ndarray:
        p = self.point
        if isinstance(p, dict):
            # keyed by a DataFrame's own labels (1, 0; 1.5) as well as by the features they name ('1', '0'; '1.5')
            def name(k: Any) -> str:
                if isinstance(k, str):
                    return k
                labels = number_labels(k) if is_real(k) else []
                return next((n for n in labels if n in domain.feature_names), str(k))

            named = {name(k): v for k, v in p.items()}
            if len(named) < len(p):
                keys = list(p)
                twice = next(k for i, k in enumerate(keys) if name(k) in map(name, keys[:i]))
                first = next(k for k in keys if name(k) == name(twice))
                raise ValueError(f"robust: the point gives the feature {name(twice)!r} twice, as {first!r} and "
                                 f"{twice!r}")
            p = named
            missing = [n for n in domain.feature_names if n not in p]
            extra = [k for k in p if k not in domain.feature_names]
            if missing or extra:
                raise ValueError(f"robust: the point must give every feature; {mismatch(missing, extra)}")
            p = [[p[n] for n in domain.feature_names]]
        try:
            Z = domain.encode(p)
        except DataError as exc:  # the rows' own message ("column 'c' has unknown category 'zz'"): name the point
            raise DataError(f"robust: the point does not fit the model's features: {exc}") from None
        if len(Z) != 1:
            raise ValueError(f"robust: expected one point, got {len(Z)} rows")
        return Z[0]

    def moving(self, domain: Domain) -> np.ndarray:
        if self.features is None:
            return ~domain.categorical_mask
        mask = np.zeros(domain.n_features, dtype=bool)
        for name in self.features:
            j = F.feature_index(domain, name, "robust")
            if domain.features[j].is_categorical:
                raise ValueError(f"robust: categorical feature {name!r} has no distance; leave it out of features")
            mask[j] = True
        return mask

    def check_task(self, task: str) -> None:
        """``tolerance`` is how far a regressor's value may move: a classifier's prediction has none."""
        if self.tolerance and task == "classification":
            raise ValueError(f"robust: tolerance (here {_number(self.tolerance)}) is how far a regressor's value "
                             "may move; a classifier's prediction must stay the class itself: leave tolerance out")

    def check_ball(self, domain: Domain, c: np.ndarray, move: np.ndarray) -> None:
        """The ball must hold some input of the domain; else every verdict would hold vacuously."""
        c = c.tolist()  # Python floats: a ball past the largest double ends at inf without NumPy's overflow warning
        for j, f in enumerate(domain.features):
            if f.is_categorical:
                continue
            lo, hi = (c[j] - self.epsilon, c[j] + self.epsilon) if move[j] else (c[j], c[j])
            lo, hi = max(lo, f.lower), min(hi, f.upper)
            if f.kind in ("integer", "binary"):
                lo, hi = float(np.ceil(lo)), float(np.floor(hi))
            if lo <= hi:
                continue
            value = f"{f.name} = {c[j]:g}"
            bounds = f"[{f.lower:g}, {f.upper:g}]"
            if not move[j] and f.lower <= c[j] <= f.upper:  # within the bounds, between two whole values
                why = (f"{value} is not {'an' if f.kind == 'integer' else 'a'} {f.kind} value of {f.name}'s domain "
                       f"{bounds} (and {f.name} does not move)")
            elif not move[j]:
                why = f"{value} lies outside {f.name}'s domain {bounds} (and {f.name} does not move)"
            elif c[j] + self.epsilon < f.lower or c[j] - self.epsilon > f.upper:
                why = f"{value} is more than epsilon = {self.epsilon:g} outside {f.name}'s domain {bounds}"
            else:
                why = (f"no {f.kind} value of {f.name}'s domain {bounds} lies within epsilon = {self.epsilon:g} "
                       f"of {c[j]:g}")
            raise ValueError(f"robust: the point lies outside the model's domain: {why}; no input of the domain "
                             "is in the ball, so the property would hold vacuously")

    def violations(self, domain: Domain, task: str, classes: Any, centre_output: Any) -> F.Formula:
        self.check_task(task)
        c = self.centre(domain)
        move = self.moving(domain)
        self.check_ball(domain, c, move)
        c = c.tolist()  # (as in check_ball)
        atoms: list[F.Formula] = []
        for j, f in enumerate(domain.features):
            if f.is_categorical:
                atoms.append(F.CategorySet(j, frozenset({int(c[j])})))
            elif move[j]:
                atoms.append(F.FeatureRange(j, float(c[j] - self.epsilon), float(c[j] + self.epsilon)))
            else:
                atoms.append(F.FeatureRange(j, float(c[j]), float(c[j])))
        if task == "classification":
            others = frozenset(range(len(classes))) - {int(centre_output)}
            atoms.append(F.ClassSet(others))
        else:
            atoms.append(_outside(*_window(float(centre_output), self.tolerance)))
        return F.simplify(F.BAnd(tuple(atoms)))


def _window(value: float, tolerance: float) -> tuple[float, float]:
    """The least and the greatest float within ``tolerance`` of ``value`` in exact arithmetic (a
    rounded ``value - tolerance`` could fall below the exact difference: a value there moves by
    more than the tolerance, and was let through); +-inf where the window passes the floats."""
    if not (math.isfinite(value) and math.isfinite(tolerance)):
        return value - tolerance, value + tolerance
    big = Fraction(float(np.finfo(float).max))
    ends = []
    for side in (-1, 1):
        exact = Fraction(value) + side * Fraction(tolerance)
        if abs(exact) > big:
            ends.append(side * math.inf)
            continue
        f = float(exact)
        ends.append(f if side * (Fraction(f) - exact) <= 0 else float(np.nextafter(f, -side * math.inf)))
    return ends[0], ends[1]


def _outside(lower: float, upper: float) -> F.Formula:
    """A regressor's value outside ``[lower, upper]``. An infinite bound (``tolerance=inf``, or a sum
    past the largest double) has no side to violate: the backends take no infinite constants."""
    sides = ((F.ValueRange(-math.inf, float(np.nextafter(lower, -math.inf))),) if lower > -math.inf else ()) + \
        ((F.ValueRange(float(np.nextafter(upper, math.inf)), math.inf),) if upper < math.inf else ())
    return F.simplify(F.BOr(sides))


@dataclass(frozen=True)
class Equivalent(Property):
    """The model and ``other`` predict the same on every input of the domain (automata: every word)."""

    other: Any = field(compare=False)

    def describe(self) -> str:
        return f"the model agrees everywhere with {self.other!r}"


@dataclass(frozen=True)
class NeverAccepts(Property):
    """The automaton accepts no word of the regular language ``pattern``."""

    pattern: str

    def describe(self) -> str:
        return f"never accepts {self.pattern!r}"


@dataclass(frozen=True)
class AlwaysAccepts(Property):
    """The automaton accepts every word of the regular language ``pattern``."""

    pattern: str

    def describe(self) -> str:
        return f"always accepts {self.pattern!r}"


@dataclass(frozen=True)
class IncludedIn(Property):
    """Every word the automaton accepts is in ``other`` (a DFA or a regular expression)."""

    other: Any = field(compare=False)

    def describe(self) -> str:
        shown = repr(self.other) if isinstance(self.other, str) else f"the language of {self.other!r}"
        return f"accepted language included in {shown}"


@dataclass(frozen=True)
class NeverOutputs(Property):
    """The Moore machine outputs ``label`` on no word of the regular language ``pattern``."""

    label: Any
    pattern: str

    def describe(self) -> str:
        return f"never outputs {self.label!r} on {self.pattern!r}"


@dataclass(frozen=True)
class AlwaysOutputs(Property):
    """The Moore machine outputs ``label`` on every word of the regular language ``pattern``."""

    label: Any
    pattern: str

    def describe(self) -> str:
        return f"always outputs {self.label!r} on {self.pattern!r}"


# -- public helpers -----------------------------------------------------------------------------
def _number(x: float) -> str:
    """``x`` in 6 significant digits when they give it back exactly, else in as many as it takes
    (a bound of 1234566.2 is not shown as 1.23457e+06).

    >>> _number(100.0), _number(1e9), _number(1234566.2)
    ('100', '1e+09', '1234566.2')
    """
    short = f"{x:g}"
    return short if float(short) == x else repr(float(x))


def monotonic(feature: str, direction: str = "increasing", *, target: Any = None) -> Monotonic:
    """The output is monotonic in ``feature`` (all other features held equal).

    Parameters
    ----------
    feature : str
        A numeric, integer or binary feature, or one read from an ordered pandas Categorical (in
        the order of its categories); an unordered categorical feature is refused.
    direction : {"increasing", "decreasing"}
    target : class label, optional
        For classifiers: the class whose indicator must be monotonic (default: the last class of a
        binary classifier). Regressors take none (their value itself must be monotonic).

    >>> monotonic("income").direction
    'increasing'
    """
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be one of {DIRECTIONS}, got {direction!r}")
    if not isinstance(feature, str):
        raise TypeError(f"feature must be a feature name (str), got {type(feature).__name__}"
                        + (f" {feature!r}: feature names are text, {str(feature)!r} (sd.monotonic({str(feature)!r}, ...))"
                           if _number_label(feature) else ""))
    return Monotonic(feature, direction, target)


def invariant(*features: str) -> Invariant:
    """Changing only these features never changes the prediction (fairness, irrelevance).

    >>> invariant("sex", "race").features
    ('sex', 'race')
    """
    if not features:
        raise ValueError("invariant needs at least one feature name")
    for f in features:
        if not isinstance(f, str):
            several = isinstance(f, (list, tuple)) and f and all(isinstance(n, str) for n in f)
            hint = f"; pass several as separate arguments: sd.invariant({', '.join(map(repr, f))})" if several else \
                f": feature names are text, {str(f)!r} (sd.invariant({str(f)!r}))" if _number_label(f) else ""
            raise TypeError(f"invariant takes feature names (str), got {f!r}{hint}")
    return Invariant(tuple(features))


def output_range(lower: float, upper: float) -> OutputRange:
    """A regressor's prediction stays within ``[lower, upper]`` everywhere in the domain.

    >>> output_range(0, 100).describe()
    '0 <= prediction <= 100'
    """
    lower, upper = _real("output_range", "lower", lower), _real("output_range", "upper", upper)
    if not lower <= upper:
        raise ValueError(f"output_range: lower ({lower}) must not exceed upper ({upper})")
    return OutputRange(lower, upper)


def robust(point: Any, epsilon: float, *, features: Sequence[str] | None = None,
           tolerance: float = 0.0) -> Robust:
    """Local robustness: the prediction is constant on the L-infinity ball of radius ``epsilon``.

    ``point`` is one input: a dict ``{feature: value}``, a 1-D sequence in feature order, or a
    one-row array / DataFrame. ``features`` limits which features move (default: every numeric,
    integer and binary one); ``tolerance`` is how far a regressor's value may move.

    >>> robust({"x": 0.5}, 0.1).epsilon
    0.1
    """
    epsilon = _real("robust", "epsilon", epsilon)
    if not (epsilon >= 0 and math.isfinite(epsilon)):
        raise ValueError(f"robust: epsilon must be a finite number >= 0, got {epsilon}")
    tolerance = _real("robust", "tolerance", tolerance)
    if not tolerance >= 0:
        raise ValueError(f"robust: tolerance must be >= 0, got {tolerance}")
    if isinstance(point, (list, tuple)) and point and not isinstance(point[0], (list, tuple)):
        point = [list(point)]
    if features is not None:
        if isinstance(features, (str, bytes)) or not hasattr(features, "__iter__"):
            raise TypeError(f"robust: features must be a list of feature names, got {features!r}"
                            + (f" (for one feature pass [{features!r}])" if isinstance(features, str) else ""))
        features = tuple(features)
        bad = [f for f in features if not isinstance(f, str)]
        if bad:
            raise TypeError(f"robust: features must be feature names (str), got {bad[0]!r}")
    return Robust(point, epsilon, features, float(tolerance))


def equivalent(other: Any) -> Equivalent:
    """The model and ``other`` (another symbolic model over the same features, or an automaton over
    the same alphabet) agree on every input.

    >>> equivalent("a model").describe()
    "the model agrees everywhere with 'a model'"
    """
    return Equivalent(other)


def never_accepts(pattern: str) -> NeverAccepts:
    """The automaton accepts no word matching the regular expression ``pattern`` (whole word).

    >>> never_accepts(".*000.*").pattern
    '.*000.*'
    """
    return NeverAccepts(_pattern("never_accepts", pattern))


def always_accepts(pattern: str) -> AlwaysAccepts:
    """The automaton accepts every word matching the regular expression ``pattern``.

    >>> always_accepts("1*").pattern
    '1*'
    """
    return AlwaysAccepts(_pattern("always_accepts", pattern))


def included_in(other: Any) -> IncludedIn:
    """Language inclusion: every word the automaton accepts is accepted by ``other`` (DFA or regex).

    >>> included_in("(0|1)*1").describe()
    "accepted language included in '(0|1)*1'"
    """
    return IncludedIn(other)


def never_outputs(label: Any, pattern: str) -> NeverOutputs:
    """A Moore machine outputs ``label`` on no word matching the regular expression ``pattern``.

    >>> never_outputs("alarm", ".*000.*").describe()
    "never outputs 'alarm' on '.*000.*'"
    """
    return NeverOutputs(label, _pattern("never_outputs", pattern))


def always_outputs(label: Any, pattern: str) -> AlwaysOutputs:
    """A Moore machine outputs ``label`` on every word matching the regular expression ``pattern``.

    >>> always_outputs("even", "(aa)*").label
    'even'
    """
    return AlwaysOutputs(label, _pattern("always_outputs", pattern))


def _pattern(where: str, pattern: Any) -> str:
    if not isinstance(pattern, str):
        raise TypeError(f"{where} takes a regular expression (str), got {type(pattern).__name__}")
    return pattern


def _real(where: str, name: str, value: Any) -> float:
    """``value`` as a float, or an error naming ``where`` and the argument (NaN is never a bound)."""
    if not is_real(value):
        raise TypeError(f"{where}: {name} must be a number, got {type(value).__name__} {value!r}")
    out = float(value)
    if math.isnan(out):
        raise ValueError(f"{where}: {name} must be a number, got NaN")
    return out


def as_property(constraint: Any) -> Property:
    """A property from a constraint string or a property object."""
    if isinstance(constraint, Property):
        return constraint
    if isinstance(constraint, str):
        return Formula(constraint)
    raise TypeError(f"a constraint must be a string or a property (sd.monotonic, sd.invariant, ...), "
                    f"got {type(constraint).__name__}")

"""Fidelity (agreement with the teacher) and accuracy, with confidence intervals."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator, Sequence

import numpy as np

from ._errors import DataError
from ._scale import value_unit
from ._table import TableList


@dataclass(frozen=True)
class Score:
    """A proportion or statistic with its 95% interval. ``float(score)`` gives the value.

    ``low`` and ``high`` are NaN where no interval can be had (a regressor's R² on 2 rows); ``str``
    then says so instead of printing ``[nan, nan]``.
    """

    value: float
    low: float
    high: float
    n: int
    name: str = "fidelity"
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    def __float__(self) -> float:
        return float(self.value)

    def __format__(self, spec: str) -> str:
        """A format spec formats the value (``f"{score:.3f}"``); none gives the printout, as ``str``."""
        return format(self.value, spec) if spec else str(self)

    def interval(self, digits: int = 4) -> str:
        """``[low, high]`` to ``digits`` decimals, or ``[no interval on 2 rows]`` where there is none.

        >>> Score(0.9, 0.85, 0.93, 100).interval(3)
        '[0.850, 0.930]'
        """
        if np.isnan(self.low) and np.isnan(self.high):
            return f"[no interval on {self.n} rows]"
        return f"[{fixed(self.low, digits)}, {fixed(self.high, digits)}]"

    def __str__(self) -> str:
        s = f"{self.name} {fixed(self.value)} {self.interval()} (n={self.n})"
        for k, v in self.extra.items():
            s += f", {k} {v:.4g}" if isinstance(v, float) else f", {k} {v}"
        return s


def fixed(v: float, digits: int = 4) -> str:
    """``v`` to ``digits`` decimals, without a sign on zero: a one-leaf tree's R2 of -1e-17 printed -0.0000.
    The frontier table, the shift tables and the report print scores with it, as ``str(score)`` does.

    >>> fixed(-1e-17), fixed(0.98765, 3)
    ('0.0000', '0.988')
    """
    return f"{round(v, digits) + 0.0:.{digits}f}" if np.isfinite(v) else f"{v:.{digits}f}"


def wilson_interval(successes: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion.

    >>> lo, hi = wilson_interval(95, 100)
    >>> round(lo, 3), round(hi, 3)
    (0.888, 0.978)
    """
    if n == 0:
        return 0.0, 1.0
    from scipy import stats  # here: importing it (0.6 s) is no part of `import symdistill`

    z = stats.norm.ppf(0.5 + confidence / 2)
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    # At 0 or n successes the bound is exactly 0 or 1, which centre -/+ half misses by rounding (1 - 1e-16
    # for 10 hits of 10: an interval that left out its own value)
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return float(low), float(high)


_CONSTANT = 2.0**-44  # values this close, relative to the largest, are one value up to rounding


def _check_pair(pred: np.ndarray, ref: np.ndarray, name: str, finite: bool = False) -> None:
    """Both one label per row, the same rows, at least one, and no NaN (``finite``: nor inf) among the
    reference labels: a NaN never equals a prediction, and would score 0 instead of failing."""
    what = _reference(name)
    if ref.ndim == 0 or pred.ndim == 0:
        raise ValueError(f"cannot compute {name}: expected one prediction and one label per row, got shapes "
                         f"{pred.shape} and {ref.shape}")
    if pred.shape != ref.shape:
        if pred.ndim == 1 and ref.ndim == 1:
            raise ValueError(f"cannot compute {name}: {len(ref)} {what} for {len(pred)} rows (shapes {pred.shape} "
                             f"and {ref.shape}); give one per row")
        raise ValueError(f"cannot compute {name}: predictions of shape {pred.shape} and {what} of shape "
                         f"{ref.shape} differ; give one label per row")
    if len(ref) == 0:
        raise ValueError(f"cannot compute {name} on 0 rows: give at least one row")
    found = "NaN or infinite values (" if finite else "NaN ("
    if ref.dtype.kind in "fc":
        bad = np.flatnonzero((~np.isfinite(ref) if finite else np.isnan(ref)).reshape(len(ref), -1).any(axis=1))
    elif ref.dtype.kind == "O":  # pandas' NA among them would fail the comparison with the predictions
        bad = _missing_rows(ref) if _holds_missing(ref.reshape(-1)) else np.empty(0, dtype=int)
        found = _MISSING
    else:
        bad = np.empty(0, dtype=int)
    if bad.size:
        raise _bad_rows(name, what, found, bad, len(ref))


_MISSING = "missing values (NaN, None or NA: "


def _missing_rows(values: np.ndarray) -> np.ndarray:
    """The rows of ``values`` (objects) that hold a missing value: None, NaN, pandas' NA or NaT."""
    from .domain import is_missing

    missing = np.array([is_missing(v) for v in values.reshape(-1)], dtype=bool).reshape(len(values), -1)
    return np.flatnonzero(missing.any(axis=1))


def _bad_rows(name: str, what: str, found: str, bad: np.ndarray, n: int) -> DataError:
    return DataError(f"cannot compute {name}: the {what} contain {found}{bad.size} of {n}, first at row "
                     f"{int(bad[0])}); drop or fill those rows")


def _holds_missing(labels: np.ndarray) -> bool:
    """Whether an object array holds a missing value, its distinct values looked at once each (each
    row's took twice predict's time on 1M labels); the rows are scanned only where one is there."""
    from .domain import is_missing

    try:
        distinct = dict.fromkeys(labels)  # a NaN equals nothing, but one object is one key: kept either way
    except TypeError:  # an unhashable label: every row looked at
        distinct = labels
    return any(is_missing(v) for v in distinct)


def _reference(name: str) -> str:
    return "true labels" if name in ("accuracy", "R2") else "reference labels"


def agreement(a: np.ndarray, b: np.ndarray, name: str = "fidelity") -> Score:
    """Share of rows where predictions ``a`` equal reference labels ``b``, with a Wilson interval."""
    a, b = np.asarray(a), np.asarray(b)
    _check_pair(a, b, name)
    hits = int(np.sum(a == b))
    lo, hi = wilson_interval(hits, len(a))
    return Score(hits / max(len(a), 1), lo, hi, len(a), name)


def regression_agreement(pred: np.ndarray, ref: np.ndarray, name: str = "fidelity R2",
                         n_boot: int = 200, random_state: int = 0) -> Score:
    """R² of ``pred`` against ``ref`` with a bootstrap 95% interval; MAE (and its interval) in ``extra``.

    One row has no R²: it is refused, as 0 rows are. A constant ``ref`` (equal values up to
    rounding: 2**-44 of the largest ``|ref|``, 256 times the float precision) has no variance to
    explain: R² is then 1 when ``pred`` matches it to that rounding and 0 otherwise; the MAE says
    by how much. R² does not depend on the values' units or
    offset: both are scaled by the power of two that brings the largest ``|ref|`` near 1 first,
    which keeps every digit (an all-zero ``ref`` is matched to 2**-44), so values of 1e-12 are not
    taken for a constant, 1e9 plus a signal under 1 is not either, and the squares of 1e200 do not
    overflow; the MAE sums errors times a power of two where their sum would overflow
    (``value_unit``).

    The R² interval is taken on ``n_boot`` resamples on which R² is defined: a resample drawing one
    value of a ``ref`` whose values differ is redrawn. On 2 such rows the only resamples left are the
    2 rows themselves: there is no interval, and ``low`` and ``high`` are NaN.
    """
    pred, ref = _numbers(pred, "predictions", name), _numbers(ref, _reference(name), name)
    _check_pair(pred, ref, name, finite=True)
    n = len(ref)
    if n == 1:  # the constant convention below would score it 0 or 1: a figure for what is undefined
        raise ValueError(f"cannot compute {name} on 1 row: R² is undefined there (it weighs the squared error "
                         f"against the spread of the {_reference(name)}, and one value has none); give at least "
                         f"2 rows (the absolute error on this row is {abs(float(pred[0]) - float(ref[0])):.6g})")

    def r2(p: np.ndarray, r: np.ndarray, constant: bool = True) -> float | None:
        """R² of ``p`` against ``r``; None where ``r`` is one value and ``constant`` is False: a resample
        of reference values that do differ, drawing one of them only, has no R²."""
        top = float(np.max(np.abs(r)))
        with np.errstate(over="ignore"):  # a prediction far beyond every reference value: R² is -inf
            if top > 0:
                # By a power of two, not by top: 1e9 + a signal of 0.5 divided by 1e9 kept the signal
                # only to 1e-7 of itself, and 1e-9 of the values was taken for a constant's rounding.
                shift = -int(np.frexp(top)[1])
                p, r = np.ldexp(p, shift), np.ldexp(r, shift)
            if np.ptp(r) <= _CONSTANT:
                return float(np.max(np.abs(p - r)) <= _CONSTANT) if constant else None
            ss = np.sum((r - r.mean()) ** 2)
            return float(1.0 - np.sum((r - p) ** 2) / ss)

    value = r2(pred, ref)
    constant = r2(pred, ref, constant=False) is None  # the constant convention holds on every resample too
    # One resample at a time: a (n_boot, n) index matrix took 1.6 GB per million rows (3.2 GB with
    # the errors gathered by it). The generator hands out the same indices drawn row by row.
    rng = np.random.default_rng(random_state)
    with np.errstate(over="ignore"):  # rows 1e308 apart differ by inf
        err = np.abs(pred - ref)
    unit = value_unit(err)  # errors of 1e306 each: their sum overflowed and the MAE was inf
    scaled = err * unit
    # R² is taken on n_boot resamples on which it is defined: one drawing a single value of reference
    # values that differ is redrawn (they scored 0 or 1 by the constant convention, so 2 rows of R²
    # 0.885 gave [0, 0.885]). A resample is defined with odds over 0.63 (one value apart from the
    # rest: 2/3 at n=3, 1 - 1/e as n grows), so the draws end. The MAE, defined on every resample, takes the first n_boot.
    # On 2 rows the only defined resamples are the 2 rows themselves: there is no interval.
    defined = constant or n > 2
    r2s: list[float] = []
    maes: list[float] = []
    while len(maes) < n_boot or (defined and len(r2s) < n_boot):
        i = rng.integers(0, n, size=n)
        if len(maes) < n_boot:
            maes.append(scaled[i].mean() / unit)
        if defined and len(r2s) < n_boot and (v := r2(pred[i], ref[i], constant)) is not None:
            r2s.append(v)
    mae = float(np.mean(scaled)) / unit
    low, high = _interval(np.array(r2s), value) if defined else (float("nan"), float("nan"))
    mae_low, mae_high = _interval(np.array(maes), mae)
    return Score(value, low, high, n, name, {"MAE": mae, "MAE low": mae_low, "MAE high": mae_high})


def _interval(values: np.ndarray, value: float) -> tuple[float, float]:
    """The 2.5th and 97.5th percentiles of bootstrap ``values``, reaching ``value`` (the statistic on
    all rows) where they lie to one side of it: R² on a resample is biased down, so a model predicting
    the rows' mean (R² 0) scored every resample below 0 and printed ``0.0000 [-0.1113, -0.0001]``.
    Between two infinite values (a model predicting inf: R² -inf, MAE inf) interpolation gives NaN; the
    order statistic on that side is taken there instead."""
    with np.errstate(invalid="ignore"):
        low, high = (float(v) for v in np.percentile(values, [2.5, 97.5]))
    if not np.isnan(values).any():
        low = float(np.percentile(values, 2.5, method="lower")) if np.isnan(low) else low
        high = float(np.percentile(values, 97.5, method="higher")) if np.isnan(high) else high
    if not np.isnan(value):
        low, high = min(low, value), max(high, value)
    return low, high


def _numbers(values: Any, what: str, name: str) -> np.ndarray:
    arr = np.asarray(values)
    if arr.dtype == bool or (arr.dtype == object and arr.size
                             and all(isinstance(v, (bool, np.bool_)) for v in arr.reshape(-1).tolist())):
        # Read as 0 and 1 they were scored (y > 100 given for a regressor's values: R² -113040), where a
        # regression teacher answering booleans is refused.
        raise DataError(f"cannot compute {name}: the {what} are booleans (classes), not values (a regressor's "
                        "values are compared)")
    if arr.dtype.kind in "cmM":
        # NumPy reads them as floats: complex ones by their real part alone, dates and time spans by
        # their count of nanoseconds (or days, or seconds), so y + 5j scored R2 1 and a date column R2 -45198.
        kind = "complex numbers" if arr.dtype.kind == "c" else "dates or time spans"
        raise DataError(f"cannot compute {name}: the {what} are {kind}, not values (got {arr.dtype}; "
                        "a regressor's values are real numbers)")
    try:
        return np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        arr = np.asarray(values)
        missing = _missing_rows(arr) if arr.ndim and len(arr) else np.empty(0, dtype=int)
        if missing.size:  # pandas' NA, which no float holds
            raise _bad_rows(name, what, _MISSING, missing, len(arr)) from None
        flat = arr.reshape(-1)
        where = f"got {flat.dtype} values such as {flat[:3].tolist()}"
        for i, v in enumerate(flat.tolist()):  # the first that is no number (a '?' for a missing value)
            try:
                float(v)
            except (TypeError, ValueError):
                where = f"row {i} holds {v!r}" if arr.ndim == 1 else f"they hold {v!r}"
                break
        raise DataError(f"cannot compute {name}: the {what} are not numbers (a regressor's values are compared): "
                        f"{where}") from None


# -- by class -----------------------------------------------------------------------------------
def confusion(teacher_idx: np.ndarray, student_idx: np.ndarray, k: int) -> np.ndarray:
    """Counts ``C[i, j]`` of rows the teacher puts in class ``i`` and the student in class ``j``: the
    report's class heat map and :func:`symdistill.class_fidelity` count them here.

    >>> confusion(np.array([0, 0, 1]), np.array([0, 1, 1]), 2).tolist()
    [[1, 1], [0, 1]]
    """
    return np.bincount(np.asarray(teacher_idx) * k + np.asarray(student_idx), minlength=k * k).reshape(k, k)


def class_indices(labels: np.ndarray, classes: Sequence[Any]) -> tuple[np.ndarray, list[Any]]:
    """Each of ``labels``' index in ``classes``, and ``classes`` (as plain Python values) with the labels that
    are none of them appended (sorted where they sort, else in the order they come): a teacher's label the model
    has no class for is a class of its own, not an error. Labels compare as values, as fidelity compares them
    (1 == 1.0 == True, 'a' != 1); the distinct labels are looked up once each.

    >>> idx, known = class_indices(np.array(["b", "a", "c", "b"]), ["a", "b"])
    >>> idx.tolist(), known
    ([1, 0, 2, 1], ['a', 'b', 'c'])
    """
    from .domain import _plain

    known = [_plain(c) for c in classes]
    lookup = {c: i for i, c in enumerate(known)}
    labels = np.asarray(labels).reshape(-1)
    try:
        uniq, inv = np.unique(labels, return_inverse=True)
        distinct = [_plain(u) for u in uniq]
    except TypeError:  # labels of types that do not sort together (1 and 'a' in one object array)
        first: dict[Any, int] = {}
        inv = np.fromiter((first.setdefault(v, len(first)) for v in labels.tolist()), dtype=np.int64,
                          count=len(labels))
        distinct = list(first)
    codes = np.empty(len(distinct), dtype=np.int64)
    for j, v in enumerate(distinct):
        if v not in lookup:
            lookup[v] = len(known)
            known.append(v)
        codes[j] = lookup[v]
    return codes[inv.reshape(-1)], known


@dataclass(frozen=True)
class ClassScore:
    """One class of a :class:`ClassFidelity`: ``n_teacher`` rows the teacher puts in it, ``n_model`` rows the
    model puts there, ``recall`` (of the teacher's rows, the share the model puts there too) and ``precision``
    (of the model's rows, the share the teacher puts there), each with its 95% Wilson interval; a class without
    rows on that side has a NaN value and no interval. ``of_model``: False for a teacher's label that is none
    of the model's classes, which the model can never predict (each such row counts as a miss, as in
    ``sd.fidelity``)."""

    label: Any
    n_teacher: int
    n_model: int
    recall: Score
    precision: Score
    of_model: bool = True

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "of_model": self.of_model, "n_teacher": self.n_teacher,
                "n_model": self.n_model, "recall": _score_dict(self.recall), "precision": _score_dict(self.precision)}


def _score_dict(score: Score) -> dict[str, Any]:
    """A Score as JSON values: NaN (no rows, no interval) as None, which strict JSON takes."""
    plain = lambda v: None if np.isnan(v) else float(v)  # noqa: E731
    return {"value": plain(score.value), "low": plain(score.low), "high": plain(score.high), "n": int(score.n)}


def _share(hits: int, n: int, name: str) -> Score:
    """``hits`` of ``n`` with its Wilson interval; no rows, no share: NaN, and no interval."""
    if n == 0:
        return Score(float("nan"), float("nan"), float("nan"), 0, name)
    return Score(hits / n, *wilson_interval(hits, n), n, name)


@dataclass(frozen=True, eq=False)
class ClassFidelity:
    """Fidelity by class (:func:`symdistill.class_fidelity`): a :class:`ClassScore` per class, in the
    model's class order (then a teacher's labels that are none of its classes), ``confusion`` (counts, rows
    the teacher's classes and columns the model's, in that order, as the report's class heat map counts
    them) and ``overall``, ``sd.fidelity``'s score. ``result[label]`` is a class's ClassScore; ``worst(n)``
    the ``n`` classes of lowest recall; ``str`` an aligned table, the lowest recall flagged; ``to_dict()``
    plain JSON values."""

    classes: tuple[ClassScore, ...]
    confusion: np.ndarray
    overall: Score
    unit: str = "rows"  # what was counted: "words" for an automaton

    @classmethod
    def of(cls, pred: np.ndarray, ref: np.ndarray, classes: Sequence[Any] | None, overall: Score,
           unit: str = "rows") -> ClassFidelity:
        """Counted from predictions ``pred`` and the teacher's labels ``ref`` (both already compared into
        ``overall``), in the order of the model's ``classes`` (None: a model that declares none; its classes
        are then the labels seen, the teacher's and its own together, sorted); ``unit`` names what they
        answer (rows, or an automaton's words) in the table."""
        if classes is None:  # all labels at once: a label only the model gives followed the teacher's, unsorted
            seen = class_indices(pred, class_indices(ref, [])[1])[1]
            classes = class_indices(np.array(seen, dtype=object), [])[1]
        t_idx, known = class_indices(ref, classes)
        s_idx, known = class_indices(pred, known)
        k = len(known)
        mat = confusion(t_idx, s_idx, k)
        mat.setflags(write=False)
        n_teacher, n_model, hits = mat.sum(axis=1), mat.sum(axis=0), np.diag(mat)
        declared = len(classes)
        rows = tuple(ClassScore(known[i], int(n_teacher[i]), int(n_model[i]),
                                _share(int(hits[i]), int(n_teacher[i]), "recall"),
                                _share(int(hits[i]), int(n_model[i]), "precision"), i < declared)
                     for i in range(k))
        return cls(rows, mat, overall, unit)

    @property
    def labels(self) -> list[Any]:
        return [c.label for c in self.classes]

    def __len__(self) -> int:
        return len(self.classes)

    def __iter__(self) -> Iterator[ClassScore]:
        return iter(self.classes)

    def __getitem__(self, label: Any) -> ClassScore:
        for c in self.classes:
            if c.label == label and isinstance(c.label, str) == isinstance(label, str):
                return c
        raise KeyError(f"{label!r} is none of the classes {self.labels}")

    def worst(self, n: int = 1) -> tuple[ClassScore, ...]:
        """The ``n`` classes of lowest recall (the teacher's rows the model most often puts elsewhere), lowest
        first, ties in class order; classes without teacher rows have no recall and are left out."""
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
            raise ValueError(f"worst(n): n is how many classes to give, a whole number >= 0; got {n!r}")
        scored = [c for c in self.classes if c.n_teacher]
        return tuple(sorted(scored, key=lambda c: c.recall.value)[:n])

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON values (``json.dumps`` takes them, NaN written as None)."""
        return {"overall": {"name": self.overall.name, **_score_dict(self.overall)},
                "classes": [c.to_dict() for c in self.classes], "confusion": self.confusion.tolist(),
                "unit": self.unit}

    def table(self) -> ClassTable:
        """The classes as a :class:`~symdistill._table.TableList` (``to_text()``, ``to_markdown()``)."""
        scored = [c.recall.value for c in self.classes if c.n_teacher]
        low = min(scored) if scored and min(scored) < max(scored) else None
        return ClassTable(((c, low is not None and c.n_teacher > 0 and c.recall.value == low) for c in self.classes),
                          self.unit)

    def to_text(self, overall: bool = True) -> str:
        """The table, with ``overall`` (the fidelity) above it and a note on its columns below."""
        head = f"{self.overall}, by class:\n" if overall else ""
        none = any(not c.n_teacher or not c.n_model for c in self.classes)
        u = self.unit
        return (head + self.table().to_text() + f"\nrecall: of the teacher's {u} of the class, the share the model "
                f"puts there too (95% Wilson interval)\nprecision: of the model's {u} of the class, the share the "
                "teacher puts there" + (f"; n/a: no {u}, no share" if none else ""))

    def __str__(self) -> str:
        return self.to_text()

    def __repr__(self) -> str:
        return f"<ClassFidelity of {len(self.classes)} classes: {self.overall}>"


class ClassTable(TableList):
    """The rows of a :class:`ClassFidelity` (pairs of a ClassScore and whether its recall is the lowest)."""

    HEADER = ("class", "teacher rows", "model rows", "recall [95% interval]", "precision [95% interval]", "note")

    def __init__(self, rows: Any = (), unit: str = "rows") -> None:
        super().__init__(rows)
        if unit != "rows":  # an automaton's words
            self.HEADER = ("class", f"teacher {unit}", f"model {unit}", *ClassTable.HEADER[3:])

    def cells(self) -> list[list[str]]:
        from .models.base import label_text  # as the model prints its classes

        def share(s: Score) -> str:
            return "n/a" if s.n == 0 else f"{fixed(s.value)} {s.interval()}"

        return [[label_text(c.label), str(c.n_teacher), str(c.n_model), share(c.recall), share(c.precision),
                 "; ".join(([] if c.of_model else ["not a class of the model"]) + (["lowest recall"] if low else []))]
                for c, low in self]

"""Fidelity away from the data: does the symbolic model still agree with the network off-distribution?

Fidelity on held-out rows only says how the model behaves where the data lives. ``shifted_fidelity``
measures it again on rows moved away from the data in documented ways, one :class:`Shift` each,
built from the given rows ``X`` in the model's encoded space (see :class:`~symdistill.domain.Domain`):

``none``
    The rows as given: the in-distribution baseline.
``noise`` (severity ``s``, default 0.1)
    Numeric and integer features get Gaussian noise with standard deviation ``s`` times the
    feature's standard deviation in ``X`` (integers are rounded afterwards; features constant in
    ``X`` get none). Binary and categorical features, and numeric or integer ones holding two values
    in ``X`` (a 0/1 flag standardised to {-0.87, 1.15}, as the query sampler keeps them), are, with
    probability ``min(s, 1)``, replaced by a value drawn from their frequencies in ``X``.
``outside`` (severity ``m``, default 0.25)
    In every row one numeric or integer feature, chosen at random among those with a non-empty
    observed range ``[lower, upper]`` (the model's domain), is moved outside that range on a random
    side (the other where a bound is the largest double, beyond which no float lies) by a uniform
    distance in ``(0, m * (upper - lower)]``, at least one float step (integers rounded away from the
    range). The other features keep their values: each row is a real row with one reading out of range.
``marginal``
    Every column is permuted independently: each feature keeps its distribution, but the
    dependencies between features are broken, so rows land where the data is sparse.

Shifted values are held within the largest double (a range wider than it, or a strong noise on values
near it, would otherwise give infinities no teacher or model reads), and feature spreads are computed
so that they neither overflow (values near 1e200) nor underflow (values near 1e-300).

Every shift draws from its own random stream, derived from ``random_state``, the shift's kind and
its severity: the same seed gives the same rows, whatever other shifts are asked for.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from ._errors import NonFiniteAnswerError, TeacherError, UnknownClassError, refuse_set
from ._progress import check_progress, progress_bar
from ._scale import mean_std
from ._table import TableList
from .api import TeacherAnswers, concept_layer, domain_key
from .domain import Domain, is_real
from .learners.base import check_random_state
from .metrics import Score, fixed
from .sampling.density import _two_valued
from .teachers import Teacher, as_teacher
from .teachers.base import _n_rows, _some_labels

SHIFT_KINDS = ("none", "noise", "outside", "marginal")
_DEFAULT_SEVERITY = {"none": None, "noise": 0.1, "outside": 0.25, "marginal": None}

__all__ = ["DEFAULT_SHIFTS", "SHIFT_KINDS", "Shift", "ShiftResult", "ShiftResults", "coerce_shifts",
           "shifted_fidelities", "shifted_fidelity", "shifted_rows"]


@dataclass(frozen=True)
class Shift:
    """One documented way of moving rows away from the data (see the module docstring).

    >>> Shift("noise", 0.5).label
    'noise (0.5 sd)'
    >>> Shift("outside").label
    'outside range (margin 0.25)'
    """

    kind: str
    severity: float | None = None

    def __post_init__(self) -> None:
        if self.kind not in SHIFT_KINDS:
            raise ValueError(f"shift kind must be one of {SHIFT_KINDS}, got {self.kind!r}")
        if self.severity is None:
            object.__setattr__(self, "severity", _DEFAULT_SEVERITY[self.kind])
        elif _DEFAULT_SEVERITY[self.kind] is None:
            raise ValueError(f"shift {self.kind!r} takes no severity, got {self.severity!r}")
        elif not is_real(self.severity) or not np.isfinite(self.severity) or self.severity <= 0:
            raise ValueError(f"shift {self.kind!r}: severity must be a positive number, got {self.severity!r}")

    @classmethod
    def coerce(cls, spec: Any) -> Shift:
        """A Shift from a Shift, a kind name, or a ``(kind, severity)`` pair."""
        if isinstance(spec, Shift):
            return spec
        if isinstance(spec, str):
            return cls(spec)
        if isinstance(spec, tuple) and len(spec) == 2 and isinstance(spec[0], str):
            return cls(spec[0], spec[1])
        raise TypeError(f"a shift must be a Shift, a kind name {SHIFT_KINDS} or a (kind, severity) pair, got {spec!r}")

    @property
    def label(self) -> str:
        if self.kind == "noise":
            return f"noise ({self.severity:g} sd)"
        if self.kind == "outside":
            return f"outside range (margin {self.severity:g})"
        return {"none": "no shift", "marginal": "marginals (dependencies broken)"}[self.kind]

    def _stream(self, random_state: int | None) -> np.random.Generator:
        check_random_state(random_state)
        if random_state is None:
            return np.random.default_rng()
        scaled = 0.0 if self.severity is None else float(self.severity) * 1_000_000
        # Severities past 1e302 overflow the product; their integer part is as good a key.
        sev = int(round(scaled)) if np.isfinite(scaled) else int(self.severity) * 1_000_000  # type: ignore[arg-type]
        return np.random.default_rng([int(random_state), SHIFT_KINDS.index(self.kind), sev])

    def apply(self, domain: Domain, Z: np.ndarray, random_state: int | None = 0) -> np.ndarray | None:
        """Shifted copy of the encoded rows ``Z``; None when the shift cannot apply to this domain
        (``outside`` with no numeric or integer feature that varies)."""
        Z = np.asarray(Z, dtype=float)
        rng = self._stream(random_state)
        kinds = np.array([f.kind for f in domain.features])
        cont = np.isin(kinds, ("numeric", "integer"))
        if self.kind == "none":
            return Z.copy()
        if self.kind == "marginal":
            out = Z.copy()
            for j in range(Z.shape[1]):
                out[:, j] = Z[rng.permutation(len(Z)), j]
            return out
        if self.kind == "noise":
            return _noise(Z, kinds, cont, float(self.severity), rng)  # type: ignore[arg-type]
        return _outside(domain, Z, kinds, cont, float(self.severity), rng)  # type: ignore[arg-type]


DEFAULT_SHIFTS = (Shift("none"), Shift("noise", 0.1), Shift("noise", 0.5), Shift("outside", 0.25),
                  Shift("marginal"))


def _noise(Z: np.ndarray, kinds: np.ndarray, cont: np.ndarray, s: float, rng: np.random.Generator) -> np.ndarray:
    n, d = Z.shape
    out = Z.copy()
    # A numeric feature of two values is a flag (standardised or coded {3, 7}): noise gave it values no
    # input can hold (500 distinct values of a 0/1 flag); it is resampled, as binary features are.
    cont = cont.copy()
    cont[list(_two_valued(Z, np.nonzero(cont)[0]))] = False
    sd = mean_std(Z)[1]  # a plain std overflows at 1e200 (every value inf) and underflows at 1e-300 (no noise)
    with np.errstate(over="ignore"):
        noise = rng.standard_normal((n, d)) * (s * sd)
        out[:, cont] = _finite(out[:, cont] + noise[:, cont])
    integer = kinds == "integer"
    out[:, integer] = np.rint(out[:, integer])
    replace = rng.random((n, d)) < min(s, 1.0)
    for j in np.nonzero(~cont)[0]:
        m = replace[:, j]
        out[m, j] = Z[rng.integers(0, n, size=int(m.sum())), j]
    return out


def _outside(domain: Domain, Z: np.ndarray, kinds: np.ndarray, cont: np.ndarray, m: float,
             rng: np.random.Generator) -> np.ndarray | None:
    lo, hi = domain.lower, domain.upper
    with np.errstate(over="ignore"):
        span = hi - lo  # inf for a range wider than the largest double: the values are held finite below
    big = np.finfo(float).max
    # A bound at the largest double has no float beyond it: held there, the value stayed inside the range.
    room_above, room_below = hi < big, lo > -big
    cand = np.nonzero(cont & (span > 0) & (room_above | room_below))[0]
    if cand.size == 0:
        return None
    n = len(Z)
    out = Z.copy()
    col = cand[rng.integers(0, cand.size, size=n)]
    with np.errstate(over="ignore"):
        dist = (1.0 - rng.random(n)) * m * span[col]  # uniform on (0, m * span]
    above = rng.random(n) < 0.5
    above = np.where(room_above[col] & room_below[col], above, room_above[col])  # the side that has room
    # At least one float step out: a distance below the bound's rounding (a small margin on large
    # values) would leave the value on the bound, inside the range.
    with np.errstate(over="ignore"):
        value = _finite(np.where(above, np.maximum(hi[col] + dist, np.nextafter(hi[col], np.inf)),
                                 np.minimum(lo[col] - dist, np.nextafter(lo[col], -np.inf))))
    is_int = kinds[col] == "integer"
    value = np.where(is_int & above, np.ceil(value), value)
    value = np.where(is_int & ~above, np.floor(value), value)
    out[np.arange(n), col] = value
    return out


def _finite(values: np.ndarray) -> np.ndarray:
    """``values`` with any that overflowed held at the largest double of their sign: a shifted row is a
    row the teacher and the model can read."""
    big = np.finfo(float).max
    return np.clip(values, -big, big)


@dataclass(frozen=True)
class ShiftResult:
    """Fidelity of one model under one shift; ``score`` is None, and ``note`` says why, when the shift
    could not apply or the teacher could not be compared there (a class outside its known classes, NaN,
    an error)."""

    shift: Shift
    score: Score | None
    note: str = ""


class ShiftResults(TableList):
    """ShiftResult objects that print as a table; ``to_markdown()`` too."""

    def __init__(self, results: Any = (), name: str = "fidelity") -> None:
        super().__init__(results)
        self.name = name  # the score's name where no shift was scored ("fidelity R2" for a regressor)

    @property
    def HEADER(self) -> tuple[str, ...]:  # type: ignore[override]
        name = next((r.score.name for r in self if r.score is not None), self.name)  # "fidelity R2": regressors
        return ("shift", f"{name} [95% interval]", "n")

    def cells(self) -> list[list[str]]:
        out = []
        for r in self:
            if r.score is None:
                out.append([r.shift.label, f"n/a ({r.note})", "0"])
            else:
                s = r.score
                out.append([r.shift.label, f"{fixed(s.value)} {s.interval()}", str(s.n)])
        return out


def coerce_shifts(shifts: Sequence[Shift | str | tuple[Any, ...]]) -> list[Shift]:
    """``shifts`` (a list of Shifts, kind names or ``(kind, severity)`` pairs) as Shifts; one shift
    given where the list belongs is refused, naming the list it should be in."""
    one = None
    if isinstance(shifts, str):
        one = f"the string {shifts!r}"
    elif isinstance(shifts, Shift):
        one = f"one shift, {shifts!r}"
    elif isinstance(shifts, tuple) and len(shifts) == 2 and isinstance(shifts[0], str) \
            and not isinstance(shifts[1], (str, Shift, tuple)):
        one = f"the pair {shifts!r}"
    if one is not None:
        raise TypeError(f"shifts must be a list of shifts, got {one} (write shifts=[{shifts!r}])")
    if isinstance(shifts, Mapping):
        # Read as a list, a dict gives its keys: {'noise': 0.3} was noise at its default 0.1.
        raise TypeError(f"shifts must be a list of shifts, got a {type(shifts).__name__} {shifts!r}; a "
                        f"(kind, severity) pair is a tuple in the list: shifts={list(shifts.items())!r}")
    if not isinstance(shifts, Iterable):
        raise TypeError(f"shifts must be a list of shifts, got {type(shifts).__name__} {shifts!r}")
    refuse_set("shifts", shifts, "the shift table lists them in that order")
    specs = [Shift.coerce(s) for s in shifts]
    if not specs:
        raise ValueError("shifts is empty: give at least one shift, e.g. shifts=['noise']")
    return specs


def shifted_rows(domain: Domain, X: Any, shift: Shift | str | tuple[Any, ...], random_state: int | None = 0) -> Any:
    """Rows of ``X`` moved by ``shift``, in the teacher's input format (None if it cannot apply).

    >>> import numpy as np
    >>> X = np.random.default_rng(0).uniform(size=(100, 2))
    >>> dom = Domain.from_data(X)
    >>> out = shifted_rows(dom, X, "outside")
    >>> bool(np.all(((out < dom.lower) | (out > dom.upper)).sum(axis=1) == 1))
    True
    """
    Z = Shift.coerce(shift).apply(domain, domain.encode(X), random_state)
    return None if Z is None else domain.decode(Z)


def shifted_fidelity(model: Any, teacher: Any, X: Any, *, shifts: Sequence[Shift | str | tuple[Any, ...]] = DEFAULT_SHIFTS,
                     random_state: int | None = 0, progress: bool | None = None) -> ShiftResults:
    """Fidelity of ``model`` to ``teacher`` on ``X`` and on shifted copies of ``X``.

    Parameters
    ----------
    model : tabular symbolic model (with a ``domain``)
    teacher : Teacher or anything ``as_teacher`` takes
    X : array or DataFrame
        The rows to shift, usually held-out rows.
    shifts : sequence of Shift, kind names or (kind, severity) pairs
        Default: no shift, noise 0.1 and 0.5 sd, outside the range by 25%, broken dependencies.
    random_state : int or None
        Same seed, same shifted rows.
    progress : bool or None
        A bar counting the shifts scored, where the teacher labels more than one of its batches
        (``batch_size``) of rows over all of them, and below it, where one shift's rows take more
        than one batch, ``sd.fidelity``'s bar counting them; None (the default) shows them on an
        interactive terminal only, as ``sd.fidelity``'s ``progress`` does.

    Returns
    -------
    ShiftResults
        One :class:`ShiftResult` per shift, in order. A shift that cannot apply, or where the
        teacher answers a class outside its known classes (``classes=`` or those of its first
        answers), answers NaN or infinity, or raises, has no score and a ``note`` saying why (the
        unshifted rows of ``"none"`` raise the teacher's error).

    Examples
    --------
    >>> import numpy as np, symdistill as sd
    >>> X = np.random.default_rng(0).uniform(size=(500, 2))
    >>> net = lambda X: (X[:, 0] > 0.5).astype(int)
    >>> tree = sd.distill(net, X, max_size=2, random_state=0)
    >>> res = shifted_fidelity(tree, net, X, shifts=["none", "marginal"])
    >>> [round(float(r.score.value), 2) for r in res]
    [1.0, 1.0]
    """
    t = teacher if isinstance(teacher, Teacher) else as_teacher(teacher)
    domain = getattr(model, "domain", None)
    if isinstance(domain, Domain) and concept_layer(model) is None and _n_rows(X):
        # A teacher answering at random is refused, as sd.fidelity refuses it: its scores were noise.
        t.check_deterministic(domain.decode(domain.encode(X)[:32]))
    return shifted_fidelities([model], t, X, shifts=shifts, random_state=random_state, progress=progress)[0]


def shifted_fidelities(models: Sequence[Any], teacher: Any, X: Any, *,
                       shifts: Sequence[Shift | str | tuple[Any, ...]] = DEFAULT_SHIFTS,
                       random_state: int | None = 0, progress: bool | None = None) -> list[ShiftResults]:
    """``shifted_fidelity`` of each of ``models``, in order: the rows of a shift are made, and the teacher
    asked about them, once for the models of one domain (a frontier's), not once per model. The bar
    counts the shifts of each domain scored (see ``shifted_fidelity``'s ``progress``)."""
    for model in models:
        domain = getattr(model, "domain", None)
        if not isinstance(domain, Domain):
            raise TypeError(f"shifted fidelity needs a tabular model with a feature domain, got {type(model).__name__}")
        layer = concept_layer(model)
        if layer is not None:
            raise TypeError(f"shifted fidelity shifts a model's input features, but these are concept rules: they "
                            f"read the activations of hidden layer {layer!r} (distilled with layer=); sd.fidelity "
                            "scores them")
    specs = coerce_shifts(shifts)
    check_progress(progress)
    if _n_rows(X) == 0:  # (a shift's spreads and ranges of no rows failed in NumPy, after its warnings)
        raise ValueError("cannot compute shifted fidelity on 0 rows: give at least one row")
    t = teacher if isinstance(teacher, Teacher) else as_teacher(teacher)
    groups: list[tuple[Any, Domain, list[int]]] = []  # models of one domain
    for i, model in enumerate(models):
        key = domain_key(model.domain)
        same = next((g for g in groups if g[0] == key), None)
        if same is None:
            groups.append((key, model.domain, [i]))
        else:
            same[2].append(i)
    out = [ShiftResults(name="fidelity R2" if getattr(m, "task", None) == "regression" else "fidelity") for m in models]
    many = len(groups) * _n_rows(X) * len(specs) > t.batch_size
    with progress_bar(len(groups) * len(specs), "shifted fidelity", progress if many else False, unit="shift") as bar:
        for _, domain, members in groups:
            Z = domain.encode(X)
            for spec in specs:
                _shifted_scores([models[i] for i in members], [out[i] for i in members], t, domain, Z, spec,
                                random_state, progress)
                bar.update(1)
    return out


def _shifted_scores(models: list[Any], out: list[ShiftResults], teacher: Teacher, domain: Domain, Z: np.ndarray,
                    spec: Shift, random_state: int | None, progress: bool | None) -> None:
    """Fidelity of each of ``models`` (of ``domain``) to ``teacher`` on encoded rows ``Z`` moved by ``spec``,
    appended to its results in ``out`` (see shifted_fidelity); the teacher is asked once."""
    Zs = spec.apply(domain, Z, random_state)
    if Zs is None:
        for res in out:
            res.append(ShiftResult(spec, None, "no numeric feature with a range to leave"))
        return
    answers = TeacherAnswers(teacher, domain.decode(Zs), progress=progress)
    for model, res in zip(models, out):
        try:
            res.append(ShiftResult(spec, answers.fidelity(model)))
        except UnknownClassError as exc:
            # Off the data a teacher may answer a class it never gave before: the model cannot predict it,
            # and the teacher has no column for it. That shift is unscored, with the reason; the others stand.
            res.append(ShiftResult(spec, None, _unknown_class_note(exc.labels, teacher)))
        except NonFiniteAnswerError as exc:
            # A teacher undefined off the data (the log of a feature moved below its range) has no value
            # to compare with there: that shift is unscored, with the reason, as above.
            res.append(ShiftResult(spec, None, f"the teacher answered NaN or infinity on {exc.count} of the "
                                               f"{exc.asked} rows it was asked, first {exc.first}"))
        except TeacherError as exc:
            if spec.kind == "none":  # the rows as given: a teacher that cannot answer them is an error, no shift's
                raise
            # A teacher that refuses rows off the data (a scikit-learn pipeline whose log gives NaN there, which its
            # estimator then refuses) has no answer there either: that shift is unscored with the error, as above.
            res.append(ShiftResult(spec, None, f"the teacher raised an error on these rows: {exc}"))


def _unknown_class_note(labels: tuple, teacher: Teacher) -> str:
    known = [c.item() if isinstance(c, np.generic) else c for c in teacher.classes_]  # type: ignore[union-attr]
    return (f"the teacher answered {_some_labels(list(labels), 'label')} on these rows, not among its classes "
            f"[{_some_labels(known)}]; to score them, pass every class to as_teacher(..., classes=[...])")

"""What ``verify`` returns: a verdict, its counterexample, and what the teacher says about it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..domain import BOOL_DTYPES, Domain


def _py(v: Any) -> Any:
    return v.item() if isinstance(v, np.generic) else v


class NoVerdict(RuntimeError):
    """``verify`` can give neither "holds" nor a counterexample that ``predict`` confirms, and says so
    rather than guess: :class:`RoundingAmbiguity` (the answer depends on rounding) or
    :class:`VerificationTimeout` (z3 did not answer within ``timeout=``). ``sd.report`` lists such a
    constraint as "no verdict" and ``symdistill verify`` exits 2 on it."""


class RoundingAmbiguity(NoVerdict):
    """The property's answer depends on rounding: a linear model's scores or a constraint's
    arithmetic are decided in exact arithmetic (the weights' exact values), while ``predict``
    computes in floating point, and the two disagree within rounding of a tie. Neither a verdict
    nor a counterexample that ``predict`` confirms can be given; the message names the point."""


class VerificationTimeout(NoVerdict):
    """z3 answered "unknown" because ``verify``'s ``timeout=`` ran out: the property may hold or not.
    A verdict cut short is no verdict, so neither "holds" nor a violation is reported.
    ``constraint`` is the property as text and ``timeout`` the limit in seconds (None where the
    solver itself raised it, before ``verify`` named the constraint)."""

    def __init__(self, message: str, constraint: str = "", timeout: float | None = None) -> None:
        super().__init__(message)
        self.constraint = constraint
        self.timeout = timeout


@dataclass(frozen=True)
class Counterexample:
    """Inputs on which the model breaks a constraint.

    ``rows`` holds one input (plain constraints, robustness, output range) or two (monotonicity,
    invariance: the pair that differs only where the property allows; equivalence: the same input
    twice, once per model), as ``{feature name: value}`` in the user's feature space (category
    labels, not codes; True/False for a binary feature read from a bool column). ``outputs`` are the model's predictions on them. ``X`` gives the rows in
    the format the model and the teacher take (array or DataFrame). For automata, ``word`` is set
    and ``rows`` is empty; ``what`` names the outputs: "accepted" (a DFA's acceptance), "output" (a
    Moore machine's label), "outputs" (equivalence of two Moore machines: each one's label, in order).
    """

    rows: tuple[dict[str, Any], ...]
    outputs: tuple[Any, ...]
    encoded: np.ndarray = field(compare=False, repr=False, default_factory=lambda: np.empty((0, 0)))
    domain: Domain | None = field(compare=False, repr=False, default=None)
    word: Any = None
    what: str = "accepted"

    @classmethod
    def from_encoded(cls, Z: np.ndarray, outputs: Any, domain: Domain) -> Counterexample:
        Z = np.atleast_2d(np.asarray(Z, dtype=float))
        rows = []
        # A binary feature read from a bool column is True/False, as the column held it.
        bools = {j for j, t in enumerate(domain.column_dtypes) if t in BOOL_DTYPES}
        for z in Z:
            row: dict[str, Any] = {}
            for j, f in enumerate(domain.features):
                if f.is_categorical:
                    row[f.name] = _py(f.category_label(int(z[j])))
                elif j in bools and f.kind == "binary":
                    row[f.name] = bool(z[j] > 0.5)
                elif f.kind in ("integer", "binary"):
                    row[f.name] = int(z[j])
                else:
                    row[f.name] = float(z[j])
            rows.append(row)
        return cls(tuple(rows), tuple(_py(o) for o in outputs), Z, domain)

    @property
    def row(self) -> dict[str, Any] | None:
        """The (first) violating input."""
        return self.rows[0] if self.rows else None

    @property
    def pair(self) -> tuple[dict[str, Any], dict[str, Any]] | None:
        """Both inputs of a relational counterexample (monotonicity, invariance), else None."""
        return (self.rows[0], self.rows[1]) if len(self.rows) == 2 else None

    @property
    def X(self) -> Any:
        """The rows in the model's input format (NumPy array or DataFrame), ready for ``predict``."""
        if self.domain is None:
            raise ValueError("an automaton counterexample is a word, not rows: use .word")
        return self.domain.decode(self.encoded)

    def __str__(self) -> str:
        if self.word is not None:
            return f"word {self.word!r} ({self.what}: {' vs '.join(_fmt(o) for o in self.outputs)})"
        parts = []
        # Names as printed rules write them (`mean radius`), so a row reads one way on one line.
        names = {f.name: f.display_name for f in self.domain.features} if self.domain is not None else {}
        for row, out in zip(self.rows, self.outputs):
            vals = ", ".join(f"{names.get(k, k)}={_fmt(v)}" for k, v in row.items())
            parts.append(f"[{vals}] -> {_fmt(out)}")
        return " vs ".join(parts) if len(parts) == 2 else parts[0]


@dataclass(frozen=True)
class TeacherCheck:
    """The teacher's answer on a counterexample.

    ``status`` is ``"teacher violation"`` (the teacher breaks the constraint there too: the student
    faithfully learned a real property of the network) or ``"artefact"`` (the teacher keeps the
    constraint there: the violation comes from distillation). For artefacts, ``found`` holds a
    teacher violation discovered by the bounded search near the counterexample, if any. For
    robustness, ``point_output`` is the teacher's answer at the given point, which the teacher's
    answers near it are judged against (None for other properties). ``queries`` counts every row the
    check asked the teacher: the counterexample's, the search's and any repeat of what it found.
    """

    status: str
    teacher_outputs: tuple[Any, ...]
    found: Counterexample | None = None
    found_outputs: tuple[Any, ...] = ()
    queries: int = 0
    rows: np.ndarray = field(compare=False, repr=False, default_factory=lambda: np.empty((0, 0)))
    point_output: Any = None

    @property
    def teacher_violates(self) -> bool:
        """True when the teacher itself breaks the constraint (at the counterexample or nearby)."""
        return self.status == "teacher violation" or self.found is not None

    def __str__(self) -> str:
        outs = ", ".join(_fmt(o) for o in self.teacher_outputs)
        if self.point_output is not None:  # robustness: the teacher is judged against its own answer at the point
            outs += f" there and {_fmt(self.point_output)} at the given point"
            if self.status == "teacher violation":
                return f"teacher violation: the teacher answers {outs}"
            return self._artefact(f"distillation artefact: the teacher answers {outs}, and keeps the constraint")
        if self.status == "teacher violation":
            return f"teacher violation: the teacher answers {outs} there too"
        return self._artefact(f"distillation artefact: the teacher answers {outs} there and keeps the constraint")

    def _artefact(self, s: str) -> str:
        if self.found is not None:
            s += (f"; but a search near it found a teacher violation: {self.found} "
                  f"(teacher: {', '.join(_fmt(o) for o in self.found_outputs)}; {self._asked()})")
        else:
            s += f"; no teacher violation found nearby ({self._asked()})"
        return s

    def _asked(self) -> str:
        """The check's queries: the counterexample's rows, the search near it and any repeat of what it found
        (search_budget bounds the search alone, so 2,002 queries can follow a budget of 2,000)."""
        return f"{self.queries} teacher {'query' if self.queries == 1 else 'queries'} in all, the counterexample's included"


@dataclass(frozen=True)
class Verdict:
    """Outcome of ``verify``: ``holds`` is exact (every region checked) or a counterexample is given.

    ``seconds`` is the checking time, ``backend`` "direct" or "z3", ``constraint`` the property as
    text, ``checked`` how many regions (or region pairs, or automaton states) were examined, and
    ``teacher`` the teacher's verdict on the counterexample when a teacher was given.

    ``vacuous`` says whether a constraint that holds and states an implication ``A -> B`` (or a
    conjunction of them) holds only because no input of the model's domain meets a premise ``A``:
    True when some premise is never met (``vacuity`` names it and the domain's bounds of the features
    it mentions), False when every premise is met somewhere, None for other constraints and
    properties, violated ones, and premises that could not be decided.
    """

    holds: bool
    counterexample: Counterexample | None
    seconds: float
    backend: str
    constraint: str
    model: str = ""
    checked: int = 0
    teacher: TeacherCheck | None = None
    vacuous: bool | None = None
    vacuity: str = ""

    def __bool__(self) -> bool:
        return self.holds

    def __str__(self) -> str:
        head = ("HOLDS (vacuously)" if self.vacuous else "HOLDS") if self.holds else "VIOLATED"
        s = f"{head}: {self.constraint}\n  model {self.model}; {self.backend} backend, {self.checked} checked, " \
            f"{1000 * self.seconds:.1f} ms"
        if self.vacuous:
            s += f"\n  vacuously: {self.vacuity}"
        if self.counterexample is not None:
            s += f"\n  counterexample: {self.counterexample}"
        if self.teacher is not None:
            s += f"\n  {self.teacher}"
        return s


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return repr(v)  # the shortest text that gives back the same float: counterexamples are exact
    return repr(v) if isinstance(v, str) else str(v)

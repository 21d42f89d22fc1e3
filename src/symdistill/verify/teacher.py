"""Counterexamples checked on the teacher: a real property of the network, or a distillation artefact?

A question (what is violated, see :class:`Question`) can be asked of any predictor: the symbolic
model or the teacher. On the counterexample itself, the teacher either breaks the constraint too
(*teacher violation*) or not (*artefact*). For artefacts a bounded search samples inputs near the
counterexample, keeps those where the *model* violates the constraint (the violating region),
and asks the teacher about all of them in one batch.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from .._errors import TeacherError, UnknownClassError
from ..domain import Domain
from ..teachers import Teacher, as_teacher
from ..teachers.base import classes_flag
from . import formula as F
from .result import Counterexample, TeacherCheck


@dataclass
class Question:
    """A property in checker terms: ``kind`` is "formula", "monotonic", "invariant" or "equivalent"."""

    kind: str
    violation: F.Formula | None = None
    feature: int = -1
    increasing: bool = True
    target: int | None = None
    free: np.ndarray | None = None

    def violated(self, Z: np.ndarray, out: np.ndarray) -> np.ndarray:
        """Which inputs (formula: rows; relational: consecutive row pairs) break the property, given
        the outputs ``out`` of whatever predictor is being judged."""
        if self.kind == "formula":
            assert self.violation is not None
            return F.evaluate(self.violation, Z, out)
        a, b = Z[0::2], Z[1::2]
        oa, ob = out[0::2], out[1::2]
        if self.kind == "monotonic":
            j = self.feature
            others = np.ones(Z.shape[1], dtype=bool)
            others[j] = False
            same = np.all(a[:, others] == b[:, others], axis=1) & (a[:, j] < b[:, j])
            ga, gb = (oa, ob) if self.target is None else (oa == self.target, ob == self.target)
            ga, gb = np.asarray(ga, dtype=float), np.asarray(gb, dtype=float)
            return same & ((ga > gb) if self.increasing else (ga < gb))
        assert self.free is not None
        same = np.all(a[:, ~self.free] == b[:, ~self.free], axis=1)
        return same & (oa != ob)


def in_domain(Z: np.ndarray, domain: Domain) -> bool:
    """Every row lies within the domain's bounds, integral where the feature is, valid codes."""
    lo, hi = domain.lower, domain.upper
    if np.any(Z < lo) or np.any(Z > hi):
        return False
    integral = np.array([f.kind in ("integer", "binary", "categorical") for f in domain.features])
    return bool(np.all(Z[:, integral] == np.round(Z[:, integral])))


def teacher_outputs(teacher: Teacher, model: Any, Z: np.ndarray) -> np.ndarray:
    """The teacher's answers on encoded rows, in the model's output space (class index or value)."""
    try:
        pred = np.asarray(teacher.predict(model.domain.decode(Z)))
    except UnknownClassError as exc:  # a labels teacher's classes widened by the model's: a label neither knows
        if teacher._declared_classes or not exc.labels:
            raise
        raise TeacherError(_unknown_class(exc.labels[0], model)) from None
    if model.task == "regression":
        return pred.astype(float)
    index = {(c.item() if isinstance(c, np.generic) else c): i for i, c in enumerate(model.classes)}
    out = np.empty(len(pred), dtype=np.int64)
    for i, v in enumerate(pred):
        key = v.item() if isinstance(v, np.generic) else v
        if key not in index:
            raise TeacherError(_unknown_class(key, model))
        out[i] = index[key]
    return out


def _unknown_class(label: Any, model: Any) -> str:
    """The error of a teacher answering ``label``, none of the model's classes."""
    known = [c.item() if isinstance(c, np.generic) else c for c in model.classes]
    return (f"the teacher predicts class {label!r}, which the model does not know (model classes: {known}); is it "
            "the teacher the model was distilled from, its classes named as the model's (sd.as_teacher(teacher, "
            f"classes=[...]); on the command line: {classes_flag(model.classes)})?")


class _Asker:
    """The teacher's answers in the model's output space (:func:`teacher_outputs`), and the rows asked.

    A teacher not made a Teacher is read as :func:`sd.fidelity` reads it, in its own classes, compared with the
    model's as labels: declaring the model's classes for it renamed the columns of a teacher answering 0 and 1
    as a model's 'g' and 'h'. A teacher answering labels, its classes not declared, knows only those of its
    first answer (a row or two, where it was first asked here), so once it has answered, it is asked through
    a copy widened by the model's other classes, which it may answer later; a Teacher given keeps its classes,
    and its count leaves out the copy's queries (``queries`` counts them all)."""

    def __init__(self, teacher: Any, model: Any) -> None:
        self.teacher = teacher if isinstance(teacher, Teacher) else as_teacher(teacher, task=model.task)
        self.model = model
        self.queries = 0

    def __call__(self, Z: np.ndarray) -> np.ndarray:
        t = self.teacher
        before = t.n_queries
        out = teacher_outputs(t, self.model, Z)
        self.queries += t.n_queries - before
        if t.task == "classification" and t._output_kind == "labels" and not t._declared_classes:
            known = {c.item() if isinstance(c, np.generic) else c for c in t.classes_}
            other = [c for c in self.model.classes if (c.item() if isinstance(c, np.generic) else c) not in known]
            if other:
                self.teacher = t.widened(other)
        return out


def check_on_teacher(model: Any, q: Question, Z: np.ndarray, teacher: Any, *, budget: int = 2000,
                     random_state: int | None = 0, point: np.ndarray | None = None,
                     judge: Callable[[Any], Question] | None = None) -> TeacherCheck:
    """Classify a counterexample ``Z`` (encoded rows) as a teacher violation or an artefact.

    A property about one given ``point`` (robustness: every input near it gets its prediction)
    holds for the teacher when the teacher answers near the point as it answers *at* it, whatever
    the model answers there: ``judge`` turns the teacher's answer at ``point`` (encoded) into the
    question that judges the teacher, while ``q`` (the model's) still picks where to search."""
    ask = _Asker(teacher, model)
    tq, at_point = q, None
    if point is not None and judge is not None:
        p_out = ask(point[None, :])[0]
        tq, at_point = judge(p_out), _label(model, p_out)
    t_out = ask(Z)
    shown = tuple(_label(model, o) for o in t_out)
    if tq.violated(Z, t_out)[0]:
        return TeacherCheck("teacher violation", shown, queries=ask.queries, rows=Z, point_output=at_point)
    cand = _neighbourhood(model, q, Z, budget, random_state)
    found, found_out = None, ()
    if len(cand):
        from .exact import outputs

        c_out = ask(cand)
        bad = np.nonzero(tq.violated(cand, c_out))[0]
        if bad.size:
            k = int(bad[0])
            rows = cand[k:k + 1] if q.kind == "formula" else cand[2 * k:2 * k + 2]
            found = Counterexample.from_encoded(rows, [_label(model, o) for o in outputs(model, rows)], model.domain)
            found_out = tuple(_label(model, o) for o in ask(rows))
    else:
        cand = np.empty((0, Z.shape[1]))
    return TeacherCheck("artefact", shown, found, found_out, ask.queries, cand, at_point)


def _neighbourhood(model: Any, q: Question, Z: np.ndarray, budget: int, random_state: int | None) -> np.ndarray:
    """Up to ``budget`` teacher queries near ``Z`` inside the model's violating region."""
    from .exact import outputs

    rng = np.random.default_rng(random_state)
    dom = model.domain
    lo, hi = dom.lower, dom.upper
    span = np.where(hi > lo, hi - lo, 1.0)
    n = max(4 * budget, 64)
    radius = rng.choice([0.01, 0.03, 0.1, 0.3], size=(n, 1))

    def near(x: np.ndarray) -> np.ndarray:
        pts = x + rng.standard_normal((n, len(x))) * radius * span
        pts = np.clip(pts, lo, hi)
        for j, f in enumerate(dom.features):
            if f.is_categorical:
                keep = rng.random(n) < 0.8
                pts[:, j] = np.where(keep, x[j], rng.integers(0, len(f.categories), n))
            elif f.kind in ("integer", "binary"):
                pts[:, j] = np.clip(np.rint(pts[:, j]), np.ceil(lo[j]), np.floor(hi[j]))
        return pts

    if q.kind == "formula":
        cand = near(Z[0])
        keep = q.violated(cand, outputs(model, cand))
        return cand[keep][: max(budget, 0)]
    a = near(Z[0])
    b = a.copy()
    moved = near(Z[1])
    if q.kind == "monotonic":
        j = q.feature
        b[:, j] = moved[:, j]
        lo_j = np.minimum(a[:, j], b[:, j])
        b[:, j] = np.maximum(a[:, j], b[:, j])
        a[:, j] = lo_j
    else:
        assert q.free is not None
        b[:, q.free] = moved[:, q.free]
    pairs = np.empty((2 * n, Z.shape[1]))
    pairs[0::2], pairs[1::2] = a, b
    keep = q.violated(pairs, outputs(model, pairs))
    idx = np.nonzero(keep)[0][: max(budget // 2, 0)]
    out = np.empty((2 * len(idx), Z.shape[1]))
    out[0::2], out[1::2] = a[idx], b[idx]
    return out


def _label(model: Any, o: Any) -> Any:
    if model.task == "regression":
        return float(o)
    c = model.classes[int(o)]
    return c.item() if isinstance(c, np.generic) else c

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

from .._errors import TeacherError
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
    pred = np.asarray(teacher.predict(model.domain.decode(Z)))
    if model.task == "regression":
        return pred.astype(float)
    index = {(c.item() if isinstance(c, np.generic) else c): i for i, c in enumerate(model.classes)}
    out = np.empty(len(pred), dtype=np.int64)
    for i, v in enumerate(pred):
        key = v.item() if isinstance(v, np.generic) else v
        if key not in index:
            raise TeacherError(f"the teacher predicts class {key!r}, which the model does not know "
                               f"(model classes: {list(index)}); is it the teacher the model was distilled from, "
                               "its classes named as the model's (sd.as_teacher(teacher, classes=[...]); on the "
                               f"command line: {classes_flag(model.classes)})?")
        out[i] = index[key]
    return out


def wrap_teacher(teacher: Any, model: Any) -> Teacher:
    """``as_teacher`` told the model's task and classes, so that a few rows cannot mislead inference."""
    if isinstance(teacher, Teacher):
        return teacher
    if model.task == "classification":
        return as_teacher(teacher, task="classification", classes=model.classes)
    return as_teacher(teacher, task="regression")


def check_on_teacher(model: Any, q: Question, Z: np.ndarray, teacher: Any, *, budget: int = 2000,
                     random_state: int | None = 0, point: np.ndarray | None = None,
                     judge: Callable[[Any], Question] | None = None) -> TeacherCheck:
    """Classify a counterexample ``Z`` (encoded rows) as a teacher violation or an artefact.

    A property about one given ``point`` (robustness: every input near it gets its prediction)
    holds for the teacher when the teacher answers near the point as it answers *at* it, whatever
    the model answers there: ``judge`` turns the teacher's answer at ``point`` (encoded) into the
    question that judges the teacher, while ``q`` (the model's) still picks where to search."""
    t = teacher if isinstance(teacher, Teacher) else wrap_teacher(teacher, model)
    before = t.n_queries
    tq, at_point = q, None
    if point is not None and judge is not None:
        p_out = teacher_outputs(t, model, point[None, :])[0]
        tq, at_point = judge(p_out), _label(model, p_out)
    t_out = teacher_outputs(t, model, Z)
    shown = tuple(_label(model, o) for o in t_out)
    if tq.violated(Z, t_out)[0]:
        return TeacherCheck("teacher violation", shown, queries=t.n_queries - before, rows=Z, point_output=at_point)
    cand = _neighbourhood(model, q, Z, budget, random_state)
    found, found_out = None, ()
    if len(cand):
        from .exact import outputs

        c_out = teacher_outputs(t, model, cand)
        bad = np.nonzero(tq.violated(cand, c_out))[0]
        if bad.size:
            k = int(bad[0])
            rows = cand[k:k + 1] if q.kind == "formula" else cand[2 * k:2 * k + 2]
            found = Counterexample.from_encoded(rows, [_label(model, o) for o in outputs(model, rows)], model.domain)
            found_out = tuple(_label(model, o) for o in teacher_outputs(t, model, rows))
    else:
        cand = np.empty((0, Z.shape[1]))
    return TeacherCheck("artefact", shown, found, found_out, t.n_queries - before, cand, at_point)


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

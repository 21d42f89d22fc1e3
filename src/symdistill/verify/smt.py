"""The SMT backend: models and properties encoded for the z3 solver, in exact rational arithmetic.

An independent second way to decide every tabular property (the tests cross-check it with the
direct checkers), and the way to decide what those do not cover: constraints relating several
features (``x1 + x2 <= 1``), softmax and product terms in linear models, relational properties of
linear classifiers.

Inputs are floats, so the encoding keeps float semantics exactly: every threshold ``t`` that the
model tests on a feature adds ``x <= t or x >= nextafter(t, inf)`` (no float lies in between), and
every other bound is a float closed on both sides. A satisfying assignment is then rounded to the
nearest floats without leaving any region, and the caller re-checks it with ``predict``.

``margin`` moves every comparison the property makes on sums of weighted values away from its
tie: a positive margin keeps a violation that far from every tie (so floating point decides it the
same way), a negative one relaxes each comparison by that much (a linear classifier may then give
any class whose score is within the margin of the best), which finds the points where floating
point could break a property that holds exactly.

Needs the ``z3-solver`` package (``pip install 'symdistill[smt]'``).
"""

from __future__ import annotations

import math
import time
from fractions import Fraction
from typing import Any

import numpy as np

from . import formula as F
from .exact import Unsupported, form_of
from .result import NoVerdict, VerificationTimeout

MOST_MS = 2**32 - 1  # z3's timeout is an unsigned count of milliseconds


def _z3() -> Any:
    try:
        import z3
    except ImportError:
        raise ImportError("the z3 backend needs the z3-solver package: pip install 'symdistill[smt]'") from None
    return z3


class _Fresh:
    """z3 with a context of its own, made for one check. In z3's one shared context, terms carry ids
    from every earlier check and the solver's search follows them, so the same question got another
    counterexample each time it was asked in a process (and a teacher check, which starts there, a
    teacher violation one call and an artefact the next). Constructors take the context; the rest
    of the module (And, If, sat, ...) is z3's, reading the context off the terms it is given."""

    def __init__(self, z3: Any) -> None:
        self._z3 = z3
        self.ctx = z3.Context()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._z3, name)

    def Real(self, name: str) -> Any:  # noqa: N802 - z3's names
        return self._z3.Real(name, self.ctx)

    def Int(self, name: str) -> Any:  # noqa: N802
        return self._z3.Int(name, self.ctx)

    def RealVal(self, v: Any) -> Any:  # noqa: N802
        return self._z3.RealVal(v, self.ctx)

    def IntVal(self, v: Any) -> Any:  # noqa: N802
        return self._z3.IntVal(v, self.ctx)

    def BoolVal(self, v: bool) -> Any:  # noqa: N802
        return self._z3.BoolVal(v, self.ctx)

    def Solver(self) -> Any:  # noqa: N802
        return self._z3.Solver(ctx=self.ctx)


def _solver() -> tuple[Any, Any]:
    """A fresh context's z3 and a solver in it: each check decides alike whatever ran before."""
    z3 = _Fresh(_z3())
    return z3, z3.Solver()


def _q(z3: Any, v: float) -> Any:
    fr = Fraction(float(v))
    return z3.RealVal(f"{fr.numerator}/{fr.denominator}")


class Encoding:
    """One copy of the input variables with the domain's constraints, and the model's output on them."""

    def __init__(self, model: Any, z3: Any, solver: Any, tag: str, margin: float = 0.0) -> None:
        self.z3 = z3
        self.model = model
        self.margin = margin
        dom = model.domain
        self.tag = tag
        self.x: list[Any] = []
        for j, f in enumerate(dom.features):
            v = z3.Real(f"{tag}_{j}")
            self.x.append(v)
            if f.is_categorical:
                solver.add(z3.IsInt(v), v >= 0, v <= len(f.categories) - 1)
            else:
                solver.add(v >= _q(z3, f.lower), v <= _q(z3, f.upper))
                if f.kind in ("integer", "binary"):
                    solver.add(z3.IsInt(v))
        self.solver = solver
        self.out = self._output()

    # -- the model's output -----------------------------------------------------------------------
    def _gap(self, j: int, t: float) -> None:
        """No float lies strictly between ``t`` and its successor: exclude that open interval."""
        z3 = self.z3
        self.solver.add(z3.Or(self.x[j] <= _q(z3, t), self.x[j] >= _q(z3, float(np.nextafter(t, math.inf)))))

    def _leaf(self, value: Any) -> Any:
        z3 = self.z3
        return _q(z3, float(value)) if self.model.task == "regression" else z3.IntVal(int(value))

    def _output(self) -> Any:
        form = form_of(self.model)
        if form == "tree":
            return self._tree()
        if form == "rules":
            return self._rules()
        if form == "linear":
            return self._linear()
        raise Unsupported(f"the z3 backend encodes tabular models, not {form}")

    def _tree(self) -> Any:
        t, z3 = self.model, self.z3
        expr: dict[int, Any] = {}
        order: list[int] = []
        stack = [0]
        while stack:  # parents before children; built in reverse so children exist first
            i = stack.pop()
            order.append(i)
            if t.children_left[i] >= 0:
                stack += [int(t.children_left[i]), int(t.children_right[i])]
        for i in reversed(order):
            if t.children_left[i] < 0:
                expr[i] = self._leaf(t.value[i, 0] if t.task == "regression" else t.leaf_class[i])
                continue
            j = int(t.feature[i])
            cats = t.left_categories[i]
            if cats is None:
                thr = float(t.threshold[i])
                self._gap(j, thr)
                cond = self.x[j] <= _q(z3, thr)
            else:
                cond = z3.Or([self.x[j] == int(c) for c in cats]) if len(cats) else z3.BoolVal(False)
            expr[i] = z3.If(cond, expr[int(t.children_left[i])], expr[int(t.children_right[i])])
        return expr[0]

    def _rules(self) -> Any:
        rs, z3 = self.model, self.z3
        out = self._leaf(rs.default.prediction)
        for rule in reversed(rs.rules):
            conds = []
            for c in rule.conditions:
                x = self.x[c.feature]
                if c.op in ("<=", ">"):
                    self._gap(c.feature, c.value)
                    le = x <= _q(z3, c.value)
                    conds.append(le if c.op == "<=" else z3.Not(le))
                else:
                    hit = z3.Or([x == int(k) for k in sorted(c.value)]) if c.value else z3.BoolVal(False)
                    conds.append(hit if c.op == "in" else z3.Not(hit))
            out = z3.If(z3.And(conds) if conds else z3.BoolVal(True), self._leaf(rule.prediction), out)
        return out

    def scores(self) -> list[Any]:
        """A linear model's score rows as exact linear (or product) expressions."""
        m, z3 = self.model, self.z3
        rows = []
        for r in range(m.n_outputs):
            s = _q(z3, m.intercept[r])
            for t, w in zip(m.terms, m.coef[r]):
                if w != 0:
                    s = s + _q(z3, w) * self._term(t)
            rows.append(s)
        return rows

    def _term(self, t: Any) -> Any:
        z3 = self.z3
        val = None
        for f in t.factors:
            x = self.x[f.feature]
            if f.category is not None:
                v = z3.If(x == int(f.category), z3.RealVal(1), z3.RealVal(0))
            elif f.knot is None:
                v = x
            else:
                d = f.direction * (x - _q(z3, f.knot))
                v = z3.If(d > 0, d, z3.RealVal(0))
            val = v if val is None else val * v
        return val

    def _linear(self) -> Any:
        m, z3 = self.model, self.z3
        s = self.scores()
        if m.task == "regression":
            return s[0]
        if self.margin < 0:
            return self._any_close_class(s, _q(z3, -self.margin))
        if self.margin:
            # Keep away from ties, so that float evaluation of the scores decides the same way.
            eps = _q(z3, self.margin)
            diffs = [s[0]] if m.link == "logistic" else [s[c] - s[k] for c in range(len(s)) for k in range(c)]
            for dlt in diffs:
                self.solver.add(z3.Or(dlt >= eps, dlt <= -eps))
        if m.link == "logistic":
            return z3.If(s[0] > 0, z3.IntVal(1), z3.IntVal(0))
        # argmax, the first index on ties (as numpy): class c wins when it beats every earlier
        # class strictly and every later one or ties it.
        out = z3.IntVal(len(s) - 1)
        for c in range(len(s) - 2, -1, -1):
            wins = z3.And([s[c] >= s[k] for k in range(c + 1, len(s))])
            out = z3.If(wins, z3.IntVal(c), out)
        return out

    def _any_close_class(self, s: list[Any], slack: Any) -> Any:
        """A class whose score is within ``slack`` of the best (logistic: of the tie at 0)."""
        z3 = self.z3
        out = z3.Int(f"{self.tag}_class")
        if self.model.link == "logistic":
            self.solver.add(z3.Or(z3.And(out == 1, s[0] >= -slack), z3.And(out == 0, s[0] <= slack)))
        else:
            self.solver.add(z3.Or([z3.And(out == c, *[s[c] >= s[k] - slack for k in range(len(s)) if k != c])
                                   for c in range(len(s))]))
        return out

    # -- formulas ---------------------------------------------------------------------------------
    def formula(self, f: F.Formula) -> Any:
        z3 = self.z3
        if isinstance(f, F.BConst):
            return z3.BoolVal(f.value)
        if isinstance(f, F.BAnd):
            return z3.And([self.formula(i) for i in f.items])
        if isinstance(f, F.BOr):
            return z3.Or([self.formula(i) for i in f.items])
        if isinstance(f, F.FeatureRange):
            return _within(z3, self.x[f.j], f.lo, f.hi)
        if isinstance(f, F.CategorySet):
            return z3.Or([self.x[f.j] == int(c) for c in sorted(f.codes)]) if f.codes else z3.BoolVal(False)
        if isinstance(f, F.ClassSet):
            return z3.Or([self.out == int(c) for c in sorted(f.classes)]) if f.classes else z3.BoolVal(False)
        if isinstance(f, F.ValueRange):
            return _within(z3, self.out, f.lo + self.margin, f.hi - self.margin)
        s = _q(z3, f.const)
        for j, c in enumerate(f.coef):
            if c != 0:
                s = s + _q(z3, c) * self.x[j]
        if f.pred_coef != 0:
            s = s + _q(z3, f.pred_coef) * self.out
        if self.margin < 0 and f.op == "==":
            return z3.And(s <= -_q(z3, self.margin), s >= _q(z3, self.margin))
        if self.margin and f.op != "==":
            return s <= -_q(z3, self.margin)
        return {"<": s < 0, "<=": s <= 0, "==": s == 0}[f.op]

    def values(self, m: Any) -> np.ndarray:
        """The satisfying assignment as the nearest float row."""
        row = np.empty(len(self.x))
        for j, v in enumerate(self.x):
            val = m.eval(v, model_completion=True)
            row[j] = float(val.as_fraction()) if hasattr(val, "as_fraction") else float(val.as_long())
        return row


def _within(z3: Any, v: Any, lo: float, hi: float) -> Any:
    if lo == math.inf or hi == -math.inf:  # beyond the largest double (x > 1.7976931348623157e308): no value
        return z3.BoolVal(False)
    parts = []
    if lo > -math.inf:
        parts.append(v >= _q(z3, lo))
    if hi < math.inf:
        parts.append(v <= _q(z3, hi))
    return z3.And(parts) if parts else z3.BoolVal(True)


def _solve(solver: Any, encodings: list[Encoding], deadline: float | None = None) -> np.ndarray | None:
    """The satisfying rows, or None (unsat). ``deadline`` (a ``time.perf_counter()`` time, or None: no
    limit): the solver gets the time left until then, so every check of one ``verify`` call shares its
    ``timeout=``; none left, or z3 out of it ("unknown", reason "timeout" or "canceled"), raises
    :class:`VerificationTimeout`. z3 has no limit of its own, and a 26-class softmax ran for minutes."""
    z3 = _z3()
    if deadline is not None:
        left = deadline - time.perf_counter()
        if left <= 0:
            raise VerificationTimeout("the time ran out before z3 began to search")
        solver.set("timeout", min(MOST_MS, max(1, math.ceil(1000 * left))))
    res = solver.check()
    if res == z3.unsat:
        return None
    if res != z3.sat:
        reason = solver.reason_unknown()
        if deadline is not None and reason in ("timeout", "canceled"):
            raise VerificationTimeout(f"z3 answered unknown ({reason}) when the time limit ran out")
        # (non-linear arithmetic of a constraint's products, say): no verdict, as a timeout is, where a
        # RuntimeError escaped symdistill verify as a traceback and sd.report as a crash
        raise NoVerdict(f"z3 could not decide the property (it answered {res}: {reason})")
    m = solver.model()
    return np.vstack([e.values(m) for e in encodings])


def check_formula(model: Any, violation: F.Formula, margin: float = 0.0, avoid: tuple[np.ndarray, ...] = (),
                  deadline: float | None = None) -> tuple[np.ndarray | None, int]:
    """A row that violates the formula, or None; ``avoid``: rows whose integer, binary and category
    values are not to be taken all together again; ``deadline``: see :func:`_solve` (so for every check)."""
    z3, s = _solver()
    e = Encoding(model, z3, s, "x", margin)
    s.add(e.formula(violation))
    discrete = [j for j, f in enumerate(model.domain.features) if f.kind != "numeric"]
    for row in avoid:
        s.add(z3.Or([e.x[j] != _q(z3, float(row[j])) for j in discrete]))
    return _solve(s, [e], deadline), 1


def _pair(model: Any, other: Any = None, margin: float = 0.0) -> tuple[Any, Encoding, Encoding]:
    z3, s = _solver()
    return s, Encoding(model, z3, s, "a", margin), Encoding(other if other is not None else model, z3, s, "b", margin)


def check_monotonic(model: Any, j: int, increasing: bool, target: int | None, margin: float = 0.0,
                    deadline: float | None = None) -> tuple[np.ndarray | None, int]:
    s, a, b = _pair(model, margin=margin)
    z3 = a.z3
    for k in range(len(a.x)):
        s.add(a.x[k] == b.x[k] if k != j else a.x[k] < b.x[k])
    if target is None:
        gap = _q(z3, margin)
        s.add(a.out > b.out + gap if increasing else a.out + gap < b.out)
    elif increasing:
        s.add(a.out == target, b.out != target)
    else:
        s.add(a.out != target, b.out == target)
    return _solve(s, [a, b], deadline), 2


def check_invariant(model: Any, free: np.ndarray, margin: float = 0.0,
                    deadline: float | None = None) -> tuple[np.ndarray | None, int]:
    s, a, b = _pair(model, margin=margin)
    for k in range(len(a.x)):
        if not free[k]:
            s.add(a.x[k] == b.x[k])
    s.add(_differ(a, b, margin))
    return _solve(s, [a, b], deadline), 2


def _differ(a: Encoding, b: Encoding, margin: float) -> Any:
    z3 = a.z3
    if a.model.task == "regression" and margin:
        return z3.Or(a.out - b.out >= _q(z3, margin), b.out - a.out >= _q(z3, margin))
    return a.out != b.out


def check_equivalent(model: Any, other: Any, margin: float = 0.0,
                     deadline: float | None = None) -> tuple[np.ndarray | None, int]:
    s, a, b = _pair(model, other, margin)
    z3 = a.z3
    for k in range(len(a.x)):
        s.add(a.x[k] == b.x[k])
    if model.task == "regression":
        s.add(_differ(a, b, margin))
    else:
        # Outputs are class indices into each model's own classes: compare the labels.
        lb = {(c.item() if isinstance(c, np.generic) else c): i for i, c in enumerate(other.classes)}
        same = []
        for i, c in enumerate(model.classes):
            key = c.item() if isinstance(c, np.generic) else c
            if key in lb:
                same.append(z3.And(a.out == i, b.out == lb[key]))
        s.add(z3.Not(z3.Or(same)) if same else z3.BoolVal(True))
    return _solve(s, [a, b], deadline), 2

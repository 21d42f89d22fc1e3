"""``verify``: decide a constraint on a symbolic model, exactly, with a checked counterexample."""

from __future__ import annotations

import dataclasses
import itertools
import math
import time
from typing import Any

import numpy as np

from ..domain import _plain
from ..learners.base import check_random_state
from . import exact, smt
from . import formula as F
from . import properties as P
from .result import Counterexample, NoVerdict, RoundingAmbiguity, Verdict, VerificationTimeout
from .teacher import Question, check_on_teacher, in_domain

BACKENDS = ("auto", "direct", "z3")
NEAR_TIE_TRIES = 64  # relaxed violations _near_tie tries, each with other integer and category values
NEAR_TIE_GRID = 65536  # most inputs of a domain without numeric features that _near_tie checks one by one


def verify(model: Any, constraint: str | P.Property, *, backend: str = "auto", teacher: Any = None,
           search_budget: int = 2000, random_state: int | None = 0, timeout: float | None = None) -> Verdict:
    """Decide whether ``constraint`` holds for ``model`` on its whole domain.

    Parameters
    ----------
    model : Tree, RuleSet, LinearModel, DFA or MooreMachine
        The domain is ``model.domain``: the observed bounds of each feature, integer and binary
        features integral, categorical features one of their categories.
    constraint : str or property
        Constraint text (see :mod:`symdistill.verify.language`), or a property built with
        ``sd.monotonic``, ``sd.invariant``, ``sd.output_range``, ``sd.robust``, ``sd.equivalent``,
        ``sd.never_accepts``, ``sd.always_accepts``, ``sd.included_in`` (DFAs), ``sd.never_outputs``,
        ``sd.always_outputs`` (Moore machines).
    backend : {"auto", "direct", "z3"}
        "direct": region / bound reasoning; "z3": the SMT encoding; "auto": direct when it covers
        the question, else z3, and z3 again where direct has no verdict (a ``RoundingAmbiguity``;
        ``Verdict.backend`` says which decided).
    teacher : optional
        A teacher (anything ``sd.as_teacher`` takes). When given, a counterexample is evaluated on it
        and classified as a teacher violation or a distillation artefact (``Verdict.teacher``).
    search_budget : int
        Most teacher queries of the search for a teacher violation near an artefact.
    random_state : int or None
        Seed of that search.
    timeout : float or None
        Seconds, counted from the call, that z3 may take in all: each of its checks (the property's,
        the rounding checks', the vacuity check's) gets the time left. Where z3 answers "unknown" for
        want of time, :class:`VerificationTimeout` (a :class:`NoVerdict`) is raised naming the
        constraint and the limit; a vacuity check out of time leaves ``vacuous`` None and the verdict
        stands. The direct checkers and automata, which do not search, are not cut short. None (the
        default): no limit, as z3's own default, so that a verdict does not depend on the machine's
        speed; a softmax over many features can then take minutes.

    Returns
    -------
    Verdict
        ``holds`` (exact), ``counterexample`` (checked against ``model.predict``), ``seconds``,
        ``backend``, ``constraint``.

    Examples
    --------
    >>> import numpy as np, symdistill as sd
    >>> X = np.random.default_rng(0).uniform(0, 100, size=(500, 2))
    >>> tree = sd.distill(lambda X: (X[:, 0] > 50).astype(int), X, max_size=2, random_state=0,
    ...                   feature_names=["age", "income"])
    >>> sd.verify(tree, "age <= 40 -> prediction == 0").holds
    True
    >>> v = sd.verify(tree, "prediction == 0")
    >>> v.holds, v.counterexample.outputs
    (False, (1,))
    """
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {BACKENDS}, got {backend!r}")
    if not isinstance(search_budget, (int, np.integer)) or isinstance(search_budget, bool) or search_budget < 0:
        raise ValueError(f"search_budget must be a non-negative integer, got {search_budget!r}")
    check_random_state(random_state)
    check_timeout(timeout)
    if teacher is not None:
        from ..api import concept_layer

        layer = concept_layer(model)
        if layer is not None:
            raise ValueError(f"teacher checks put a counterexample to the network, but these are concept rules: "
                             f"their rows are activations of hidden layer {layer!r}, not the network's inputs; "
                             "verify them without teacher=")
    prop = _default_target_named(getattr(model, "task", None), getattr(model, "classes", None),
                                 P.as_property(constraint))
    form = exact.form_of(model)
    t0 = time.perf_counter()
    if form in ("dfa", "moore"):
        if backend == "z3":
            raise ValueError("the z3 backend covers tabular models; automata are decided by product construction "
                             "(backend='direct' or 'auto')")
        if teacher is not None:
            raise ValueError("teacher checks apply to tabular models; check an automaton's counterexample word "
                             "on the sequence teacher directly")
        holds, word, checked = _automaton(model, prop) if form == "dfa" else _moore(model, prop)
        seconds = time.perf_counter() - t0
        if word is None:
            ce = None
        elif form == "dfa":
            ce = Counterexample((), (bool(model.accepts(word)),), word=word)
        elif isinstance(prop, P.Equivalent):  # both machines' labels on the word, each from its own run
            ce = Counterexample((), (model.output(word), prop.other.output(word)), word=word, what="outputs")
        else:
            ce = Counterexample((), (model.output(word),), word=word, what="output")
        return Verdict(holds, ce, seconds, "direct", prop.describe(), repr(model), checked)
    if teacher is not None:  # refused whatever the verdict would be
        _refuse_teacher_check(prop)
    q, other = _question(prop, model.domain, model.task, getattr(model, "classes", None), model)
    deadline = None if timeout is None else t0 + float(timeout)
    try:
        Z, checked, used = _decide(model, q, other, backend, deadline)
    except VerificationTimeout as exc:
        raise VerificationTimeout(
            f"no verdict on {prop.describe()} within timeout={timeout!r} s: {exc}; the property may hold or "
            f"not. Give a larger timeout= (None: no limit), or verify a smaller model (fewer terms, features or "
            f"classes){_direct_hint(backend)}", prop.describe(), timeout) from None
    if Z is None:
        vacuous, note = _vacuity(model, prop, backend, deadline) if isinstance(prop, P.Formula) else (None, "")
        return Verdict(True, None, time.perf_counter() - t0, used, prop.describe(), repr(model), checked,
                       vacuous=vacuous, vacuity=note)
    seconds = time.perf_counter() - t0
    outs = exact.outputs(model, Z[:1]) if q.kind == "equivalent" else exact.outputs(model, Z)
    labels = [_label(model, o) for o in outs]
    if q.kind == "equivalent":
        labels.append(_label(other, exact.outputs(other, Z[:1])[0]))
    ce = Counterexample.from_encoded(Z, labels, model.domain)
    check = None
    if teacher is not None:
        robust = {}
        if isinstance(prop, P.Robust):  # the teacher is robust when it answers near the point as at it
            dom, classes = model.domain, getattr(model, "classes", None)
            robust = dict(point=prop.centre(dom),
                          judge=lambda out: Question("formula", prop.violations(dom, model.task, classes, out)))
        check = check_on_teacher(model, q, Z, teacher, budget=int(search_budget), random_state=random_state,
                                 **robust)
    return Verdict(False, ce, seconds, used, prop.describe(), repr(model), checked, check)


def check_timeout(timeout: Any, name: str = "timeout") -> None:
    """Refuse a ``timeout=`` that is not None or a positive, finite number of seconds (a bool, text, 0,
    NaN, inf), naming ``name``."""
    number = isinstance(timeout, (int, float, np.integer, np.floating)) and not isinstance(timeout, (bool, np.bool_))
    if timeout is None or number and 0 < timeout < math.inf:
        return
    raise ValueError(f"{name} must be a positive number of seconds, or None for no limit, got {timeout!r}")


def _direct_hint(backend: str) -> str:
    """What a timeout under ``backend="z3"`` may leave untried: the direct checkers."""
    return "; backend='auto' tries the direct checkers first, which do not search" if backend == "z3" else ""


def _vacuity(model: Any, prop: P.Formula, backend: str, deadline: float | None = None) -> tuple[bool | None, str]:
    """Whether a constraint that holds holds only vacuously: for each implication it states at its top
    level, the premise's inputs are searched for as a violation would be (same backend, confirmed by
    ``predict``). (True and a note naming every premise no input of the domain meets, with the bounds
    of the features it names), (False, "") when every premise is met, else (None, ""): no implication,
    or a premise undecided (the direct checker does not cover it, no z3, within rounding of a tie, z3 out of
    the time left before ``deadline``)."""
    dom = model.domain
    met: list[bool | None] = []
    notes = []
    for premise, text, features in F.bind_premises(prop.text, dom, model.task, getattr(model, "classes", None)):
        try:
            Z, _, _ = _decide(model, Question("formula", premise), None, backend, deadline)
        except (NotCovered, NoVerdict, ImportError):
            met.append(None)
            continue
        met.append(Z is not None)
        if Z is None:
            bounds = ", ".join(_domain_text(dom.features[j]) for j in features)
            where = f" (the domain has {bounds})" if bounds else ""
            notes.append(f"no input in the model's domain meets {text}{where}")
    if notes:
        return True, "; ".join(notes)
    return (False, "") if met and all(met) else (None, "")


def _domain_text(f: Any) -> str:
    """A feature's domain as the vacuity note names it: ``age in [18, 90]``, ``colour in {'red', 'blue'}``."""
    if f.is_categorical:
        return f"{f.display_name} in {{{', '.join(repr(_plain(c)) for c in f.categories)}}}"
    if f.kind in ("integer", "binary"):
        return f"{f.display_name} in [{int(f.lower)}, {int(f.upper)}]"
    return f"{f.display_name} in [{float(f.lower)!r}, {float(f.upper)!r}]"


def check_constraint(constraint: Any, domain: Any, task: str, classes: Any = None, *, teacher: bool = False) -> None:
    """Raise what :func:`verify` would raise about ``constraint`` on a tabular model over ``domain`` of
    ``task`` and ``classes``, before there is a model (``sd.frontier`` checks its constraints so before
    the first fit): a feature, class or target unknown, a property of another task or of automata, a
    point of ``sd.robust`` outside the domain. ``teacher``: verified with ``teacher=``, which equivalence
    does not take.

    >>> import numpy as np, symdistill as sd
    >>> from symdistill.domain import Domain
    >>> check_constraint(sd.monotonic("x9"), Domain.from_data(np.zeros((2, 2))), "regression")
    Traceback (most recent call last):
    ...
    symdistill._errors.DataError: monotonic: unknown feature 'x9' (features: 'x0', 'x1')
    """
    prop = _default_target_named(task, classes, P.as_property(constraint))
    if teacher:
        _refuse_teacher_check(prop)
    if isinstance(prop, P.Robust):  # its question needs the model's output at the point: the point is checked
        prop.check_task(task)
        prop.check_ball(domain, prop.centre(domain), prop.moving(domain))
    else:
        _question(prop, domain, task, classes, None)


def _refuse_teacher_check(prop: P.Property) -> None:
    if isinstance(prop, P.Equivalent):
        raise ValueError("teacher checks apply to properties of one model, not to equivalence of two; verify "
                         "equivalence without teacher=")


def _question(prop: P.Property, dom: Any, task: str, classes: Any, model: Any) -> tuple[Question, Any]:
    """The question ``prop`` asks of a tabular model over ``dom`` of ``task`` and ``classes`` (``model``: the
    model, whose output at the point a robustness question needs), and the other model of an equivalence."""
    kind = "tabular" if model is None else model.kind  # as errors name the model
    if isinstance(prop, P.Formula):
        return Question("formula", prop.violations(dom, task, classes)), None
    if isinstance(prop, P.OutputRange):
        return Question("formula", prop.violations(dom, task, classes)), None
    if isinstance(prop, P.Robust):
        c = prop.centre(dom)
        centre_out = exact.outputs(model, c[None, :])[0]
        return Question("formula", prop.violations(dom, task, classes, centre_out)), None
    if isinstance(prop, P.Monotonic):
        j = F.feature_index(dom, prop.feature, "monotonic")
        if dom.features[j].is_categorical and not dom.is_ordered(j):
            # An ordered pandas Categorical is monotonic in its categories' order (their codes); an
            # unordered one (or categories named in an array's columns) has no order to follow.
            raise ValueError(f"monotonic: feature {prop.feature!r} is categorical and unordered: its categories "
                             "have no order; use a numeric, integer or binary feature, or an ordered pandas "
                             "Categorical (pd.Categorical(..., ordered=True))")
        return Question("monotonic", feature=j, increasing=prop.direction == "increasing",
                        target=_target(task, classes, prop.target)), None
    if isinstance(prop, P.Invariant):
        free = np.zeros(dom.n_features, dtype=bool)
        for name in prop.features:
            free[F.feature_index(dom, name, "invariant")] = True
        return Question("invariant", free=free), None
    if isinstance(prop, P.Equivalent):
        other = prop.other
        if exact.form_of(other) in ("dfa", "moore"):
            raise TypeError(f"equivalent: cannot compare a {kind} model with an automaton "
                            f"({type(other).__name__}); equivalence compares two tabular models or two automata "
                            "of one kind")
        if getattr(other, "domain", None) is None or other.domain.feature_names != dom.feature_names:
            raise ValueError("equivalent: both models must be over the same features, in the same order")
        for a, b in zip(dom.features, other.domain.features):
            # Equivalence is decided on one domain, and category codes only mean the same with the
            # same category list: differing bounds, kinds or categories would make "holds" vacuous.
            if a != b:
                raise ValueError(f"equivalent: the models' domains differ at feature {a.name!r} ({_feature_text(a)} vs "
                                 f"{_feature_text(b)}); compare models distilled over the same domain")
        if other.task != task:
            raise ValueError(f"equivalent: cannot compare a {task} model with a {other.task} model")
        return Question("equivalent"), other
    raise TypeError(f"{type(prop).__name__} applies to automata, not to a {kind} model")


def _feature_text(f: Any) -> str:
    if f.is_categorical:
        return f"categorical {list(f.categories)}"
    return f"{f.kind} in [{f.lower:g}, {f.upper:g}]"


def _default_target_named(task: str | None, classes: Any, prop: Any) -> Any:
    """A binary classifier's monotonicity without ``target`` is about its last class, a one-class
    model's (a constant teacher's tree) about its class: name that class, so the verdict says which
    class is monotonic ("prediction == 'deny' is monotonically ...")."""
    if not isinstance(prop, P.Monotonic) or prop.target is not None or task != "classification":
        return prop
    labels = [c.item() if isinstance(c, np.generic) else c for c in classes]
    return dataclasses.replace(prop, target=labels[-1]) if len(labels) <= 2 else prop


def _target(task: str, classes: Any, target: Any) -> int | None:
    if task == "regression":
        if target is not None:
            raise ValueError("monotonic: 'target' names a class; a regressor's value is used as is")
        return None
    labels = [c.item() if isinstance(c, np.generic) else c for c in classes]
    if target is None:
        if len(labels) > 2:
            raise ValueError(f"monotonic: a multi-class model needs target=<class>; classes are {labels}")
        return len(labels) - 1
    for i, c in enumerate(labels):
        if c == target and isinstance(c, str) == isinstance(target, str):
            return i
    raise ValueError(f"monotonic: unknown target class {target!r}{F.label_hint(target, labels)}; classes are {labels}")


class NotCovered(ValueError):
    """``backend="direct"`` on a question only the z3 encoding decides; ``reason`` says which part."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(f"the direct checker does not cover this: {reason}; use backend='z3' or 'auto'")


def _decide(model: Any, q: Question, other: Any, backend: str,
            deadline: float | None = None) -> tuple[np.ndarray | None, int, str]:
    """The violating row or pair (None: holds), how many regions were checked, and which backend decided;
    ``deadline``: when z3's time runs out (see :func:`~symdistill.verify.smt._solve`)."""
    if backend in ("auto", "direct"):
        try:
            Z, checked = _ask(exact, model, q, other)
        except exact.Unsupported as exc:
            if backend == "direct":
                raise NotCovered(str(exc)) from None
        else:
            if (Z is None or not _valid(model, q, other, Z)) and not _in_floats_only(model, q):
                # holds, or a violation in exact arithmetic only
                near = None if Z is None else _float_neighbour(model, q, other, Z)
                decided, found = _in_floats(model, q) if near is None else (True, near)
                Z = found if decided else Z
            try:
                _confirm(model, q, other, Z, "direct")
                return Z, checked, "direct"
            except RoundingAmbiguity as ambiguity:
                if backend == "direct":
                    raise
                # auto: the direct checker tried one point for the other features; the SMT encoding
                # searches the whole domain for a violation predict confirms before there is no verdict.
                try:
                    return _decide(model, q, other, "z3", deadline)
                except ImportError:  # no z3: the direct checker's answer stands
                    raise ambiguity from None
    Z, checked = _ask(smt, model, q, other, deadline=deadline)
    if Z is None:
        # Holds in exact arithmetic; floating-point predict can still break it within rounding of a
        # tie (an exact maximum just below a bound that rounds onto it), as the direct checker finds.
        decided, found = _in_floats(model, q)
        return (found if decided else _near_tie(model, q, other, deadline)), checked, "z3"
    if not _valid(model, q, other, Z):
        # z3 reads weights and arithmetic as exact rationals; its point may sit within rounding of a
        # tie that floating-point predict resolves the other way. Look for a float violation next to
        # it, then for one that keeps a small margin from every tie.
        near = _float_neighbour(model, q, other, Z)
        if near is not None:
            return near, checked, "z3"
        decided, found = _in_floats(model, q)
        if decided:
            return found, checked, "z3"
        found, checked = _ask(smt, model, q, other, margin=_margin(model, other), deadline=deadline)
        if found is None:
            raise RoundingAmbiguity(
                f"in exact arithmetic the property fails only within rounding of a tie (at {Z.tolist()}), where "
                "floating-point predict answers the other way; no violation that predict confirms was found, "
                f"and 'holds' is not proven for floating point either{_why_undecided(model, q)}")
        Z = found
        _confirm(model, q, other, Z, "z3")
    return Z, checked, "z3"


def _in_floats(model: Any, q: Question) -> tuple[bool, np.ndarray | None]:
    """A linear model's question decided in ``predict``'s own floating point (see
    :func:`~symdistill.verify.exact.float_formula`, ``float_monotonic``, ``float_invariant``): (True,
    the row or pair ``predict`` confirms, or None when no input violates it), or (False, None) where
    that cannot be decided. Exact arithmetic answers otherwise within rounding of a tie: at the
    centre of a radius-0 ball, whose exact score rounds to the value ``predict`` gives there, it
    found a violation that no input has; a weight of 1e-20 beside an intercept of 1 moves the exact
    score and never ``predict``'s."""
    if q.kind == "formula":
        return exact.float_formula(model, q.violation)
    if q.kind == "monotonic":
        return exact.float_monotonic(model, q.feature, q.increasing, q.target)
    if q.kind == "invariant":
        return exact.float_invariant(model, q.free)
    return False, None


def _in_floats_only(model: Any, q: Question) -> bool:
    """Whether the direct checker already decided ``q`` in ``predict``'s floats (a linear classifier's
    monotonicity and invariance, see :func:`~symdistill.verify.exact.in_floats_only`)."""
    return q.kind in ("monotonic", "invariant") and exact.form_of(model) == "linear" and exact.in_floats_only(model)


def _near_tie(model: Any, q: Question, other: Any, deadline: float | None = None) -> np.ndarray | None:
    """A violation that ``predict`` confirms where the property holds in exact arithmetic, or None:
    the property relaxed by a bound on floating-point rounding, then a float point next to the
    relaxed violation (every input, where there are few and none is numeric). Formulas over sums of
    weighted values only. Raises :class:`RoundingAmbiguity` where the relaxed violations tried do not
    exhaust them."""
    if q.kind != "formula" or not _real_arithmetic(model, q, other):
        return None
    dom = model.domain
    if all(f.kind != "numeric" for f in dom.features):
        # Few enough whole numbers and codes: predict decides at every input.
        every = exact._every_row(exact.Bounds.of(dom), list(range(dom.n_features)), NEAR_TIE_GRID)
        if every is not None:
            with np.errstate(over="ignore", invalid="ignore"):
                broken = np.nonzero(q.violated(every[0], exact.outputs(model, every[0])))[0]
            return every[0][broken[:1]] if len(broken) else None
    bound = _rounding(model, q.violation)
    if not np.isfinite(bound):
        # The weighted sums reach past the largest double on the domain: there predict's scores are
        # infinite or NaN (inf - inf), beyond any bound on rounding; look where they overflow, at the
        # domain's corners.
        with np.errstate(over="ignore", invalid="ignore"):
            return _float_neighbour(model, q, other, model.domain.lower[None, :])
    discrete = any(f.kind != "numeric" for f in model.domain.features)
    tried: list[np.ndarray] = []
    # The relaxed violations found may differ from predict's only in their integers and codes (several
    # categories moving a regressor's value onto c only in floating point): try others in turn.
    for _ in range(NEAR_TIE_TRIES if discrete else 1):
        Z, _ = smt.check_formula(model, q.violation, margin=-bound, avoid=tuple(tried), deadline=deadline)
        if Z is None or _valid(model, q, other, Z):
            return Z
        near = _float_neighbour(model, q, other, Z)
        if near is not None:
            return near
        tried.append(Z[0])
    if not discrete:
        return None
    raise RoundingAmbiguity(
        f"the property holds in exact arithmetic, but fails within the bound on rounding ({bound:.3g} here, from "
        f"the model's largest weighted sums) at more points than were tried: floating-point predict confirms none "
        f"of the {len(tried)} tried (the first {tried[0].tolist()}), and 'holds' is not proven for floating point")


def _rounding(model: Any, violation: F.Formula) -> float:
    """An upper bound on how far ``predict``'s floating-point scores and a constraint's sums can be
    from their exact values on the model's domain (a generous multiple of the standard bound); infinite
    where those sums can pass the largest double there, and rounding bounds nothing."""
    with np.errstate(over="ignore"):
        return _rounding_bound(model, violation)


def _rounding_bound(model: Any, violation: F.Formula) -> float:
    dom = model.domain
    reach = np.maximum(np.abs(dom.lower), np.abs(dom.upper))
    size, out = dom.n_features + 2, 1.0
    if exact.form_of(model) == "linear":
        terms = np.array([t.reach(dom) for t in model.terms]).reshape(-1)
        # Terms with a zero weight are not in predict's sums (one may reach past the floats: 0 * inf).
        sums = [float(np.abs(w[w != 0]) @ terms[w != 0]) for w in model.coef]
        out = float(np.max(np.abs(model.intercept) + sums))
        size += len(model.terms)
    elif model.task == "regression":
        leaves = model.value[:, 0] if exact.form_of(model) == "tree" else \
            [r.prediction for r in (*model.rules, model.default)]
        out = float(np.max(np.abs(np.asarray(leaves, dtype=float))))
    else:
        out = float(len(model.classes))
    total = out
    stack = [violation]
    while stack:
        f = stack.pop()
        if isinstance(f, F.LinearAtom):
            total = max(total, abs(f.const) + float(np.abs(f.coef) @ reach) + abs(f.pred_coef) * (out + 2))
        stack.extend(getattr(f, "items", ()))
    return 16.0 * size * float(np.finfo(float).eps) * (1.0 + total)


def _float_neighbour(model: Any, q: Question, other: Any, Z: np.ndarray) -> np.ndarray | None:
    """A point next to ``Z`` (each numeric coordinate moved a few ulps, or to a domain bound; or
    several at once to their bounds) that violates the property in floating point, or None. Single
    rows (formulas) only."""
    if q.kind != "formula" or len(Z) != 1:
        return None
    dom = model.domain
    numeric = [j for j, f in enumerate(dom.features) if f.kind == "numeric"]
    z = Z[0]
    options = []
    for j in numeric:
        col = {dom.lower[j], dom.upper[j]}
        up = down = z[j]
        for _ in range(4):
            up, down = np.nextafter(up, np.inf), np.nextafter(down, -np.inf)
            col |= {up, down}
        options.append((j, sorted(v for v in col if dom.lower[j] <= v <= dom.upper[j])))
    candidates = []
    for j, values in options:  # one coordinate at a time
        for v in values:
            c = z.copy()
            c[j] = v
            candidates.append(c)
    # then each kept or at a bound (an extreme of the score often sits at a corner), or all at one bound
    at_bounds = itertools.product(*[(z[j], dom.lower[j], dom.upper[j]) for j in numeric]) \
        if len(numeric) <= 6 else [dom.lower[numeric], dom.upper[numeric]]
    for values in at_bounds:
        c = z.copy()
        c[numeric] = values
        candidates.append(c)
    C = np.array(candidates).reshape(-1, len(z))
    hit = np.nonzero(q.violated(C, exact.outputs(model, C)))[0]
    return C[hit[:1]] if hit.size and _valid(model, q, other, C[hit[:1]]) else None


def _ask(backend: Any, model: Any, q: Question, other: Any, **kw: Any) -> tuple[np.ndarray | None, int]:
    if q.kind == "formula":
        return backend.check_formula(model, q.violation, **kw)
    if q.kind == "monotonic":
        return backend.check_monotonic(model, q.feature, q.increasing, q.target, **kw)
    if q.kind == "invariant":
        return backend.check_invariant(model, q.free, **kw)
    if backend is exact:
        return exact.check_equivalent(model, other)
    return smt.check_equivalent(model, other, **kw)


def _valid(model: Any, q: Question, other: Any, Z: np.ndarray) -> bool:
    if not in_domain(Z, model.domain):
        return False
    if q.kind == "equivalent":
        if not np.array_equal(Z[0], Z[1]):
            return False
        a = _label(model, exact.outputs(model, Z[:1])[0])
        b = _label(other, exact.outputs(other, Z[:1])[0])
        return bool(a != b)
    return bool(np.all(q.violated(Z, exact.outputs(model, Z))))


def _confirm(model: Any, q: Question, other: Any, Z: np.ndarray | None, backend: str) -> None:
    if Z is not None and not _valid(model, q, other, Z):
        if _real_arithmetic(model, q, other):
            raise RoundingAmbiguity(
                f"the {backend} checker finds a violation at {Z.tolist()} in exact arithmetic, but floating-point "
                f"predict answers the other way there (within rounding of a tie){_why_undecided(model, q)}; no verdict "
                "can be given")
        raise RuntimeError(f"internal error: the {backend} checker produced a counterexample that predict does not "
                           f"confirm ({Z.tolist()}); please report it")


def _why_undecided(model: Any, q: Question) -> str:
    """For a linear model's monotonicity or invariance, why floating point did not decide it either."""
    if q.kind not in ("monotonic", "invariant") or exact.form_of(model) != "linear":
        return ""
    moving = {q.feature} if q.kind == "monotonic" else {int(j) for j in np.nonzero(q.free)[0]}
    return "; " + exact.float_gap(model, moving)


def _real_arithmetic(model: Any, q: Question, other: Any) -> bool:
    """Whether a verdict involves sums of weighted values: a linear model, or arithmetic in the constraint."""
    if any(m is not None and exact.form_of(m) == "linear" for m in (model, other)):
        return True
    stack = [q.violation] if q.violation is not None else []
    while stack:
        f = stack.pop()
        if isinstance(f, F.LinearAtom):
            return True
        stack.extend(getattr(f, "items", ()))
    return False


def _margin(model: Any, other: Any) -> float:
    scale = 1.0 + float(np.max(np.abs(np.concatenate([model.domain.lower, model.domain.upper]))))
    weights = [np.max(np.abs(m.coef)) for m in (model, other) if m is not None and exact.form_of(m) == "linear"]
    return 1e-9 * scale * (1.0 + (max(weights) if weights else 0.0))


def _label(model: Any, o: Any) -> Any:
    if model.task == "regression":
        return float(o)
    c = model.classes[int(o)]
    return c.item() if isinstance(c, np.generic) else c


def _automaton(model: Any, prop: P.Property) -> tuple[bool, Any, int]:
    from ..models.automata import DFA, MooreMachine

    def lang(p: Any) -> DFA:
        if isinstance(p, MooreMachine):
            raise TypeError("cannot compare a DFA with a MooreMachine: a DFA compares with a DFA or a regular "
                            "expression, a Moore machine with another Moore machine")
        if isinstance(p, DFA):
            return p
        if isinstance(p, str):
            return DFA.from_regex(p, model.alphabet)
        raise TypeError(f"expected a regular expression (str) or a DFA, got {type(p).__name__}")

    if isinstance(prop, P.NeverAccepts):
        bad = model.intersection(lang(prop.pattern))
    elif isinstance(prop, P.AlwaysAccepts):
        bad = lang(prop.pattern).difference(model)
    elif isinstance(prop, P.IncludedIn):
        bad = model.difference(lang(prop.other))
    elif isinstance(prop, P.Equivalent):
        other = lang(prop.other)
        word = model.distinguishing_word(other)
        return word is None, word, model.size * other.size
    elif isinstance(prop, (P.NeverOutputs, P.AlwaysOutputs)):
        raise TypeError(f"{type(prop).__name__} applies to Moore machines; for a DFA use never_accepts, "
                        "always_accepts, included_in or equivalent")
    else:
        raise TypeError(f"{type(prop).__name__} applies to tabular models; for automata use never_accepts, "
                        "always_accepts, included_in or equivalent")
    word = bad.shortest_accepted()
    return word is None, word, bad.size


def _moore(model: Any, prop: P.Property) -> tuple[bool, Any, int]:
    """A Moore machine's properties: equivalence by the product of the two machines (breadth-first,
    so the word is a shortest one where their labels differ); "never / always outputs LABEL on a
    regular language" as never_accepts / always_accepts of the DFA accepting where it outputs LABEL."""
    from ..models.automata import DFA, MooreMachine

    if isinstance(prop, P.Equivalent):
        other = prop.other
        if not isinstance(other, MooreMachine):
            raise TypeError(f"equivalent: a MooreMachine compares with another MooreMachine (over the same "
                            f"alphabet), got {type(other).__name__}")
        word = model.distinguishing_word(other)  # checks the alphabets
        return word is None, word, model.size * other.size
    if not isinstance(prop, (P.NeverOutputs, P.AlwaysOutputs)):
        kind = "DFAs" if isinstance(prop, (P.NeverAccepts, P.AlwaysAccepts, P.IncludedIn)) else "tabular models"
        raise TypeError(f"{type(prop).__name__} applies to {kind}; for a MooreMachine use never_outputs, "
                        "always_outputs or equivalent")
    labels = model._labels()
    hits = [i for i, c in enumerate(labels) if c == prop.label and isinstance(c, str) == isinstance(prop.label, str)]
    if not hits:
        raise ValueError(f"{type(prop).__name__}: {prop.label!r} is not a label of the machine; its labels are {labels}")
    says = DFA(model.alphabet, model.transitions, model.outputs == hits[0], initial=model.initial)
    pattern = DFA.from_regex(prop.pattern, model.alphabet)
    bad = says.intersection(pattern) if isinstance(prop, P.NeverOutputs) else pattern.difference(says)
    word = bad.shortest_accepted()
    return word is None, word, bad.size

"""Exact checkers against the z3 backend and against brute force, on random trees, rule sets and
linear models over a mixed domain (numeric, integer, categorical, binary features).

For every random model and property: the direct checker and z3 agree; a reported counterexample
really violates the property under ``predict`` (judged by a plain-Python predicate written
independently of the checkers); and whenever brute force over a dense grid finds a violation, the
property is not reported as holding.
"""

from __future__ import annotations

import itertools
from fractions import Fraction
import warnings
from typing import Any, Callable

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import symdistill as sd
from symdistill.domain import ORDERED_CATEGORY, Domain, Feature
from symdistill.models import Tree
from symdistill.models.linear import LinearModel, Term
from symdistill.models.rules import Condition, Rule, RuleSet

pytest.importorskip("z3")

DOM = Domain((Feature("x0", "numeric", 0.0, 4.0), Feature("x1", "integer", 0.0, 5.0),
              Feature("x2", "categorical", 0.0, 2.0, ("p", "q", "r")), Feature("x3", "binary", 0.0, 1.0)))
CLASSES = np.array(["a", "b", "c"])
T0 = [0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5]
T1 = [0.5, 1.0, 2.0, 2.5, 3.0, 4.0]
VALUES = [-1.0, 0.0, 1.0, 2.5]
# Fixed examples, so CI is repeatable (set derandomize=False locally to explore new ones).
SETTINGS = settings(max_examples=30, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])


def grid() -> np.ndarray:
    """Encoded rows on every threshold, its float neighbours, the bounds and between."""
    x0 = sorted({v for t in T0 + [0.0, 4.0] for v in (t, np.nextafter(t, -9), np.nextafter(t, 9))
                 if 0.0 <= v <= 4.0} | {0.25 + 0.5 * i for i in range(8)})
    return np.array(list(itertools.product(x0, range(6), range(3), range(2))), dtype=float)


GRID = grid()


# -- random models ------------------------------------------------------------------------------
def draw_tree(data: Any, task: str) -> Tree:
    left: list[int] = []
    right: list[int] = []
    feat: list[int] = []
    thr: list[float] = []
    cats: list[list[int] | None] = []
    vals: list[list[float]] = []

    def leaf_value() -> list[float]:
        if task == "regression":
            return [data.draw(st.sampled_from(VALUES))]
        v = [0.0, 0.0, 0.0]
        v[data.draw(st.integers(0, 2))] = 1.0
        return v

    def node(depth: int) -> int:
        i = len(left)
        left.append(-1)
        right.append(-1)
        feat.append(-1)
        thr.append(0.0)
        cats.append(None)
        vals.append(leaf_value())
        if depth < 4 and data.draw(st.booleans()):
            j = data.draw(st.integers(0, 3))
            feat[i] = j
            if j == 2:
                cats[i] = sorted(data.draw(st.sets(st.integers(0, 2), min_size=1, max_size=2)))
            else:
                thr[i] = data.draw(st.sampled_from({0: T0, 1: T1, 3: [0.5]}[j]))
            left[i] = node(depth + 1)
            right[i] = node(depth + 1)
        return i

    node(0)
    return Tree(DOM, task, CLASSES if task == "classification" else None, children_left=left, children_right=right,
                feature=feat, threshold=thr, value=vals, left_categories=cats)


def draw_rules(data: Any, task: str) -> RuleSet:
    def consequent() -> Any:
        return data.draw(st.sampled_from(VALUES)) if task == "regression" else data.draw(st.integers(0, 2))

    rules = []
    for _ in range(data.draw(st.integers(0, 4))):
        conds = []
        for _ in range(data.draw(st.integers(1, 3))):
            j = data.draw(st.integers(0, 3))
            if j == 2:
                conds.append(Condition(2, data.draw(st.sampled_from(["in", "not in"])),
                                       data.draw(st.sets(st.integers(0, 2), min_size=1, max_size=2))))
            else:
                conds.append(Condition(j, data.draw(st.sampled_from(["<=", ">"])),
                                       data.draw(st.sampled_from({0: T0, 1: T1, 3: [0.5]}[j]))))
        rules.append(Rule(tuple(conds), consequent()))
    return RuleSet(DOM, task, CLASSES if task == "classification" else None, rules, Rule((), consequent()))


def draw_linear(data: Any, task: str) -> LinearModel:
    terms = [Term.numeric(0), Term.numeric(1), Term.numeric(3), Term.category(2, 1),
             Term.hinge(0, data.draw(st.sampled_from(T0)), data.draw(st.sampled_from([1, -1])))]
    w = st.sampled_from([-2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0])
    coef = [data.draw(w) for _ in terms]
    b = data.draw(st.sampled_from([-2.0, -1.0, 0.0, 0.5, 1.0]))
    if task == "regression":
        return LinearModel(DOM, "regression", None, terms=terms, coef=coef, intercept=b)
    return LinearModel(DOM, "classification", CLASSES[:2], terms=terms, coef=coef, intercept=b)


def draw_model(data: Any, form: str, task: str) -> Any:
    return {"tree": draw_tree, "rules": draw_rules, "linear": draw_linear}[form](data, task)


# -- random constraints with an independent Python meaning ----------------------------------------
Pred = Callable[[dict, Any], bool]


def draw_atom(data: Any, model: Any) -> tuple[str, Pred]:
    kind = data.draw(st.integers(0, 4))
    ops: dict[str, Callable[[Any, Any], bool]] = {
        "<": lambda a, b: a < b, "<=": lambda a, b: a <= b, ">": lambda a, b: a > b,
        ">=": lambda a, b: a >= b, "==": lambda a, b: a == b, "!=": lambda a, b: a != b}
    op = data.draw(st.sampled_from(sorted(ops)))
    if kind == 0:
        v = data.draw(st.sampled_from(T0 + [0.0, 4.0]))
        return f"x0 {op} {v}", lambda r, p, op=op, v=v: ops[op](r["x0"], v)
    if kind == 1:
        v = data.draw(st.sampled_from([0, 1, 2, 3, 5]))
        return f"x1 {op} {v}", lambda r, p, op=op, v=v: ops[op](r["x1"], v)
    if kind == 2:
        s = sorted(data.draw(st.sets(st.sampled_from(["p", "q", "r"]), min_size=1, max_size=2)))
        text = "{" + ", ".join(f"'{c}'" for c in s) + "}"
        return f"x2 in {text}", lambda r, p, s=s: r["x2"] in s
    if kind == 3:
        return "x3 == 1", lambda r, p: r["x3"] == 1
    if model.task == "regression":
        v = data.draw(st.sampled_from(VALUES + [0.5]))
        return f"prediction {op} {v}", lambda r, p, op=op, v=v: ops[op](p, v)
    labels = [str(c) for c in model.classes]
    c = data.draw(st.sampled_from(labels))
    eq = data.draw(st.booleans())
    return (f"prediction {'==' if eq else '!='} '{c}'", lambda r, p, c=c, eq=eq: (p == c) == eq)


def draw_constraint(data: Any, model: Any, depth: int = 0) -> tuple[str, Pred]:
    if depth >= 2 or data.draw(st.integers(0, 2)) == 0:
        return draw_atom(data, model)
    op = data.draw(st.sampled_from(["and", "or", "->", "not"]))
    a_text, a = draw_constraint(data, model, depth + 1)
    if op == "not":
        return f"not ({a_text})", lambda r, p, a=a: not a(r, p)
    b_text, b = draw_constraint(data, model, depth + 1)
    fn = {"and": lambda r, p: a(r, p) and b(r, p), "or": lambda r, p: a(r, p) or b(r, p),
          "->": lambda r, p: (not a(r, p)) or b(r, p)}[op]
    return f"({a_text}) {op} ({b_text})", fn


def rows_of(Z: np.ndarray) -> list[dict]:
    return [{"x0": z[0], "x1": int(z[1]), "x2": "pqr"[int(z[2])], "x3": int(z[3])} for z in Z]


def predict(model: Any, Z: np.ndarray) -> np.ndarray:
    return model.predict(DOM.decode(Z))


def both(model: Any, prop: Any) -> tuple[Any, Any]:
    direct = sd.verify(model, prop, backend="auto")
    z3v = sd.verify(model, prop, backend="z3")
    assert direct.holds == z3v.holds, (str(model), str(direct), str(z3v))
    return direct, z3v


FORMS = st.sampled_from(["tree", "rules", "linear"])
TASKS = st.sampled_from(["classification", "regression"])


def draw_monotonic(data: Any, model: Any, feature: str, increasing: bool) -> tuple[Any, Callable[[Any], np.ndarray]]:
    """Monotonicity in ``feature`` (for a tree's or rule set's class: of a drawn target), and the
    output it is about as a function of predictions: a regressor's value or a class indicator."""
    multi = model.task == "classification" and model.kind != "linear"
    target = data.draw(st.sampled_from(["a", "b", "c"])) if multi else None
    prop = sd.monotonic(feature, "increasing" if increasing else "decreasing", target=target)
    if model.task == "classification":
        t = target if target is not None else model.classes[-1]
        return prop, lambda p: (np.asarray(p) == t).astype(float)
    return prop, lambda p: np.asarray(p, dtype=float)


# -- the properties ---------------------------------------------------------------------------------
@SETTINGS
@given(data=st.data(), form=FORMS, task=TASKS)
def test_formula_checkers_agree_and_are_sound(data: Any, form: str, task: str) -> None:
    model = draw_model(data, form, task)
    text, pred = draw_constraint(data, model)
    verdicts = both(model, text)
    for v in verdicts:
        if not v.holds:
            row, out = v.counterexample.row, predict(model, v.counterexample.encoded)[0]
            assert not pred(row, out), (text, str(v))
    preds = predict(model, GRID)
    violated = any(not pred(r, p) for r, p in zip(rows_of(GRID), preds))
    if violated:
        assert not verdicts[0].holds, (text, str(model))


# An ordered pandas Categorical: x2's categories in their declared order r < p < q (not sorted),
# as a DataFrame-made domain keeps them; codes follow that order.
ORDER = ("r", "p", "q")
ODOM = Domain(DOM.features[:2] + (Feature("x2", "categorical", 0.0, 2.0, ORDER),) + DOM.features[3:], "dataframe",
              ("float64", "int64", ORDERED_CATEGORY, "int64"), ("x0", "x1", "x2", "x3"))


def on_ordered(model: Any) -> Any:
    d = model.to_dict()
    d["domain"] = ODOM.to_dict()
    return sd.load(d)


@SETTINGS
@given(data=st.data(), form=FORMS, task=TASKS)
def test_ordered_categorical_comparisons_agree_with_brute_force(data: Any, form: str, task: str) -> None:
    """``x2 > 'p'`` on an ordered Categorical means x2 is a later category than 'p' in the
    Categorical's order: both backends agree, a counterexample breaks that meaning, and a violation
    found by brute force over every category is never reported as holding."""
    model = on_ordered(draw_model(data, form, task))
    ops: dict[str, Callable[[int, int], bool]] = {
        "<": lambda a, b: a < b, "<=": lambda a, b: a <= b, ">": lambda a, b: a > b, ">=": lambda a, b: a >= b}
    op, label = data.draw(st.sampled_from(sorted(ops))), data.draw(st.sampled_from(ORDER))
    k = ORDER.index(label)
    cat: Pred = lambda r, p: ops[op](ORDER.index(r["x2"]), k)  # noqa: E731
    flipped = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}[op]
    cat_text = f"'{label}' {flipped} x2" if data.draw(st.booleans()) else f"x2 {op} '{label}'"
    other_text, other = draw_atom(data, model)
    join = data.draw(st.sampled_from(["->", "and", "or"]))
    text = f"({cat_text}) {join} ({other_text})"
    pred: Pred = {"->": lambda r, p: not cat(r, p) or other(r, p), "and": lambda r, p: cat(r, p) and other(r, p),
                  "or": lambda r, p: cat(r, p) or other(r, p)}[join]
    verdicts = both(model, text)
    for v in verdicts:
        if not v.holds:
            assert not pred(v.counterexample.row, model.predict(v.counterexample.X)[0]), (text, str(v))
    rows = [{"x0": z[0], "x1": int(z[1]), "x2": ORDER[int(z[2])], "x3": int(z[3])} for z in GRID]
    if any(not pred(r, p) for r, p in zip(rows, model.predict(ODOM.decode(GRID)))):
        assert not verdicts[0].holds, (text, str(model))


@SETTINGS
@given(data=st.data(), form=FORMS, task=TASKS, increasing=st.booleans())
def test_monotonicity_in_an_ordered_categorical_follows_its_order(data: Any, form: str, task: str,
                                                                  increasing: bool) -> None:
    """``sd.monotonic("x2")`` on an ordered Categorical (r < p < q) was refused; it compares
    categories in the Categorical's order: both backends agree, a counterexample is a pair of rows
    equal but in x2, the first an earlier category, on which ``predict`` breaks monotonicity, and
    a violation found by brute force over every pair of categories is never reported as holding."""
    model = on_ordered(draw_model(data, form, task))
    prop, g = draw_monotonic(data, model, "x2", increasing)
    verdicts = both(model, prop)
    for v in verdicts:
        if not v.holds:
            first, second = v.counterexample.pair
            assert {k: x for k, x in first.items() if k != "x2"} == {k: x for k, x in second.items() if k != "x2"}
            assert ORDER.index(first["x2"]) < ORDER.index(second["x2"]), str(v)
            ga, gb = g(model.predict(v.counterexample.X))
            assert (ga > gb) if increasing else (ga < gb), str(v)
    a, b = _pairs_differing_in([2])
    names = np.array(ORDER)[GRID[:, 2].astype(int)]
    earlier = np.array([ORDER.index(x) < ORDER.index(y) for x, y in zip(names[a], names[b])])
    out = model.predict(ODOM.decode(GRID))
    ga, gb = g(out[a]), g(out[b])
    tol = 1e-9 * (1.0 + np.maximum(np.abs(ga), np.abs(gb))) if form == "linear" else 0.0
    if np.any(earlier & ((ga > gb + tol) if increasing else (ga < gb - tol))):
        assert not verdicts[0].holds, (str(prop), str(model))


def _pairs_differing_in(free: list[int]) -> tuple[np.ndarray, np.ndarray]:
    keep = [j for j in range(4) if j not in free]
    key = [tuple(z) for z in GRID[:, keep]]
    groups: dict[tuple, list[int]] = {}
    for i, k in enumerate(key):
        groups.setdefault(k, []).append(i)
    a, b = [], []
    for idx in groups.values():
        for i in idx:
            for k in idx:
                if i != k:
                    a.append(i)
                    b.append(k)
    return np.array(a), np.array(b)


@SETTINGS
@given(data=st.data(), form=FORMS, task=TASKS, feature=st.sampled_from(["x0", "x1", "x3"]),
       increasing=st.booleans())
def test_monotonicity_checkers_agree_and_are_sound(data: Any, form: str, task: str, feature: str,
                                                   increasing: bool) -> None:
    model = draw_model(data, form, task)
    prop, g = draw_monotonic(data, model, feature, increasing)
    j = DOM.feature_names.index(feature)
    verdicts = both(model, prop)
    for v in verdicts:
        if not v.holds:
            Z = v.counterexample.encoded
            others = [k for k in range(4) if k != j]
            assert np.array_equal(Z[0, others], Z[1, others]) and Z[0, j] < Z[1, j]
            ga, gb = g(predict(model, Z))
            assert (ga > gb) if increasing else (ga < gb), str(v)
    a, b = _pairs_differing_in([j])
    order = GRID[a, j] < GRID[b, j]
    ga, gb = g(predict(model, GRID[a])), g(predict(model, GRID[b]))
    # Linear models are verified in exact arithmetic; their float predictions can differ by
    # rounding where the exact scores tie (e.g. -2*x0 + 2*(x0 - 0.5)), which is no violation.
    tol = 1e-9 * (1.0 + np.maximum(np.abs(ga), np.abs(gb))) if form == "linear" else 0.0
    bad = order & ((ga > gb + tol) if increasing else (ga < gb - tol))
    if bad.any():
        assert not verdicts[0].holds


@SETTINGS
@given(data=st.data(), form=FORMS, task=TASKS, free=st.sampled_from([["x2"], ["x0"], ["x1", "x3"]]))
def test_invariance_checkers_agree_and_are_sound(data: Any, form: str, task: str, free: list[str]) -> None:
    model = draw_model(data, form, task)
    verdicts = both(model, sd.invariant(*free))
    idx = [DOM.feature_names.index(f) for f in free]
    keep = [k for k in range(4) if k not in idx]
    for v in verdicts:
        if not v.holds:
            Z = v.counterexample.encoded
            assert np.array_equal(Z[0, keep], Z[1, keep])
            pa, pb = predict(model, Z)
            assert pa != pb
    a, b = _pairs_differing_in(idx)
    if np.any(predict(model, GRID[a]) != predict(model, GRID[b])):
        assert not verdicts[0].holds


@SETTINGS
@given(data=st.data(), forms=st.tuples(FORMS, FORMS), task=TASKS)
def test_equivalence_checkers_agree_and_are_sound(data: Any, forms: tuple[str, str], task: str) -> None:
    m1, m2 = draw_model(data, forms[0], task), draw_model(data, forms[1], task)
    if task == "classification" and "linear" in forms:
        m1, m2 = (m if forms[i] == "linear" else _two_class(m) for i, m in enumerate((m1, m2)))
    verdicts = both(m1, sd.equivalent(m2))
    for v in verdicts:
        if not v.holds:
            Z = v.counterexample.encoded
            assert predict(m1, Z[:1])[0] != predict(m2, Z[:1])[0]
    if np.any(predict(m1, GRID) != predict(m2, GRID)):
        assert not verdicts[0].holds
    assert sd.verify(m1, sd.equivalent(m1.copy())).holds


@pytest.mark.parametrize("changed, fragment", [
    (Feature("x", "numeric", 0.0, 5.0), r"numeric in \[0, 10\] vs numeric in \[0, 5\]"),
    (Feature("x", "integer", 0.0, 10.0), r"numeric in \[0, 10\] vs integer in \[0, 10\]"),
])
def test_equivalence_needs_one_domain(changed: Feature, fragment: str) -> None:
    """Over [0, 10] a stump says 'b' above 7; a constant 'a' over [0, 5] agrees with it on all of
    [0, 5] but not at 8: refusing is right, "holds" would be vacuous."""
    def stump(feature: Feature) -> Tree:
        return Tree(Domain((feature,)), "classification", np.array(["a", "b"]), children_left=[1, -1, -1],
                    children_right=[2, -1, -1], feature=[0, -1, -1], threshold=[7.0, 0, 0],
                    value=[[1, 0], [1, 0], [0, 1]])
    t = stump(Feature("x", "numeric", 0.0, 10.0))
    with pytest.raises(ValueError, match="domains differ at feature 'x' .*" + fragment):
        sd.verify(t, sd.equivalent(stump(changed)))
    cats = [Tree(Domain((Feature("c", "categorical", 0.0, 1.0, order),)), "classification", np.array(["a", "b"]),
                 children_left=[1, -1, -1], children_right=[2, -1, -1], feature=[0, -1, -1], threshold=[0, 0, 0],
                 value=[[1, 0], [1, 0], [0, 1]], left_categories=[[0], None, None]) for order in (("p", "q"), ("q", "p"))]
    with pytest.raises(ValueError, match=r"categorical \['p', 'q'\] vs categorical \['q', 'p'\]"):
        sd.verify(cats[0], sd.equivalent(cats[1]))


def _two_class(m: Any) -> Any:
    """The same model, read as a two-class one (class 'c' folded into 'b'), to compare with logistic models."""
    d = m.to_dict()
    d["classes"] = ["a", "b"]
    if m.kind == "tree":
        d["value"] = [[v[0], v[1] + v[2]] for v in d["value"]]
    else:
        for r in d["rules"] + [d["default"]]:
            r["prediction"] = min(r["prediction"], 1)
    return sd.load(d)


@SETTINGS
@given(data=st.data(), form=FORMS, task=TASKS, eps=st.sampled_from([0.0, 0.3, 1.0, 2.0]))
def test_robustness_checkers_agree_and_are_sound(data: Any, form: str, task: str, eps: float) -> None:
    model = draw_model(data, form, task)
    centre = GRID[data.draw(st.integers(0, len(GRID) - 1))]
    prop = sd.robust(DOM.decode(centre[None, :])[0].tolist(), eps)
    verdicts = both(model, prop)
    p0 = predict(model, centre[None, :])[0]
    lo, hi = centre[[0, 1, 3]] - eps, centre[[0, 1, 3]] + eps  # the ball's bounds, computed in floats

    def in_ball(Z: np.ndarray) -> np.ndarray:
        return np.all((Z[:, [0, 1, 3]] >= lo) & (Z[:, [0, 1, 3]] <= hi), axis=1) & (Z[:, 2] == centre[2])

    inside = in_ball(GRID)
    for v in verdicts:
        if not v.holds:
            Z = v.counterexample.encoded
            assert in_ball(Z[:1])[0]
            assert predict(model, Z)[0] != p0
    if np.any(predict(model, GRID[inside]) != p0):
        assert not verdicts[0].holds


@SETTINGS
@given(data=st.data(), form=FORMS, bounds=st.sampled_from([(-1.0, 2.5), (0.0, 1.0), (-5.0, 5.0), (2.5, 9.0)]))
def test_output_range_checkers_agree_and_are_sound(data: Any, form: str, bounds: tuple[float, float]) -> None:
    model = draw_model(data, form, "regression")
    verdicts = both(model, sd.output_range(*bounds))
    for v in verdicts:
        if not v.holds:
            out = predict(model, v.counterexample.encoded)[0]
            assert not bounds[0] <= out <= bounds[1]
    out = predict(model, GRID)
    if np.any((out < bounds[0]) | (out > bounds[1])):
        assert not verdicts[0].holds


def test_tree_verdicts_are_exact_at_float_boundaries() -> None:
    t = Tree(DOM, "classification", CLASSES, children_left=[1, -1, -1], children_right=[2, -1, -1],
             feature=[0, -1, -1], threshold=[2.0, 0, 0], value=[[1, 0, 0], [1, 0, 0], [0, 1, 0]])
    assert sd.verify(t, "x0 <= 2 -> prediction == 'a'").holds
    v = sd.verify(t, "x0 <= 2.0000000000000004 -> prediction == 'a'")  # the next float above 2
    assert not v.holds and v.counterexample.row["x0"] == np.nextafter(2.0, 3.0)
    assert sd.verify(t, "x0 < 2.0000000000000004 -> prediction == 'a'").holds


def test_verdict_fields_and_text() -> None:
    t = Tree(DOM, "classification", CLASSES, children_left=[1, -1, -1], children_right=[2, -1, -1],
             feature=[1, -1, -1], threshold=[2.5, 0, 0], value=[[1, 0, 0], [1, 0, 0], [0, 1, 0]])
    v = sd.verify(t, "x1 >= 3 -> prediction == 'a'")
    assert not v.holds and v.backend == "direct" and v.seconds >= 0 and v.constraint == "x1 >= 3 -> prediction == 'a'"
    assert v.counterexample.row["x1"] in (3, 4, 5) and v.counterexample.outputs == ("b",)
    assert "VIOLATED" in str(v) and "x1=" in str(v) and "-> 'b'" in str(v)
    assert t.predict(v.counterexample.X)[0] == "b"
    ok = sd.verify(t, sd.invariant("x0", "x2", "x3"))
    assert ok.holds and ok.counterexample is None and str(ok).startswith("HOLDS")
    m = sd.verify(t, sd.monotonic("x1", target="b"))
    assert m.holds
    d = sd.verify(t, sd.monotonic("x1", "decreasing", target="b"))
    assert not d.holds and d.counterexample.pair[0]["x1"] < d.counterexample.pair[1]["x1"]


def test_regression_bounds_print_as_the_numbers_given() -> None:
    t = Tree(DOM, "regression", None, children_left=[1, -1, -1], children_right=[2, -1, -1],
             feature=[0, -1, -1], threshold=[2.0, 0, 0], value=[[0.0], [1234566.25], [1234567.75]])
    v = sd.verify(t, sd.output_range(1234566.2, 1234567.9))
    assert v.holds and str(v).startswith("HOLDS: 1234566.2 <= prediction <= 1234567.9")  # was 1.23457e+06 twice
    assert sd.output_range(0, 100).describe() == "0 <= prediction <= 100"
    r = sd.robust({"x0": 1.0, "x1": 2, "x2": "p", "x3": 0}, 0.5, tolerance=1e-3)
    assert r.describe() == "robust within 0.5 of the given point (a regressor's value moving at most 0.001)"
    assert sd.verify(t, r).holds  # the tolerance decides the verdict, so the text names it


def test_monotonic_without_target_names_the_class_it_is_about() -> None:
    """A binary classifier's default target is its last class: the verdict says so, and is the
    same verdict as with that target given."""
    t = Tree(DOM, "classification", np.array(["approve", "deny"]), children_left=[1, -1, -1],
             children_right=[2, -1, -1], feature=[1, -1, -1], threshold=[2.5, 0, 0], value=[[1, 1], [0, 1], [1, 0]])
    v = sd.verify(t, sd.monotonic("x1"))
    assert v.constraint == "prediction == 'deny' is monotonically increasing in x1" and not v.holds
    assert sd.verify(t, sd.monotonic("x1", target="approve")).holds


@pytest.mark.parametrize("prop, error, fragment", [
    (sd.monotonic("x2", target="a"), ValueError, "feature 'x2' is categorical and unordered: its categories have "
                                                "no order"),
    (sd.monotonic("x0"), ValueError, "multi-class model needs target"),
    (sd.monotonic("x0", target="z"), ValueError, "unknown target class 'z'"),
    (sd.monotonic("nope", target="a"), ValueError, "monotonic: unknown feature 'nope'"),
    # the property and the feature meant are named (they were not: "unknown feature 'X1'; known features: ...")
    (sd.monotonic("X1", target="a"), ValueError, "monotonic: unknown feature 'X1'; did you mean 'x1'?"),
    (sd.invariant("x0", "x11"), ValueError, "invariant: unknown feature 'x11'; did you mean 'x1'?"),
    (sd.robust({"x0": 1.0, "x1": 1.0, "x2": "p", "x3": 0}, 1.0, features=["x_0"]), ValueError,
     "robust: unknown feature 'x_0'; did you mean 'x0'?"),
    (sd.output_range(0, 1), TypeError, "regression models"),
    (sd.never_accepts("0*"), TypeError, "applies to automata"),
])
def test_bad_properties_are_reported(prop: Any, error: type, fragment: str) -> None:
    t = Tree(DOM, "classification", CLASSES, children_left=[-1], children_right=[-1], feature=[-1],
             threshold=[0], value=[[1, 0, 0]])
    with pytest.raises(error, match=fragment):
        sd.verify(t, prop)


def test_backend_choices() -> None:
    t = Tree(DOM, "classification", CLASSES, children_left=[-1], children_right=[-1], feature=[-1],
             threshold=[0], value=[[1, 0, 0]])
    with pytest.raises(ValueError, match="backend must be one of"):
        sd.verify(t, "x0 < 1", backend="cvc5")
    with pytest.raises(ValueError, match="direct checker does not cover"):
        sd.verify(t, "x0 + x1 <= 100", backend="direct")
    assert sd.verify(t, "x0 + x1 <= 100").backend == "z3"
    assert not sd.verify(t, "x0 + x1 <= 8").holds
    with pytest.raises(TypeError, match="must be a string or a property"):
        sd.verify(t, 3)


def test_counterexample_rows_print_names_as_rules_do():
    """Rows printed 'a > 1 AND b=0.3, new' + newline + 'line=0.5': names read several ways and split
    the line; they print as printed rules write them."""
    X = np.random.default_rng(0).uniform(size=(300, 2))
    tree = sd.distill(lambda X: (X[:, 0] > .5).astype(int), X, form="tree", max_size=2, random_state=0,
                      feature_names=["a > 1 AND b", "new\nline"])
    verdict = sd.verify(tree, "prediction == 0")
    text = str(verdict.counterexample)
    assert "\n" not in text and "`a > 1 AND b`=" in text and "`new\\nline`=" in text
    assert set(verdict.counterexample.row) == {"a > 1 AND b", "new\nline"}  # the data keeps plain names


def _regressor(form: str, left: float) -> Any:
    """On x in [0, 4]: a stump answering ``left`` up to 1 and -1.0 above, or the line 2x + 1."""
    dom = Domain((Feature("x", "numeric", 0.0, 4.0),))
    if form == "tree":
        return Tree(dom, "regression", None, children_left=[1, -1, -1], children_right=[2, -1, -1],
                    feature=[0, -1, -1], threshold=[1.0, 0, 0], value=[[0.0], [left], [-1.0]])
    return LinearModel(dom, "regression", None, terms=[Term.numeric(0)], coef=[[2.0]], intercept=[1.0])


@pytest.mark.parametrize("form", ["tree", "linear"])
@pytest.mark.parametrize("backend", ["auto", "direct", "z3"])
def test_robustness_with_an_infinite_tolerance_holds(form: str, backend: str) -> None:
    """A regressor's value may move without bound: the property holds. The side past infinity was
    an infinite constant, an OverflowError in the z3 encoding (and in the linear checker's exact
    arithmetic); so it was for a finite tolerance whose sum with the value passes the largest double."""
    model = _regressor(form, 1.5e308)
    assert sd.verify(model, sd.robust({"x": 0.5}, 2.0, tolerance=float("inf")), backend=backend).holds
    v = sd.verify(model, sd.robust({"x": 0.5}, 2.0, tolerance=1e308), backend=backend)
    assert v.holds == (form == "linear")  # the tree's 1.5e308 + 1e308 passes the floats; -1.0 does not


MAX = float(np.finfo(float).max)


@pytest.mark.parametrize("text, holds", [
    (f"x in {{{MAX!r}}}", False),
    (f"x not in {{-{MAX!r}, {MAX!r}}}", True),
    (f"prediction in {{{MAX!r}}}", False),
    (f"prediction >= -{MAX!r}", True),
    (f"prediction <= {MAX!r}", True),
    (f"x <= {MAX!r} -> prediction != {MAX!r}", True),
])
@pytest.mark.parametrize("form", ["tree", "linear"])
@pytest.mark.parametrize("backend", ["auto", "z3"])
def test_constraints_at_the_largest_double_are_decided(text: str, holds: bool, form: str, backend: str) -> None:
    """The violations of these reach past the largest double (x > MAX, prediction < -MAX): an
    infinite bound, which the z3 encoding and the linear checker's exact arithmetic raised
    OverflowError on ('cannot convert Infinity to integer ratio'); no value lies there."""
    model = _regressor(form, 1.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # and no overflow warning from reaching past it
        assert sd.verify(model, text, backend=backend).holds is holds


def many_class_list(n_rules: int = 24, d: int = 8) -> RuleSet:
    """A decision list of ``n_rules`` rules, each its own class, over ``d`` features in [0, 10]: the
    shape of a rule list distilled from a 26-class teacher (letter recognition). Rule 0 (class c0)
    needs x0 <= 3, and no other rule predicts c0."""
    rng = np.random.default_rng(0)
    dom = Domain(tuple(Feature(f"x{j}", "integer" if j % 2 else "numeric", 0.0, 10.0) for j in range(d)))
    rules = [Rule((Condition(0, "<=", 3.0), Condition(1, ">", 4.0)), 0)]
    for i in range(1, n_rules):
        a, b = i % d, (i + 3) % d
        rules.append(Rule((Condition(a, ">", float(rng.integers(1, 8))), Condition(b, "<=", float(rng.integers(3, 9)))),
                          i))
    return RuleSet(dom, "classification", np.array([f"c{k}" for k in range(n_rules + 1)]), rules, Rule((), n_rules))


@pytest.mark.parametrize("text, holds", [("x0 > 5 -> prediction != 'c0'", True),
                                         ("x0 > 5 and x2 <= 1 -> prediction != 'c24'", False),
                                         ("x0 > 5 -> prediction != 'c5'", False)])
def test_formulas_on_a_many_class_rule_list_examine_one_region_per_rule(text: str, holds: bool) -> None:
    """The direct checker carved a rule list into the pieces left by every earlier rule of another
    class (237 regions here; 72,100 for a 20-rule list distilled on letter recognition, where a
    formula took 10-36 s against z3's 0.1 s). A formula needs only the rules whose class its output condition allows,
    inside its box, cut by the earlier rules it does not allow: one region per rule examined, the
    same verdicts as z3, a counterexample that ``predict`` confirms."""
    rs = many_class_list()
    v, w = sd.verify(rs, text, backend="direct"), sd.verify(rs, text, backend="z3")
    assert v.holds is w.holds is holds
    assert v.checked <= rs.size + 1
    if not holds:
        row = v.counterexample.X[0]
        assert row[0] > 5 and rs.predict(v.counterexample.X)[0] == text.split("'")[1]


@pytest.mark.parametrize("feature, target, holds", [("x1", "c0", True), ("x0", "c0", False), ("x3", "c24", False),
                                                    ("x5", "c7", False)])
def test_monotonicity_toward_a_class_of_a_many_class_rule_list_cuts_where_the_target_changes(
        feature: str, target: str, holds: bool) -> None:
    """Monotonicity toward a target class compares only "is the target": the list's regions are
    cut only where that changes (under 60 here, 237 with a cut per class; 72,100 against 549 for a
    20-rule list distilled on letter recognition), with the same verdict as z3 and a pair that
    ``predict`` confirms."""
    rs = many_class_list()
    prop = sd.monotonic(feature, "increasing", target=target)
    v, w = sd.verify(rs, prop, backend="direct"), sd.verify(rs, prop, backend="z3")
    assert v.holds is w.holds is holds
    assert v.checked <= 4 * (rs.size + 1)
    if not v.holds:
        X = v.counterexample.X
        j = rs.domain.feature_names.index(feature)
        assert X[0, j] < X[1, j] and np.array_equal(np.delete(X[0], j), np.delete(X[1], j))
        assert rs.predict(X[:1])[0] == target != rs.predict(X[1:])[0]


@pytest.mark.parametrize("free", [["x0"], ["x7"], ["x2", "x3", "x4", "x5", "x6", "x7"]])
def test_invariance_of_a_many_class_rule_list_agrees_with_z3(free: list[str]) -> None:
    """Invariance of a rule list is decided one output at a time (rows of that output against rows of
    any other, the list cut only where "is that output" changes): the verdict z3 gives, and a pair
    equal outside ``free`` that ``predict`` sends to different classes."""
    rs = many_class_list()
    v, w = sd.verify(rs, sd.invariant(*free), backend="direct"), sd.verify(rs, sd.invariant(*free), backend="z3")
    assert v.holds is w.holds
    if not v.holds:
        X = v.counterexample.X
        kept = [j for j, name in enumerate(rs.domain.feature_names) if name not in free]
        assert np.array_equal(X[0, kept], X[1, kept]) and rs.predict(X[:1])[0] != rs.predict(X[1:])[0]


def test_equivalence_of_many_class_rule_lists_agrees_with_z3() -> None:
    """A copy is equivalent, a list whose fifth rule predicts another class is not, at a row where
    ``predict`` tells them apart. The copy is decided by one look at each pair of rules of different
    classes whose boxes meet (an earlier rule of the other list holds it whole): at most the 25 + 25
    rule boxes and 25 * 24 pairs are examined. Cutting both lists one class at a time examined 2,192
    pieces here, and 146,136 (0.5 s, 14 times z3's time) for a 20-rule list on letter recognition."""
    rs = many_class_list()
    same = sd.verify(rs, sd.equivalent(many_class_list()), backend="direct")
    assert same.holds and sd.verify(rs, sd.equivalent(many_class_list()), backend="z3").holds
    assert same.checked <= 2 * 25 + 25 * 24
    changed = many_class_list()
    changed.rules[4] = Rule(changed.rules[4].conditions, 0)
    v = sd.verify(rs, sd.equivalent(changed), backend="direct")
    assert not v.holds and not sd.verify(rs, sd.equivalent(changed), backend="z3").holds
    row = v.counterexample.X[:1]
    assert rs.predict(row)[0] != changed.predict(row)[0]


def test_equivalence_of_a_tree_and_a_rule_list_reads_the_tree_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """A tree compared with a rule list: its leaves were read into regions twice (once for the labels
    to try, once for the pairs), now once, with the verdict z3 gives."""
    rs = many_class_list(6, 4)
    tree = Tree(rs.domain, "classification", rs.classes, children_left=[1, -1, -1], children_right=[2, -1, -1],
                feature=[0, -1, -1], threshold=[3.0, 0, 0], value=[[1.0] + [0.0] * 6, [0.0] * 6 + [1.0],
                                                                   [0.0] * 6 + [1.0]])
    reads = []
    leaf_regions = Tree.leaf_regions
    monkeypatch.setattr(Tree, "leaf_regions", lambda self: reads.append(1) or leaf_regions(self))
    v = sd.verify(tree, sd.equivalent(rs), backend="direct")
    assert len(reads) == 1
    assert not v.holds and not sd.verify(tree, sd.equivalent(rs), backend="z3").holds
    row = v.counterexample.X[:1]
    assert tree.predict(row)[0] != rs.predict(row)[0]


def _floats_between(lo: float, hi: float) -> list[float]:
    out = [lo]
    while out[-1] < hi:
        out.append(float(np.nextafter(out[-1], np.inf)))
    return out


@pytest.mark.parametrize("backend", ["auto", "direct", "z3"])
def test_robustness_at_radius_zero_holds_where_the_exact_score_rounds(backend: str) -> None:
    """With radius 0 the ball is its centre alone; the exact score there (-0.25 - 2.5 ulp) differs
    from predict's rounded -0.25, which exact arithmetic read as a violation at the centre itself:
    a RoundingAmbiguity instead of a verdict."""
    m = LinearModel(DOM, "regression", None, terms=[Term.numeric(0), Term.numeric(1), Term.numeric(3),
                    Term.category(2, 1), Term.hinge(0, 2.0, -1)], coef=[-2, -2, -2, -2, 0.5], intercept=0.0)
    assert sd.verify(m, sd.robust([0.5000000000000001, 0.0, "p", 0.0], 0.0), backend=backend).holds


@settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), task=TASKS, x0=st.sampled_from(T0 + [1 / 3, 0.1]), ulps=st.integers(-3, 3),
       eps=st.sampled_from([0.0, 1e-16, 4e-16, 1e-15]), tol=st.sampled_from([0.0, 5e-17, 1e-16, 3e-16]))
def test_robustness_of_linear_models_near_rounding_matches_every_float_in_the_ball(
        data: Any, task: str, x0: float, ulps: int, eps: float, tol: float) -> None:
    """Balls a few ulps wide hold few floats: the verdict is what predict gives on all of them (no
    RoundingAmbiguity), a counterexample moves predict's value by more than the tolerance."""
    m = draw_linear(data, task)
    for _ in range(abs(ulps)):
        x0 = float(np.nextafter(x0, np.sign(ulps) * np.inf))
    centre = np.array([x0, data.draw(st.integers(0, 5)), data.draw(st.integers(0, 2)), data.draw(st.integers(0, 1))])
    tol = tol if task == "regression" else 0.0
    ball = np.repeat(centre[None, :], len(_floats_between(x0 - eps, x0 + eps)), axis=0)
    ball[:, 0] = _floats_between(x0 - eps, x0 + eps)
    p0 = predict(m, centre[None, :])[0]
    if task == "regression":
        moved = [abs(Fraction(float(p)) - Fraction(float(p0))) > Fraction(tol) for p in predict(m, ball)]
    else:
        moved = list(predict(m, ball) != p0)
    for backend in ("auto", "direct", "z3"):
        v = sd.verify(m, sd.robust(DOM.decode(centre[None, :])[0].tolist(), eps, tolerance=tol), backend=backend)
        assert v.holds == (not any(moved)), (backend, str(m), str(v))
        if not v.holds:
            p = predict(m, v.counterexample.encoded)[0]
            assert (abs(Fraction(float(p)) - Fraction(float(p0))) > Fraction(tol)) if task == "regression" else p != p0


@pytest.mark.parametrize("form", ["tree", "rules"])
@pytest.mark.parametrize("backend", ["direct", "z3"])
def test_robustness_tolerance_is_exact(form: str, backend: str) -> None:
    """1.1 is 0.1000000000000000888 above 1.0, more than the tolerance 0.1 (0.1000000000000000055);
    the window's bound 1.0 + 0.1 rounded to 1.1 and let it through."""
    dom = Domain((Feature("x", "numeric", 0.0, 4.0),))
    if form == "tree":
        m: Any = Tree(dom, "regression", None, children_left=[1, -1, -1], children_right=[2, -1, -1],
                      feature=[0, -1, -1], threshold=[1.0, 0, 0], value=[[0.0], [1.0], [1.1]])
    else:
        m = RuleSet(dom, "regression", None, [Rule((Condition(0, ">", 1.0),), 1.1)], Rule((), 1.0))
    v = sd.verify(m, sd.robust({"x": 0.5}, 1.0, tolerance=0.1), backend=backend)
    assert not v.holds and predict_value(m, v.counterexample) == 1.1
    assert sd.verify(m, sd.robust({"x": 0.5}, 1.0, tolerance=0.10000000000000009), backend=backend).holds
    assert sd.verify(m, sd.robust({"x": 0.5}, 0.0, tolerance=0.0), backend=backend).holds


def predict_value(m: Any, ce: Any) -> float:
    return float(m.predict_encoded(ce.encoded)[0])

"""Printed and exported thresholds decide as the model does.

A tree or rule list prints its thresholds rounded for reading; the exports hold them exactly. The
printed number is rounded down, so a number of at most as many significant digits as it shows (a
row of a file written to that precision) is decided by the printed test as by ``predict``; where
the printed number is not the threshold itself, the printout says so. Rounded to nearest, a rule
distilled from the MAGIC telescope data printed ``fLength <= 10.4137`` for the threshold
10.413699999999999 (just below 10.4137), and the data's row holding 10.4137 passed the printed test
while ``predict`` sent it the other way.
"""

from __future__ import annotations

import re
from decimal import Decimal

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import symdistill as sd
from symdistill.domain import Domain, Feature
from symdistill.export._text import exact_float
from symdistill.export.c import c_number
from symdistill.export.prolog import prolog_number
from symdistill.models import Tree
from symdistill.models.base import ROUNDED_NOTE
from symdistill.models.rules import Condition, Rule, RuleSet

thresholds = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e300, max_value=1e300)
spreads = st.floats(min_value=1e-12, max_value=1e12)


def _stump(t: float, spread: float) -> Tree:
    """One split ``x <= t`` over a feature of the given spread around ``t``."""
    dom = Domain((Feature("x", "numeric", t - spread / 2, t + spread / 2),))
    return Tree(dom, "classification", np.array(["left", "right"]), children_left=[1, -1, -1],
                children_right=[2, -1, -1], feature=[0, -1, -1], threshold=[t, 0.0, 0.0],
                value=[[1, 1], [1, 0], [0, 1]])


def _rule_list(t: float, spread: float, op: str) -> RuleSet:
    dom = Domain((Feature("x", "numeric", t - spread / 2, t + spread / 2),))
    return RuleSet(dom, "classification", np.array(["no", "yes"]), [Rule((Condition(0, op, t),), 1)], Rule((), 0))


def _written_around(printed: str) -> list[float]:
    """Numbers written with no more significant digits than ``printed`` shows, at and around it, as
    the doubles a row read from such text holds."""
    p = Decimal(printed)
    digits = len(p.normalize().as_tuple().digits)
    unit = Decimal(1).scaleb(p.adjusted() - digits + 1)
    values = [float(p + k * unit) for k in range(-3, 4)]
    return [v for v in values if np.isfinite(v)]


def _check_printed(text: str, pattern: str, t: float, decide, model) -> None:
    """The number ``pattern`` finds in ``text`` decides the numbers of its digits as ``model`` does; it
    is ``t`` itself unless the printout carries the note that thresholds are rounded."""
    printed = re.search(pattern, text).group(1)
    rounded = float(printed) != t
    assert (ROUNDED_NOTE in text) == rounded, text
    rows = _written_around(printed)
    if not rounded:  # printed as it is: also the threshold and the doubles on either side of it
        rows += [t, float(np.nextafter(t, -np.inf)), float(np.nextafter(t, np.inf))]
    got = model.predict(np.array(rows).reshape(-1, 1)).tolist()
    assert got == [decide(v, float(printed)) for v in rows], (printed, t)


@settings(max_examples=400, deadline=None)
@given(t=thresholds, spread=spreads)
def test_a_printed_tree_threshold_decides_numbers_of_its_digits_as_predict(t, spread):
    tree = _stump(t, spread)
    text = str(tree)
    _check_printed(text, r"\nif x <= (\S+):\n", t, lambda v, p: "left" if v <= p else "right", tree)
    assert re.search(r"else:  # x > (\S+)\n", text).group(1) == re.search(r"if x <= (\S+):", text).group(1)


@settings(max_examples=400, deadline=None)
@given(t=thresholds, spread=spreads, op=st.sampled_from(["<=", ">"]))
def test_a_printed_rule_threshold_decides_numbers_of_its_digits_as_predict(t, spread, op):
    rules = _rule_list(t, spread, op)
    holds = (lambda v, p: v <= p) if op == "<=" else (lambda v, p: v > p)
    _check_printed(str(rules), rf"\nIF x {re.escape(op)} (\S+) THEN", t,
                   lambda v, p: "yes" if holds(v, p) else "no", rules)


@settings(max_examples=60, deadline=None)
@given(t=thresholds, spread=spreads)
def test_exported_code_holds_the_threshold_exactly(t, spread):
    """The Python, C and Prolog exports write the threshold as the shortest decimal that reads back as
    exactly it (C: cast to double unless that decimal is the double itself); the printed text's rounding
    never reaches them."""
    tree = _stump(t, spread)
    literal = exact_float(t)
    assert float(literal) == t
    assert f"x[0] <= {literal}:" in sd.export(tree, "python")
    assert f"x[0] <= {c_number(t)})" in sd.export(tree, "c") and c_number(t).endswith(literal)
    assert float(prolog_number(t)) == t and f"=< {prolog_number(t)}" in sd.export(tree, "prolog")


def test_a_threshold_just_below_a_short_number_prints_below_it():
    """The MAGIC case: 10.413699999999999 printed as 10.4137, so a row of 10.4137 read the other way."""
    t = float(np.nextafter(10.4137, -np.inf))
    tree = _stump(t, 200.0)
    assert "if x <= 10.4136:" in str(tree) and str(tree).endswith(ROUNDED_NOTE)
    assert tree.predict(np.array([[10.4137], [10.4136]])).tolist() == ["right", "left"]
    assert str(_stump(1.75, 2.0)).count("1.75") == 2 and ROUNDED_NOTE not in str(_stump(1.75, 2.0))


def test_a_linear_printout_says_when_its_numbers_are_rounded():
    """The formula prints weights with 4 significant digits (more where a term's swing needs them), so
    a row near the boundary between classes could go one way by the printout and the other by predict,
    and nothing said so; a printout whose numbers are all exact has no such line."""
    from symdistill.models.linear import ROUNDED_NUMBERS, LinearModel, Term

    dom = Domain((Feature("a", "numeric", 0.0, 10.0),))
    rounded = LinearModel(dom, "classification", np.array(["no", "yes"]), terms=[0], coef=[1.23456789],
                          intercept=-6.1728394)
    assert str(rounded).splitlines()[1:] == ["score = 1.235*a - 6.173", "P(yes) = sigmoid(score)",
                                             ROUNDED_NUMBERS["classification"]]
    row = np.array([[4.99999]])  # printed score 1.235*4.99999 - 6.173 > 0; the model's is below 0
    assert rounded.predict(row).tolist() == ["no"] and 1.235 * 4.99999 - 6.173 > 0
    exact = LinearModel(dom, "regression", None, terms=[0, Term.hinge(0, 2.5)], coef=[0.5, 2.0], intercept=1.0)
    assert str(exact).splitlines()[1:] == ["value = 0.5*a + 2*max(0, a - 2.5) + 1"]
    knot = LinearModel(dom, "regression", None, terms=[Term.hinge(0, 2.50000001)], coef=[2.0], intercept=1.0)
    assert str(knot).splitlines()[1:] == ["value = 2*max(0, a - 2.5) + 1", ROUNDED_NUMBERS["regression"]]


def test_an_integer_features_printed_threshold_decides_every_whole_number_as_predict():
    """Six significant digits printed an integer feature's cut at 1234747 as 1.23474e+06: the seven
    whole numbers 1234741-1234747, which are rows of that feature, passed the model's test and failed
    the printed one. A cut on a whole-number feature prints with as many digits as its whole part needs."""
    rng = np.random.default_rng(0)
    X = np.column_stack([rng.integers(0, 5_000_000, 2000), rng.integers(1900, 2030, 2000)])

    def teacher(X):
        return ((X[:, 0] > 1234567) & (X[:, 1] > 1987)).astype(int)

    tree = sd.distill(teacher, X, max_size=4, random_state=0, feature_names=["cents", "year"])
    assert tree.domain.features[0].kind == "integer"
    printed = re.findall(r"if cents <= (\S+):", str(tree))
    assert printed and "e+" not in printed[0], str(tree)
    t = float(tree.threshold[list(tree.feature).index(0)])
    around = np.arange(np.floor(t) - 20, np.floor(t) + 21)
    assert ((around <= float(printed[0])) == (around <= t)).all(), (printed[0], t)
    for t in (1234747.0, 1234747.5, -1234746.5, 9007199254740991.0):  # stumps on integer features
        dom = Domain((Feature("x", "integer", t - 10**7, t + 10**7),))
        stump = Tree(dom, "classification", np.array(["left", "right"]), children_left=[1, -1, -1],
                     children_right=[2, -1, -1], feature=[0, -1, -1], threshold=[t, 0.0, 0.0],
                     value=[[1, 1], [1, 0], [0, 1]])
        p = float(re.search(r"\nif x <= (\S+):", str(stump)).group(1))
        assert p <= t and np.floor(t) <= p, (p, t)


def test_a_regression_printout_says_when_its_values_are_rounded():
    """Leaf and rule values print with 6 significant digits, and the note spoke of thresholds only:
    a value of 1.23456789 printed as 1.23457 with nothing saying it was rounded. Exact values: no note."""
    from symdistill.models.base import VALUES_NOTE

    dom = Domain((Feature("x", "numeric", 0.0, 1.0),))

    def tree(values: list[float]) -> Tree:
        return Tree(dom, "regression", None, children_left=[1, -1, -1], children_right=[2, -1, -1],
                    feature=[0, -1, -1], threshold=[0.5, 0.0, 0.0], value=[[0.0], [values[0]], [values[1]]])

    def rules(values: list[float]) -> RuleSet:
        return RuleSet(dom, "regression", None, [Rule((Condition(0, ">", 0.5),), values[1])], Rule((), values[0]))

    for make in (tree, rules):
        rounded = str(make([1.0, 1.23456789]))
        assert "1.23457" in rounded and rounded.endswith(VALUES_NOTE) and ROUNDED_NOTE not in rounded
        exact = str(make([1.0, 1.25]))
        assert "1.25" in exact and VALUES_NOTE not in exact


def test_values_near_the_largest_double_print_without_overflow_warnings():
    """A regressor whose values lie at both ends of the doubles (1.7e308 and -1.7e308) printed with two
    RuntimeWarnings, 'overflow encountered in subtract', from the gap and spread of its values; their
    gap is wider than any double, and the values print as they are."""
    import warnings

    dom = Domain((Feature("x", "numeric", 0.0, 1.0),))
    tree = Tree(dom, "regression", None, children_left=[1, -1, -1], children_right=[2, -1, -1], feature=[0, -1, -1],
                threshold=[0.5, 0.0, 0.0], value=[[0.0], [-1.7e308], [1.7e308]])
    rules = RuleSet(dom, "regression", None, [Rule((Condition(0, ">", 0.5),), 1.7e308)], Rule((), -1.7e308))
    for model in (tree, rules):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            text = str(model)
        assert "1.7e+308" in text and "-1.7e+308" in text, text


def test_distinct_regression_values_print_distinct():
    """Values print against their spread (within 1e-4 of it): leaves of 1000000 and 1000003 beside one
    of 0 both printed '1e+06', a split whose two sides read alike, and so did the report's drawing.
    A value now prints with the digits that keep it apart from the others; equal values print alike."""
    from symdistill.report import draw_model

    dom = Domain((Feature("x", "numeric", 0.0, 1.0),))
    values = [0.0, 1e6, 1e6 + 3, 1e6 + 3]
    tree = Tree(dom, "regression", None, children_left=[1, 3, 5, -1, -1, -1, -1],
                children_right=[2, 4, 6, -1, -1, -1, -1], feature=[0, 0, 0, -1, -1, -1, -1],
                threshold=[0.5, 0.25, 0.75, 0, 0, 0, 0], value=[[0.0]] * 3 + [[v] for v in values])
    rules = RuleSet(dom, "regression", None, [Rule((Condition(0, ">", c),), v) for c, v in zip((0.9, 0.5, 0.2),
                                                                                              values[1:])],
                    Rule((), values[0]))
    for model in (tree, rules):
        printed = re.findall(r"(?:-> |THEN |^ELSE (?!IF))(\S+)", str(model), re.M)
        assert sorted(printed) == ["0", "1000003", "1000003", "1e+06"], printed
        assert ROUNDED_NOTE not in str(model) and "values rounded" not in str(model)
        drawn = [t.get_text() for t in draw_model(model).axes[0].texts]
        assert sorted(t for t in drawn if t in printed) == sorted(printed)


def test_a_threshold_of_minus_zero_prints_as_zero():
    """An integer split between -1 and 0 that the learner holds as -0.0 printed `i <= -0` (else
    `i > -0`), a sign no number has; it prints `i <= 0`, as the model decides."""
    dom = Domain.from_data(np.array([[-5], [4]]), feature_names=["i"])
    t = Tree(dom, "classification", np.array(["no", "yes"]), children_left=[1, -1, -1],
             children_right=[2, -1, -1], feature=[0, -1, -1], threshold=[-0.0, 0, 0], value=[[1, 1], [1, 0], [0, 1]])
    text = str(t)
    assert "if i <= 0:" in text and "# i > 0" in text and "-0" not in text
    assert t.predict(np.array([[0], [1]])).tolist() == ["no", "yes"]
    assert Feature("x", "numeric", -1.0, 1.0).threshold_text(-0.0) == "0"

"""The rule set model: conditions, rules, decision-list semantics, regions, DNF view, JSON."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import symdistill as sd
from symdistill import ModelFormatError
from symdistill.domain import Domain, Feature
from symdistill.models import Condition, Rule, RuleSet
from symdistill.models.rules import box_conditions

COLOURS = ("red", "green", "blue", "grey")
DOMAIN = Domain((Feature("age", "numeric", 0.0, 10.0), Feature("income", "numeric", 0.0, 10.0),
                 Feature("kids", "integer", 0.0, 5.0), Feature("colour", "categorical", 0.0, 3.0, COLOURS)))
CLASSES = np.array(["no", "maybe", "yes"])


THRESHOLDS = (0.5, 1.0, 2.5, 3.0, 4.75, 5.0, 7.25, 9.0)


def _rows(rng: np.random.Generator, n: int) -> np.ndarray:
    """Rows of DOMAIN; a third of the numeric values lie on a threshold, where ``<=`` and ``<`` differ."""
    Z = np.column_stack([rng.uniform(0, 10, n), rng.uniform(0, 10, n), rng.integers(0, 6, n),
                         rng.integers(0, 4, n)]).astype(float)
    on = rng.random((n, 2)) < 1 / 3
    Z[:, :2][on] = rng.choice(THRESHOLDS, int(on.sum()))
    return Z


thresholds = st.sampled_from(THRESHOLDS)
numeric_conditions = st.builds(Condition, st.integers(0, 2), st.sampled_from(["<=", ">"]), thresholds)
categorical_conditions = st.builds(Condition, st.just(3), st.sampled_from(["in", "not in"]),
                                   st.frozensets(st.integers(0, 3), max_size=4))
conditions = st.one_of(numeric_conditions, categorical_conditions)
# Any finite threshold, for the JSON round trip, and often one that a lossy writer would change.
any_conditions = st.one_of(
    st.builds(Condition, st.integers(0, 2), st.sampled_from(["<=", ">"]),
              st.one_of(st.sampled_from([-0.0, 0.1 + 0.2, 5e-324, -1.7976931348623157e308, 1 / 3]),
                        st.floats(allow_nan=False, allow_infinity=False))),
    categorical_conditions)


@st.composite
def rule_sets(draw: st.DrawFn, regression: bool = False, literals: st.SearchStrategy = conditions) -> RuleSet:
    n_rules = draw(st.integers(0, 6))
    rules = []
    for _ in range(n_rules):
        conds = tuple(draw(st.lists(literals, max_size=4)))
        if regression:
            rules.append(Rule(conds, draw(st.floats(-100, 100, allow_nan=False)), error=draw(st.floats(0, 5))))
        else:
            p = draw(st.lists(st.floats(0, 1), min_size=3, max_size=3))
            # A rule's class is among the most likely of its probabilities (a RuleSet refuses another)
            top = [c for c in range(3) if p[c] == max(p)]
            rules.append(Rule(conds, draw(st.sampled_from(top)), proba=tuple(p), coverage=draw(st.floats(0, 1)),
                              agreement=draw(st.floats(0, 1))))
    default = Rule((), draw(st.floats(-100, 100, allow_nan=False)) if regression else draw(st.integers(0, 2)))
    if regression:
        return RuleSet(DOMAIN, "regression", None, rules, default, meta={"seed": 1})
    return RuleSet(DOMAIN, "classification", CLASSES, rules, default, meta={"seed": 1})


def _naive_decision(rs: RuleSet, Z: np.ndarray) -> list[int]:
    """The decision list evaluated literally: row by row, condition by condition."""
    out = []
    for row in Z:
        chosen = len(rs.rules)
        for i, rule in enumerate(rs.rules):
            ok = True
            for c in rule.conditions:
                x = row[c.feature]
                if c.op == "<=":
                    ok = x <= c.value
                elif c.op == ">":
                    ok = x > c.value
                elif c.op == "in":
                    ok = int(x) in c.value
                else:
                    ok = int(x) not in c.value
                if not ok:
                    break
            if ok:
                chosen = i
                break
        out.append(chosen)
    return out


@settings(max_examples=60, deadline=None)
@given(st.one_of(rule_sets(), rule_sets(regression=True)), st.integers(0, 2**31 - 1))
def test_predict_equals_evaluating_conditions_one_by_one(rs: RuleSet, seed: int) -> None:
    Z = _rows(np.random.default_rng(seed), 60)
    naive = _naive_decision(rs, Z)
    assert rs.apply_encoded(Z).tolist() == naive
    labelled = Z.astype(object)  # the user's rows: colours as their labels
    labelled[:, 3] = [COLOURS[int(c)] for c in Z[:, 3]]
    assert rs.apply(labelled).tolist() == naive
    assert rs.predict(labelled).tolist() == rs.predict_encoded(Z).tolist()
    deciding = [(rs.rules + [rs.default])[i] for i in naive]
    if rs.task == "regression":
        assert rs.predict_encoded(Z).tolist() == [r.prediction for r in deciding]
        return
    assert rs.predict_encoded(Z).tolist() == [str(CLASSES[r.prediction]) for r in deciding]
    # each row gets its deciding rule's class mix, normalised (its class alone when it has none)
    want = [np.asarray(r.proba) / sum(r.proba) if r.proba and sum(r.proba) > 0 else np.eye(3)[r.prediction]
            for r in deciding]
    np.testing.assert_allclose(rs.predict_proba_encoded(Z), np.array(want).reshape(len(Z), 3))


@settings(max_examples=60, deadline=None)
@given(st.one_of(rule_sets(literals=any_conditions), rule_sets(regression=True, literals=any_conditions)))
def test_json_round_trip_is_exact(rs: RuleSet) -> None:
    text = rs.to_json()
    again = sd.load(text)
    assert isinstance(again, RuleSet)
    assert again == rs
    assert again.to_dict() == rs.to_dict()
    assert again.rules == rs.rules and again.default == rs.default
    assert _bits(again) == _bits(rs)  # == takes -0.0 for 0.0
    assert again.to_json() == text


def _bits(rs: RuleSet) -> list:
    """Every number of the rules and the default, bit for bit."""
    def exact(v):
        return float(v).hex() if isinstance(v, float) else v
    return [([(c.feature, c.op, sorted(c.value) if c.is_categorical else exact(c.value)) for c in r.conditions],
             exact(r.prediction), [exact(p) for p in r.proba or ()],
             [exact(getattr(r, k)) for k in ("coverage", "agreement", "error")])
            for r in rs.rules + [rs.default]]


@settings(max_examples=40, deadline=None)
@given(st.one_of(rule_sets(), rule_sets(regression=True)), st.integers(0, 2**31 - 1))
def test_decision_regions_partition_and_dnf_agree_with_predict(rs: RuleSet, seed: int) -> None:
    Z = _rows(np.random.default_rng(seed), 80)
    regions = list(rs.decision_regions())
    inside = np.array([box.contains(Z) for _, box in regions]).reshape(len(regions), len(Z))
    assert (inside.sum(axis=0) == 1).all()  # disjoint and covering
    owner = np.array([i for i, _ in regions])[inside.argmax(axis=0)]
    assert owner.tolist() == rs.apply_encoded(Z).tolist()
    pred = rs.predict_encoded(Z)
    dnf = rs.as_dnf()
    assert set(pred.tolist()) <= set(dnf)
    for label, terms in dnf.items():
        hit = np.zeros(len(Z), dtype=bool)
        for term in terms:
            hit |= Rule(term, 0).evaluate(Z)
        assert (hit == (pred == label)).all()


@settings(max_examples=40, deadline=None)
@given(rule_sets(), st.integers(0, 2**31 - 1))
def test_rule_regions_are_the_rules_boxes(rs: RuleSet, seed: int) -> None:
    Z = _rows(np.random.default_rng(seed), 50)
    regions = list(rs.rule_regions())
    assert [i for i, _ in regions] == list(range(rs.size + 1))
    for (i, box), rule in zip(regions, rs.rules + [rs.default]):
        assert (box.contains(Z) == rule.evaluate(Z)).all()
        assert (Rule(box_conditions(box, DOMAIN), 0).evaluate(Z) == rule.evaluate(Z)).all()


def _example() -> RuleSet:
    rules = [Rule((Condition(0, ">", 5.0), Condition(3, "in", {0, 2})), 2, proba=(0.1, 0.1, 0.8),
                  coverage=0.31, agreement=0.98),
             Rule((Condition(2, "<=", 1.5),), 1, coverage=0.2, agreement=0.9)]
    return RuleSet(DOMAIN, "classification", CLASSES, rules, Rule((), 0, coverage=0.49, agreement=0.95))


def test_readable_text_names_features_and_categories() -> None:
    text = str(_example())
    assert text.splitlines() == [
        "RuleSet (classification, 2 rules, 3 literals)",
        "IF age > 5 AND colour in {'red', 'blue'} THEN yes   (coverage 31%, teacher agreement 98%)",
        "ELSE IF kids <= 1.5 THEN maybe   (coverage 20%, teacher agreement 90%)",
        "ELSE no   (coverage 49%, teacher agreement 95%)",
    ]
    rs = _example()
    assert rs.size == 2 and rs.n_literals == 3


def test_predict_takes_user_rows_with_category_labels() -> None:
    rs = _example()
    X = np.array([[6.0, 1.0, 3, "blue"], [6.0, 1.0, 3, "green"], [1.0, 1.0, 1, "green"]], dtype=object)
    assert rs.predict(X).tolist() == ["yes", "no", "maybe"]
    np.testing.assert_allclose(rs.predict_proba(X)[0], [0.1, 0.1, 0.8])
    np.testing.assert_allclose(rs.predict_proba(X)[1], [1.0, 0.0, 0.0])


def test_regression_rule_set() -> None:
    rs = RuleSet(DOMAIN, "regression", None, [Rule((Condition(0, "<=", 2.0),), 1.5, error=0.1)], Rule((), -3.0))
    Z = np.array([[1.0, 0, 0, 0], [3.0, 0, 0, 0]])
    assert rs.predict_encoded(Z).tolist() == [1.5, -3.0]
    assert "THEN 1.5" in str(rs) and "ELSE -3" in str(rs)
    with pytest.raises(TypeError, match="classification"):
        rs.predict_proba_encoded(Z)
    assert rs.as_dnf().keys() == {1.5, -3.0}


def test_condition_validation_and_negation() -> None:
    with pytest.raises(ValueError, match="op must be one of"):
        Condition(0, "<", 1.0)
    with pytest.raises(TypeError, match="numeric threshold"):
        Condition(0, "<=", "1.0")
    with pytest.raises(TypeError, match="set of category codes"):
        Condition(3, "in", "red")
    with pytest.raises(ValueError, match="finite"):
        Condition(0, ">", float("inf"))
    with pytest.raises(ValueError, match="non-negative integer index"):
        Condition(-1, ">", 1.0)
    Z = _rows(np.random.default_rng(0), 100)
    for c in (Condition(0, "<=", 5.0), Condition(3, "in", [1, 3])):
        assert (c.negate().evaluate(Z) == ~c.evaluate(Z)).all()
        assert c.negate().negate() == c
    assert Condition(3, "not in", [0]).describe(DOMAIN) == "colour not in {'red'}"


def test_model_checks_against_its_domain() -> None:
    with pytest.raises(ModelFormatError, match="tests feature 7"):
        RuleSet(DOMAIN, "classification", CLASSES, [Rule((Condition(7, ">", 1.0),), 0)], Rule((), 0))
    with pytest.raises(ModelFormatError, match="expected 'in' / 'not in'"):
        RuleSet(DOMAIN, "classification", CLASSES, [Rule((Condition(3, ">", 1.0),), 0)], Rule((), 0))
    with pytest.raises(ModelFormatError, match="out of range"):
        RuleSet(DOMAIN, "classification", CLASSES, [Rule((Condition(3, "in", {9}),), 0)], Rule((), 0))
    with pytest.raises(ModelFormatError, match="class index 3"):
        RuleSet(DOMAIN, "classification", CLASSES, [Rule((), 3)], Rule((), 0))
    with pytest.raises(ModelFormatError, match="default rule must have no conditions"):
        RuleSet(DOMAIN, "classification", CLASSES, [], Rule((Condition(0, ">", 1.0),), 0))


def _payload() -> dict:
    return _example().to_dict()


@pytest.mark.parametrize("mutate, message", [
    (lambda d: d.pop("rules"), "missing field 'rules'"),
    (lambda d: d.update(rules="x"), "field 'rules' should be list"),
    (lambda d: d["rules"][0]["conditions"][0].update(op="<"), "op must be one of"),
    (lambda d: d["rules"][0]["conditions"][0].update(value="5"), "needs a number"),
    (lambda d: d["rules"][0]["conditions"][1].update(value=3), "needs a list of category codes"),
    (lambda d: d["rules"][0]["conditions"][1].update(value=[0.5]), "category codes must be integers"),
    (lambda d: d["rules"][0]["conditions"][0].pop("feature"), "missing field 'feature'"),
    (lambda d: d["rules"][0]["conditions"][0].update(feature=12), "tests feature 12"),
    (lambda d: d["rules"][0].update(prediction=True), "must be a number"),
    (lambda d: d["rules"][0].update(prediction=5), "class index 5"),
    (lambda d: d["rules"][0].update(proba=[0.5, 0.5]), "2 class probabilities"),
    (lambda d: d["rules"][0].update(coverage="high"), "'coverage' must be a number"),
    (lambda d: d["rules"][0].update(coverage=31), r"coverage is a share of rows, in \[0, 1\], got 31"),
    (lambda d: d["default"].update(agreement=1.5), r"agreement is a share of rows, in \[0, 1\], got 1.5"),
    (lambda d: d["rules"].append(7), "rule 2 should be an object"),
    (lambda d: d.update(default={"conditions": [{"feature": 0, "op": ">", "value": 1}], "prediction": 0}),
     "default rule must have no conditions"),
    (lambda d: d.update(task="ranking"), "task must be"),
    (lambda d: d.update(classes=None), "needs a non-empty 1-D 'classes'"),
    (lambda d: d.update(meta=[1]), "'meta' should be an object"),
])
def test_malformed_json_raises_model_format_error(mutate, message: str) -> None:
    d = _payload()
    mutate(d)
    with pytest.raises(ModelFormatError, match=message):
        sd.load(json.dumps(d))


@pytest.mark.parametrize("mutate, where", [
    (lambda c: c.update(op="<"), "condition 0 of rule 1"),
    (lambda c: c.update(op="=="), "condition 0 of rule 1"),
    (lambda c: c.pop("op"), "condition 0 of rule 1"),
    (lambda c: c.pop("value"), "condition 0 of rule 1"),
    (lambda c: c.pop("feature"), "condition 0 of rule 1"),
    (lambda c: c.update(feature=1.0), "condition 0 of rule 1"),
    (lambda c: c.update(feature=-1), "condition 0 of rule 1"),
    (lambda c: c.update(value="1.5"), "condition 0 of rule 1"),
    (lambda c: c.update(op="in"), "condition 0 of rule 1"),
    (lambda c: c.update(op="in", value=[-1]), "condition 0 of rule 1"),
    (lambda c: c.update(op="in", value=[0.5]), "condition 0 of rule 1"),
])
def test_a_malformed_condition_is_named_by_its_rule_and_place(mutate, where: str) -> None:
    """In a list of many rules, 'condition op must be one of ...' or 'missing field 'op'' alone left the
    user to search every condition for the one at fault."""
    d = _payload()
    mutate(d["rules"][1]["conditions"][0])
    with pytest.raises(ModelFormatError, match=where):
        sd.load(json.dumps(d))


@pytest.mark.parametrize("mutate, where", [
    (lambda d: d["rules"][1].pop("prediction"), "rule 1"),
    (lambda d: d["rules"][1].update(prediction="yes"), "rule 1"),
    (lambda d: d["rules"][1].update(prediction=True), "rule 1"),
    (lambda d: d["rules"][1].pop("conditions"), "rule 1"),
    (lambda d: d["rules"][1].update(proba=[0.5, -0.5, 1.0]), "rule 1"),
    (lambda d: d["rules"][1].update(proba="high"), "rule 1"),
    (lambda d: d["rules"][1].update(coverage="high"), "rule 1"),
    (lambda d: d["rules"][1].update(agreement=2), "rule 1"),
    (lambda d: d["rules"][1]["conditions"].append([0, "<=", 1]), "condition 1 of rule 1"),
    (lambda d: d["default"].update(prediction="no"), "the default rule"),
])
def test_a_malformed_rule_is_named(mutate, where: str) -> None:
    d = _payload()
    mutate(d)
    with pytest.raises(ModelFormatError, match=where):
        sd.load(json.dumps(d))


def test_a_class_index_written_as_a_float_says_so() -> None:
    """'rule 1 predicts class index 1.0; expected 0..2' named a value inside the range it gave."""
    d = _payload()
    d["rules"][1]["prediction"] = 1.0
    with pytest.raises(ModelFormatError, match=r"rule 1 predicts class index 1\.0, a float; expected a whole "
                                               r"number in 0\.\.2 \(the index of its class in 'classes'\), written 1"):
        sd.load(json.dumps(d))
    d["rules"][1]["prediction"] = 1.5
    with pytest.raises(ModelFormatError, match=r"rule 1 predicts class index 1\.5, a float; expected a whole number "
                                               r"in 0\.\.2 \(the index of its class in 'classes'\)$"):
        sd.load(json.dumps(d))


def test_non_finite_numbers_are_rejected() -> None:
    d = _payload()
    d["rules"][0]["conditions"][0]["value"] = float("nan")
    with pytest.raises(ModelFormatError, match="finite"):
        sd.load(d)


def test_a_rule_without_conditions_in_the_list_reads_as_true() -> None:
    """Hand-built or loaded lists may hold a rule with no conditions before the default: it printed
    as ``ELSE IF 2.5``, a line with no condition and no THEN."""
    rules = [Rule((Condition(0, ">", 5.0),), 1.5), Rule((), 2.5)]
    rs = RuleSet(DOMAIN, "regression", None, rules, Rule((), 3.5))
    assert str(rs).splitlines()[1:] == ["IF age > 5 THEN 1.5", "ELSE IF TRUE THEN 2.5", "ELSE 3.5"]
    first = RuleSet(DOMAIN, "classification", CLASSES, [Rule((), 1)], Rule((), 0))
    assert str(first).splitlines()[1:] == ["IF TRUE THEN maybe", "ELSE no"]


def test_the_header_counts_one_literal_in_the_singular() -> None:
    """A one-rule, one-literal list (what a single-threshold teacher gives) was headed '1 rule, 1 literals'."""
    rs = RuleSet(DOMAIN, "classification", CLASSES, [Rule((Condition(0, ">", 5.0),), 1)], Rule((), 0))
    assert str(rs).splitlines()[0] == "RuleSet (classification, 1 rule, 1 literal)"


def test_names_that_are_not_plain_words_print_between_backticks():
    """A name holding ' AND ', '>' or a newline made a printed rule read two ways (or split it over
    lines); such names print as the constraint language writes them, plain names stay bare."""
    X = np.random.default_rng(0).uniform(size=(300, 3))
    f = lambda X: ((X[:, 0] > .5) & (X[:, 1] > .5)).astype(int)  # noqa: E731
    names = ["a > 1 AND b", "new\nline", "plain_name"]
    rules = sd.distill(f, X, form="rules", max_size=2, random_state=0, feature_names=names)
    text = str(rules)
    assert "`a > 1 AND b` > 0.5" in text and "`new\\nline` > 0.5" in text
    assert len(text.splitlines()) == rules.size + 3  # header, rules, default, and that thresholds are rounded
    assert text.splitlines()[-1].startswith("# thresholds rounded down")
    tree = sd.distill(f, X, form="tree", max_size=3, random_state=0, feature_names=names)
    assert "`a > 1 AND b` <= 0.5" in str(tree)
    assert sd.Feature("plain_name").display_name == "plain_name"
    assert sd.Feature("and").display_name == "`and`"


def test_regions_skip_rules_that_decide_nothing_and_boxes_the_cut_misses() -> None:
    """A rule whose conditions contradict each other gave an empty region and a DNF term that never
    holds, and subtracting it (or any box a piece does not meet) split pieces along its bounds:
    ``b > 5`` came out as ``(age <= 5 AND b > 5) OR (age > 5 AND b > 5)``."""
    contradictory = Rule((Condition(0, ">", 5.0), Condition(0, "<=", 2.0)), 2)
    rs = RuleSet(DOMAIN, "classification", CLASSES, [contradictory, Rule((Condition(1, ">", 5.0),), 1)], Rule((), 0))
    assert [i for i, _ in rs.decision_regions()] == [1, 2]
    assert rs.as_dnf() == {"maybe": [(Condition(1, ">", 5.0),)], "no": [(Condition(1, "<=", 5.0),)]}
    # the default's piece outside the first rule's colours does not meet the second rule: not split
    shadowed = [Rule((Condition(3, "in", {0}),), 2), Rule((Condition(3, "in", {0}), Condition(0, ">", 3.0)), 1)]
    rs = RuleSet(DOMAIN, "classification", CLASSES, shadowed, Rule((), 0))
    assert rs.as_dnf() == {"yes": [(Condition(3, "in", {0}),)], "no": [(Condition(3, "not in", {0}),)]}


def test_dnf_of_rules_predicting_one_class_is_those_rules() -> None:
    """as_dnf cut every rule out of all earlier ones, so a class decided by k rules came out as far
    more than k terms (16-rule lists: 11,592 terms for the rules' class on MAGIC, 29,634 on adult); a rule now
    only leaves out earlier rules that predict something else, and the class reads as its rules."""
    first, second = (Condition(0, ">", 5.0), Condition(3, "in", {0, 2})), (Condition(1, ">", 5.0),)
    other = (Condition(2, "<=", 1.5),)
    rs = RuleSet(DOMAIN, "classification", CLASSES, [Rule(first, 2), Rule(second, 2), Rule(other, 1)], Rule((), 0))
    dnf = rs.as_dnf()
    assert dnf["yes"] == [first, second]
    Z = _rows(np.random.default_rng(0), 2000)
    terms = {label: np.array([Rule(t, 0).evaluate(Z) for t in ts]) for label, ts in dnf.items()}
    for label, hit in terms.items():
        assert (hit.any(axis=0) == (rs.predict_encoded(Z) == label)).all()
    assert not (terms["maybe"].any(axis=0) & terms["yes"].any(axis=0)).any()


def test_shares_that_round_to_0_or_100_percent_do_not_print_as_such() -> None:
    """A rule found for a rare class (0.3% of the data) printed 'coverage 0%', as if it decided
    nothing, and a teacher agreement of 99.6% printed as 100%."""
    rare = Rule((Condition(0, ">", 9.5), Condition(1, ">", 9.5)), 1, coverage=0.0027, agreement=0.996)
    rs = RuleSet(DOMAIN, "classification", CLASSES, [rare], Rule((), 0, coverage=0.9973, agreement=1.0))
    assert str(rs).splitlines()[1:] == [
        "IF age > 9.5 AND income > 9.5 THEN maybe   (coverage <1%, teacher agreement >99%)",
        "ELSE no   (coverage >99%, teacher agreement 100%)",
    ]
    # what the learner measures for a rule every row of which the teacher agrees with: weights summed
    # in two orders; that is 100%, not '>99%'
    exact = Rule((Condition(0, ">", 9.5),), 1, coverage=1.0000000000000007, agreement=0.9999999999999737)
    rs = RuleSet(DOMAIN, "classification", CLASSES, [exact], Rule((), 0, coverage=2e-16, agreement=1.0))
    assert str(rs).splitlines()[1:] == ["IF age > 9.5 THEN maybe   (coverage 100%, teacher agreement 100%)",
                                        "ELSE no   (coverage 0%, teacher agreement 100%)"]


def test_a_class_label_with_a_line_break_prints_on_its_rules_line() -> None:
    """A label holding a newline was printed raw, so it split its rule and could forge one:
    'THEN yes' followed by a line 'ELSE IF age > 0 THEN no' that is no rule of the list."""
    classes = np.array(["yes\nELSE IF age > 0 THEN no", "ok"])
    rs = RuleSet(DOMAIN, "classification", classes, [Rule((Condition(0, ">", 5.0),), 0)], Rule((), 1))
    assert str(rs).splitlines()[1:] == ["IF age > 5 THEN 'yes\\nELSE IF age > 0 THEN no'", "ELSE ok"]


def test_a_hand_built_domain_takes_categories_as_an_array_and_refuses_repeats() -> None:
    """Feature(..., categories=np.unique(column)) failed with NumPy's 'truth value of an array ...
    is ambiguous'; a tuple of NumPy strings printed rules as "colour in {np.str_('blue')}"; and
    categories ('red', 'red') were taken, so a row 'red' got code 1 and 'colour in {red}' (code 0)
    never held."""
    colours = np.unique(np.array(["red", "blue", "red"]))
    for cats in (colours, tuple(colours)):
        dom = Domain((Feature("colour", "categorical", categories=cats), Feature("a")))
        assert dom.features[0].categories == ("blue", "red")
        rs = RuleSet(dom, "classification", np.array(["no", "yes"]), [Rule((Condition(0, "in", [0]),), 1)], Rule((), 0))
        assert str(rs).splitlines()[1] == "IF colour in {'blue'} THEN yes"
        assert rs.predict(np.array([["blue", 0.5], ["red", 0.5]], dtype=object)).tolist() == ["yes", "no"]
    with pytest.raises(ValueError, match="category 'red' is given twice"):
        Feature("colour", "categorical", categories=("red", "red"))
    with pytest.raises(ValueError, match=r"category True is given twice \(as 1 too"):
        Feature("flag", "categorical", categories=(1, True))
    with pytest.raises(TypeError, match="categories must be a sequence of labels, got 'rgb'"):
        Feature("colour", "categorical", categories="rgb")

"""The constraint language: parsing, positioned errors, binding to a model's features and classes."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pytest

import symdistill as sd
from symdistill.domain import Domain, Feature
from symdistill.models import Condition, Rule, RuleSet
from symdistill.verify import ConstraintError, ConstraintSyntaxError, parse
from symdistill.verify import formula as F
from symdistill.verify import language as L

DOM = Domain((Feature("age", "integer", 0, 90), Feature("income", "numeric", 0.0, 100.0),
              Feature("sex", "categorical", 0, 1, ("F", "M")), Feature("capital-gain", "numeric", 0.0, 10.0)))
CLASSES = np.array(["approve", "deny"])


def bind(text: str) -> F.Formula:
    return F.bind_text(text, DOM, "classification", CLASSES)


def truth(text: str, rows: list[list[float]], preds: list[int]) -> list[bool]:
    return F.evaluate(bind(text), np.array(rows, dtype=float), np.array(preds)).tolist()


def test_parse_builds_plain_data_with_precedence() -> None:
    ast = parse("a < 1 or b > 2 and not c == 3 -> prediction in {'x', 'y'}")
    assert isinstance(ast, L.Implies)
    assert isinstance(ast.left, L.Or)
    assert isinstance(ast.left.items[1], L.And)
    assert isinstance(ast.left.items[1].items[1], L.Not)
    assert ast.right == L.Member(L.Prediction(), (L.String("x"), L.String("y")))


def test_implication_is_right_associative_and_parentheses_group() -> None:
    assert parse("a < 1 -> b < 2 -> c < 3") == L.Implies(
        L.Compare("<", L.Name("a"), L.Number(1.0)),
        L.Implies(L.Compare("<", L.Name("b"), L.Number(2.0)), L.Compare("<", L.Name("c"), L.Number(3.0))))
    grouped = parse("(a < 1 -> b < 2) -> c < 3")
    assert isinstance(grouped.left, L.Implies)
    arith = parse("(a + b) * 2 <= 3")
    assert isinstance(arith, L.Compare) and isinstance(arith.left, L.BinOp)


def test_backticks_strings_and_numbers() -> None:
    ast = parse("`capital-gain` >= -1.5e2 and sex != \"F\" and `prediction` == 'it''s'".replace("'it''s'", "'it\\'s'"))
    names = [n for n in ast.items]
    assert names[0] == L.Compare(">=", L.Name("capital-gain"), L.Neg(L.Number(150.0)))
    assert names[1] == L.Compare("!=", L.Name("sex"), L.String("F"))
    assert names[2] == L.Compare("==", L.Name("prediction"), L.String("it's"))


@pytest.mark.parametrize("text, position, fragment", [
    ("age <", 5, "expected a number, string, feature name or 'prediction'"),
    ("age < 18 ->", 11, "expected"),
    ("age = 18", 4, "use == for equality"),
    ("age < 18 && income > 1", 9, "use 'and', 'or', 'not'"),
    ("sex in {'F' 'M'}", 12, "',' or '}'"),
    ("(age < 18", 9, "')'"),
    ("age < 18)", 8, "the end of the constraint"),
    ("name == 'unterminated", 8, "unterminated string"),
    ("`open name < 3", 0, "unterminated `quoted name`"),
    ("", 0, "empty"),
    ("age < 18 and", 12, "expected"),
    ("prediction < and", 13, "keyword 'and'"),
    ("`a\\x4` > 1", 2, "bad escape \\x"),
    ("s == 'ab\\u12'", 8, "4 hexadecimal digits"),
    ("`a\\` > 1", 0, "unterminated `quoted name`"),
    # a number glued to a word was cut in two, and the error named the word's tail: found 'x10'
    ("age < 0x10", 6, "number '0' at position 6 runs into 'x10': write numbers in decimal"),
    ("age < 1_000", 6, "runs into '_000'"),
    ("2x < 3", 0, "a feature whose name starts with a digit between backticks (`2x`)"),
    ("age < 1.5.2", 6, "number '1.5' at position 6 runs into '.2'"),
    # keywords are lower-case
    ("age < 18 AND income > 2", 9, "found 'AND' (keywords are lower-case: 'and', not 'AND')"),
    ("NOT age < 18", 4, "found 'age' (keywords are lower-case: 'not', not 'NOT')"),
])
def test_syntax_errors_point_at_the_offending_position(text: str, position: int, fragment: str) -> None:
    with pytest.raises(ConstraintSyntaxError) as info:
        parse(text)
    err = info.value
    assert err.position == position
    assert fragment in str(err)
    if text:
        caret_line = str(err).splitlines()[-1]
        assert caret_line.index("^") - 2 == position  # the caret sits under the offending character
    assert isinstance(err, ValueError)


def test_unknown_feature_is_named_with_a_suggestion_and_position() -> None:
    with pytest.raises(ConstraintError) as info:
        bind("income > 3 and agee < 18")
    msg = str(info.value)
    assert "unknown feature 'agee'" in msg and "did you mean 'age'" in msg
    assert info.value.position == 15


# adult's columns as a user writes them in a constraint, without backticks: each read as another
# constraint (`education - num`, `marital - status`), and the error named a part of the name
# ('capital'; "did you mean 'capital-loss'?" for capital-gain) or blamed the string compared with it
ADOM = Domain((Feature("education", "categorical", 0, 1, ("Bachelors", "HS-grad")),
               Feature("education-num", "integer", 1, 16), Feature("capital-gain", "numeric", 0.0, 99999.0),
               Feature("capital-loss", "numeric", 0.0, 4356.0),
               Feature("marital-status", "categorical", 0, 1, ("Married-civ-spouse", "Never-married")),
               Feature("hours per week", "integer", 1, 99)))


@pytest.mark.parametrize("text, name", [
    ("`education-num` > 3 and capital-gain > 5000 -> prediction == 'deny'", "capital-gain"),
    ("education-num <= 8 -> prediction == 'deny'", "education-num"),
    ("marital-status == 'Never-married' -> prediction == 'deny'", "marital-status"),
    ("hours per week > 40 -> prediction == 'approve'", "hours per week"),
])
def test_a_name_that_needs_backticks_written_without_them_is_named(text: str, name: str) -> None:
    with pytest.raises(ConstraintError) as info:
        F.bind_text(text, ADOM, "classification", CLASSES)
    msg = str(info.value)
    assert f"'{name}' is a feature: write its name between backticks, `{name}`" in msg
    assert info.value.position == text.index(name)
    assert "did you mean 'capital-loss'" not in msg


# features x and `x-1`: `x-1 > 0` read as x minus 1, and was proven of x; the user wrote the feature's name
XDOM = Domain((Feature("x", "numeric", 0.0, 3.0), Feature("x-1", "numeric", -2.0, 2.0)))


@pytest.mark.parametrize("text, name, arithmetic", [
    ("x-1 > 0 -> prediction == 'deny'", "x-1", "x - 1"),
    ("x > 1 and 2*x-1 <= 0.5", "x-1", "x - 1"),
])
def test_arithmetic_that_spells_a_feature_needing_backticks_is_refused(text: str, name: str, arithmetic: str) -> None:
    with pytest.raises(ConstraintError) as info:
        F.bind_text(text, XDOM, "classification", CLASSES)
    msg = str(info.value)
    assert f"{name!r} here is both the feature `{name}` and the arithmetic {arithmetic}" in msg
    assert f"write `{name}` for the feature, or {arithmetic} for the arithmetic" in msg
    assert info.value.position == text.index(name)


def test_arithmetic_with_spaces_and_backticked_names_still_bind() -> None:
    rows = np.array([[2.5, -1.0], [0.5, 1.0]])
    for text, want in [("x - 1 > 0", [True, False]), ("`x-1` > 0", [False, True]), ("x -1 > 0", [True, False]),
                       ("x-1.5 > 0", [True, False]), ("`x`-1 > 0", [True, False])]:
        f = F.bind_text(text, XDOM, "classification", CLASSES)
        assert F.evaluate(f, rows, np.array([0, 0])).tolist() == want, text


@pytest.mark.parametrize("text, fragment", [
    ("prediction == 'maybe'", "unknown class 'maybe'"),
    ("sex == 'X'", "unknown category 'X'"),
    ("sex < 'M'", "unordered"),
    ("prediction > 1", "a classifier's prediction is unordered"),
    ("prediction + 1 > 1", "a classifier's prediction is a label"),
    ("age * income < 3", "only linear arithmetic"),
    ("income == 'high'", "a string can only be compared"),
    ("sex + 1 < 2", "categorical feature 'sex' cannot be used in arithmetic"),
    ("age in {'a'}", "must hold numbers"),
])
def test_type_errors_are_clear(text: str, fragment: str) -> None:
    with pytest.raises(ConstraintError, match=fragment):
        bind(text)


EDUCATION = ("Preschool", "1st-4th", "5th-6th", "7th-8th", "9th", "10th", "11th", "12th", "HS-grad", "Some-college",
             "Assoc-voc", "Assoc-acdm", "Bachelors", "Masters", "Prof-school", "Doctorate", "naïve")
EDOM = Domain((Feature("education", "categorical", 0, len(EDUCATION) - 1, EDUCATION),
               Feature("grade", "categorical", 0, 2, ("1", "2", "3")), Feature("year", "categorical", 0, 1, (2020, 2021))))


@pytest.mark.parametrize("text, fragment", [
    # the list of categories stops at 12: the one meant is named, not left to be found
    ("education in {'HS-grad', 'Master'}", "unknown category 'Master' (did you mean 'Masters'?); categories of "
                                           "'education': 'Preschool', "),
    ("education == 'masters'", "unknown category 'masters' (did you mean 'Masters'?)"),
    # the same letters with other Unicode code points (a decomposed accent) print alike
    ("education == 'nai\\u0308ve'", "(did you mean 'na\\xefve'? it is written 'nai\\u0308ve', with other Unicode "
                                     "code points)"),
    ("grade not in {1}", "unknown category 1 (did you mean '1'? it is a string: quote it)"),
    ("year == '2021'", "unknown category '2021' (did you mean 2021? it is a number: write it without quotes)"),
    ("prediction in {'aprove'}", "unknown class 'aprove' (did you mean 'approve'?); the model's classes: "),
    ("education == 'zzz'", "unknown category 'zzz'; categories of 'education'"),
])
def test_unknown_labels_name_the_one_meant(text: str, fragment: str) -> None:
    """An unknown category or class was reported with at most 12 of the labels and no hint; a
    category beyond those, one that differs only in case or Unicode form, or a number written as
    a string (or the reverse), left the user guessing."""
    with pytest.raises(ConstraintError) as info:
        F.bind_text(text, EDOM, "classification", CLASSES)
    assert fragment in str(info.value)


BOOLS = Domain((Feature("flag", "categorical", 0, 1, (False, True)), Feature("word", "categorical", 0, 1, ("true", "no"))))


@pytest.mark.parametrize("text, classes, fragment", [
    # a boolean written as a string, or a string 'true' written as the boolean: the list printed
    # (False, True or 'true', 'no') showed the label meant, with no word on how to write it
    ("prediction == 'True'", np.array([False, True]),
     "unknown class 'True' (did you mean True? it is a boolean: write true, without quotes); the model's "
     "classes: False, True"),
    ("prediction != 'false'", np.array([False, True]), "(did you mean False? it is a boolean: write false, "),
    ("prediction != true", np.array(["1", "true", "wife's"]),
     "unknown class true (did you mean 'true'? it is a string: quote it); the model's classes: '1', 'true'"),
    ("flag in {'true'}", CLASSES, "unknown category 'true' (did you mean True? it is a boolean: write true, "),
    ("word == true", CLASSES, "unknown category true (did you mean 'true'? it is a string: quote it)"),
    ("word == false", CLASSES, "unknown category false; categories of 'word'"),
])
def test_booleans_and_strings_that_read_alike_name_the_label_meant(text: str, classes: Any, fragment: str) -> None:
    with pytest.raises(ConstraintError) as info:
        F.bind_text(text, BOOLS, "classification", classes)
    assert fragment in str(info.value)


def test_binding_semantics_on_rows() -> None:
    rows = [[17, 50.0, 0, 1.0], [18, 50.0, 1, 1.0], [40, 99.5, 1, 9.0]]
    assert truth("age < 18 -> prediction != 'approve'", rows, [0, 0, 0]) == [False, True, True]
    assert truth("age <= 17.5", rows, [0, 0, 0]) == [True, False, False]
    assert truth("sex in {'M'} and income >= 50", rows, [0, 0, 0]) == [False, True, True]
    assert truth("sex not in {'M'}", rows, [0, 0, 0]) == [True, False, False]
    assert truth("not (age != 18)", rows, [0, 0, 0]) == [False, True, False]
    assert truth("age in {17, 40}", rows, [0, 0, 0]) == [True, False, True]
    assert truth("age not in {17, 40}", rows, [0, 0, 0]) == [False, True, False]
    assert truth("age + 2 * `capital-gain` > 25", rows, [0, 0, 0]) == [False, False, True]
    assert truth("18 <= age", rows, [0, 0, 0]) == [False, True, True]
    assert truth("prediction in {'deny'} or true", rows, [0, 1, 0]) == [True, True, True]
    assert truth("false -> prediction == 'deny'", rows, [0, 0, 0]) == [True, True, True]


def test_negation_has_no_float_gap() -> None:
    # x < 18 and its negation partition every float: the values next to 18 fall on one side each.
    below = bind("income < 18")
    above = F.bind_text("income < 18", DOM, "classification", CLASSES, negate=True)
    xs = np.array([np.nextafter(18.0, 0), 18.0, np.nextafter(18.0, 99)])
    Z = np.column_stack([np.zeros(3), xs, np.zeros(3), np.zeros(3)])
    a, b = F.evaluate(below, Z, np.zeros(3)), F.evaluate(above, Z, np.zeros(3))
    assert (a ^ b).all() and a.tolist() == [True, False, False]


def test_regression_prediction_ranges() -> None:
    f = F.bind_text("prediction >= 2 and prediction != 3", DOM, "regression", None)
    out = np.array([1.0, 2.0, 3.0, 4.0])
    assert F.evaluate(f, np.zeros((4, 4)), out).tolist() == [False, True, False, True]


AWKWARD = ("new\nline", "tick`x", "back\\slash", "C:\\new", "end\\", "a\u200bb")
LABELS = ("x\ny", "z\u200bw", "a'b", "t\\u", "q\"'")


def test_printed_names_and_labels_paste_back_into_constraints() -> None:
    """A printed condition pasted into a constraint names the same feature and categories: a
    backtick in a name ended the `quoted name` early, a newline printed as \\n was read as a
    backslash and an n (and named no feature, or another one: a name holding a backslash and an
    n printed the same), and a label printed as 'x\\ny' or 'z\\u200bw' was read as 'xny'."""
    dom = Domain(tuple(Feature(n, "numeric", 0.0, 10.0) for n in AWKWARD)
                 + (Feature("cat", "categorical", 0, len(LABELS) - 1, LABELS),))
    for j, name in enumerate(AWKWARD):
        text = Condition(j, ">", 2.5).describe(dom)
        assert parse(text) == L.Compare(">", L.Name(name), L.Number(2.5)), text
    for code, label in enumerate(LABELS):
        text = Condition(len(AWKWARD), "in", frozenset({code})).describe(dom)
        assert parse(text) == L.Member(L.Name("cat"), (L.String(label),)), text
    rules = RuleSet(dom, "classification", np.array(["no", "yes"]),
                    [Rule((Condition(0, ">", 2.5), Condition(len(AWKWARD), "in", frozenset({0, 1}))), 1)], Rule((), 0))
    condition = str(rules).splitlines()[1].removeprefix("IF ").split(" THEN ")[0].replace(" AND ", " and ")
    assert sd.verify(rules, f"{condition} -> prediction == 'yes'").holds
    assert sd.verify(rules, f"not ({condition}) -> prediction == 'no'").holds


LEVELS = ("low", "mid level", "high", "top")  # declared order, not alphabetical
ODOM = Domain((Feature("edu level", "categorical", 0, 3, LEVELS), Feature("age", "integer", 0, 90),
               Feature("sex", "categorical", 0, 1, ("F", "M"))), "dataframe",
              ("category[ordered]", "int64", "category"), ("edu level", "age", "sex"))


@pytest.mark.parametrize("text, codes", [
    ("`edu level` > 'low'", {1, 2, 3}),
    ("`edu level` >= 'mid level'", {1, 2, 3}),
    ("`edu level` < 'high'", {0, 1}),
    ("`edu level` <= 'low'", {0}),
    ("`edu level` < 'low'", set()),
    ("'high' < `edu level`", {3}),
    ("not (`edu level` > 'mid level')", {0, 1}),
])
def test_ordered_categorical_compares_in_its_declared_order(text: str, codes: set) -> None:
    """An ordered pandas Categorical ('category[ordered]' in column_dtypes) was refused as
    unordered; its categories compare in the Categorical's order (codes follow it)."""
    f = F.bind_text(text, ODOM, "classification", CLASSES)
    Z = np.array([[c, 30, 0] for c in range(4)], dtype=float)
    assert set(np.flatnonzero(F.evaluate(f, Z, np.zeros(4)))) == codes
    neg = F.bind_text(text, ODOM, "classification", CLASSES, negate=True)
    assert set(np.flatnonzero(F.evaluate(neg, Z, np.zeros(4)))) == {0, 1, 2, 3} - codes


@pytest.mark.parametrize("text, negate, fragment", [
    ("sex > 'F'", False, "categorical feature 'sex' is unordered: use ==, != or 'in', not '>'"),
    ("sex > 'F'", True, "not '>'"),  # the operator written, not the negated one bound for violations
    ("`edu level` > 'medium'", False, "unknown category 'medium'"),
    ("`edu level` + 1 > 2", False, "ordered categorical feature 'edu level' cannot be used in arithmetic"),
])
def test_order_errors_on_categoricals(text: str, negate: bool, fragment: str) -> None:
    with pytest.raises(ConstraintError, match=re.escape(fragment)):
        F.bind_text(text, ODOM, "classification", CLASSES, negate=negate)


def test_monotonic_follows_an_ordered_categorical_and_refuses_an_unordered_one() -> None:
    rules = RuleSet(ODOM, "classification", CLASSES, [], Rule((), 0))
    assert sd.verify(rules, sd.monotonic("edu level", target="deny")).holds
    with pytest.raises(ValueError, match="'sex' is categorical and unordered: its categories have no order; use a "
                                         "numeric, integer or binary feature, or an ordered pandas Categorical"):
        sd.verify(rules, sd.monotonic("sex", target="deny"))
    assert sd.verify(rules, "`edu level` >= 'high' -> prediction == 'approve'").holds


BDOM = Domain((Feature("is male", "binary", 0, 1), Feature("age", "integer", 0, 90),
               Feature("flag", "categorical", 0, 1, (False, True))))


def test_true_and_false_parse_as_values_next_to_a_comparison() -> None:
    assert parse("`is male` == true") == L.Compare("==", L.Name("is male"), L.Bool(True))
    assert parse("false != x") == L.Compare("!=", L.Bool(False), L.Name("x"))
    assert parse("x in {true, false}") == L.Member(L.Name("x"), (L.Bool(True), L.Bool(False)))
    assert parse("(x == false) -> true") == L.Implies(L.Compare("==", L.Name("x"), L.Bool(False)), L.Bool(True))
    assert parse("true and not false") == L.And((L.Bool(True), L.Not(L.Bool(False))))


def test_a_binary_feature_compares_with_true_and_false() -> None:
    """`is male` == true was a syntax error while `is male` == 1 worked."""
    Z = np.array([[0, 30, 0], [1, 30, 1]], dtype=float)

    def rows(text: str, task: str = "classification", classes: Any = CLASSES) -> list[bool]:
        return F.evaluate(F.bind_text(text, BDOM, task, classes), Z, np.array([0, 1])).tolist()

    assert rows("`is male` == true") == rows("`is male` == 1") == [False, True]
    assert rows("false == `is male`") == rows("`is male` != true") == [True, False]
    assert rows("`is male` in {false}") == rows("`is male` not in {true}") == [True, False]
    assert rows("`is male` in {true, false}") == [True, True]
    assert rows("flag == true") == rows("flag in {true}") == [False, True]  # categories False, True
    assert rows("prediction == true", classes=np.array([False, True])) == [False, True]
    assert rows("(`is male` == true) -> prediction == 'deny'") == [True, True]


@pytest.mark.parametrize("text, task, fragment", [
    ("age == true", "classification", "true and false compare with a binary feature"),
    ("age in {false}", "classification", "true and false compare with a binary feature"),
    ("true == false", "classification", "true and false compare with a binary feature"),
    ("prediction == true", "regression", "true and false compare with a binary feature"),
    ("`is male` > false", "classification", "use == or !=, not '>'"),
    ("`is male` + true > 1", "classification", "true and false cannot be used in arithmetic"),
    ("prediction == true", "classification", "unknown class true"),
])
def test_true_and_false_elsewhere_are_clear_errors(text: str, task: str, fragment: str) -> None:
    with pytest.raises(ConstraintError, match=re.escape(fragment)):
        F.bind_text(text, BDOM, task, CLASSES if task == "classification" else None)


def test_counterexample_rows_show_a_bool_column_as_true_and_false() -> None:
    """A feature read from a bool column printed 'is male': 0; it reads as the column did."""
    pd = pytest.importorskip("pandas")
    dom = Domain.from_data(pd.DataFrame({"is male": [True, False], "n": [0, 1], "b": pd.array([True, False],
                                                                                               dtype="boolean")}))
    assert [f.kind for f in dom.features] == ["binary", "binary", "binary"]
    rules = RuleSet(dom, "classification", CLASSES, [Rule((Condition(0, ">", 0.5),), 1)], Rule((), 0))
    v = sd.verify(rules, "`is male` == 1 -> prediction == 'approve'")
    row = v.counterexample.row
    assert row["is male"] is True and type(row["n"]) is int and type(row["b"]) is bool
    assert "`is male`=True" in str(v.counterexample)
    assert rules.predict(v.counterexample.X).tolist() == ["deny"]
    assert sd.verify(rules, "`is male` == false -> prediction == 'approve'").holds


def test_a_feature_whose_name_is_empty_is_written_with_two_backticks() -> None:
    """A DataFrame column named "" is a feature the model prints as ``; the constraint language refused
    `` ("empty `quoted name`"), so neither a printed condition nor a counterexample pasted back, and no
    constraint could name that feature at all."""
    pd = pytest.importorskip("pandas")
    X = pd.DataFrame({"": [0.0, 4.0, 10.0], "x": [1.0, 2.0, 3.0]})
    dom = Domain.from_data(X)
    assert dom.feature_names == ["", "x"]
    tree = sd.models.Tree(dom, "classification", CLASSES, children_left=[1, -1, -1], children_right=[2, -1, -1],
                          feature=[0, -1, -1], threshold=[2.5, 0, 0], value=[[0.5, 0.5], [1, 0], [0, 1]])
    condition = str(tree).splitlines()[1].removeprefix("if ").removesuffix(":")
    assert condition == "`` <= 2.5"
    assert parse(condition) == L.Compare("<=", L.Name(""), L.Number(2.5))
    assert sd.verify(tree, f"{condition} -> prediction == 'approve'").holds
    v = sd.verify(tree, "`` > 2 -> prediction == 'approve'")
    assert not v.holds and "``=" in str(v.counterexample)
    assert tree.predict(v.counterexample.X).tolist() == ["deny"] and v.counterexample.row[""] > 2.5
    with pytest.raises(ConstraintError, match="unknown feature ''"):
        bind("`` > 1")


def test_an_unknown_feature_lists_the_features_one_way_only_on_one_line() -> None:
    """The features listed after an unknown name were joined as they are: a name holding a newline broke
    the error over two lines, and names holding ', ' or nothing at all ('a, b' and '') read as other
    lists; they are listed as constraints write them (``sd.invariant`` and the like, and ``predict`` given too
    few columns: as Python writes them)."""
    names = ["a, b", "new\nline", "", "age"]
    dom = Domain(tuple(Feature(n, "numeric", 0.0, 1.0) for n in names))
    tree = sd.models.Tree(dom, "classification", CLASSES, children_left=[1, -1, -1], children_right=[2, -1, -1],
                          feature=[3, -1, -1], threshold=[0.5, 0, 0], value=[[0.5, 0.5], [1, 0], [0, 1]])
    with pytest.raises(ConstraintError) as info:
        sd.verify(tree, "agee > 0.5")
    first = str(info.value).splitlines()[0]
    assert first.endswith("(features: `a, b`, `new\\nline`, ``, age)")
    for where, prop in (("invariant", sd.invariant("agee")), ("monotonic", sd.monotonic("agee"))):
        with pytest.raises(ValueError) as info:
            sd.verify(tree, prop)
        assert str(info.value) == f"{where}: unknown feature 'agee'; did you mean 'age'? (features: 'a, b', " \
                                  "'new\\nline', '', 'age')"
    with pytest.raises(ValueError) as info:
        tree.predict(np.zeros((1, 3)))
    assert str(info.value) == "expected 4 features ('a, b', 'new\\nline', '', 'age'), got 3 columns"


def test_a_property_built_with_a_feature_position_names_that_column() -> None:
    """Properties built directly (``Monotonic(0)``, ``Invariant([1])``) took a feature's position, as
    ``Domain.index`` reads it; the lookup that added 'did you mean' to unknown names took names only."""
    from symdistill.verify import properties as P

    X = np.random.default_rng(0).uniform(size=(300, 2))
    tree = sd.distill(lambda X: (X[:, 0] > 0.5).astype(int), X, max_size=2, random_state=0, progress=False)
    assert sd.verify(tree, P.Monotonic(0)).holds and sd.verify(tree, P.Invariant((1,))).holds
    assert not sd.verify(tree, P.Invariant((0,))).holds
    with pytest.raises(ValueError, match=r"^monotonic: feature index 5 out of range for 2 features$"):
        sd.verify(tree, P.Monotonic(5))


def test_an_integer_label_beyond_the_floats_is_matched_exactly() -> None:
    """A whole number is read exactly when compared with labels: 100000000000000001 was read as the
    float 1e17 and named the class 100000000000000000, so ``x <= 1 -> prediction == ...01`` was
    proven where the model answers ...00, and a category's code was the wrong one."""
    big = 10**17
    dom = Domain((Feature("x", "numeric", 0.0, 4.0), Feature("id", "categorical", 0, 1, (big, big + 1))))
    tree = sd.load(_big_tree(dom, big).to_json())  # saved and loaded, labels stay exact
    v = sd.verify(tree, f"x <= 1 -> prediction == {big + 1}")
    assert not v.holds and v.counterexample.outputs == (big,)
    assert sd.verify(tree, f"x > 1 -> prediction == {big + 1}").holds
    assert F.bind_text(f"id == {big + 1}", dom, "classification", tree.classes) == F.CategorySet(1, frozenset({1}))
    assert F.bind_text(f"id in {{{big}}} or id != {big}", dom, "classification", tree.classes) == \
        F.BOr((F.CategorySet(1, frozenset({0})), F.CategorySet(1, frozenset({1}))))
    with pytest.raises(ConstraintError, match=f"unknown class {big + 2};"):
        F.bind_text(f"prediction == {big + 2}", dom, "classification", tree.classes)
    with pytest.raises(ConstraintError, match=f"did you mean '{big + 1}'. it is a string: quote it"):
        F.bind_text(f"prediction == {big + 1}", dom, "classification", np.array(["a", str(big + 1)]))
    # as a number compared with a feature, the literal is still the float it reads as
    assert F.bind_text(f"x <= {big + 1}", dom, "classification", tree.classes) == F.FeatureRange(0, -np.inf, 1e17)
    assert F.bind_text("x == -0", dom, "classification", tree.classes) == F.FeatureRange(0, 0.0, 0.0)


def _big_tree(dom: Domain, big: int) -> Any:
    from symdistill.models import Tree

    return Tree(dom, "classification", np.array([big, big + 1]), children_left=[1, -1, -1],
                children_right=[2, -1, -1], feature=[0, -1, -1], threshold=[1.0, 0, 0], value=[[1, 1], [1, 0], [0, 1]])


@pytest.mark.parametrize("text, task, fragment", [
    # a numeric feature's set was said to be a "categorical feature's", a regressor's a "classifier's"
    ("age in {18, 'x'}", "classification", "feature 'age' is integer: its set must hold numbers, got 'x'"),
    ("income not in {'x'}", "classification", "feature 'income' is numeric: its set must hold numbers"),
    ("prediction in {1, 'a'}", "regression", "a regressor's prediction is a number: its set must hold numbers, got 'a'"),
    # a feature written in other case, and nan or inf read as names, had no hint
    ("AGE < 3", "classification", "unknown feature 'AGE'; did you mean 'age'?"),
    ("income < inf", "classification", "unknown feature 'inf'; numbers must be finite, and a bare word is a "
                                       "feature's name"),
    ("income > NaN", "classification", "unknown feature 'NaN'; numbers must be finite"),
])
def test_errors_name_what_a_side_is(text: str, task: str, fragment: str) -> None:
    with pytest.raises(ConstraintError) as info:
        F.bind_text(text, DOM, task, CLASSES if task == "classification" else None)
    assert fragment in str(info.value)


def test_a_number_followed_by_a_keyword_still_reads() -> None:
    assert parse("age<3and income<2") == parse("age < 3 and income < 2")


NUMBERED = Domain((Feature("0", "categorical", 0, 1, ("p", "q")), Feature("1", "numeric", 0.0, 4.0),
                   Feature("x", "numeric", 0.0, 4.0)))


@pytest.mark.parametrize("text, position, fragment", [
    # pd.DataFrame(X) names its columns 0, 1, ...: bare, 1 is the number, and "1 > 3 -> ..." was proven
    # of the constant comparison (true, vacuously) rather than refused
    ("1 > 3 -> prediction == 'approve'", 0, "1 here is the number 1, so this compares numbers only; the feature "
                                            "named '1' is written between backticks: `1`"),
    ("2 * 1 <= -1 or prediction == 'deny'", 4, "the feature named '1' is written between backticks"),
    ("-1 != 2", 1, "the feature named '1'"),
    ("0 == 'p'", 0, "0 here is the number 0, not a feature; the feature named '0' is written between backticks: `0`"),
    ("1 in {2}", 0, "1 here is the number 1, not a feature"),
])
def test_a_number_that_names_a_feature_where_a_feature_is_needed_is_refused(text: str, position: int,
                                                                            fragment: str) -> None:
    with pytest.raises(ConstraintError) as info:
        F.bind_text(text, NUMBERED, "classification", CLASSES)
    assert fragment in str(info.value) and info.value.position == position


FLOAT_NAMED = Domain((Feature("1.5", "numeric", 0.0, 1.0), Feature("2.5", "numeric", 0.0, 1.0),
                     Feature("1000.0", "numeric", 0.0, 1.0)))


@pytest.mark.parametrize("text, position, fragment", [
    # pd.DataFrame({1.5: a, 2.5: b}) names its features '1.5' and '2.5': "1.5 > 0.9 -> ..." was proven of
    # the constant comparison 1.5 > 0.9 (a counterexample to another constraint than the one meant)
    ("1.5 > 0.9 -> prediction == 1", 0, "1.5 here is the number 1.5, so this compares numbers only; the feature "
                                        "named '1.5' is written between backticks: `1.5`"),
    ("x < 1 or 2.50 > 3", 9, "2.50 here is the number 2.50, so this compares numbers only; the feature named "
                             "'2.5' is written between backticks: `2.5`"),
    ("1e3 > 2 -> prediction == 1", 0, "1e3 here is the number 1e3, so this compares numbers only; the feature "
                                      "named '1000.0' is written between backticks: `1000.0`"),
    ("1000 > 2", 0, "the feature named '1000.0' is written between backticks: `1000.0`"),
    ("1.5 in {1}", 0, "1.5 here is the number 1.5, not a feature; the feature named '1.5'"),
])
def test_a_number_that_is_a_float_features_name_is_refused_as_an_integer_one_is(text: str, position: int,
                                                                               fragment: str) -> None:
    domain = Domain(FLOAT_NAMED.features + (Feature("x", "numeric", 0.0, 4.0),))
    with pytest.raises(ConstraintError) as info:
        F.bind_text(text, domain, "classification", [0, 1])
    assert fragment in str(info.value) and info.value.position == position


def test_a_float_features_name_between_backticks_and_other_numbers_still_read() -> None:
    assert F.bind_text("`1.5` > 0.5", FLOAT_NAMED, "classification", [0, 1]) == \
        F.FeatureRange(0, float(np.nextafter(0.5, 1)), np.inf)
    assert F.bind_text("`1000.0` <= 1.5 + 2.5", FLOAT_NAMED, "classification", [0, 1]) == \
        F.LinearAtom((0.0, 0.0, 1.0), 0.0, -4.0, "<=")
    assert F.bind_text("0.5 < 7", FLOAT_NAMED, "classification", [0, 1]) == F.BConst(True)


def test_a_dataframe_with_float_column_labels_is_verified_about_its_columns(tmp_path: Any, capsys: Any) -> None:
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    df = pd.DataFrame({1.5: rng.uniform(size=300), 2.5: rng.uniform(size=300)})
    model = sd.distill(lambda X: (np.asarray(X)[:, 0] > 0.5).astype(int), df, max_size=4, random_state=0)
    assert sd.verify(model, "`1.5` > 0.9 -> prediction == 1").holds
    with pytest.raises(ConstraintError, match="the feature named '1.5' is written between backticks: `1.5`"):
        sd.verify(model, "1.5 > 0.9 -> prediction == 1")
    path = tmp_path / "model.json"
    model.to_json(str(path))
    from symdistill.cli import main
    assert main(["verify", str(path), "-c", "1.5 > 0.9 -> prediction == 1"]) == 2
    assert "the feature named '1.5' is written between backticks" in capsys.readouterr().err


def test_numbers_beside_a_feature_or_naming_none_still_read() -> None:
    assert F.bind_text("x > 1", NUMBERED, "classification", CLASSES) == F.FeatureRange(2, float(np.nextafter(1, 2)),
                                                                                       np.inf)
    assert F.bind_text("`1` + 1 <= 3", NUMBERED, "classification", CLASSES) == \
        F.LinearAtom((0.0, 1.0, 0.0), 0.0, -2.0, "<=")
    assert F.bind_text("5 < 7", NUMBERED, "classification", CLASSES) == F.BConst(True)

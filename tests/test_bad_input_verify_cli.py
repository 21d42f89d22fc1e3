"""Bad input to verification, metrics and the command line: a clear error naming the problem, never a raw
internal exception (OverflowError, RecursionError, ...) or a traceback, and never a vacuous verdict."""

from __future__ import annotations

import json
import warnings
import zipfile
from typing import Any

import numpy as np
import pytest

import symdistill as sd
from symdistill import cli
from symdistill.cli import main
from symdistill.metrics import agreement, regression_agreement
from symdistill.models.automata import DFA
from symdistill.verify import ConstraintSyntaxError, parse

X = np.random.default_rng(0).uniform(size=(200, 4))


def good(X: Any) -> np.ndarray:
    X = np.asarray(X, dtype=float)
    return (X[:, 0] + X[:, 1] > 1).astype(int)


def double(X: Any) -> np.ndarray:
    return np.asarray(X, dtype=float)[:, 0] * 2.0


@pytest.fixture(scope="module")
def tree() -> Any:
    return sd.distill(good, X, max_size=4, random_state=0, n_samples=400)


@pytest.fixture(scope="module")
def reg_tree() -> Any:
    return sd.distill(double, X, max_size=4, random_state=0, n_samples=400)


# -- metrics ------------------------------------------------------------------------------------
def test_fidelity_and_accuracy_refuse_zero_rows(tree: Any, reg_tree: Any) -> None:
    with pytest.raises(ValueError, match="on 0 rows"):
        sd.fidelity(tree, good, X[:0])
    with pytest.raises(ValueError, match="on 0 rows"):
        sd.accuracy(tree, X[:0], np.zeros(0))
    with pytest.raises(ValueError, match="on 0 rows"):
        sd.accuracy(reg_tree, X[:0], np.zeros(0))


def test_zero_rows_are_refused_with_a_teacher_that_declares_its_task(tree: Any) -> None:
    """A teacher declared a classifier (task=, as sd.refine declares it) but not yet asked anything has no
    classes: on 0 rows its predict indexed them along a missing axis (NumPy's AxisError), where sd.fidelity,
    shifted_fidelity and sd.refine should say that there are no rows."""
    from symdistill.shift import shifted_fidelity

    with pytest.raises(ValueError, match="fidelity on 0 rows"):
        sd.fidelity(tree, sd.as_teacher(good, task="classification"), X[:0])
    with pytest.raises(ValueError, match="fidelity on 0 rows"):
        shifted_fidelity(tree, sd.as_teacher(good, task="classification"), X[:0])
    with pytest.raises(ValueError, match="fidelity on 0 rows"):
        sd.refine(tree, good, X, constraints=[sd.monotonic("x0")], X_eval=X[:0])
    with pytest.raises(ValueError, match=r"refine: X has no rows"):
        sd.refine(tree, good, X[:0], constraints=[sd.monotonic("x0")])


def test_accuracy_refuses_nan_labels(tree: Any, reg_tree: Any) -> None:
    y = np.full(200, np.nan)
    with pytest.raises(sd.DataError, match="true labels contain NaN"):
        sd.accuracy(tree, X, y)
    with pytest.raises(sd.DataError, match=r"true labels contain NaN or infinite values \(200 of 200, first at row 0"):
        sd.accuracy(reg_tree, X, y)
    y = double(X)
    y[7] = np.nan
    with pytest.raises(sd.DataError, match="1 of 200, first at row 7"):
        sd.accuracy(reg_tree, X, y)
    y = np.array(["a"] * 199 + [float("nan")], dtype=object)
    with pytest.raises(sd.DataError, match="first at row 199"):
        sd.accuracy(tree, X, y)
    # Object labels are looked at by their distinct values: one NaN object in many rows, or NumPy's, is
    # counted in each, and an unhashable label does not hide one.
    nan = float("nan")
    y = np.array([0] * 190 + [nan, 1, nan, np.float64("nan")] + [1] * 6, dtype=object)
    with pytest.raises(sd.DataError, match=r"true labels contain missing values \(NaN, None or NA: 3 of 200, first at row 190\)"):
        sd.accuracy(tree, X, y)
    y[0] = [0]
    with pytest.raises(sd.DataError, match=r"true labels contain missing values \(NaN, None or NA: 3 of 200, first at row 190\)"):
        sd.accuracy(tree, X, y)


def test_accuracy_refuses_missing_labels_of_every_kind(tree: Any, reg_tree: Any) -> None:
    """pd.NA among true labels (an object or string column) ended in pandas' 'boolean value of NA is
    ambiguous' from inside the scoring, and None counted as a wrong label, where NaN is refused."""
    pd = pytest.importorskip("pandas")
    y = good(X).astype(object)
    for missing in (pd.NA, None):
        labels = y.copy()
        labels[7] = missing
        with pytest.raises(sd.DataError, match=r"true labels contain missing values \(NaN, None or NA: 1 of 200, "
                                               r"first at row 7\)"):
            sd.accuracy(tree, X, labels)
    nullable = {"accuracy": (tree, pd.Series(good(X), dtype="Int64")),
                "R2": (reg_tree, pd.Series(double(X), dtype="Float64"))}
    for name, (model, labels) in nullable.items():  # pandas wrote their NA as NaN, named so
        labels[7] = pd.NA
        with pytest.raises(sd.DataError, match=rf"^cannot compute {name}: the true labels contain missing values "
                                               r"\(NaN, None or NA: 1 of 200, first at row 7\)"):
            sd.accuracy(model, X, labels)


def test_accuracy_refuses_labels_in_other_terms_than_the_classes(tree: Any) -> None:
    # 'M'/'B' against classes 0/1 matched no row: accuracy 0, whatever the model, and no word why.
    y = np.where(good(X) == 1, "M", "B")
    with pytest.raises(sd.DataError, match=r"none of the true labels \('B', 'M', \.\.\.\) is one of the model's "
                                           r"classes \[0, 1\]"):
        sd.accuracy(tree, X, y)
    assert sd.accuracy(tree, X, good(X).astype(float)).value > 0.8  # 1.0 is the class 1
    assert sd.accuracy(tree, X, 1 - good(X)).value < 0.2  # wrong, but in the classes' terms: a score


def test_accuracy_warns_of_true_labels_that_are_none_of_the_classes() -> None:
    """UCI's adult.test writes '>50K.' where adult.data writes '>50K': scored against a model of classes
    '<=50K' and '>50K', every such row counted wrong and accuracy came out 0.7 where it is 0.9, silently
    (only labels none of which is a class were refused)."""
    def salary(X: Any) -> np.ndarray:
        return np.where(good(X) == 1, ">50K", "<=50K")

    model = sd.distill(salary, X, max_size=4, random_state=0, n_samples=400)
    y = salary(X)
    dotted = np.where(y == ">50K", ">50K.", y)
    with pytest.warns(UserWarning, match=rf"accuracy: {np.sum(y == '>50K')} of 200 true labels are none of the "
                                         r"model's classes \['<=50K', '>50K'\] \('>50K\.'\): those rows count as wrong"):
        score = sd.accuracy(model, X, dotted)
    assert score.value == np.mean(model.predict(X) == dotted)  # still scored as given
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sd.accuracy(model, X, y)


@pytest.mark.parametrize("y, classes, others", [
    (np.array([0, 7, 1, -1, 7, 2, 9, 11, 12, 13, 1, 7]), [0, 1], "9 of 12 .* \\(7, -1, 2, 9, 11, \\.\\.\\.\\)"),
    (np.array([-0.0, 2.5, 1.0, 0.0, True, 2.5]), [1, 2], "4 of 6 .* \\(-0\\.0, 2\\.5\\)"),
    (np.array([0, 1.0, True, "x", b"z", np.int64(5), "x", np.str_("y")], dtype=object), [0, 1],
     "5 of 8 .* \\('x', b'z', 5, 'y'\\)"),  # None is a missing label, refused (see above)
    (np.array([">50K.", "<=50K", "<=50K.", ">50K.", ">50K"]), [">50K", "<=50K"], "3 of 5 .* \\('>50K\\.', '<=50K\\.'\\)"),
    (np.array([0.1, 0.0, 1.0], dtype=np.float32), [0, 1], "1 of 3 .* \\(0\\.10000000149011612\\)"),
])
def test_accuracy_warning_names_other_labels_in_the_order_they_appear(y: Any, classes: Any, others: str) -> None:
    """Labels are counted by their distinct values (a row at a time, 1M labels took 4 times predict): the
    warning still lists them as they first appear, 1, 1.0 and True as one label (-0.0 and 0.0 too), NumPy
    values as Python's."""
    def teacher(X: Any) -> np.ndarray:
        return np.asarray(classes, dtype=object if isinstance(classes[0], str) else None)[good(X) % len(classes)]

    model = sd.distill(sd.as_teacher(teacher, task="classification"), X, max_size=2, random_state=0, n_samples=400)
    assert sorted(map(str, model.classes)) == sorted(map(str, classes))
    with pytest.warns(UserWarning, match=rf"^accuracy: {others}: those rows count as wrong \(map labels written "
                                         r"otherwise to the classes first\)$"):
        sd.accuracy(model, X[:len(y)], y)


def test_fidelity_refuses_a_teacher_answering_in_other_labels_than_the_classes(tree: Any) -> None:
    # A teacher answering 'lo'/'hi' to a tree of classes 0/1 agreed on no row: fidelity 0.0, whatever
    # the model, and no word why (the automata path and accuracy already refused so).
    def words(X: Any) -> np.ndarray:
        return np.where(good(X) == 1, "hi", "lo")

    with pytest.raises(sd.DataError, match=r"none of the teacher's labels \('(lo|hi)', '(lo|hi)', \.\.\.\) is one of "
                                           r"the model's classes \[0, 1\]; is it the teacher the model was distilled "
                                           r"from"):
        sd.fidelity(tree, words, X)
    rules = sd.distill(good, X, form="rules", max_size=4, random_state=0, n_samples=400)
    with pytest.raises(sd.DataError, match="none of the teacher's labels"):
        sd.fidelity(rules, words, X)
    # a teacher sharing a label is scored, even where it is always wrong
    worded = sd.distill(words, X, max_size=4, random_state=0, n_samples=400)
    assert sd.fidelity(worded, lambda X: np.where(good(X) == 1, "hi", "mid"), X).value < 0.6
    assert sd.fidelity(tree, lambda X: 1 - good(X), X).value < 0.2


def test_accuracy_names_wrong_label_counts(tree: Any, reg_tree: Any) -> None:
    with pytest.raises(ValueError, match="100 true labels for 200 rows"):
        sd.accuracy(tree, X, np.zeros(100))
    with pytest.raises(ValueError, match="100 true labels for 200 rows"):
        sd.accuracy(reg_tree, X, np.zeros(100))
    with pytest.raises(ValueError, match=r"true labels of shape \(200, 2\)"):
        sd.accuracy(tree, X, np.zeros((200, 2)))


def test_accuracy_of_a_regressor_names_the_true_value_that_is_no_number(reg_tree: Any) -> None:
    # A column of prices with one '?' (a missing value written as text) is named by that value and row,
    # not shown as its first three values, which are numbers.
    y = reg_tree.predict(X).astype(object)
    y[4] = "?"
    with pytest.raises(sd.DataError, match=r"true labels are not numbers .*: row 4 holds '\?'"):
        sd.accuracy(reg_tree, X, y)


@pytest.mark.parametrize("kind", ["bool", "object", "pandas"])
def test_accuracy_of_a_regressor_refuses_booleans_for_its_true_values(reg_tree: Any, kind: str) -> None:
    """Booleans for a regressor's true values (a class such as y > 100 given by mistake) were read as
    0 and 1 and scored, R² -113040 on diabetes, where a regression teacher answering booleans is refused."""
    import pandas as pd

    y = reg_tree.predict(X) > 0
    y = {"bool": y, "object": y.astype(object), "pandas": pd.Series(y, dtype="boolean")}[kind]
    with pytest.raises(sd.DataError, match=r"cannot compute R2: the true labels are booleans \(classes\), not "
                                           r"values"):
        sd.accuracy(reg_tree, X, y)


@pytest.mark.parametrize("kind", ["complex", "datetime", "timedelta", "pandas datetime"])
def test_accuracy_of_a_regressor_refuses_complex_and_time_values_for_its_true_values(reg_tree: Any, kind: str
                                                                                     ) -> None:
    """Complex numbers for a regressor's true values were scored on their real part alone (y + 5j scored
    R2 1), and dates or time spans on their count of nanoseconds (a date column picked as the label:
    R2 -45198), where such rows are refused."""
    import pandas as pd

    y = reg_tree.predict(X)
    y = {"complex": y + 5j, "datetime": np.arange(len(y)).astype("datetime64[D]"),
         "timedelta": np.arange(len(y)).astype("timedelta64[s]"),
         "pandas datetime": pd.Series(pd.date_range("2020-01-01", periods=len(y)))}[kind]
    what = "complex numbers" if kind == "complex" else "dates or time spans"
    with pytest.raises(sd.DataError, match=rf"cannot compute R2: the true labels are {what}, not values"):
        sd.accuracy(reg_tree, X, y)


def test_regression_scores_need_numbers() -> None:
    with pytest.raises(sd.DataError, match="predictions are not numbers"):
        regression_agreement(np.array(["yes", "no"]), np.array([1.0, 2.0]))
    with pytest.raises(ValueError, match="one prediction and one label per row"):
        agreement(np.array(1), np.array(1))
    assert agreement(np.array([1, 0]), np.array([1, 1])).value == 0.5


# -- robust: the ball must meet the domain ------------------------------------------------------
def test_robust_point_outside_the_domain_is_an_error_not_a_vacuous_verdict(tree: Any) -> None:
    lo, hi = tree.domain.features[0].lower, tree.domain.features[0].upper
    far = {"x0": 50, "x1": .5, "x2": .5, "x3": .5}
    for backend in ("auto", "z3"):
        with pytest.raises(ValueError, match=rf"outside the model's domain: x0 = 50 .*\[{lo:g}, {hi:g}\]"):
            sd.verify(tree, sd.robust(far, 0.1), backend=backend)
    with pytest.raises(ValueError, match="x0 does not move"):
        sd.verify(tree, sd.robust(far, 0.1, features=["x1"]))


def test_robust_point_between_two_whole_values_of_a_feature_that_does_not_move_says_so() -> None:
    """A whole-valued feature left out of ``features=`` keeps the point's value: 2.5 lies within its bounds
    [0, 5] but is no value of it, and the error said it lay outside them."""
    rng = np.random.default_rng(0)
    Xi = np.column_stack([rng.uniform(0, 10, 300), rng.integers(0, 6, 300), rng.integers(0, 2, 300)]).astype(float)
    model = sd.distill(lambda X: (X[:, 0] + X[:, 1] > 7).astype(int), Xi, max_size=4, random_state=0, n_samples=300)
    with pytest.raises(ValueError, match=r"x1 = 2\.5 is not an integer value of x1's domain \[0, 5\] \(and x1 does "
                                         r"not move\)"):
        sd.verify(model, sd.robust([5, 2.5, 0], 1.0, features=["x0"]))
    with pytest.raises(ValueError, match=r"x2 = 0\.5 is not a binary value of x2's domain \[0, 1\]"):
        sd.verify(model, sd.robust([5, 2, 0.5], 1.0, features=["x0"]))
    with pytest.raises(ValueError, match=r"x1 = 7 lies outside x1's domain \[0, 5\] \(and x1 does not move\)"):
        sd.verify(model, sd.robust([5, 7, 0], 1.0, features=["x0"]))


def test_robust_ball_past_the_largest_double_gives_no_overflow_warning() -> None:
    """A ball that covers the whole domain of a feature near 1e308 ends past the largest double, at inf as
    documented; NumPy's scalars warned 'overflow encountered in scalar add' twice on the way."""
    rng = np.random.default_rng(1)
    Xb = rng.uniform(size=(300, 2)) * [1.0, 1e308]
    model = sd.distill(lambda X: (X[:, 0] + X[:, 1] / 1e308 > 1).astype(int), Xb, max_size=4, random_state=0,
                       n_samples=300)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        v = sd.verify(model, sd.robust([0.2, 1.7e308], 1.7e308))
    assert not v.holds and model.predict(v.counterexample.X)[0] != model.predict(np.array([[0.2, 1.7e308]]))[0]


def test_robust_ball_partly_in_the_domain_is_still_checked(tree: Any) -> None:
    # The centre is past the upper bound, but the ball reaches back into the domain.
    v = sd.verify(tree, sd.robust({"x0": 1.05, "x1": .5, "x2": .5, "x3": .5}, 0.1))
    assert v.holds in (True, False)
    v = sd.verify(tree, sd.robust({"x0": .5, "x1": .5, "x2": .5, "x3": .5}, 0.45))
    assert not v.holds and np.all(np.abs(v.counterexample.encoded[0] - 0.5) <= 0.45)


def test_robust_point_keyed_by_a_dataframes_own_labels() -> None:
    """A model of pd.DataFrame({1.5: a, 0: b}) has the features '1.5' and '0.0' (pandas holds the labels as
    floats): a point keyed by the DataFrame's own labels, {1.5: 0.7, 0: 0.3}, as df[0] reads them, was refused,
    'missing ['1.5', '0.0'], unknown [1.5, 0]'."""
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({1.5: X[:, 0], 0: X[:, 1]})
    model = sd.distill(lambda A: (np.asarray(A, float)[:, 0] > .5).astype(int), df, max_size=2, random_state=0)
    by_label = sd.verify(model, sd.robust({1.5: 0.7, 0: 0.3}, 0.4))
    by_name = sd.verify(model, sd.robust({"1.5": 0.7, "0.0": 0.3}, 0.4))
    assert not by_label.holds and by_label.counterexample.encoded.tolist() == by_name.counterexample.encoded.tolist()
    with pytest.raises(ValueError, match=r"robust: the point gives the feature '0.0' twice, as 0 and '0.0'"):
        sd.verify(model, sd.robust({1.5: 0.7, 0: 0.3, "0.0": 0.3}, 0.4))


def test_robust_ball_without_an_integer_value_is_an_error() -> None:
    rng = np.random.default_rng(1)
    Xi = np.column_stack([rng.uniform(size=300), rng.integers(0, 11, size=300)]).astype(float)
    model = sd.distill(lambda A: (np.asarray(A, float)[:, 0] > .5).astype(int), Xi, max_size=2, random_state=0)
    assert model.domain.features[1].kind == "integer"
    with pytest.raises(ValueError, match=r"no integer value of x1's domain \[0, 10\] lies within epsilon = 0.1 of 5.5"):
        sd.verify(model, sd.robust([0.5, 5.5], 0.1))
    assert sd.verify(model, sd.robust([0.5, 5.5], 0.5)).holds in (True, False)


def test_property_arguments_are_checked_by_name() -> None:
    with pytest.raises(TypeError, match="output_range: lower must be a number, got NoneType None"):
        sd.output_range(None, 1)
    with pytest.raises(TypeError, match="output_range: lower must be a number, got str 'a'"):
        sd.output_range("a", "b")
    with pytest.raises(TypeError, match="output_range: upper must be a number"):
        sd.output_range(0, [1])
    with pytest.raises(ValueError, match="output_range: upper must be a number, got NaN"):
        sd.output_range(0, float("nan"))
    assert sd.output_range(np.float32(0), np.int64(3)).upper == 3.0
    assert sd.output_range(-np.inf, 1).lower == -np.inf
    with pytest.raises(TypeError, match="robust: epsilon must be a number"):
        sd.robust([1, 2], None)
    with pytest.raises(TypeError, match="robust: tolerance must be a number"):
        sd.robust([1, 2], 0.1, tolerance="x")


# -- refine takes one constraint as verify does -------------------------------------------------
def test_refine_takes_a_single_constraint(tree: Any) -> None:
    one = sd.refine(tree, good, X, constraints="x0 < 2", max_rounds=1, n_samples=400)
    assert one.meta["refinement"]["holds"] == {"x0 < 2": True}
    prop = sd.monotonic("x0")
    again = sd.refine(tree, good, X, constraints=prop, max_rounds=1, n_samples=400)
    assert list(again.meta["refinement"]["holds"]) == [prop.describe()]
    with pytest.raises(TypeError, match="constraints must be a constraint"):
        sd.refine(tree, good, X, constraints=3)


def test_refine_names_a_saved_seed_that_is_no_integer(tree: Any) -> None:
    """refine re-distills with the saved model's meta['random_state']; one edited to text failed with
    int()'s "invalid literal for int() with base 10: 'x'", naming neither the model nor the field."""
    d = tree.to_dict()
    d["meta"]["random_state"] = "x"
    with pytest.raises(ValueError, match=r"meta\['random_state'\].*integer or None, got 'x'"):
        sd.refine(sd.load(d), good, X, constraints="x0 < 2", max_rounds=1, n_samples=400)


# -- constraint language: non-finite numbers, nesting -------------------------------------------
@pytest.mark.parametrize("text, message", [
    ("x0 <= 1e308 * 10", r"position 12 is not a finite number \(1e\+308 \* 10 = inf\)"),
    ("x0 * 1e308 * 10 <= 1", "not a finite number"),
    ("1e308 < -1e308 + x0", "not a finite number"),
    ("x0 + 1e308 + 1e308 < 1", "not a finite number"),
    ("x0 <= 1e400", "number '1e400' at position 6 is too large"),
    ("x0 in {1, 1e999}", "number '1e999'"),
])
@pytest.mark.parametrize("backend", ["auto", "z3"])
def test_non_finite_numbers_are_syntax_errors(tree: Any, text: str, message: str, backend: str) -> None:
    with pytest.raises(ConstraintSyntaxError, match=message):
        sd.verify(tree, text, backend=backend)


def test_large_finite_numbers_still_work(tree: Any) -> None:
    assert sd.verify(tree, "x0 <= 1e308 * 1").holds
    assert sd.verify(tree, "x0 + 1e307 >= 1e307 - 1").holds


@pytest.mark.parametrize("text", [
    "(" * 300 + "x0 < 1" + ")" * 300,
    "(" * 300 + "x0" + ")" * 300 + " < 1",
    "not " * 300 + "x0 < 1",
    "-" * 300 + "x0 < 1",
    " -> ".join(["x0 < 1"] * 300),
    "(" * 100_000,
])
def test_deep_nesting_is_a_syntax_error(text: str) -> None:
    with pytest.raises(ConstraintSyntaxError, match="nested too deeply") as info:
        parse(text)
    assert type(info.value) is ConstraintSyntaxError  # not the parser's private subclass (_TooDeep)


def test_nesting_within_the_limit_and_long_flat_chains_work(tree: Any) -> None:
    assert sd.verify(tree, "(" * 100 + "x0 < 2" + ")" * 100).holds
    assert sd.verify(tree, "(" * 100 + "x0" + ")" * 100 + " < 2").holds
    assert sd.verify(tree, "not " * 100 + "x0 < 2").holds
    assert sd.verify(tree, " -> ".join(["x0 < 2"] * 100)).holds
    # A long sum is one flat level of the grammar, however many terms it has.
    assert sd.verify(tree, " + ".join(["x0"] * 3000) + " <= 3000").holds
    assert not sd.verify(tree, " + ".join(["x0"] * 3000) + " - 2 * x1 * 1 <= 1").holds
    assert sd.verify(tree, " and ".join(["x0 < 2"] * 3000)).holds


def test_regex_nesting_is_limited() -> None:
    assert DFA.from_regex("(" * 100 + "0" + ")" * 100, "01").accepts("0")
    for pattern in ("(" * 300 + "0" + ")" * 300, "(" * 100_000):
        with pytest.raises(ValueError, match=r"position 100: groups nested too deeply") as info:
            DFA.from_regex(pattern, "01")
        assert len(str(info.value)) < 300  # the pattern is shortened in the message


# -- the command line ---------------------------------------------------------------------------
@pytest.fixture()
def files(tmp_path: Any, monkeypatch: Any, tree: Any) -> Any:
    pd = pytest.importorskip("pandas")
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    (tmp_path / "cli_teachers.py").write_text(
        "import numpy as np\n"
        "from symdistill import TeacherError\n"
        "def good(df):\n"
        "    return (df['a'].to_numpy() + df['b'].to_numpy() > 1).astype(int)\n"
        "def seq(words):\n"
        "    return ['000' not in w for w in words]\n"
        "def none(words):\n"
        "    return [False for w in words]\n"
        "def broken(df):\n"
        "    raise TeacherError('this teacher is broken')\n"
    )
    pd.DataFrame(X, columns=list("abcd")).to_csv(tmp_path / "d.csv", index=False)
    (tmp_path / "header_only.csv").write_text("a,b,c,d\n")
    (tmp_path / "garbage.pt").write_bytes(b"garbage, not a zip archive")
    with zipfile.ZipFile(tmp_path / "zip_garbage.pt", "w") as z:
        z.writestr("nothing/here.txt", "not TorchScript")
    tree.to_json(tmp_path / "tree.json")
    (tmp_path / "outdir").mkdir()
    return tmp_path


def run(argv: list[str], capsys: Any) -> tuple[int, str]:
    code = main(argv)
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, err


@pytest.mark.parametrize("argv", [
    ["export", "tree.json", "--to", "c", "-o", "outdir"],
    ["export", "tree.json", "--to", "onnx", "-o", "outdir"],
    ["distill", "--teacher", "cli_teachers:good", "--data", "d.csv", "--max-size", "2", "-o", "outdir"],
    ["automaton", "--teacher", "cli_teachers:seq", "--alphabet", "0,1", "-o", "outdir"],
    ["automaton", "--teacher", "cli_teachers:seq", "--alphabet", "0,1", "-o", "a.json", "--dot", "outdir"],
])
def test_output_that_is_a_directory(files: Any, capsys: Any, argv: list[str]) -> None:
    code, err = run(argv, capsys)
    assert code == 2 and "error: cannot write 'outdir': Is a directory" in err


@pytest.mark.parametrize("argv, message", [
    (["--to", "python", "--module", "m"], "--module applies to --to prolog, not to --to python"),
    (["--to", "prolog", "--prefix", "p"], "--prefix applies to --to c, not to --to prolog"),
])
def test_export_flags_of_another_target_are_named(files: Any, capsys: Any, argv: list[str], message: str) -> None:
    """The refusal named the library's option ('export to 'python' got unknown option(s) module')."""
    code, err = run(["export", "tree.json", *argv], capsys)
    assert code == 2 and message in err


def test_a_one_state_automaton_is_one_state(files: Any, capsys: Any) -> None:
    assert main(["automaton", "--teacher", "cli_teachers:none", "--alphabet", "0,1", "-o", "a.json"]) == 0
    assert ": 1 state, " in capsys.readouterr().err


def test_report_output_that_is_a_directory(files: Any, capsys: Any) -> None:
    (files / "r.html").mkdir()
    code, err = run(["report", "--teacher", "cli_teachers:good", "--data", "d.csv", "-o", "r.html"], capsys)
    assert code == 2 and "error: cannot write 'r.html': Is a directory" in err


@pytest.mark.parametrize("argv", [
    ["export", "tree.json", "--to", "c", "-o", "results/"],
    ["export", "tree.json", "--to", "onnx", "-o", "results/"],
    ["distill", "--teacher", "cli_teachers:broken", "--data", "d.csv", "--max-size", "2", "-o", "results/"],
    ["automaton", "--teacher", "cli_teachers:seq", "--alphabet", "0,1", "-o", "results/"],
    ["automaton", "--teacher", "cli_teachers:seq", "--alphabet", "0,1", "-o", "a.json", "--dot", "results/"],
    ["automaton", "--teacher", "cli_teachers:seq", "--alphabet", "0,1", "-o", "results/."],
    ["report", "--teacher", "cli_teachers:broken", "--data", "d.csv", "-o", "results.html/"],
])
def test_output_that_names_a_folder_that_does_not_exist(files: Any, capsys: Any, argv: list[str]) -> None:
    """'-o results/' where results/ does not exist wrote a file called 'results'."""
    before = sorted(p.name for p in files.iterdir())
    code, err = run(argv, capsys)
    assert code == 2 and f"error: cannot write '{argv[-1]}': it names a folder, not a file" in err
    assert len(err.strip().splitlines()) == 1
    assert sorted(p.name for p in files.iterdir()) == before


def test_output_in_a_missing_folder(files: Any, capsys: Any) -> None:
    code, err = run(["distill", "--teacher", "cli_teachers:good", "--data", "d.csv", "-o", "nowhere/m.json"], capsys)
    assert code == 2 and "cannot write 'nowhere/m.json': folder 'nowhere' does not exist" in err


@pytest.mark.parametrize("argv", [
    ["distill", "--teacher", "cli_teachers:broken", "--data", "d.csv", "-o", "ro/m.json"],
    ["automaton", "--teacher", "cli_teachers:seq", "--alphabet", "0,1", "-o", "ro/a.json"],
    ["export", "tree.json", "--to", "c", "-o", "ro/m.c"],
])
def test_output_in_a_folder_that_is_not_writable_fails_before_any_work(files: Any, capsys: Any, monkeypatch: Any,
                                                                        argv: list[str]) -> None:
    """Only a missing folder was checked up front: the distillation ran (here the teacher would raise), and
    the write failed after it (as `symdistill report` checks the folder, so do the others)."""
    (files / "ro").mkdir()
    monkeypatch.setattr(cli.os, "access", lambda path, mode, **kw: str(path) != "ro")
    code, err = run(argv, capsys)
    assert code == 2 and f"cannot write '{argv[-1]}': folder 'ro' is not writable" in err
    assert list((files / "ro").iterdir()) == []


def test_os_errors_while_writing_are_user_errors(files: Any, capsys: Any, monkeypatch: Any) -> None:
    def refuse(self: Any, *a: Any, **k: Any) -> None:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(cli.Path, "write_text", refuse)
    code, err = run(["export", "tree.json", "--to", "python", "-o", "m.py"], capsys)
    assert code == 2 and "error: cannot write 'm.py': Permission denied" in err


@pytest.mark.parametrize("exc, message", [
    (RecursionError("maximum recursion depth exceeded"), "the input is nested too deeply"),
    (OverflowError("cannot convert Infinity to integer ratio"), "out of range: cannot convert Infinity"),
    (IsADirectoryError(21, "Is a directory", "somewhere"), "cannot access 'somewhere': Is a directory"),
    (sd.TeacherError("the teacher broke"), "the teacher broke"),
    (sd.ModelFormatError("bad model"), "bad model"),
])
def test_main_turns_internal_failures_into_messages(monkeypatch: Any, capsys: Any, exc: Exception,
                                                    message: str) -> None:
    def boom(args: Any) -> int:
        raise exc

    monkeypatch.setitem(cli.COMMANDS, "show", (cli.COMMANDS["show"][0], boom))
    code, err = run(["show", "m.json"], capsys)
    assert code == 2 and err.startswith("symdistill show: error: ") and message in err


def test_deeply_nested_model_json(files: Any, capsys: Any) -> None:
    (files / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    code, err = run(["show", "deep.json"], capsys)
    assert code == 2 and "error:" in err


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # torch.jit.load
@pytest.mark.parametrize("teacher", ["garbage.pt", "zip_garbage.pt"])
def test_bad_torchscript_teacher(files: Any, capsys: Any, teacher: str) -> None:
    pytest.importorskip("torch")
    code, err = run(["automaton", "--teacher", teacher, "--alphabet", "0,1", "-o", "a.json"], capsys)
    assert code == 2 and "cannot load" in err and teacher in err
    code, err = run(["distill", "--teacher", "garbage.pt", "--data", "d.csv", "-o", "o.json"], capsys)
    assert code == 2 and "not a TorchScript file" in err


def test_teacher_errors_exit_2(files: Any, capsys: Any) -> None:
    code, err = run(["distill", "--teacher", "cli_teachers:broken", "--data", "d.csv", "-o", "o.json"], capsys)
    assert code == 2 and "this teacher is broken" in err


@pytest.mark.parametrize("flags, message", [
    (["-c", "a <= 1e308 * 10"], "unknown feature 'a'"),
    (["-c", "x0 <= 1e308 * 10"], "not a finite number"),
    (["-c", "(" * 300 + "x0 < 1" + ")" * 300], "nested too deeply"),
    (["--output-range", "0", "nan"], "output_range: upper must be a number, got NaN"),
])
def test_verify_command_bad_constraints(files: Any, capsys: Any, flags: list[str], message: str) -> None:
    code, err = run(["verify", "tree.json", *flags], capsys)
    assert code == 2 and message in err


@pytest.mark.parametrize("bounds", [["0", "1e400"], ["-1E400", "0"]])
def test_an_output_range_bound_too_large_for_a_float_is_refused(files: Any, capsys: Any, bounds: list[str]) -> None:
    """--output-range 0 1e400 read the bound as infinity and checked 0 <= prediction <= inf, where the
    constraint "prediction <= 1e400" is refused as too large; inf written so stays the unbounded side."""
    with pytest.raises(SystemExit) as info:
        main(["verify", "tree.json", "--output-range", *bounds])
    too_large = next(b for b in bounds if b != "0")
    assert info.value.code == 2
    assert f"argument --output-range: {too_large} is too large: it is not a finite float" in capsys.readouterr().err
    for infinite in (["0", "inf"], ["-Infinity", "+inf"]):
        assert main(["verify", "tree.json", "--output-range", *infinite]) == 2  # a classifier: read, then refused
        assert "a classifier" in capsys.readouterr().err


def test_verify_command_prints_no_verdict_when_a_later_constraint_is_bad(files: Any, capsys: Any) -> None:
    """The first constraint's verdict was printed, then the second's error with exit 2: a script reading
    stdout got a verdict for a run that failed on its input."""
    code = main(["verify", "tree.json", "-c", "x0 < 2", "-c", "x9 > 1 -> prediction == 1"])
    out, err = capsys.readouterr()
    assert code == 2 and "unknown feature 'x9'" in err and out == ""


def test_verify_command_without_a_verdict_exits_2_not_1(files: Any, capsys: Any) -> None:
    """A RoundingAmbiguity (a violation in exact arithmetic that floating-point predict does not confirm)
    gave a traceback and exit 1, which a script reads as a failed constraint."""
    from symdistill.domain import Domain, Feature
    from symdistill.models import Tree

    dom = Domain((Feature("x", "numeric", 0.0, 1.0), Feature("y", "numeric", 0.0, 1.0)))
    stump = Tree(dom, "classification", np.array(["no", "yes"]), children_left=[1, -1, -1],
                 children_right=[2, -1, -1], feature=[0, -1, -1], threshold=[0.5, 0, 0],
                 value=[[1, 0], [1, 0], [0, 1]])
    stump.to_json(files / "stump.json")
    code = main(["verify", "stump.json", "-c", "x - y != 0.1 or prediction == 'no'"])
    out, err = capsys.readouterr()
    assert code == 2 and "no verdict" in err and "exact arithmetic" in err
    assert "Traceback" not in err and out == ""


def test_verify_command_deep_regex(files: Any, capsys: Any) -> None:
    dfa = sd.distill_automaton(lambda words: ["000" not in w for w in words], alphabet=["0", "1"], random_state=0)
    dfa.to_json(files / "dfa.json")
    code, err = run(["verify", "dfa.json", "--never-accepts", "(" * 300 + "0" + ")" * 300], capsys)
    assert code == 2 and "nested too deeply" in err
    code, err = run(["verify", "dfa.json", "--never-accepts", ".*000.*"], capsys)
    assert code == 0


def test_csv_without_rows_or_without_feature_columns(files: Any, capsys: Any) -> None:
    code, err = run(["distill", "--teacher", "cli_teachers:good", "--data", "header_only.csv", "-o", "o.json"],
                    capsys)
    assert code == 2 and "header_only.csv has no rows" in err
    code, err = run(["distill", "--teacher", "cli_teachers:good", "--data", "d.csv", "--drop", "a,b,c,d",
                     "-o", "o.json"], capsys)
    assert code == 2 and "no feature columns left in d.csv after --drop a,b,c,d" in err
    code, err = run(["evaluate", "tree.json", "--teacher", "cli_teachers:good", "--data", "header_only.csv"], capsys)
    assert code == 2 and "has no rows" in err


@pytest.mark.parametrize("model, argv, message", [
    ("tree.json", ["--teacher", "cli_teachers:good", "--data", "d.csv"], "columns of d.csv do not match the model's features"),
    ("abcd.json", ["--teacher", "cli_teachers:broken", "--data", "d.csv"], "this teacher is broken"),
])
def test_evaluate_errors_leave_standard_output_empty(files: Any, capsys: Any, model: str, argv: list[str],
                                                     message: str) -> None:
    """The 'model: ...' line was printed before the rows or the teacher failed."""
    sd.distill(good, X, max_size=2, random_state=0, n_samples=200, feature_names=list("abcd")).to_json("abcd.json")
    code = main(["evaluate", model, *argv])
    out, err = capsys.readouterr()
    assert code == 2 and message in err
    assert out == ""


@pytest.mark.parametrize("budget", ["nan", "inf", "-1", "0", "soon"])
def test_time_budget_must_be_positive_and_finite(files: Any, capsys: Any, budget: str) -> None:
    with pytest.raises(SystemExit) as info:
        main(["automaton", "--teacher", "cli_teachers:seq", "--alphabet", "0,1", "-o", "a.json",
              "--time-budget", budget])
    assert info.value.code == 2
    assert "argument --time-budget" in capsys.readouterr().err


def test_time_budget_accepts_seconds(files: Any, capsys: Any) -> None:
    assert main(["automaton", "--teacher", "cli_teachers:seq", "--alphabet", "0,1", "-o", "a.json",
                 "--time-budget", "30"]) == 0
    assert json.loads((files / "a.json").read_text())["kind"] in ("dfa", "moore")


# -- fidelity / accuracy: a teacher of the other task, or something that is no model --------------
def test_fidelity_refuses_a_task_mismatch() -> None:
    tree = sd.distill(good, X, max_size=4, random_state=0, n_samples=400)
    reg = sd.distill(double, X, max_size=4, random_state=0, n_samples=400)
    with pytest.raises(ValueError, match="regression model but the teacher answers as a classification model"):
        sd.fidelity(reg, good, X)
    with pytest.raises(ValueError, match="classification model but the teacher answers as a regression model"):
        sd.fidelity(tree, double, X)
    assert float(sd.fidelity(tree, good, X)) > 0.8
    assert float(sd.fidelity(reg, double, X)) > 0.8


def test_fidelity_refuses_a_teacher_declared_for_the_other_task_before_asking_it() -> None:
    """A regressor's teacher declared task='classification' was asked first: its values, read as logits,
    overflowed in exp (numpy's warning), and only then was the mismatch named."""
    reg = sd.distill(double, X, max_size=4, random_state=0, n_samples=400)
    asked = []
    teacher = sd.as_teacher(lambda Z: asked.append(len(Z)) or double(Z) * 1e3, task="classification")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match="regression model but the teacher answers as a classification model"):
            sd.fidelity(reg, teacher, X)
    assert asked == []


def test_fidelity_and_accuracy_name_what_a_model_is() -> None:
    with pytest.raises(TypeError, match="fidelity: model must be a symdistill model .* got str"):
        sd.fidelity("not a model", good, X)
    with pytest.raises(TypeError, match="accuracy: model must be a symdistill model .* got NoneType"):
        sd.accuracy(None, X, good(X))


@pytest.mark.parametrize("backend", ["direct", "z3"])
@pytest.mark.parametrize("form", ["tree", "linear"])
def test_output_range_with_an_infinite_bound_is_decided(form, backend):
    # Infinite bounds are accepted, but z3 (and the linear checker) failed: 'cannot convert Infinity to
    # integer ratio'.
    pytest.importorskip("z3")
    X = np.random.default_rng(0).uniform(size=(200, 2))
    model = sd.distill(lambda X: 2 * X[:, 0], X, form=form, max_size=2, random_state=0, n_samples=400)
    assert sd.verify(model, sd.output_range(0, float("inf")), backend=backend).holds
    assert sd.verify(model, sd.output_range(float("-inf"), float("inf")), backend=backend).holds
    v = sd.verify(model, sd.output_range(float("-inf"), 0.5), backend=backend)
    assert not v.holds and v.counterexample.outputs[0] > 0.5


@pytest.mark.parametrize("features, message", [
    ("x0", r"features must be a list of feature names, got 'x0' \(for one feature pass \['x0'\]\)"),
    (5, "features must be a list of feature names, got 5"),
    ([0], "features must be feature names \\(str\\), got 0"),
])
def test_robust_features_not_a_list_of_names_is_refused(features, message):
    # 'x0' was read as the features 'x' and '0'; [0] and 5 raised str.join's and iter's TypeErrors.
    with pytest.raises(TypeError, match=message):
        sd.robust([0.5, 0.5], 0.1, features=features)
    assert sd.robust([0.5, 0.5], 0.1, features=np.array(["x0"])).features == ("x0",)



def test_verify_command_takes_bounds_in_scientific_notation_and_several_ranges(files: Any, capsys: Any) -> None:
    """argparse read a negative bound written with an exponent, "-1e-06", as an option, so
    "--output-range -1e-06 1e-06" (a regressor in small units) was refused with "expected 2 arguments";
    and a second --output-range silently replaced the first instead of being checked too."""
    from symdistill.domain import Domain, Feature
    from symdistill.models import Tree

    dom = Domain((Feature("x", "numeric", 0.0, 1.0),))
    tiny = Tree(dom, "regression", None, children_left=[1, -1, -1], children_right=[2, -1, -1],
                feature=[0, -1, -1], threshold=[0.5, 0, 0], value=[[0.0], [-5e-7], [5e-7]])
    tiny.to_json(files / "tiny.json")
    assert main(["verify", "tiny.json", "--output-range", "-1e-06", "1E-6"]) == 0
    out = capsys.readouterr().out
    assert "HOLDS: -1e-06 <= prediction <= 1e-06" in out
    assert main(["verify", "tiny.json", "--output-range", "-1e-06", "1e-06", "--output-range", "-1e-06", "0"]) == 1
    out = capsys.readouterr().out
    assert "HOLDS: -1e-06 <= prediction <= 1e-06" in out and "VIOLATED: -1e-06 <= prediction <= 0" in out


def test_a_robust_point_that_does_not_fit_the_features_names_robust_and_the_point() -> None:
    """A point with an unknown category or a missing value was refused as data rows are, 'column 'c' has
    unknown category 'zz' in row 0', naming neither ``sd.robust`` nor its point."""
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"a": rng.integers(0, 5, 200), "c": pd.Categorical(rng.choice(["p", "q"], 200))})
    model = sd.distill(lambda A: (A["a"] > 2).astype(int), df, max_size=2, random_state=0)
    with pytest.raises(sd.DataError, match=r"^robust: the point does not fit the model's features: column 'c' has "
                                           r"unknown category 'zz'"):
        sd.verify(model, sd.robust({"a": 1, "c": "zz"}, 1.0))
    with pytest.raises(sd.DataError, match=r"^robust: the point does not fit the model's features: column 'c' has "
                                           r"a missing value"):
        sd.verify(model, sd.robust({"a": 1, "c": None}, 1.0))

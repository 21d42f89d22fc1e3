"""Small correctness leftovers: a rule whose class contradicts its own probabilities, a teacher's boolean
one-hot answer, the probabilities warning behind the answer cache, and categories written alike."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

import symdistill as sd
from symdistill import ModelFormatError
from symdistill.domain import Domain, Feature
from symdistill.models import Condition, Rule, RuleSet

DOMAIN = Domain((Feature("age", "numeric", 0.0, 10.0), Feature("colour", "categorical", 0.0, 2.0,
                                                                 ("red", "green", "blue"))))
CLASSES = np.array(["no", "maybe", "yes"])


def _rules() -> RuleSet:
    return RuleSet(DOMAIN, "classification", CLASSES,
                   [Rule((Condition(0, ">", 5.0),), 2, proba=(0.1, 0.1, 0.8), coverage=0.4, agreement=0.8),
                    Rule((Condition(1, "in", {0}),), 1, proba=(0.3, 0.7, 0.0), coverage=0.2, agreement=0.7)],
                   Rule((), 0, proba=(0.6, 0.4, 0.0), coverage=0.4, agreement=0.6))


@pytest.mark.parametrize("edit, where, named", [
    (lambda d: d["rules"][0].update(prediction=0), "rule 0", "'no' (index 0)"),
    (lambda d: d["rules"][1].update(proba=[0.9, 0.1, 0.0]), "rule 1", "'maybe' (index 1)"),
    (lambda d: d["default"].update(prediction=2), "the default", "'yes' (index 2)"),
])
def test_a_rule_whose_class_contradicts_its_probabilities_is_refused_on_load(edit, where, named):
    """A model file hand-edited so that a rule's class is not the most likely of its own probabilities
    loaded, and predict gave that class where predict_proba's argmax gave another on every row it
    decides. It is refused, naming the rule, both classes and the two fixes."""
    d = json.loads(_rules().to_json())
    edit(d)
    with pytest.raises(ModelFormatError, match=rf"{where} predicts class {re.escape(named)}, but its class probabilities .* "
                                               r"the most likely, so predict and predict_proba would disagree"):
        sd.load(json.dumps(d))


def test_a_rule_tied_with_another_class_or_without_probabilities_loads():
    """A tie names either class (the decompositional learner keeps a rule's own class on one); a rule
    without probabilities, or with all zero, is its class alone. Neither is refused."""
    d = json.loads(_rules().to_json())
    d["rules"][0]["proba"] = [0.5, 0.0, 0.5]
    d["rules"][1].pop("proba")
    d["default"]["proba"] = [0.0, 0.0, 0.0]
    rs = sd.load(json.dumps(d))
    X = np.array([[7.0, "blue"], [1.0, "red"], [1.0, "green"]], dtype=object)
    assert rs.predict(X).tolist() == ["yes", "maybe", "no"]
    np.testing.assert_allclose(rs.predict_proba(X), [[0.5, 0, 0.5], [0, 1, 0], [1, 0, 0]])


def test_distilled_rule_lists_agree_with_their_probabilities():
    """Both rule learners' lists load back (each rule's class its rows' majority), and predict is the
    argmax of predict_proba wherever that is not a tie."""
    from sklearn.datasets import load_iris
    from sklearn.tree import DecisionTreeClassifier

    X, y = load_iris(return_X_y=True)
    net = DecisionTreeClassifier(max_depth=4, random_state=0).fit(X, y)
    for form in ("rules", "decompositional"):
        try:
            rs = sd.distill(net, X, form=form, max_size=6, random_state=0)
        except (TypeError, ValueError):  # the decompositional form needs a network
            continue
        back = sd.load(rs.to_json())
        P = back.predict_proba(X)
        clear = np.sort(P, axis=1)[:, -1] > np.sort(P, axis=1)[:, -2]
        assert (back.predict(X)[clear] == back.classes[P[clear].argmax(axis=1)]).all()


def _one_hot_rows() -> np.ndarray:
    return np.random.default_rng(0).normal(size=(80, 2))


def _indicators(X: np.ndarray) -> np.ndarray:
    """Three classes' indicators, a column each: the first row of each class's columns alike."""
    y = (X[:, 0] > -0.5).astype(int) + (X[:, 1] > 0.5)
    return np.eye(3, dtype=bool)[y]


def test_a_boolean_one_hot_answer_reads_as_the_same_integers():
    """A function answering np.eye(k, dtype=bool)[y] was refused ('returned 3 labels per row') while
    the same 0/1 integers were read as class probabilities: it now gives the integers' answers, and
    its distilled tree is theirs."""
    X = _one_hot_rows()
    as_bool = sd.as_teacher(_indicators)
    as_int = sd.as_teacher(lambda X: _indicators(X).astype(int))
    np.testing.assert_array_equal(as_bool.predict_proba(X), as_int.predict_proba(X))
    assert as_bool.classes_.tolist() == as_int.classes_.tolist() == [0, 1, 2]
    a = sd.distill(_indicators, X, form="tree", max_size=4, random_state=0)
    b = sd.distill(lambda X: _indicators(X).astype(int), X, form="tree", max_size=4, random_state=0)
    da, db = a.to_dict(), b.to_dict()
    assert da.pop("meta").pop("teacher") != db.pop("meta").pop("teacher")  # the functions' names
    assert da == db


def test_a_boolean_one_hot_dataframe_names_its_classes_by_its_columns():
    """pd.get_dummies answers a DataFrame of booleans, a column named by each class, as an integer
    DataFrame of scores does: its columns are the classes (they were read by position, as 0, 1, 2)."""
    pd = pytest.importorskip("pandas")
    X = _one_hot_rows()
    names = np.array(["low", "mid", "high"])
    t = sd.as_teacher(lambda X: pd.get_dummies(pd.Categorical(names[_indicators(X).argmax(axis=1)],
                                                               categories=["high", "low", "mid"])))
    assert t.predict(X).tolist() == names[_indicators(X).argmax(axis=1)].tolist()
    assert t.classes_.tolist() == ["high", "low", "mid"]


@pytest.mark.parametrize("answer, with_", [
    (lambda X: np.zeros((len(X), 2), dtype=bool), "with 0"),
    (lambda X: np.column_stack([X[:, 0] > 0, np.ones(len(X), dtype=bool)]), "with 2"),
])
def test_a_boolean_matrix_that_is_not_one_hot_is_refused(answer, with_):
    X = np.array([[1.0, 0.0], [0.7, 1.0], [-1.0, 2.0]])
    with pytest.raises(sd.TeacherError, match=r"returned \d booleans per row \(shape \(3, \d\)\), read as one-hot class "
                                              rf"indicators \(a column per class\), but not exactly one True for \d of "
                                              rf"the 3 rows asked, first row 0 \(\[1.0, 0.0\]\), {with_}; a one-hot row"):
        sd.as_teacher(answer).predict(X)


def _sigmoid(X: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-(X[:, 0] + 0.3 * X[:, 1] - 0.5)))


def _warned(X: np.ndarray, cache: bool) -> list[str]:
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        t = sd.as_teacher(_sigmoid, cache=cache)
        t.predict(X)
    assert t.task == "regression"
    return [str(w.message) for w in caught if "all between 0 and 1" in str(w.message)]


@pytest.mark.parametrize("n", [120, 9])
def test_the_probabilities_warning_counts_the_rows_asked_not_the_cached_ones(n):
    """A sigmoid's answers to 120 rows of three distinct ones (binary features) were warned of as maybe
    a class's probability without the cache and not with it: the warning counted the cache's distinct
    rows, 3, as too few to tell. Both now warn, as for 9 copies of one row."""
    X = np.tile(np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]), (40, 1))[:n]
    assert len(_warned(X, cache=False)) == 1
    assert len(_warned(X, cache=True)) == 1


@pytest.mark.parametrize("cache", [False, True])
def test_the_probabilities_warning_stays_quiet_on_a_few_rows(cache):
    """Three rows are too few to tell probabilities from values, with the cache or without."""
    assert _warned(np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]), cache) == []


WRITTEN_ALIKE = r"feature 'c': categories 1 \(int\) and '1' \(str\) are both written '1', as a CSV file and the " \
    r"command line read them, so a row's value would be taken for the other's: make the column one type"


def _mixed_rows(n: int = 120):
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    return pd.DataFrame({"x": rng.normal(size=n), "c": np.array([1, "1", "a"], dtype=object)[rng.integers(0, 3, n)]})


def test_a_column_holding_the_number_1_and_the_text_1_is_refused():
    """An object column holding 1 and '1' became two categories: the command line's predict read a CSV's
    1 as '1' (as 1 where the file held only numbers), the other category's prediction, on the user's own
    rows, without a word. The column is refused, naming both values and their types."""
    X = _mixed_rows()
    with pytest.raises(ValueError, match=WRITTEN_ALIKE):
        sd.distill(lambda X: np.array([v == "1" for v in X["c"]]).astype(int), X, form="rules", max_size=4,
                   random_state=0)
    with pytest.raises(ValueError, match=WRITTEN_ALIKE):
        Domain.from_data(X.to_numpy(), feature_names=["x", "c"], categorical=["c"])
    with pytest.raises(ValueError, match=r"categories True \(bool\) and 'True' \(str\) are both written 'True'"):
        Feature("c", "categorical", categories=(True, "True", "no"))
    Feature("c", "categorical", categories=(True, "true", 2, "2.5"))  # written otherwise: kept


def test_a_model_file_with_categories_written_alike_is_refused_on_load_and_by_the_command_line(tmp_path, capsys):
    from symdistill.cli import main

    d = json.loads(_rules().to_json())
    d["domain"]["features"][1].update(name="c", categories=["red", 1, "1"])
    path = tmp_path / "m.json"
    path.write_text(json.dumps(d), encoding="utf-8")
    with pytest.raises(ModelFormatError, match=WRITTEN_ALIKE):
        sd.load(path)
    rows = tmp_path / "rows.csv"
    rows.write_text("age,c\n1,1\n7,red\n", encoding="utf-8")
    for args in (["predict", str(path), "--data", str(rows)], ["show", str(path)]):
        assert main(args) == 2
        err = capsys.readouterr().err
        assert "categories 1 (int) and '1' (str) are both written '1'" in err, err

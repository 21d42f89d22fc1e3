from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import symdistill as sd
from symdistill import ModelFormatError
from symdistill.domain import Domain
from symdistill.models import Tree


def small_tree() -> Tree:
    dom = Domain.from_data(np.array([[0.0, 0.0], [10.0, 1.0]]), feature_names=["age", "smoker"])
    return Tree(dom, "classification", np.array(["low", "high"]),
                children_left=[1, -1, 3, -1, -1], children_right=[2, -1, 4, -1, -1],
                feature=[0, -1, 1, -1, -1], threshold=[5.0, 0, 0.5, 0, 0],
                value=[[0.5, 0.5], [0.9, 0.1], [0.3, 0.7], [0.8, 0.2], [0.1, 0.9]])


def test_predict_follows_thresholds_inclusively():
    t = small_tree()
    X = np.array([[5.0, 1.0], [5.000001, 0.0], [7.0, 1.0]])
    assert t.predict(X).tolist() == ["low", "low", "high"]
    assert t.apply(X).tolist() == [1, 3, 4]
    assert np.allclose(t.predict_proba(X)[2], [0.1, 0.9])
    assert t.size == 3 and t.depth == 2


def test_str_is_readable_with_names():
    text = str(small_tree())
    assert "if age <= 5:" in text and "smoker > 0.5" in text and "high" in text


def test_json_round_trip_is_exact():
    t = small_tree()
    again = sd.load(t.to_json())
    assert again == t and again.to_dict() == t.to_dict()
    assert sd.load(json.loads(t.to_json())) == t


def test_leaf_regions_cover_predictions():
    t = small_tree()
    X = np.random.default_rng(0).uniform([0, 0], [10, 1], size=(500, 2))
    X[:, 1] = np.round(X[:, 1])
    leaves = t.apply(X)
    for leaf, box in t.leaf_regions():
        assert (box.contains(X) == (leaves == leaf)).all()


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda d: d.update(children_left=[1, -1, 1, -1, -1]), "one parent|tree"),
        (lambda d: d.update(feature=[7, -1, 1, -1, -1]), "feature 7"),
        (lambda d: d.update(threshold="no"), "threshold"),
        (lambda d: d.update(kind="forest"), "unknown model kind 'forest'"),
        (lambda d: d.update(version=99), "version"),
        (lambda d: d.pop("value"), "missing field 'value'"),
        (lambda d: d.update(value=[[1, 0]] * 5, classes=["a", "b", "c"]), "classes"),
        (lambda d: d["domain"].update(features="x"), "features"),
    ],
)
def test_malformed_json_gets_clear_error(mutate, message):
    d = small_tree().to_dict()
    mutate(d)
    with pytest.raises(ModelFormatError, match=message):
        sd.load(json.dumps(d))


def test_load_rejects_non_json_and_missing_files(tmp_path):
    with pytest.raises(ModelFormatError, match="not valid JSON"):
        sd.load("{not json")
    with pytest.raises(ModelFormatError, match="no such model file"):
        sd.load(tmp_path / "missing.json")
    with pytest.raises(ModelFormatError, match="not a symdistill model"):
        sd.load('{"format": "pickle"}')


@st.composite
def random_trees(draw):
    d = draw(st.integers(1, 4))
    n_leaves = draw(st.integers(1, 12))
    dom = Domain.from_data(np.vstack([np.zeros(d), np.ones(d)]) * 10 + 0.5)
    left, right, feat, thr = [-1], [-1], [-1], [0.0]
    leaves = [0]
    while len(leaves) < n_leaves:
        i = leaves.pop(draw(st.integers(0, len(leaves) - 1)))
        left[i], right[i] = len(left), len(left) + 1
        feat[i] = draw(st.integers(0, d - 1))
        thr[i] = draw(st.floats(0, 11, allow_nan=False))
        for _ in range(2):
            left.append(-1), right.append(-1), feat.append(-1), thr.append(0.0)
        leaves += [left[i], right[i]]
    value = draw(st.lists(st.lists(st.floats(0, 1), min_size=2, max_size=2), min_size=len(left), max_size=len(left)))
    return Tree(dom, "classification", np.array([0, 1]), children_left=left, children_right=right,
                feature=feat, threshold=thr, value=value)


@settings(max_examples=40, deadline=None)
@given(random_trees(), st.integers(0, 2**32 - 1))
def test_random_trees_round_trip_and_predict_by_walking(tree, seed):
    X = np.random.default_rng(seed).uniform(0, 11, size=(50, tree.domain.n_features))
    again = sd.load(tree.to_json())
    assert (again.predict(X) == tree.predict(X)).all()
    for x, p in zip(X, tree.predict(X)):
        i = 0
        while tree.children_left[i] >= 0:
            i = tree.children_left[i] if x[tree.feature[i]] <= tree.threshold[i] else tree.children_right[i]
        assert p == tree.classes[np.argmax(tree.value[i])]


def test_value_holding_counts_gives_probabilities_and_shares():
    # 'value' is class frequencies: counts (as scikit-learn keeps them) are valid, and so is a leaf
    # no row reached (zeros). predict_proba rows sum to one; str prints shares, not 4000%.
    dom = Domain.from_data(np.array([[0.0], [1.0]]), feature_names=["age"])
    t = Tree(dom, "classification", np.array(["no", "yes"]), children_left=[1, -1, -1],
             children_right=[2, -1, -1], feature=[0, -1, -1], threshold=[0.5, 0, 0],
             value=[[50, 50], [40, 10], [0, 0]])
    proba = t.predict_proba(np.array([[0.0], [1.0]]))
    assert np.allclose(proba, [[0.8, 0.2], [0.5, 0.5]])
    assert (t.classes[proba.argmax(axis=1)] == t.predict(np.array([[0.0], [1.0]]))).all()
    assert "agreement 80%" in str(t) and "agreement 50%" in str(t)
    assert t.to_json() == sd.load(t.to_json()).to_json()


def test_a_class_label_with_a_line_break_prints_on_its_leafs_line():
    """A label holding a newline was printed raw, so a leaf '-> yes' was followed by a forged line
    '-> no  (agreement 100%, ...)' that is no leaf of the tree."""
    t = small_tree()
    t.classes = np.array(["low", "yes\n-> no"])
    lines = str(t).splitlines()
    assert len(lines) == 8
    assert lines[-1] == "        -> yes\\n-> no  (agreement 90%)"


@pytest.mark.parametrize("form", ["tree", "rules", "linear"])
def test_labels_a_newline_and_a_backslash_apart_print_apart(form):
    """'yes\\n' (a newline) and 'yes\\\\n' (a backslash and an n) both printed yes\\n: newlines in labels
    were escaped, backslashes were not, so a printout could not tell the two classes apart. Backslashes
    in printed labels are now doubled (as in feature names between backticks); saved and exported
    models keep the labels as they are."""
    X = np.random.default_rng(0).uniform(size=(300, 2))
    teacher = lambda X: np.where(np.asarray(X)[:, 0] > 0.5, "yes\n", "yes\\n")  # noqa: E731
    model = sd.distill(teacher, X, form=form, max_size=3, random_state=0, n_samples=600)
    printed = str(model)
    if form == "linear":  # one score, named by the second class ('\\n' sorts before '\\\\')
        assert printed.splitlines()[2] == r"P(yes\\n) = sigmoid(score)"
    else:
        assert r"yes\\n " in printed and r"yes\n " in printed and "yes\n " not in printed
    assert sd.load(model.to_json()).classes.tolist() == ["yes\n", "yes\\n"]
    namespace: dict = {}
    exec(sd.export(model, "python"), namespace)
    assert [namespace["predict"](row) for row in ([0.9, 0.5], [0.1, 0.5])] == ["yes\n", "yes\\n"]


@pytest.mark.parametrize("form", ["tree", "rules", "linear"])
def test_an_empty_label_or_one_a_printout_could_misread_prints_quoted(form):
    """Labels printed bare, so the class '' printed '->   (agreement ...)' and 'THEN    (coverage ...)',
    and the class 'ELSE x' printed 'ELSE ELSE x' at the end of a rule list. Such a label now prints as
    repr writes it, as counterexamples print it (and pastes into a constraint); 'no way' stays bare."""
    X = np.random.default_rng(0).uniform(size=(400, 2))

    def teacher(X):
        X = np.asarray(X)
        return np.where(X[:, 0] > 0.5, "ELSE x", np.where(X[:, 1] > 0.5, "", "no way"))

    model = sd.distill(teacher, X, form=form, max_size=4, random_state=0)
    printed = str(model)
    shown = {"tree": "-> {}  (", "rules": "{}   (", "linear": "score[{}] ="}[form]
    for label in ("''", "'ELSE x'", "no way"):
        assert shown.format(label) in printed
    assert "-> ELSE x" not in printed and "ELSE ELSE" not in printed and "THEN  " not in printed
    verdict = sd.verify(model, "x0 > 0.9 -> prediction == ''")
    assert str(verdict.counterexample).endswith("-> 'ELSE x'")


def test_a_rare_leaf_or_a_nearly_exact_one_does_not_print_0_or_100_percent():
    """Shares were rounded to whole percents: a leaf holding 0.3% of the queries printed '0% of
    queries' and one the teacher agrees with on 99.6% of its rows 'agreement 100%'."""
    dom = Domain.from_data(np.array([[0.0], [10.0]]), feature_names=["age"])
    t = Tree(dom, "classification", np.array(["low", "high"]), children_left=[1, -1, -1],
             children_right=[2, -1, -1], feature=[0, -1, -1], threshold=[5.0, 0, 0],
             value=[[0.5, 0.5], [0.996, 0.004], [0.0, 1.0]], n_samples=[1000, 997, 3])
    assert str(t).splitlines()[2::2] == ["    -> low  (agreement >99%, >99% of queries)",
                                         "    -> high  (agreement 100%, <1% of queries)"]


def test_a_one_leaf_tree_is_headed_1_leaf():
    """A constant teacher's tree was headed 'Tree (classification, 1 leaves, depth 0)'."""
    dom = Domain.from_data(np.array([[0.0], [10.0]]), feature_names=["age"])
    t = Tree(dom, "classification", np.array(["low", "high"]), children_left=[-1], children_right=[-1],
             feature=[-1], threshold=[0.0], value=[[1.0, 0.0]], n_samples=[100])
    assert str(t).splitlines()[0] == "Tree (classification, 1 leaf, depth 0)"
    assert str(small_tree()).splitlines()[0].startswith("Tree (classification, 3 leaves,")


def test_a_leaf_counted_0_of_the_queries_does_not_print_0_percent():
    """A leaf's count is its rows' weight rounded to a whole query: a leaf of a distilled tree whose
    rows weighed 0.002 of a query (a narrow region of a topped-up node) is counted 0, and printed
    '0% of queries', read as a leaf no query reaches. A count of 0 is a weight under half a query:
    the share is under 0.5 / the root's count, which prints as '<1%' (or '<13%' of 4 queries)."""
    dom = Domain.from_data(np.array([[0.0], [10.0]]), feature_names=["age"])
    shape = dict(children_left=[1, -1, -1], children_right=[2, -1, -1], feature=[0, -1, -1], threshold=[5.0, 0, 0])
    t = Tree(dom, "classification", np.array(["low", "high"]), value=[[0.5, 0.5], [1, 0], [0, 1]],
             n_samples=[5000, 5000, 0], **shape)
    assert str(t).splitlines()[2::2] == ["    -> low  (agreement 100%, 100% of queries)",
                                         "    -> high  (agreement 100%, <1% of queries)"]
    reg = Tree(dom, "regression", None, value=[[1.0], [1.0], [2.0]], n_samples=[4, 4, 0], **shape)
    assert str(reg).splitlines()[2::2] == ["    -> 1  (100% of queries)", "    -> 2  (<13% of queries)"]

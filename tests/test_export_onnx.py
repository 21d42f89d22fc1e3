"""ONNX export: onnxruntime runs the graph; labels and tree values must equal ``predict`` exactly."""

from __future__ import annotations

import json

import numpy as np
import pytest

import symdistill as sd
from symdistill.models.automata import DFA
from symdistill.models.linear import LinearModel

from _export_support import (
    expected, hostile_classes, hostile_domain, probe_rows, random_linear, random_rules, random_tree,
)

ort = pytest.importorskip("onnxruntime")
onnx = pytest.importorskip("onnx")


@pytest.fixture(scope="module")
def dom():
    return hostile_domain(3, 2)


def _run(model, Z):
    session = ort.InferenceSession(sd.export(model, "onnx"), providers=["CPUExecutionProvider"])
    names = [o.name for o in session.get_outputs()]
    return dict(zip(names, session.run(None, {"X": Z})))


@pytest.mark.parametrize("classes", [hostile_classes(4), np.array([-3, 0, 7]), np.array([0.5, 2.25]),
                                     np.array([False, True]), np.array(["only"])])
def test_tree_classifier_labels_are_exact(dom, classes):
    tree = random_tree(np.random.default_rng(0), dom, n_leaves=30, classes=classes)
    Z = probe_rows(tree, 10_000)
    out = _run(tree, Z)
    np.testing.assert_array_equal(out["class_index"], expected(tree, Z))
    assert out["label"].tolist() == tree.predict_encoded(Z).tolist()


def test_tree_uses_the_tree_ensemble_operators(dom):
    clf = random_tree(np.random.default_rng(1), dom, n_leaves=8, classes=["a", "b"])
    reg = random_tree(np.random.default_rng(1), dom, n_leaves=8, task="regression")
    clf_ops = {n.op_type for n in onnx.load_from_string(sd.export(clf, "onnx")).graph.node}
    reg_ops = {n.op_type for n in onnx.load_from_string(sd.export(reg, "onnx")).graph.node}
    assert "TreeEnsembleClassifier" in clf_ops and "TreeEnsembleRegressor" in reg_ops


def test_tree_regressor_values_are_exact_doubles(dom):
    tree = random_tree(np.random.default_rng(2), dom, n_leaves=40, task="regression")
    Z = probe_rows(tree, 10_000, seed=1)
    out = _run(tree, Z)
    assert out["value"].dtype == np.float64
    assert (out["value"] == tree.predict_encoded(Z)).all()


@pytest.mark.parametrize("task", ["classification", "regression"])
def test_rule_lists(dom, task):
    rules = random_rules(np.random.default_rng(3), dom, n_rules=10, task=task, classes=hostile_classes(3))
    Z = probe_rows(rules, 5000, seed=2)
    out = _run(rules, Z)
    if task == "regression":
        assert (out["value"] == rules.predict_encoded(Z)).all()
    else:
        np.testing.assert_array_equal(out["class_index"], expected(rules, Z))


@pytest.mark.parametrize("link, k", [("logistic", 2), ("softmax", 4), ("identity", None)])
def test_linear_models(dom, link, k):
    model = random_linear(np.random.default_rng(4), dom, link=link, classes=None if k is None else hostile_classes(k))
    Z = probe_rows(model, 5000, seed=3)
    out = _run(model, Z)
    if link == "identity":
        np.testing.assert_array_equal(out["value"], model.predict_encoded(Z))
        return
    np.testing.assert_array_equal(out["class_index"], expected(model, Z))
    np.testing.assert_allclose(out["probabilities"], model.predict_proba_encoded(Z), rtol=1e-12, atol=1e-15)


def test_linear_probabilities_follow_predict_proba_on_extreme_scores():
    """onnxruntime's double Sigmoid loses a small probability (class 1's P at a score of -37 was 0.0
    where predict_proba gives 8.5e-17, and 1e6 ulps off at -14), and its Softmax answers NaN for a row
    whose top score is +inf (a weight times a feature near the largest double), where predict_proba
    gives that class 1.0. The graph now computes predict_proba's own formulas: equal but for the
    rounding of onnxruntime's exp (a few ulps)."""
    dom = sd.Domain((sd.Feature("a", "numeric", -1e308, 1e308), sd.Feature("b", "numeric", -1e308, 1e308)))
    Z = np.array([[v, 0.0] for v in (-48.9, -37.0, -36.0, -14.16, -3.5, -0.0, 0.0, 3.5, 40.0, -745.0, 800.0)]
                 + [[1e308, 1.0], [-1e308, 1.0], [1e308, -1e308], [0.5, 1e308], [1e308, 1e308]])
    logistic = LinearModel(dom, "classification", np.array(["no", "yes"]), terms=[0, 1], coef=[[1.0, 0.0]],
                           intercept=[0.0], link="logistic")
    softmax = LinearModel(dom, "classification", np.array(["x", "y", "z"]), terms=[0, 1],
                          coef=[[10.0, 0.0], [1.0, 2.0], [0.0, 10.0]], intercept=[0.0, 0.5, -1.0], link="softmax")
    for model in (logistic, softmax):
        with np.errstate(over="ignore"):
            want = model.predict_proba_encoded(Z)
        got = _run(model, Z)["probabilities"]
        assert not np.isnan(want).any()
        np.testing.assert_allclose(got, want, rtol=1e-13, atol=0)


def test_metadata_names_features_and_classes(dom):
    tree = random_tree(np.random.default_rng(5), dom, n_leaves=4, classes=hostile_classes(2))
    meta = {p.key: p.value for p in onnx.load_from_string(sd.export(tree, "onnx")).metadata_props}
    assert json.loads(meta["symdistill.features"]) == dom.feature_names
    assert json.loads(meta["symdistill.classes"]) == tree.classes.tolist()
    assert meta["symdistill.kind"] == "tree"


def test_automata_are_refused_with_the_targets_that_take_them():
    """The targets named left out DOT, which automata (and they alone) export to."""
    with pytest.raises(ValueError, match="a dfa model cannot be exported to ONNX; export automata to 'c', 'python', "
                                         "'prolog', 'json' or 'dot'$"):
        sd.export(DFA.from_regex("0*", "01"), "onnx")


def test_integer_labels_beyond_int64_are_refused_by_name():
    X = np.random.default_rng(0).uniform(size=(200, 2))
    teacher = lambda X: np.array([10**20 if v > 0.5 else 3 for v in X[:, 0]], dtype=object)  # noqa: E731
    model = sd.distill(teacher, X, max_size=2, random_state=0)
    with pytest.raises(ValueError, match="class label 100000000000000000000 does not fit ONNX's int64"):
        sd.export(model, "onnx")
    assert "100000000000000000000" in sd.export(model, "python")  # the other targets take it


def test_integer_labels_a_double_cannot_hold_beside_fractional_ones_are_refused_by_name():
    """Labels mixing numbers with and without a fraction go out as doubles, which rounded an integer
    beyond 2**53 silently: the graph answered 1.152921504606847e+18 where predict answers the label
    1152921504606846977. Such a label is refused by name, as one beyond int64 is."""
    ort = pytest.importorskip("onnxruntime")
    X = np.random.default_rng(0).uniform(size=(200, 2))
    teacher = lambda X: np.array([2**60 + 1 if v > 0.5 else 0.5 for v in X[:, 0]], dtype=object)  # noqa: E731
    model = sd.distill(teacher, X, max_size=2, random_state=0)
    assert model.predict(np.array([[0.9, 0.5]]))[0] == 2**60 + 1
    with pytest.raises(ValueError, match=r"class label 1152921504606846977 is not exactly a double \(the labels "
                                         r"mix numbers with and without a fraction\)"):
        sd.export(model, "onnx")
    small = sd.distill(lambda X: np.array([7 if v > 0.5 else 0.5 for v in X[:, 0]], dtype=object), X, max_size=2,
                       random_state=0)  # whole numbers a double holds exactly go out as before
    session = ort.InferenceSession(sd.export(small, "onnx"), providers=["CPUExecutionProvider"])
    assert session.run(["label"], {"X": np.array([[0.9, 0.5], [0.1, 0.5]])})[0].tolist() == [7.0, 0.5]


def test_linear_constants_onnxruntime_would_drop_as_no_ops_are_kept():
    """onnxruntime's graph optimiser removes ``x * w`` and ``x + b`` as no-ops when ``w`` (``b``) is
    1 (0) once cast to float32: a weight of 0.9999999999999933 (an exactly linear teacher's weight
    of 1, as the learner fits it), an intercept or knot of 1e-300 (a regressor in tiny units). The
    exported value must stay ``predict``'s double all the same."""
    from symdistill.domain import Domain, Feature
    from symdistill.models.linear import LinearModel, Term

    dom = Domain(tuple(Feature(f"x{j}", "numeric", -2.0, 2.0) for j in range(3)))
    terms = [Term.numeric(0), Term.numeric(1), Term.hinge(2, 1e-300, 1), Term.hinge(2, -1e-300, -1)]
    for coef, intercept in [([0.9999999999999933, 2.000000000000001, 3.0, -5.0], -3.1e-15),  # weight ~1
                            ([3e-300, -2e-300, 1 - 2**-53, 1.0], 1e-300)]:  # tiny units: knots, intercept
        model = LinearModel(dom, "regression", None, terms=terms, coef=np.array([coef]),
                            intercept=np.array([intercept]), link="identity")
        Z = np.random.default_rng(0).uniform(-2, 2, size=(2000, 3)) * [1, 1, 1e-299]
        np.testing.assert_array_equal(_run(model, Z)["value"], model.predict_encoded(Z))


def test_a_regressor_graph_is_a_regression_teacher():
    """An ONNX regressor answering whole numbers (an exported regression tree of counts; a
    LinearRegressor node, as skl2onnx writes a scikit-learn regressor) was read as a classifier of
    those numbers, as a callable's are: the graph says it answers values, as scikit-learn's tags do,
    so it scores its own tree and distils into regressors without task='regression'."""
    from onnx import TensorProto, helper

    from _onnx_support import onnx_model

    tree = random_tree(np.random.default_rng(0), hostile_domain(3, 0), n_leaves=4, task="regression")
    tree = type(tree).from_dict({**tree.to_dict(), "value": np.round(tree.value).tolist()})
    X = probe_rows(tree, 500)  # numbers only: the graph's rows are the model's
    teacher = sd.as_teacher(sd.export(tree, "onnx"))
    assert teacher.predict(X).tolist() == tree.predict(X).tolist() and teacher.task == "regression"
    assert float(sd.fidelity(tree, sd.export(tree, "onnx"), X)) == 1.0  # was: "the teacher answers as a classification model"
    doubling = onnx_model([helper.make_node("LinearRegressor", ["x"], ["y"], domain="ai.onnx.ml", coefficients=[2.0, 0.0])],
                          [("x", TensorProto.FLOAT, [None, 2])], [("y", TensorProto.FLOAT, [None, 1])])
    rows = np.random.default_rng(0).integers(0, 4, size=(300, 2)).astype(float)
    model = sd.distill(doubling, rows, form="tree", max_size=4, random_state=0)
    assert model.task == "regression" and sorted(np.unique(model.predict(rows))) == [0.0, 2.0, 4.0, 6.0]
    assert sd.as_teacher(doubling, task="classification").predict(rows[:3]).dtype.kind == "i"  # declared: classes


@pytest.mark.parametrize("classes", [[1, 2], [2, 1, 3], [0.5, 2.0, -1.0], hostile_classes(2), [False, True]])
@pytest.mark.parametrize("form", ["tree", "rules", "linear"])
def test_an_exported_classifier_read_back_as_a_teacher_answers_its_classes(form, classes):
    """symdistill's ONNX export of a classifier, given back as a teacher (sd.as_teacher("model.onnx"),
    --teacher model.onnx), was read as the classes 0..k-1: a linear model of classes [1, 2] scored fidelity
    0.0 against its own export with no word (the teacher's column 1 read as class 1, the model's 2), a
    tree's said its label 2 'is not among its classes [0, 1]' and one of classes [0.5, 2, -1] was taken for
    a regressor. Its classes are now those the export records (symdistill.classes), so the model agrees
    with its own export on every row."""
    rng = np.random.default_rng(3)
    dom = hostile_domain(3, 0)
    classes = np.asarray(classes)
    model = {"tree": lambda: random_tree(rng, dom, n_leaves=12, classes=classes),
             "rules": lambda: random_rules(rng, dom, n_rules=6, classes=classes),
             "linear": lambda: random_linear(rng, dom, link="logistic" if len(classes) == 2 else "softmax",
                                             classes=classes)}[form]()
    Z = probe_rows(model, 2000)
    teacher = sd.as_teacher(sd.export(model, "onnx"))
    assert float(sd.fidelity(model, teacher, Z)) == 1.0
    assert teacher.predict(Z).tolist() == model.predict(Z).tolist()


@pytest.mark.parametrize("form", ["tree", "rules", "linear"])
def test_an_export_of_a_model_with_categories_is_a_teacher_of_labelled_rows(form):
    """The ONNX graph takes category codes, and its metadata named the features but not which category
    each code is: a user of the .onnx file alone could not encode a row, and the export given back as a
    teacher refused the model's own rows ("takes numbers, got 'red'"), so sd.fidelity could not compare a
    model with its export. The export now records each categorical feature's categories
    (symdistill.categories), and as a teacher it encodes a DataFrame of labels with them, its columns
    matched to the features by name (in any order)."""
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"x": rng.normal(size=600), "colour": rng.choice(["red", "green", "blue"], 600),
                      "member": rng.choice([True, False], 600)})
    rule = lambda D: np.where((np.asarray(D["x"], dtype=float) > 0) & (np.asarray(D["colour"]) != "red"), "yes", "no")  # noqa: E731
    model = sd.distill(rule, X, form=form, max_size=4, random_state=0, categorical=["colour"])
    blob = sd.export(model, "onnx")
    meta = onnx.load_from_string(blob).metadata_props
    cats = json.loads(next(p.value for p in meta if p.key == "symdistill.categories"))
    colour = model.domain.features[model.domain.feature_names.index("colour")]
    assert cats["colour"] == [str(c) for c in colour.categories]
    teacher = sd.as_teacher(blob)
    assert sd.fidelity(model, teacher, X).value == 1.0
    assert sd.fidelity(model, teacher, X[["member", "colour", "x"]]).value == 1.0
    with pytest.raises(sd.TeacherError, match=r"feature 'colour' has no category 'pink'.*'blue'"):
        teacher.predict(X.assign(colour="pink").iloc[:3])
    with pytest.raises(sd.TeacherError, match=r"takes the features \['x', 'colour', 'member'\].*'size'"):
        teacher.predict(X.rename(columns={"x": "size"}).iloc[:3])


def test_the_probabilities_of_an_exported_classifier_read_as_a_teacher_are_in_its_classes(tmp_path):
    """sd.as_teacher(model.onnx, output='probabilities') on symdistill's own export answered the class
    indices 0..k-1 (the graph's classifier nodes count classes so), not the classes the file records."""
    X = np.random.default_rng(0).uniform(0, 10, (400, 2))
    teacher = lambda A: np.where(np.asarray(A)[:, 0] > 5, 7, 3)  # noqa: E731
    for form in ("tree", "rules", "linear"):
        model = sd.distill(teacher, X, form=form, max_size=3, random_state=0, progress=False)
        path = tmp_path / f"{form}.onnx"
        path.write_bytes(sd.export(model, "onnx"))
        read = sd.as_teacher(str(path), output="probabilities")
        assert read.predict(X[:50]).tolist() == model.predict(X[:50]).tolist(), form
        assert read.classes_.tolist() == [3, 7], form

"""Class probabilities in the exports: a classification tree, rule set or linear model exported to C,
Python, Prolog or ONNX gave labels only (ONNX: probabilities for linear models only), though
``model.predict_proba`` exists for all three. Every target now gives ``predict_proba``'s numbers: for
trees and rule sets the same doubles (a table lookup, compared with ``==``), for linear models its
formulas, within the rounding of the target's ``exp`` (rtol 1e-14)."""

from __future__ import annotations

import dataclasses
import subprocess
import sys

import numpy as np
import pytest

import symdistill as sd
from symdistill.models.automata import DFA
from symdistill.models.rules import Condition, Rule, RuleSet

from _export_support import (
    c_answers, c_proba, expected, hostile_classes, hostile_domain, import_module, needs_gcc, needs_swipl,
    probe_rows, prolog_answers, python_answers, random_linear, random_rules, random_tree, row_driver, run_rows,
)

EXP_RTOL = 1e-14  # libm's exp (C, Python's math, SWI-Prolog) and NumPy's may round an ulp apart


@pytest.fixture(scope="module")
def dom():
    return hostile_domain(4, 2)  # numeric and categorical features, names that break out of literals


def _with_proba(rules: RuleSet, rng: np.random.Generator) -> RuleSet:
    """The rule set with a class distribution on every rule (its class the most likely), as learners
    give them: predict_proba then reads those rather than a one-hot row."""
    k = len(rules.classes)

    def proba(rule: Rule) -> tuple[float, ...]:
        p = rng.dirichlet(np.ones(k))
        top = int(np.argmax(p))
        p[[top, rule.prediction]] = p[[rule.prediction, top]]
        return tuple(p.tolist())

    return RuleSet(rules.domain, rules.task, rules.classes, [dataclasses.replace(r, proba=proba(r)) for r in rules.rules],
                   dataclasses.replace(rules.default, proba=proba(rules.default)))


def _model(kind: str, dom):
    rng = np.random.default_rng(7)
    if kind == "tree":
        return random_tree(rng, dom, n_leaves=40, classes=hostile_classes(5))
    if kind == "deep tree":  # past the nesting limit: the walk is cut into functions
        return random_tree(rng, dom, n_leaves=120, classes=hostile_classes(3), chain=True)
    if kind == "rules":
        return _with_proba(random_rules(rng, dom, n_rules=12, classes=hostile_classes(4)), rng)
    link, k = {"logistic": ("logistic", 2), "softmax": ("softmax", 4)}[kind]
    return random_linear(rng, dom, link=link, classes=hostile_classes(k))


def _rows(model, n: int = 400) -> np.ndarray:
    """Probe rows (on and beside every threshold), and for a linear model rows whose scores pass the
    largest double (+inf: that class certain) or make a probability tiny."""
    Z = probe_rows(model, n, seed=5)
    if model.kind == "linear":
        Z[:8, 0] = [1e300, -1e300, 40.0, -40.0, 400.0, -400.0, 700.0, -700.0]
    return Z


def _same(got: np.ndarray, model, Z: np.ndarray) -> None:
    want = model.predict_proba_encoded(Z)
    assert got.shape == want.shape
    if model.kind == "linear":
        np.testing.assert_allclose(got, want, rtol=EXP_RTOL, atol=1e-300)
    else:
        assert (got.view(np.int64) == want.view(np.int64)).all(), f"{int((got != want).sum())} numbers differ"


KINDS = ["tree", "deep tree", "rules", "logistic", "softmax"]


@needs_gcc
@pytest.mark.parametrize("kind", KINDS)
def test_c_predict_proba_gives_predict_probas_numbers(dom, tmp_path, kind):
    model = _model(kind, dom)
    Z = _rows(model)
    _same(c_proba(tmp_path, model, Z, prefix="edge", sanitize=True), model, Z)  # under ASan/UBSan
    np.testing.assert_array_equal(c_answers(tmp_path, model, Z, prefix="edge"), expected(model, Z))  # predict as before


@needs_gcc
def test_c_no_proba_leaves_exp_out_so_a_linear_model_links_without_libm(dom, tmp_path):
    """A linear classifier's predict_proba calls exp, which needs -lm; -DSYMDISTILL_NO_PROBA leaves it out, so a
    build that linked predict alone before still links (and predict answers as before)."""
    model = _model("softmax", dom)
    Z = _rows(model)
    (tmp_path / "symdistill.c").write_text(sd.export(model, "c"), encoding="utf-8")
    driver = row_driver(["symdistill"], [False], dom.n_features)

    def build(*flags: str) -> subprocess.CompletedProcess:
        return subprocess.run(["gcc", "-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic", "-O2", *flags, "-I",
                               str(tmp_path), "-o", str(tmp_path / "driver"), "-x", "c", "-", str(tmp_path / "symdistill.c")],
                              input=driver, capture_output=True, text=True)

    if sys.platform.startswith("linux"):  # glibc keeps exp in libm (macOS's libSystem holds it)
        res = build()
        assert res.returncode != 0 and "undefined reference to `exp'" in res.stderr  # predict_proba is there
    res = build("-DSYMDISTILL_NO_PROBA")
    assert res.returncode == 0, res.stderr
    np.testing.assert_array_equal(run_rows(tmp_path / "driver", Z)[:, 0], expected(model, Z))


@pytest.mark.parametrize("kind", KINDS)
def test_python_predict_proba_gives_predict_probas_numbers(dom, tmp_path, kind):
    model = _model(kind, dom)
    Z = _rows(model)
    mod = import_module(tmp_path / "proba_model.py", sd.export(model, "python"), "proba_model")
    _same(np.array([mod.predict_proba_encoded(z) for z in Z.tolist()]), model, Z)
    X = model.domain.decode(Z[:50])  # categorical features as their labels
    _same(np.array([mod.predict_proba(list(x)) for x in X]), model, Z[:50])
    np.testing.assert_array_equal(python_answers(tmp_path, model, Z), expected(model, Z))


def test_python_predict_proba_refuses_what_predict_refuses(dom, tmp_path):
    model = _model("tree", dom)
    mod = import_module(tmp_path / "proba_model.py", sd.export(model, "python"), "proba_model")
    z = probe_rows(model, 1)[0].tolist()
    with pytest.raises(ValueError, match=r"is not a finite number"):
        mod.predict_proba_encoded([float("nan")] + z[1:])
    with pytest.raises(ValueError, match=r"is no code of its 4 categories"):
        mod.predict_proba_encoded(z[:4] + [7.0, z[5]])
    with pytest.raises(ValueError, match=r"unknown category"):
        mod.predict_proba(z[:4] + ["no such category", z[5]])


@needs_swipl
@pytest.mark.parametrize("kind", KINDS)
def test_prolog_predict_proba_gives_predict_probas_numbers(dom, tmp_path, kind):
    model = _model(kind, dom)
    Z = _rows(model, 300)
    if model.kind == "linear":  # SWI-Prolog raises float_overflow past the largest double, as predict/2 does
        Z = Z[8:]
    lines = prolog_answers(tmp_path, model, Z, module="proba_model", proba=True)
    _same(np.array([[float(v) for v in line.split()] for line in lines]), model, Z)


def test_prolog_probabilities_are_class_label_pairs(tmp_path):
    """``Probs`` is a list of ``Class-P`` pairs in class order, the labels as predict/2 gives them."""
    dom = sd.Domain.from_data(np.array([[0.0], [1.0]]), feature_names=["age"])
    tree = sd.models.Tree(dom, "classification", np.array(["no", "yes"]), children_left=[1, -1, -1],
                          children_right=[2, -1, -1], feature=[0, -1, -1], threshold=[0.5, 0, 0],
                          value=[[0.5, 0.5], [3, 1], [0.1, 0.2]])
    source = sd.export(tree, "prolog")
    assert "symdistill_proba(0, ['no'-0.75, 'yes'-0.25])." in source
    assert "symdistill_proba(1, ['no'-0.3333333333333333, 'yes'-0.6666666666666666])." in source


def test_a_tied_rule_keeps_its_class_in_predict(tmp_path):
    """A rule whose probabilities tie (0.5, 0.5) predicts its own class (the second): predict stays as it
    was, and predict_proba gives the tie, where an argmax of the probabilities would give the first."""
    dom = sd.Domain.from_data(np.array([[0.0], [1.0]]), feature_names=["x"])
    rules = RuleSet(dom, "classification", np.array(["a", "b"]),
                    [Rule((Condition(0, "<=", 0.5),), 1, proba=(0.5, 0.5))], Rule((), 0, proba=(0.9, 0.1)))
    mod = import_module(tmp_path / "tied.py", sd.export(rules, "python"), "tied")
    assert mod.predict([0.25]) == "b" and mod.predict_proba([0.25]) == [0.5, 0.5]
    assert mod.predict([0.75]) == "a" and mod.predict_proba([0.75]) == [0.9, 0.1]


@pytest.mark.parametrize("target", ["c", "python", "prolog"])
def test_regressors_and_automata_give_no_probabilities(dom, target):
    rng = np.random.default_rng(3)
    for model in (random_tree(rng, dom, n_leaves=10, task="regression"),
                  random_rules(rng, dom, n_rules=4, task="regression"), random_linear(rng, dom, link="identity"),
                  DFA.from_regex("(0|1)*0", "01")):
        assert "predict_proba" not in sd.export(model, target)
        assert "exp(" not in sd.export(model, target)


@pytest.mark.parametrize("kind", ["tree", "deep tree", "rules", "one-class tree", "one-class rules"])
def test_onnx_gives_tree_and_rule_probabilities_exactly(dom, kind):
    """ONNX gave ``probabilities`` for linear models only; a tree's and a rule list's are now the exact
    doubles of predict_proba (the float32 scores of onnxruntime's tree classifier would round them)."""
    ort = pytest.importorskip("onnxruntime")
    if kind.startswith("one-class"):
        rng = np.random.default_rng(2)
        model = (random_tree(rng, dom, n_leaves=6, classes=["only"]) if kind == "one-class tree"
                 else random_rules(rng, dom, n_rules=3, classes=["only"]))
    else:
        model = _model(kind, dom)
    Z = _rows(model)
    session = ort.InferenceSession(sd.export(model, "onnx"), providers=["CPUExecutionProvider"])
    proba, index = session.run(["probabilities", "class_index"], {"X": Z})
    assert proba.dtype == np.float64
    _same(proba, model, Z)
    np.testing.assert_array_equal(index, expected(model, Z))  # the label as before


def _odd_shares_tree():
    """Leaves whose shares are a subnormal number, -0.0 (a frequency written -0.0) and an even split (a row of
    zeros): numbers a shortest-decimal writer or a reader could get wrong."""
    dom = sd.Domain.from_data(np.array([[0.0, 0.0], [1.0, 1.0]]), feature_names=["u", "v"])
    return sd.models.Tree(dom, "classification", np.array([1, 2]), children_left=[1, 3, -1, -1, -1],
                          children_right=[2, 4, -1, -1, -1], feature=[0, 1, -1, -1, -1], threshold=[0.5, 0.5, 0, 0, 0],
                          value=[[1, 1], [1, 1], [1e-310, 1.0], [-0.0, 2.0], [0.0, 0.0]])


@pytest.mark.parametrize("target", [pytest.param("c", marks=needs_gcc), "python",
                                    pytest.param("prolog", marks=needs_swipl), "onnx"])
def test_odd_doubles_read_back_exactly(tmp_path, target):
    tree = _odd_shares_tree()
    Z = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0]])
    want = tree.predict_proba_encoded(Z)
    assert want[0, 0] == 0.0 and np.signbit(want[0, 0]) and 0 < want[2, 0] < 2.3e-308  # -0.0 and a subnormal
    if target == "c":
        got = c_proba(tmp_path, tree, Z)
    elif target == "python":
        mod = import_module(tmp_path / "odd.py", sd.export(tree, "python"), "odd")
        got = np.array([mod.predict_proba_encoded(z) for z in Z.tolist()])
    elif target == "prolog":
        got = np.array([[float(v) for v in line.split()] for line in prolog_answers(tmp_path, tree, Z, proba=True)])
    else:
        ort = pytest.importorskip("onnxruntime")
        session = ort.InferenceSession(sd.export(tree, "onnx"), providers=["CPUExecutionProvider"])
        got = session.run(["probabilities"], {"X": Z})[0]
    assert (got.view(np.int64) == want.view(np.int64)).all(), (got.tolist(), want.tolist())

"""Prolog export, end to end: SWI-Prolog consults the clauses and answers for 1,000 rows (many
exactly on a threshold); the answers must equal ``predict``."""

from __future__ import annotations

import subprocess

import numpy as np
import pytest

import symdistill as sd
from symdistill.export.prolog import prolog_atom, prolog_number
from symdistill.models.automata import DFA, MooreMachine

from _export_support import (
    SWIPL, expected, hostile_classes, hostile_domain, needs_swipl, probe_rows, prolog_answers, random_linear,
    random_rules, random_tree, random_words,
)

pytestmark = needs_swipl


@pytest.fixture(scope="module")
def dom():
    return hostile_domain(3, 2)


def test_tree_classifier_with_hostile_names(dom, tmp_path):
    tree = random_tree(np.random.default_rng(0), dom, n_leaves=30, classes=hostile_classes(4))
    Z = probe_rows(tree, 1000)
    got = prolog_answers(tmp_path, tree, Z)
    assert got == [str(i) for i in expected(tree, Z)]


def test_tree_clauses_read_as_horn_clauses(dom):
    tree = random_tree(np.random.default_rng(1), dom, n_leaves=8, classes=["no", "yes"])
    clauses = [line for line in sd.export(tree, "prolog").splitlines() if line.startswith("predict(")]
    assert len(clauses) <= tree.size  # one clause per reachable leaf
    assert not any("!" in c for c in clauses)  # paths exclude each other: no cut


@pytest.mark.parametrize("kind", ["regression_tree", "rules", "regression_rules", "int_labels"])
def test_other_models(dom, tmp_path, kind):
    rng = np.random.default_rng(2)
    if kind == "regression_tree":
        model = random_tree(rng, dom, n_leaves=20, task="regression")
    elif kind == "int_labels":
        model = random_tree(rng, dom, n_leaves=20, classes=np.array([-3, 0, 7]))
    else:
        task = "regression" if kind == "regression_rules" else "classification"
        model = random_rules(rng, dom, n_rules=10, task=task, classes=hostile_classes(3))
    Z = probe_rows(model, 1000, seed=1)
    got = prolog_answers(tmp_path, model, Z)
    if model.task == "regression":
        assert [float(v) for v in got] == model.predict_encoded(Z).tolist()  # exact
    else:
        assert got == [str(i) for i in expected(model, Z)]


def test_rules_testing_an_empty_category_set_consult_without_warnings(dom, tmp_path):
    """``in {}`` / ``not in {}`` read no feature (``fail`` / ``true``): the feature's variable in the
    clause head was a singleton, which SWI-Prolog warns about on consult."""
    from symdistill.models.rules import Condition, Rule, RuleSet

    rules = [Rule((Condition(3, "in", []),), 0), Rule((Condition(4, "not in", []), Condition(0, "<=", 0.5)), 1),
             Rule((Condition(3, "not in", []),), 2)]
    model = RuleSet(dom, "classification", hostile_classes(3), rules, Rule((), 0))
    Z = probe_rows(model, 200)
    assert prolog_answers(tmp_path, model, Z) == [str(i) for i in expected(model, Z)]  # and nothing on stderr


@pytest.mark.parametrize("link, k", [("logistic", 2), ("softmax", 3), ("identity", None)])
def test_linear(dom, tmp_path, link, k):
    model = random_linear(np.random.default_rng(3), dom, link=link, classes=None if k is None else hostile_classes(k))
    Z = probe_rows(model, 1000, seed=2)
    got = prolog_answers(tmp_path, model, Z)
    if link == "identity":
        np.testing.assert_array_equal([float(v) for v in got], model.predict_encoded(Z))
    else:
        assert got == [str(i) for i in expected(model, Z)]


def test_module_option_lets_two_models_load_together(dom, tmp_path):
    rng = np.random.default_rng(4)
    a = random_tree(rng, dom, n_leaves=10, classes=["a0", "a1"])
    b = random_rules(rng, dom, n_rules=5, classes=["b0", "b1", "b2"])
    (tmp_path / "a.pl").write_text(sd.export(a, "prolog", module="model_a"), encoding="utf-8")
    (tmp_path / "b.pl").write_text(sd.export(b, "prolog", module="model_b"), encoding="utf-8")
    Z = probe_rows(a, 50, seed=3)
    rows = ", ".join("[" + ", ".join(repr(float(v)) for v in r) + "]" for r in Z.tolist())
    goal = (f"use_module(a), use_module(b), forall(member(R, [{rows}]), "
            "(model_a:predict(R, A), model_b:predict(R, B), write(A-B), nl))")
    res = subprocess.run([SWIPL, "-q", "-g", goal, "-t", "halt"], capture_output=True, text=True, cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert res.stdout.split() == [f"{x}-{y}" for x, y in zip(a.predict_encoded(Z), b.predict_encoded(Z))]


def test_automata(tmp_path):
    rng = np.random.default_rng(5)
    dfa = DFA.from_regex("(0|1)*0(0|1)(0|1)", "01")
    moore = MooreMachine(["a", "it's"], [[1, 0], [2, 1], [0, 2]], ["zero", "one", "two"])
    dfa_words = random_words(rng, 2, 300)
    moore_words = random_words(rng, 2, 300)
    (tmp_path / "dfa.pl").write_text(sd.export(dfa, "prolog", module="dfa"), encoding="utf-8")
    (tmp_path / "moore.pl").write_text(sd.export(moore, "prolog", module="moore"), encoding="utf-8")
    dfa_list = ", ".join(_word(dfa.alphabet, w) for w in dfa_words)
    moore_list = ", ".join(_word(moore.alphabet, w) for w in moore_words)
    goal = (f"use_module(dfa), use_module(moore), "
            f"forall(member(W, [{dfa_list}]), (dfa:accepts(W) -> write(1) ; write(0))), nl, "
            f"forall(member(W, [{moore_list}]), (moore:predict(W, C), write(C), write(' '))), nl, "
            "(dfa:delta(0, '0', S) -> write(S) ; write(none)), nl")
    res = subprocess.run([SWIPL, "-q", "-g", goal, "-t", "halt"], capture_output=True, text=True, cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    acc, labels, delta = res.stdout.splitlines()
    assert acc == "".join("1" if a else "0" for a in dfa.predict_codes([tuple(w) for w in dfa_words]))
    assert labels.split() == moore.predict([tuple(moore.alphabet[i] for i in w) for w in moore_words]).tolist()
    assert delta == str(dfa.transitions[0, 0])
    # The header names the entry points each module defines (a Moore machine has no accepts/1).
    assert "% accepts(Symbols) / predict(Symbols, Label)" in (tmp_path / "dfa.pl").read_text(encoding="utf-8")
    assert "accepts" not in (tmp_path / "moore.pl").read_text(encoding="utf-8")


def test_labels_prolog_cannot_tell_apart_are_refused(dom):
    """A label True and a label 'true' were both written as the atom true ('true' is the same atom), so
    the exported predict/2 answered the same term for two labels that predict tells apart."""
    moore = MooreMachine(["a"], [[1], [2], [0]], [True, "true", "x"], classes=[True, "true", "x"])
    with pytest.raises(ValueError, match="class labels True and 'true' are both the Prolog term true"):
        sd.export(moore, "prolog")
    tree = random_tree(np.random.default_rng(0), dom, n_leaves=4, classes=np.array([False, "false"], dtype=object))
    with pytest.raises(ValueError, match="class labels False and 'false' are both the Prolog term false"):
        sd.export(tree, "prolog")
    from symdistill.domain import Domain, Feature

    flags = Domain((Feature("x", "numeric", 0.0, 1.0), Feature("flag", "categorical", 0.0, 2.0, (True, "true", "no"))))
    tree = random_tree(np.random.default_rng(0), flags, n_leaves=4, classes=["a", "b"])
    with pytest.raises(ValueError, match="categories of feature 'flag' True and 'true' are both the Prolog term true"):
        sd.export(tree, "prolog")


def test_mixed_labels_answer_as_predict(tmp_path):
    """Booleans, strings that read like them and numbers are distinct terms: each answer of predict/2 is
    the class_label/2 of exactly the label predict gives."""
    labels = [True, "True", False, "False", 2, "2", 2.5, "x y"]
    moore = MooreMachine(["a", "b"], [[(s + 1) % 8, (s + 3) % 8] for s in range(8)], labels, classes=labels)
    words = random_words(np.random.default_rng(7), 2, 300)
    (tmp_path / "moore.pl").write_text(sd.export(moore, "prolog"), encoding="utf-8")
    goal = (f"consult(moore), forall(member(W, [{', '.join(_word(moore.alphabet, w) for w in words)}]), "
            "(predict(W, C), findall(I, class_label(I, C), Is), write(Is), nl))")
    res = subprocess.run([SWIPL, "-q", "-g", goal, "-t", "halt"], capture_output=True, text=True, cwd=tmp_path)
    assert res.returncode == 0 and not res.stderr, res.stderr
    predicted = moore.predict([tuple(moore.alphabet[i] for i in w) for w in words]).tolist()
    assert len(set(map(repr, predicted))) == 8  # every label is answered
    classes = list(moore.classes)  # class_label/2's order
    index = [next(i for i, c in enumerate(classes) if type(c) is type(p) and c == p) for p in predicted]
    assert res.stdout.split() == [f"[{i}]" for i in index]


def _word(alphabet, codes):
    return "[" + ", ".join(prolog_atom(alphabet[i]) for i in codes) + "]"


def test_bad_module_name_is_rejected(dom):
    tree = random_tree(np.random.default_rng(6), dom, n_leaves=2, classes=["a", "b"])
    with pytest.raises(ValueError, match="module must be an identifier"):
        sd.export(tree, "prolog", module="x). halt. (")
    for name in ("ModelA", "_m"):  # Prolog reads these as variables
        with pytest.raises(ValueError, match="module must start with a lowercase letter"):
            sd.export(tree, "prolog", module=name)
    with pytest.raises(ValueError, match="one of SWI-Prolog's own modules"):
        sd.export(tree, "prolog", module="user")


def test_a_library_module_name_is_refused_by_name(dom, tmp_path):
    """module="lists" wrote a file that consulted alone, but loading it beside library(lists) (or calling
    member/2, which autoloads it) failed: "No permission to redefine module `lists'"."""
    tree = random_tree(np.random.default_rng(6), dom, n_leaves=2, classes=["a", "b"])
    for name in ("lists", "apply", "error", "strings", "pairs", "aggregate", "clpfd", "ordsets"):
        with pytest.raises(ValueError, match=f"module '{name}' is the module of an SWI-Prolog library, .* choose "
                                             "another name"):
            sd.export(tree, "prolog", module=name)
    # library(option) and library(debug) are the modules swi_option and prolog_debug: these names load beside them
    for name in ("option", "debug"):
        (tmp_path / f"{name}.pl").write_text(sd.export(tree, "prolog", module=name), encoding="utf-8")
        row = "[" + ", ".join(prolog_number(v) for v in probe_rows(tree, 1)[0].tolist()) + "]"
        goal = f"consult({name}), use_module(library({name})), member(_, [1]), {name}:predict({row}, Y), writeq(Y), nl"
        res = subprocess.run([SWIPL, "-q", "-g", goal, "-t", "halt"], capture_output=True, text=True, cwd=tmp_path)
        assert res.returncode == 0 and not res.stderr, res.stderr
        assert res.stdout.strip() in ("a", "b")


def test_a_product_of_integers_beyond_2_53_is_computed_as_predict_computes_it(tmp_path):
    """Prolog multiplies two integers exactly, so ``X0 * X1`` of integer features given as integers
    (2**53 + 1, a nanosecond timestamp) was rounded once, from the exact product, where predict (and C,
    Python, ONNX) rounds each feature to a double first: 8.11296384146067e+31 for predict's
    8.112963841460668e+31. A product's first factor is now taken as a float, as in predict."""
    dom = sd.Domain((sd.Feature("t", "integer", 0, 2**62), sd.Feature("u", "integer", 0, 2**62)))
    model = sd.models.LinearModel(dom, "regression", None, terms=[sd.models.Term.product(0, 1), 1],
                                  coef=[[1.0, 0.5]], intercept=[0.0], link="identity")
    rows = [[2**53 + 1, 2**53 + 1], [2**60 + 1, 2**60 - 1], [3, 2**62 + 1], [-(2**55) - 1, 2**54 + 3], [2, 3]]
    (tmp_path / "model.pl").write_text(sd.export(model, "prolog"), encoding="utf-8")
    goal = f"consult(model), forall(member(R, {rows}), (predict(R, V), write(V), nl))"
    res = subprocess.run([SWIPL, "-q", "-g", goal, "-t", "halt"], capture_output=True, text=True, cwd=tmp_path)
    assert res.returncode == 0 and not res.stderr, res.stderr
    assert [float(v) for v in res.stdout.split()] == model.predict(np.array(rows, dtype=object)).tolist()


def test_a_nan_in_prolog_is_answered_as_the_readme_says(tmp_path):
    """The README said a rule list "gives its default" for a NaN: it skips the rules whose test reads the
    NaN and answers from the first other rule that holds, as C and ONNX do (a NaN fails ``=<`` and ``>``,
    and holds for ``not in``); a tree's predict/2 fails only where its path tests the NaN."""
    from symdistill.models import Tree
    from symdistill.models.rules import Condition, Rule, RuleSet

    dom = sd.Domain((sd.Feature("a", "numeric", 0, 1), sd.Feature("b", "numeric", 0, 1),
                     sd.Feature("c", "categorical", 0, 2, ("x", "y", "z"))))
    tree = Tree(dom, "classification", np.array(["no", "yes"]), children_left=[1, -1, -1], children_right=[2, -1, -1],
                feature=[1, -1, -1], threshold=[0.5, 0, 0], value=[[0.5, 0.5], [1, 0], [0, 1]])
    rules = RuleSet(dom, "classification", np.array(["no", "yes", "other"]),
                    [Rule((Condition(0, ">", 0.5),), 1), Rule((Condition(2, "not in", [1]),), 2),
                     Rule((Condition(1, "<=", 0.5),), 0)], Rule((), 1))
    Z = np.array([[np.nan, 0.2, 1], [0.2, np.nan, 1], [np.nan, 0.9, 1], [0.2, 0.2, np.nan], [np.nan, np.nan, 1]])
    rows = ", ".join("[" + ", ".join("1.5NaN" if np.isnan(v) else repr(float(v)) for v in r) + "]" for r in Z)
    answers = {}
    for name, model in (("tree", tree), ("rules", rules)):
        (tmp_path / f"{name}.pl").write_text(sd.export(model, "prolog", module=name), encoding="utf-8")
        goal = (f"use_module({name}), forall(member(R, [{rows}]), "
                f"({name}:predict(R, C) -> (write(C), nl) ; (write(fails), nl)))")
        res = subprocess.run([SWIPL, "-q", "-g", goal, "-t", "halt"], capture_output=True, text=True, cwd=tmp_path)
        assert res.returncode == 0 and not res.stderr, res.stderr
        answers[name] = res.stdout.split()
    assert answers["tree"] == ["no", "fails", "yes", "no", "fails"]
    assert answers["rules"] == rules.classes[expected(rules, Z)].tolist() == ["no", "yes", "yes", "other", "yes"]

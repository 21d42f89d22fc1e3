"""Python export: the generated module is imported and run; it must agree with ``predict``."""

from __future__ import annotations

import ast
import re

import numpy as np
import pytest

import symdistill as sd
from symdistill.models.automata import DFA, MooreMachine

from _export_support import (
    expected, hostile_classes, hostile_domain, import_module, probe_rows, python_answers, random_linear,
    random_rules, random_tree, random_words,
)


@pytest.fixture(scope="module")
def dom():
    return hostile_domain(3, 2)


def _labels_rows(dom, Z):
    """Encoded rows -> user rows (categorical features as their labels)."""
    return dom.decode(Z).tolist()


def test_tree_predict_takes_labels_and_agrees(dom, tmp_path):
    tree = random_tree(np.random.default_rng(0), dom, n_leaves=30, classes=hostile_classes(4))
    mod = import_module(tmp_path / "tree_mod.py", sd.export(tree, "python"), "tree_mod")
    Z = probe_rows(tree, 3000)
    rows = _labels_rows(dom, Z)
    assert [mod.predict(r) for r in rows] == tree.predict(np.array(rows, dtype=object)).tolist()
    np.testing.assert_array_equal(python_answers(tmp_path, tree, Z), expected(tree, Z))
    assert list(mod.FEATURES) == dom.feature_names
    assert list(mod.CLASSES) == tree.classes.tolist()
    assert [list(c) if c else None for c in mod.CATEGORIES] == [list(f.categories) or None for f in dom.features]


def test_module_has_no_imports_whatever_the_names(dom):
    tree = random_tree(np.random.default_rng(1), dom, n_leaves=12, classes=hostile_classes(3))
    source = sd.export(tree, "python")
    tree_ast = ast.parse(source)
    assert not [n for n in ast.walk(tree_ast) if isinstance(n, (ast.Import, ast.ImportFrom))]
    assert source.isascii()


@pytest.mark.parametrize("kind", ["regression_tree", "rules", "regression_rules"])
def test_other_row_models(dom, tmp_path, kind):
    rng = np.random.default_rng(2)
    if kind == "regression_tree":
        model = random_tree(rng, dom, n_leaves=20, task="regression")
    else:
        task = "regression" if kind == "regression_rules" else "classification"
        model = random_rules(rng, dom, n_rules=10, task=task, classes=hostile_classes(3))
    Z = probe_rows(model, 3000, seed=1)
    got = python_answers(tmp_path, model, Z)
    assert (got == expected(model, Z)).all()  # exact, values included


@pytest.mark.parametrize("link, k", [("logistic", 2), ("softmax", 3), ("identity", None)])
def test_linear(dom, tmp_path, link, k):
    model = random_linear(np.random.default_rng(3), dom, link=link, classes=None if k is None else hostile_classes(k))
    Z = probe_rows(model, 3000, seed=2)
    got = python_answers(tmp_path, model, Z)
    # scores are summed in predict's order: the same doubles, so values and classes agree exactly
    np.testing.assert_array_equal(got, expected(model, Z))


def test_softmax_agrees_where_huge_rows_make_a_score_nan(tmp_path):
    """inf - inf gives a NaN score on finite rows near the largest double: ``predict`` must pick the
    class the exported code picks (the first one no later score beats), not the NaN's."""
    rng = np.random.default_rng(5)
    dom = sd.Domain.from_data(np.array([[-1e308, -1e308, -5.0], [1e308, 1e308, 5.0]]), feature_names=["a", "b", "s"])
    coef = rng.choice([-2.0, -1.0, 0.0, 1.0, 2.0], size=(4, 3))
    coef[rng.integers(4)] = [2.0, -2.0, 0.0]  # this class's score is NaN on the rows below
    model = sd.models.LinearModel(dom, "classification", np.array(["p", "q", "r", "s"]), terms=[0, 1, 2], coef=coef,
                                  intercept=rng.normal(size=4))
    Z = np.column_stack([np.full(200, 1e308), np.full(200, 1e308), rng.uniform(-5, 5, 200)])
    with np.errstate(over="ignore", invalid="ignore"):
        np.testing.assert_array_equal(python_answers(tmp_path, model, Z), expected(model, Z))


def test_deep_tree_beyond_python_indentation_limit(dom, tmp_path):
    tree = random_tree(np.random.default_rng(4), dom, n_leaves=130, classes=["a", "b"], chain=True)
    assert tree.depth > 100  # CPython refuses more than 100 indentation levels
    Z = probe_rows(tree, 2000, seed=3)
    np.testing.assert_array_equal(python_answers(tmp_path, tree, Z), expected(tree, Z))


def test_bad_rows_are_rejected_with_the_feature_named(dom, tmp_path):
    tree = random_tree(np.random.default_rng(5), dom, n_leaves=4, classes=["a", "b"])
    mod = import_module(tmp_path / "bad_rows.py", sd.export(tree, "python"), "bad_rows")
    good = _labels_rows(dom, probe_rows(tree, 1))[0]
    with pytest.raises(ValueError, match="expected 5 feature values"):
        mod.predict(good[:-1])
    with pytest.raises(ValueError, match="unknown category 'nope'"):
        mod.predict(good[:-1] + ["nope"])
    name = dom.features[-1].name
    for bad in (["a"], {"a": 1}, {"a"}):  # unhashable: not a category either, named by feature as the model does
        with pytest.raises(ValueError, match=r"feature .*cat1.*: unknown category " + re.escape(repr(bad))):
            mod.predict(good[:-1] + [bad])
        with pytest.raises(sd.DataError, match=re.escape(repr(name))):
            tree.predict(np.array([good[:-1] + [bad]], dtype=object))
    for bad in ("abc", None, 1j, [1.0]):  # not a number: named by feature, as the model's predict does
        with pytest.raises(ValueError, match=r"feature .*#0.*: .* is not a number"):
            mod.predict([bad] + good[1:])
        with pytest.raises(ValueError, match=r"feature .*#0.*: .* is not a number"):
            mod.predict_encoded([bad] + [0.0] * 4)
        with pytest.raises(sd.DataError, match="#0"):
            tree.predict(np.array([[bad] + good[1:]], dtype=object))
    for bad in (float("nan"), float("inf"), -float("inf")):  # the model's predict refuses them too
        with pytest.raises(ValueError, match=r"feature .*#0.*: .* is not a finite number"):
            mod.predict([bad] + good[1:])
        with pytest.raises(sd.DataError, match="#0.* has a non-finite value"):
            tree.predict(np.array([[bad] + good[1:]], dtype=object))


def test_text_a_dict_or_a_set_for_a_row_is_refused_by_the_module_as_by_predict(tmp_path):
    """The module read a str row as its characters and a dict row as its keys, and answered them (here
    "ab" as the row ['a', 'b'], and {"a": 0, "b": 1} likewise), where the model's predict refuses both; a
    0-d array (one value) got NumPy's bare 'iteration over a 0-d array'."""
    X = np.array([["a", "a"], ["a", "b"], ["b", "a"], ["b", "b"]] * 10, dtype=object)
    tree = sd.distill(lambda X: (X[:, 0] == X[:, 1]).astype(int), X, categorical=[0, 1], feature_names=["u", "v"],
                      max_size=4, random_state=0)
    mod = import_module(tmp_path / "row_kinds.py", sd.export(tree, "python"), "row_kinds")
    assert mod.predict(["a", "b"]) == tree.predict(np.array([["a", "b"]], dtype=object))[0]
    for bad in ("ab", b"\x00\x01", {"a": 0, "b": 1}, {"a", "b"}, frozenset("ab"), None, 5, np.array("a")):
        with pytest.raises(sd.DataError):
            tree.predict(bad)
        for call in (mod.predict, mod.predict_encoded, mod.encode):
            with pytest.raises(TypeError, match=re.escape(f"a row must be a sequence of 2 feature values (u, v), got "
                                                          f"{type(bad).__name__}: {bad!r}")):
                call(bad)
    assert mod.predict(v for v in ["a", "b"]) == mod.predict(("a", "b")) == mod.predict(np.array(["a", "b"]))


def test_automata(tmp_path):
    rng = np.random.default_rng(6)
    dfa = DFA.from_regex("(0|1)*0(0|1)(0|1)", "01")
    mod = import_module(tmp_path / "dfa_mod.py", sd.export(dfa, "python"), "dfa_mod")
    words = ["".join(map(str, w)) for w in random_words(rng, 2, 400)]
    assert [mod.accepts(w) for w in words] == dfa.predict(words).tolist()
    assert [mod.predict(w) for w in words] == dfa.predict(words).tolist()
    with pytest.raises(ValueError, match="not in the alphabet"):
        mod.accepts("012")

    labels = ["zero", "one", "t\\w*/o"]
    moore = MooreMachine(["up", "down\n'"], [[1, 0], [2, 1], [0, 2]], labels, classes=labels)
    mod = import_module(tmp_path / "moore_mod.py", sd.export(moore, "python"), "moore_mod")
    words = [tuple(moore.alphabet[i] for i in w) for w in random_words(rng, 2, 400)]
    assert [mod.predict(w) for w in words] == moore.predict(words).tolist()
    with pytest.raises(TypeError, match="multi-character"):
        mod.predict("up")


def test_the_empty_string_is_the_empty_word_of_an_exported_automaton(tmp_path):
    """As in the model's predict: "" was refused over an alphabet with a multi-character symbol."""
    dfa = DFA.from_regex("(<if><x>)*", ["if", "x"])
    mod = import_module(tmp_path / "tokens_mod.py", sd.export(dfa, "python"), "tokens_mod")
    assert mod.accepts("") is dfa.accepts("") is True
    assert mod.predict("") == mod.predict(()) == dfa.predict([""]).tolist()[0]
    with pytest.raises(TypeError, match="multi-character"):
        mod.accepts("if")


def test_rows_the_model_refuses_are_refused_by_the_module(dom, tmp_path):
    """The module answered rows that the model's predict refuses: a category code that is no category's
    (7, -1, 2.5) in predict_encoded, read as whichever category a test let through, and text for a
    number ('2.5', b'2.5', '1_0' read by float() as 10.0; a memoryview of b'2.5' too, and predict read a
    bytearray or memoryview as the number): it raises ValueError naming the feature."""
    for k, model in enumerate([random_tree(np.random.default_rng(7), dom, n_leaves=6, classes=["a", "b"]),
                               random_rules(np.random.default_rng(7), dom, n_rules=3, task="regression"),
                               random_linear(np.random.default_rng(7), dom, link="logistic", classes=["a", "b"])]):
        mod = import_module(tmp_path / f"refused_{k}.py", sd.export(model, "python"), f"refused_{k}")
        z = probe_rows(model, 1)[0].tolist()
        assert mod.predict_encoded(z) == model.predict(dom.decode(np.array([z])))[0]
        cat = dom.features[-1]
        for code in (7.0, 4.0, -1.0, 2.5):
            with pytest.raises(sd.DataError, match="no code of its 4 categories"):
                model.predict_encoded(np.array([z[:-1] + [code]]))
            with pytest.raises(ValueError, match=re.escape(f"feature {cat.name!r}: {code!r} is no code of its 4 "
                                                           "categories (0..3)")):
                mod.predict_encoded(z[:-1] + [code])
        x = dom.decode(np.array([z])).tolist()[0]
        for text in ("2.5", b"2.5", "1_0", " 3 ", bytearray(b"2.5"), memoryview(b"2.5")):  # float() reads each
            with pytest.raises(sd.DataError, match="text"):
                model.predict(np.array([[text] + x[1:]], dtype=object))
            for call, row in ((mod.predict, [text] + x[1:]), (mod.predict_encoded, [text] + z[1:])):
                with pytest.raises(ValueError, match=re.escape(f"feature {dom.features[0].name!r}: {text!r} is not a "
                                                               "number (text is not read as one)")):
                    call(row)


def test_an_integer_beyond_the_largest_double_is_refused_naming_the_feature(dom, tmp_path):
    """10**400 for a number: predict and the module both let out float()'s bare OverflowError ('int too
    large to convert to float'), naming no feature; the repr of such an int past 4300 digits fails too."""
    model = random_rules(np.random.default_rng(8), dom, n_rules=3, task="regression")
    mod = import_module(tmp_path / "huge.py", sd.export(model, "python"), "huge")
    x = dom.decode(probe_rows(model, 1)).tolist()[0]
    name = dom.features[0].name
    for big in (10**400, -(10**5000)):
        bits = big.bit_length()
        with pytest.raises(sd.DataError, match=re.escape(f"column {name!r} has an integer of {bits} bits in row 1, "
                                                         "beyond the largest double")):
            model.predict(np.array([x, [big] + x[1:]], dtype=object))
        with pytest.raises(ValueError, match=re.escape(f"feature {name!r}: an integer of {bits} bits is beyond the "
                                                       "largest double")):
            mod.predict([big] + x[1:])
    assert mod.predict([10**300] + x[1:]) == model.predict(np.array([[10**300] + x[1:]], dtype=object))[0]


@pytest.mark.parametrize("task", ["classification", "regression"])
@pytest.mark.parametrize("where", ["distill", "as_teacher"])
def test_a_task_given_as_a_numpy_string_exports_a_module_that_imports(tmp_path, task, where):
    """task=np.str_('classification') (read from an array: a config table, rng.choice) was kept as given, so
    the model's task was a NumPy string and the Python export wrote ``TASK = np.str_('classification')``,
    which fails on import (no name np). The task is kept as the plain string."""
    X = np.random.default_rng(0).uniform(size=(300, 2))
    f = lambda X: X[:, 0] > 0.5 if task == "classification" else X[:, 0] * 2.0  # noqa: E731
    given = np.array([task])[0]
    teacher = sd.as_teacher(f, task=given) if where == "as_teacher" else f
    tree = sd.distill(teacher, X, max_size=2, random_state=0, **({"task": given} if where == "distill" else {}))
    assert type(tree.task) is str
    mod = import_module(tmp_path / f"np_task_{task}_{where}.py", sd.export(tree, "python"), f"np_task_{task}_{where}")
    assert mod.TASK == task
    assert [mod.predict(list(r)) for r in X[:20]] == tree.predict(X[:20]).tolist()


def test_a_boolean_for_a_number_category_is_refused_by_the_module_as_by_predict(tmp_path):
    """True == 1 and hash(True) == hash(1), so the module's label lookup read True as the category 1 and
    1 or 1.0 as the category True, where the model's predict refuses both (a DataError: 'True would read
    as 1'); the module now raises ValueError naming the feature, and still takes what predict takes."""
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"x": rng.uniform(-1, 1, 300), "n": pd.Categorical(rng.choice([1, 2, 30], 300)),
                       "b": pd.Categorical(rng.choice([False, True], 300))})
    model = sd.distill(lambda X: ((X["n"] == 1) ^ (X["x"] > 0) ^ X["b"].astype(bool)).astype(int).to_numpy(), df,
                       max_size=8, random_state=0)
    mod = import_module(tmp_path / "bool_cats.py", sd.export(model, "python"), "bool_cats")
    for row, refused in [([0.5, True, False], "n"), ([0.5, np.True_, False], "n"), ([0.5, 1, 1], "b"),
                         ([0.5, 1, 1.0], "b"), ([0.5, 1, np.int64(0)], "b")]:
        with pytest.raises(sd.DataError, match="pass"):
            model.predict(np.array([row], dtype=object))
        with pytest.raises(ValueError, match=f"feature {refused!r}: "):
            mod.predict(row)
    for row in ([0.5, 1, True], [0.5, 1.0, np.False_], [True, np.int64(30), False], [0.25, 2, True]):
        assert mod.predict(row) == model.predict(np.array([row], dtype=object))[0]


@pytest.mark.parametrize("kind", ["tree", "rules", "linear"])
def test_a_model_built_with_a_numpy_string_task_exports_a_module_that_imports(tmp_path, kind):
    """A model made with its constructor keeps the task as given: np.str_('regression') (read from an
    array) passed the check and the module was written ``TASK = np.str_('regression')``, a NameError on
    import (sd.distill and sd.as_teacher keep the plain string since 322f980; the constructors did not)."""
    from symdistill.models import LinearModel, Rule, RuleSet, Tree

    dom = sd.Domain((sd.Feature("a", "numeric", 0.0, 1.0),))
    task = np.array(["regression"])[0]
    model = {"tree": lambda: Tree(dom, task, None, children_left=[-1], children_right=[-1], feature=[-1],
                                  threshold=[0.0], value=[[2.5]]),
             "rules": lambda: RuleSet(dom, task, None, [], Rule((), 2.5)),
             "linear": lambda: LinearModel(dom, task, None, terms=[0], coef=[[1.0]], intercept=[1.5],
                                           link="identity")}[kind]()
    mod = import_module(tmp_path / f"np_task_model_{kind}.py", sd.export(model, "python"), f"np_task_model_{kind}")
    assert mod.TASK == "regression" and type(mod.TASK) is str
    assert mod.predict([1.0]) == model.predict(np.array([[1.0]]))[0] == 2.5


def test_a_feature_named_by_a_numpy_string_exports_a_module_that_imports(tmp_path):
    """sd.Feature keeps the name it is given, so a name taken from a NumPy array of names was written
    ``FEATURES = (np.str_('age'), )``, a NameError on import; the neutral form now holds plain strings."""
    from symdistill.models import Tree

    names = np.array(["age", "colour"])
    dom = sd.Domain((sd.Feature(names[0], "numeric", 0.0, 1.0),
                     sd.Feature(names[1], "categorical", 0.0, 1.0, ("red", "blue"))))
    tree = Tree(dom, "classification", np.array(["no", "yes"]), children_left=[1, -1, -1],
                children_right=[2, -1, -1], feature=[0, -1, -1], threshold=[0.5, 0, 0], value=[[1, 1], [1, 0], [0, 1]])
    mod = import_module(tmp_path / "np_feature_name.py", sd.export(tree, "python"), "np_feature_name")
    assert mod.FEATURES == ("age", "colour") and all(type(name) is str for name in mod.FEATURES)
    assert mod.predict([0.75, "red"]) == "yes"

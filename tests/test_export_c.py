"""C99 export, end to end: gcc compiles the generated file with -std=c99 -Wall -Wextra -Werror
-pedantic, a driver runs it on rows (many exactly at a threshold) and the answers must equal
``predict`` exactly."""

from __future__ import annotations

import shutil
import subprocess

import numpy as np
import pytest

import symdistill as sd
from symdistill.domain import Domain, Feature
from symdistill.models.automata import DFA, MooreMachine

from _export_support import (
    compile_c, c_answers, expected, hostile_classes, hostile_domain, needs_gcc, probe_rows, python_answers,
    random_linear, random_rules, random_tree, random_words, row_driver, run_rows, word_driver,
)

pytestmark = needs_gcc


@pytest.fixture(scope="module")
def dom():
    return hostile_domain(4, 2)


def test_tree_classifier_agrees_with_predict_on_10000_rows(dom, tmp_path):
    tree = random_tree(np.random.default_rng(1), dom, n_leaves=40, classes=hostile_classes(5))
    Z = probe_rows(tree, 10_000)
    on_threshold = np.isin(Z[:, :4], [t for t in tree.threshold]).any(axis=1)
    assert on_threshold.sum() > 1000  # the probe really sits on thresholds
    got = c_answers(tmp_path, tree, Z)
    np.testing.assert_array_equal(got, expected(tree, Z))


def test_tree_regressor_returns_the_exact_leaf_values(dom, tmp_path):
    tree = random_tree(np.random.default_rng(2), dom, n_leaves=25, task="regression")
    Z = probe_rows(tree, 10_000, seed=1)
    got = c_answers(tmp_path, tree, Z)
    assert (got == tree.predict_encoded(Z)).all()  # bit for bit, no tolerance


def test_distilled_tree_on_real_data(tmp_path):
    from sklearn.datasets import load_breast_cancer

    data = load_breast_cancer()
    X = data.data
    teacher = lambda X: (X[:, 0] + X[:, 21] / 3 > 22).astype(int)  # noqa: E731
    tree = sd.distill(teacher, X, max_size=16, random_state=0, feature_names=list(data.feature_names))
    Z = np.vstack([X, probe_rows(tree, 10_000 - len(X))])
    np.testing.assert_array_equal(c_answers(tmp_path, tree, Z), expected(tree, Z))


@pytest.mark.parametrize("task", ["classification", "regression"])
def test_rule_lists(dom, tmp_path, task):
    rules = random_rules(np.random.default_rng(3), dom, n_rules=12, task=task, classes=hostile_classes(3))
    Z = probe_rows(rules, 10_000, seed=2)
    got = c_answers(tmp_path, rules, Z)
    assert (got == expected(rules, Z)).all()


@pytest.mark.parametrize("link, k", [("logistic", 2), ("softmax", 4), ("identity", None)])
def test_linear_models(dom, tmp_path, link, k):
    model = random_linear(np.random.default_rng(4), dom, link=link, classes=None if k is None else hostile_classes(k))
    Z = probe_rows(model, 10_000, seed=3)
    got = c_answers(tmp_path, model, Z)
    # scores are summed in predict's order (rows on the decision boundary included): bit for bit
    np.testing.assert_array_equal(got, expected(model, Z))
    np.testing.assert_array_equal(got, python_answers(tmp_path, model, Z))


@pytest.mark.parametrize("link, k", [("softmax", 3), ("identity", None)])
def test_linear_scores_are_not_fused_whatever_the_flags(dom, tmp_path, link, k):
    """GCC's default outside -std=c99 is -ffp-contract=fast: with FMA instructions at hand
    (-march=native, -mfma, any ARM target) it turned ``s += w * x`` into one fused multiply-add,
    rounded once where predict rounds twice (a fifth of the values differed in the last bit)."""
    import platform

    machine = platform.machine().lower()
    if machine in ("x86_64", "amd64"):
        flags, fused = ["-O2", "-mfma"], ("vfmadd", "vfmsub", "vfnmadd", "vfnmsub")
    elif machine in ("aarch64", "arm64"):
        flags, fused = ["-O2"], ("fmadd", "fmsub", "fnmadd", "fnmsub")
    else:
        pytest.skip(f"no fused multiply-add instructions to look for on {machine}")
    model = random_linear(np.random.default_rng(4), dom, link=link, classes=None if k is None else hostile_classes(k))
    (tmp_path / "symdistill.c").write_text(sd.export(model, "c"), encoding="utf-8")
    res = subprocess.run(["gcc", *flags, "-S", "-o", str(tmp_path / "model.s"), str(tmp_path / "symdistill.c")],
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    assembly = (tmp_path / "model.s").read_text()
    assert not [op for op in fused if op in assembly]
    exe, driver = tmp_path / "native", row_driver(["symdistill"], [k is None], dom.n_features)
    res = subprocess.run(["gcc", "-O2", "-march=native", "-o", str(exe), "-I", str(tmp_path), "-x", "c", "-",
                          str(tmp_path / "symdistill.c"), "-lm"], input=driver, capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    Z = probe_rows(model, 10_000, seed=3)
    np.testing.assert_array_equal(run_rows(exe, Z)[:, 0], expected(model, Z))


# Sets the x87 unit to round every result to a double's 53 bits (Linux leaves it at 64): x87 arithmetic
# then rounds as SSE2 does, once, so what is left to differ is how the code writes its numbers.
X87_DOUBLE_ROUNDING = ('    { unsigned short cw; __asm__ __volatile__ ("fnstcw %0" : "=m" (cw)); '
                       'cw = (unsigned short)((cw & ~0x300) | 0x200); '
                       '__asm__ __volatile__ ("fldcw %0" : : "m" (cw)); }\n')


@pytest.mark.parametrize("kind", ["numeric tree", "tree", "regression tree", "rules", "regression rules", "logistic",
                                  "softmax", "linear regressor"])
def test_constants_are_exact_doubles_under_x87_precision(dom, tmp_path, kind):
    """On 32-bit x86 GCC computes with the x87 unit (FLT_EVAL_METHOD 2), where a floating constant is read
    to long double precision: ``x[0] <= 0.1`` compared x with 0.1 to 64 bits, so x == 0.1 (the double,
    the row on the threshold) went the other way; 72 to 162 of 5,000 rows of trees and rule lists differed
    from predict, and a linear regressor's values on 2,211 (its products were also kept in 80 bits). A
    constant whose decimal is not the double itself is now cast to double, as is every product.
    (-mfpmath=387 makes x86-64 compute as i386 does. Linear models run with the x87 set to round to 53
    bits: at its default 64 a product is rounded twice, a last-bit difference no C text can prevent.)"""
    import platform

    if platform.machine().lower() not in ("x86_64", "amd64", "i386", "i686"):
        pytest.skip("the x87 unit is an x86 one")
    rng = np.random.default_rng(4)
    task = "regression" if "regress" in kind else "classification"
    if kind.endswith("tree"):
        model = random_tree(rng, hostile_domain(4, 0) if kind == "numeric tree" else dom, n_leaves=40, task=task,
                            classes=hostile_classes(5))
    elif kind.endswith("rules"):
        model = random_rules(rng, dom, n_rules=10, task=task, classes=hostile_classes(3))
    else:
        link, k = {"logistic": ("logistic", 2), "softmax": ("softmax", 4), "linear regressor": ("identity", None)}[kind]
        model = random_linear(rng, dom, link=link, classes=None if k is None else hostile_classes(k))
    (tmp_path / "symdistill.c").write_text(sd.export(model, "c"), encoding="utf-8")
    driver = row_driver(["symdistill"], [task == "regression"], model.domain.n_features)
    if model.kind == "linear":
        assert "    if (!rows) return 1;\n" in driver
        driver = driver.replace("    if (!rows) return 1;\n", "    if (!rows) return 1;\n" + X87_DOUBLE_ROUNDING, 1)
    exe = tmp_path / "x87"
    res = subprocess.run(["gcc", "-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic", "-O2", "-mfpmath=387",
                          "-o", str(exe), "-I", str(tmp_path), "-x", "c", "-", str(tmp_path / "symdistill.c"),
                          "-lm"],
                         input=driver, capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    Z = probe_rows(model, 5000, seed=3)
    got, want = run_rows(exe, Z)[:, 0], np.asarray(expected(model, Z), dtype=float)
    assert (got.view(np.int64) == want.view(np.int64)).all(), f"{int((got != want).sum())} of {len(Z)} rows differ"


def _stdc_pragmas_come_first(source: str) -> int:
    """How many ``#pragma STDC`` lines ``source`` has; fails unless each comes before every declaration
    and statement of its block (C99 6.10.6, 7.12.2): only preprocessor lines between the ``{`` and it."""
    lines = source.splitlines()
    found = 0
    for i, line in enumerate(lines):
        if line.startswith("#pragma STDC"):
            found += 1
            k = i - 1
            while lines[k].startswith("#"):
                k -= 1
            assert lines[k] == "{", "not first in its block:\n" + "\n".join(lines[k - 1:i + 1])
    return found


@pytest.mark.parametrize("link, k", [("logistic", 2), ("softmax", 3), ("identity", None)])
@pytest.mark.parametrize("zero", [False, True])
def test_stdc_pragma_is_first_in_its_block(dom, tmp_path, link, k, zero):
    """With every weight zero the body never reads ``x``, and the ``(void)x;`` that quiets -Wextra
    came before ``#pragma STDC FP_CONTRACT OFF``, which C99 allows only first in a block."""
    model = random_linear(np.random.default_rng(8), dom, link=link, classes=None if k is None else hostile_classes(k))
    if zero:
        model.coef[:] = 0.0
    source = sd.export(model, "c")
    assert _stdc_pragmas_come_first(source) == (1 if k is None else 2)  # a classifier's predict_proba too
    Z = probe_rows(model, 2000, seed=8)
    np.testing.assert_array_equal(c_answers(tmp_path, model, Z), expected(model, Z))
    for other in (random_tree(np.random.default_rng(9), dom, n_leaves=1, classes=["only"]),
                  random_rules(np.random.default_rng(9), dom, n_rules=3, classes=["a", "b"])):
        assert _stdc_pragmas_come_first(sd.export(other, "c")) == 0  # only linear models need the pragma


@pytest.mark.parametrize("task", ["classification", "regression"])
def test_batch_tables_on_numeric_trees(tmp_path, task):
    """Numeric trees get the table-driven batch entry point; it answers what ``predict`` does on
    10,000 rows (most on a threshold or one ulp from it), and what the one-row code does on NaN."""
    dom = hostile_domain(5, 0)
    tree = random_tree(np.random.default_rng(11), dom, n_leaves=300, task=task, classes=hostile_classes(4))
    source = sd.export(tree, "c")
    assert "symdistill_node_kids[" in source  # the table walk, not a loop over the one-row code
    assert "unsigned short symdistill_node_kids" in source  # more than 255 nodes: wider indices
    Z = probe_rows(tree, 10_000, seed=6)
    got = c_answers(tmp_path, tree, Z)  # run_rows checks batch == one-row on every row
    np.testing.assert_array_equal(got, expected(tree, Z))
    nan_rows = Z[:500].copy()
    nan_rows[np.random.default_rng(0).random(nan_rows.shape) < 0.3] = np.nan
    c_answers(tmp_path, tree, nan_rows)


def test_batch_falls_back_to_rows_where_tables_do_not_fit(dom, tmp_path):
    deep = random_tree(np.random.default_rng(12), hostile_domain(3, 0), n_leaves=60, classes=["a", "b"], chain=True)
    categorical = random_tree(np.random.default_rng(13), dom, n_leaves=40, classes=["a", "b"])
    assert any(c is not None for c in categorical.left_categories)
    for tree in (deep, categorical):
        source = sd.export(tree, "c")
        assert "node_kids" not in source and "void symdistill_predict_batch(" in source
        Z = probe_rows(tree, 3000, seed=7)
        np.testing.assert_array_equal(c_answers(tmp_path, tree, Z), expected(tree, Z))


def test_large_category_sets_are_looked_up_not_chained(tmp_path):
    """A test over thousands of categories was one ``x == c0 || x == c1 || ...`` chain, which gcc
    compiles in time quadratic in its length (10,000 codes: about 40 s); a set that large is a bit
    table, answering what the chain did for every double: codes in and out of the set, fractions,
    negative and huge values, NaN and infinities."""
    from symdistill.models import RuleSet
    from symdistill.models.rules import Condition, Rule
    from symdistill.models.tree import Tree

    n = 3000
    dom = Domain((Feature("x", "numeric", 0.0, 1.0),
                  Feature("color", "categorical", 0.0, float(n - 1), tuple(f"c{k}" for k in range(n)))))
    rng = np.random.default_rng(15)
    left = sorted(rng.choice(n - 1, size=n // 2, replace=False).tolist())  # the last code in no set
    small = [1, 5, 7]  # a few codes: the chain, unchanged
    tree = Tree(dom, "classification", np.array(["a", "b", "c"]), children_left=[1, -1, 3, -1, -1],
                children_right=[2, -1, 4, -1, -1], feature=[1, -1, 1, -1, -1], threshold=[0.0] * 5,
                value=[[1, 0, 0], [1, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1]],
                left_categories=[left, None, small, None, None])
    rules = RuleSet(dom, "classification", np.array(["a", "b", "c"]),
                    [Rule((Condition(1, "not in", left), Condition(0, "<=", 0.5)), 1),
                     Rule((Condition(1, "in", left[::2]),), 2)], Rule((), 0))
    odd = [np.nan, np.inf, -np.inf, -0.0, -1.0, 0.5, left[0] + 0.5, float(n - 1), float(n), 1e300, -1e300]
    Z = np.array([[x, c] for x in (0.25, 0.75) for c in [*range(n), *odd]])
    for model in (tree, rules):
        source = sd.export(model, "c")
        assert " || " not in source.replace("x[1] == 1.0 || x[1] == 5.0 || x[1] == 7.0", "")
        np.testing.assert_array_equal(c_answers(tmp_path, model, Z), expected(model, Z))


def test_no_batch_macro_leaves_the_batch_code_out(tmp_path):
    tree = random_tree(np.random.default_rng(14), hostile_domain(3, 0), n_leaves=30, classes=["a", "b"])
    src = tmp_path / "m.c"
    src.write_text(sd.export(tree, "c"), encoding="utf-8")
    syms = {}
    for flag in ([], ["-DSYMDISTILL_NO_BATCH"]):
        obj = tmp_path / "m.o"
        subprocess.run(["gcc", "-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic", "-O2", *flag, "-c", str(src),
                        "-o", str(obj)], check=True)
        syms[bool(flag)] = subprocess.run(["nm", str(obj)], capture_output=True, text=True, check=True).stdout
    assert "symdistill_predict_batch" in syms[False] and "symdistill_node_threshold" in syms[False]
    assert "symdistill_predict_batch" not in syms[True] and "symdistill_node_threshold" not in syms[True]
    assert "symdistill_predict" in syms[True]


def test_deep_tree_is_cut_into_functions(dom, tmp_path):
    tree = random_tree(np.random.default_rng(5), dom, n_leaves=160, classes=["a", "b", "c"], chain=True)
    assert tree.depth >= 150  # beyond the 127 nested blocks C99 promises
    source = sd.export(tree, "c")
    assert "symdistill_piece_3" in source
    Z = probe_rows(tree, 5000, seed=4)
    np.testing.assert_array_equal(c_answers(tmp_path, tree, Z), expected(tree, Z))


def test_single_leaf_tree_compiles_without_unused_parameter_warning(dom, tmp_path):
    tree = random_tree(np.random.default_rng(6), dom, n_leaves=1, classes=["only"])
    Z = probe_rows(tree, 10)
    assert (c_answers(tmp_path, tree, Z) == 0).all()


def test_sanitizers_on_every_form_linked_together(dom, tmp_path):
    """One program links a tree, a rule list and two linear models (distinct prefixes) and runs
    them under AddressSanitizer and UndefinedBehaviorSanitizer."""
    rng = np.random.default_rng(7)
    models = {
        "tree_model": random_tree(rng, dom, n_leaves=30, classes=hostile_classes(3)),
        "value_tree": random_tree(rng, dom, n_leaves=30, task="regression"),
        "rule_model": random_rules(rng, dom, n_rules=8, classes=hostile_classes(2)),
        "soft_model": random_linear(rng, dom, link="softmax", classes=hostile_classes(3)),
    }
    sources = {p: sd.export(m, "c", prefix=p) for p, m in models.items()}
    driver = row_driver(list(models), [m.task == "regression" for m in models.values()], dom.n_features)
    exe = compile_c(tmp_path, sources, driver, sanitize=True)
    Z = probe_rows(models["tree_model"], 2000, seed=5)
    got = run_rows(exe, Z, len(models))
    for col, model in enumerate(models.values()):
        np.testing.assert_array_equal(got[:, col], expected(model, Z))


def _long_names(dom: Domain) -> Domain:
    """``dom`` with names past the 4,095 bytes C99 allows in one string literal (UTF-8 bytes)."""
    f0, *rest = dom.features
    cat = rest[-1]
    long_cat = Feature(cat.name, cat.kind, cat.lower, cat.upper, ("é*/" * 1500,) + cat.categories[1:])
    return Domain((Feature("中" * 1400 + f0.name, f0.kind, f0.lower, f0.upper),) + tuple(rest[:-1]) + (long_cat,))


@pytest.mark.parametrize("lengths", ["hostile", "beyond a C99 string literal"])
def test_name_tables_hold_the_exact_names(dom, tmp_path, lengths):
    """Hostile names compile and read back byte for byte from the string tables, however long."""
    classes = hostile_classes(4)
    if lengths != "hostile":
        dom, classes = _long_names(dom), np.array(["?" * 4096] + list(classes[1:]))
    tree = random_tree(np.random.default_rng(8), dom, n_leaves=6, classes=classes)
    driver = """#include <stdio.h>
#define SYMDISTILL_DECLARATIONS_ONLY
#include "symdistill.c"
int main(void)
{
    int i, j;
    for (i = 0; i < SYMDISTILL_N_FEATURES; ++i) printf("%s%c", symdistill_feature_names[i], 0);
    for (i = 0; i < SYMDISTILL_N_CLASSES; ++i) printf("%s%c", symdistill_class_names[i], 0);
    for (i = 0; i < SYMDISTILL_N_FEATURES; ++i)
        for (j = 0; j < symdistill_n_categories[i]; ++j) printf("%s%c", symdistill_feature_categories[i][j], 0);
    return 0;
}
"""
    exe = compile_c(tmp_path, {"symdistill": sd.export(tree, "c")}, driver)
    out = subprocess.run([str(exe)], capture_output=True).stdout.split(b"\0")[:-1]
    want = dom.feature_names + list(tree.classes) + [c for f in dom.features for c in f.categories]
    assert [s.decode("utf-8") for s in out] == want


@pytest.mark.parametrize("where", ["feature", "class", "category", "symbol"])
def test_names_holding_a_nul_character_are_refused_by_name(dom, where):
    """A C string ends at its first NUL: the tables read 'a' for 'a\\0b' (and two names could read
    the same); the export refuses such a name instead of truncating it."""
    name = "a\0b"
    if where == "symbol":
        model = MooreMachine(["x", name], [[0, 0]], ["one"])
    else:
        f0, *rest = dom.features
        cat = rest[-1]
        if where == "feature":
            f0 = Feature(name, f0.kind, f0.lower, f0.upper)
        elif where == "category":
            rest[-1] = Feature(cat.name, cat.kind, cat.lower, cat.upper, (name,) + cat.categories[1:])
        classes = ["x", name] if where == "class" else ["x", "y"]
        model = random_tree(np.random.default_rng(0), Domain((f0, *rest)), n_leaves=3, classes=classes)
    with pytest.raises(ValueError, match=r"'a\\x00b'.*NUL"):
        sd.export(model, "c")


def test_automata(tmp_path):
    rng = np.random.default_rng(9)
    dfa = DFA.from_regex("(0|1)*0(0|1)(0|1)", "01")  # third symbol from the end is 0
    moore = MooreMachine(["a*/", "b'\\"], [[1, 0], [2, 1], [0, 2]], ["zero", "one", "two"])
    for prefix, model in (("dfa", dfa), ("moore", moore)):
        words = random_words(rng, len(model.alphabet), 500)
        bad = [[0, 1, len(model.alphabet)], [-1]]  # symbols out of range
        exe = compile_c(tmp_path, {prefix: sd.export(model, "c", prefix=prefix)}, word_driver(prefix))
        payload = b"".join(np.array([len(w), *w], dtype="<i4").tobytes() for w in words + bad)
        res = subprocess.run([str(exe)], input=payload, capture_output=True)
        got = np.frombuffer(res.stdout, dtype="<i4")
        np.testing.assert_array_equal(got[:-2], model.predict_codes([tuple(w) for w in words]))
        assert got[-2:].tolist() == [-1, -1]
    assert "int dfa_accepts(const int *word, size_t length);" in sd.export(dfa, "c", prefix="dfa")


def test_bad_prefix_is_rejected(dom):
    tree = random_tree(np.random.default_rng(0), dom, n_leaves=2, classes=["a", "b"])
    with pytest.raises(ValueError, match="prefix must be an identifier"):
        sd.export(tree, "c", prefix="x; system")


def test_linear_model_whose_hinge_weights_are_zero_compiles(dom, tmp_path):
    """The ReLU helper was written whenever a hinge term was present, and with every hinge weight zero
    gcc -Wall -Werror refused the unused static function."""
    model = random_linear(np.random.default_rng(10), dom, link="identity")
    model.coef[:, [any(f.knot is not None for f in t.factors) for t in model.terms]] = 0.0
    source = sd.export(model, "c")
    assert "symdistill_relu" not in source
    Z = probe_rows(model, 2000, seed=10)
    np.testing.assert_array_equal(c_answers(tmp_path, model, Z), expected(model, Z))


def test_a_moore_machine_with_more_than_65536_labels_keeps_its_class_indices(tmp_path):
    """Its state outputs were written to an unsigned short table: class index 65536 and above
    wrapped (69994 became 4458), so predict returned another label's index (gcc only warned
    without -Werror)."""
    rng = np.random.default_rng(3)
    n = 70_000
    moore = MooreMachine(["0", "1"], rng.integers(n, size=(n, 2)), list(range(n)), classes=list(range(n)))
    words = random_words(rng, 2, 400)
    expected = moore.predict_codes([tuple(w) for w in words])
    assert (expected > 0xFFFF).sum() >= 5  # words that end in a state whose class index needs 17 bits
    exe = compile_c(tmp_path, {"big": sd.export(moore, "c", prefix="big")}, word_driver("big"))
    payload = b"".join(np.array([len(w), *w], dtype="<i4").tobytes() for w in words)
    res = subprocess.run([str(exe)], input=payload, capture_output=True)
    np.testing.assert_array_equal(np.frombuffer(res.stdout, dtype="<i4"), expected)


@pytest.mark.parametrize("classes", [[True, "True"], [1, "1"]])
def test_class_labels_written_alike_are_refused(classes):
    """The C names table and the ONNX label output wrote True and 'True' (1 and '1') as one name, so an
    exported program's label could not say which class it was; like the Prolog export, they are refused."""
    from symdistill.domain import Domain, Feature
    from symdistill.models import Tree

    dom = Domain((Feature("x"),))
    tree = Tree(dom, "classification", np.array(classes, dtype=object), children_left=[1, -1, -1],
                children_right=[2, -1, -1], feature=[0, -1, -1], threshold=[0.5, 0, 0],
                value=[[0.5, 0.5], [1, 0], [0, 1]])
    for target in ("c", "onnx"):
        with pytest.raises(ValueError, match=rf"class labels {classes[0]!r} and {classes[1]!r} are both written"):
            sd.export(tree, target)
    assert "predict" in sd.export(tree, "python")  # Python keeps the labels themselves


@pytest.mark.skipif(shutil.which("g++") is None, reason="g++ is not installed")
def test_the_declarations_link_from_cpp(dom, tmp_path):
    """The file used as a header (``<PREFIX>_DECLARATIONS_ONLY``) from C++, an Arduino sketch or any C++
    program, declared the entry points with C++ linkage: the program did not link with the object gcc
    compiled from the file (undefined reference to ``symdistill_predict(double const*)``). The
    declarations are now ``extern "C"`` under C++, so the C++ program links and answers as predict."""
    models = {"tree_model": random_tree(np.random.default_rng(8), dom, n_leaves=20, classes=hostile_classes(3)),
              "soft_model": random_linear(np.random.default_rng(9), dom, link="softmax", classes=hostile_classes(3)),
              "dfa_model": DFA.from_regex("(0|1)*0(0|1)", "01")}
    objects = []
    for prefix, model in models.items():
        (tmp_path / f"{prefix}.c").write_text(sd.export(model, "c", prefix=prefix), encoding="utf-8")
        subprocess.run(["gcc", "-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic", "-c", f"{prefix}.c"],
                       cwd=tmp_path, check=True)
        objects.append(f"{prefix}.o")
    Z = probe_rows(models["tree_model"], 200)
    rows = ", ".join(f"{{{', '.join(repr(v) for v in r)}}}" for r in Z.tolist())
    (tmp_path / "main.cpp").write_text(f"""#include <cstdio>
#define TREE_MODEL_DECLARATIONS_ONLY
#include "tree_model.c"
#define SOFT_MODEL_DECLARATIONS_ONLY
#include "soft_model.c"
#define DFA_MODEL_DECLARATIONS_ONLY
#include "dfa_model.c"
static const double rows[{len(Z)}][{dom.n_features}] = {{{rows}}};
int main()
{{
    const int word[3] = {{0, 1, 1}};
    for (int i = 0; i < {len(Z)}; ++i) std::printf("%d %d\\n", tree_model_predict(rows[i]), soft_model_predict(rows[i]));
    std::printf("%d %s\\n", dfa_model_accepts(word, 3), tree_model_class_names[0]);
    return 0;
}}
""", encoding="utf-8")
    res = subprocess.run(["g++", "-Wall", "-Wextra", "-Werror", "-pedantic", "-o", "main", "main.cpp", *objects],
                         cwd=tmp_path, capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    out = subprocess.run([str(tmp_path / "main")], capture_output=True, text=True, check=True).stdout.splitlines()
    got = np.array([[int(v) for v in line.split()] for line in out[:-1]])
    np.testing.assert_array_equal(got[:, 0], expected(models["tree_model"], Z))
    np.testing.assert_array_equal(got[:, 1], expected(models["soft_model"], Z))
    assert out[-1] == f"{int(models['dfa_model'].accepts('011'))} {models['tree_model'].classes[0]}"

"""Differential fuzzing of every export at the edges (audit): seeded random trees, rule lists, linear
models and automata whose thresholds, knots, weights and values are arbitrary doubles, on rows at each
threshold, one ulp either side, half way to its float32 rounding, at -0.0, subnormals, +-1e308, the
largest double, 2**53 + 2, +-inf and NaN. C (compiled once for every model), ONNX and the JSON round
trip answer every row as the model's own arithmetic does (``expected``); the Python module the finite
rows (it refuses the others); Prolog as the README says (a tree's NaN rows aside, a linear model raising
exactly where a score is NaN or infinite). Regression values are compared bit for bit, the sign of a
zero included.
(Gaps left by test_export_properties.py and test_export_edges.py.)"""

from __future__ import annotations

import io
import subprocess

import numpy as np
import pytest

import symdistill as sd
from symdistill.domain import Domain, Feature
from symdistill.models.linear import Factor, LinearModel, Term

from _export_support import (
    GCC, SWIPL, compile_c, import_module, needs_gcc, needs_swipl, prolog_values, row_driver, run_rows,
)


def _bits(values) -> list[int]:
    return np.asarray(values, dtype=np.float64).view(np.int64).tolist()


# -- Prolog: a hinge whose difference overflows ----------------------------------------------------
@needs_swipl
def test_a_hinge_past_the_largest_double_is_zero_in_prolog_as_in_predict(tmp_path):
    """``max(0, x - knot)`` with ``x - knot`` below -1.8e308 (x = -1e308, knot = 1e308) is 0 in predict,
    C, Python and ONNX, the difference rounding to -inf; Prolog's ``is/2`` raised float_overflow on that
    difference, so predict/2 of a finite row whose score is finite (the README says Prolog raises only
    where a score passes the largest double) threw an evaluation error. Direction -1 alike (x = 1e308,
    knot = -1e308). A row's integers (2**53 + 1) are read as predict reads them; a NaN still raises (README)."""
    dom = Domain((Feature("a", "numeric", -2.0, 2.0), Feature("b", "numeric", -2.0, 2.0)))
    model = LinearModel(dom, "regression", None, terms=[Term.hinge(0, 1e308, 1), Term.hinge(1, -1e308, -1),
                                                          Term.numeric(0), Term.numeric(1)],
                        coef=np.array([[3.0, 0.5, 1e-300, -1e-300]]), intercept=np.array([0.25]), link="identity")
    rows = [[-1e308, 1e308], [-1.7976931348623157e308, 0.5], [0.5, 1.7976931348623157e308], [1e308, -1e308],
            [2**53 + 1, -(2**53) - 1], [1e308, 1.0], [0.0, -0.0]]
    want = model.predict(np.array(rows, dtype=object))
    assert np.isfinite(want).all()
    got = prolog_values(tmp_path, {"hinges": model}, {"hinges": rows})["hinges"]
    assert "error" not in got, f"predict/2 raised on a row predict answers: {got}"
    assert _bits([float(v) for v in got]) == _bits(want)
    assert prolog_values(tmp_path, {"hinges": model}, {"hinges": [[np.nan, 0.5], [0.5, np.nan]]})["hinges"] == \
        ["error", "error"]


# -- the differential fuzz ------------------------------------------------------------------------
EDGES = np.array([0.0, 5e-324, 2.2250738585072014e-308, 1e-300, 1e-7, 0.1, 0.30000000000000004, 1 / 3, 1.0,
                  16777217.0, float(np.float32(0.1)), 2.0**53, 2.0**53 + 2, 1e300, 1e308, 1.7976931348623157e308])
EDGES = np.concatenate([EDGES, -EDGES])  # -0.0 among them
N_CATEGORIES = 20  # more than the C emitter's MAX_CHAIN (16): its bit-table lookup is exercised too
CATEGORIES = tuple(f"c{k}" if k % 3 else f"odd {k} '\"\\ \n?? */ ü" for k in range(N_CATEGORIES))
DOMAIN = Domain((Feature("a", "numeric", -2.0, 2.0), Feature("b", "numeric", -2.0, 2.0),
                 Feature("k", "categorical", 0.0, N_CATEGORIES - 1.0, CATEGORIES)))
SEEDS = range(3)


def _arbitrary(rng: np.random.Generator, n: int) -> np.ndarray:
    """Finite doubles: a third random bit patterns (any exponent, subnormals too), a third the edge
    values, a third ordinary numbers."""
    with np.errstate(invalid="ignore"):
        bits = rng.integers(0, 2**63, size=n, dtype=np.int64).view(np.float64) * rng.choice([-1.0, 1.0], size=n)
    bits[~np.isfinite(bits)] = 1.5
    pick = rng.integers(3, size=n)
    return np.where(pick == 0, bits, np.where(pick == 1, rng.choice(EDGES, size=n), rng.normal(size=n) * 3))


def _random_models(rng: np.random.Generator) -> list:
    """Trees (one a chain, deep through one path), rule lists and linear models of every link over
    ``DOMAIN``, their thresholds, knots, weights, intercepts and values arbitrary doubles."""
    from symdistill.models import Tree
    from symdistill.models.rules import Condition, Rule, RuleSet

    from _export_support import random_rules, random_tree

    def codes() -> list[int]:
        return sorted(rng.choice(N_CATEGORIES, size=int(rng.integers(1, N_CATEGORIES)), replace=False).tolist())

    models: list = []
    for task, chain in (("classification", False), ("classification", True), ("regression", False)):
        base = random_tree(rng, DOMAIN, n_leaves=int(rng.integers(2, 40)), task=task, classes=["x", "y", "z"],
                           chain=chain)
        value = base.value if task == "classification" else _arbitrary(rng, base.n_nodes)[:, None]
        models.append(Tree(DOMAIN, task, base.classes, children_left=base.children_left,
                           children_right=base.children_right, feature=base.feature,
                           threshold=_arbitrary(rng, base.n_nodes), value=value,
                           left_categories=[None if c is None else codes() for c in base.left_categories]))
    for task in ("classification", "regression"):
        base = random_rules(rng, DOMAIN, n_rules=int(rng.integers(1, 10)), task=task, classes=["x", "y", "z"])

        def output(rule: Rule) -> float | int:
            return float(_arbitrary(rng, 1)[0]) if task == "regression" else rule.prediction

        rules = [Rule(tuple(Condition(c.feature, c.op, float(_arbitrary(rng, 1)[0]) if c.op in ("<=", ">") else codes())
                            for c in r.conditions), output(r)) for r in base.rules]
        models.append(RuleSet(DOMAIN, task, base.classes, rules, Rule((), output(base.default))))
    for link, rows in (("identity", 1), ("logistic", 1), ("softmax", 3)):
        knots = np.where(rng.random(2) < 0.5, _arbitrary(rng, 2), rng.choice([1e308, -1e308], size=2))  # overflows
        terms = [Term.numeric(0), Term.numeric(1), Term.category(2, 3), Term.category(2, 17), Term.hinge(0, knots[0], 1),
                 Term.hinge(1, knots[1], -1), Term.product(0, 1),
                 Term((Factor(1), Factor(2, category=5), Factor(0, knot=knots[0], direction=-1)))]
        coef = _arbitrary(rng, rows * len(terms)).reshape(rows, len(terms))
        coef[rng.random(coef.shape) < 0.2] = 0.0
        task = "regression" if link == "identity" else "classification"
        classes = None if task == "regression" else np.array(["no", "yes", "maybe"][:max(rows, 2)])
        models.append(LinearModel(DOMAIN, task, classes, terms=terms, coef=coef, intercept=_arbitrary(rng, rows),
                                  link=link))
    return models


def _distilled_models() -> list:
    """Models as distill learns them (tree, rule list, linear with hinges and interactions, classifier
    and regressor; decompositional rules where torch is installed) over tiny and huge scales and
    odd category labels, three features as ``DOMAIN`` has."""
    import pandas as pd

    rng = np.random.default_rng(0)
    X = pd.DataFrame({"a": rng.normal(size=300) * 1e-3, "b": rng.uniform(-1e6, 1e6, size=300),
                      "k": rng.choice(list(CATEGORIES[:6]), size=300)})

    def label(df):
        return np.where((df["a"].to_numpy() > 0) ^ (df["k"].to_numpy() == CATEGORIES[0]), "pos", "neg")

    def value(df):
        return (df["a"].to_numpy() * 3.3 + np.where(df["k"].to_numpy() == CATEGORIES[1], 0.1, -0.7)
                + np.maximum(df["b"].to_numpy(), 0) * 1e-7)

    models = [sd.distill(label, X, form=form, n_samples=1000, **options)
              for form, options in (("tree", {}), ("rules", {}), ("linear", {"hinges": True, "interactions": True}))]
    models += [sd.distill(value, X, form=form, task="regression", n_samples=1000, **options)
               for form, options in (("tree", {}), ("linear", {"hinges": True, "interactions": True}))]
    try:
        import torch
    except ImportError:
        return models
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(3, 6), torch.nn.ReLU(), torch.nn.Linear(6, 2))
    models.append(sd.distill(net, rng.normal(size=(300, 3)), form="rules", method="decompositional", max_size=4,
                             random_state=0, n_samples=400))
    return models


def _thresholds(model) -> dict[int, np.ndarray]:
    from _export_support import thresholds

    return {j: np.array(sorted(ts)) for j, ts in thresholds(model).items()}


def _rows(model, rng: np.random.Generator, n: int = 300) -> np.ndarray:
    """Encoded rows: numbers at the edges or random; half of a feature's values on one of its thresholds
    or knots, one ulp either side of it or half way to its float32 rounding; category codes, -0.0 for
    code 0; and a tenth of the rows with a NaN or an infinity in some column."""
    dom = model.domain
    Z = np.empty((n, dom.n_features))
    for j, f in enumerate(dom.features):
        if f.is_categorical:
            Z[:, j] = rng.integers(len(f.categories), size=n)
            Z[Z[:, j] == 0, j] = -0.0
        else:
            Z[:, j] = np.where(rng.random(n) < 0.5, rng.uniform(-3, 3, size=n), rng.choice(EDGES, size=n))
    for j, ts in _thresholds(model).items():
        pick = np.nonzero(rng.random(n) < 0.5)[0]
        at = ts[rng.integers(len(ts), size=len(pick))]
        with np.errstate(over="ignore"):
            moved = np.stack([at, np.nextafter(at, -np.inf), np.nextafter(at, np.inf),
                              at / 2 + np.float32(at).astype(np.float64) / 2])
        moved = moved[rng.integers(4, size=len(pick)), np.arange(len(pick))]
        Z[pick, j] = np.where(np.isfinite(moved), moved, at)
    odd = rng.random(n) < 0.1
    Z[odd, rng.integers(dom.n_features, size=int(odd.sum()))] = rng.choice([np.nan, np.inf, -np.inf], size=int(odd.sum()))
    return Z


@pytest.fixture(scope="module")
def cases() -> list[tuple[str, object, np.ndarray]]:
    """(name, model, rows) for the random models of every seed and the distilled ones."""
    out = []
    for seed in SEEDS:
        rng = np.random.default_rng(seed)
        out += [(f"s{seed}_{i}_{m.kind}", m, _rows(m, rng)) for i, m in enumerate(_random_models(rng))]
    rng = np.random.default_rng(99)
    out += [(f"d{i}_{m.kind}", m, _rows(m, rng)) for i, m in enumerate(_distilled_models())]
    return out


def _expected(model, Z: np.ndarray) -> np.ndarray:
    from _export_support import expected

    with np.errstate(over="ignore", invalid="ignore"):
        return expected(model, Z)


def _assert_agree(name: str, model, Z: np.ndarray, got, target: str) -> None:
    """``got`` is ``expected``'s answer on every row: the class index, or the value bit for bit."""
    want = _expected(model, Z)
    if model.task == "regression":
        same = np.array(_bits(got)) == np.array(_bits(want))
        same |= np.isnan(np.asarray(got, dtype=float)) & np.isnan(want)  # a NaN's payload aside
    else:
        same = np.asarray(got) == want
    bad = np.nonzero(~same)[0]
    assert not bad.size, (f"{target} disagrees with predict for {name} ({model.kind}, {model.task}) on {bad.size} "
                          f"of {len(Z)} rows, e.g. {Z[bad[0]].tolist()}: {np.asarray(got)[bad[0]]!r} for "
                          f"{want[bad[0]]!r}")


def _finite(Z: np.ndarray) -> np.ndarray:
    return Z[np.isfinite(Z).all(axis=1)]


@needs_gcc
def test_c_agrees_with_predict_at_the_edges(cases, tmp_path):
    """Every model compiled into one program; each row through the one-row and the batch entry points
    (which must agree bit for bit), NaN and infinite rows included (README: the C code does not check
    its input and answers as the model's arithmetic does)."""
    names = [name for name, _, _ in cases]
    exe = compile_c(tmp_path, {name: sd.export(m, "c", prefix=name) for name, m, _ in cases},
                    row_driver(names, [m.task == "regression" for _, m, _ in cases], DOMAIN.n_features))
    Z = np.vstack([rows for _, _, rows in cases])
    got = run_rows(exe, Z, len(cases))
    for col, (name, model, _) in enumerate(cases):
        _assert_agree(name, model, Z, got[:, col], "C")


def test_onnx_agrees_with_predict_at_the_edges(cases):
    """Labels, class indices and values on every row, NaN and infinities included; a linear
    classifier's probabilities as predict_proba's on the finite rows (but for the rounding of
    onnxruntime's exp)."""
    ort = pytest.importorskip("onnxruntime")
    for name, model, Z in cases:
        session = ort.InferenceSession(sd.export(model, "onnx"), providers=["CPUExecutionProvider"])
        out = dict(zip([o.name for o in session.get_outputs()], session.run(None, {"X": Z})))
        if model.task == "regression":
            _assert_agree(name, model, Z, out["value"], "ONNX")
            continue
        _assert_agree(name, model, Z, out["class_index"], "ONNX")
        assert out["label"].tolist() == model.classes[_expected(model, Z)].tolist()
        if model.kind == "linear":
            F = _finite(Z)
            with np.errstate(over="ignore", invalid="ignore"):
                want = model.predict_proba_encoded(F)
            np.testing.assert_allclose(out["probabilities"][np.isfinite(Z).all(axis=1)], want, rtol=1e-12, atol=0)


def test_python_module_agrees_with_predict_at_the_edges(cases, tmp_path):
    """The finite rows as predict answers them; a row with a NaN or an infinity refused naming it."""
    for name, model, Z in cases:
        mod = import_module(tmp_path / f"{name}.py", sd.export(model, "python"), name)
        F = _finite(Z)
        got = [mod.predict_encoded(row) for row in F.tolist()]
        _assert_agree(name, model, F, got if model.task == "regression" else [mod.CLASSES.index(g) for g in got],
                      "Python")
        for row in Z[~np.isfinite(Z).all(axis=1)][:3].tolist():
            with pytest.raises(ValueError, match="is not a finite number"):
                mod.predict_encoded(row)


@needs_swipl
def test_prolog_agrees_with_predict_at_the_edges(cases, tmp_path):
    """The finite rows, and rows of integers beyond 2**53 (read as predict reads them, rounded to a
    double). A tree and a rule list answer an infinity as C does, and a rule list a NaN too (README; a
    tree's predict/2 fails where its path tests a NaN); a linear model raises (float_overflow, or an
    undefined NaN) exactly where predict's score is inf or NaN, and answers every other row, NaN and
    infinite ones included (a NaN that only a category's indicator reads)."""
    whole = [[2**53 + 1, -(2**53) - 3, 1], [2**60 + 1, 3, 2], [-(2**54) - 1, 2**53 + 3, 0]]
    rows, encoded, error = {}, {}, {}
    for name, model, Z in cases:
        answered = Z[~np.isnan(Z).any(axis=1)] if model.kind == "tree" else Z
        listed = answered.tolist() + whole  # the integers as Python ints, predict reads them as doubles
        rows[name], encoded[name] = listed, np.array(listed, dtype=float)
        error[name] = np.zeros(len(listed), dtype=bool)
        if model.kind == "linear":
            with np.errstate(over="ignore", invalid="ignore"):
                scores = np.atleast_2d(model.decision_function_encoded(encoded[name]).T).T
            error[name] = ~np.isfinite(scores).all(axis=1)
    answers = prolog_values(tmp_path, {name: m for name, m, _ in cases}, rows)
    for name, model, _ in cases:
        got, F, raised = answers[name], encoded[name], error[name]
        assert [g == "error" for g in got] == raised.tolist(), \
            f"Prolog raised on other rows than those whose score predict gives as inf or NaN, for {name}"
        kept = [g for g, e in zip(got, raised) if not e]
        _assert_agree(name, model, F[~raised], [float(g) for g in kept] if model.task == "regression" else
                      [int(g) for g in kept], "Prolog")


def test_json_round_trip_agrees_with_predict_at_the_edges(cases):
    """``sd.load(model.to_json())`` answers every row bit for bit as the model did (and gives the same
    probabilities), the arbitrary doubles and odd category labels read back exactly."""
    for name, model, Z in cases:
        back = sd.load(io.StringIO(model.to_json()))
        _assert_agree(name, model, Z, _expected(back, Z), "the JSON round trip")
        assert back.domain.features[-1].categories == model.domain.features[-1].categories
        if model.kind == "linear" and model.task == "classification":
            F = _finite(Z)
            with np.errstate(over="ignore", invalid="ignore"):
                assert _bits(back.predict_proba_encoded(F)) == _bits(model.predict_proba_encoded(F))


# -- automata -------------------------------------------------------------------------------------
ALPHABETS = [("[]", "true", "0", "e\u0301"), ("\u00fc", "a'b", "\\", "x y", "*/"), ("1", "1.0", "01")]
LABELS = [(0.1, 2**64 + 1, -3), ("[]", "fail", "'", "x\ny"), (0.30000000000000004, 1e308, 5e-324), (1, 2.5)]


def _automata() -> list:
    """Random DFAs and Moore machines (any initial state) over symbols that read as Prolog terms or
    numbers or hold quotes, and with labels of numbers a double or int64 cannot hold, odd text."""
    from symdistill.models.automata import DFA, MooreMachine

    out = []
    for t in range(8):
        rng = np.random.default_rng(t)
        alphabet, labels = ALPHABETS[t % len(ALPHABETS)], LABELS[t % len(LABELS)]
        n = int(rng.integers(1, 7))
        transitions, initial = rng.integers(n, size=(n, len(alphabet))), int(rng.integers(n))
        outputs = rng.integers(len(labels), size=n)
        out.append(DFA(alphabet, transitions, (outputs % 2).astype(bool), initial=initial) if t % 3 == 0 else
                   MooreMachine(alphabet, transitions, [labels[o] for o in outputs], labels, initial=initial))
    return out


def test_automata_exports_agree_with_predict(tmp_path):
    """C (class index), the Python module (the label itself, of its type), Prolog (the label's index)
    and the JSON round trip answer each of 200 random words as predict does."""
    from symdistill.export.prolog import prolog_atom

    from _export_support import random_words, word_driver

    models = {f"auto{t}": m for t, m in enumerate(_automata())}
    words = {name: random_words(np.random.default_rng(len(name) + i), len(m.alphabet), 200, max_len=12)
             for i, (name, m) in enumerate(models.items())}
    goals = []
    for name, m in models.items():
        symbols = [tuple(m.alphabet[i] for i in w) for w in words[name]]
        want, codes = m.predict(symbols).tolist(), m.predict_codes([tuple(w) for w in words[name]]).tolist()
        mod = import_module(tmp_path / f"{name}.py", sd.export(m, "python"), name)
        got = [mod.predict(list(w)) for w in symbols]
        assert [(type(g), g) for g in got] == [(type(w), w) for w in want], f"Python disagrees for {name}"
        assert sd.load(io.StringIO(m.to_json())).predict(symbols).tolist() == want
        if GCC:
            exe = compile_c(tmp_path, {name: sd.export(m, "c", prefix=name)}, word_driver(name))
            payload = b"".join(np.array([len(w), *w], dtype="<i4").tobytes() for w in words[name])
            res = subprocess.run([str(exe)], input=payload, capture_output=True)
            assert np.frombuffer(res.stdout, dtype="<i4").tolist() == codes, f"C disagrees for {name}"
        (tmp_path / f"{name}.pl").write_text(sd.export(m, "prolog", module=name), encoding="utf-8")
        listed = ", ".join("[" + ", ".join(prolog_atom(s) for s in w) + "]" for w in symbols)
        goals.append(f"use_module({name}, []), forall(member(W, [{listed}]), ({name}:predict(W, C), "
                     f"{name}:class_label(I, C), write(I), nl)), write('--'), nl")
    if SWIPL:
        (tmp_path / "words.pl").write_text(":- initialization(main, main).\nmain :- " + ", ".join(goals) + ".\n",
                                           encoding="utf-8")
        res = subprocess.run([SWIPL, "-q", "words.pl"], capture_output=True, text=True, cwd=tmp_path, timeout=120)
        assert res.returncode == 0 and not res.stderr.strip(), res.stderr
        for (name, m), block in zip(models.items(), res.stdout.split("--\n")):
            want = m.predict_codes([tuple(w) for w in words[name]]).tolist()
            assert [int(i) for i in block.split()] == want, f"Prolog disagrees for {name}"


# -- ONNX: trees onnxruntime cannot build ---------------------------------------------------------
def test_an_onnx_tree_testing_a_set_of_20000_categories_runs_in_onnxruntime(tmp_path):
    """A test "code in S" was a chain of one BRANCH_EQ node per code, and onnxruntime, which builds a
    tree recursively, crashed its process (a segmentation fault, no error) creating a session for a set
    of 20,000 codes (a zip code's categories). It is a binary search now, log2(k) deep; the answers stay
    exact for codes in and out of the set, -0.0, NaN, fractions and codes out of range."""
    pytest.importorskip("onnxruntime")
    import json
    import sys

    from symdistill.models import Tree

    k = 40_000
    dom = Domain((Feature("a", "numeric", -2.0, 2.0), Feature("zip", "categorical", 0.0, k - 1.0,
                                                               tuple(f"{i:05d}" for i in range(k)))))
    codes = np.random.default_rng(0).choice(k, size=k // 2, replace=False)
    tree = Tree(dom, "regression", None, children_left=[1, -1, -1], children_right=[2, -1, -1], feature=[1, -1, -1],
                threshold=[0.0, 0.0, 0.0], value=[[0.0], [-0.0], [0.1]], left_categories=[codes.tolist(), None, None])
    Z = np.array([[0.5, c] for c in [*codes[:50], *range(50), -0.0, np.nan, 2.5, -1.0, k, 1e308, -np.inf]])
    (tmp_path / "zip.onnx").write_bytes(sd.export(tree, "onnx"))
    np.save(tmp_path / "rows.npy", Z)
    script = ("import json, numpy as np, onnxruntime as ort\n"
              "s = ort.InferenceSession('zip.onnx', providers=['CPUExecutionProvider'])\n"
              "print(json.dumps(s.run(['value'], {'X': np.load('rows.npy')})[0].view(np.int64).tolist()))\n")
    res = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert res.returncode == 0, f"onnxruntime failed (exit {res.returncode}): {res.stderr[-2000:]}"
    assert json.loads(res.stdout) == _bits(_expected(tree, Z))


def test_an_onnx_tree_deeper_than_onnxruntime_builds_is_refused_naming_the_targets_that_take_it():
    """onnxruntime crashes (a segmentation fault) creating a session for a tree some thousands deep: 10,000
    on the main thread's 8 MB stack, 2,000 in a thread of 1 MB. Past 1,000 tests the ONNX export is refused,
    naming the depth and the exports that take deep trees; 1,000 deep still exports, exact."""
    ort = pytest.importorskip("onnxruntime")
    from _export_support import random_tree

    dom = Domain((Feature("a", "numeric", -2.0, 2.0), Feature("b", "numeric", -2.0, 2.0)))
    deep = random_tree(np.random.default_rng(0), dom, n_leaves=1002, chain=True, classes=["x", "y"])
    with pytest.raises(ValueError, match=r"the tree is 1001 tests deep as an ONNX tree ensemble .* refused past "
                                         r"1000: export to 'c' or 'python'"):
        sd.export(deep, "onnx")
    ok = random_tree(np.random.default_rng(0), dom, n_leaves=1001, chain=True, classes=["x", "y"])
    Z = np.random.default_rng(1).uniform(-3, 3, size=(200, 2))
    session = ort.InferenceSession(sd.export(ok, "onnx"), providers=["CPUExecutionProvider"])
    assert session.run(["class_index"], {"X": Z})[0].tolist() == _expected(ok, Z).tolist()

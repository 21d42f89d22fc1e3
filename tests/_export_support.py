"""Helpers for the export end-to-end tests: hostile names, random models, probe rows, runners that
compile / consult / import the generated code and hand back its answers."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from symdistill.domain import Domain, Feature
from symdistill.export.ir import Automaton, Branch, DecisionList, Hinge, LessEq, LinearScores, build
from symdistill.export.prolog import prolog_number
from symdistill.models import Tree
from symdistill.models.linear import LinearModel, Term
from symdistill.models.rules import Condition, Rule, RuleSet

# Names built to break out of string literals, comments and quoted atoms in every target.
HOSTILE = [
    'quote " and \' apostrophe',
    "back\\slash",
    "*/ close /* open",
    "new\nline\r\ttab",
    "'); halt.",
    "ünïcødé 😀 Ω",
    "??/ trigraph ??=",
    "%s %d {x} ~w",
    "ends with backslash\\",
    '""")\nimport os  #',
]

GCC = shutil.which("gcc")
SWIPL = shutil.which("swipl")
needs_gcc = pytest.mark.skipif(GCC is None, reason="gcc is not installed (make system-deps installs it)")
needs_swipl = pytest.mark.skipif(SWIPL is None,
                                 reason="SWI-Prolog (swipl) is not installed (make system-deps installs it)")


# -- models ---------------------------------------------------------------------------------------
def hostile_domain(n_numeric: int = 3, n_categorical: int = 2) -> Domain:
    feats = []
    for j in range(n_numeric):
        feats.append(Feature(HOSTILE[j % len(HOSTILE)] + f" #{j}", "numeric", -2.0, 2.0))
    for j in range(n_categorical):
        cats = tuple(HOSTILE[(j + k) % len(HOSTILE)] + f" c{k}" for k in range(4))
        feats.append(Feature(HOSTILE[(n_numeric + j) % len(HOSTILE)] + f" #cat{j}", "categorical", 0.0, 3.0, cats))
    return Domain(tuple(feats))


def hostile_classes(k: int) -> np.ndarray:
    return np.array([HOSTILE[i % len(HOSTILE)] + f" class {i}" for i in range(k)])


def random_tree(rng: np.random.Generator, domain: Domain, *, n_leaves: int, task: str = "classification",
                classes: Any = None, chain: bool = False) -> Tree:
    """A random tree over ``domain``; thresholds on a coarse grid (so probe rows hit them);
    ``chain`` grows a path (depth n_leaves - 1) to exercise the deep-tree splitting."""
    left, right, feature, threshold, cats = [-1], [-1], [-1], [0.0], [None]
    leaves = [0]
    while len(leaves) < n_leaves:
        i = leaves.pop(-1 if chain else int(rng.integers(len(leaves))))
        j = int(rng.integers(domain.n_features))
        f = domain.features[j]
        left[i], right[i], feature[i] = len(left), len(left) + 1, j
        if f.is_categorical:
            k = len(f.categories)
            cats[i] = sorted(int(c) for c in rng.choice(k, size=int(rng.integers(1, k)), replace=False))
        else:
            threshold[i] = float(np.round(rng.uniform(f.lower, f.upper), 1))
        for _ in range(2):
            left.append(-1), right.append(-1), feature.append(-1), threshold.append(0.0), cats.append(None)
        leaves += [len(left) - 1, len(left) - 2] if chain else [len(left) - 2, len(left) - 1]
    n = len(left)
    if task == "regression":
        value = rng.normal(size=(n, 1)) * 10
    else:
        value = rng.dirichlet(np.ones(len(classes)), size=n)
    return Tree(domain, task, None if task == "regression" else np.asarray(classes), children_left=left,
                children_right=right, feature=feature, threshold=threshold, value=value, left_categories=cats)


def random_rules(rng: np.random.Generator, domain: Domain, *, n_rules: int, task: str = "classification",
                 classes: Any = None) -> RuleSet:
    rules = []
    for _ in range(n_rules):
        conds = []
        for j in rng.choice(domain.n_features, size=int(rng.integers(1, 4)), replace=False):
            f = domain.features[int(j)]
            if f.is_categorical:
                codes = rng.choice(len(f.categories), size=int(rng.integers(1, len(f.categories))), replace=False)
                conds.append(Condition(int(j), "in" if rng.random() < 0.5 else "not in", codes.tolist()))
            else:
                conds.append(Condition(int(j), "<=" if rng.random() < 0.5 else ">",
                                       float(np.round(rng.uniform(f.lower, f.upper), 1))))
        rules.append(Rule(tuple(conds), _consequent(rng, task, classes)))
    return RuleSet(domain, task, None if task == "regression" else np.asarray(classes), rules,
                   Rule((), _consequent(rng, task, classes)))


def _consequent(rng: np.random.Generator, task: str, classes: Any) -> int | float:
    return float(rng.normal() * 5) if task == "regression" else int(rng.integers(len(classes)))


def random_linear(rng: np.random.Generator, domain: Domain, *, link: str, classes: Any = None) -> LinearModel:
    numeric = [j for j, f in enumerate(domain.features) if not f.is_categorical]
    categorical = [j for j, f in enumerate(domain.features) if f.is_categorical]
    terms = [Term.numeric(j) for j in numeric]
    terms += [Term.category(j, c) for j in categorical for c in range(len(domain.features[j].categories) - 1)]
    terms += [Term.hinge(numeric[0], 0.5, 1), Term.hinge(numeric[-1], -0.3, -1), Term.product(numeric[0], numeric[1])]
    rows = {"identity": 1, "logistic": 1, "softmax": len(classes) if classes is not None else 1}[link]
    coef = np.round(rng.normal(size=(rows, len(terms))), 3)
    coef[:, 1] = 0.0  # a zero weight: left out of the exported sum
    task = "regression" if link == "identity" else "classification"
    return LinearModel(domain, task, None if task == "regression" else np.asarray(classes), terms=terms,
                       coef=coef, intercept=np.round(rng.normal(size=rows), 3), link=link)


# -- probe rows -----------------------------------------------------------------------------------
def thresholds(model: Any) -> dict[int, set[float]]:
    """Every number a model compares a feature with (thresholds, knots), per feature."""
    body = build(model).body
    out: dict[int, set[float]] = {}
    if isinstance(body, LinearScores):
        for term in body.terms:
            for f in term:
                if isinstance(f, Hinge):
                    out.setdefault(f.feature, set()).add(f.knot)
        return out
    tests = []
    if isinstance(body, DecisionList):
        tests = [lit.test for r in body.rules for lit in r.literals]
    else:
        stack = [body]
        while stack:
            n = stack.pop()
            if isinstance(n, Branch):
                tests.append(n.test)
                stack += [n.yes, n.no]
    for t in tests:
        if isinstance(t, LessEq):
            out.setdefault(t.feature, set()).add(t.threshold)
    return out


def probe_rows(model: Any, n: int, seed: int = 0) -> np.ndarray:
    """Encoded rows: random ones, and many whose numeric features sit exactly on a threshold or
    one ulp either side of it."""
    rng = np.random.default_rng(seed)
    dom = model.domain
    Z = np.empty((n, dom.n_features))
    for j, f in enumerate(dom.features):
        if f.is_categorical:
            Z[:, j] = rng.integers(len(f.categories), size=n)
        else:
            Z[:, j] = rng.uniform(f.lower - 1, f.upper + 1, size=n)
    for j, ts in thresholds(model).items():
        ts = np.array(sorted(ts))
        pick = rng.random(n) < 0.6
        at = ts[rng.integers(len(ts), size=int(pick.sum()))]
        nudge = rng.integers(-1, 2, size=len(at))
        with np.errstate(over="ignore"):
            moved = np.where(nudge < 0, np.nextafter(at, -np.inf), np.nextafter(at, np.inf))
        at = np.where((nudge != 0) & np.isfinite(moved), moved, at)  # stay finite next to the largest double
        Z[pick, j] = at
    if isinstance(model, LinearModel) and model.task == "classification":
        Z = _on_the_boundary(model, Z, rng)
    return Z


def _on_the_boundary(model: LinearModel, Z: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Move a third of the rows onto the decision boundary (found by bisection along one numeric
    feature): there a score is within rounding of zero (logistic) or of the runner-up's (softmax),
    so an exporter that sums in another order than ``predict`` answers differently."""
    Z = Z.copy()
    numeric = [j for j, f in enumerate(model.domain.features) if not f.is_categorical]
    rows = np.nonzero(rng.random(len(Z)) < 1 / 3)[0]
    s0 = np.atleast_2d(model.decision_function_encoded(Z[rows]).T).T
    top2 = np.argsort(-s0, axis=1)[:, :2] if s0.shape[1] > 1 else None

    def gap(X: np.ndarray, idx: np.ndarray) -> np.ndarray:
        s = model.decision_function_encoded(X)
        if top2 is None:
            return s
        return s[np.arange(len(X)), top2[idx, 0]] - s[np.arange(len(X)), top2[idx, 1]]

    for part, j in zip(np.array_split(np.arange(len(rows)), len(numeric)), numeric):
        f = model.domain.features[j]
        lo, hi = Z[rows[part]].copy(), Z[rows[part]].copy()
        lo[:, j], hi[:, j] = f.lower - 1, f.upper + 1
        g_lo = gap(lo, part) > 0
        crosses = g_lo != (gap(hi, part) > 0)
        part, lo, hi, g_lo = part[crosses], lo[crosses], hi[crosses], g_lo[crosses]
        for _ in range(80):
            mid = lo.copy()
            mid[:, j] = (lo[:, j] + hi[:, j]) / 2
            same = (gap(mid, part) > 0) == g_lo
            lo[same], hi[~same] = mid[same], mid[~same]
        Z[rows[part]] = np.where(rng.random((len(part), 1)) < 0.5, lo, hi)
    return Z


def expected(model: Any, Z: np.ndarray) -> np.ndarray:
    """What the exported code must return: class indices (classifiers) or values (regressors).

    ``predict_encoded`` refuses NaN and infinite values, as ``predict`` does; the exported code does
    not check its input (README), and answers such rows as its comparisons fall: a NaN fails every
    test (``<=``, ``>``, ``==``). That is the model's own arithmetic on the rows as they are, unchecked:
    the leaf a tree's walk reaches, the rule a list's conditions pick, a linear model's scores."""
    regression = model.task == "regression"
    if model.kind == "linear":
        return model.decision_function_encoded(Z) if regression else model.predict_index_encoded(Z)
    chosen = model.apply_encoded(Z)
    if model.kind == "tree":
        return model.value[chosen, 0] if regression else model.leaf_class[chosen]
    decided = np.array([r.prediction for r in model.rules + [model.default]])
    return decided[chosen].astype(float if regression else np.int64)


# -- C --------------------------------------------------------------------------------------------
def compile_c(tmp: Path, sources: dict[str, str], driver: str, *, sanitize: bool = False) -> Path:
    """Compile the generated files (name -> source) and a driver with the strictest flags."""
    files = []
    for name, text in sources.items():
        path = tmp / f"{name}.c"
        path.write_text(text, encoding="utf-8")
        files.append(str(path))
    drv = tmp / "driver.c"
    drv.write_text(driver, encoding="utf-8")
    exe = tmp / ("driver_san" if sanitize else "driver")
    flags = ["-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic", "-O2"]
    if sanitize:
        flags += ["-fsanitize=address,undefined", "-fno-sanitize-recover=all", "-g", "-O1"]
    res = subprocess.run([GCC, *flags, "-I", str(tmp), "-o", str(exe), str(drv), *files, "-lm"],  # exp: proba
                         capture_output=True, text=True)
    assert res.returncode == 0, f"gcc failed:\n{res.stderr}"
    return exe


def row_driver(prefixes: list[str], regression: list[bool], n_features: int) -> str:
    """A driver reading rows of doubles from stdin; per model and row it writes two doubles: the
    one-row function's answer and the batch entry point's answer for the same row."""
    includes = "\n".join(f"#define {p.upper()}_DECLARATIONS_ONLY\n#include \"{p}.c\"" for p in prefixes)
    nf = max(n_features, 1)
    blocks = []
    for p, reg in zip(prefixes, regression):
        call = f"{p}_predict_value(rows + i * {nf})" if reg else f"(double){p}_predict(rows + i * {nf})"
        out_t = "double" if reg else "int"
        blocks.append(f"""    {{
        {out_t} *batch = malloc(sizeof({out_t}) * (n ? n : 1));
        if (!batch) return 1;
        {p}_predict{"_value" if reg else ""}_batch(rows, n, batch);
        for (i = 0; i < n; ++i) {{
            answers[(i * {len(prefixes)} + {len(blocks)}) * 2] = {call};
            answers[(i * {len(prefixes)} + {len(blocks)}) * 2 + 1] = (double)batch[i];
        }}
        free(batch);
    }}""")
    return _reading_rows(includes, n_features, 2 * len(prefixes), "\n".join(blocks))


def _reading_rows(includes: str, n_features: int, width: int, body: str) -> str:
    """A driver's main: reads rows of ``n_features`` doubles from stdin into ``rows`` (``n`` of them),
    runs ``body``, which fills ``answers`` (``width`` doubles per row), and writes them to stdout."""
    nf = max(n_features, 1)
    return f"""#include <stdio.h>
#include <stdlib.h>
{includes}
int main(void)
{{
    size_t cap = 1024, n = 0, i;
    double *rows = malloc(sizeof(double) * cap * {nf}), *answers;
    if (!rows) return 1;
    while (fread(rows + n * {nf}, sizeof(double), {n_features}, stdin) == {n_features}) {{
        if (++n == cap) {{
            double *more = realloc(rows, sizeof(double) * (cap *= 2) * {nf});
            if (!more) return 1;
            rows = more;
        }}
    }}
    answers = malloc(sizeof(double) * (n ? n : 1) * {width});
    if (!answers) return 1;
{body}
    fwrite(answers, sizeof(double), n * {width}, stdout);
    free(answers);
    free(rows);
    return 0;
}}
"""


def c_proba(tmp: Path, model: Any, Z: np.ndarray, *, prefix: str = "symdistill", sanitize: bool = False) -> np.ndarray:
    """``<prefix>_predict_proba`` of each row, (rows, classes), the doubles as the compiled code wrote them."""
    from symdistill.export import export

    k, nf = len(model.classes), model.domain.n_features
    includes = f"#define {prefix.upper()}_DECLARATIONS_ONLY\n#include \"{prefix}.c\""
    body = f"    for (i = 0; i < n; ++i) {prefix}_predict_proba(rows + i * {max(nf, 1)}, answers + i * {k});"
    exe = compile_c(tmp, {prefix: export(model, "c", prefix=prefix)}, _reading_rows(includes, nf, k, body),
                    sanitize=sanitize)
    res = subprocess.run([str(exe)], input=np.ascontiguousarray(Z, dtype="<f8").tobytes(), capture_output=True)
    assert res.returncode == 0, res.stderr.decode()
    return np.frombuffer(res.stdout, dtype="<f8").reshape(len(Z), k)


def run_rows(exe: Path, Z: np.ndarray, n_models: int = 1) -> np.ndarray:
    """The one-row answers, (rows, models); fails unless the batch entry point answered the same,
    bit for bit, for every row."""
    res = subprocess.run([str(exe)], input=np.ascontiguousarray(Z, dtype="<f8").tobytes(), capture_output=True)
    assert res.returncode == 0, res.stderr.decode()
    both = np.frombuffer(res.stdout, dtype="<f8").reshape(len(Z), n_models, 2)
    one, batch = both[..., 0], both[..., 1]
    differ = ~((one == batch) | (np.isnan(one) & np.isnan(batch)))
    assert not differ.any(), f"batch and one-row answers differ on {int(differ.sum())} of {differ.size}"
    return one


def c_answers(tmp: Path, model: Any, Z: np.ndarray, *, prefix: str = "symdistill",
              sanitize: bool = False) -> np.ndarray:
    from symdistill.export import export

    exe = compile_c(tmp, {prefix: export(model, "c", prefix=prefix)},
                    row_driver([prefix], [model.task == "regression"], model.domain.n_features), sanitize=sanitize)
    return run_rows(exe, Z)[:, 0]


# -- Python ---------------------------------------------------------------------------------------
def import_module(path: Path, source: str, name: str) -> Any:
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    sys.modules.pop(name, None)
    return module


def python_answers(tmp: Path, model: Any, Z: np.ndarray, name: str = "exported_model") -> np.ndarray:
    """Class indices / values from the exported module's ``predict_encoded``."""
    from symdistill.export import export

    mod = import_module(tmp / f"{name}.py", export(model, "python"), name)
    out = [mod.predict_encoded(row) for row in Z.tolist()]
    if model.task == "regression":
        return np.array(out, dtype=float)
    return np.array([mod.CLASSES.index(o) for o in out])


# -- Prolog ---------------------------------------------------------------------------------------
def prolog_answers(tmp: Path, model: Any, Z: np.ndarray, *, module: str | None = None,
                   proba: bool = False) -> list[str]:
    """One line per row from SWI-Prolog: the class index (via class_label/2) or the value; with
    ``proba``, the probabilities predict_proba/2 gives, in class order, separated by spaces."""
    from symdistill.export import export

    options = {} if module is None else {"module": module}
    (tmp / "model.pl").write_text(export(model, "prolog", **options), encoding="utf-8")
    rows = "\n".join("row([" + ", ".join(prolog_number(v) for v in r) + "])." for r in Z.tolist())
    (tmp / "rows.pl").write_text(rows + "\n", encoding="utf-8")
    show = "class_label(I, C), write(I)" if model.task != "regression" else "write(C)"
    goal = ("predict_proba(R, Ps) -> forall(member(_-P, Ps), (write(P), write(' ')))" if proba
            else f"predict(R, C) -> {show}")
    (tmp / "main.pl").write_text(f""":- initialization(main, main).
main :-
    consult(model), consult(rows),
    forall(row(R), ( {goal}, nl ; write(none), nl )).
""", encoding="utf-8")
    res = subprocess.run([SWIPL, "-q", str(tmp / "main.pl")], capture_output=True, text=True, cwd=tmp, timeout=120)
    assert res.returncode == 0 and not res.stderr.strip(), f"swipl failed:\n{res.stderr}"
    return res.stdout.splitlines() if proba else res.stdout.split()


def prolog_values(tmp: Path, models: dict[str, Any], rows: dict[str, list]) -> dict[str, list[str]]:
    """Each model's answers from one SWI-Prolog run (every model a module): its class index or value,
    ``none`` where predict/2 fails and ``error`` where it raises; rows written as Prolog numbers (a
    Python int as the integer it is, NaN as ``1.5NaN``, infinities as ``1.0Inf``; a str as it is, a term
    that is no number)."""
    from symdistill.export import export

    facts, goals = [], []
    for name, model in models.items():
        (tmp / f"{name}.pl").write_text(export(model, "prolog", module=name), encoding="utf-8")
        facts += [f"row({name}, [{', '.join(prolog_value(v) for v in r)}])." for r in rows[name]]
        show = f"{name}:class_label(I, C), write(I)" if model.task == "classification" else "write(C)"
        goals.append(f"use_module({name}, []), forall(row({name}, R), (catch(({name}:predict(R, C) -> {show} ; "
                     f"write(none)), _, write(error)), nl)), write('--'), nl")
    (tmp / "rows.pl").write_text("\n".join(facts) + "\n", encoding="utf-8")
    (tmp / "main.pl").write_text(":- initialization(main, main).\nmain :- consult(rows), "
                                 + ", ".join(goals) + ".\n", encoding="utf-8")
    res = subprocess.run([SWIPL, "-q", "main.pl"], capture_output=True, text=True, cwd=tmp, timeout=120)
    assert res.returncode == 0 and not res.stderr.strip(), res.stderr
    blocks = res.stdout.split("--\n")
    return {name: block.split() for name, block in zip(models, blocks)}


def prolog_value(v: float | int | str) -> str:
    if isinstance(v, str):
        return v
    if isinstance(v, int):
        return str(v)
    if np.isnan(v):
        return "1.5NaN"
    if np.isinf(v):
        return "1.0Inf" if v > 0 else "-1.0Inf"
    return prolog_number(v)


# -- automata -------------------------------------------------------------------------------------
def word_driver(prefix: str) -> str:
    """Reads words (int32 length, then int32 symbols) and writes int32 predict results."""
    return f"""#include <stdio.h>
#define {prefix.upper()}_DECLARATIONS_ONLY
#include "{prefix}.c"
int main(void)
{{
    int length, word[256], out;
    while (fread(&length, sizeof length, 1, stdin) == 1) {{
        if (length < 0 || length > 256 || fread(word, sizeof(int), (size_t)length, stdin) != (size_t)length) return 1;
        out = {prefix}_predict(word, (size_t)length);
        fwrite(&out, sizeof out, 1, stdout);
    }}
    return 0;
}}
"""


def random_words(rng: np.random.Generator, n_symbols: int, n: int, max_len: int = 30) -> list[list[int]]:
    return [rng.integers(n_symbols, size=int(rng.integers(0, max_len + 1))).tolist() for _ in range(n)]


def automaton_body(model: Any) -> Automaton:
    body = build(model).body
    assert isinstance(body, Automaton)
    return body

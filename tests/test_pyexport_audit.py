"""The exported Python module on many rows: a row of plain values is read in one pass, and answers
and refuses every row exactly as the full checks (encode, then _checked) do."""

from __future__ import annotations

import numpy as np
import pytest

import symdistill as sd
from symdistill.domain import Domain, Feature

from _export_support import HOSTILE, import_module, random_linear, random_rules, random_tree

# The module as it was before the one-pass reading: predict(x) is predict_encoded(encode(x)), and
# _checked reads every value with _number, as encode does (encode, _row, _number and _checked's
# checks are unchanged).
_FULL_CHECKS = '''
def predict(x):
    return predict_encoded(encode(x))


def predict_proba(x):
    return predict_proba_encoded(encode(x))


def _plain_encoded(z):
    return None
'''


class _Float(float):
    """A float subclass whose float() is another number: only float() may read it."""

    def __float__(self) -> float:
        return 0.25


def _domain() -> Domain:
    """Numeric features and categorical ones of text, integer, boolean and float labels."""
    return Domain((Feature("a", "numeric", -2.0, 2.0), Feature(HOSTILE[0], "numeric", -2.0, 2.0),
                   Feature("t", "categorical", 0.0, 3.0, tuple(HOSTILE[1:5])),
                   Feature("n", "categorical", 0.0, 2.0, (1, 2, 30)),
                   Feature("b", "categorical", 0.0, 1.0, (False, True)),
                   Feature("f", "categorical", 0.0, 2.0, (0.0, 1.5, 2.0))))


def _models(dom: Domain) -> dict[str, object]:
    rng = np.random.default_rng(0)
    return {"tree": random_tree(rng, dom, n_leaves=24, classes=["p", "q", "r"]),
            "regression_tree": random_tree(rng, dom, n_leaves=12, task="regression"),
            "rules": random_rules(rng, dom, n_rules=8, classes=["p", "q"]),
            "regression_rules": random_rules(rng, dom, n_rules=6, task="regression"),
            "logistic": random_linear(rng, dom, link="logistic", classes=["p", "q"]),
            "softmax": random_linear(rng, dom, link="softmax", classes=["p", "q", "r"]),
            "identity": random_linear(rng, dom, link="identity")}


def _numbers(rng: np.random.Generator, n: int) -> list:
    """Feature values, mostly good ones (on and near the thresholds, floats and ints), some bad."""
    bad = [float("nan"), float("inf"), -float("inf"), True, False, np.float64(0.3), np.int64(1), np.nan, "2.5", b"1",
           None, 10**400, -(10**310), 1e308, -1e308, [1.0], 1j, -0.0, _Float(1.5), "x", 2**53 + 1]
    out = []
    for _ in range(n):
        if rng.random() < 0.8:
            out.append(float(np.round(rng.uniform(-2.2, 2.2), 1)) if rng.random() < 0.7 else int(rng.integers(-2, 3)))
        else:
            out.append(bad[int(rng.integers(len(bad)))])
    return out


def _labels(rng: np.random.Generator, labels: tuple, n: int) -> list:
    others = [True, False, 1, 1.0, 0, 0.0, np.True_, np.int64(1), np.str_(labels[0]), "nope", None, [1],
              float("nan"), 2.5, 1.5, -0.0, 30.0, "1", 10**400, _Float(1.0)]
    return [labels[int(rng.integers(len(labels)))] if rng.random() < 0.8 else others[int(rng.integers(len(others)))]
            for _ in range(n)]


def _codes(rng: np.random.Generator, k: int, n: int) -> list:
    others = [2.5, -1.0, float(k), float(k - 1), -0.0, True, False, np.float64(1.0), np.int64(1), float("nan"),
              float("inf"), "1", None, 10**400, k, -1, _Float(1.0), 2**60]
    return [float(rng.integers(k)) if rng.random() < 0.6 else int(rng.integers(k)) if rng.random() < 0.5
            else others[int(rng.integers(len(others)))] for _ in range(n)]


def _rows(dom: Domain, n: int, encoded: bool, seed: int) -> list:
    """Rows in the containers a user passes (lists, tuples, NumPy arrays, generators, ...), some the
    wrong length or no row at all."""
    rng = np.random.default_rng(seed)
    columns = [_numbers(rng, n) if not f.is_categorical else _codes(rng, len(f.categories), n) if encoded
               else _labels(rng, f.categories, n) for f in dom.features]
    rows = []
    for i, values in enumerate(zip(*columns)):
        values = list(values)
        kind = int(rng.integers(12))
        if kind == 0:
            rows.append(values[:-1])
        elif kind == 1:
            rows.append(values + [0.0])
        elif kind == 2:
            rows.append(np.array(values, dtype=object))
        elif kind == 3:
            rows.append(lambda values=values: (v for v in values))  # a fresh generator for each call
        elif kind == 4 and i % 2 == 0:
            rows.append("abcdef"[:len(values)])  # text of the right length: not read as its characters
        elif kind == 4:
            rows.append({j: v for j, v in enumerate(values)})
        elif kind == 5:
            rows.append(tuple(values))
        else:
            rows.append(values)
    return rows


def _outcome(call, row) -> tuple:
    """What a call answers (its type and exact text) or raises (its type and message)."""
    try:
        got = call(row() if callable(row) else row)
    except Exception as e:  # every refusal is compared
        return type(e).__name__, str(e)
    return type(got).__name__, repr(got)


@pytest.fixture(scope="module")
def modules(tmp_path_factory):
    """Each model's module, and the same module reading every row with the full checks."""
    dom = _domain()
    out = {}
    for name, model in _models(dom).items():
        source = sd.export(model, "python")
        mod = import_module(tmp_path_factory.mktemp(name) / f"plain_{name}.py", source, f"plain_{name}")
        full = {}  # a namespace of its own: the module's functions look their helpers up in theirs
        exec(source, full)
        exec(_FULL_CHECKS, full)
        out[name] = model, mod, full
    return dom, out


@pytest.mark.parametrize("encoded", [False, True])
def test_the_module_answers_and_refuses_every_row_as_the_full_checks_do(modules, encoded):
    """Random rows, most of them good (floats and ints on the thresholds, every label), the others bad
    (NaN, infinities, booleans for numbers and numbers for booleans, text, NumPy values, unknown labels,
    codes out of range, integers past the largest double, the wrong length, a dict or text for a row):
    each entry point answers the same value of the same type, or raises the same error with the same
    message, as the module reading every value with encode's and _checked's full checks."""
    dom, mods = modules
    rows = _rows(dom, 3000, encoded, seed=int(encoded))
    entry = ["predict_encoded", "predict_proba_encoded"] if encoded else ["predict", "predict_proba", "encode"]
    for name, (model, mod, full) in mods.items():
        answered = 0
        for call in entry:
            if not hasattr(mod, call):
                continue
            for row in rows:
                got, want = _outcome(getattr(mod, call), row), _outcome(full[call], row)
                assert got == want, f"{name}.{call}({row!r}): {got} where the full checks give {want}"
                answered += got[0] != "ValueError" and got[0] != "TypeError"
        assert answered > len(rows) // 4, name  # many rows answered, not only refused
        predict = mod.predict_encoded if encoded else mod.predict
        good = [r for r in rows if isinstance(r, list) and all(type(v) in (float, int, str, bool) for v in r)
                and _outcome(predict, r)[0] not in ("ValueError", "TypeError")]
        X = np.array(good, dtype=float if encoded else object)
        assert [predict(r) for r in good] == (model.predict_encoded(X) if encoded else model.predict(X)).tolist(), name


def test_a_row_of_plain_values_is_read_in_one_pass(modules):
    """predict read each value twice (encode, then _checked: 8.8 us a row for a 14-feature tree); a list or
    tuple of floats, ints and labels is now read once, without _number."""
    dom, mods = modules
    model, mod, _ = mods["tree"]
    rows = [r for r in _rows(dom, 400, False, seed=2) if isinstance(r, (list, tuple))]
    answers = {}
    for row in rows:
        try:
            answers[id(row)] = mod.predict(row)
        except ValueError:
            pass
    plain = [r for r in rows if id(r) in answers and all(type(v) in (float, int, str, bool) for v in r)]
    assert len(plain) > 20
    encoded = [mod.encode(r) for r in plain]
    probas = [mod.predict_proba_encoded(z) for z in encoded]

    def unread(j, v):
        raise AssertionError(f"feature {j}: {v!r} read again")

    saved, mod._number = mod._number, unread
    try:
        assert [mod.predict(r) for r in plain] == [answers[id(r)] for r in plain]
        assert [mod.predict_proba(r) for r in plain] == probas
        assert [mod.predict_encoded(z) for z in encoded] == [answers[id(r)] for r in plain]
    finally:
        mod._number = saved

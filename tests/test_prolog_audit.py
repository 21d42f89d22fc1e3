"""Exports of large category sets (audit). Prolog: a test "code in S" of thousands of codes was one
disjunction ``( X =:= 3 ; X =:= 12 ; ... )`` per clause, which SWI-Prolog took 7 s to consult at
16,000 codes and 26 s at 32,000; a set of more than 8 codes is now a table of facts behind a test that
answers every value as the disjunction did. C: a linear model's 3,000 one-hot terms were 3,000
statements, 13 s to compile at -O2; a run of them is now a loop over a table of codes and weights."""

from __future__ import annotations

import importlib

import numpy as np
import pytest

import symdistill as sd
from symdistill.domain import Domain, Feature
from symdistill.models import Tree
from symdistill.models.rules import Condition, Rule, RuleSet

from _export_support import compile_c, expected, needs_gcc, needs_swipl, prolog_values, row_driver, run_rows


def _zip_domain(k: int) -> Domain:
    return Domain((Feature("a", "numeric", -2.0, 2.0),
                   Feature("zip", "categorical", 0.0, k - 1.0, tuple(f"{i:05d}" for i in range(k)))))


@needs_swipl
def test_a_tree_testing_sets_of_20000_codes_consults_and_answers_as_predict(tmp_path):
    """Two tests of 20,000 of 40,000 zip codes, whose paths merge into sets of 20,000, 10,000 and
    30,000 codes (80,000 disjuncts in all, minutes to consult before: past the runner's 120 s). Codes
    in and out of each set, as integers and as floats, answer as ``predict`` does, and so do -0.0,
    fractions, codes out of range, integers beyond 2**53, NaN and the infinities (in no set)."""
    k = 40_000
    rng = np.random.default_rng(0)
    first, second = (rng.choice(k, size=k // 2, replace=False) for _ in range(2))
    tree = Tree(_zip_domain(k), "classification", np.array(["low", "mid", "high", "none"]),
                children_left=[1, 3, 5, -1, -1, -1, -1], children_right=[2, 4, 6, -1, -1, -1, -1],
                feature=[1, 0, 1, -1, -1, -1, -1], threshold=[0.0, 0.0, 0.0, 0, 0, 0, 0],
                value=[[1, 0, 0, 0]] * 3 + [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]],
                left_categories=[first.tolist(), None, second.tolist(), None, None, None, None])
    text = sd.export(tree, "prolog")
    assert "X1_zip =:=" not in text and "symdistill_codes_3(" in text  # three tables, no disjunction
    codes = [int(c) for c in [*first[:40], *second[:40], *rng.integers(k, size=40)]]
    rows = ([[0.5, c] for c in codes] + [[-0.5, float(c)] for c in codes]
            + [[0.5, v] for v in (-0.0, 0.0, 2.5, -1, k, k + 0.0, 2**70, -(2**70), 1e308, np.nan, np.inf, -np.inf)]
            + [[0.5, int(first[0]) + 0.5], [-0.5, float(np.nextafter(float(second[0]), np.inf))]])
    got = prolog_values(tmp_path, {"big": tree}, {"big": rows})["big"]
    Z = np.array(rows, dtype=float)
    assert [int(g) for g in got] == expected(tree, Z).tolist()
    accepted = np.isfinite(Z).all(axis=1) & (Z[:, 1] == np.round(Z[:, 1])) & (Z[:, 1] >= 0) & (Z[:, 1] < k)
    assert tree.classes[np.array(got, dtype=int)[accepted]].tolist() == tree.predict_encoded(Z[accepted]).tolist()


def _edge_rules(codes: list[int], others: list[int]) -> RuleSet:
    dom = _zip_domain(64)
    return RuleSet(dom, "classification", np.array(["default", "in", "out"]),
                   [Rule((Condition(1, "in", codes),), 1),
                    Rule((Condition(1, "not in", others), Condition(0, ">", 0.0)), 2),
                    Rule((Condition(1, "in", codes), Condition(0, "<=", 0.0)), 0)], Rule((), 0))


@needs_swipl
def test_a_table_of_codes_answers_every_edge_value_as_the_inline_disjunction(tmp_path, monkeypatch):
    """A set of 9 codes (the first written as a table) and one of 10 at its edges: every code as an
    integer and a float, -0.0 for code 0, a half and one ulp either side, the codes just outside the
    range, integers beyond 2**53, the largest doubles, NaN and the infinities answer as ``predict``
    answers them (a NaN holds for ``not in``); a term that is no number (an atom, an unbound
    variable) raises as ``=:=`` raised, and an expression is evaluated as ``=:=`` evaluated it. The same
    model written with every set inline (the encoding before) gives the same answers on every row."""
    prolog = importlib.import_module("symdistill.export.prolog")  # sd.export, the function, hides the module
    codes, others = [0, 1, 5, 17, 18, 30, 31, 40, 63], [2, 3, 4, 5, 6, 7, 8, 9, 17, 62]
    model = _edge_rules(codes, others)
    text = sd.export(model, "prolog")
    assert "predict([_, X1_zip], Output) :- symdistill_in_1(X1_zip), !, Output = 'in'." in text
    assert "\\+ symdistill_in_2(X1_zip), X0_a > 0.0" in text
    assert [line for line in text.splitlines() if line.startswith("symdistill_codes_1(")] == \
        [f"symdistill_codes_1({c})." for c in codes]  # one table for a set tested twice
    assert "X1_zip =:=" not in text
    values: list[float | int] = [v for c in codes + others for v in (c, float(c), c - 0.5, c + 0.5,
                                                                     float(np.nextafter(c, -1.0)),
                                                                     float(np.nextafter(c, 99.0)))]
    values += [-0.0, -1, -1.0, 64, 64.0, 2**53 + 1, 2**53 + 18, -(2**53) - 1, 2**70, 1e308, -1e308,
               np.finfo(float).max, 5e-324, np.nan, np.inf, -np.inf]
    rows = [[a, v] for v in values for a in (-0.5, 0.5)]
    odd = [[0.5, "foo"], [-0.5, "_"], [0.5, "17+2"], [0.5, "2*2.5"], [0.5, "sqrt(-1.0)"]]
    got = prolog_values(tmp_path, {"edges": model}, {"edges": rows + odd})["edges"]
    Z = np.array(rows, dtype=float)
    assert [int(g) for g in got[:len(rows)]] == expected(model, Z).tolist()
    assert got[len(rows):] == ["error", "error", "2", "1", "error"]
    monkeypatch.setattr(prolog, "_INLINE_CODES", 10**9)
    inline = sd.export(model, "prolog")
    assert "symdistill_in_" not in inline and "( X1_zip =:= 0 ; X1_zip =:= 1 ; X1_zip =:= 5 ;" in inline
    assert prolog_values(tmp_path, {"inline": model}, {"inline": rows + odd})["inline"] == got


@pytest.mark.parametrize("n", [1, 8])
def test_a_set_of_up_to_8_codes_is_written_inline_as_before(n):
    """Small sets keep their readable disjunction, and ordinary models their text."""
    model = _edge_rules(list(range(n)), [])
    text = sd.export(model, "prolog")
    assert "symdistill_in_" not in text
    assert "( " + " ; ".join(f"X1_zip =:= {c}" for c in range(n)) + " )" in text


@needs_gcc
def test_a_linear_model_of_3000_one_hot_terms_compiles_as_a_loop_and_answers_bit_for_bit(tmp_path):
    """3,000 one-hot terms of a zip code (every tenth weight 0, skipped), a numeric term and 20 one-hot
    terms of a second category, in a regressor whose intercept is -0.0 (so the sign of a zero sum shows)
    and a three-class softmax classifier: the C code sums the runs of one-hot terms in loops over
    tables, in the model's order, and answers every row as ``predict`` does, bit for bit, for codes in
    and out of range, -0.0, fractions, NaN and the infinities (in no category)."""
    from symdistill.models.linear import LinearModel, Term

    k = 3000
    dom = Domain((Feature("a", "numeric", -2.0, 2.0),
                  Feature("zip", "categorical", 0.0, k - 1.0, tuple(f"{i:05d}" for i in range(k))),
                  Feature("b", "categorical", 0.0, 19.0, tuple(f"b{i}" for i in range(20)))))
    terms = [Term.category(1, c) for c in range(k)] + [Term.numeric(0)] + [Term.category(2, c) for c in range(20)]
    rng = np.random.default_rng(0)

    def weights(n):
        w = rng.normal(size=(n, len(terms)))
        w[:, ::10] = 0.0
        return w

    reg = LinearModel(dom, "regression", None, terms=terms, coef=weights(1), intercept=[-0.0], link="identity")
    reg.coef[0, 1] = -0.5  # the first live term: an indicator whose 0.0 gives -0.0
    clf = LinearModel(dom, "classification", np.array(["x", "y", "z"]), terms=terms, coef=weights(3),
                      intercept=rng.normal(size=3), link="softmax")
    sources = {"reg": sd.export(reg, "c", prefix="reg"), "clf": sd.export(clf, "c", prefix="clf")}
    assert sources["reg"].count("s[0] +=") < 10 and "for (t = 0; t < 2699; ++t) s[0] +=" in sources["reg"]
    zips = [*rng.integers(k, size=200).astype(float), 0.0, -0.0, 1.0, 2999.0, 3000.0, -1.0, 2.5, 1e308,
            np.nan, np.inf, -np.inf]
    Z = np.array([[a, z, b] for z in zips for a, b in ((0.0, 3.0), (-0.0, 25.0), (1.5, 0.0), (-0.0, np.nan))])
    exe = compile_c(tmp_path, sources, row_driver(["reg", "clf"], [True, False], 3))
    got = run_rows(exe, Z, 2)
    assert got[:, 0].view(np.int64).tolist() == expected(reg, Z).view(np.int64).tolist()
    assert got[:, 1].astype(int).tolist() == expected(clf, Z).tolist()

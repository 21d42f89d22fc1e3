"""A differential review of this session's faster paths: each must answer what the path it replaced answered
(or a plain reference written here), errors included."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import symdistill as sd
from symdistill import DataError
from symdistill.domain import Domain, Feature
from symdistill.models import rules as rules_module
from symdistill.models.rules import Condition, Rule, RuleSet


def _rule_list() -> RuleSet:
    dom = Domain([Feature("a"), Feature("b"), Feature("c", "categorical", categories=["x", "y", "z"])])
    return RuleSet(dom, "classification", ["no", "yes"],
                   [Rule([Condition(0, ">", 0.5), Condition(2, "in", [0, 2])], 1), Rule([Condition(1, "<=", 0.25)], 0),
                    Rule([Condition(2, "not in", [1])], 1)], default=Rule([], 0))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([0.0, -0.0, 0.25, 0.5, 0.75, np.nan, np.inf]),
                          st.sampled_from([0.0, 0.25, 0.3, np.nan]), st.sampled_from([0.0, 1.0, 2.0, 1.5, np.nan])),
                max_size=40), st.sampled_from([1, 3, 32768]))
def test_a_rule_lists_blocks_decide_each_row_by_its_first_rule_that_holds(rows: list, block: int) -> None:
    rs = _rule_list()
    Z = np.array(rows, dtype=float).reshape(-1, 3)
    reference = [next((i for i, r in enumerate(rs.rules) if all(c.evaluate(z[None])[0] for c in r.conditions)),
                      len(rs.rules)) for z in Z]
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(rules_module, "BLOCK_ROWS", block)
        assert rs.apply_encoded(Z).tolist() == reference


def test_a_rule_lists_apply_encoded_names_rows_of_the_wrong_shape() -> None:
    """a39c06f: the rules' blocks index the rows' columns themselves, so one row given as a 1-D array and rows
    narrower than a literal's feature failed with NumPy's IndexError ('too many indices for array'); before,
    each rule's Rule.evaluate named them, as it names them still."""
    rs = _rule_list()
    with pytest.raises(DataError, match=r"got shape \(3,\) \(one row: z\.reshape\(1, -1\)\)"):
        rs.apply_encoded(np.array([0.75, 0.0, 0.0]))
    with pytest.raises(DataError, match="tests feature 2, but the rows have 2 columns"):
        rs.apply_encoded(np.array([[0.75, 0.0]]))
    assert rs.apply_encoded(np.zeros((0, 3))).tolist() == []
    assert rs.apply_encoded(np.array([[0.75, 0.0, 0.0]])).tolist() == [0]


@pytest.mark.parametrize("how", ["function", "another model's"])
def test_fidelity_scores_a_predict_set_on_the_model_itself(how: str) -> None:
    """bd9881d: fidelity took a tree's predictions from the rows it had encoded for the teacher whenever the
    model's class predicted with Tree.predict, so a predict set on the model itself (m.predict = ...) was passed
    over: fidelity 1.0 where the model's predict agreed with the teacher on 44% of the rows."""
    X = np.random.default_rng(0).uniform(size=(200, 2))

    def teacher(A: np.ndarray) -> np.ndarray:
        return (A[:, 0] > 0.5).astype(int)

    model = sd.distill(teacher, X, max_size=2, random_state=0, progress=False)
    stump = sd.distill(lambda A: (A[:, 1] > 0.5).astype(int), X, max_size=2, random_state=0, progress=False)
    model.predict = (lambda A: np.zeros(len(A), dtype=int)) if how == "function" else stump.predict
    agree = float(np.mean(model.predict(X) == teacher(X)))
    assert agree < 0.6
    assert sd.fidelity(model, teacher, X).value == agree
    assert sd.class_fidelity(model, teacher, X).overall.value == agree


_SYMBOLS = st.sampled_from(["a", "b", "\x00", "\ud800", "\udfff", "\uffff", "\U0001f600", "\U0010ffff"])


@settings(max_examples=60, deadline=None)
@given(st.lists(_SYMBOLS, min_size=1, max_size=4, unique=True), st.data())
def test_an_automaton_reads_words_at_once_as_it_reads_them_one_by_one(alphabet: list[str], data: st.DataObject) -> None:
    k = len(alphabet)
    transitions = data.draw(st.lists(st.lists(st.integers(0, 2), min_size=k, max_size=k), min_size=3, max_size=3))
    dfa = sd.DFA(alphabet, transitions, [True, False, True])
    words = data.draw(st.lists(st.text(alphabet=st.sampled_from(alphabet), max_size=6), max_size=10))
    assert dfa.predict(words).tolist() == [dfa.accepts(w) for w in words]
    stray = data.draw(_SYMBOLS.filter(lambda s: s not in alphabet) | st.just("c"))
    with pytest.raises(ValueError, match=re.escape(f"symbol {stray!r} in word {stray + alphabet[0]!r} is not in the")):
        dfa.predict(words + [stray + alphabet[0]])


def test_an_automaton_over_a_far_symbol_reads_a_few_words_without_a_table_up_to_it() -> None:
    """481bfb1: the words' code points were looked up in a table with an entry for every character up to the
    alphabet's largest, 1,114,112 of them (8.9 MB made and filled) for an alphabet holding U+10FFFF, however
    few the words: one word predicted at a time took 15 times as long as before (354 against 23 us)."""
    import tracemalloc

    dfa = sd.DFA(["a", "\U0010ffff"], [[1, 0], [0, 1]], [True, False])
    tracemalloc.start()
    try:
        answers = dfa.predict(["a", "\U0010ffff", "", "\U0010ffffa"])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert answers.tolist() == [False, True, True, False]
    assert peak < 1_000_000


_TEXTS = st.sampled_from(["red", "", " red", "0", "1", "True", "nan", "\u00e9", "e\u0301", "\U0001f600", "\x00"])


@settings(max_examples=80, deadline=None)
@given(st.lists(_TEXTS | st.sampled_from([0, 1, 2, True, 1.5]), min_size=1, max_size=4)
       .filter(lambda cats: len(set(cats)) == len({str(c) for c in cats}) == len(cats)),  # as a Feature takes them
       st.sampled_from([object, "str", "string", "string[python]", "category"]), st.data())
def test_a_frames_text_column_encodes_as_its_values_one_by_one(categories: list, dtype: object,
                                                               data: st.DataObject) -> None:
    """Domain.encode factorizes a DataFrame's text column (a5c7031): codes and errors must be those of the same
    values read one by one, as an object array's column is."""
    import pandas as pd

    known = st.sampled_from(categories)
    values = data.draw(st.lists(known, min_size=1, max_size=8) | st.lists(
        known | _TEXTS | st.sampled_from([None, np.nan, 0, 1, True, False, 2.5]), max_size=8))
    domain = Domain([Feature("x"), Feature("c", "categorical", categories=categories)])
    try:
        column = pd.Series(values, dtype=dtype)
    except (TypeError, ValueError):  # values this dtype cannot hold
        return
    frame = pd.DataFrame({"x": np.zeros(len(column)), "c": column})

    def outcome(rows: object) -> object:
        try:
            return domain.encode(rows)[:, 1].tolist()
        except DataError as exc:
            return str(exc)

    assert outcome(frame) == outcome(np.column_stack([frame["x"].to_numpy(dtype=object),
                                                      column.to_numpy(dtype=object)]).reshape(-1, 2))


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 24), st.lists(st.tuples(st.sampled_from(["float64", "float32", "frame", "frame32"]),
                                              st.lists(st.integers(0, 15), min_size=1, max_size=12)),
                                    min_size=1, max_size=10))
def test_the_answer_cache_answers_rows_of_every_layout_as_the_teacher_does(size: int, queries: list) -> None:
    """The cache keeps each row layout aside (a99c1d9): asked in turn float64 rows, float32 ones and DataFrames,
    with a size small enough to forget rows, it must answer as the teacher does, hold at most size rows, and
    ask the teacher no row twice within one query."""
    import pandas as pd

    def teacher(A: object) -> np.ndarray:
        a = np.asarray(A, dtype=float)
        kind = 2.0 if isinstance(A, pd.DataFrame) else 0.0
        return a[:, 0] * 3 + a[:, 1] + kind + 0.5 * (np.asarray(A).dtype == np.float32)

    net = sd.as_teacher(teacher, task="regression", cache=True, cache_size=size)
    base = np.arange(32.0).reshape(16, 2) / 4
    for layout, rows in queries:
        A = base[rows].astype(np.float32 if layout.endswith("32") else float)
        Q = pd.DataFrame(A, columns=["a", "b"]) if layout.startswith("frame") else A
        asked = net.n_queries
        assert net.predict(Q).tolist() == teacher(Q).tolist()
        assert len(net._cache) <= size
        assert net.n_queries - asked <= len(set(rows))

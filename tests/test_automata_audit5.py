"""Automata end to end, a fifth look: encoded words and what a user hands the models' code methods."""

from __future__ import annotations

import numpy as np
import pytest

import symdistill as sd

_CONTAINS_ABB = sd.DFA.from_regex(".*abb.*", "ab")
_COUNT3 = sd.MooreMachine("ab", [[1, 0], [2, 1], [0, 2]], ["zero", "one", "two"])


@pytest.mark.parametrize("model", [_CONTAINS_ABB, _COUNT3], ids=["dfa", "moore"])
@pytest.mark.parametrize("code, problem", [
    ((0, -1), r"code -1 .* not a symbol index in 0\.\.1"),
    ((2,), r"code 2 .* not a symbol index in 0\.\.1"),
    ((0.5,), r"code 0\.5 .* not an integer"),
    ((True,), r"code True .* not an integer"),
    (("a",), r"code 'a' .* not an integer"),
])
def test_an_encoded_word_holding_no_symbol_index_is_refused(model, code, problem):
    """predict_codes, run_codes and decode read a word's codes as indices into the alphabet with no
    check: -1 was read as the last symbol ('b') and 0.5 or True as a symbol, so predict_codes([(0, -1)])
    answered silently for a word that is none; 2 was an IndexError about 'axis 1'. A code that is no
    symbol's index is now a ValueError (an integer out of range) or a TypeError naming it, and the word."""
    for method in (model.predict_codes, model.run_codes):
        with pytest.raises((ValueError, TypeError), match=problem):
            method([(0,), code])
        with pytest.raises((ValueError, TypeError), match=problem):
            method([np.array(code)] if not isinstance(code[0], str) else [code])
    with pytest.raises((ValueError, TypeError), match=problem):
        model.decode(code)


@pytest.mark.parametrize("model", [_CONTAINS_ABB, _COUNT3], ids=["dfa", "moore"])
def test_encoded_words_in_every_integer_form_answer_as_their_words(model):
    words = ["", "a", "abb", "babba", "bbbab"]
    codes = [model.encode(w) for w in words]
    expected = model.predict(words)
    forms = [codes, [list(c) for c in codes], [np.array(c, dtype=np.uint8) for c in codes],
             [tuple(np.int64(i) for i in c) for c in codes]]
    for form in forms:
        assert model.predict_codes(form).tolist() == model.predict_codes(codes).tolist()
        assert [model.decode(c) for c in form] == words
    labels = model.classes[model.predict_codes(codes)] if isinstance(model, sd.MooreMachine) \
        else model.predict_codes(codes).astype(bool)
    assert labels.tolist() == expected.tolist()
    assert model.predict_codes(np.array([[0, 1, 1], [1, 1, 1]])).tolist() == \
        model.predict_codes([(0, 1, 1), (1, 1, 1)]).tolist()


def test_an_automaton_built_from_a_table_keeps_its_states_and_minimize_gives_the_canonical_one():
    """The README said every DFA and Moore machine is minimised, so that equal languages give equal
    objects; one built from the user's own table keeps the states given (its step() numbering is the
    user's), so == compares tables, and minimize() is the canonical automaton the README describes."""
    two = sd.DFA("ab", [[1, 1], [0, 0]], [True, True])
    one = sd.DFA.from_regex("(a|b)*", "ab")
    assert two.n_states == 2 and two.step(0, "a") == 1
    assert two != one and two.equivalent(one)
    assert two.minimize() == one
    assert sd.load(two.to_json()) == two


def _contains_abb(words):
    return ["abb" in w for w in words]


@pytest.mark.parametrize("kind", [set, frozenset])
def test_a_set_of_words_is_refused_as_it_has_no_order(kind):
    """A set of words was read in its iteration order, which for strings changes with the hash seed
    from run to run: sd.accuracy(dfa, {'abb', 'a'}, [True, False]) was 1.0 in one process and 0.0 in
    the next, the labels matched to the other word; predict gave its answers in that order too. A set
    (or frozenset) of words is now a TypeError that says to pass a list, as a set alphabet is."""
    words = kind({"abb", "a"})
    teacher = sd.as_sequence_teacher(_contains_abb, alphabet="ab")
    calls = [lambda: _CONTAINS_ABB.predict(words), lambda: _COUNT3.predict(words), lambda: _CONTAINS_ABB.run(words),
             lambda: sd.accuracy(_CONTAINS_ABB, words, [True, False]),
             lambda: sd.fidelity(_CONTAINS_ABB, teacher, words), lambda: teacher.predict(words)]
    for call in calls:
        with pytest.raises(TypeError, match=rf"a {kind.__name__} of words has no order.*list"):
            call()

"""Sequence teachers whose model changed after the teacher was made: the answer cache is checked.

A sequence teacher is cached by default, and nothing asked the network again about a cached word: a
GRU trained more after ``sd.as_sequence_teacher(net, ...)`` and distilled again through the same teacher
gave the old network's automaton, and ``sd.fidelity`` scored against the old network's answers, silently.
"""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest

import symdistill as sd

torch = pytest.importorskip("torch")

FIT = dict(max_states=8, random_state=0, oracle="statistical")
WORDS = ["", "0", "1", "01", "10", "0110", "1011", "0000", "111", "0101010"]


class _Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = torch.nn.Embedding(2, 4)
        self.rnn = torch.nn.GRU(4, 8, batch_first=True)
        self.head = torch.nn.Linear(8, 1)


def _train(net, steps, seed):
    """``steps`` Adam steps towards "ends with 1" on random words of 6 symbols."""
    rng = np.random.default_rng(seed)
    opt = torch.optim.Adam(net.parameters(), lr=0.05)
    for _ in range(steps):
        x = torch.as_tensor(rng.integers(0, 2, size=(64, 6)))
        _, h = net.rnn(net.embedding(x))
        loss = torch.nn.functional.binary_cross_entropy_with_logits(net.head(h[-1])[:, 0], (x[:, -1] == 1).float())
        opt.zero_grad()
        loss.backward()
        opt.step()


def _table(automaton):
    """The automaton's states and transitions as saved, without its meta."""
    return {k: v for k, v in json.loads(automaton.to_json()).items() if k != "meta"}


def _quiet_fit(teacher):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the under-trained network's budget stop
        return sd.distill_automaton(teacher, **FIT)


@pytest.fixture
def retrained():
    """A GRU trained 2 steps, its teacher and the automaton distilled through it, then the GRU trained 100 steps
    more: the teacher's cache holds the first network's answers."""
    torch.manual_seed(0)
    net = _Net()
    _train(net, 2, 0)
    teacher = sd.as_sequence_teacher(net, alphabet="01")
    old = _quiet_fit(teacher)
    _train(net, 100, 1)
    return net, teacher, old


def test_a_gru_trained_after_its_teacher_was_made_distills_to_the_new_networks_automaton(retrained):
    net, teacher, old = retrained
    fresh = _quiet_fit(sd.as_sequence_teacher(net, alphabet="01"))
    assert not fresh.equivalent(old)  # the training changed the language
    with pytest.warns(UserWarning, match=r"torch _Net answers \d+ of \d+ words asked before otherwise than its cache "
                                         r"holds \(word .*\): its model changed since the teacher was made "
                                         r"\(trained more\?\) .*; the cached answers are forgotten"):
        again = sd.distill_automaton(teacher, **FIT)
    assert again.equivalent(fresh)
    assert again.predict(WORDS).tolist() == sd.as_sequence_teacher(net, alphabet="01").predict(WORDS).tolist()
    # the words asked again are words the network answered: counted in meta, as the fresh teacher's fit counts
    assert again.meta["n_queries"] == fresh.meta["n_queries"] + 32


def test_fidelity_of_a_retrained_gru_is_scored_against_its_new_answers(retrained):
    net, teacher, old = retrained
    words = [format(i, "b") for i in range(200)]
    true = sd.fidelity(old, sd.as_sequence_teacher(net, alphabet="01"), words).value
    assert true < 1.0
    with pytest.warns(UserWarning, match="the cached answers are forgotten"):
        got = sd.fidelity(old, teacher, words)
    assert got.value == true


def test_an_unchanged_teacher_keeps_its_cache_and_its_automaton():
    """A fit again through a teacher whose network did not change asks 32 cached words again (counted), keeps the
    cache and learns the same automaton, as a fresh teacher does; no warning."""
    torch.manual_seed(0)
    net = _Net()
    _train(net, 100, 1)
    teacher = sd.as_sequence_teacher(net, alphabet="01")
    first = sd.distill_automaton(teacher, **FIT)
    held, asked, calls = len(teacher._cache), teacher.n_queries, teacher.n_calls
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        again = sd.distill_automaton(teacher, **FIT)
    assert _table(again) == _table(first) and len(teacher._cache) == held
    assert {k: v for k, v in again.meta.items() if k not in ("n_queries", "cache_hits")} == \
        {k: v for k, v in first.meta.items() if k not in ("n_queries", "cache_hits")}
    assert again.meta["n_queries"] == 32 == teacher.n_queries - asked and teacher.n_calls == calls + 1
    assert again.meta["cache_hits"] == first.meta["n_queries"] + first.meta["cache_hits"]


class _Counter(torch.nn.Module):
    """A step module: the state counts the 1s read, the readout accepts where ``weight * count > bias``."""

    def __init__(self, weight, bias):
        super().__init__()
        self.weight = torch.nn.Parameter(torch.tensor([[float(weight)]]))
        self.bias = torch.nn.Parameter(torch.tensor([float(bias)]))

    def initial_state(self, n):
        return torch.zeros(n, 1)

    def step(self, state, tokens):
        return state + tokens[:, None].float()

    def readout(self, state):
        return state @ self.weight - self.bias


def test_a_step_module_given_other_weights_by_load_state_dict_distills_to_its_new_automaton():
    """The step-module kind, its weights replaced in place by a checkpoint (load_state_dict): at least two 1s,
    then at least three."""
    net = _Counter(1.0, 1.5)
    teacher = sd.as_sequence_teacher(net, alphabet="01")
    first = sd.distill_automaton(teacher, random_state=0, oracle="statistical")
    assert first.equivalent(sd.DFA.from_regex("0*10*1[01]*", "01"))
    net.load_state_dict(_Counter(1.0, 2.5).state_dict())
    with pytest.warns(UserWarning, match=r"torch _Counter answers \d+ of 32 words asked before otherwise"):
        again = sd.distill_automaton(teacher, random_state=0, oracle="statistical")
    assert again.equivalent(sd.DFA.from_regex("0*10*10*1[01]*", "01"))


def test_a_callable_that_changed_is_asked_again():
    """The callable kind: a function reading a threshold the user changed after making the teacher (as a function
    calling a network trained since would); sd.fidelity, then a fit again, see its new answers."""
    limit = [2]
    teacher = sd.as_sequence_teacher(lambda ws: [w.count("1") < limit[0] for w in ws], alphabet="01")
    first = sd.distill_automaton(teacher, random_state=0)
    assert first.accepts("1") and not first.accepts("11")
    limit[0] = 3
    with pytest.warns(UserWarning, match=r"callable .*<lambda> answers \d+ of 32 words .*; the cached answers are "
                                         "forgotten"):
        again = sd.distill_automaton(teacher, random_state=0)
    assert again.accepts("11") and not again.accepts("111")
    limit[0] = 2
    words = ["", "1", "11", "011", "101", "111", "0", "00"]
    with pytest.warns(UserWarning, match=r"answers 3 of 8 words asked before otherwise than its cache holds \(word "
                                         r"'11': False, cached True\)"):
        assert sd.fidelity(again, teacher, words).value == 5 / 8


def test_an_automaton_teacher_is_not_asked_again():
    """An automaton's answers cannot change: its cache is not checked, and a fit again asks it nothing."""
    dfa = sd.DFA.from_regex(".*11.*", "01")
    teacher = sd.as_sequence_teacher(dfa)
    sd.distill_automaton(teacher, random_state=0)
    asked = teacher.n_queries
    again = sd.distill_automaton(teacher, random_state=0)
    assert again.meta["n_queries"] == 0 and teacher.n_queries == asked and again.equivalent(dfa)

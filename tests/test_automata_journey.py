"""Automata along the README's user journey: a trained torch sequence classifier, saved the ways users
save one, distilled, exported and evaluated from Python and from the command line."""

from __future__ import annotations

import re

import pytest

import symdistill as sd

torch = pytest.importorskip("torch")


class _SeqNet(torch.nn.Module):
    """embedding / rnn / head, as the README's torch convention reads them (untrained)."""

    def __init__(self) -> None:
        super().__init__()
        torch.manual_seed(0)
        self.embedding = torch.nn.Embedding(2, 4)
        self.rnn = torch.nn.GRU(4, 8, batch_first=True)
        self.head = torch.nn.Linear(8, 1)


def test_a_sequence_teacher_written_by_torch_save_is_named_so(tmp_path, capsys):
    """``torch.save(net, "net.pt")`` (or its state_dict), the usual way to save a network, given to
    ``automaton`` or ``evaluate`` as ``--teacher net.pt`` drew torch's "PytorchStreamReader failed
    locating file constants.pkl ... your checkpoint file is corrupted": the file is fine, it is no
    TorchScript. The error now says it was written by torch.save and what to give instead."""
    from symdistill.cli import main

    net = _SeqNet()
    words = tmp_path / "words.txt"
    words.write_text("\n01\n110\n")
    model = tmp_path / "dfa.json"
    model.write_text(sd.DFA.from_regex("(0|1)*1", "01").to_json())
    for what, obj in (("module", net), ("state_dict", net.state_dict())):
        path = tmp_path / f"{what}.pt"
        torch.save(obj, str(path))
        for argv in (["automaton", "--teacher", str(path), "--alphabet", "0,1", "-o", str(tmp_path / "out.json")],
                     ["evaluate", str(model), "--teacher", str(path), "--data", str(words)]):
            assert main(argv) == 2
            err = capsys.readouterr().err
            assert f"{what}.pt was written by torch.save (a pickled module or state_dict), not torch.jit.save" in err, err
            assert "--teacher module:attribute" in err and "corrupted" not in err, err
            assert len(err.strip().splitlines()) == 1, err
        assert not (tmp_path / "out.json").exists()


def test_a_time_budget_covers_the_held_out_words_of_a_slow_teacher(monkeypatch):
    """A budget stop ranks the hypotheses on n_validation held-out words, which were asked after the
    budget: a teacher of a millisecond a word (a 2-layer LSTM of 512 units takes that on a laptop)
    given time_budget=3 answered the default 10,000 of them for 10 s more, and the fit took 13 s.
    Learning now keeps back the time they take at the teacher's speed, at most half the budget, and
    asks as many as fit where that is too short for them all; the warning and meta say how many."""
    import types

    from symdistill.learners import automata

    clock, calls = [0.0], []

    def fn(words):  # a clock that only the teacher's calls advance: 1 ms a word and 0.1 ms a symbol
        calls.append(clock[0])
        clock[0] += sum(1e-3 + 1e-4 * len(w) for w in words)
        return [w.count("1") % 47 == 0 and w.count("0") % 5 == 0 for w in words]

    monkeypatch.setattr(automata, "time", types.SimpleNamespace(perf_counter=lambda: clock[0]))
    with pytest.warns(UserWarning, match="time_budget") as caught:
        dfa = sd.distill_automaton(fn, alphabet="01", max_states=500, time_budget=3, random_state=0)
    assert 1.0 < calls[-1] and clock[0] <= 3 * 1.05  # learning took time; the fit, held-out words too, kept the budget
    message = str(next(w for w in caught if "held-out" in str(w.message)).message)
    n = int(re.search(r"agreement [0-9.]+ with the teacher on (\d+) held-out words, of n_validation=10000: the "
                      r"teacher would not answer more within the 3 s time_budget\)", message)[1])
    assert dfa.meta["stopped"] == "time_budget" and dfa.meta["validation_words"] == n
    assert 100 <= n < 10000
    # a teacher fast enough is asked all of them, as before
    clock[0] = 0.0

    def fast(words):  # a microsecond a word
        clock[0] += 1e-6 * len(words)
        return [len(w) % 7 == 0 for w in words]

    with pytest.warns(UserWarning, match=r"on 10000 held-out words\)"):
        dfa = sd.distill_automaton(fast, alphabet="01", max_states=3, time_budget=3, random_state=0)
    assert dfa.meta["stopped"] == "max_states" and "validation_words" not in dfa.meta


@pytest.mark.parametrize("kwargs, message", [
    ({"max_state": 3}, r"distill_automaton: unknown option 'max_state'; did you mean 'max_states'\?"),
    ({"time_buget": 3}, r"distill_automaton: unknown option 'time_buget'; did you mean 'time_budget'\?"),
    ({"toke_ids": {"a": 0, "b": 1}}, r"distill_automaton: unknown option 'toke_ids'; did you mean 'token_ids'\?"),
    ({"frobnicate": 1}, r"distill_automaton: unknown option 'frobnicate' \(options: delta, epsilon, lstar_states, "
                        r"max_length, max_refinements, max_states, .*; and the torch teacher's: batch_size, cache, cache_size, classes, device, "
                        r"token_ids\)$"),
])
def test_a_misspelt_option_of_distill_automaton_is_named_as_its_own(kwargs, message):
    """distill_automaton passes the options it does not take to the teacher, so a misspelt one of its
    own (max_state=3, time_buget=60) was refused by the teacher's adapter: "TorchSequenceTeacher.__init__()
    got an unexpected keyword argument 'max_state'", which names a class the user never met and not
    the option meant. As sd.distill does, the TypeError now names the function, the closest option of
    it or of the teacher, or both lists."""
    with pytest.raises(TypeError, match=message):
        sd.distill_automaton(_SeqNet(), alphabet="ab", random_state=0, **kwargs)


def test_a_misspelt_option_of_a_callable_teacher_is_named():
    with pytest.raises(TypeError, match=r"distill_automaton: unknown option 'per_words'; did you mean 'per_word'\?"):
        sd.distill_automaton(lambda w: len(w) % 2 == 0, alphabet="ab", per_words=True)
    with pytest.raises(TypeError, match=r"as_sequence_teacher: unknown option 'per_words'; did you mean 'per_word'\? "
                                        r"\(the callable teacher's options: batch_size, cache, cache_size, name, "
                                        r"per_word, word_type\)"):
        sd.as_sequence_teacher(lambda w: len(w) % 2 == 0, alphabet="ab", per_words=True)
    assert sd.distill_automaton(lambda w: len(w) % 2 == 0, alphabet="ab", per_word=True, random_state=0).size == 2


def test_a_one_state_automaton_prints_one_state():
    """A network that rejects every word (an untrained one, or one trained on too few positives)
    gives a one-state DFA, whose printout read "DFA: 1 states ... accepting {none}"; and a Moore
    machine answering one label read "1 output labels"."""
    dfa = sd.distill_automaton(lambda ws: [False] * len(ws), alphabet="()", random_state=0)
    assert str(dfa).splitlines()[0] == "DFA: 1 state over alphabet ['(', ')'], start q0, accepting {none}"
    moore = sd.distill_automaton(lambda ws: ["x"] * len(ws), alphabet="()", random_state=0)
    assert str(moore).splitlines()[0] == "MooreMachine: 1 state over alphabet ['(', ')'], start q0, 1 output label"
    assert str(sd.DFA.from_regex("a*", "ab")).startswith("DFA: 2 states over")
    with pytest.warns(UserWarning, match=r"best hypothesis so far \(1 state after minimisation"):
        sd.distill_automaton(lambda ws: [len(w) % 3 == 0 for w in ws], alphabet="ab", max_states=1, random_state=0)
    pytest.importorskip("matplotlib")
    from symdistill.report import draw_model

    assert draw_model(dfa).axes[0].get_title() == "DFA: 1 state over {(, )}"


@pytest.mark.parametrize("path, hint", [
    ("net.pt", "torch.jit.load('net.pt') for a TorchScript step module"),
    ("dfa.json", "sd.load('dfa.json') for a saved automaton"),
    ("gru.onnx", "ONNX models are not sequence teachers"),
])
def test_a_file_name_given_as_a_sequence_teacher_says_to_load_it(path, hint):
    """The command line takes --teacher net.pt (TorchScript) or dfa.json (a saved automaton), and
    sd.distill takes a model's file name; sd.distill_automaton("net.pt", ...) said "cannot use a str
    as a sequence teacher", leaving the user to guess that the file must be loaded first, and how."""
    with pytest.raises(TypeError, match=rf"{path!r} is a file name\b.*{re.escape(hint)}"):
        sd.distill_automaton(path, alphabet="ab")
    with pytest.raises(TypeError, match="cannot use a str as a sequence teacher"):
        sd.as_sequence_teacher("ab", alphabet="ab")


def test_a_class_given_as_a_sequence_teacher_asks_for_an_instance(tmp_path, monkeypatch, capsys):
    """--teacher seqmod:SeqNet names the network's class where its trained instance was meant (seqmod:net).
    A class is callable, so it was called on a list of words, and the user read "callable SeqNet raised
    TypeError: empty(): argument 'size' (position 1) must be tuple of ints, but found element of type
    list"; now the error says it is a class and asks for the trained instance."""
    from symdistill.cli import main

    (tmp_path / "seqmod_journey.py").write_text("import torch\nclass SeqNet(torch.nn.Module):\n    pass\n"
                                                "def f(words):\n    return [True for w in words]\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(TypeError, match=r"^_SeqNet is a class, not a sequence teacher: pass an instance of it \(the "
                                        r"trained network\), not the class$"):
        sd.distill_automaton(_SeqNet, alphabet="01")
    assert main(["automaton", "--teacher", "seqmod_journey:SeqNet", "--alphabet", "0,1", "-o",
                 str(tmp_path / "a.json")]) == 2
    err = capsys.readouterr().err
    assert err == ("symdistill automaton: error: SeqNet is a class, not a sequence teacher: pass an instance of it "
                   "(the trained network), not the class\n"), err


def test_held_out_words_of_a_teacher_of_unknown_speed_are_asked_within_the_budget(monkeypatch):
    """With strategy='hidden', a large network can spend the whole budget before the teacher answers
    a query through it (the metric's gradients took 30 s of a 5 s budget for a 2-layer LSTM of 512
    units), so its speed was unknown and the 10,000 held-out words went in one call, 70 s more.
    A teacher of unknown speed is now asked the first 100 of them, then as many as the time left
    holds at the speed they showed."""
    import types

    from symdistill.learners import automata
    from symdistill.teachers.sequence import TorchSequenceTeacher

    clock = [0.0]
    monkeypatch.setattr(automata, "time", types.SimpleNamespace(perf_counter=lambda: clock[0]))

    def metric(*args, **kwargs):  # the budget spent before any word was asked through it
        clock[0] += 10.0

    answer = TorchSequenceTeacher._label_codes

    def slow(self, codes):  # 1 ms a word
        clock[0] += 1e-3 * len(codes)
        return answer(self, codes)

    monkeypatch.setattr(automata, "behaviour_metric", metric)
    monkeypatch.setattr(TorchSequenceTeacher, "_label_codes", slow)
    with pytest.warns(UserWarning, match=r"on 100 held-out words, of n_validation=10000"):
        dfa = sd.distill_automaton(_SeqNet(), alphabet="ab", strategy="hidden", max_states=500, time_budget=5,
                                   random_state=0)
    assert dfa.meta["stopped"] == "time_budget" and dfa.meta["validation_words"] == 100
    assert clock[0] <= 10.0 + 0.1 + 1e-3  # the seed states, then 100 words, not 10,000 (10 s)


def test_the_metric_of_hidden_state_refinement_keeps_the_time_budget(monkeypatch):
    """Hidden-state refinement first measures its metric on the gradients of 2,000 random words,
    whatever the budget: on a 2-layer LSTM of 512 units that took 30 s and more of a 5 s budget.
    Under a budget the gradients are now taken in pieces, for at most a quarter of the time left."""
    import types

    from symdistill.learners import automata
    from symdistill.teachers.sequence import TorchSequenceTeacher

    clock, rows = [0.0], []
    monkeypatch.setattr(automata, "time", types.SimpleNamespace(perf_counter=lambda: clock[0]))
    gradients = TorchSequenceTeacher.margin_gradients

    def slow(self, states, suffixes, lengths):  # 10 ms a word
        clock[0] += 0.01 * len(states)
        rows.append(len(states))
        return gradients(self, states, suffixes, lengths)

    monkeypatch.setattr(TorchSequenceTeacher, "margin_gradients", slow)
    dfa = sd.distill_automaton(_SeqNet(), alphabet="ab", strategy="hidden", max_states=10_000, time_budget=5,
                               random_state=0)
    assert dfa.meta["metric"] == "margin gradients"
    assert 50 <= sum(rows) <= 5 / 4 / 0.01 + 50  # a quarter of the budget, not 2,000 words (20 s)
    assert clock[0] <= 5 + 0.1


def test_fidelity_of_an_automaton_takes_words_as_an_iterator():
    """Words read lazily, (line.rstrip("\\n") for line in open("words.txt")), were read twice by
    sd.fidelity, by the teacher and then by the automaton, which found none left: "cannot compute
    fidelity: 3 reference labels for 0 rows ... give one per row", about input that has one word per
    label. The words are now read once."""
    dfa = sd.DFA.from_regex("(a|b)*b", "ab")
    words = ["ab", "b", "ba"]
    teacher = lambda ws: [w.endswith("b") or w == "ba" for w in ws]  # noqa: E731
    score = sd.fidelity(dfa, teacher, (w for w in words))
    assert str(score) == str(sd.fidelity(dfa, teacher, words)) and score.n == 3 and score.value == pytest.approx(2 / 3)


def test_the_white_box_oracles_first_walk_and_first_query_keep_the_time_budget(monkeypatch):
    """The white-box oracle's initial walk (every word up to 1,024, breadth-first through the network)
    ignored the budget, and the first query through the budget, at a speed not yet known, went in one
    piece: a 2-layer LSTM of 512 units given time_budget=3 took about 4 s. The walk now goes one depth
    further only when the time left holds it, and a teacher of unknown speed is first asked a few words."""
    import types

    from symdistill.learners import automata
    from symdistill.teachers.sequence import TorchSequenceTeacher

    clock = [0.0]
    monkeypatch.setattr(automata, "time", types.SimpleNamespace(perf_counter=lambda: clock[0]))
    advance, answer = TorchSequenceTeacher.advance, TorchSequenceTeacher._label_codes

    def slow_advance(self, states, symbols):  # 5 ms a hidden state: the walk's 1,022 steps take 5.1 s
        clock[0] += 5e-3 * len(symbols)
        return advance(self, states, symbols)

    def slow_answer(self, codes):  # 5 ms a word
        clock[0] += 5e-3 * len(codes)
        return answer(self, codes)

    monkeypatch.setattr(TorchSequenceTeacher, "advance", slow_advance)
    monkeypatch.setattr(TorchSequenceTeacher, "_label_codes", slow_answer)
    with pytest.warns(UserWarning, match="stopped by time_budget"):
        dfa = sd.distill_automaton(_SeqNet(), alphabet="ab", strategy="lstar", time_budget=3, random_state=0)
    assert dfa.meta["stopped"] == "time_budget"
    assert clock[0] <= 3 + 16 * 5e-3 + 1e-6  # at most one smallest piece over, not the 5.1 s walk


def test_a_max_length_too_long_for_hidden_state_refinements_samples_is_refused_up_front(monkeypatch):
    """Hidden-state refinement draws 2,000 random words for its metric and walks of max_length in
    batches of up to 4,096, but the memory check of max_length looked at the statistical oracle's
    first sample and the held-out words only: with n_validation=100 and epsilon=0.5 (8 words) it let
    through a max_length whose walks would not fit. They are now checked up front too, where hidden-
    state refinement may run (the limit is lowered here to 1,000 words of 30 symbols)."""
    from symdistill.learners import automata

    monkeypatch.setattr(automata, "_MAX_SAMPLE_GIB", 1000 * 30 * 8 / 2**30)
    with pytest.raises(ValueError, match=r"^max_length=30 is too long: a batch of hidden-state refinement's random "
                                         r"walks is 4096 random words drawn as a 4096 x 30 matrix of symbols, .* use "
                                         r"max_length <= 7$"):
        sd.distill_automaton(_SeqNet(), alphabet="ab", strategy="hidden", n_validation=100, epsilon=0.5,
                             max_states=10_000, random_state=0)
    # L* alone draws neither
    dfa = sd.distill_automaton(_SeqNet(), alphabet="ab", strategy="lstar", n_validation=100, epsilon=0.5,
                               random_state=0)
    assert dfa.meta["learner"] == "L*"

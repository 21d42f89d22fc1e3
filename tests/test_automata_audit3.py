"""Automata as a user coming from AALpy reads them: query counts, exports and words."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import symdistill as sd


def _counting(counter: list[int]):
    def no_000(words):
        counter[0] += len(words)
        return ["000" not in w for w in words]
    return no_000


def test_meta_counts_the_membership_queries_and_cache_hits():
    """AALpy reports the queries a learning run asked; meta had the equivalence queries ("rounds")
    only, and the words the teacher answered were on the learner (n_queries_), out of reach of
    sd.distill_automaton's user and lost in the saved JSON."""
    asked = [0]
    teacher = sd.as_sequence_teacher(_counting(asked), alphabet="01")
    dfa = sd.distill_automaton(teacher, random_state=0)
    assert dfa.meta["n_queries"] == asked[0] > 0  # every word the callable was given, none twice
    assert dfa.meta["cache_hits"] > 0  # L* asks prefixes and oracle words again: the cache answers them
    assert sd.load(dfa.to_json()).meta == dfa.meta
    again = sd.distill_automaton(teacher, random_state=0)  # the same words, all in the teacher's cache now
    # but for 32 cached words asked again, past the cache (is the function still the one cached?)
    assert again.meta["n_queries"] == 32 and asked[0] == dfa.meta["n_queries"] + 32
    assert again.meta["cache_hits"] == dfa.meta["n_queries"] + dfa.meta["cache_hits"]
    assert again.equivalent(dfa)


def test_the_automaton_command_says_how_many_queries_it_asked(tmp_path, monkeypatch, capsys):
    """`symdistill automaton` printed the states and seconds; `distill` prints its teacher queries too."""
    from symdistill.cli import main

    (tmp_path / "seq_audit3.py").write_text("def no_000(words):\n    return ['000' not in w for w in words]\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    out = tmp_path / "dfa.json"
    assert main(["automaton", "--teacher", "seq_audit3:no_000", "--alphabet", "0,1", "--random-state", "0",
                 "-o", str(out)]) == 0
    meta = sd.load(out).meta
    err = capsys.readouterr().err
    assert (f"{meta['n_queries']} teacher queries ({meta['cache_hits']} more answered by the cache), "
            f"{meta['rounds']} equivalence queries") in err


def test_n_queries_counts_the_words_the_white_box_oracle_labels():
    """The white-box oracle reads the network's label of every word it walks (1,023 words first), but
    n_queries counted only the words asked through the cache: 19 for a Tomita-4 GRU, which had labelled
    over a thousand. Every word the network labels is now counted, so n_queries is the number of
    hidden states its head read."""
    torch = pytest.importorskip("torch")

    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            torch.manual_seed(0)
            self.embedding = torch.nn.Embedding(2, 4)
            self.rnn = torch.nn.GRU(4, 8, batch_first=True)
            self.linear = torch.nn.Linear(8, 1)
            self.read = 0

        def head(self, h):
            self.read += len(h)
            return self.linear(h)

    net = Net()
    dfa = sd.distill_automaton(net, alphabet="01", oracle="whitebox", random_state=0)
    assert dfa.meta["n_queries"] == net.read >= 1023


def _nan_on_c():
    """A GRU whose embedding of token 2 ('c') is NaN: every word holding a 'c' scores NaN."""
    torch = pytest.importorskip("torch")

    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            torch.manual_seed(0)
            self.embedding = torch.nn.Embedding(3, 4)
            with torch.no_grad():
                self.embedding.weight[2] = float("nan")
            self.rnn = torch.nn.GRU(4, 8, batch_first=True)
            self.head = torch.nn.Linear(8, 1)

    class Stepper(Net):  # the same network, read through initial_state / step / readout
        def initial_state(self, n):
            return torch.zeros(n, 8)

        def step(self, state, tokens):
            return self.rnn(self.embedding(tokens)[:, None], state[None])[1][0]

        def readout(self, state):
            return self.head(state)

    return Net(), Stepper()


@pytest.mark.parametrize("style", ["rnn", "step"])
def test_a_torch_teacher_s_non_finite_output_names_the_word(style):
    """A callable's NaN label names its word; a torch network's NaN said 'produced non-finite outputs'
    and no more, leaving the user to hunt for the input that breaks the network."""
    net = _nan_on_c()[style == "step"]
    t = sd.as_sequence_teacher(net, alphabet="abc")
    with pytest.raises(sd.TeacherError, match=r"produced a non-finite output \(nan\) for word 'abc'"):
        t.predict(["a", "ab", "abc", "b"])
    with pytest.raises(sd.TeacherError, match=r"produced a non-finite output \(nan\) for word 'abc'"):
        t.prefix_labels([[0, 1, 2, 0]])  # 'a' and 'ab' are fine: the first prefix to fail is named
    with pytest.raises(sd.TeacherError, match=r"produced a non-finite output \(nan\) for word 'c'"):
        sd.distill_automaton(net, alphabet="abc", random_state=0)
    with pytest.raises(sd.TeacherError, match=r"as a probability \(output='probability'\), which is outside "
                                              r"\[0, 1\] for word 'a': its output column looks like a logit"):
        sd.as_sequence_teacher(_nan_on_c()[0], alphabet="abc", output="probability").predict(["a", "b"])


def test_a_one_word_callable_that_raises_on_a_list_is_told_about_per_word():
    """f(word) given a list of words may return one value (the hint per_word=True was given) or raise,
    and then the error said only "raised AttributeError: 'list' object has no attribute 'endswith'"."""
    with pytest.raises(sd.TeacherError, match=r"raised AttributeError: 'list' object has no attribute 'endswith' "
                                              r"\(asked about a list of 3 words, of which it raises on \[''\] alone; "
                                              r"pass per_word=True if it labels one word\)"):
        sd.distill_automaton(lambda word: word.endswith("1"), alphabet="01", random_state=0)
    dfa = sd.distill_automaton(lambda word: word.endswith("1"), alphabet="01", per_word=True, random_state=0)
    assert dfa.equivalent(sd.DFA.from_regex(".*1", "01"))
    with pytest.raises(sd.TeacherError, match=r"raised ZeroDivisionError: division by zero \(asked about the word "
                                              r"'1'\)$"):  # a one-word callable: the word it failed on
        sd.distill_automaton(lambda word: 1 / 0 if word == "1" else True, alphabet="01", per_word=True)


def test_a_saved_automaton_teacher_brings_its_alphabet_on_the_command_line(tmp_path, monkeypatch, capsys):
    """sd.distill_automaton(dfa) takes the automaton's alphabet, but `symdistill automaton --teacher
    big.json` refused to run without --alphabet, which could only repeat the one the file holds."""
    from symdistill.cli import main

    big, out = tmp_path / "big.json", tmp_path / "dfa.json"
    big.write_text(sd.DFA.from_regex(".*<ab><c>", ["ab", "c"]).to_json())
    assert main(["automaton", "--teacher", str(big), "--random-state", "0", "-o", str(out)]) == 0
    assert sd.load(out).equivalent(sd.load(big)) and sd.load(out).alphabet == ("ab", "c")
    (tmp_path / "seq_audit3b.py").write_text("def odd(words):\n    return [len(w) % 2 == 1 for w in words]\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    capsys.readouterr()
    assert main(["automaton", "--teacher", "seq_audit3b:odd", "-o", str(out)]) == 2
    assert "--alphabet is required: seq_audit3b:odd is a function, not a saved automaton" in capsys.readouterr().err


def test_a_one_hot_network_is_told_how_to_take_token_ids():
    """A network that reads one-hot vectors (no embedding, or an nn.Linear 'embedding') got a TypeError
    listing the convention, or a TeacherError from inside torch ('mat1 and mat2 must have the same dtype,
    but got Long and Float'), with no word of one-hot input; both now say how to write the embedding."""
    torch = pytest.importorskip("torch")

    class NoEmbedding(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.rnn = torch.nn.GRU(3, 8, batch_first=True)
            self.head = torch.nn.Linear(8, 1)

    class LinearEmbedding(NoEmbedding):
        def __init__(self):
            super().__init__()
            self.embedding = torch.nn.Linear(3, 3)

    hint = r"embedding\(self, ids\) returning torch\.nn\.functional\.one_hot\(ids, 3\)\.float\(\)"
    with pytest.raises(TypeError, match=rf"has no attribute 'embedding'\..*one-hot.*{hint}"):
        sd.as_sequence_teacher(NoEmbedding(), alphabet="abc")
    with pytest.raises(TypeError, match=r"LinearEmbedding\.embedding is an nn\.Linear, which reads vectors, not token "
                                        r"ids: .*one-hot.*self\.project\(torch\.nn\.functional\.one_hot\(ids, 3\)\."
                                        r"float\(\)\)"):
        sd.as_sequence_teacher(LinearEmbedding(), alphabet="abc")

    class OneHot(NoEmbedding):  # as the hint says
        def embedding(self, ids):
            return torch.nn.functional.one_hot(ids, 3).float()

    net = OneHot()
    words = ["", "a", "cab", "bbc"]
    logits = [net.head(net.rnn(net.embedding(torch.tensor(["abc".index(s) for s in w]))[None])[1][0, 0])
              if w else net.head(torch.zeros(8)) for w in words]
    assert sd.as_sequence_teacher(net, alphabet="abc").predict(words).tolist() == [x.item() > 0 for x in logits]


def test_a_callable_that_raises_on_one_word_of_a_list_is_told_which():
    """A callable over lists that fails on one word said "(asked about 252 words, e.g. '00')": the first
    word of the list, which it labels fine, and not '0101', on which it fails. The word is now found by
    asking halves of the list again."""
    def breaks_on_0101(words):
        return [1 / 0 if w == "0101" else "000" not in w for w in words]

    with pytest.raises(sd.TeacherError, match=r"raised ZeroDivisionError: division by zero \(asked about a list of "
                                              r"\d+ words, of which it raises on \['0101'\] alone; pass per_word=True"):
        sd.distill_automaton(breaks_on_0101, alphabet="01", random_state=0)

    def breaks_on_many(words):  # no one word breaks it: the list is named as before
        if len(words) > 5:
            raise MemoryError("too many")
        return ["000" not in w for w in words]

    with pytest.raises(sd.TeacherError, match=r"raised MemoryError: too many \(asked about a list of \d+ words, "
                                              r"e\.g\. '00'; pass per_word=True"):
        sd.distill_automaton(breaks_on_many, alphabet="01", random_state=0)


def test_the_hidden_states_of_no_words_have_the_network_s_width():
    """hidden_states([]) was an array of shape (0, 0), which cannot be stacked with other words' (n, D)
    states; it is now (0, D), as predict([]) is (0,)."""
    for net in _nan_on_c():  # embedding / rnn / head, and step methods: hidden width 8
        t = sd.as_sequence_teacher(net, alphabet="ab")
        assert t.hidden_states([]).shape == (0, 8)
        assert np.vstack([t.hidden_states([]), t.hidden_states(["ab"])]).shape == (1, 8)


def test_a_white_box_oracle_that_gives_up_says_so():
    """With oracle="whitebox" alone, an oracle that had used up its max_refinements partition splits
    answered "no counterexample" without exploring further, and learning ended as if it had checked
    the automaton: stopped None, no warning (here 2.7% of random words wrong)."""
    torch = pytest.importorskip("torch")
    from symdistill.learners.automata import AutomatonLearner

    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            torch.manual_seed(2)
            self.embedding = torch.nn.Embedding(2, 4)
            self.rnn = torch.nn.GRU(4, 8, batch_first=True)
            self.head = torch.nn.Linear(8, 1)
            with torch.no_grad():
                for p in self.parameters():
                    p.mul_(3)

    teacher = sd.as_sequence_teacher(Net(), alphabet="01")
    with pytest.warns(UserWarning, match=r"the white-box oracle stopped exploring after max_refinements=3 partition "
                                         r"splits: its last 'no counterexample' is not a full check"):
        learner = AutomatonLearner(oracle="whitebox", max_refinements=3, random_state=0).fit(teacher)
    assert learner.oracles_[0].exhausted and learner.stopped_ is None
    with warnings.catch_warnings(record=True) as caught:  # the statistical oracle checks after it: nothing to say
        warnings.simplefilter("always")
        AutomatonLearner(oracle="both", max_refinements=3, random_state=0).fit(teacher)
    assert not [w for w in caught if "white-box" in str(w.message)]

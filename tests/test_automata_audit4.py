"""Automata end to end, a fourth look: options, loading and the command line as a user writes them."""

from __future__ import annotations

import itertools
import re
import warnings

import pytest

import symdistill as sd


def _parity(words):
    return [w.count("a") % 2 == 0 for w in words]


@pytest.mark.parametrize("option", ["cache", "per_word"])
@pytest.mark.parametrize("value", ["False", "no", 0, None])
def test_a_switch_of_a_sequence_teacher_that_is_no_boolean_is_refused(option, value):
    """cache= and per_word= were read with bool(): "False" (a Python user's spelling on the command line,
    `--option per_word=False`, where JSON reads only false) was True, so the cache stayed on, and a
    callable of word lists was asked one word at a time and failed with "returned [] (list) for word ''"
    (it had been given a word, not a list). sd.as_teacher refuses such a cache= by name; so do these."""
    with pytest.raises(TypeError, match=rf"{option} must be True or False, got {value!r}"):
        sd.as_sequence_teacher(_parity, alphabet="ab", **{option: value})
    with pytest.raises(TypeError, match=rf"{option} must be True or False, got {value!r}"):
        sd.distill_automaton(_parity, alphabet="ab", random_state=0, **{option: value})


def _sigmoid_net(torch, squash: bool):
    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.embedding = torch.nn.Embedding(2, 4)
            self.rnn = torch.nn.GRU(4, 8, batch_first=True)
            self.lin = torch.nn.Linear(8, 1)

        def head(self, h):  # the README's "a head method may end in a sigmoid"
            return torch.sigmoid(self.lin(h)) if squash else self.lin(h)

    torch.manual_seed(0)
    return Net()


def test_a_switch_of_a_torch_sequence_teacher_that_is_no_boolean_is_refused():
    torch = pytest.importorskip("torch")
    with pytest.raises(TypeError, match=r"cache must be True or False, got 'False'"):
        sd.as_sequence_teacher(_sigmoid_net(torch, squash=False), alphabet="ab", cache="False")


def test_a_switch_given_as_false_on_the_command_line_is_refused(tmp_path, monkeypatch, capsys):
    from symdistill.cli import main

    (tmp_path / "seq_audit4.py").write_text("def parity(words):\n    return [w.count('a') % 2 == 0 for w in words]\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    out = tmp_path / "dfa.json"
    assert main(["automaton", "--teacher", "seq_audit4:parity", "--alphabet", "a,b", "-o", str(out),
                 "--option", "per_word=False"]) == 2
    assert "per_word must be True or False, got 'False'" in capsys.readouterr().err
    assert not out.exists()
    assert main(["automaton", "--teacher", "seq_audit4:parity", "--alphabet", "a,b", "-o", str(out),
                 "--option", "per_word=false", "--option", "cache=false"]) == 0
    assert sd.load(out).equivalent(sd.DFA.from_regex("(b|ab*a)*", "ab"))


@pytest.mark.parametrize("text", ["", "  \n", b"", "\ufeff"])
def test_an_empty_model_text_is_named_empty(text):
    """sd.load(open("dfa.json").read()) of a file left empty (a run stopped before writing it) said
    "'' is a folder, not a model file": the empty text was taken for a path, the current folder's."""
    with pytest.raises(sd.ModelFormatError, match=r"^the model text is empty: no JSON to read \(to_json\(\) writes it\)$"):
        sd.load(text)


def test_an_empty_model_file_is_named_empty(tmp_path):
    """A path to an empty file said "model is not valid JSON: Expecting value: line 1 column 1 (char 0)"
    (the command line said it was empty)."""
    path = tmp_path / "dfa.json"
    path.write_text("\n")
    with pytest.raises(sd.ModelFormatError, match=r"^model file .* is empty: no JSON to read"):
        sd.load(path)
    with pytest.raises(sd.ModelFormatError, match=r"^model file .* is empty: no JSON to read"):
        sd.load(str(path))


def test_a_teacher_object_that_has_an_alphabet_brings_it_on_the_command_line(tmp_path, monkeypatch, capsys):
    """`--teacher mod:teacher`, a teacher made by sd.as_sequence_teacher (or an automaton) in the user's
    module, holds its alphabet, as sd.distill_automaton(teacher) takes it; `automaton` refused to run
    without --alphabet, saying the teacher "is not a saved automaton (.json), which brings its own"."""
    from symdistill.cli import main

    (tmp_path / "seq_audit4b.py").write_text(
        "import symdistill as sd\n"
        "def parity(words):\n    return [w.count('a') % 2 == 0 for w in words]\n"
        "teacher = sd.as_sequence_teacher(parity, alphabet=['a', 'b'])\n"
        "dfa = sd.DFA.from_regex('.*<ab><c>', ['ab', 'c'])\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    out = tmp_path / "dfa.json"
    assert main(["automaton", "--teacher", "seq_audit4b:teacher", "--random-state", "0", "-o", str(out)]) == 0
    assert sd.load(out).equivalent(sd.DFA.from_regex("(b|ab*a)*", "ab"))
    assert main(["automaton", "--teacher", "seq_audit4b:dfa", "--random-state", "0", "-o", str(out)]) == 0
    assert sd.load(out).alphabet == ("ab", "c") and sd.load(out).equivalent(sd.DFA.from_regex(".*<ab><c>", ["ab", "c"]))
    capsys.readouterr()
    assert main(["automaton", "--teacher", "seq_audit4b:parity", "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "--alphabet is required: seq_audit4b:parity is a function" in err
    assert "list the input symbols, e.g. --alphabet 0,1" in err


def test_one_equivalence_query_is_one_query(tmp_path, monkeypatch, capsys):
    """Parity is learnt in one equivalence query, and `automaton` said "1 equivalence queries"."""
    from symdistill.cli import main

    (tmp_path / "seq_audit4c.py").write_text("def parity(words):\n    return [w.count('a') % 2 == 0 for w in words]\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert main(["automaton", "--teacher", "seq_audit4c:parity", "--alphabet", "a,b", "-o", str(tmp_path / "d.json")]) == 0
    assert sd.load(tmp_path / "d.json").meta["rounds"] == 1
    assert capsys.readouterr().err.rstrip().endswith(", 1 equivalence query")
    with pytest.warns(UserWarning, match=r"stopped by max_states after 1 equivalence query; returning"):
        sd.distill_automaton(lambda ws: ["aaa" in w for w in ws], alphabet="ab", max_states=1, random_state=0)


def test_an_alphabet_of_numpy_strings_is_one_of_strings():
    """An alphabet read off data, np.unique(tokens), holds NumPy strings, and the automaton kept them:
    print(dfa) showed "alphabet [np.str_('a'), np.str_('b')]", and the words it gave back (a shortest
    accepted word, a counterexample) were tuples of np.str_."""
    import numpy as np

    alphabet = np.unique(np.array(["if", "x", "if"]))
    dfa = sd.distill_automaton(lambda ws: [w[-1:] == ("x",) for w in ws], alphabet=alphabet, random_state=0)
    assert all(type(s) is str for s in dfa.alphabet)
    assert "alphabet ['if', 'x']" in str(dfa) and "np.str_" not in repr(dfa)
    assert dfa.shortest_accepted() == ("x",) and all(type(s) is str for s in dfa.shortest_accepted())
    direct = sd.DFA(np.array(["a", "b"]), [[0, 0]], [True])
    assert all(type(s) is str for s in direct.alphabet)
    assert all(type(s) is str for s in sd.as_sequence_teacher(lambda ws: [True] * len(ws), alphabet=alphabet).alphabet)


def test_an_option_for_a_teacher_made_already_names_the_option(tmp_path, monkeypatch, capsys):
    """`--option batch_size=3` for a `--teacher mod:teacher` made by sd.as_sequence_teacher said
    "as_sequence_teacher got options for an object that is already a SequenceTeacher": neither the flag
    nor the option the user gave."""
    from symdistill.cli import main

    (tmp_path / "seq_audit4d.py").write_text(
        "import symdistill as sd\n"
        "teacher = sd.as_sequence_teacher(lambda ws: [len(w) % 2 == 0 for w in ws], alphabet=['a', 'b'])\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    model = tmp_path / "dfa.json"
    sd.DFA.from_regex("((a|b)(a|b))*", "ab").to_json(model)
    words = tmp_path / "words.txt"
    words.write_text("ab\na\n")
    for argv in (["automaton", "--teacher", "seq_audit4d:teacher", "-o", str(tmp_path / "out.json")],
                 ["evaluate", str(model), "--teacher", "seq_audit4d:teacher", "--data", str(words)]):
        assert main([*argv, "--option", "batch_size=3"]) == 2
        err = capsys.readouterr().err
        assert ("--option batch_size=...: seq_audit4d:teacher is a sequence teacher made already (a "
                "CallableSequenceTeacher), whose options are given where it is made") in err


def test_a_probability_read_as_a_logit_is_warned_of():
    """A network trained with BCELoss ends in a sigmoid, and the README says a head may: read with the
    default output='logit', its every output (all in (0, 1)) is above 0, so every word was accepted and
    sd.distill_automaton returned the one-state automaton accepting everything, with no word of why."""
    torch = pytest.importorskip("torch")
    net = _sigmoid_net(torch, squash=True)
    with pytest.warns(UserWarning, match=r"every output of torch Net's one output column lay in \[0, 1\] \(from "
                                         r"0\.\d+ to 0\.\d+ on \d+ words\), as a probability's does, but it is read "
                                         r"as a logit \(output='logit', the default\), which accepts wherever it is "
                                         r"above 0: if the network ends in a sigmoid, give "
                                         r"sd\.as_sequence_teacher\(module, alphabet, output='probability'\) \(on the "
                                         r"command line, --teacher-output probability\)"):
        dfa = sd.distill_automaton(net, alphabet="ab", random_state=0)
    assert dfa.size == 1 and dfa.accepts("")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        sd.distill_automaton(sd.as_sequence_teacher(net, "ab", output="probability"), oracle="statistical",
                             random_state=0)
        sd.distill_automaton(_sigmoid_net(torch, squash=False), alphabet="ab", random_state=0, max_states=5,
                              n_validation=100)
    assert not [w for w in caught if "output column" in str(w.message)]
    words = ["".join(w) for n in range(8) for w in itertools.product("ab", repeat=n)]  # 255 words
    with pytest.warns(UserWarning, match=r"every output of torch Net's one output column lay in \[0, 1\]"):
        sd.fidelity(dfa, net, words)  # a user scoring the automaton against the network itself is told so too


def test_a_token_id_given_for_a_symbol_says_symbols_are_strings():
    """A token matrix of ids, np.array([[0, 1]]), given to an automaton over "01" said "symbol 0 in word
    [0, 1] is not in the alphabet ['0', '1']": a 0 beside a '0' the reader has to tell apart."""
    import numpy as np

    dfa = sd.DFA.from_regex("(0|1)*1", "01")
    with pytest.raises(ValueError, match=r"^symbol 0 in word \[0, 1\] is not in the alphabet \['0', '1'\]: symbols are "
                                         r"strings; write '0'$"):
        dfa.predict(np.array([[0, 1]]))
    with pytest.raises(ValueError, match=r"^symbol 2 in word \(2,\) is not in the alphabet \['0', '1'\]$"):
        dfa.accepts((2,))


def test_a_model_file_is_named_whole(tmp_path):
    """Errors naming a model file cut its name to 60 characters, from the end: a project's path
    lost the file's own name ("no such model file: '/home/alice/projects/seqmodels/experiments/2026-11-30/df...")."""
    path = "/home/alice/projects/seqmodels/experiments/2026-11-30/dfa_tomita3.json"
    with pytest.raises(sd.ModelFormatError, match=rf"^no such model file: '{path}' \(expected JSON text or a path\)$"):
        sd.load(path)
    empty = tmp_path / ("nested-folder-" * 4) / "dfa_tomita3.json"
    empty.parent.mkdir()
    empty.write_text("")
    with pytest.raises(sd.ModelFormatError, match=rf"^model file '{re.escape(str(empty))}' is empty"):
        sd.load(empty)
    with pytest.raises(sd.ModelFormatError, match=r"^no such model file: 'xxxx.*x\.\.\.x.*xxx' \(expected JSON text"):
        sd.load("x" * 5000)  # text that names no file is still cut, keeping both ends


def test_a_symbol_given_the_padding_token_is_refused():
    """A network trained on padded batches keeps token 0 for padding (nn.Embedding(..., padding_idx=0)),
    its real symbols from 1. Read with the default ids, 'a' was fed the padding vector (zeros, never
    trained) and 'b' the vector the network learnt for 'a': every answer was of another word, and the
    automaton was silently wrong."""
    torch = pytest.importorskip("torch")

    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.embedding = torch.nn.Embedding(3, 4, padding_idx=0)
            self.rnn = torch.nn.GRU(4, 8, batch_first=True)
            self.head = torch.nn.Linear(8, 1)

    torch.manual_seed(0)
    net = Net()
    with pytest.raises(ValueError, match=r"symbol 'a' is token id 0, which Net\.embedding keeps for padding "
                                         r"\(padding_idx=0\): its vector is zeros, never trained; give the ids the "
                                         r"network was trained with, token_ids=\{symbol: id\}"):
        sd.as_sequence_teacher(net, alphabet="ab")
    with pytest.raises(ValueError, match=r"symbol 'a' is token id 0, which Net\.embedding keeps for padding"):
        sd.distill_automaton(net, alphabet="ab", random_state=0)
    teacher = sd.as_sequence_teacher(net, alphabet="ab", token_ids={"a": 1, "b": 2})
    expected = net.head(net.rnn(net.embedding(torch.tensor([[1, 2, 2]])))[0][:, -1])[:, 0] > 0
    assert teacher.predict(["abb"]).tolist() == expected.tolist()


def test_a_layer_forward_applies_besides_embedding_rnn_and_head_is_warned_of():
    """symdistill reads a word as head(rnn(embedding(tokens))), not through forward: a LayerNorm that forward
    applies after the rnn was left out and the automaton learnt from another function, with nothing said.
    A submodule besides the three is now warned of (a Dropout, a no-op in eval mode, is not; nor is any
    where embedding or head is a method, which may apply it)."""
    torch = pytest.importorskip("torch")

    class Net(torch.nn.Module):
        def __init__(self, extra):
            super().__init__()
            self.embedding, self.rnn = torch.nn.Embedding(2, 4), torch.nn.GRU(4, 8, batch_first=True)
            self.head, self.extra = torch.nn.Linear(8, 1), extra

        def forward(self, x):
            out, _ = self.rnn(self.embedding(x))
            return self.head(self.extra(out[:, -1]))

    class Method(Net):
        def head(self, h):  # applies the extra layer itself
            return self._modules["out"](self.extra(h))

        def __init__(self, extra):
            super().__init__(extra)
            del self.head
            self.out = torch.nn.Linear(8, 1)

    torch.manual_seed(0)
    with pytest.warns(UserWarning, match=r"Net has submodules extra \(LayerNorm\) besides embedding, rnn and head"):
        sd.as_sequence_teacher(Net(torch.nn.LayerNorm(8)), alphabet="ab")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sd.as_sequence_teacher(Net(torch.nn.Dropout(0.1)), alphabet="ab")
        sd.as_sequence_teacher(Method(torch.nn.LayerNorm(8)), alphabet="ab")

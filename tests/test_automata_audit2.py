"""Automata, as a demanding user drives them: torch teachers, callables, exports and the CLI."""

from __future__ import annotations

import numpy as np
import pytest

import symdistill as sd

torch = pytest.importorskip("torch")


class _Net(torch.nn.Module):
    """embedding / rnn / head, ``n_out`` output columns (untrained: the tests need its shape only)."""

    def __init__(self, n_out: int, n_tokens: int = 2, hidden: int = 8) -> None:
        super().__init__()
        torch.manual_seed(0)
        self.embedding = torch.nn.Embedding(n_tokens, 4)
        self.rnn = torch.nn.GRU(4, hidden, batch_first=True)
        self.head = torch.nn.Linear(hidden, n_out)


@pytest.mark.parametrize("classes, repeated", [(["x", "x"], "'x'"), ([1, True], "True"), ([0, 0.0, "z"], "0.0")])
def test_repeated_classes_of_a_torch_teacher_are_refused(classes, repeated):
    """classes=["x", "x"] named two output columns alike: both were read as the label 'x', and the
    automaton came out as one state answering 'x' everywhere, with no word of the mistake."""
    net = _Net(len(classes)).eval()
    with pytest.raises(ValueError, match=rf"classes has repeated labels: \[{repeated}\]"):
        sd.as_sequence_teacher(net, alphabet="ab", classes=classes)


def test_evaluate_takes_the_teacher_options_automaton_took(tmp_path, monkeypatch, capsys):
    """`automaton --option per_word=true` (or classes=[...], token_ids={...}) built the teacher one way,
    and `evaluate` had no --option: it called the per-word teacher on a list of words (a TeacherError),
    and read a torch teacher's columns as 0, 1, 2 instead of the labels the Moore machine outputs, so
    its fidelity printed 0.0000. evaluate now takes the teacher's options as automaton does."""
    from symdistill.cli import main

    (tmp_path / "seq_audit2.py").write_text(
        "import torch\n"
        "def one(word):\n    return word.count('1') % 3 == 0\n"
        "torch.manual_seed(0)\n"
        "class Net(torch.nn.Module):\n"
        "    def __init__(self):\n"
        "        super().__init__()\n"
        "        self.embedding = torch.nn.Embedding(2, 4)\n"
        "        self.rnn = torch.nn.GRU(4, 8, batch_first=True)\n"
        "        self.head = torch.nn.Linear(8, 3)\n"
        "net = Net().eval()\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    words = tmp_path / "words.txt"
    words.write_text("\n1\n0110\n111\n10101\n")
    out = str(tmp_path / "m.json")
    for teacher, option in (("seq_audit2:one", "per_word=true"), ("seq_audit2:net", 'classes=["lo","mid","hi"]')):
        assert main(["automaton", "--teacher", teacher, "--alphabet", "0,1", "--option", option, "--max-states", "5",
                     "--random-state", "0", "-o", out]) == 0
        capsys.readouterr()
        assert main(["evaluate", out, "--teacher", teacher, "--option", option, "--data", str(words)]) == 0
        assert "fidelity 1.0000" in capsys.readouterr().out
    # learner options are the automaton command's, and a tabular model's teacher takes none
    assert main(["evaluate", out, "--teacher", "seq_audit2:net", "--option", "max_states=3", "--data", str(words)]) == 2
    assert "--option max_states=...: an option of the learner (symdistill automaton)" in capsys.readouterr().err
    X = np.random.default_rng(0).uniform(size=(50, 2))
    sd.distill(lambda Z: (Z[:, 0] > 0.5).astype(int), X, max_size=2).to_json(tmp_path / "tree.json")
    (tmp_path / "rows.csv").write_text("x0,x1\n0.2,0.3\n0.7,0.1\n")
    assert main(["evaluate", str(tmp_path / "tree.json"), "--teacher", "seq_audit2:one", "--option", "per_word=true",
                 "--data", str(tmp_path / "rows.csv")]) == 2
    assert "--option applies to automata" in capsys.readouterr().err


class _Counter(torch.nn.Module):
    """initial_state / step / readout: the state counts 1s; readout is the logit ``count - 1.5``."""

    def initial_state(self, n):
        return torch.zeros(n, 1)

    def step(self, state, tokens):
        return state + tokens[:, None].float()

    def readout(self, state):
        return state - 1.5


def test_a_logit_read_as_a_probability_is_refused():
    """output="probability" on a module whose column is a logit (values -1.5, 0.5, 1.5, ...) was read
    silently, accepting above 0.5 instead of above 0: the automaton learned "at least three 1s" for
    a network that says "at least two". A probability outside [0, 1] is now a TeacherError, as it is
    for tabular teachers, naming the way out."""
    logits = sd.as_sequence_teacher(_Counter(), alphabet="01")
    assert sd.distill_automaton(logits, random_state=0).equivalent(sd.DFA.from_regex("0*10*1(0|1)*", "01"))
    teacher = sd.as_sequence_teacher(_Counter(), alphabet="01", output="probability")
    with pytest.raises(sd.TeacherError, match=r"returned -1\.5 as a probability \(output='probability'\), "
                                              r"which is outside \[0, 1\].*a logit"):
        sd.distill_automaton(teacher, random_state=0)


def test_a_score_formats_as_its_value():
    """f"{sd.fidelity(dfa, teacher, words):.3f}" raised "unsupported format string passed to
    Score.__format__": a format spec now formats the value (no spec: the printout, as str)."""
    dfa = sd.DFA.from_regex(".*1", "01")
    score = sd.fidelity(dfa, lambda ws: [w.endswith("1") and len(w) < 4 for w in ws], ["1", "01", "0001", "0"])
    assert f"{score:.3f}" == "0.750" and f"{score:.1%}" == "75.0%"
    assert f"{score}" == str(score) == "fidelity 0.7500 [0.3006, 0.9544] (n=4)"


class _ProbabilityNet(torch.nn.Module):
    """embedding and rnn submodules, and a ``head`` *method* (a sigmoid over a linear layer)."""

    def __init__(self) -> None:
        super().__init__()
        torch.manual_seed(3)
        self.embedding = torch.nn.Embedding(2, 4)
        self.rnn = torch.nn.GRU(4, 8, batch_first=True)
        self.linear = torch.nn.Linear(8, 1)

    def head(self, hidden):
        return torch.sigmoid(self.linear(hidden))


def test_a_head_method_is_a_head():
    """A module whose head is a method (here the sigmoid a probability needs) was refused with "it has
    no submodule 'head'", though it has one and the README asks for attributes; embedding and head
    may now be methods as well as submodules (rnn stays an nn.RNN / nn.GRU / nn.LSTM)."""
    net = _ProbabilityNet().eval()
    teacher = sd.as_sequence_teacher(net, alphabet="01", output="probability")
    words = ["", "0", "1", "0110", "111000111", "10" * 12]
    expected = [bool(net.head(net.rnn(net.embedding(torch.tensor([[int(c) for c in w]])))[1][-1]).item() > 0.5)
                if w else bool(net.head(torch.zeros(1, 8)).item() > 0.5) for w in words]
    assert teacher.predict(words).tolist() == expected
    dfa = sd.distill_automaton(teacher, max_states=8, random_state=0)
    assert dfa.predict(words).tolist() == expected
    net.head = "not callable"
    with pytest.raises(TypeError, match=r"_ProbabilityNet\.head is a str, not callable"):
        sd.as_sequence_teacher(net, alphabet="01")


def test_a_json_line_of_a_word_file_over_one_character_symbols(tmp_path, capsys):
    """The README says a line starting with '[' is a JSON list of symbols, which writes any word, but over
    an alphabet of one-character symbols ["0", "1"] was refused ("symbol '[' is not in the alphabet").
    It is now read as JSON there too, unless '[' is itself a symbol (then the line is its symbols)."""
    from symdistill.cli import main, read_word_lines

    dfa = sd.DFA.from_regex(".*1", "01")
    dfa.to_json(tmp_path / "dfa.json")
    words = tmp_path / "words.txt"
    words.write_text('["0", "1"]\n[]\n01\n["1", "0"]\n')
    assert [w for _, w in read_word_lines(str(words), dfa.alphabet)] == [("0", "1"), (), "01", ("1", "0")]
    assert main(["predict", str(tmp_path / "dfa.json"), "--data", str(words)]) == 0
    assert capsys.readouterr().out.splitlines() == ["word,prediction", '"[""0"", ""1""]",True', "[],False", "01,True",
                                                   '"[""1"", ""0""]",False']
    brackets = sd.DFA.from_regex(r"\[.*", "[]")  # '[' a symbol: a line is its symbols written together
    words.write_text("[]\n][\n")
    assert [w for _, w in read_word_lines(str(words), brackets.alphabet)] == ["[]", "]["]


def test_an_automaton_drawing_names_each_symbol():
    """The report's automaton drawing joined the raw symbols with commas: over the alphabet 'a,b', ' ',
    '[x' an edge read "a,b, ,[x" (four symbols? three?) and the title "{a,b,  , [x}", where show and
    to_dot write 'a,b',' ',[x. The drawing now writes symbols as they do."""
    pytest.importorskip("matplotlib")
    from symdistill.report import draw_model

    dfa = sd.DFA(["a,b", " ", "[x", "$y"], [[1, 1, 1, 1], [0, 0, 0, 0]], [True, False])
    fig = draw_model(dfa)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert texts.count(r"'a,b',' ',[x,\$y") == 2  # both edges, all four symbols ($ kept from mathtext)
    assert fig.axes[0].get_title() == r"DFA: 2 states over {'a,b', ' ', [x, \$y}"


def test_fidelity_to_a_teacher_answering_in_other_labels_is_refused(tmp_path, capsys):
    """A DFA scored against a teacher answering 'lo' / 'hi' (or a Moore machine against one answering
    0 / 1 / 2 where it says 'r0' / 'r1' / 'r2') scored 0.0000 on every word, whatever the automaton,
    with no word that the labels could not match; accuracy already refused true labels none of which
    is a class. fidelity now refuses so too, naming both sets of labels."""
    from symdistill.cli import main

    dfa = sd.DFA.from_regex(".*1", "01")
    words = ["", "1", "10", "0111"]
    with pytest.raises(sd.DataError, match=r"none of the teacher's labels \('lo', 'hi', \.\.\.\) is one of the model's "
                                           r"classes \[False, True\]"):
        sd.fidelity(dfa, lambda ws: ["hi" if w.endswith("1") else "lo" for w in ws], words)
    moore = sd.MooreMachine("ab", [[1, 0], [2, 1], [0, 2]], ["r0", "r1", "r2"])
    with pytest.raises(sd.DataError, match=r"teacher's labels \(0, 1, \.\.\.\)"):
        sd.fidelity(moore, lambda ws: [w.count("a") % 3 for w in ws], ["", "a", "b"])
    # a teacher that shares a label is scored, even at 0: the automaton may be that wrong
    assert sd.fidelity(dfa, lambda ws: [not w.endswith("1") for w in ws], words).value == 0.0
    dfa.to_json(tmp_path / "dfa.json")
    (tmp_path / "words.txt").write_text("\n".join(words) + "\n")
    (tmp_path / "seq_labels_audit2.py").write_text("def f(words):\n    return ['hi' for w in words]\n")
    import sys
    sys.path.insert(0, str(tmp_path))
    try:
        assert main(["evaluate", str(tmp_path / "dfa.json"), "--teacher", "seq_labels_audit2:f",
                     "--data", str(tmp_path / "words.txt")]) == 2
    finally:
        sys.path.remove(str(tmp_path))
    err = capsys.readouterr().err
    assert "none of the teacher's labels ('hi', ...)" in err and err.count("\n") == 1


def test_a_saved_automaton_exports_to_dot(tmp_path, capsys):
    """DOT came only from dfa.to_dot() in Python or from `automaton --dot` while learning: a saved
    dfa.json could not be drawn from the command line (`export --to dot`: invalid choice). DOT is now an
    export target of automata, the text to_dot() gives; other models are refused, naming what draws them."""
    import shutil
    import subprocess

    from symdistill.cli import main

    moore = sd.MooreMachine(["a,b", " "], [[1, 0], [1, 1]], ["x", "it's"])
    assert sd.export(moore, "dot") == moore.to_dot() + "\n"
    moore.to_json(tmp_path / "moore.json")
    assert main(["export", str(tmp_path / "moore.json"), "--to", "dot", "-o", str(tmp_path / "moore.dot")]) == 0
    assert (tmp_path / "moore.dot").read_text(encoding="utf-8") == moore.to_dot() + "\n"
    if shutil.which("dot"):
        assert subprocess.run(["dot", "-Tsvg", str(tmp_path / "moore.dot")], capture_output=True).returncode == 0
    X = np.random.default_rng(0).uniform(size=(50, 2))
    tree = sd.distill(lambda Z: (Z[:, 0] > 0.5).astype(int), X, max_size=2)
    with pytest.raises(ValueError, match="a tree model cannot be exported to DOT; DOT draws automata"):
        sd.export(tree, "dot")
    capsys.readouterr()
    tree.to_json(tmp_path / "tree.json")
    assert main(["export", str(tmp_path / "tree.json"), "--to", "dot"]) == 2
    assert "a tree model cannot be exported to DOT" in capsys.readouterr().err


def test_a_saved_automaton_is_a_teacher_on_the_command_line(tmp_path, capsys):
    """sd.distill_automaton and sd.fidelity take an automaton as the teacher, but the command line refused
    one ("cannot load teacher 'big.json': expected a .onnx, .pt (TorchScript) or .joblib file"): a saved
    automaton could be neither scored against another (evaluate) nor re-learnt smaller (automaton)."""
    from symdistill.cli import main

    big = sd.DFA.from_regex(".*1(0|1)(0|1)", "01")  # the third symbol from the end is 1: 8 states
    small = sd.DFA.from_regex(".*1(0|1)", "01")
    big.to_json(tmp_path / "big.json")
    small.to_json(tmp_path / "small.json")
    (tmp_path / "words.txt").write_text("100\n101\n010\n0\n")
    assert main(["evaluate", str(tmp_path / "small.json"), "--teacher", str(tmp_path / "big.json"),
                 "--data", str(tmp_path / "words.txt")]) == 0
    assert "fidelity 0.2500" in capsys.readouterr().out  # only 0 is labelled alike (rejected by both)
    out = tmp_path / "again.json"
    assert main(["automaton", "--teacher", str(tmp_path / "big.json"), "--alphabet", "0,1", "--random-state", "0",
                 "-o", str(out)]) == 0
    assert sd.load(out).equivalent(big)
    X = np.random.default_rng(0).uniform(size=(50, 2))
    sd.distill(lambda Z: (Z[:, 0] > 0.5).astype(int), X, max_size=2).to_json(tmp_path / "tree.json")
    capsys.readouterr()
    assert main(["evaluate", str(tmp_path / "small.json"), "--teacher", str(tmp_path / "tree.json"),
                 "--data", str(tmp_path / "words.txt")]) == 2
    assert "holds a tree model, and a sequence teacher saved as JSON is an automaton" in capsys.readouterr().err
    assert main(["automaton", "--teacher", str(tmp_path / "big.json"), "--alphabet", "0,1",
                 "-o", str(tmp_path / "big.json")]) == 2
    assert "is the same file as --teacher" in capsys.readouterr().err


def test_a_per_word_teacher_may_answer_a_zero_dimensional_array():
    """With per_word=True a 0-d tensor was taken as its label, but a 0-d NumPy array (np.array(True),
    np.asarray of a label) was refused with "returned array(False) (ndarray) ...; expected a label"."""
    for answer in (lambda w: np.array("1" in w), lambda w: np.asarray(w.count("1") % 2 == 1)):
        dfa = sd.distill_automaton(answer, alphabet="01", per_word=True, random_state=0)
        assert dfa.predict(["", "1", "01", "11"]).tolist() == [bool(answer(w)) for w in ["", "1", "01", "11"]]
    with pytest.raises(sd.TeacherError, match=r"returned array\(\[False\]\) \(ndarray\) for word ''"):
        sd.distill_automaton(lambda w: np.array(["1" in w]), alphabet="01", per_word=True)  # one label a word
    # a list of such labels, one a word, likewise
    dfa = sd.distill_automaton(lambda ws: [np.array("1" in w) for w in ws], alphabet="01", random_state=0)
    assert dfa.equivalent(sd.DFA.from_regex(".*1.*", "01"))
    dfa = sd.distill_automaton(lambda ws: [torch.tensor("1" in w) for w in ws], alphabet="01", random_state=0)
    assert dfa.equivalent(sd.DFA.from_regex(".*1.*", "01"))


@pytest.mark.parametrize("word", [None, 5, b"01", {"0", "1"}, {"0": 1}])
def test_the_exported_python_module_refuses_what_is_no_word(tmp_path, word):
    """The exported module read bytes b"01" as the symbols 48 and 49 ("symbol 48 is not in the alphabet",
    a ValueError about a symbol), iterated a set or a dict's keys, and let None or 5 fail with Python's
    "'NoneType' object is not iterable"; the model's predict refuses them all as no word. The module now
    raises a TypeError saying what a word is, as the model does."""
    import types

    dfa = sd.DFA.from_regex(".*1", "01")
    module = types.ModuleType("dfa_audit2")
    exec(sd.export(dfa, "python"), module.__dict__)
    with pytest.raises(TypeError, match="a word must be a string or a sequence of symbols"):
        module.predict(word)
    with pytest.raises(TypeError, match="a word must be a string or a tuple of symbols"):
        dfa.predict([word])
    assert module.predict(np.array(["0", "1"])) is module.accepts(("0", "1")) is True  # sequences stay words


@pytest.mark.parametrize("words, what", [
    (["01", "1", "110"], "a 1-D list of 3 strings"),
    (("01", "1"), "a 1-D tuple of 2 strings"),
    (np.array(["01", "1", "110"]), "a 1-D array of 3 strings"),
    ([[0, 1], [1], [1, 1, 0]], "a list of 3 sequences of different lengths"),
    ([["a", "b"], ["c"]], "a list of 2 sequences of different lengths"),
])
def test_distill_given_words_points_to_distill_automaton(words, what):
    """sd.distill(f, ["01", "1", "110"]) said 'expected 2-D data (rows x features) ... X.reshape(-1, 1)',
    and a list of words as sequences 'cannot read the data as a 2-D array: ... inhomogeneous shape',
    with no word of the automaton entry point; a sequence teacher's words are now named as such."""
    with pytest.raises(sd.DataError, match=rf"distill reads rows of features \(2-D data\), got {what}: words for a "
                                           r"sequence teacher are learnt by sd\.distill_automaton\(teacher, "):
        sd.distill(lambda ws: [len(w) % 2 == 0 for w in ws], words)


def test_distill_of_rows_that_are_no_words_is_unchanged():
    # a table of strings, one-value rows and equal-length rows are rows as before
    rows = [["a", "x"], ["b", "y"], ["a", "y"], ["b", "x"]] * 10
    tree = sd.distill(lambda X: (np.asarray(X)[:, 0] == "a").astype(int), rows, max_size=2, random_state=0,
                      categorical=[0, 1])
    assert tree.predict([["a", "y"], ["b", "y"]]).tolist() == [1, 0]
    with pytest.raises(sd.DataError, match="expected 2-D data"):
        sd.distill(lambda X: X[:, 0] > 0, np.arange(5.0))

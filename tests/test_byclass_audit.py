"""Fidelity class by class: ``sd.class_fidelity`` and ``symdistill evaluate --by-class``.

``sd.fidelity`` gave one number: a user of a 26-class teacher (letters, 0.71) could not see which classes the
symbolic model gets wrong without building a report. The cases here are hand-made (a rule set and a callable
teacher over x = 0..9), so every count is known.
"""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

import symdistill as sd
from symdistill._errors import DataError, TeacherError
from symdistill.cli import main
from symdistill.domain import Domain, Feature
from symdistill.models import RuleSet
from symdistill.models.rules import Condition, Rule

X = np.arange(10, dtype=float).reshape(-1, 1)  # x = 0, 1, ..., 9


def rules(classes=("a", "b", "c"), extra: bool = False) -> RuleSet:
    """IF x <= 3 THEN a ELSE IF x <= 6 THEN b ELSE c (``extra``: first IF x > 100 THEN d, which no row meets)."""
    dom = Domain((Feature("x", "numeric", 0.0, 9.0),))
    first = [Rule((Condition(0, ">", 100.0),), 3)] if extra else []
    return RuleSet(dom, "classification", np.array(classes), first + [Rule((Condition(0, "<=", 3.0),), 0),
                                                                      Rule((Condition(0, "<=", 6.0),), 1)],
                   Rule((), 2))


def teacher(X):
    """a below 2, b below 7, else c: rows 2 and 3 are the teacher's b, the rules' a."""
    x = np.asarray(X, dtype=float)[:, 0]
    return np.where(x < 2, "a", np.where(x < 7, "b", "c"))


def teacher_with_e(X):
    """As ``teacher``, but 'e' (no class of the rules) at x = 9."""
    return np.where(np.asarray(X, dtype=float)[:, 0] == 9, "e", teacher(X))


def test_counts_recall_precision_and_intervals_of_a_hand_made_case():
    result = sd.class_fidelity(rules(), teacher, X)
    assert result.labels == ["a", "b", "c"]
    assert result.confusion.tolist() == [[2, 0, 0], [2, 3, 0], [0, 0, 3]]  # rows: teacher; columns: model
    assert [(c.n_teacher, c.n_model) for c in result] == [(2, 4), (5, 3), (3, 3)]
    assert [c.recall.value for c in result] == [1.0, 0.6, 1.0]
    assert [c.precision.value for c in result] == [0.5, 1.0, 1.0]
    b = result["b"]
    assert (b.recall.n, b.precision.n, b.recall.name, b.precision.name) == (5, 3, "recall", "precision")
    assert (b.recall.low, b.recall.high) == sd.metrics.wilson_interval(3, 5)
    assert (result["a"].precision.low, result["a"].precision.high) == sd.metrics.wilson_interval(2, 4)
    assert [c.label for c in result.worst(2)] == ["b", "a"]  # recall 0.6, then the first of the 1.0s


def test_overall_is_fidelity_and_the_confusion_counts_every_row_once():
    result = sd.class_fidelity(rules(), teacher, X)
    assert result.overall == sd.fidelity(rules(), teacher, X)
    assert result.overall.value == 0.8 and int(np.trace(result.confusion)) == 8
    assert int(result.confusion.sum()) == len(X) == result.overall.n
    assert [c.n_teacher for c in result] == result.confusion.sum(axis=1).tolist()


def test_the_printout_is_an_aligned_table_flagging_the_lowest_recall():
    text = str(sd.class_fidelity(rules(), teacher, X))
    lines = text.splitlines()
    assert lines[0] == "fidelity 0.8000 [0.4902, 0.9433] (n=10), by class:"
    assert lines[1].split("  ")[0] == "class" and "recall [95% interval]" in lines[1]
    assert re.fullmatch(r"b +5 +3 +0\.6000 \[0\.2307, 0\.8824\] +1\.0000 \[0\.4385, 1\.0000\] +lowest recall",
                        lines[4]), lines[4]
    assert "lowest recall" not in lines[3] + lines[5]
    for header in ("teacher rows", "model rows", "recall", "precision"):  # each column starts under its header
        at = lines[1].index(header)
        assert all(line[at - 2:at] == "  " and line[at] in "012345" for line in lines[3:6]), (header, text)
    assert lines[-2].startswith("recall: of the teacher's rows of the class")
    assert lines[-1].startswith("precision: of the model's rows of the class")


def test_a_class_without_rows_and_a_teacher_label_the_model_lacks():
    """A class of the model no row falls in has no recall or precision (NaN, no interval, n/a in the table),
    not a crash; a teacher's label that is none of the model's classes is a class of its own after the model's,
    whose rows are misses, as sd.fidelity counts them."""
    model = rules(("a", "b", "c", "d"), extra=True)
    result = sd.class_fidelity(model, teacher_with_e, X)
    assert result.labels == ["a", "b", "c", "d", "e"]
    d, e = result["d"], result["e"]
    assert (d.n_teacher, d.n_model, d.of_model) == (0, 0, True)
    assert np.isnan(d.recall.value) and np.isnan(d.recall.low) and np.isnan(d.precision.high)
    assert d.recall.interval() == "[no interval on 0 rows]"
    assert (e.n_teacher, e.n_model, e.recall.value, e.of_model) == (1, 0, 0.0, False)
    assert np.isnan(e.precision.value)
    assert result["c"].precision.value == 2 / 3  # x = 9 is the teacher's e
    assert result.confusion[4].tolist() == [0, 0, 1, 0, 0]
    assert result.overall == sd.fidelity(model, teacher_with_e, X) and result.overall.value == 0.7
    text = str(result)
    line_d = next(line for line in text.splitlines() if line.startswith("d "))
    assert re.fullmatch(r"d +0 +0 +n/a +n/a", line_d), line_d
    line_e = next(line for line in text.splitlines() if line.startswith("e "))
    assert line_e.endswith("not a class of the model; lowest recall"), line_e
    assert text.endswith("; n/a: no rows, no share")
    assert [c.label for c in result.worst(5)] == ["e", "b", "a", "c"]  # d: no teacher rows, no recall
    payload = json.loads(json.dumps(result.to_dict(), allow_nan=False))  # NaN written as None: strict JSON
    assert payload["classes"][3]["recall"] == {"value": None, "low": None, "high": None, "n": 0}
    assert payload["classes"][4]["label"] == "e" and payload["classes"][4]["of_model"] is False
    assert payload["confusion"] == result.confusion.tolist() and payload["overall"]["value"] == 0.7
    assert payload["unit"] == "rows"


def test_a_teacher_none_of_whose_labels_is_a_class_is_refused_as_fidelity_refuses_it():
    shouting = lambda X: np.char.upper(teacher(X))  # noqa: E731  'A', 'B', 'C' against 'a', 'b', 'c'
    with pytest.raises(DataError) as by_fidelity:
        sd.fidelity(rules(), shouting, X)
    with pytest.raises(DataError) as by_class:
        sd.class_fidelity(rules(), shouting, X)
    assert str(by_class.value) == str(by_fidelity.value)
    assert "none of the teacher's labels ('A', 'B', 'C', ...) is one of the model's classes" in str(by_class.value)


def test_numeric_labels_compare_as_values_and_a_model_of_no_classes_gets_the_labels_seen():
    """1 == 1.0: a teacher answering floats 0., 1., 2. (a classifier) scores the rules of classes 0, 1, 2 as sd.fidelity does;
    an object with predict alone (no classes) is counted over the labels seen, sorted."""
    as_floats = lambda X: np.select([X[:, 0] < 2, X[:, 0] < 7], [0.0, 1.0], 2.0)  # noqa: E731
    result = sd.class_fidelity(rules((0, 1, 2)), sd.as_teacher(as_floats, task="classification"), X)
    assert result.labels == [0, 1, 2] and result.confusion.tolist() == [[2, 0, 0], [2, 3, 0], [0, 0, 3]]

    class Plain:
        def predict(self, X):
            return rules().predict(X)

    plain = sd.class_fidelity(Plain(), teacher_with_e, X)
    assert plain.labels == ["a", "b", "c", "e"] and all(c.of_model for c in plain)
    assert plain.overall == sd.fidelity(Plain(), teacher_with_e, X)


def test_the_teacher_is_asked_as_fidelity_asks_it():
    """The same progress bar and the same refusal of a teacher answering at random."""
    with pytest.raises(ValueError, match="^progress must be True, False or None, got 'yes'$"):
        sd.class_fidelity(rules(), teacher, X, progress="yes")
    rng = np.random.default_rng(0)
    coin = lambda X: rng.choice(["a", "b"], size=len(X))  # noqa: E731
    with pytest.raises(TeacherError, match="is not deterministic"):
        sd.class_fidelity(rules(), coin, X)


def test_the_progress_bar_is_fidelitys(capsys):
    rows = np.repeat(X, 30, axis=0)
    sd.class_fidelity(rules(), sd.as_teacher(teacher, batch_size=100), rows, progress=True)
    assert re.search(r"labelling rows: .*/300 ", capsys.readouterr().err)
    sd.class_fidelity(rules(), sd.as_teacher(teacher, batch_size=100), rows, progress=False)
    assert "labelling rows" not in capsys.readouterr().err


def test_a_regressor_is_refused_naming_fidelity():
    reg = sd.distill(lambda X: X[:, 0] * 2.0, X, max_size=2, task="regression", random_state=0, progress=False)
    asked = []

    def values(X):
        asked.append(len(X))
        return X[:, 0] * 2.0

    with pytest.raises(TypeError, match=r"class_fidelity: the model is a regressor \(task='regression'\), whose "
                                        r"values fall in no class; per-class fidelity is for classifiers: "
                                        r"sd\.fidelity\(model, teacher, X\) gives a regressor's fidelity, its R²"):
        sd.class_fidelity(reg, values, X)
    assert asked == []  # refused before the teacher is asked

    class Plain:  # no task: the teacher's answers say it
        def predict(self, X):
            return reg.predict(X)

    with pytest.raises(TypeError, match=r"class_fidelity: the teacher answers values \(a regressor\), which fall in "
                                        r"no class; .* sd\.fidelity\(model, teacher, X\) gives"):
        sd.class_fidelity(Plain(), sd.as_teacher(values, task="regression"), X)


def test_an_automaton_is_scored_by_class_on_words():
    moore = sd.MooreMachine("ab", [[1, 0], [0, 1]], ["even", "odd"])  # odd after an odd number of a
    words = ["", "a", "b", "ab", "aa", "aab", "aaa", "bbb"]

    def seq(words):  # odd after an odd number of a, but 'bbb' read as odd
        return ["odd" if w.count("a") % 2 or w == "bbb" else "even" for w in words]

    result = sd.class_fidelity(moore, seq, words)
    assert result.labels == ["even", "odd"]
    assert result.confusion.tolist() == [[4, 0], [1, 3]]
    assert result.overall == sd.fidelity(moore, seq, words)
    # the table counts words, and says so (it said 'teacher rows' / 'model rows')
    text = str(result).splitlines()
    assert text[1].split()[:5] == ["class", "teacher", "words", "model", "words"]
    assert "recall: of the teacher's words of the class" in str(result)
    assert result.to_dict()["classes"][0]["n_teacher"] == 4 and result.to_dict()["unit"] == "words"


def test_worst_takes_a_whole_number():
    result = sd.class_fidelity(rules(), teacher, X)
    assert result.worst(0) == ()
    with pytest.raises(ValueError, match=r"worst\(n\): n is how many classes to give, a whole number >= 0; "
                                         "got 1.5"):
        result.worst(1.5)


@pytest.fixture
def saved(tmp_path, monkeypatch):
    rules().to_json(tmp_path / "rules.json")
    (tmp_path / "byclass_teacher.py").write_text(
        "import numpy as np\n"
        "def predict(df):\n"
        "    x = np.asarray(df, dtype=float)[:, 0]\n"
        "    return np.where(x < 2, 'a', np.where(x < 7, 'b', 'c'))\n")
    (tmp_path / "rows.csv").write_text("x\n" + "\n".join(str(i) for i in range(10)) + "\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(__import__("sys").modules, "byclass_teacher", raising=False)
    return tmp_path


def test_evaluate_by_class_prints_the_table_after_the_usual_lines(saved, capsys):
    args = ["evaluate", str(saved / "rules.json"), "--teacher", "byclass_teacher:predict",
            "--data", str(saved / "rows.csv")]
    assert main(args) == 0
    plain = capsys.readouterr().out
    assert main(args + ["--by-class"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(plain)  # the usual lines first, as they were
    table = out[len(plain):]
    assert table == sd.class_fidelity(rules(), teacher, X).to_text(overall=False) + "\n"
    assert plain.splitlines()[1] == "fidelity 0.8000 [0.4902, 0.9433] (n=10)"  # printed once, not again over the table
    assert table.startswith("class  teacher rows  model rows  recall [95% interval]")
    assert re.search(r"^b +5 +3 +0\.6000 \[0\.2307, 0\.8824\] .* lowest recall$", table, flags=re.M)


def test_evaluate_by_class_refuses_a_regressor(saved, capsys):
    reg = sd.distill(lambda X: X[:, 0] * 2.0, X, max_size=2, task="regression", random_state=0, progress=False)
    reg.to_json(saved / "reg.json")
    assert main(["evaluate", str(saved / "reg.json"), "--teacher", "byclass_teacher:predict",
                 "--data", str(saved / "rows.csv"), "--by-class"]) == 2
    err = capsys.readouterr().err
    assert "--by-class is for classifiers, whose rows fall in classes; " in err
    assert "evaluate without --by-class prints its fidelity R²" in err


def test_evaluate_by_class_of_an_automaton(tmp_path, monkeypatch, capsys):
    (tmp_path / "byclass_seq.py").write_text("def ends_in_1(words):\n    return [w.endswith('1') for w in words]\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    sd.DFA.from_regex("(0|1)*1|0", "01").to_json(tmp_path / "dfa.json")  # says yes to '0' too
    (tmp_path / "words.txt").write_text("0\n1\n01\n10\n00\n")
    assert main(["evaluate", str(tmp_path / "dfa.json"), "--teacher", "byclass_seq:ends_in_1",
                 "--data", str(tmp_path / "words.txt"), "--by-class"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1] == "fidelity 0.8000 [0.3755, 0.9638] (n=5)"
    assert re.fullmatch(r"False +3 +2 +0\.6667 \[\S+, \S+\] +1\.0000 \[\S+, \S+\] +lowest recall", out[4]), out[4]
    assert re.fullmatch(r"True +2 +3 +1\.0000 \[\S+, \S+\] +0\.6667 \[\S+, \S+\]", out[5]), out[5]

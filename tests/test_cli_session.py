"""The command line as a shell user meets it: files it must not overwrite, files it must read as written,
and help that says what every flag does."""

from __future__ import annotations

import pytest

from symdistill.cli import main


@pytest.fixture()
def rule_teacher(tmp_path, monkeypatch):
    """A ``module:attribute`` teacher in ``tmp_path`` (the working directory) and rows for it."""
    (tmp_path / "rule_teacher.py").write_text("import numpy as np\n\n\ndef rule(X):\n"
                                              "    X = np.asarray(X, dtype=float)\n"
                                              "    return (X[:, 0] > X[:, 1]).astype(int)\n")
    (tmp_path / "rows.csv").write_text("a,b\n" + "".join(f"{i % 7},{(3 * i) % 5}\n" for i in range(40)))
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    return tmp_path


@pytest.mark.parametrize("output, flag", [("rows.csv", "--data"), ("rule_teacher.py", "--teacher")])
def test_distill_does_not_write_its_model_over_its_data_or_its_teacher(rule_teacher, capsys, output, flag):
    """`distill -o rows.csv --data rows.csv` replaced the data with the model JSON, and `-o rule_teacher.py`
    with a teacher `rule_teacher:rule` replaced the teacher's source, both with exit 0."""
    before = (rule_teacher / output).read_text()
    assert main(["distill", "--teacher", "rule_teacher:rule", "--data", "rows.csv", "-o", output]) == 2
    assert f"-o {output!r} is the same file as {flag}" in capsys.readouterr().err
    assert (rule_teacher / output).read_text() == before


def test_automaton_does_not_write_over_the_module_of_its_teacher(tmp_path, monkeypatch, capsys):
    """`automaton --teacher seq_even:even -o seq_even.py` wrote the automaton JSON over the teacher's
    source file (exit 0); the next command could no longer import it."""
    source = "def even(words):\n    return [len(w) % 2 == 0 for w in words]\n"
    (tmp_path / "seq_even.py").write_text(source)
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    for argv in (["-o", "seq_even.py"], ["-o", "dfa.json", "--dot", "seq_even.py"]):
        assert main(["automaton", "--teacher", "seq_even:even", "--alphabet", "0,1", *argv]) == 2
        assert "'seq_even.py' is the same file as --teacher" in capsys.readouterr().err
        assert (tmp_path / "seq_even.py").read_text() == source


@pytest.mark.parametrize("content", [b"garbage\n", b"", b"\x80\x04\x95\x05\x00"])
def test_a_pickle_teacher_that_cannot_be_loaded_is_named(rule_teacher, capsys, content):
    """A .joblib teacher that is no pickle printed only joblib's reason ('invalid literal for int() with
    base 10: b'arbage''), naming neither the file nor what failed."""
    (rule_teacher / "model.joblib").write_bytes(content)
    with pytest.warns(UserWarning, match="runs pickle"):
        assert main(["distill", "--teacher", "model.joblib", "--data", "rows.csv", "-o", "m.json"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("symdistill distill: error: cannot load teacher model.joblib: ") and err.count("\n") == 1


@pytest.mark.parametrize("lines, message", [
    (["1,2,", "3,4,"], "line 2 of rows.csv has 3 fields, but the header names 2 columns (a ',' at the end of the line?)"),
    (["9,1,2", "9,3,4"], "line 2 of rows.csv has 3 fields, but the header names 2 columns: every field"),
    (["1,2,3"] + ["3,4"] * 19, "line 2 of rows.csv has 3 fields, but the header names 2 columns: every field"),
])
def test_rows_longer_than_the_header_are_refused(rule_teacher, capsys, lines, message):
    """Rows with more fields than the header names columns were read with their first field as pandas'
    index: every column got the values of the next one (a trailing comma on every row left 'b' all NaN
    and the error blamed missing values; '9,1,2' under 'a,b' was distilled from a=1, b=2, exit 0)."""
    (rule_teacher / "rows.csv").write_text("a,b\n" + "\n".join(lines * (20 // len(lines))) + "\n")
    assert main(["distill", "--teacher", "rule_teacher:rule", "--data", "rows.csv", "-o", "m.json"]) == 2
    assert message in capsys.readouterr().err
    assert not (rule_teacher / "m.json").exists()

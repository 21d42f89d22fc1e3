"""The command line's rough edges, as a user meets them: rows named after --drop-missing dropped some,
count phrases ("1 of 1 constraints"), and the files and flags a user gives it."""

from __future__ import annotations

import numpy as np
import pytest

import symdistill as sd
from symdistill.cli import main

pd = pytest.importorskip("pandas")

# rows 0..3 of the file (the header aside): row 1 has no 'a' (dropped by --drop-missing), row 3 an infinity
DROPPED_THEN_INF = "a,b\n1,2\n,3\n4,5\n6,inf\n"
TEACHER = "import numpy as np\n\n\ndef f(X):\n    X = np.asarray(X, dtype=float)\n    return (X[:, 0] > X[:, 1]).astype(int)\n"


@pytest.fixture()
def folder(tmp_path, monkeypatch):
    """m.json: a tree over the features a and b; audit_teacher:f its teacher; d.csv the rows above."""
    X = np.random.default_rng(0).normal(size=(300, 2))
    sd.distill(lambda X: (X[:, 0] > X[:, 1]).astype(int), X, form="tree", max_size=2, feature_names=["a", "b"],
               random_state=0).to_json(tmp_path / "m.json")
    (tmp_path / "audit_teacher.py").write_text(TEACHER)
    (tmp_path / "d.csv").write_text(DROPPED_THEN_INF)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _error(argv, capsys):
    assert main(argv) == 2
    return capsys.readouterr().err


# -- 1. a row refused after --drop-missing dropped rows is named as the file counts it -----------------------
@pytest.mark.parametrize("argv", [
    ["predict", "m.json", "--data", "d.csv"],
    ["evaluate", "m.json", "--teacher", "audit_teacher:f", "--data", "d.csv"],
    ["distill", "--teacher", "audit_teacher:f", "--data", "d.csv", "--max-size", "2", "-o", "out.json"],
], ids=["predict", "evaluate", "distill"])
def test_a_row_refused_after_rows_were_dropped_is_named_by_its_row_in_the_file(folder, capsys, argv):
    """The infinity is in row 3 of d.csv (line 5); with row 1 dropped it is the third row kept, and the
    refusal said "in row 2", a row of the file that holds 4 and 5."""
    err = _error([*argv, "--drop-missing"], capsys)
    assert "--data d.csv: column 'b' has a non-finite value (inf) in row 3;" in err, err
    # without the flag the row is named so as before (the empty field first)
    assert "in row 1" in _error(argv, capsys)


def test_a_refused_row_of_the_holdout_is_named_by_its_row_in_that_file(folder, capsys):
    pytest.importorskip("matplotlib")
    (folder / "rows.csv").write_text("a,b\n" + "".join(f"{i % 7},{i % 5}\n" for i in range(40)))
    argv = ["report", "--teacher", "audit_teacher:f", "--forms", "tree", "--sizes", "2", "--no-progress",
            "-o", "r.html", "--drop-missing"]
    err = _error([*argv, "--data", "rows.csv", "--holdout", "d.csv"], capsys)
    assert "--holdout d.csv: column 'b' has a non-finite value (inf) in row 3;" in err, err
    err = _error([*argv, "--data", "d.csv", "--holdout", "rows.csv"], capsys)
    assert "--data d.csv: column 'b' has a non-finite value (inf) in row 3;" in err, err


def test_a_word_among_numbers_after_dropped_rows_is_named_by_its_row_in_the_file(folder, capsys):
    """distill's warning of a word among numbers (and the teacher's failure that repeats it) named the
    word's row among the rows kept."""
    rows = [f"{i % 7},{i % 5}" for i in range(40)]
    rows[2], rows[30] = ",3", "?,4"  # an empty 'a' (dropped), then adult's '?' (a word: --na-values '')
    (folder / "w.csv").write_text("a,b\n" + "\n".join(rows) + "\n")
    with pytest.warns(UserWarning, match=r"\('\?' in row 30\)"):
        err = _error(["distill", "--teacher", "audit_teacher:f", "--data", "w.csv", "--na-values", "",
                      "--drop-missing", "--max-size", "2", "-o", "out.json"], capsys)
    assert "holds the text '?' in row 30 among its numbers" in err, err


def test_a_text_field_for_an_array_teacher_after_dropped_rows_is_named_by_its_row_in_the_file(folder, capsys):
    (folder / "x.csv").write_text("a,b\n1,2\n,3\n4,5\n6,x\n")
    err = _error(["distill", "--teacher", "audit_teacher:f", "--data", "x.csv", "--as-array", "--drop-missing",
                  "-o", "out.json"], capsys)
    assert "column 'b' of x.csv is not numeric (row 3: 'x')" in err, err


def test_a_true_label_refused_after_rows_were_dropped_is_named_by_its_row_in_the_file(folder, capsys):
    X = np.random.default_rng(0).normal(size=(300, 2))
    sd.distill(lambda X: X[:, 0] - X[:, 1], X, form="tree", max_size=2, feature_names=["a", "b"], task="regression",
               random_state=0).to_json(folder / "r.json")
    (folder / "l.csv").write_text("a,b,y\n1,2,3\n,3,1\n4,5,x\n6,1,2\n")
    err = _error(["evaluate", "r.json", "--teacher", "audit_teacher:f", "--task", "regression", "--data", "l.csv",
                  "--label", "y", "--drop-missing"], capsys)
    assert "--label y of l.csv: cannot compute R2: the true labels are not numbers (a regressor's values are " \
           "compared): row 2 holds 'x'" in err, err


# -- 2. counts of one are singular -------------------------------------------------------------------------
def test_verify_of_one_constraint_says_it_in_the_singular(folder, capsys):
    """verify printed "1 of 1 constraints hold" (and "0 of 1 constraints hold")."""
    assert main(["verify", "m.json", "-c", "prediction in {0, 1}"]) == 0
    assert capsys.readouterr().out.endswith("\n1 of 1 constraint holds\n")
    assert main(["verify", "m.json", "-c", "prediction == 0"]) == 1
    assert capsys.readouterr().out.endswith("\n0 of 1 constraint holds\n")
    assert main(["verify", "m.json", "-c", "prediction in {0, 1}", "-c", "prediction == 0"]) == 1
    assert capsys.readouterr().out.endswith("\n1 of 2 constraints hold\n")


def test_one_word_read_as_missing_is_warned_of_in_the_singular(folder, capsys):
    """The warning of a text column's words read as missing said "1 fields such as 'NA' (first in row 1) are
    read as missing values"."""
    (folder / "t.csv").write_text("a,b,region\n1,2,EU\n3,1,NA\n4,5,\n")
    with pytest.warns(UserWarning) as caught:
        _error(["predict", "m.json", "--data", "t.csv"], capsys)
    said = [str(w.message) for w in caught if "region" in str(w.message)]
    assert said == ["column 'region' of t.csv: a field 'NA' (row 1) is read as a missing value, as pandas reads "
                    "it; if it is a value of the column, --na-values '' reads only empty fields as missing"], said


def test_concept_rules_of_one_feature_name_it_in_the_singular(folder, capsys):
    """"these concept rules were distilled on rows of 1 features; t.csv has 2 columns"."""
    X = np.random.default_rng(0).normal(size=(100, 1))
    rules = sd.distill(lambda X: (X[:, 0] > 0).astype(int), X, form="rules", max_size=2, random_state=0)
    rules.meta.update(method="decompositional", layer="hidden", input_features=["x0"])
    rules.to_json(folder / "c.json")
    (folder / "two.csv").write_text("p,q\n1,2\n")
    err = _error(["evaluate", "c.json", "--teacher", "audit_teacher:f", "--data", "two.csv"], capsys)
    assert "these concept rules were distilled on rows of 1 feature; two.csv has 2 columns" in err, err


# -- 3. the files and flags a user gives -------------------------------------------------------------------
def test_data_dash_is_refused_as_standard_input_not_as_a_missing_file(folder, capsys):
    """`--data -` (rows piped in) said "data file not found: -", as if a file named '-' were missing."""
    for argv in (["predict", "m.json"], ["evaluate", "m.json", "--teacher", "audit_teacher:f"],
                 ["distill", "--teacher", "audit_teacher:f", "-o", "out.json"]):
        err = _error([*argv, "--data", "-"], capsys)
        assert "data file '-': symdistill reads files, not standard input; save the input to a file and give " \
               "its name" in err, err


def test_a_label_column_not_in_the_file_names_the_flag(folder, capsys):
    """evaluate --label y of a file without that column said "column 'y' not in d.csv", naming no flag."""
    err = _error(["evaluate", "m.json", "--teacher", "audit_teacher:f", "--data", "d.csv", "--label", "y"], capsys)
    assert "--label: column 'y' not in d.csv; columns are ['a', 'b']" in err, err
    err = _error(["predict", "m.json", "--data", "d.csv", "--drop", "y"], capsys)
    assert "--drop: column 'y' not in d.csv; columns are ['a', 'b']" in err, err


def test_an_empty_csv_is_named_as_empty(folder, capsys):
    """A file of no bytes was refused with pandas' "cannot read e.csv: No columns to parse from file"."""
    (folder / "e.csv").write_bytes(b"")
    err = _error(["predict", "m.json", "--data", "e.csv"], capsys)
    assert "e.csv is empty: a CSV file starts with a header line naming its columns" in err, err


def test_a_row_of_fewer_fields_than_the_header_is_refused_naming_its_line(folder, capsys):
    """A row short of a field (a separator forgotten: '1,2' under 'id,a,b') was read with its fields in the
    first columns and the last missing, refused as "column 'b' has a non-finite value (nan) in row 0", a
    value no field holds, and dropped by --drop-missing as a missing field. It is refused as a row of more
    fields is, naming its line."""
    (folder / "s.csv").write_text("id,a,b\nx,1,2\ny,3\nz,4,\n")
    for flags in ([], ["--drop-missing"]):
        err = _error(["predict", "m.json", "--data", "s.csv", "--drop", "id", *flags], capsys)
        assert "line 3 of s.csv has 2 fields, but the header names 3 columns: every column needs a field (an " \
               "empty one for a missing value)" in err, err
    (folder / "s.csv").write_text("a,b\n1,2\n3\n")
    assert "line 3 of s.csv has 1 field, but the header names 2 columns" in _error(["predict", "m.json", "--data",
                                                                                    "s.csv"], capsys)
    # an empty last field is a field, missing: refused as before, or dropped
    (folder / "s.csv").write_text("id,a,b\nx,1,2\nz,4,\n")
    assert "column 'b' has a non-finite value (nan) in row 1" in \
        _error(["predict", "m.json", "--data", "s.csv", "--drop", "id"], capsys)


@pytest.mark.parametrize("command", ["predict", "evaluate"])
def test_an_automaton_given_a_table_says_it_reads_words(folder, capsys, command):
    """An automaton's --data is a text file of words: a Parquet file of rows failed with "cannot read p.parquet:
    'utf-8' codec can't decode byte 0xf0 in position 26", a gzipped CSV likewise; a CSV of rows with "line 1 of
    d.csv: symbol 'a' is not in the alphabet", not saying that the model reads words, not rows."""
    sd.DFA.from_regex("(01)*", "01").to_json(folder / "dfa.json")
    pd.DataFrame({"a": [1.0], "b": [2.0]}).to_parquet(folder / "p.parquet")
    import gzip
    (folder / "d.csv.gz").write_bytes(gzip.compress(DROPPED_THEN_INF.encode()))
    argv = [command, "dfa.json"] + (["--teacher", "dfa.json"] if command == "evaluate" else [])
    err = _error([*argv, "--data", "p.parquet"], capsys)
    assert "p.parquet is a Parquet file, not a text file of words: an automaton's --data holds words, one a " \
           "line" in err, err
    err = _error([*argv, "--data", "d.csv.gz"], capsys)
    assert "d.csv.gz is gzip-compressed, not a text file of words" in err, err
    err = _error([*argv, "--data", "d.csv"], capsys)
    assert "line 1 of d.csv: symbol 'a' is not in the alphabet ['0', '1'] (a table's header? an automaton's " \
           "--data holds words, one a line)" in err, err


def test_show_of_a_csv_says_what_a_model_file_is(folder, capsys):
    """show of a CSV said only "model file d.csv: model is not valid JSON: Expecting value: line 1 column 1
    (char 0)", where an empty file says what a model file holds."""
    for command in (["show"], ["export", "--to", "c"], ["predict", "--data", "d.csv"]):
        err = _error([command[0], "d.csv", *command[1:]], capsys)
        assert "model file d.csv: model is not valid JSON: Expecting value: line 1 column 1 (char 0); a model file " \
               "holds the JSON that distill -o writes" in err, err
    (folder / "list.json").write_text("[1, 2]")
    assert "model file list.json: model must be a JSON object, got array" in _error(["show", "list.json"], capsys)

"""`--drop-missing`: the command line's way to drop the rows holding a missing field. Missing values are
refused everywhere, and the CLI said "fill or drop those rows" with no flag to do either: README's own
`--na-values '?,'` (adult's `?` as missing) led straight to that refusal. `distill`, `report` (--data and
--holdout), `evaluate` and `predict` now take `--drop-missing`, which drops the rows holding a missing
field in a column the command reads (evaluate's --label too; predict's --keep identifiers not), saying
on stderr how many of how many and the first one's line."""

from __future__ import annotations

import json

import numpy as np
import pytest

import symdistill as sd
from symdistill.cli import main, read_table

pd = pytest.importorskip("pandas")

N = 40
# rows (counted from 0) holding a missing field, interleaved with complete ones: '?' and an empty age, an
# empty colour, an empty true label
AGE_WORD, AGE_EMPTY, COLOUR_EMPTY, LABEL_EMPTY = 3, 10, 11, 25
ID_EMPTY = 6  # an empty identifier: no feature, so its row is kept


def _rule(df):
    return np.where(np.asarray(df["age"], dtype=float) > 40, "old", "young")


@pytest.fixture()
def folder(tmp_path, monkeypatch):
    """rows.csv: ids, ages alternating either side of 40 (so a label shifted by one row is wrong), colours
    and the rule's true labels, with the missing fields above; clean.csv: its complete rows."""
    ages = np.where(np.arange(N) % 2 == 0, 30, 50) + np.arange(N) % 7
    df = pd.DataFrame({"id": [f"r{i}" for i in range(N)], "age": ages.astype(str),
                       "colour": np.where(np.arange(N) % 3 == 0, "red", "blue"), "y": _rule({"age": ages})})
    df.loc[AGE_WORD, "age"] = "?"
    df.loc[AGE_EMPTY, "age"] = ""
    df.loc[COLOUR_EMPTY, "colour"] = ""
    df.loc[LABEL_EMPTY, "y"] = ""
    df.loc[ID_EMPTY, "id"] = ""
    df.to_csv(tmp_path / "rows.csv", index=False)
    dropped = [AGE_WORD, AGE_EMPTY, COLOUR_EMPTY, LABEL_EMPTY]
    df.drop(index=dropped).to_csv(tmp_path / "clean.csv", index=False)
    (tmp_path / "dropna_rule.py").write_text(
        "import numpy as np\n\n\ndef predict(df):\n"
        "    return np.where(np.asarray(df['age'], dtype=float) > 40, 'old', 'young')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.chdir(tmp_path)
    clean = df.drop(index=dropped).drop(columns=["id", "y"]).assign(age=lambda d: d["age"].astype(float))
    sd.distill(_rule, clean, form="tree", max_size=2, random_state=0).to_json(tmp_path / "m.json")
    return tmp_path


DISTILL = ["distill", "--teacher", "dropna_rule:predict", "--data", "rows.csv", "--drop", "id,y", "--max-size", "2",
           "--na-values", "?,"]


def test_distill_drops_the_rows_holding_a_missing_field_and_says_so(folder, capsys):
    assert main([*DISTILL, "-o", "d.json"]) == 2
    err = capsys.readouterr().err
    # without the flag: refused as before, with the flag named
    assert "column 'age' has 2 missing values" in err and err.rstrip().endswith("(or pass --drop-missing)"), err
    assert main([*DISTILL, "--drop-missing", "-o", "d.json"]) == 0
    err = capsys.readouterr().err
    # the label column is dropped: its empty field drops no row of distill; row 3 is line 5 (header, 0-based)
    assert f"--drop-missing: dropped 3 of {N} rows of rows.csv, holding a missing field (the first at line 5; " \
           "missing per column: 'age' 2, 'colour' 1)" in err, err
    # the rows kept are the file's rows of no missing feature (the label aside), distilled as a file of them is
    written = pd.read_csv("rows.csv", dtype=str, keep_default_na=False)
    written.drop(index=[AGE_WORD, AGE_EMPTY, COLOUR_EMPTY]).to_csv("kept.csv", index=False)
    assert main(["distill", "--teacher", "dropna_rule:predict", "--data", "kept.csv", "--drop", "id,y",
                 "--max-size", "2", "-o", "k.json"]) == 0
    capsys.readouterr()
    dropped, kept = json.loads((folder / "d.json").read_text()), json.loads((folder / "k.json").read_text())
    assert dropped["domain"] == kept["domain"] and str(sd.load("d.json")) == str(sd.load("k.json"))


def test_evaluate_keeps_the_labels_paired_with_their_rows(folder, capsys):
    """The labels are read apart from the rows: both lose the same rows, interleaved ones among them, and a
    row whose true label is missing is dropped too (it has no accuracy to score)."""
    argv = ["evaluate", "m.json", "--teacher", "dropna_rule:predict", "--data", "rows.csv", "--drop", "id",
            "--label", "y", "--na-values", "?,"]
    assert main(argv) == 2
    assert capsys.readouterr().err.rstrip().endswith("(or pass --drop-missing)")
    assert main([*argv, "--drop-missing"]) == 0
    out, err = capsys.readouterr()
    kept = N - 4
    assert f"dropped 4 of {N} rows of rows.csv" in err and "'y' 1" in err, err
    assert "fidelity 1.0000" in out and f"(n={kept})" in out, out
    # labels shifted by one row against theirs would be wrong on every other row
    assert "against --label y: accuracy 1.0000 [" in out and out.count(f"(n={kept})") == 2, out


def test_evaluate_refuses_dropping_the_rows_of_a_class_read_as_missing(folder, capsys):
    (folder / "na.csv").write_text("age,colour,y\n30,red,NA\n50,blue,old\n")
    model = sd.distill(lambda d: np.where(np.asarray(d["age"], dtype=float) > 40, "old", "NA"),
                       pd.DataFrame({"age": [30.0, 50.0, 35.0, 45.0], "colour": ["red", "blue", "red", "blue"]}),
                       form="tree", max_size=2, random_state=0)
    model.to_json(folder / "na.json")
    assert main(["evaluate", "na.json", "--teacher", "dropna_rule:predict", "--data", "na.csv", "--label", "y",
                 "--drop-missing"]) == 2
    err = capsys.readouterr().err
    assert "--drop-missing drops the rows whose --label y is missing, and 'NA', one of the model's classes, is a " \
           "field read as a missing value" in err and "--na-values '' reads only empty fields as missing" in err, err


def test_predict_writes_a_line_for_each_row_kept(folder, capsys):
    model = sd.load("m.json")
    rows = pd.read_csv("rows.csv", na_values=["?"], keep_default_na=False, dtype={"id": str})
    features = rows[["age", "colour"]].replace("", np.nan)
    kept = rows[features.notna().all(axis=1).to_numpy()]
    assert main(["predict", "m.json", "--data", "rows.csv", "--drop", "y", "--keep", "id", "--na-values", "?,",
                 "--drop-missing", "-o", "p.csv"]) == 0
    err = capsys.readouterr().err
    assert f"dropped 3 of {N} rows of rows.csv" in err and \
           "the output has a line for each row kept only, identified by --keep id" in err, err
    out = pd.read_csv("p.csv", keep_default_na=False, dtype={"id": str})
    # the row of an empty id is kept (an identifier is no feature), its id written empty
    assert out["id"].tolist() == kept["id"].tolist() and "" in out["id"].tolist()
    assert out["prediction"].tolist() == model.predict(kept[["age", "colour"]].astype({"age": float})).tolist()
    assert main(["predict", "m.json", "--data", "rows.csv", "--drop", "y,id", "--na-values", "?,",
                 "--drop-missing"]) == 0
    out, err = capsys.readouterr()
    assert len(out.splitlines()) == 1 + len(kept)
    assert "--keep <id> copies a column that identifies them" in err, err


def test_no_row_dropped_says_nothing_and_every_row_dropped_is_refused(folder, capsys):
    assert main(["predict", "m.json", "--data", "clean.csv", "--drop", "y,id", "--drop-missing", "-o", "p.csv"]) == 0
    assert capsys.readouterr().err == f"wrote p.csv: {N - 4} predictions\n"
    (folder / "none.csv").write_text("age,colour\n?,red\n50,\n")
    assert main(["predict", "m.json", "--data", "none.csv", "--na-values", "?,", "--drop-missing"]) == 2
    assert capsys.readouterr().err == (
        "symdistill predict: error: --drop-missing would drop every row of none.csv: each of its 2 rows holds a "
        "missing field (column 'age' is missing in 1); fill them, or --drop a column that is mostly missing\n")


def test_the_word_refused_among_numbers_names_the_flags(folder, capsys):
    (folder / "word.csv").write_text("age,colour\n30,red\n?,blue\n")
    assert main(["predict", "m.json", "--data", "word.csv"]) == 2
    err = capsys.readouterr().err
    assert "holds the text '?' in row 1" in err and \
           "(--na-values '?,' --drop-missing reads it and empty fields as missing, and drops their rows)" in err, err


def test_report_drops_the_rows_of_data_and_holdout(folder, capsys):
    pytest.importorskip("matplotlib")
    pd.read_csv("rows.csv", dtype=str, keep_default_na=False).iloc[:12].to_csv("hold.csv", index=False)
    assert main(["report", "--teacher", "dropna_rule:predict", "--data", "rows.csv", "--holdout", "hold.csv",
                 "--drop", "id,y", "--na-values", "?,", "--drop-missing", "--forms", "tree", "--sizes", "2",
                 "--no-progress", "-o", "r.html"]) == 0
    err = capsys.readouterr().err
    assert f"dropped 3 of {N} rows of rows.csv" in err and "dropped 3 of 12 rows of hold.csv" in err, err


def test_the_first_dropped_row_is_named_by_its_line(tmp_path, capsys):
    """A quoted field spanning lines and a blank line come before it: the line is the file's, not row + 2."""
    (tmp_path / "r.csv").write_text('id,a\n"x\ny",1\n\nz,2\nw,\n')
    df = read_table(str(tmp_path / "r.csv"), ["id"], warn=False, drop_missing=True)
    assert df["a"].tolist() == [1, 2]
    assert capsys.readouterr().err == ""  # read a second time (warn=False): said once, not again
    read_table(str(tmp_path / "r.csv"), ["id"], drop_missing=True)
    assert "(the first at line 6; missing per column: 'a' 1)" in capsys.readouterr().err



@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_the_rows_kept_are_typed_as_a_file_of_them_alone(tmp_path, capsys, suffix):
    """pandas reads a column of whole numbers holding an empty field as floats (30 as 30.0), and one of True
    and False holding one as objects: the rows kept are typed as pandas types a file of them, so that a
    teacher is asked with ints and booleans, as the model records (floats written 30.0 stay floats)."""
    if suffix == ".parquet":
        pytest.importorskip("pyarrow")
    written = "n,b,f,x\n1,True,30.0,2.5\n,False,31.0,1.5\n3,,32.0,0.5\n4,False,33.0,\n5,True,34.0,1.0\n"
    (tmp_path / "all.csv").write_text(written)
    lines = written.splitlines(keepends=True)
    (tmp_path / "kept.csv").write_text("".join([lines[0], lines[1], lines[5]]))
    path = str(tmp_path / f"all{suffix}")
    if suffix == ".parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        # as a tool other than pandas writes it (no pandas metadata): an int64 and a bool column with nulls
        table = pa.Table.from_pandas(pd.read_csv(tmp_path / "all.csv").astype({"n": "Int64", "b": "boolean"}))
        pq.write_table(table.replace_schema_metadata(None), path)
    read = read_table(path, drop_missing=True)
    alone = read_table(str(tmp_path / "kept.csv"))
    assert read.dtypes.astype(str).tolist() == alone.dtypes.astype(str).tolist() == ["int64", "bool", "float64",
                                                                                     "float64"]
    assert read.to_dict("list") == alone.to_dict("list")
    where = "line 3" if suffix == ".csv" else "row 1"
    assert f"dropped 3 of 5 rows of {path}, holding a missing field (the first at {where}; " in capsys.readouterr().err


@pytest.mark.parametrize("command", ["evaluate", "predict"])
def test_an_automaton_refuses_the_flag(tmp_path, capsys, command):
    sd.DFA.from_regex("(0|1)*1", "01").to_json(tmp_path / "dfa.json")
    (tmp_path / "words.txt").write_text("01\n")
    teacher = ["--teacher", str(tmp_path / "dfa.json")] if command == "evaluate" else []
    assert main([command, str(tmp_path / "dfa.json"), *teacher, "--data", str(tmp_path / "words.txt"),
                 "--drop-missing"]) == 2
    assert capsys.readouterr().err == (
        f"symdistill {command}: error: --drop-missing applies to tabular models' rows; an automaton's --data is a "
        f"file of words, one a line, none of them missing ({command} reads every line)\n")


def test_a_missing_true_label_names_the_flag(folder, capsys):
    (folder / "lab.csv").write_text("age,colour,y\n30,red,young\n50,blue,\n45,red,old\n")
    argv = ["evaluate", "m.json", "--teacher", "dropna_rule:predict", "--data", "lab.csv", "--label", "y"]
    assert main(argv) == 2
    assert capsys.readouterr().err.endswith("first at row 1); drop or fill those rows (or pass --drop-missing)\n")
    assert main([*argv, "--drop-missing"]) == 0
    out, err = capsys.readouterr()
    assert "dropped 1 of 3 rows of lab.csv, holding a missing field (the first at line 3; missing per column: " \
           "'y' 1)" in err and "accuracy 1.0000" in out and "(n=2)" in out, (out, err)

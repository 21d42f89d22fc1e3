from __future__ import annotations

import json
import os
import re
import subprocess
import warnings
import sys

import numpy as np
import pytest

import symdistill as sd
from symdistill.cli import main, read_words
from symdistill.models.automata import MooreMachine


@pytest.fixture()
def csv_rows(blobs, tmp_path):
    pd = pytest.importorskip("pandas")
    X_train, X_test, _, y_test = blobs
    train = tmp_path / "rows.csv"
    hold = tmp_path / "holdout.csv"
    pd.DataFrame(X_train, columns=["a", "b", "c"]).to_csv(train, index=False)
    df = pd.DataFrame(X_test, columns=["a", "b", "c"])
    df["label"] = y_test
    df.to_csv(hold, index=False)
    return train, hold


def test_distill_show_evaluate_with_onnx_teacher(onnx_file, csv_rows, tmp_path, capsys, torch_mlp, blobs):
    train, hold = csv_rows
    out = tmp_path / "tree.json"
    assert main(["distill", "--teacher", str(onnx_file), "--data", str(train), "--max-size", "6",
                 "-o", str(out)]) == 0
    tree = sd.load(out)
    assert tree.size <= 6 and tree.feature_names == ["a", "b", "c"]
    assert "wrote" in capsys.readouterr().err
    assert main(["show", str(out)]) == 0
    assert "if " in capsys.readouterr().out
    assert main(["evaluate", str(out), "--teacher", str(onnx_file), "--data", str(hold), "--label", "label"]) == 0
    text = capsys.readouterr().out
    assert "fidelity" in text and "against --label label: accuracy" in text
    reported = float(text.split("fidelity ")[1].split()[0])
    expected = float(sd.fidelity(tree, torch_mlp, blobs[1]))
    assert abs(reported - expected) < 1e-3


def test_module_attribute_teacher(csv_rows, tmp_path, monkeypatch, capsys):
    train, _ = csv_rows
    (tmp_path / "my_teacher.py").write_text(
        "import numpy as np\n"
        "def predict(df):\n"
        "    return (df['a'].to_numpy() > 0.5).astype(int)\n"
    )
    # found in the working directory, as `python -m` would (the console script has no '' on sys.path)
    monkeypatch.setattr(sys, "path", [p for p in sys.path if p not in ("", str(tmp_path))])
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "t.json"
    assert main(["distill", "--teacher", "my_teacher:predict", "--data", str(train), "--max-size", "4",
                 "-o", str(out)]) == 0
    assert sd.load(out).size == 2
    assert sd.load(out).meta["sampler"] == "diagonal kernel, bandwidth 0.5"
    assert main(["distill", "--teacher", "my_teacher:predict", "--data", str(train), "--max-size", "4",
                 "--sampler-kernel", "correlated", "-o", str(out)]) == 0
    assert sd.load(out).meta["sampler"] == "correlated kernel, bandwidth 0.5"


def test_joblib_teacher_warns_about_pickle(sklearn_mlp, csv_rows, tmp_path):
    import joblib

    train, _ = csv_rows
    path = tmp_path / "mlp.joblib"
    joblib.dump(sklearn_mlp, path)
    with pytest.warns(UserWarning, match="pickle"):
        assert main(["distill", "--teacher", str(path), "--data", str(train), "--as-array", "--max-size", "3",
                     "-o", str(tmp_path / "m.json")]) == 0



def test_joblib_warning_prints_as_one_line_of_the_command(sklearn_mlp, csv_rows, tmp_path):
    """The pickle warning printed Python's `.../cli.py:93: UserWarning:` form and the source line."""
    import joblib

    train, _ = csv_rows
    path = tmp_path / "mlp.joblib"
    joblib.dump(sklearn_mlp, path)
    done = subprocess.run([sys.executable, "-m", "symdistill", "distill", "--teacher", str(path), "--data", str(train),
                           "--as-array", "--max-size", "2", "-o", str(tmp_path / "m.json")],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    warning, wrote = done.stderr.splitlines()
    assert warning == "symdistill distill: warning: loading mlp.joblib runs pickle: only load files you trust"
    assert wrote.startswith(f"wrote {tmp_path / 'm.json'}: tree, size ")


def _teacher_module(tmp_path, monkeypatch, body: str = "") -> None:
    (tmp_path / "rule_teacher.py").write_text(
        "import numpy as np\n" + body +
        "def predict(df):\n"
        "    a, b = df['a'].to_numpy(), df['b'].to_numpy()\n"
        "    return ((a > 0.2) & (b > 0.1) | (a < -0.5)).astype(int)\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))


def test_distill_max_literals_and_learner_options(csv_rows, tmp_path, monkeypatch):
    """The command line had no way to bound a rule's conditions or set any other learner option."""
    train, _ = csv_rows
    _teacher_module(tmp_path, monkeypatch)
    out = tmp_path / "r.json"
    assert main(["distill", "--teacher", "rule_teacher:predict", "--data", str(train), "--form", "rules",
                 "--max-size", "4", "--max-literals", "1", "--option", "n_samples=3000",
                 "--option", "min_gain=0.001", "-o", str(out)]) == 0
    rules = sd.load(out)
    assert rules.size >= 1 and all(len(r.conditions) <= 1 for r in rules.rules)
    wide = tmp_path / "w.json"
    assert main(["distill", "--teacher", "rule_teacher:predict", "--data", str(train), "--form", "rules",
                 "--max-size", "4", "--option", "n_samples=3000", "-o", str(wide)]) == 0
    assert max(len(r.conditions) for r in sd.load(wide).rules) >= 2


@pytest.mark.parametrize("flags, message", [
    (["--form", "tree", "--max-literals", "2"], "--max-literals is an option of --form rules"),
    (["--option", "n_sample=10"], "unknown option 'n_sample'; did you mean 'n_samples'?"),
    (["--option", "n_samples=-1"], "n_samples must be"),
    (["--option", "max_size=3"], "--option max_size=...: use --max-size"),
    (["--option", "feature_names=[\"x\"]"], "the command sets it"),
])
def test_distill_options_are_checked_before_the_teacher_is_loaded(csv_rows, tmp_path, monkeypatch, capsys,
                                                                  flags, message):
    train, _ = csv_rows
    _teacher_module(tmp_path, monkeypatch, body="raise SystemExit('the teacher was loaded')\n")
    assert main(["distill", "--teacher", "rule_teacher:predict", "--data", str(train), *flags,
                 "-o", str(tmp_path / "x.json")]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1, err


def test_distill_option_needs_a_name(csv_rows, tmp_path, capsys):
    train, _ = csv_rows
    with pytest.raises(SystemExit):
        main(["distill", "--teacher", "m:f", "--data", str(train), "--option", "=3", "-o", str(tmp_path / "x.json")])
    assert "expected NAME=VALUE" in capsys.readouterr().err


def _whole_number_teacher(tmp_path, monkeypatch, module: str, values: str) -> None:
    """``module`` (importable, in the working directory; a name of its own, as imports are cached) whose
    ``predict(df)`` returns ``values``."""
    (tmp_path / f"{module}.py").write_text(f"import numpy as np\ndef predict(df):\n    return {values}\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))


def test_evaluate_takes_the_task_of_a_teacher_whose_answers_mislead(csv_rows, tmp_path, monkeypatch, capsys):
    """A regressor whose values are whole numbers reads as a classifier: `evaluate` refused to score the
    model distilled from it with --task regression, and had no --task to say what the teacher is."""
    train, hold = csv_rows
    _whole_number_teacher(tmp_path, monkeypatch, "steps", "np.round(3 * df['a'].to_numpy()) + np.round(df['b'].to_numpy())")
    out = tmp_path / "reg.json"
    assert main(["distill", "--teacher", "steps:predict", "--data", str(train), "--task", "regression",
                 "--max-size", "8", "-o", str(out)]) == 0
    capsys.readouterr()
    args = ["evaluate", str(out), "--teacher", "steps:predict", "--data", str(hold), "--drop", "label"]
    assert main(args) == 2
    assert "on the command line: --task regression" in capsys.readouterr().err
    assert main(args + ["--task", "regression"]) == 0
    assert float(capsys.readouterr().out.split("fidelity R2 ")[1].split()[0]) > 0.5


def test_distill_and_report_name_the_task_flag_for_a_teacher_of_whole_numbers(csv_rows, tmp_path, monkeypatch,
                                                                              capsys):
    """A regressor of whole numbers reads as a classifier until a new value turns up; the refusal told a
    command-line user to pass task='regression' to as_teacher, which the CLI has no way to do."""
    train, _ = csv_rows
    _whole_number_teacher(tmp_path, monkeypatch, "steps30",
                          "np.round(30 * df['a'].to_numpy()) + np.round(10 * df['b'].to_numpy())")
    for args in (["distill", "--teacher", "steps30:predict", "--data", str(train), "-o", str(tmp_path / "m.json")],
                 ["report", "--teacher", "steps30:predict", "--data", str(train), "--sizes", "2,4",
                  "-o", str(tmp_path / "r.html")]):
        assert main(args) == 2
        assert "task='regression' if these numbers are values (on the command line: --task regression)" in \
            capsys.readouterr().err
        assert main(args + ["--task", "regression"]) == 0
        capsys.readouterr()


def test_evaluate_with_an_array_teacher_matches_the_columns_by_name(onnx_file, csv_rows, tmp_path, capsys,
                                                                     torch_mlp, blobs):
    """An .onnx teacher gets a float array: `evaluate` passed the CSV's columns by position, so a holdout
    with its columns in another order, or other columns altogether, was scored on the wrong features."""
    pd = pytest.importorskip("pandas")
    train, _ = csv_rows
    out = tmp_path / "tree.json"
    assert main(["distill", "--teacher", str(onnx_file), "--data", str(train), "--max-size", "6",
                 "-o", str(out)]) == 0
    tree = sd.load(out)
    X_test = blobs[1]
    pd.DataFrame(X_test[:, [2, 0, 1]], columns=["c", "a", "b"]).to_csv(tmp_path / "shuffled.csv", index=False)
    capsys.readouterr()
    assert main(["evaluate", str(out), "--teacher", str(onnx_file), "--data", str(tmp_path / "shuffled.csv")]) == 0
    assert str(sd.fidelity(tree, torch_mlp, X_test)) in capsys.readouterr().out
    pd.DataFrame(X_test, columns=["a", "x", "c"]).to_csv(tmp_path / "renamed.csv", index=False)
    assert main(["evaluate", str(out), "--teacher", str(onnx_file), "--data", str(tmp_path / "renamed.csv")]) == 2
    captured = capsys.readouterr()
    assert "columns of" in captured.err and "missing ['b'], unknown ['x']" in captured.err
    assert captured.out == ""


def test_a_column_an_array_teacher_cannot_take_is_named(onnx_file, csv_rows, tmp_path, capsys):
    """An .onnx teacher gets the rows as floats: a column holding a word failed with numpy's
    "could not convert string to float: 'oops'", naming neither the column nor the file."""
    pd = pytest.importorskip("pandas")
    train, _ = csv_rows
    df = pd.read_csv(train)
    df["b"] = df["b"].astype(object)
    df.loc[7, "b"] = "oops"
    df.to_csv(tmp_path / "oops.csv", index=False)
    for argv in (["distill", "-o", str(tmp_path / "t.json")], ["report", "-o", str(tmp_path / "r.html")]):
        assert main([*argv, "--teacher", str(onnx_file), "--data", str(tmp_path / "oops.csv")]) == 2
        err = capsys.readouterr().err
        assert f"column 'b' of {tmp_path / 'oops.csv'} is not numeric (row 7: 'oops')" in err


def test_an_onnx_pipeline_with_an_input_per_column_takes_the_csv_as_a_dataframe(tmp_path, capsys):
    """skl2onnx writes a pipeline with a ColumnTransformer as one input per column ('color' a string):
    the CLI handed every .onnx teacher a float array, so distill stopped at "column 'color' of
    rows.csv is not numeric"."""
    from _onnx_support import pipeline_model, pipeline_rows

    teacher = tmp_path / "pipeline.onnx"
    teacher.write_bytes(pipeline_model())
    pipeline_rows(400).to_csv(tmp_path / "rows.csv", index=False)
    hold = pipeline_rows(200, seed=1)
    labels = pytest.importorskip("onnxruntime").InferenceSession(str(teacher), providers=["CPUExecutionProvider"]).run(
        ["output_label"], {"age": hold[["age"]].to_numpy(np.float32), "kids": hold[["kids"]].to_numpy(),
                           "color": hold[["color"]].to_numpy(object)})[0]
    hold.assign(label=labels).to_csv(tmp_path / "hold.csv", index=False)
    out = tmp_path / "tree.json"
    assert main(["distill", "--teacher", str(teacher), "--data", str(tmp_path / "rows.csv"), "--max-size", "8",
                 "-o", str(out)]) == 0
    tree = sd.load(out)
    assert tree.feature_names == ["age", "kids", "color"] and tree.classes.tolist() == ["no", "yes"]
    assert tree.domain.features[2].categories == tuple(sorted(set(hold["color"])))
    capsys.readouterr()
    assert main(["evaluate", str(out), "--teacher", str(teacher), "--data", str(tmp_path / "hold.csv"),
                 "--label", "label"]) == 0
    text = capsys.readouterr().out
    fidelity, accuracy = (float(text.split(word)[1].split()[0]) for word in ("fidelity ", "accuracy "))
    assert fidelity == accuracy == float(sd.fidelity(tree, teacher, hold)) and fidelity > 0.85  # label: the teacher's
    assert main(["distill", "--teacher", str(teacher), "--data", str(tmp_path / "rows.csv"), "--drop", "kids",
                 "-o", str(out)]) == 2
    assert "onnx pipeline.onnx takes one feature per input, inputs ['age', 'kids', 'color'], and the rows have " \
           "columns ['age', 'color']: no column for input 'kids'" in capsys.readouterr().err


def test_as_array_for_an_onnx_pipeline_is_refused_naming_the_flag(tmp_path, capsys):
    """--as-array for an ONNX model of an input per column (or a string input) stopped at its string column,
    "column 'color' of rows.csv is not numeric ...: --drop the column or encode it", advice the model
    cannot take, or (with the column dropped) at the teacher's "give the rows as a pandas DataFrame"; the
    flag is refused now, before the rows are read, naming it."""
    from _onnx_support import pipeline_model, pipeline_rows

    (tmp_path / "pipeline.onnx").write_bytes(pipeline_model())
    pipeline_rows(50).to_csv(tmp_path / "rows.csv", index=False)
    argv = ["--teacher", str(tmp_path / "pipeline.onnx"), "--data", str(tmp_path / "rows.csv"), "--as-array"]
    assert main(["distill", "-o", str(tmp_path / "m.json"), "--max-size", "2", *argv[:-1]]) == 0
    capsys.readouterr()
    for command in (["distill", "-o", str(tmp_path / "t.json")], ["evaluate", str(tmp_path / "m.json")]):
        assert main([*command, *argv]) == 2
        assert capsys.readouterr().err.endswith(
            f"error: --as-array hands the teacher a float array, and {tmp_path / 'pipeline.onnx'} takes a DataFrame's "
            "columns (one input per column): leave out --as-array\n")


def test_columns_an_onnx_pipeline_has_no_input_for_are_named_with_the_drop_to_write(tmp_path, capsys):
    """An ONNX model of an input per column given a CSV with other columns too (adult's 14, for a model of
    4) stopped at the teacher's first batch with "no input for columns ...", the rows' columns listed in full,
    in distill and report alike; the command now names those columns and the whole --drop to write."""
    from _onnx_support import pipeline_model, pipeline_rows

    pytest.importorskip("matplotlib")  # report's
    (tmp_path / "pipeline.onnx").write_bytes(pipeline_model())
    pipeline_rows(200).assign(id=range(200), y=0).to_csv(tmp_path / "rows.csv", index=False)
    argv = ["--teacher", str(tmp_path / "pipeline.onnx"), "--data", str(tmp_path / "rows.csv"), "--drop", "y"]
    for command in (["distill", "-o", str(tmp_path / "m.json")], ["report", "-o", str(tmp_path / "r.html")]):
        assert main([*command, *argv]) == 2
        assert capsys.readouterr().err.endswith(
            f"pipeline.onnx takes one column per input (age, kids, color), and {tmp_path / 'rows.csv'} has 1 other "
            "column ('id'): --drop y,id\n")
    assert main(["distill", "-o", str(tmp_path / "m.json"), *argv[:-1], "y,id", "--max-size", "4"]) == 0


def test_the_drop_to_write_for_a_column_whose_name_holds_a_comma_is_a_json_list(tmp_path, capsys):
    """The --drop that an ONNX pipeline's error said to write joined the columns with commas, so a column
    whose name holds one ('Income, USD', a quoted header) was split in two by it, which --drop then refused
    ('Income' is no column); it is now a JSON list, which --drop takes as written."""
    from _onnx_support import pipeline_model, pipeline_rows

    (tmp_path / "pipeline.onnx").write_bytes(pipeline_model())
    pipeline_rows(200).assign(**{"Income, USD": 1.5, "id": range(200)}).to_csv(tmp_path / "rows.csv", index=False)
    argv = ["--teacher", str(tmp_path / "pipeline.onnx"), "--data", str(tmp_path / "rows.csv")]
    assert main(["distill", "-o", str(tmp_path / "m.json"), *argv]) == 2
    written = """'["Income, USD", "id"]'"""
    assert capsys.readouterr().err.endswith(f"2 other columns ('Income, USD', 'id'): --drop {written}\n")
    assert main(["distill", "-o", str(tmp_path / "m.json"), *argv, "--drop", written[1:-1], "--max-size", "4"]) == 0


def test_a_csv_column_of_codes_feeds_an_onnx_string_input_as_written(tmp_path, capsys):
    """pandas read the codes 01, 02, 3 as the numbers 1, 2, 3, which the string input refused
    ("takes strings (tensor(string)), got 3"), with --categorical too: the column is now read as text."""
    pd = pytest.importorskip("pandas")
    from onnx import TensorProto, helper
    from _onnx_support import onnx_model

    teacher = tmp_path / "zone.onnx"
    teacher.write_bytes(onnx_model([helper.make_node("LabelEncoder", ["zone"], ["y"], domain="ai.onnx.ml",
                                                     keys_strings=["01", "02", "3"], values_floats=[1.5, 2.5, 4.25],
                                                     default_float=-1.0)],
                                   [("zone", TensorProto.STRING, [None, 1])], [("y", TensorProto.FLOAT, [None, 1])]))
    (tmp_path / "rows.csv").write_text("zone,size\n" + "".join(f"{z},{i}\n" for i, z in enumerate(["01", "02", "3"] * 20)))
    out = tmp_path / "zone.json"
    assert main(["distill", "--teacher", str(teacher), "--data", str(tmp_path / "rows.csv"), "--drop", "size",
                 "--task", "regression", "--max-size", "3", "-o", str(out)]) == 0
    model = sd.load(out)
    assert model.domain.features[0].categories == ("01", "02", "3")
    assert model.predict(pd.DataFrame({"zone": ["01", "02", "3"]})).tolist() == [1.5, 2.5, 4.25]
    capsys.readouterr()
    assert main(["evaluate", str(out), "--teacher", str(teacher), "--data", str(tmp_path / "rows.csv"),
                 "--drop", "size"]) == 0
    assert "fidelity R2 1.0000" in capsys.readouterr().out


def test_a_repeated_column_name_in_a_csv_is_refused(onnx_file, csv_rows, tmp_path, capsys):
    """pandas reads a header 'a,b,a' as columns a, b, a.1: the model was distilled over a feature 'a.1'
    that the file does not name, and the teacher got the renamed column."""
    train, _ = csv_rows
    lines = train.read_text().splitlines()
    (tmp_path / "dup.csv").write_text("\n".join(["a,b,a", *lines[1:]]) + "\n")
    for argv in (["distill", "-o", str(tmp_path / "t.json")], ["report", "-o", str(tmp_path / "r.html")]):
        assert main([*argv, "--teacher", str(onnx_file), "--data", str(tmp_path / "dup.csv")]) == 2
        err = capsys.readouterr().err
        assert f"duplicate column name 'a' in the header of {tmp_path / 'dup.csv'}" in err
        assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "t.json").exists()


def test_a_csv_column_with_no_name_is_refused_unless_dropped(csv_rows, tmp_path, monkeypatch, capsys):
    """DataFrame.to_csv writes the index as a first column with an empty name: pandas reads it back as
    'Unnamed: 0', and a teacher taking columns by position got the row numbers as its first feature, so
    the model split on the index alone."""
    pd = pytest.importorskip("pandas")
    train, hold = csv_rows
    pd.read_csv(train).to_csv(tmp_path / "indexed.csv")  # index=True: header ',a,b,c'
    pd.read_csv(hold).to_csv(tmp_path / "indexed_hold.csv")
    (tmp_path / "by_position.py").write_text(
        "import numpy as np\n"
        "def predict(X):\n"
        "    return (np.asarray(X, dtype=float)[:, 0] > 0.5).astype(int)\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    out = tmp_path / "t.json"
    base = ["--teacher", "by_position:predict", "--data", str(tmp_path / "indexed.csv")]
    for argv in (["distill", *base, "-o", str(out)], ["report", *base, "-o", str(tmp_path / "r.html")]):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert f"column 1 of {tmp_path / 'indexed.csv'} has no name in the header" in err
        assert "--drop 'Unnamed: 0'" in err and len(err.strip().splitlines()) == 1
    assert not out.exists()
    assert main(["distill", *base, "--drop", "Unnamed: 0", "--max-size", "4", "-o", str(out)]) == 0
    assert sd.load(out).feature_names == ["a", "b", "c"]
    capsys.readouterr()
    assert main(["evaluate", str(out), "--teacher", "by_position:predict", "--data", str(tmp_path / "indexed_hold.csv"),
                 "--drop", "Unnamed: 0", "--label", "label"]) == 0
    assert "against --label label" in capsys.readouterr().out


def test_a_csv_with_another_separator_is_named(onnx_file, csv_rows, tmp_path, monkeypatch, capsys):
    """A semicolon-separated .csv was read as one column of text 'a;b;c': the error blamed the teacher
    ("callable predict raised ValueError ... could not convert string to float") or the column, not the file."""
    pd = pytest.importorskip("pandas")
    train, _ = csv_rows
    pd.read_csv(train).to_csv(tmp_path / "semi.csv", sep=";", index=False)
    pd.read_csv(train).to_csv(tmp_path / "comma.tsv", index=False)
    (tmp_path / "as_floats.py").write_text(
        "import numpy as np\n"
        "def predict(X):\n"
        "    return (np.asarray(X, dtype=float)[:, 0] > 0.5).astype(int)\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    for data, message in (("semi.csv", "looks ';'-separated (header 'a;b;c' is one column): .csv files are read "
                                       "','-separated"),
                          ("comma.tsv", "looks ','-separated (header 'a,b,c' is one column)")):
        for teacher in ("as_floats:predict", str(onnx_file)):
            assert main(["distill", "--teacher", teacher, "--data", str(tmp_path / data),
                         "-o", str(tmp_path / "t.json")]) == 2
            err = capsys.readouterr().err
            assert f"{tmp_path / data} {message}" in err and len(err.strip().splitlines()) == 1


def test_a_csv_with_semicolons_and_decimal_commas_is_named_semicolon_separated(tmp_path, capsys):
    """A .csv as a spreadsheet writes it in much of Europe (`;` between fields, `,` in the numbers:
    `0,5;1,25`) was refused as "line 2 has 3 fields, but the header names 1 column": the decimal commas
    made it ragged before the separator was looked at, so the error blamed the rows, not the separator."""
    pd = pytest.importorskip("pandas")
    X = np.random.default_rng(0).uniform(size=(30, 3))
    sd.distill(lambda Z: (Z[:, 0] > 0.5).astype(int), X, feature_names=["a", "b", "c"],
               max_size=2).to_json(tmp_path / "m.json")
    pd.DataFrame(X, columns=["a", "b", "c"]).to_csv(tmp_path / "euro.csv", sep=";", decimal=",", index=False)
    assert main(["predict", str(tmp_path / "m.json"), "--data", str(tmp_path / "euro.csv")]) == 2
    err = capsys.readouterr().err
    assert "euro.csv looks ';'-separated (header 'a;b;c' is one column)" in err and err.count("\n") == 1


def test_a_csv_whose_lines_end_in_a_separator_is_named_so(tmp_path, capsys):
    """A CSV whose every line, header too, ends in ',' (as some exporters write it) has an empty last
    column with no name; the error blamed "an index written by DataFrame.to_csv?", which it is not."""
    X = np.random.default_rng(0).uniform(size=(30, 2))
    sd.distill(lambda Z: (Z[:, 0] > 0.5).astype(int), X, feature_names=["a", "b"],
               max_size=2).to_json(tmp_path / "m.json")
    (tmp_path / "rows.csv").write_text("a,b,\n" + "".join(f"{x},{y},\n" for x, y in X))
    assert main(["predict", str(tmp_path / "m.json"), "--data", str(tmp_path / "rows.csv")]) == 2
    err = capsys.readouterr().err
    assert "column 3 of " in err and "has no name in the header and no value (a ',' at the end of every line?): " \
        "--drop 'Unnamed: 2'" in err and "DataFrame.to_csv" not in err
    assert main(["predict", str(tmp_path / "m.json"), "--data", str(tmp_path / "rows.csv"), "--drop", "Unnamed: 2"]) == 0


def test_a_data_file_that_cannot_be_read_is_a_one_line_error(csv_rows, tmp_path, capsys):
    """pyarrow's error for a Parquet file naming a column twice ran over seven lines (the file's schema);
    pandas' for a ragged CSV ended in a blank line."""
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    train, _ = csv_rows
    pq.write_table(pa.table([pa.array([0.1, 0.7]), pa.array([0.2, 0.3]), pa.array([0.5, 0.9])],
                            names=["a", "b", "a"]), tmp_path / "dup.parquet")
    (tmp_path / "ragged.csv").write_text(train.read_text() + "1,2,3,4\n")
    for data, reason in (("dup.parquet", "FieldRef.Name(a)"), ("ragged.csv", "Expected 3 fields")):
        assert main(["distill", "--teacher", "x:y", "--data", str(tmp_path / data),
                     "-o", str(tmp_path / "t.json")]) == 2
        err = capsys.readouterr().err
        assert f"cannot read {tmp_path / data}: " in err and reason in err
        assert err.count("\n") == 1


def test_evaluate_a_saved_model_hands_the_teacher_its_column_dtypes(tmp_path, monkeypatch, capsys):
    """A model distilled from a DataFrame with bool, int8 and category columns, saved, then evaluated
    from a CSV (read back as bool, int64, str): the teacher got float64 columns, and ``~X['flag']``
    failed on every batch."""
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"flag": rng.integers(0, 2, 300).astype(bool),
                       "small": rng.integers(100, 128, 300).astype(np.int8),
                       "color": pd.Categorical(rng.choice(["r", "g", "b"], 300))})
    (tmp_path / "typed_teacher.py").write_text(
        "def predict(X):\n"
        "    assert [str(t) for t in X.dtypes] == ['bool', 'int8', 'category'], X.dtypes\n"
        "    return ((~X['flag'] & (X['small'] + 1 > 0)) | (X['color'] == 'r')).astype(int).to_numpy()\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    from typed_teacher import predict

    model = sd.distill(predict, df, max_size=8, random_state=0)
    model.to_json(tmp_path / "m.json")
    df.to_csv(tmp_path / "rows.csv", index=False)
    assert main(["evaluate", str(tmp_path / "m.json"), "--teacher", "typed_teacher:predict",
                 "--data", str(tmp_path / "rows.csv")]) == 0
    reported = float(capsys.readouterr().out.split("fidelity ")[1].split()[0])
    assert reported == pytest.approx(float(sd.fidelity(model, predict, df)), abs=1e-3)


def test_a_model_distilled_from_an_unnamed_array_says_so_when_given_named_columns(tmp_path, capsys):
    """A tree distilled from iris as an array (X.to_numpy(), no feature_names=) has the features x0..x3; given
    the iris DataFrame (sd.fidelity, predict) or its CSV (evaluate, predict on the command line) it was refused
    as "missing ['x0', 'x1', 'x2', 'x3'], unknown ['sepal length (cm)', ...]", with no word of why the model's
    features have those names or what to do. The refusal now says so."""
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    df = pd.DataFrame(rng.normal(size=(200, 3)), columns=["height", "width", "depth"])
    teacher = lambda X: (np.asarray(X, dtype=float)[:, 0] > 0).astype(int)  # noqa: E731
    model = sd.distill(teacher, df.to_numpy(), max_size=2, random_state=0, progress=False)
    note = (r"missing \['x0', 'x1', 'x2'\], unknown \['height', 'width', 'depth'\] \(the model's features are "
            r"unnamed, x0, x1, \.\.\.: it was distilled from an array without feature_names=\[\.\.\.\]; distill it "
            r"with the columns' names, or give it the rows {}\)")
    python = note.format(r"as an array, in the order distilled \(X\.to_numpy\(\)\)")
    for call in (lambda: model.predict(df), lambda: sd.fidelity(model, teacher, df)):
        with pytest.raises(sd.DataError, match=python):
            call()
    assert model.predict(df.to_numpy()).tolist() == teacher(df).tolist()
    model.to_json(tmp_path / "m.json")
    df.to_csv(tmp_path / "rows.csv", index=False)
    command_line = note.format(r"in a file whose columns are named x0, x1, \.\.\. in the order distilled")
    for argv in (["predict", str(tmp_path / "m.json")], ["evaluate", str(tmp_path / "m.json"), "--teacher",
                                                         "numpy:ones_like"]):
        assert main([*argv, "--data", str(tmp_path / "rows.csv")]) == 2
        assert re.search(command_line, capsys.readouterr().err)
    # a model distilled from a DataFrame whose columns are named x0, x1, x2 was not distilled from an array
    named = sd.distill(teacher, df.set_axis(["x0", "x1", "x2"], axis=1), max_size=2, random_state=0, progress=False)
    named.to_json(tmp_path / "named.json")
    with pytest.raises(sd.DataError, match=r"unknown \['height', 'width', 'depth'\]$"):
        named.predict(df)
    assert main(["predict", str(tmp_path / "named.json"), "--data", str(tmp_path / "rows.csv")]) == 2
    assert "unknown ['height', 'width', 'depth'] (--keep" in capsys.readouterr().err


@pytest.mark.parametrize("names", [["0", "1"], ["01", "02"]])
def test_evaluate_reads_the_true_labels_of_a_model_of_text_classes_as_written(names, tmp_path, monkeypatch, capsys):
    """A classifier fitted on the labels '0' and '1' as text (read from a file as written), distilled and
    evaluated with --label against the file that holds them: pandas read the column as the numbers 0 and 1
    (01 as 1), and evaluate refused every label as none of the model's classes ['0', '1'] ('give labels in
    the classes' terms'), which the file already does. The label column is now read as written where the
    model's classes are text, as the model's text categories are."""
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"a": rng.normal(size=300), "b": rng.normal(size=300)})
    module = f"text_teacher_{names[0]}"  # one module per case: an import is cached
    (tmp_path / f"{module}.py").write_text(
        f"import numpy as np\nNAMES = np.array({names!r})\n"
        "def predict(X):\n    return NAMES[(X['a'] > 0).to_numpy().astype(int)]\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    predict = __import__(module).predict

    df.to_csv(tmp_path / "rows.csv", index=False)
    assert main(["distill", "--teacher", f"{module}:predict", "--data", str(tmp_path / "rows.csv"),
                 "--max-size", "2", "-o", str(tmp_path / "m.json")]) == 0
    assert sd.load(tmp_path / "m.json").classes.tolist() == names
    truth = predict(df)
    truth[:30] = np.where(truth[:30] == names[0], names[1], names[0])  # 30 rows wrong: accuracy 0.9
    df.assign(y=truth).to_csv(tmp_path / "labelled.csv", index=False)
    capsys.readouterr()
    assert main(["evaluate", str(tmp_path / "m.json"), "--teacher", f"{module}:predict",
                 "--data", str(tmp_path / "labelled.csv"), "--label", "y"]) == 0
    out = capsys.readouterr().out
    assert "fidelity 1.0000" in out and "against --label y: accuracy 0.9000" in out


@pytest.mark.parametrize(
    "argv, message",
    [
        (["distill", "--teacher", "nope.onnx", "--data", "x.csv", "-o", "o.json"], "data file not found"),
        (["show", "missing.json"], "model file not found"),
        (["show", "."], "model file . is a directory"),
        (["distill", "--teacher", "weird.bin", "--data", "{rows}", "-o", "o.json"], "cannot load teacher"),
        (["distill", "--teacher", "{onnx}", "--data", "{rows}", "--form", "forest", "-o", "o.json"], "unknown form"),
        (["distill", "--teacher", "{onnx}", "--data", "{rows}", "--drop", "zzz", "-o", "o.json"], "column 'zzz'"),
    ],
)
def test_user_errors_exit_2_with_message(argv, message, csv_rows, onnx_file, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    argv = [a.format(rows=csv_rows[0], onnx=onnx_file) for a in argv]
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_a_directory_named_as_a_file_to_read_is_called_one(tmp_path, capsys):
    """`--data .` or a folder given as the model said "data file not found: ." (or "model file not
    found"), sending the user to look for a file that is there: the path is a directory."""
    pytest.importorskip("pandas")
    (tmp_path / "rows").mkdir()
    X = np.random.default_rng(0).uniform(size=(40, 2))
    sd.distill(lambda Z: (Z[:, 0] > 0.5).astype(int), X, max_size=2).to_json(tmp_path / "tree.json")
    sd.DFA.from_regex("(0|1)*1", "01").to_json(tmp_path / "dfa.json")
    rows, tree, dfa = str(tmp_path / "rows"), str(tmp_path / "tree.json"), str(tmp_path / "dfa.json")
    for argv, what in ((["predict", tree, "--data", rows], "data file"),
                       (["predict", dfa, "--data", rows], "data file"),
                       (["evaluate", tree, "--teacher", "x.onnx", "--data", rows], "data file"),
                       (["show", rows], "model file"),
                       (["predict", rows, "--data", rows], "model file")):
        assert main(argv) == 2, argv
        err = capsys.readouterr().err
        assert f"{what} {rows} is a directory, not a file" in err and err.count("\n") == 1, (argv, err)
    # a named pipe (as `--data <(...)` gives, /dev/fd/63) was "not found" too; a table is read more than once
    os.mkfifo(tmp_path / "pipe.csv")
    assert main(["predict", tree, "--data", str(tmp_path / "pipe.csv")]) == 2
    assert f"data file {tmp_path / 'pipe.csv'} is not a regular file (a pipe or a device?): save it to a file " \
           "first" in capsys.readouterr().err


def test_malformed_model_file(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"format": "symdistill", "version": 1, "kind": "tree", "task": "classification"}))
    assert main(["show", str(bad)]) == 2
    assert "missing field" in capsys.readouterr().err


def test_demo_runs_offline(capsys):
    pytest.importorskip("torch")
    assert main(["demo", "--max-size", "4"]) == 0
    out = capsys.readouterr().out
    assert "fidelity to the network" in out and "JSON round trip: identical predictions" in out


def test_demo_refuses_a_size_before_training(capsys):
    """`demo --max-size 0` trained the network for seconds, then failed in the distillation."""
    with pytest.raises(SystemExit) as info:
        main(["demo", "--max-size", "0"])
    captured = capsys.readouterr()
    assert info.value.code == 2 and "must be a positive integer, got '0'" in captured.err
    assert "training" not in captured.out


def test_train_mlp_leaves_the_global_torch_rng_alone():
    """train_mlp seeds its own training; it reset the caller's torch.manual_seed stream."""
    torch = pytest.importorskip("torch")
    from symdistill.demo import train_mlp

    X = np.random.default_rng(0).uniform(size=(60, 3))
    y = (X[:, 0] > 0.5).astype(int)
    torch.manual_seed(99)
    expected = torch.rand(3)
    torch.manual_seed(99)
    a = train_mlp(X, y, hidden=(4,), epochs=2, seed=5)
    assert torch.equal(torch.rand(3), expected)
    b = train_mlp(X, y, hidden=(4,), epochs=2, seed=5)  # the seed still decides the network
    assert all(torch.equal(p, q) for p, q in zip(a.state_dict().values(), b.state_dict().values()))


def test_automaton_command_learns_tomita4(tmp_path, monkeypatch, capsys):
    (tmp_path / "seq_teacher.py").write_text(
        "def no_triple_zero(words):\n"
        "    return ['000' not in w for w in words]\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    out, dot = tmp_path / "dfa.json", tmp_path / "dfa.dot"
    assert main(["automaton", "--teacher", "seq_teacher:no_triple_zero", "--alphabet", "0,1", "-o", str(out),
                 "--dot", str(dot)]) == 0
    dfa = sd.load(out)
    assert dfa.size == 4 and dfa.accepts("0010") and not dfa.accepts("10001")
    assert dot.read_text().startswith("digraph")
    assert main(["automaton", "--teacher", "seq_teacher:no_triple_zero", "--alphabet", "", "-o", str(out)]) == 2


def test_an_onnx_file_is_not_taken_for_a_sequence_teacher(tmp_path, capsys):
    """It was read as TorchScript: 'PytorchStreamReader failed ... not a ZIP archive'."""
    pytest.importorskip("torch")
    model = tmp_path / "net.onnx"
    model.write_bytes(b"not really onnx")
    assert main(["automaton", "--teacher", str(model), "--alphabet", "0,1", "-o", str(tmp_path / "a.json")]) == 2
    assert "ONNX models are not sequence teachers" in capsys.readouterr().err


def test_show_into_a_pipe_that_closes_early_is_quiet(tmp_path):
    """`symdistill show big.json | head -1`: no BrokenPipeError traceback, exit 0."""
    X = np.random.default_rng(0).uniform(size=(400, 3))
    tree = sd.distill(lambda X: (X[:, 0] > X[:, 1]).astype(int), X, max_size=64, random_state=0, n_samples=2000)
    tree.to_json(tmp_path / "t.json")
    cmd = f"{sys.executable} -m symdistill.cli show {tmp_path / 't.json'} | head -c 10"
    done = subprocess.run(["bash", "-o", "pipefail", "-c", cmd], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stderr == "" and len(done.stdout) == 10


def test_python_dash_m_runs_the_command():
    """``python -m symdistill`` is the command where its script is not on PATH (it had no __main__)."""
    done = subprocess.run([sys.executable, "-m", "symdistill", "--help"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "distill" in done.stdout


@pytest.mark.parametrize("source, reason", [("raise RuntimeError('no GPU here')\n", "RuntimeError: no GPU here"),
                                            ("def f(:\n", "SyntaxError: invalid syntax")])
def test_teacher_module_that_fails_to_import_is_a_one_line_error(tmp_path, monkeypatch, capsys, source, reason):
    """A module:attribute teacher whose module raises on import (not an ImportError) was a traceback."""
    (tmp_path / "broken_teacher.py").write_text(source)
    monkeypatch.syspath_prepend(str(tmp_path))
    assert main(["automaton", "--teacher", "broken_teacher:f", "--alphabet", "0,1",
                 "-o", str(tmp_path / "dfa.json")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("symdistill automaton: error: cannot import teacher module 'broken_teacher'")
    assert reason in err and err.count("\n") == 1


def test_torchscript_sequence_teacher_failure_is_one_line(tmp_path, capsys):
    """The TorchScript interpreter's error is both tracebacks then the error: the `error:` line quoted all
    of them (dozens of lines); it keeps the error, here an alphabet larger than the embedding."""
    pytest.importorskip("torch")
    from _torch_support import save_step_net

    save_step_net(tmp_path / "step.pt")
    out = str(tmp_path / "dfa.json")
    assert main(["automaton", "--teacher", str(tmp_path / "step.pt"), "--alphabet", "0,1", "--max-states", "4",
                 "-o", out]) == 0
    capsys.readouterr()
    assert main(["automaton", "--teacher", str(tmp_path / "step.pt"), "--alphabet", "0,1,2", "-o", out]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "raised RuntimeError: index out of range in self. Likely cause: the alphabet has 3 symbols" in err


def _last_symbol_is_one_gru(torch, path):
    """A TorchScript GRU cell, weights set by hand, whose output is the probability that the word ends in 1."""

    class StepGRU(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.embedding, self.cell, self.head = torch.nn.Embedding(2, 1), torch.nn.GRUCell(1, 1), torch.nn.Linear(1, 1)
            with torch.no_grad():
                self.embedding.weight.copy_(torch.tensor([[-3.0], [3.0]]))
                for p in self.cell.parameters():
                    p.zero_()
                self.cell.bias_ih[1] = -20.0  # update gate shut: the new state is tanh(embedding), the last symbol
                self.cell.weight_ih[2, 0] = 1.0
                self.head.weight.fill_(5.0)
                self.head.bias.fill_(-1.0)

        @torch.jit.export
        def initial_state(self, n: int) -> torch.Tensor:
            return torch.zeros(n, 1)

        @torch.jit.export
        def step(self, h: torch.Tensor, tokens: torch.Tensor) -> torch.Tensor:
            return self.cell(self.embedding(tokens), h)

        @torch.jit.export
        def readout(self, h: torch.Tensor) -> torch.Tensor:
            return torch.sigmoid(self.head(h))

        def forward(self, h: torch.Tensor) -> torch.Tensor:
            return self.readout(h)

    torch.jit.save(torch.jit.script(StepGRU()), str(path))


def test_automaton_teacher_output_probability(tmp_path, monkeypatch, capsys):
    """The CLI had no way to say a torch module answers a probability: it was read as a logit, so every
    word (probability > 0) was accepted and a one-state automaton came out. --teacher-output probability
    reads it as sd.as_sequence_teacher(module, alphabet, output="probability") does."""
    torch = pytest.importorskip("torch")
    _last_symbol_is_one_gru(torch, tmp_path / "gru.pt")
    out = str(tmp_path / "dfa.json")
    assert main(["automaton", "--teacher", str(tmp_path / "gru.pt"), "--alphabet", "0,1", "--teacher-output",
                 "probability", "-o", out]) == 0
    dfa = sd.load(out)
    assert dfa.equivalent(sd.DFA.from_regex(".*1", "01")) and dfa.size == 2
    (tmp_path / "words.txt").write_text("\n1\n10\n0101\n")
    assert main(["evaluate", out, "--teacher", str(tmp_path / "gru.pt"), "--teacher-output", "probability",
                 "--data", str(tmp_path / "words.txt")]) == 0
    assert "fidelity 1.0000" in capsys.readouterr().out
    assert main(["evaluate", out, "--teacher", str(tmp_path / "gru.pt"), "--data", str(tmp_path / "words.txt")]) == 0
    assert "fidelity 0.5000" in capsys.readouterr().out  # read as logits, the empty word and 10 are accepted
    # only a torch module has an output column to read; a tabular model's teacher is not a sequence teacher
    (tmp_path / "seq_fn.py").write_text("def ends_in_1(words):\n    return [w.endswith('1') for w in words]\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert main(["automaton", "--teacher", "seq_fn:ends_in_1", "--alphabet", "0,1", "--teacher-output", "logit",
                 "-o", out]) == 2
    assert "--teacher-output reads a torch module's output column, and seq_fn:ends_in_1 is a function" in \
        capsys.readouterr().err
    X = np.random.default_rng(0).uniform(size=(50, 2))
    sd.distill(lambda Z: (Z[:, 0] > 0.5).astype(int), X, max_size=2).to_json(tmp_path / "tree.json")
    pd = pytest.importorskip("pandas")
    pd.DataFrame(X, columns=["x0", "x1"]).to_csv(tmp_path / "rows.csv", index=False)
    assert main(["evaluate", str(tmp_path / "tree.json"), "--teacher", str(tmp_path / "gru.pt"), "--teacher-output",
                 "probability", "--data", str(tmp_path / "rows.csv")]) == 2
    assert "--teacher-output applies to automata" in capsys.readouterr().err


def test_an_output_that_is_another_file_of_the_command_is_refused(tmp_path, monkeypatch, capsys):
    """`automaton -o dfa.json --dot dfa.json` wrote the JSON, then the DOT over it: the model was lost and
    the command said it wrote dfa.json. `export m.json -o m.json` overwrote the model with its export."""
    (tmp_path / "seq_even.py").write_text("def even(words):\n    return [len(w) % 2 == 0 for w in words]\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.chdir(tmp_path)
    out = str(tmp_path / "dfa.json")
    assert main(["automaton", "--teacher", "seq_even:even", "--alphabet", "0,1", "-o", out, "--dot", "dfa.json"]) == 2
    assert f"--dot 'dfa.json' is the same file as -o {out!r}" in capsys.readouterr().err
    assert not (tmp_path / "dfa.json").exists()
    assert main(["automaton", "--teacher", "seq_even:even", "--alphabet", "0,1", "-o", out]) == 0
    before = (tmp_path / "dfa.json").read_text()
    (tmp_path / "link.json").symlink_to(tmp_path / "dfa.json")
    for target in ("python", "c", "json"):
        assert main(["export", out, "--to", target, "-o", str(tmp_path / "link.json")]) == 2
        assert "is the same file as the model" in capsys.readouterr().err
    assert (tmp_path / "dfa.json").read_text() == before
    with pytest.raises(SystemExit) as info:  # named by its flag, before the teacher is loaded
        main(["automaton", "--teacher", "seq_even:even", "--alphabet", "0,1", "--max-states", "0", "-o", out])
    assert info.value.code == 2 and "argument --max-states: must be a positive integer, got '0'" in capsys.readouterr().err


def test_automaton_that_cannot_be_drawn_writes_no_json(tmp_path, monkeypatch, capsys):
    """`automaton -o dfa.json --dot dfa.dot` wrote dfa.json, then failed rendering the DOT (a symbol that
    is a lone surrogate, as Linux hands over a non-UTF-8 byte of the command line) and exited 2: the
    command failed but left its JSON behind. The DOT is now rendered before either file is written."""
    (tmp_path / "seq_len.py").write_text("def even(words):\n    return [len(w) % 2 == 0 for w in words]\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.chdir(tmp_path)
    assert main(["automaton", "--teacher", "seq_len:even", "--alphabet", "\udcff,a", "-o", "dfa.json",
                 "--dot", "dfa.dot"]) == 2
    err = capsys.readouterr().err
    assert "lone surrogate" in err and err.count("\n") == 1
    assert not (tmp_path / "dfa.json").exists() and not (tmp_path / "dfa.dot").exists()
    assert main(["automaton", "--teacher", "seq_len:even", "--alphabet", "\udcff,a", "-o", "dfa.json"]) == 0
    assert sd.load(tmp_path / "dfa.json").alphabet == ("\udcff", "a")


def test_automaton_takes_the_other_options_of_distill_automaton(tmp_path, monkeypatch, capsys):
    """The command could not set distill_automaton's other options (the automaton kind, strategy,
    epsilon, max_length, ...) nor the teacher's (batch_size, per_word): --option NAME=VALUE, as distill has."""
    (tmp_path / "seq_opt.py").write_text("LONGEST = [0]\n"
                                         "def even(words):\n    LONGEST[0] = max([LONGEST[0], *map(len, words)])\n"
                                         "    return [len(w) % 2 == 0 for w in words]\n"
                                         "def one(word):\n    return word.count('1') % 3 == 0\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    import seq_opt

    out = str(tmp_path / "m.json")
    assert main(["automaton", "--teacher", "seq_opt:even", "--alphabet", "0,1", "--option", "output=moore",
                 "--option", "strategy=lstar", "--option", "max_length=6", "-o", out]) == 0
    moore = sd.load(out)
    assert moore.kind == "moore" and moore.output("01") is True and seq_opt.LONGEST[0] <= 8  # random words <= 6
    assert main(["automaton", "--teacher", "seq_opt:even", "--alphabet", "0,1", "-o", out]) == 0
    assert sd.load(out).kind == "dfa" and seq_opt.LONGEST[0] > 8  # the default max_length is 30
    assert main(["automaton", "--teacher", "seq_opt:one", "--alphabet", "0,1", "--option", "per_word=true",
                 "--option", "batch_size=7", "-o", out]) == 0
    assert sd.load(out).equivalent(sd.DFA.from_regex("(0*10*10*1)*0*", "01"))
    capsys.readouterr()
    for option, message in [("max_states=3", "--option max_states=...: use --max-states"),
                            ("output=probability", "is read with --teacher-output probability"),
                            ("colour=red", "--option colour=...: not an option of sd.distill_automaton, nor of a "
                                           "callable teacher (word_type, batch_size, per_word"),
                            ("strategy=bogus", "strategy must be one of")]:
        assert main(["automaton", "--teacher", "seq_opt:even", "--alphabet", "0,1", "--option", option, "-o", out]) == 2
        err = capsys.readouterr().err
        assert message in err and err.count("\n") == 1, err


def test_evaluate_an_automaton_on_a_file_of_words(tmp_path, monkeypatch, capsys):
    """`evaluate` of an automaton read --data as a CSV of rows ('0010' became the number 10, the first word
    a header, the empty word dropped) and asked the teacher as a tabular model: it failed. It reads one
    word a line and scores as sd.fidelity does."""
    (tmp_path / "seq_words.py").write_text(
        "def no_triple_zero(words):\n    return ['000' not in w for w in words]\n"
        "def even(words):\n    return [len(w) % 2 == 0 for w in words]\n"
        "def ab_parity(words):\n    return [list(w).count('ab') % 2 == 0 for w in words]\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    import seq_words

    dfa = sd.distill_automaton(seq_words.no_triple_zero, alphabet=["0", "1"], random_state=0)
    dfa.to_json(tmp_path / "dfa.json")
    words = ["0010", "000", "", "1", "0000", "10"]
    (tmp_path / "words.txt").write_text("\n".join(words) + "\n")
    for name in ("no_triple_zero", "even"):
        assert main(["evaluate", str(tmp_path / "dfa.json"), "--teacher", f"seq_words:{name}",
                     "--data", str(tmp_path / "words.txt")]) == 0
        out = capsys.readouterr().out
        assert str(sd.fidelity(dfa, getattr(seq_words, name), words)) in out
    assert "fidelity 0.6667" in out and "(n=6)" in out  # even length: '1' and '0000' disagree, the empty word counts

    multi = sd.distill_automaton(seq_words.ab_parity, alphabet=["ab", "c"], random_state=0)
    multi.to_json(tmp_path / "multi.json")
    (tmp_path / "multi.txt").write_text("ab,c\n\nab,ab\nc\n")
    assert main(["evaluate", str(tmp_path / "multi.json"), "--teacher", "seq_words:ab_parity",
                 "--data", str(tmp_path / "multi.txt")]) == 0
    out = capsys.readouterr().out
    assert "fidelity 1.0000" in out and "(n=4)" in out
    # a bad symbol is named with its line (the error named the word only); a byte-order mark is said to be one
    for text, message in [("01\n012\n", "line 2 of {}: symbol '2' is not in the alphabet ['0', '1']\n"),
                          ("\ufeff01\n", "line 1 of {}: symbol '\\ufeff' is not in the alphabet ['0', '1'] "
                                          "(a byte-order mark: save the file as UTF-8 without one)")]:
        (tmp_path / "bad.txt").write_text(text, encoding="utf-8")
        assert main(["evaluate", str(tmp_path / "dfa.json"), "--teacher", "seq_words:even",
                     "--data", str(tmp_path / "bad.txt")]) == 2
        assert message.format(tmp_path / "bad.txt") in capsys.readouterr().err


def test_automaton_alphabet_is_strict_and_takes_a_json_list(tmp_path, monkeypatch, capsys):
    """--alphabet was split at commas and each symbol stripped, empty ones dropped: "a, ,b" silently gave
    ['a', 'b'], and no symbol could hold a comma or be a space. Empty, repeated and space-padded symbols
    are refused; a JSON list writes any symbols."""
    (tmp_path / "spaces.py").write_text("def even_spaces(words):\n    return [list(w).count(' ') % 2 == 0 for w in words]\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    out = str(tmp_path / "dfa.json")
    for alphabet, message in [("a, ,b", "has the symbol ' ', with spaces around it"),
                              ("a, b", "write the symbols without spaces (a,b)"), ("a,,b", "has an empty symbol"),
                              ("a,b,", "has an empty symbol"), ("a,b,a", "has the symbol 'a' twice"),
                              ('["a", "a"]', "has the symbol 'a' twice"), ("[]", "needs at least one symbol"),
                              ("[,]", "is read as a JSON list of symbols, but it is not JSON"),
                              ("[0, 1]", 'items must be strings (symbols), got 0; write ["0", "1"]')]:
        assert main(["automaton", "--teacher", "spaces:even_spaces", "--alphabet", alphabet, "-o", out]) == 2, alphabet
        err = capsys.readouterr().err
        assert message in err and err.count("\n") == 1, (alphabet, err)
    assert main(["automaton", "--teacher", "spaces:even_spaces", "--alphabet", '["a,b", " ", "c"]', "-o", out]) == 0
    dfa = sd.load(out)
    assert dfa.alphabet == ("a,b", " ", "c") and dfa.size == 2
    assert dfa.accepts(("a,b", " ", " ")) and not dfa.accepts((" ", "c"))

    # evaluate: comma-separated symbols as written, or a JSON list a line
    (tmp_path / "words.txt").write_text('c,c\n[" ", "a,b"]\n\n[]\n[" ", " "]\n')
    assert read_words(str(tmp_path / "words.txt"), dfa.alphabet) == [("c", "c"), (" ", "a,b"), (), (), (" ", " ")]
    assert main(["evaluate", out, "--teacher", "spaces:even_spaces", "--data", str(tmp_path / "words.txt")]) == 0
    assert "fidelity 1.0000" in (printed := capsys.readouterr().out) and "(n=5)" in printed
    for line, message in [("c, c", "line 2 of {}: symbol ' c' is not in the alphabet ['a,b', ' ', 'c'] (symbols are "
                                    "separated by commas alone, without spaces)"),
                          ("a,b", "line 2 of {}: symbol 'a' is not in the alphabet"),
                          ('["c", "d"]', "symbol 'd' is not in the alphabet"),
                          ('["c",', "line 2 of {} starts with '[', so it is read as a JSON list of symbols")]:
        (tmp_path / "bad.txt").write_text(f"c\n{line}\n")
        assert main(["evaluate", out, "--teacher", "spaces:even_spaces", "--data", str(tmp_path / "bad.txt")]) == 2
        err = capsys.readouterr().err
        assert message.format(tmp_path / "bad.txt") in err and err.count("\n") == 1, err


def test_fidelity_of_an_automaton_takes_a_sequence_teacher_or_module():
    """sd.fidelity(dfa, teacher, words) wrapped the teacher as a tabular one: a SequenceTeacher was refused."""
    fn = lambda ws: [w.count("1") % 2 == 0 for w in ws]  # noqa: E731
    dfa = sd.distill_automaton(fn, alphabet=["0", "1"], random_state=0)
    teacher = sd.as_sequence_teacher(fn, alphabet=["0", "1"])
    score = sd.fidelity(dfa, teacher, ["", "1", "0110", "111"])
    assert score.value == 1.0 and score.n == 4


def _words_upto(alphabet, n):
    from itertools import product
    return [w for k in range(n + 1) for w in product(alphabet, repeat=k)]


def test_verify_included_in_flag_agrees_with_brute_force(tmp_path, capsys):
    """--included-in REGEX: exit 0 exactly when every accepted word of length <= 6 matches REGEX
    (these languages differ, when they do, on a word that short), 1 with a counterexample otherwise."""
    import re
    model = sd.DFA.from_regex("(01)*|1+", "01")
    path = tmp_path / "dfa.json"
    model.to_json(path)
    words = ["".join(w) for w in _words_upto("01", 6)]
    for pattern in ["(01)*|1+", "(0|1)*", "(01)*", "1*|0.*", "(01)*1*", "", ".*1|()"]:
        code = main(["verify", str(path), "--included-in", pattern])
        out = capsys.readouterr().out
        brute = all(re.fullmatch(pattern, w) for w in words if model.accepts(w))
        assert code == (0 if brute else 1), (pattern, out)
        assert f"accepted language included in {pattern!r}" in out
    # repeatable, combined with the other automaton flags; one failure makes exit 1
    assert main(["verify", str(path), "--included-in", "(0|1)*", "--included-in", "1*",
                 "--never-accepts", ".*00.*"]) == 1
    assert "2 of 3 constraints hold" in capsys.readouterr().out
    assert main(["verify", str(path), "--included-in", "2"]) == 2
    assert "not in the alphabet" in capsys.readouterr().err


@pytest.mark.parametrize("argv, message", [
    (["-c", "prediction == 1"], "-c/--constraint applies to tabular models"),
    (["--monotonic", "x0"], "--monotonic applies to tabular models"),
    (["--never-accepts", "0", "-c", "prediction == 1"], "-c/--constraint applies to tabular models"),
])
def test_verify_of_an_automaton_names_the_cli_flags(argv, message, tmp_path, capsys):
    path = tmp_path / "dfa.json"
    sd.DFA.from_regex("1*", "01").to_json(path)
    assert main(["verify", str(path), *argv]) == 2
    captured = capsys.readouterr()
    assert message in captured.err
    assert "--never-accepts, --always-accepts, --included-in or --equivalent" in captured.err
    assert "never_accepts" not in captured.err and captured.out == ""  # no verdict printed before the error


def test_verify_automaton_flags_on_a_tabular_model_name_the_cli_flags(tmp_path, capsys):
    rng = np.random.default_rng(0)
    X = rng.uniform(0, 1, (200, 2))
    tree = sd.distill(lambda Z: (Z[:, 0] > 0.5).astype(int), X, max_size=3)
    path = tmp_path / "tree.json"
    tree.to_json(path)
    for flag in ["--never-accepts", "--always-accepts", "--included-in"]:
        assert main(["verify", str(path), flag, "0*"]) == 2
        err = capsys.readouterr().err
        assert f"{flag} applies to automata" in err and "-c/--constraint, --constraint-file, --monotonic" in err
    assert main(["verify", str(path)]) == 2
    assert "--included-in" in capsys.readouterr().err


def test_verify_equivalent_models_of_different_kinds_says_so(tmp_path, capsys):
    """`verify dfa.json --equivalent tree.json` said "expected a regular expression (str) or a DFA, got
    Tree", naming neither file nor flag; a DFA against a Moore machine the same."""
    sd.DFA.from_regex("1*", "01").to_json(tmp_path / "dfa.json")
    MooreMachine(["0", "1"], [[1, 0], [0, 1]], ["x", "y"]).to_json(tmp_path / "moore.json")
    X = np.random.default_rng(0).uniform(size=(100, 2))
    sd.distill(lambda Z: (Z[:, 0] > 0.5).astype(int), X, max_size=2).to_json(tmp_path / "tree.json")
    for a, b in [("dfa", "tree"), ("tree", "dfa"), ("dfa", "moore")]:
        paths = [str(tmp_path / f"{name}.json") for name in (a, b)]
        assert main(["verify", paths[0], "--equivalent", paths[1]]) == 2
        assert (f"--equivalent: {paths[0]} is a {a} model and {paths[1]} a {b} model; equivalence "
                "compares an automaton with one of its kind") in capsys.readouterr().err
    assert main(["verify", str(tmp_path / "dfa.json"), "--equivalent", str(tmp_path / "dfa.json")]) == 0


def test_verify_regex_flags_on_a_multi_character_alphabet(tmp_path, capsys):
    path = tmp_path / "tokens.json"
    sd.DFA.from_regex("<go>(<left>|<right>)*<stop>", ["go", "left", "right", "stop"]).to_json(path)
    assert main(["verify", str(path), "--never-accepts", ".*<stop>.+", "--included-in", "<go>.*"]) == 0
    assert main(["verify", str(path), "--always-accepts", "<go><left>*<stop>", "--never-accepts", ".*<left><left>.*"]) == 1
    assert "counterexample: word ('go', 'left', 'left', 'stop')" in capsys.readouterr().out
    assert main(["verify", str(path), "--never-accepts", "go"]) == 2
    assert "angle brackets, e.g. <go>" in capsys.readouterr().err


def test_evaluate_reads_words_one_a_line_whatever_their_symbols(tmp_path, monkeypatch, capsys):
    """Words were split with str.splitlines, which also breaks lines at form feeds, \\x1c-\\x1e, \\x85
    and \\u2028/\\u2029: over an alphabet holding one of them, a word was read as two words, and the
    fidelity was computed on words that were not in the file, without a word of warning."""
    (tmp_path / "seq_len.py").write_text("def even(words):\n    return [len(w) % 2 == 0 for w in words]\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    for separator in ("\x0c", "\x1c", "\x85", "\u2028"):
        alphabet = ["a", separator]
        dfa = sd.DFA(alphabet, [[1, 1], [0, 0]], [True, False])  # even length
        dfa.to_json(tmp_path / "dfa.json")
        (tmp_path / "words.txt").write_text(f"a{separator}a\n\na\r\n", encoding="utf-8")
        assert main(["evaluate", str(tmp_path / "dfa.json"), "--teacher", "seq_len:even",
                     "--data", str(tmp_path / "words.txt")]) == 0
        assert "fidelity 1.0000" in (out := capsys.readouterr().out) and "(n=3)" in out
        assert read_words(str(tmp_path / "words.txt"), dfa.alphabet) == [f"a{separator}a", "", "a"]


@pytest.mark.parametrize("flag, value", [("--drop", "label,"), ("--categorical", "a,,b")])
def test_distill_refuses_an_empty_list_item_by_its_flag(csv_rows, tmp_path, capsys, flag, value):
    """'--drop label,' and '--categorical a,,b' dropped the empty item without a word."""
    code = main(["distill", "--teacher", "no_such_module:predict", "--data", str(csv_rows[0]), flag, value,
                 "-o", str(tmp_path / "m.json")])
    assert code == 2
    assert f"{flag} {value!r} has an empty item; separate the items by single commas" in capsys.readouterr().err


def test_verify_refuses_an_empty_invariant_feature(tmp_path, capsys):
    """'--invariant a,,b' was read as '--invariant a,b'."""
    X = np.random.default_rng(0).uniform(size=(200, 2))
    sd.distill(lambda X: X[:, 0] > 0.5, X, form="tree", max_size=2, feature_names=["a", "b"]).to_json(tmp_path / "m.json")
    assert main(["verify", str(tmp_path / "m.json"), "--invariant", "a,,b"]) == 2
    assert "--invariant 'a,,b' has an empty item" in capsys.readouterr().err


NAMES = ["benign", "malignant"]


def test_distill_and_evaluate_with_classes_name_the_teachers_outputs(onnx_file, csv_rows, blobs, tmp_path, capsys):
    """The command line had no way to name a network's classes (sd.as_teacher(net, classes=[...])): a
    tabular model's rules said THEN 0 / 1. --classes names them; evaluate of such a model without it told
    the user to call sd.as_teacher, and now names the flag with the model's classes."""
    train, hold = csv_rows
    out = tmp_path / "named.json"
    assert main(["distill", "--teacher", str(onnx_file), "--data", str(train), "--max-size", "4",
                 "--classes", "benign,malignant", "-o", str(out)]) == 0
    model = sd.load(out)
    assert model.classes.tolist() == NAMES
    printed = capsys.readouterr().out
    assert printed == str(model) + "\n" and "-> malignant" in printed and "-> benign" in printed
    evaluate = ["evaluate", str(out), "--teacher", str(onnx_file), "--data", str(hold), "--drop", "label"]
    assert main(evaluate) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1, captured.err
    assert "none of the teacher's labels (0, 1, ...) is one of the model's classes ['benign', 'malignant']" in \
        captured.err and "on the command line: --classes benign,malignant)" in captured.err
    assert main(evaluate + ["--classes", "benign,malignant"]) == 0
    expected = sd.fidelity(model, sd.as_teacher(str(onnx_file), classes=NAMES), blobs[1])
    assert float(expected) > 0.9 and f"\n{expected}\n" in capsys.readouterr().out


def test_classes_as_a_json_list_keep_numbers_and_names_with_commas(onnx_file, csv_rows, tmp_path, capsys):
    train, hold = csv_rows
    for text, classes in [("[0, 1]", [0, 1]), ("[1, 0]", [1, 0]), ('["a,b", "c"]', ["a,b", "c"])]:
        out = tmp_path / "m.json"
        assert main(["distill", "--teacher", str(onnx_file), "--data", str(train), "--max-size", "2",
                     "--classes", text, "-o", str(out)]) == 0
        model = sd.load(out)
        teacher = sd.as_teacher(str(onnx_file), classes=classes)
        assert sorted(model.classes.tolist(), key=str) == sorted(classes, key=str)
        X = np.random.default_rng(1).uniform(size=(300, 3))
        assert float(sd.fidelity(model, teacher, X)) > 0.8
    capsys.readouterr()
    # the flag that the error names, for names that a comma list cannot write, is a JSON list
    assert main(["evaluate", str(out), "--teacher", str(onnx_file), "--data", str(hold), "--drop", "label"]) == 2
    assert "on the command line: --classes '[\"a,b\", \"c\"]')" in capsys.readouterr().err
    assert main(["evaluate", str(out), "--teacher", str(onnx_file), "--data", str(hold), "--drop", "label",
                 "--classes", '["a,b", "c"]']) == 0


BAD_CLASSES = [
    (["--classes", "a,a"], "--classes 'a,a' names the class 'a' twice; list every class once"),
    (["--classes", "[1, 1.0]"], "--classes '[1, 1.0]' names the class 1.0 twice"),
    (["--classes", ""], "--classes '' names no class"),
    (["--classes", "[]"], "--classes '[]' names no class"),
    (["--classes", "a,,b"], "--classes 'a,,b' has an empty item"),
    (["--classes", "[0, "], "--classes '[0, ' starts with '[', so it is read as a JSON list of class names, but it "
                            "is not JSON"),
    (["--classes", "[null, 1]"], "--classes '[null, 1]' holds null, which is not a class"),
    (["--classes", "[[0], [1]]"], "--classes '[[0], [1]]' holds [0], which is not a class"),
    (["--classes", '["a", 1]'], "--classes '[\"a\", 1]' mixes names and numbers"),
    # JSON's true is a boolean, not the name 'true' (it was said to be a number)
    (["--classes", '[true, "false", "is"]'], "--classes '[true, \"false\", \"is\"]' mixes names and a boolean, true "
                                            "(a name is quoted in JSON: \"true\")"),
    (["--classes", "a,b", "--task", "regression"], "--classes a,b names a classifier's classes, and --task "
                                                   "regression says the teacher answers values: give one of them"),
]


@pytest.mark.parametrize("command, flags, message", [
    (command, flags, message) for command in ("distill", "evaluate", "report", "verify")
    for flags, message in BAD_CLASSES if command != "verify" or "--task" not in flags])  # verify: the model's task
def test_bad_classes_are_refused_before_the_teacher_is_loaded(csv_rows, blobs, tmp_path, monkeypatch, capsys,
                                                              flags, message, command):
    train, _ = csv_rows
    model = tmp_path / "m.json"
    sd.distill(lambda X: X[:, 0] > 0.5, blobs[0], max_size=2, feature_names=["a", "b", "c"]).to_json(model)
    _teacher_module(tmp_path, monkeypatch, body="raise SystemExit('the teacher was loaded')\n")
    teacher = ["--teacher", "rule_teacher:predict"]
    argv = {"distill": ["distill", *teacher, "--data", str(train), "-o", str(tmp_path / "x.json")],
            "evaluate": ["evaluate", str(model), *teacher, "--data", str(train)],
            "report": ["report", *teacher, "--data", str(train), "--sizes", "2", "-o", str(tmp_path / "r.html")],
            "verify": ["verify", str(model), "-c", "a > 2 -> prediction == 1", *teacher]}[command]
    assert main(argv + flags) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1, err


def test_classes_other_than_the_teachers_outputs_are_one_line_naming_the_flag(onnx_file, csv_rows, tmp_path,
                                                                            monkeypatch, sklearn_mlp, capsys):
    """As many classes as the teacher has no outputs failed with 'returned 2 columns but has 3 classes', and
    names for a teacher that answers labels with 'pass classes=[...] to as_teacher': neither said the
    classes were the ones given, nor how to give them on the command line."""
    import joblib

    train, _ = csv_rows
    joblib.dump(sklearn_mlp, tmp_path / "mlp.joblib")
    _teacher_module(tmp_path, monkeypatch)  # rule_teacher:predict answers the labels 0 and 1
    for teacher, classes, message in [
            (str(onnx_file), "a,b,c", "returned 2 columns but has 3 classes (declared: ['a', 'b', 'c']); declare one "
                                      "class per column, in the order of the columns (on the command line: --classes)"),
            (str(onnx_file), "a", "returned 2 columns but has 1 class (declared: ['a'])"),
            (str(tmp_path / "mlp.joblib"), "a,b,c", "returned 2 columns but has 3 classes (declared: ['a', 'b', 'c'])"),
            (str(tmp_path / "mlp.joblib"), "0,2", "--classes 0,2: 0 is a class of {} and '2' is not (its classes: 0, "
                                                  "1); list those classes in any order, or other names for all of them "
                                                  "in their order"),
            (str(tmp_path / "mlp.joblib"), "[0, 2]", "classes [0, 2] are not its classes_ [0, 1]; declare them in "
                                                     "any order, or other labels for all of them in the order of "
                                                     "classes_ (on the command line: --classes)"),
            ("rule_teacher:predict", "no,yes", "which are not among its classes ['no', 'yes']; a teacher answering "
                                               "labels answers in its own classes, which classes= must list (it "
                                               "renames columns of probabilities or logits, not labels; on the "
                                               "command line: --classes)")]:
        as_array = [] if ":" in teacher else ["--as-array"]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the pickle warning
            assert main(["distill", "--teacher", teacher, "--data", str(train), *as_array, "--max-size", "2",
                         "--classes", classes, "-o", str(tmp_path / "m.json")]) == 2
        err = capsys.readouterr().err
        assert message.format(teacher) in err and err.count("\n") == 1, err


def blobs_of(path):
    """The rows of ``path`` and labels of the blobs rule, in the shape of the ``blobs`` fixture."""
    import pandas as pd

    X = pd.read_csv(path).to_numpy(dtype=float)
    y = ((X[:, 0] > 0.5) & (X[:, 1] > 0.3) | (X[:, 2] > 0.85)).astype(int)
    return X, None, y, None


def test_classes_that_print_as_a_scikit_learn_classifiers_own_name_them(csv_rows, tmp_path, capsys):
    """--classes 1,0 for a classifier whose classes_ are [0, 1] named the column of class 0 '1' and that of
    class 1 '0' (other labels than classes_ rename its columns in order): every prediction of the model
    was the other class. A name that prints as one of classes_ is that class; other names rename them,
    also those of a classifier without predict_proba (SVC), which answers its labels."""
    import joblib
    from sklearn.linear_model import LogisticRegression
    from sklearn.svm import SVC

    train, _ = csv_rows
    X, _, y, _ = blobs_of(train)
    clf = LogisticRegression().fit(X, y)
    joblib.dump(clf, tmp_path / "lr.joblib")
    for classes in ("1,0", "0,1"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the pickle warning
            assert main(["distill", "--teacher", str(tmp_path / "lr.joblib"), "--data", str(train), "--as-array",
                         "--max-size", "4", "--classes", classes, "-o", str(tmp_path / "m.json")]) == 0
        model = sd.load(tmp_path / "m.json")
        assert sorted(model.classes.tolist()) == [0, 1]
        assert float(sd.fidelity(model, clf, X)) > 0.8  # each class named the other: 0.13
    svc = SVC().fit(X, y)
    joblib.dump(svc, tmp_path / "svc.joblib")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the pickle warning
        assert main(["distill", "--teacher", str(tmp_path / "svc.joblib"), "--data", str(train), "--as-array",
                     "--max-size", "4", "--classes", "no,yes", "-o", str(tmp_path / "m.json")]) == 0
    model = sd.load(tmp_path / "m.json")
    assert model.classes.tolist() == ["no", "yes"]
    assert float(sd.fidelity(model, sd.as_teacher(svc, classes=["no", "yes"]), X)) > 0.8
    capsys.readouterr()


def test_report_and_verify_take_the_classes(onnx_file, csv_rows, tmp_path, capsys):
    """report --constraint and verify --teacher read the teacher's classes as --classes names them."""
    pytest.importorskip("matplotlib")
    train, _ = csv_rows
    constraint = "a > 0.9 and b > 0.9 -> prediction == 'malignant'"
    report = ["report", "--teacher", str(onnx_file), "--data", str(train), "--forms", "tree", "--sizes", "2,4",
              "--no-progress", "--constraint", constraint, "-o", str(tmp_path / "r.html")]
    assert main(report) == 2  # the teacher's classes are 0 and 1
    assert "unknown class 'malignant'" in capsys.readouterr().err
    assert main(report + ["--classes", "benign,malignant"]) == 0
    assert "malignant" in (tmp_path / "r.md").read_text()
    capsys.readouterr()

    model = tmp_path / "named.json"
    assert main(["distill", "--teacher", str(onnx_file), "--data", str(train), "--max-size", "4",
                 "--classes", "benign,malignant", "-o", str(model)]) == 0
    capsys.readouterr()
    verify = ["verify", str(model), "-c", "a < 0.1 -> prediction == 'malignant'", "--teacher", str(onnx_file)]
    assert main(verify + ["--classes", "benign,malignant"]) == 1
    out = capsys.readouterr().out
    assert "teacher violation: the teacher answers 'benign' there too" in out
    assert main(verify + ["--classes", "malignant,benign"]) == 1  # the teacher read the other way round
    assert "artefact" in capsys.readouterr().out
    assert main(verify + ["--classes", "x,y"]) == 2
    assert "the teacher predicts class 'x', which the model does not know (model classes: ['benign', 'malignant']); " \
           "is it the teacher the model was distilled from, its classes named as the model's (sd.as_teacher(teacher, " \
           "classes=[...]); on the command line: --classes benign,malignant)?" in capsys.readouterr().err
    assert main(["verify", str(model), "-c", "a < 0.1 -> prediction == 'malignant'", "--classes", "a,b"]) == 2
    assert "--classes a,b names the classes of --teacher; give --teacher too" in capsys.readouterr().err


def test_evaluate_refuses_a_task_other_than_the_saved_models_before_the_teacher_is_asked(csv_rows, blobs, tmp_path,
                                                                                        capsys):
    """--task classification for a saved regressor made its teacher's values logits: evaluate asked the
    teacher, leaked numpy's "overflow encountered in exp", and said the teacher's task may have been
    'guessed wrongly' and to give --task regression, where the task was given, not guessed."""
    train, _ = csv_rows
    names = ["a", "b", "c"]
    sd.distill(lambda X: X[:, 0] * 2.5, blobs[0], max_size=2, feature_names=names).to_json(tmp_path / "r.json")
    sd.distill(lambda X: (X[:, 0] > 0).astype(int), blobs[0], max_size=2, feature_names=names).to_json(tmp_path / "c.json")
    for model, task, holds in [("r.json", "classification", "a regression tree model, whose teacher answers values"),
                               ("c.json", "regression", "a classification tree model, whose teacher answers classes")]:
        assert main(["evaluate", str(tmp_path / model), "--data", str(train), "--teacher", "no_such_module:f",
                     "--task", task]) == 2
        err = capsys.readouterr().err
        assert f"--task {task}: {tmp_path / model} holds {holds}" in err and err.count("\n") == 1, err


def test_evaluate_of_an_automaton_refuses_classes_naming_its_option(tmp_path, capsys):
    """The automaton's teacher takes its classes as --option classes=[...]; --classes, a tabular teacher's
    flag, is refused there rather than ignored."""
    sd.DFA.from_regex("(0|1)*1", "01").to_json(tmp_path / "dfa.json")
    (tmp_path / "words.txt").write_text("01\n")
    assert main(["evaluate", str(tmp_path / "dfa.json"), "--teacher", "x:y", "--data", str(tmp_path / "words.txt"),
                 "--classes", "no,yes"]) == 2
    assert "--classes is for tabular models; a sequence teacher's classes are its option: " \
           "--option 'classes=[\"no\", \"yes\"]'" in capsys.readouterr().err
    assert main(["evaluate", str(tmp_path / "dfa.json"), "--teacher", "x:y", "--data", str(tmp_path / "words.txt"),
                 "--na-values", ""]) == 2
    assert "--na-values applies to tabular models' CSV rows" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["evaluate", "verify"])
def test_classes_for_the_teacher_of_a_saved_regressor_are_refused(csv_rows, blobs, tmp_path, capsys, command):
    """--classes made a regressor's teacher a classifier: evaluate then said the teacher 'answers as a
    classification model', and named --task regression, which the model already is."""
    train, _ = csv_rows
    sd.distill(lambda X: X[:, 0] * 2.5, blobs[0], max_size=2, feature_names=["a", "b", "c"]).to_json(tmp_path / "r.json")
    argv = {"evaluate": ["evaluate", str(tmp_path / "r.json"), "--data", str(train)],
            "verify": ["verify", str(tmp_path / "r.json"), "--output-range", "-10", "10"]}[command]
    assert main(argv + ["--teacher", "no_such_module:f", "--classes", "a,b"]) == 2
    err = capsys.readouterr().err
    assert f"--classes names a classifier's classes, and {tmp_path / 'r.json'} holds a regression tree model, whose " \
           "teacher answers values" in err and err.count("\n") == 1, err


def test_batch_size_for_a_teacher_made_already_or_an_automaton_is_refused_by_name(tmp_path, monkeypatch, capsys):
    """--batch-size goes to sd.as_teacher as --task and --classes do: a module:attribute teacher made
    already keeps the batch it was made with (the same one asks nothing), and an automaton's sequence
    teacher takes its batch as --option batch_size=."""
    from symdistill.models.automata import DFA

    # a module of its own name: rule_teacher may be imported already, without `made`
    (tmp_path / "made_with_a_batch.py").write_text(
        "import symdistill as sd\nmade = sd.as_teacher(lambda df: (df['a'] > 0.5).astype(int), batch_size=7)\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    np.savetxt(tmp_path / "rows.csv", np.random.default_rng(0).uniform(size=(40, 2)), delimiter=",",
               header="a,b", comments="")
    distill = ["distill", "--teacher", "made_with_a_batch:made", "--data", "rows.csv", "--max-size", "2",
               "--option", "n_samples=100", "-o", "m.json"]
    assert main(distill + ["--batch-size", "8"]) == 2
    assert ("--batch-size 8: made_with_a_batch:made is a teacher made already (CallableTeacher, as sd.as_teacher makes "
            "one), which keeps the batch_size it was made with: give batch_size=8") in capsys.readouterr().err
    assert main(distill + ["--batch-size", "7"]) == 0
    DFA.from_regex("(0|1)*00", "01").to_json("dfa.json")
    (tmp_path / "words.txt").write_text("00\n01\n")
    assert main(["evaluate", "dfa.json", "--teacher", "dfa.json", "--data", "words.txt", "--batch-size", "4"]) == 2
    assert ("--batch-size is for tabular models; a sequence teacher's batch size is its option: "
            "--option batch_size=4") in capsys.readouterr().err


@pytest.mark.parametrize("command", ["distill", "report"])
@pytest.mark.parametrize("option, advice", [
    ("cache=true", "teacher = sd.as_teacher(obj, cache=...)"), ("cache_size=100", "sd.as_teacher(obj, cache_size=...)"),
    ("device=cpu", "sd.as_teacher(obj, device=...)"), ("classes=[\"a\", \"b\"]", "--classes")])
def test_a_teacher_option_given_as_option_names_what_the_command_line_can_do(csv_rows, tmp_path, capsys, command,
                                                                              option, advice):
    """--option cache=true was refused with the library's advice, 'pass sd.as_teacher(teacher, cache=...)
    as the teacher', which a command-line user cannot follow: the command now says to make the teacher
    in a module and name it --teacher module:teacher (and --classes for classes=)."""
    train, _ = csv_rows
    out = str(tmp_path / ("m.json" if command == "distill" else "r.html"))
    assert main([command, "--teacher", "no_such_module:f", "--data", str(train), "--option", option, "-o", out]) == 2
    err = capsys.readouterr().err
    assert f"--option {option.split('=')[0]}=...: " in err and advice in err and err.count("\n") == 1, err
    if advice != "--classes":
        assert "--teacher module:teacher" in err, err


@pytest.mark.parametrize("form", ["tree", "rules", "linear"])
def test_the_onnx_export_of_a_model_with_categories_is_a_teacher_of_the_csv(form, tmp_path, capsys):
    """symdistill's ONNX export records its categories and, as a teacher, encodes a DataFrame of labels
    (sd.fidelity(model, export, X) is 1.0), but the command line handed every .onnx file of one input of
    numbers a float array: evaluate of a model against its own export stopped at "column 'colour' of
    rows.csv is not numeric ...: --drop the column or encode it", and so did distill from it."""
    pd = pytest.importorskip("pandas")
    pytest.importorskip("onnxruntime")
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"x": rng.normal(size=600), "colour": rng.choice(["red", "green", "blue"], 600)})
    rule = lambda D: np.where((np.asarray(D["x"], dtype=float) > 0) & (np.asarray(D["colour"]) != "red"), "yes", "no")  # noqa: E731
    model = sd.distill(rule, X, form=form, max_size=4, random_state=0)
    model.to_json(tmp_path / "model.json")
    X.assign(label=rule(X)).to_csv(tmp_path / "rows.csv", index=False)
    assert main(["export", str(tmp_path / "model.json"), "--to", "onnx", "-o", str(tmp_path / "model.onnx")]) == 0
    capsys.readouterr()
    assert main(["evaluate", str(tmp_path / "model.json"), "--teacher", str(tmp_path / "model.onnx"),
                 "--data", str(tmp_path / "rows.csv"), "--label", "label"]) == 0
    assert "fidelity 1.0000" in capsys.readouterr().out
    out = tmp_path / "again.json"
    assert main(["distill", "--teacher", str(tmp_path / "model.onnx"), "--data", str(tmp_path / "rows.csv"),
                 "--drop", "label", "--form", form, "--max-size", "4", "-o", str(out)]) == 0
    again = sd.load(out)
    assert again.domain.features[1].kind == "categorical"
    assert float(sd.fidelity(again, model, X)) > 0.9


def test_classes_for_a_scikit_learn_regressor_names_the_flag(csv_rows, tmp_path, capsys):
    """--classes for a pickled scikit-learn regressor (a regressor by its tags) was refused with the library's
    "classes=['a', 'b'] names a classifier's classes, but the teacher is a regressor ...; drop one of them",
    naming an argument the command line has no way to give, not the flag to drop."""
    joblib = pytest.importorskip("joblib")
    pd = pytest.importorskip("pandas")
    from sklearn.linear_model import LinearRegression

    train, _ = csv_rows
    X = pd.read_csv(train)
    joblib.dump(LinearRegression().fit(X, X["a"] + X["b"]), tmp_path / "reg.joblib")
    assert main(["distill", "--teacher", str(tmp_path / "reg.joblib"), "--data", str(train), "--classes", "a,b",
                 "-o", str(tmp_path / "m.json")]) == 2
    err = capsys.readouterr().err
    assert "the teacher is a regressor" in err and "on the command line: drop --classes" in err



def test_a_saved_tabular_model_is_a_teacher_on_the_command_line(csv_rows, tmp_path, capsys):
    """sd.fidelity and sd.distill take a saved model (sd.load) as the teacher, and the command line takes a
    saved automaton, but --teacher tree.json of a tabular model was refused with "expected a .onnx, .pt
    (TorchScript) or .joblib file, or module:attribute": rules could not be scored against a tree
    (evaluate), nor a big tree distilled smaller; the message also left out the .pkl and .pickle that
    --help lists and that load."""
    pd = pytest.importorskip("pandas")
    train, hold = csv_rows
    X = pd.read_csv(train)
    rule = lambda D: ((np.asarray(D["a"]) > 0.5) & (np.asarray(D["b"]) > 0.3)).astype(int)  # noqa: E731
    sd.distill(rule, X, max_size=4, random_state=0).to_json(tmp_path / "tree.json")
    rules = sd.distill(rule, X, form="rules", max_size=1, random_state=0)
    rules.to_json(tmp_path / "rules.json")
    tree = sd.load(tmp_path / "tree.json")
    assert main(["evaluate", str(tmp_path / "rules.json"), "--teacher", str(tmp_path / "tree.json"),
                 "--data", str(hold), "--drop", "label"]) == 0
    expected = sd.fidelity(rules, tree, pd.read_csv(hold).drop(columns="label"))
    assert f"fidelity {expected.value:.4f}" in capsys.readouterr().out
    assert main(["distill", "--teacher", str(tmp_path / "tree.json"), "--data", str(train), "--max-size", "2",
                 "-o", str(tmp_path / "small.json")]) == 0
    assert sd.load(tmp_path / "small.json").size == 2
    sd.DFA.from_regex("(0|1)*1", "01").to_json(tmp_path / "dfa.json")
    assert main(["evaluate", str(tmp_path / "rules.json"), "--teacher", str(tmp_path / "dfa.json"),
                 "--data", str(hold), "--drop", "label"]) == 2
    assert "dfa.json is a saved automaton, a teacher of words" in capsys.readouterr().err
    assert main(["evaluate", str(tmp_path / "rules.json"), "--teacher", str(tmp_path / "none.json"),
                 "--data", str(hold), "--drop", "label"]) == 2
    assert f"teacher file not found: {tmp_path / 'none.json'}" in capsys.readouterr().err
    assert main(["distill", "--teacher", str(train), "--data", str(train), "-o", str(tmp_path / "m.json")]) == 2
    assert ".joblib, .pkl or .pickle" in capsys.readouterr().err


def test_the_status_line_of_automaton_names_the_dot_file_it_wrote(tmp_path, monkeypatch, capsys):
    """The status line names the files a command writes (report: "wrote r.html and r.md"), but automaton's
    said "wrote dfa.json: 4 states, ..." with --dot too, leaving out the DOT file it had written."""
    (tmp_path / "seq_teacher_dot.py").write_text("def even(words):\n    return [len(w) % 2 == 0 for w in words]\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.chdir(tmp_path)
    assert main(["automaton", "--teacher", "seq_teacher_dot:even", "--alphabet", "0,1", "-o", "dfa.json",
                 "--dot", "dfa.dot"]) == 0
    out, err = capsys.readouterr()
    assert out == f"{sd.load('dfa.json')}\n" and err.startswith("wrote dfa.json and dfa.dot: 2 states, ")
    assert main(["automaton", "--teacher", "seq_teacher_dot:even", "--alphabet", "0,1", "-o", "dfa.json"]) == 0
    assert capsys.readouterr().err.startswith("wrote dfa.json: 2 states, ")


def test_a_data_file_not_in_utf8_or_compressed_under_a_csv_name_says_so(csv_rows, tmp_path, capsys):
    """A CSV saved in Latin-1 (a spreadsheet's export, 'México') was refused with pandas' "'utf-8' codec can't
    decode byte 0xe9 in position 1: invalid continuation byte", a position in some chunk, not the file's
    line, and no word on what to do; a gzip-compressed file named rows.csv with "can't decode byte 0x8b".
    The error now names the line and the byte, or the compression and the name to give the file."""
    import gzip

    train, _ = csv_rows
    text = train.read_text().splitlines()
    (tmp_path / "latin1.csv").write_bytes(("\n".join(text[:3]) + "\n0.1,0.2,México\n").encode("latin-1"))
    (tmp_path / "packed.csv").write_bytes(gzip.compress(train.read_bytes()))
    sd.distill(lambda X: (np.asarray(X)[:, 0] > 0.5).astype(int), np.random.default_rng(0).uniform(size=(300, 3)),
               feature_names=["a", "b", "c"], max_size=2, random_state=0).to_json(tmp_path / "m.json")
    for args in (["distill", "--teacher", "x:y", "-o", str(tmp_path / "t.json")],
                 ["predict", str(tmp_path / "m.json")]):
        assert main([*args, "--data", str(tmp_path / "latin1.csv")]) == 2
        err = capsys.readouterr().err
        assert f"{tmp_path / 'latin1.csv'} is not UTF-8 text: line 4 holds the byte 0xe9" in err, err
        assert "save it as UTF-8" in err and err.count("\n") == 1
        assert main([*args, "--data", str(tmp_path / "packed.csv")]) == 2
        err = capsys.readouterr().err
        assert f"{tmp_path / 'packed.csv'} is gzip-compressed, and its name does not say so: name it packed.csv.gz" \
            in err, err


def test_export_refuses_an_output_named_for_another_target(tmp_path, capsys):
    """export wrote whatever --to says under any -o: `--to c -o model.onnx` wrote C source over the ONNX
    export beside it, and `--to onnx -o model.json` a binary graph under the name of a model file, which
    show then called not UTF-8 JSON. An -o whose suffix is another target's is now refused, naming both,
    before anything is written; other names (.txt, .h for C, .pl for Prolog) are written as before."""
    model = sd.distill(lambda X: (np.asarray(X)[:, 0] > 0.5).astype(int), np.random.default_rng(0).uniform(size=(300, 2)),
                       feature_names=["a", "b"], max_size=2, random_state=0)
    model.to_json(tmp_path / "m.json")
    (tmp_path / "m.onnx").write_bytes(b"graph")
    for to, name, other in (("c", "m.onnx", "onnx"), ("onnx", "x.json", "json"), ("python", "x.c", "c")):
        assert main(["export", str(tmp_path / "m.json"), "--to", to, "-o", str(tmp_path / name)]) == 2
        err = capsys.readouterr().err
        assert f"-o {str(tmp_path / name)!r} names a .{name.split('.')[-1]} file, which --to {other} writes" in err, err
    assert (tmp_path / "m.onnx").read_bytes() == b"graph" and not (tmp_path / "x.json").exists()
    for to, name in (("c", "m.h"), ("c", "m.txt"), ("prolog", "m.pl"), ("python", "m.py"), ("onnx", "m2.onnx")):
        assert main(["export", str(tmp_path / "m.json"), "--to", to, "-o", str(tmp_path / name)]) == 0


def test_a_model_file_named_for_an_export_target_is_refused(csv_rows, tmp_path, monkeypatch, capsys):
    """distill -o tree.onnx wrote the model's JSON under an ONNX name (onnxruntime then failed on it), as
    export wrote another target's code under any -o. distill and automaton now refuse an -o named for an
    export target before the teacher is read (a .py name once a module:attribute teacher's module is
    known, which -o must not name either), saying the JSON name and the export command to run."""
    train, _ = csv_rows
    (tmp_path / "tree.onnx").write_bytes(b"graph")
    (tmp_path / "target_teacher.py").write_text("import numpy as np\n\ndef f(X):\n    return (np.asarray(X)[:, 0] > 0).astype(int)\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "target_teacher", raising=False)
    for teacher, name, target in (("no_such_module:f", "tree.onnx", "onnx"), ("no_such_module:f", "tree.c", "c"),
                                  ("no_such_module:f", "tree.pl", "prolog"), ("model.onnx", "tree.py", "python"),
                                  ("target_teacher:f", "tree.py", "python")):
        out = tmp_path / name
        assert main(["distill", "--teacher", teacher, "--data", str(train), "-o", str(out)]) == 2
        err = capsys.readouterr().err
        json_path = str(out.with_suffix(".json"))
        assert f"names a {out.suffix} file, which export --to {target} writes; distill writes the model's JSON" in err, err
        assert f"give -o {json_path}, then symdistill export {json_path} --to {target} -o {out}" in err, err
    assert (tmp_path / "tree.onnx").read_bytes() == b"graph" and not (tmp_path / "tree.c").exists()
    assert not (tmp_path / "tree.py").exists()
    dfa = tmp_path / "dfa.json"
    sd.DFA("01", [[1, 0], [0, 1]], [False, True]).to_json(dfa)
    assert main(["automaton", "--teacher", str(dfa), "-o", str(tmp_path / "dfa.dot")]) == 2
    assert "--dot writes the automaton's drawing" in capsys.readouterr().err
    assert main(["automaton", "--teacher", str(dfa), "--random-state", "0", "-o", str(tmp_path / "dfa2.json")]) == 0


def test_a_missing_true_label_names_the_label_column_and_file(csv_rows, tmp_path, monkeypatch, capsys):
    """evaluate --label y of a file with an empty label field stopped at sd.accuracy's "cannot compute
    accuracy: the true labels contain NaN (1 of 450, first at row 3); drop or fill those rows",
    naming neither the column nor the file the rows came from. The error now starts with both."""
    pd = pytest.importorskip("pandas")
    train, hold = csv_rows
    _teacher_module(tmp_path, monkeypatch)
    assert main(["distill", "--teacher", "rule_teacher:predict", "--data", str(train), "--max-size", "2",
                 "-o", str(tmp_path / "m.json")]) == 0
    df = pd.read_csv(hold).astype({"label": object})
    df.loc[3, "label"] = None
    df.to_csv(tmp_path / "gaps.csv", index=False)
    capsys.readouterr()
    assert main(["evaluate", str(tmp_path / "m.json"), "--teacher", "rule_teacher:predict",
                 "--data", str(tmp_path / "gaps.csv"), "--label", "label"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1
    assert f"--label label of {tmp_path / 'gaps.csv'}: cannot compute accuracy: the true labels contain " in err
    assert "first at row 3" in err


def test_a_binary_data_file_is_named_as_no_csv_text(tmp_path, capsys):
    """A binary file given as --data (an image, bytes of zeros) was refused as "has no rows (columns
    ['\\x00\\x00...'])", a header of NUL characters, or as text in another encoding to save as UTF-8 (a PNG's
    byte 0x89). A NUL byte is in no CSV: the error now says the file holds binary data, and what, where known."""
    sd.distill(lambda X: (np.asarray(X)[:, 0] > 0.5).astype(int), np.random.default_rng(0).uniform(size=(300, 3)),
               feature_names=["a", "b", "c"], max_size=2, random_state=0).to_json(tmp_path / "m.json")
    (tmp_path / "zeros.csv").write_bytes(bytes(3000))
    (tmp_path / "image.csv").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    for args in (["distill", "--teacher", "x:y", "-o", str(tmp_path / "t.json")], ["predict", str(tmp_path / "m.json")]):
        for name, what in (("zeros.csv", ", a NUL byte at byte offset 0"), ("image.csv", " (a PNG image), a NUL byte at "
                                                                                        "byte offset 8")):
            assert main([*args, "--data", str(tmp_path / name)]) == 2
            err = capsys.readouterr().err
            assert f"{tmp_path / name} is not a CSV file: it holds binary data{what}; give the rows as a CSV" in err, err
            assert err.count("\n") == 1


def test_an_excel_workbook_under_a_csv_name_is_named_as_one(tmp_path, capsys):
    """An .xlsx saved as data.csv (a zip of XML parts) was told it is 'zip-compressed, and its name does not
    say so: name it data.csv.zip', which pandas then unpacks into no CSV. It is now named a workbook to save
    as CSV."""
    import zipfile

    with zipfile.ZipFile(tmp_path / "data.csv", "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
    assert main(["distill", "--teacher", "x:y", "--data", str(tmp_path / "data.csv"), "-o", str(tmp_path / "t.json")]) == 2
    err = capsys.readouterr().err
    assert f"{tmp_path / 'data.csv'} is not a CSV file: it is an Excel workbook (.xlsx), not a zip-compressed CSV; " \
           "save it as CSV" in err and err.count("\n") == 1, err
    with zipfile.ZipFile(tmp_path / "packed.csv", "w") as z:  # a zipped CSV under a CSV name: as before
        z.writestr("packed.csv", "a,b\n1,2\n")
    assert main(["distill", "--teacher", "x:y", "--data", str(tmp_path / "packed.csv"), "-o", str(tmp_path / "t.json")]) == 2
    assert "is zip-compressed, and its name does not say so: name it packed.csv.zip" in capsys.readouterr().err


def test_a_whole_number_written_as_a_float_for_an_integer_option_names_the_integer_to_write(csv_rows, tmp_path,
                                                                                             capsys):
    """--option n_samples=1e4 reads as JSON, where 1e4 is the float 10000.0, which the learner refuses as
    sd.distill(..., n_samples=10000.0) does ("got 10000.0"), leaving the user to guess why 1e4 is no number.
    The refusal stays (the library takes no float for an integer) and now names the integer to write."""
    train, _ = csv_rows
    for option, written in (("n_samples=1e4", "n_samples=10000"), ("min_leaf=2.0", "min_leaf=2")):
        assert main(["distill", "--teacher", "x:y", "--data", str(train), "--option", option, "-o",
                     str(tmp_path / "t.json")]) == 2
        err = capsys.readouterr().err
        assert f"got {float(option.partition('=')[2])!r}" in err and err.count("\n") == 1, err
        assert f"is the float {float(option.partition('=')[2])!r} (as 1e4 and 2.0 are): write the whole number, " \
               f"--option {written}" in err
    assert main(["distill", "--teacher", "x:y", "--data", str(train), "--option", "n_samples=10000.5", "-o",
                 str(tmp_path / "t.json")]) == 2
    assert "write the whole number" not in capsys.readouterr().err


def test_a_switch_written_as_python_writes_it_names_the_json_to_write(csv_rows, tmp_path, capsys):
    """--option hinges=True (as sd.distill(..., hinges=True) writes it) is no JSON, so VALUE is the text
    'True', and the linear learner said 'hinges must be True or False, got 'True'': the user wrote what
    it asked for. The refusal stays and now names the JSON to write."""
    train, _ = csv_rows
    for option, written in (("hinges=True", "hinges=true"), ("interactions=False", "interactions=false"),
                            ("check_determinism=FALSE", "check_determinism=false")):
        assert main(["distill", "--teacher", "x:y", "--data", str(train), "--form", "linear", "--option", option,
                     "-o", str(tmp_path / "t.json")]) == 2
        err = capsys.readouterr().err
        assert f"got '{option.partition('=')[2]}'" in err and err.count("\n") == 1, err
        assert f"is the text '{option.partition('=')[2]}', not a switch: write --option {written}" in err, err
    assert main(["distill", "--teacher", "x:y", "--data", str(train), "--form", "linear", "--option", "hinges=yes",
                 "-o", str(tmp_path / "t.json")]) == 2
    assert "not a switch" not in capsys.readouterr().err


def test_an_empty_output_path_is_refused_by_name(tmp_path, capsys, monkeypatch):
    """``-o ""`` (``-o "$OUT"`` with OUT unset) was read as no -o by export and predict, which wrote the
    code or the predictions to standard output and said nothing (and told an ONNX export to give an -o it
    had been given), and automaton's ``--dot ""`` as no --dot; distill called the empty path a directory.
    Every command now refuses it, saying so, before any work."""
    monkeypatch.chdir(tmp_path)
    model = sd.distill(lambda X: (np.asarray(X)[:, 0] > 0.5).astype(int), np.random.default_rng(0).uniform(size=(300, 2)),
                       feature_names=["a", "b"], max_size=2, random_state=0)
    model.to_json(tmp_path / "m.json")
    (tmp_path / "rows.csv").write_text("a,b\n0.1,0.2\n", encoding="utf-8")
    sd.DFA("01", [[1, 0], [0, 1]], [False, True]).to_json(tmp_path / "dfa.json")
    for args in (["export", "m.json", "--to", "c", "-o", ""], ["export", "m.json", "--to", "onnx", "-o", ""],
                 ["predict", "m.json", "--data", "rows.csv", "-o", ""],
                 ["distill", "--teacher", "m.json", "--data", "rows.csv", "-o", ""],
                 ["automaton", "--teacher", "dfa.json", "-o", "learnt.json", "--dot", ""]):
        assert main(args) == 2, args
        out, err = capsys.readouterr()
        assert out == "" and "cannot write '': the path is empty; give a file name" in err, (args, err)
    assert not (tmp_path / "learnt.json").exists()

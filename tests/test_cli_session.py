"""The command line as a shell user meets it: files it must not overwrite, files it must read as written,
and help that says what every flag does."""

from __future__ import annotations

import argparse
import sys
import warnings

import pytest

from symdistill.cli import main


@pytest.fixture()
def session_rule(tmp_path, monkeypatch):
    """A ``module:attribute`` teacher in ``tmp_path`` (the working directory) and rows for it."""
    (tmp_path / "session_rule.py").write_text("import numpy as np\n\n\ndef rule(X):\n"
                                              "    X = np.asarray(X, dtype=float)\n"
                                              "    return (X[:, 0] > X[:, 1]).astype(int)\n")
    (tmp_path / "rows.csv").write_text("a,b\n" + "".join(f"{i % 7},{(3 * i) % 5}\n" for i in range(40)))
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "session_rule", raising=False)  # this test's module, not an earlier test's
    return tmp_path


@pytest.mark.parametrize("output, flag", [("rows.csv", "--data"), ("session_rule.py", "--teacher")])
def test_distill_does_not_write_its_model_over_its_data_or_its_teacher(session_rule, capsys, output, flag):
    """`distill -o rows.csv --data rows.csv` replaced the data with the model JSON, and `-o session_rule.py`
    with a teacher `session_rule:rule` replaced the teacher's source, both with exit 0."""
    before = (session_rule / output).read_text()
    assert main(["distill", "--teacher", "session_rule:rule", "--data", "rows.csv", "-o", output]) == 2
    assert f"-o {output!r} is the same file as {flag}" in capsys.readouterr().err
    assert (session_rule / output).read_text() == before


def test_automaton_does_not_write_over_the_module_of_its_teacher(tmp_path, monkeypatch, capsys):
    """`automaton --teacher session_seq:even -o session_seq.py` wrote the automaton JSON over the teacher's
    source file (exit 0); the next command could no longer import it."""
    source = "def even(words):\n    return [len(w) % 2 == 0 for w in words]\n"
    (tmp_path / "session_seq.py").write_text(source)
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "session_seq", raising=False)
    for argv in (["-o", "session_seq.py"], ["-o", "dfa.json", "--dot", "session_seq.py"]):
        assert main(["automaton", "--teacher", "session_seq:even", "--alphabet", "0,1", *argv]) == 2
        assert "'session_seq.py' is the same file as --teacher" in capsys.readouterr().err
        assert (tmp_path / "session_seq.py").read_text() == source


@pytest.mark.parametrize("content", [b"garbage\n", b"", b"\x80\x04\x95\x05\x00"])
def test_a_pickle_teacher_that_cannot_be_loaded_is_named(session_rule, capsys, content):
    """A .joblib teacher that is no pickle printed only joblib's reason ('invalid literal for int() with
    base 10: b'arbage''), naming neither the file nor what failed; then the file but still only joblib's
    reason ('pop from empty list'), which does not say that the file is no pickle."""
    (session_rule / "model.joblib").write_bytes(content)
    with pytest.warns(UserWarning, match="runs pickle"):
        assert main(["distill", "--teacher", "model.joblib", "--data", "rows.csv", "-o", "m.json"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("symdistill distill: error: cannot load teacher model.joblib: it is not a pickle that "
                          "joblib.load reads (one written by joblib.dump or pickle.dump), or a damaged one (") \
        and err.count("\n") == 1


def test_a_pickle_teacher_of_a_missing_module_is_named_by_its_module(session_rule, capsys):
    """A pickle of a class whose module is not installed here says which module, not that it is no pickle."""
    (session_rule / "model.joblib").write_bytes(b"cno_such_module_here\nThing\n.")
    with pytest.warns(UserWarning, match="runs pickle"):
        assert main(["distill", "--teacher", "model.joblib", "--data", "rows.csv", "-o", "m.json"]) == 2
    err = capsys.readouterr().err
    assert err == ("symdistill distill: error: cannot load teacher model.joblib: No module named "
                   "'no_such_module_here'\n")


@pytest.mark.parametrize("lines, message", [
    (["1,2,", "3,4,"], "line 2 of rows.csv has 3 fields, but the header names 2 columns (a ',' at the end of the line?)"),
    (["9,1,2", "9,3,4"], "line 2 of rows.csv has 3 fields, but the header names 2 columns: every field"),
    (["1,2,3"] + ["3,4"] * 19, "line 2 of rows.csv has 3 fields, but the header names 2 columns: every field"),
    # first fields 1, 3, 5, ...: pandas made them a RangeIndex(1, 41, 2), as if no index had been read
    ([f"{2 * i + 1},{i},{i % 3}" for i in range(20)], "line 2 of rows.csv has 3 fields, but the header names 2 "
                                                      "columns: every field"),
])
def test_rows_longer_than_the_header_are_refused(session_rule, capsys, lines, message):
    """Rows with more fields than the header names columns were read with their first field as pandas'
    index: every column got the values of the next one (a trailing comma on every row left 'b' all NaN
    and the error blamed missing values; '9,1,2' under 'a,b' was distilled from a=1, b=2, exit 0)."""
    (session_rule / "rows.csv").write_text("a,b\n" + "\n".join(lines * (20 // len(lines))) + "\n")
    assert main(["distill", "--teacher", "session_rule:rule", "--data", "rows.csv", "-o", "m.json"]) == 2
    assert message in capsys.readouterr().err
    assert not (session_rule / "m.json").exists()


def test_a_csv_without_a_header_line_is_pointed_out(session_rule, capsys):
    """A CSV with no header line (UCI's magic04.data) was distilled with its first row as the feature
    names ('if `28.7967` <= 22.49: ...'), and that row lost, without a word; whole-number names (years,
    letter-recognition's 1..16) stay quiet."""
    rows = "".join(f"{i % 7}.5,{(3 * i) % 5}.25\n" for i in range(40))
    (session_rule / "bare.csv").write_text(rows)
    with pytest.warns(UserWarning, match=r"the header of bare.csv names columns with numbers \(0.5, 0.25\): if the "
                                         "file has no header line, its first row is read as the column names"):
        assert main(["distill", "--teacher", "session_rule:rule", "--data", "bare.csv", "-o", "m.json"]) == 0
    (session_rule / "years.csv").write_text("1990,2000\n" + rows)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert main(["distill", "--teacher", "session_rule:rule", "--data", "years.csv", "-o", "m.json"]) == 0
    (session_rule / "bare.csv").write_text("0.5,0.25,label\n" + "".join(f"{i % 7}.5,{(3 * i) % 5}.25,1\n" for i in range(40)))
    with pytest.warns(UserWarning) as record:  # evaluate reads the file twice, for the rows and for --label
        main(["evaluate", "m.json", "--teacher", "session_rule:rule", "--data", "bare.csv", "--label", "label"])
    assert sum("names columns with numbers" in str(w.message) for w in record) == 1


def test_a_csv_of_whole_numbers_without_a_header_line_is_pointed_out(session_rule, capsys):
    """A header-less file of whole numbers (counts, codes, ages) was distilled with its first row as the
    feature names, without a word: only decimal names warned. Names that are a run (pandas' 0, 1, ...
    of DataFrame.to_csv) or lie outside their columns' values (years) stay quiet."""
    rows = "".join(f"{(3 * i) % 10},{(7 * i) % 9}\n" for i in range(1, 41))
    (session_rule / "counts.csv").write_text(rows)  # first row 3,7: both within their columns' values
    with pytest.warns(UserWarning, match=r"the header of counts.csv names columns with numbers \(3, 7\): if the "
                                         "file has no header line"):
        assert main(["distill", "--teacher", "session_rule:rule", "--data", "counts.csv", "-o", "m.json"]) == 0
    for header in ("0,1", "1990,2000", "a,7"):
        (session_rule / "named.csv").write_text(header + "\n" + rows)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert main(["distill", "--teacher", "session_rule:rule", "--data", "named.csv", "-o", "m.json"]) == 0


def _subcommand_options():
    from symdistill.cli import build_parser

    commands = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)).choices
    return [(name, action) for name, parser in commands.items() for action in parser._actions
            if not isinstance(action, argparse._HelpAction)]


@pytest.mark.parametrize("command, action", _subcommand_options(),
                         ids=lambda x: x if isinstance(x, str) else "/".join(x.option_strings) or x.dest)
def test_every_flag_says_what_it_does_and_its_default(command, action):
    """`symdistill COMMAND --help` listed flags with no word about them (evaluate --teacher, --as-array;
    verify --backend; automaton --max-states, --oracle; every --random-state) and defaults nowhere
    (--max-states 50, --backend auto, --title)."""
    assert action.help, f"symdistill {command} {action.option_strings or action.dest} has no help"
    if action.default not in (None, False, [], argparse.SUPPRESS):
        assert "default" in action.help and str(action.default) in action.help


def test_no_command_lists_the_commands_on_stderr(capsys):
    """`symdistill` alone exits 2, a usage error, but printed the help on stdout, where a pipe or
    `> out.txt` took it for the command's output."""
    assert main([]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "distill" in captured.err and "automaton" in captured.err


def test_evaluate_names_columns_that_do_not_match_the_model_before_loading_the_teacher(session_rule, capsys):
    """With a teacher that takes a DataFrame (module:attribute, a pickled pipeline), rows whose columns are
    not the model's were found out only after the teacher was loaded (a pickle run, its warning printed),
    and the error spoke of 'DataFrame columns', not of the file."""
    assert main(["distill", "--teacher", "session_rule:rule", "--data", "rows.csv", "-o", "m.json"]) == 0
    (session_rule / "other.csv").write_text("a,c\n1,2\n3,4\n")
    (session_rule / "never_loaded.joblib").write_bytes(b"not a pickle")
    capsys.readouterr()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "runs pickle" warning: the teacher is not loaded
        assert main(["evaluate", "m.json", "--teacher", "never_loaded.joblib", "--data", "other.csv"]) == 2
    assert capsys.readouterr().err == ("symdistill evaluate: error: columns of other.csv do not match the model's "
                                       "features: missing ['b'], unknown ['c'] (--label names a column of true "
                                       "labels, --drop columns to ignore)\n")


def test_evaluate_on_labelled_rows_without_label_says_how_to_name_the_label_column(session_rule, capsys):
    """The README's `symdistill evaluate tree.json ... --data holdout.csv [--label y]` without the option, on
    rows holding the label y, said only 'missing [], unknown ['y']'."""
    assert main(["distill", "--teacher", "session_rule:rule", "--data", "rows.csv", "-o", "m.json"]) == 0
    pd = pytest.importorskip("pandas")
    pd.read_csv(session_rule / "rows.csv").assign(y=1).to_csv(session_rule / "holdout.csv", index=False)
    capsys.readouterr()
    assert main(["evaluate", "m.json", "--teacher", "session_rule:rule", "--data", "holdout.csv"]) == 2
    assert capsys.readouterr().err == ("symdistill evaluate: error: columns of holdout.csv do not match the model's "
                                       "features: unknown ['y'] (--label names a column of true labels, --drop "
                                       "columns to ignore)\n")
    assert main(["evaluate", "m.json", "--teacher", "session_rule:rule", "--data", "holdout.csv", "--label", "y"]) == 0


@pytest.mark.parametrize("command", [["demo"], ["distill", "--teacher", "t.onnx", "--data", "rows.csv", "-o", "m.json"],
                                     ["automaton", "--teacher", "m:f", "--alphabet", "0,1", "-o", "a.json"],
                                     ["report", "--teacher", "t.onnx", "--data", "rows.csv", "-o", "r.html"]])
def test_a_negative_seed_is_refused_by_its_flag_before_any_work(command, capsys):
    """`--random-state -1` was refused by the library as 'random_state must be ...' (not the flag), and
    demo trained its network first."""
    with pytest.raises(SystemExit) as info:
        main([*command, "--random-state", "-1"])
    captured = capsys.readouterr()
    assert info.value.code == 2 and captured.out == ""
    assert "argument --random-state: must be a non-negative integer, got '-1'" in captured.err


@pytest.fixture()
def zip_pipeline(tmp_path, monkeypatch):
    """A pickled pipeline whose OneHotEncoder was fitted on the codes '01', '02', '10' of column 'zip', and
    its rows written by DataFrame.to_csv (the codes as they are: 01, 02, 10)."""
    monkeypatch.chdir(tmp_path)
    return write_zip_pipeline(tmp_path, ["01", "02", "10"])


def write_zip_pipeline(tmp_path, codes):
    """cat.joblib, a pipeline whose OneHotEncoder was fitted on the strings ``codes`` of column 'zip', and
    cat.csv, its rows."""
    import joblib
    import numpy as np
    import pandas as pd
    from sklearn.compose import make_column_transformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder

    rng = np.random.default_rng(0)
    df = pd.DataFrame({"zip": rng.choice(codes, 120), "x": rng.normal(size=120)})
    pipe = make_pipeline(make_column_transformer((OneHotEncoder(), ["zip"]), remainder="passthrough"),
                         LogisticRegression())
    joblib.dump(pipe.fit(df, (df["zip"] == codes[0]) ^ (df["x"] > 0)), tmp_path / "cat.joblib")
    df.to_csv(tmp_path / "cat.csv", index=False)
    return tmp_path


def test_zero_padded_codes_of_a_categorical_column_are_read_as_written(zip_pipeline, capsys):
    """`distill --categorical zip` read the codes 01, 02, 10 as the integers 1, 2, 10, and the pipeline
    fitted on the strings failed ("ufunc 'isnan' not supported"); evaluate of the model read them so too."""
    with pytest.warns(UserWarning, match="runs pickle"):
        assert main(["distill", "--teacher", "cat.joblib", "--data", "cat.csv", "--categorical", "zip",
                     "-o", "m.json"]) == 0
    capsys.readouterr()
    assert '"01"' in (zip_pipeline / "m.json").read_text()  # the model's category, as written
    with pytest.warns(UserWarning, match="runs pickle"):
        assert main(["evaluate", "m.json", "--teacher", "cat.joblib", "--data", "cat.csv"]) == 0
    assert "fidelity 1.0000" in capsys.readouterr().out


@pytest.mark.parametrize("name, opener", [("rows.csv.gz", "gzip"), ("rows.csv.bz2", "bz2"), ("rows.tsv.xz", "lzma")])
def test_a_compressed_csv_is_read_with_the_checks_of_a_plain_one(session_rule, capsys, name, opener):
    """`--data rows.csv.gz` was refused ("expected a .csv or .parquet file"), though pandas reads it."""
    import importlib

    sep = "\t" if ".tsv" in name else ","
    text = (session_rule / "rows.csv").read_text().replace(",", sep)
    with importlib.import_module(opener).open(session_rule / name, "wt") as f:
        f.write(text)
    assert main(["distill", "--teacher", "session_rule:rule", "--data", name, "-o", "m.json"]) == 0
    assert "wrote m.json" in capsys.readouterr().err
    with importlib.import_module(opener).open(session_rule / name, "wt") as f:  # a row wider than the header
        f.write(text.replace("\n", "\n" + sep.join("123") + "\n", 1))
    assert main(["distill", "--teacher", "session_rule:rule", "--data", name, "-o", "m.json"]) == 2
    assert capsys.readouterr().err == (f"symdistill distill: error: line 2 of {name} has 3 fields, but the header "
                                       "names 2 columns: every field needs a column named in the header\n")


def test_a_count_of_one_is_singular_in_errors(session_rule, capsys):
    """A CSV with one empty field was refused with "column 'b' has 1 missing values"."""
    (session_rule / "gap.csv").write_text("a,b\n1,2\n3,\n5,6\n")
    assert main(["distill", "--teacher", "session_rule:rule", "--data", "gap.csv", "-o", "m.json"]) == 2
    assert "column 'b' has 1 missing value (NaN, None or NA, first in row 1)" in capsys.readouterr().err
    (session_rule / "wide.csv").write_text("a\n1,2\n5,6\n2,3\n")
    assert main(["distill", "--teacher", "session_rule:rule", "--data", "wide.csv", "-o", "m.json"]) == 2
    assert "line 2 of wide.csv has 2 fields, but the header names 1 column: every field" in capsys.readouterr().err


def _hours_with_a_word(tmp_path, monkeypatch, module, returns):
    """rows.csv of age and hours, hours holding '?' in row 3, and a teacher ``module``:rule returning
    ``returns``, in ``tmp_path`` as the working folder; the CSV's lines."""
    (tmp_path / f"{module}.py").write_text(f"import numpy as np\nimport pandas as pd\n\n\ndef rule(X):\n"
                                           f"    return {returns}\n")
    lines = [f"{18 + i % 60},{'?' if i == 3 else 20 + i % 30}" for i in range(100)]
    (tmp_path / "rows.csv").write_text("age,hours\n" + "\n".join(lines) + "\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, module, raising=False)
    return lines


def test_a_column_of_numbers_with_a_few_words_is_not_made_categorical_without_a_word(tmp_path, monkeypatch, capsys):
    """A column of hours with '?' in one row (adult marks missing values so) is read by pandas as text,
    and `distill` made it a categorical feature, each number a category of its own, with no word: the
    model split hours by {'12', '40', ...} sets. It now warns, naming the column, the word and its row;
    a column declared --categorical is so meant and draws no warning."""
    lines = _hours_with_a_word(tmp_path, monkeypatch, "words_rule",
                               "(pd.DataFrame(X)['age'] > 40).astype(int).to_numpy()")
    with pytest.warns(UserWarning, match=r"^column 'hours' of rows.csv holds numbers but 1 field of text \('\?' in row "
                                         r"3\), so it is read as categorical, each number a category; if '\?' marks a "
                                         r"missing value, fill or drop those rows \(--categorical hours says it is "
                                         r"meant so\)$"):
        assert main(["distill", "--teacher", "words_rule:rule", "--data", "rows.csv", "-o", "m.json"]) == 0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert main(["distill", "--teacher", "words_rule:rule", "--data", "rows.csv", "--categorical", "hours",
                     "-o", "m.json"]) == 0
        (tmp_path / "rows.csv").write_text("age,hours\n" + "\n".join(lines).replace("?", "41") + "\n")
        assert main(["distill", "--teacher", "words_rule:rule", "--data", "rows.csv", "-o", "m.json"]) == 0
    capsys.readouterr()


@pytest.mark.parametrize("command", [["distill", "-o", "m.json"], ["report", "--forms", "tree", "--sizes", "2",
                                                                      "--no-progress", "-o", "r.html"]])
def test_a_teacher_failing_on_a_word_among_numbers_is_told_the_column(tmp_path, monkeypatch, capsys, command):
    """adult's '?' in a column of numbers, given to a teacher that takes the column as numbers: the warning
    named the column, and the error that ended the command did not ("callable rule raised ValueError ...:
    could not convert string to float: '?'", or a TypeError naming no value at all)."""
    if command[0] == "report":
        pytest.importorskip("matplotlib")
    _hours_with_a_word(tmp_path, monkeypatch, "numbers_rule", "(np.asarray(X, dtype=float)[:, 1] > 40).astype(int)")
    with pytest.warns(UserWarning, match="column 'hours' of rows.csv holds numbers"):
        assert main([command[0], "--teacher", "numbers_rule:rule", "--data", "rows.csv", *command[1:]]) == 2
    err = capsys.readouterr().err
    assert "error: callable rule raised ValueError" in err
    assert err.rstrip().endswith("; column 'hours' of rows.csv holds the text '?' in row 3 among its numbers, read as "
                                 "categorical: a teacher that takes the column as numbers fails on it; if '?' marks a "
                                 "missing value, fill or drop those rows")


def test_a_pickled_estimator_fitted_on_a_dataframe_is_asked_with_its_column_names(tmp_path, monkeypatch, capsys):
    """With --as-array, a DecisionTreeClassifier fitted on a DataFrame was handed arrays, and scikit-learn's
    "X does not have valid feature names, but DecisionTreeClassifier was fitted with feature names" was
    printed for distill and evaluate; the library's distil of such an estimator on an array warned so too."""
    import joblib
    import numpy as np
    import pandas as pd
    from sklearn.tree import DecisionTreeClassifier

    import symdistill as sd

    rng = np.random.default_rng(0)
    df = pd.DataFrame({"a": rng.normal(size=80), "b": rng.normal(size=80)})
    est = DecisionTreeClassifier(max_depth=2, random_state=0).fit(df, df["a"] > df["b"])
    joblib.dump(est, tmp_path / "tree.joblib")
    df.to_csv(tmp_path / "rows.csv", index=False)
    monkeypatch.chdir(tmp_path)
    for argv in (["distill", "--teacher", "tree.joblib", "-o", "m.json"],
                 ["evaluate", "m.json", "--teacher", "tree.joblib"]):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            assert main([*argv, "--data", "rows.csv", "--as-array"]) == 0
        assert [str(w.message) for w in caught] == ["loading tree.joblib runs pickle: only load files you trust"]
    capsys.readouterr()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = sd.distill(est, df.to_numpy(), form="tree", max_size=4, random_state=0)
    assert sd.fidelity(model, est, df.to_numpy()).value == 1.0


@pytest.mark.parametrize("command", [["distill", "-o", "m.json"], ["report", "--forms", "tree", "--sizes", "2",
                                                                      "--no-progress", "-o", "r.html"]])
def test_codes_a_pickled_encoder_was_fitted_on_as_strings_are_read_as_written(tmp_path, monkeypatch, capsys, command):
    """A pipeline whose OneHotEncoder was fitted on the strings '1', '2', '10' failed ("ufunc 'isnan' not
    supported"): the CSV's 1, 2, 10 were read as integers, declared --categorical or not."""
    if command[0] == "report":
        pytest.importorskip("matplotlib")
    monkeypatch.chdir(tmp_path)
    write_zip_pipeline(tmp_path, ["1", "2", "10"])
    with pytest.warns(UserWarning, match="runs pickle"):
        assert main([command[0], "--teacher", "cat.joblib", "--data", "cat.csv", *command[1:]]) == 0
    out = capsys.readouterr().out
    if command[0] == "distill":
        assert '"10"' in (tmp_path / "m.json").read_text()  # the model's category, as the encoder knows it
    else:
        assert "chosen: tree size 2, fidelity" in out


def test_a_column_the_pickled_pipeline_was_not_fitted_on_draws_a_warning(zip_pipeline, capsys):
    """`distill --data adult.csv` without `--drop Salary`: the pipeline's ColumnTransformer selects its
    columns by name and never reads Salary, and the tree split first on Salary, the true label, which
    agrees with the teacher most of the time, with no word (the model then needs the label to predict).
    A column the teacher was fitted without now draws a warning naming it and the --drop to write."""
    import pandas as pd

    df = pd.read_csv(zip_pipeline / "cat.csv", dtype={"zip": str})
    df.assign(label=(df["zip"] == "01") ^ (df["x"] > 0)).to_csv(zip_pipeline / "labelled.csv", index=False)
    with pytest.warns(UserWarning) as caught:
        assert main(["distill", "--teacher", "cat.joblib", "--data", "labelled.csv", "-o", "m.json"]) == 0
    assert [str(w.message) for w in caught][1:] == [
        "sklearn Pipeline was fitted without 1 column of the rows it is asked about ('label') and does not read it: a "
        "model distilled from those rows could split on it (a label column left in?); drop it (on the command line: "
        "--drop label)"]
    with pytest.warns(UserWarning) as caught:
        assert main(["distill", "--teacher", "cat.joblib", "--data", "labelled.csv", "--drop", "label",
                     "-o", "m.json"]) == 0
    assert [str(w.message) for w in caught] == ["loading cat.joblib runs pickle: only load files you trust"]
    capsys.readouterr()


def test_the_categorical_a_warning_says_to_write_for_a_column_whose_name_holds_a_comma_is_a_json_list(
        tmp_path, monkeypatch):
    """The warnings of a column of codes that the pickled pipeline one-hot encodes, and of a column of numbers
    holding a word, said '--categorical zone, code', which --categorical split at the comma and refused
    ('zone' is no column); they now say the JSON list it takes as written, and that flag quiets them."""
    import re

    import joblib
    import numpy as np
    import pandas as pd
    from sklearn.compose import make_column_transformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder

    monkeypatch.chdir(tmp_path)
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"zone, code": rng.integers(0, 4, 300), "x": rng.normal(size=300)})
    pipe = make_pipeline(make_column_transformer((OneHotEncoder(), ["zone, code"]), remainder="passthrough"),
                         LogisticRegression()).fit(df, (df["zone, code"] == 1) ^ (df["x"] > 0))
    joblib.dump(pipe, "codes.joblib")
    df.to_csv("codes.csv", index=False)
    written = """'["zone, code"]'"""
    argv = ["distill", "--teacher", "codes.joblib", "--data", "codes.csv", "-o", "m.json", "--max-size", "4"]
    with pytest.warns(UserWarning) as caught:
        assert main(argv) == 0
    assert str(caught[1].message).endswith(f"(categorical=['zone, code']; on the command line: --categorical {written})")
    with pytest.warns(UserWarning) as caught:
        assert main([*argv, "--categorical", written[1:-1]]) == 0
    assert [str(w.message) for w in caught] == ["loading codes.joblib runs pickle: only load files you trust"]
    (tmp_path / "hours.csv").write_text("age,\"hours, week\"\n" + "".join(f"{a},{h}\n" for a, h in
                                                                      zip(range(20, 60), [40] * 3 + ["?"] + [38] * 36)))
    (tmp_path / "hours_rule.py").write_text("import pandas as pd\n"
                                            "def rule(X):\n    return (pd.DataFrame(X)['age'] > 40).astype(int).to_numpy()\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    hours = ["distill", "--teacher", "hours_rule:rule", "--data", "hours.csv", "-o", "h.json", "--max-size", "2"]
    with pytest.warns(UserWarning, match=re.escape("""(--categorical '["hours, week"]' says it is meant so)""")):
        assert main(hours) == 0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert main([*hours, "--categorical", '["hours, week"]']) == 0


def test_the_drop_a_pipeline_warns_of_for_a_column_whose_name_holds_a_comma_is_a_json_list(zip_pipeline, capsys):
    """The warning of a column the pipeline was fitted without said --drop with the names joined by commas:
    for 'label, y' that --drop named the columns 'label' and 'y', refused as no columns of the file; it now
    says the JSON list that --drop takes as written, and that --drop leaves no warning."""
    import pandas as pd

    df = pd.read_csv(zip_pipeline / "cat.csv", dtype={"zip": str})
    df.assign(**{"label, y": df["x"] > 0}).to_csv(zip_pipeline / "labelled.csv", index=False)
    with pytest.warns(UserWarning) as caught:
        assert main(["distill", "--teacher", "cat.joblib", "--data", "labelled.csv", "-o", "m.json"]) == 0
    written = """'["label, y"]'"""
    assert str(caught[1].message).endswith(f"(on the command line: --drop {written})")
    with pytest.warns(UserWarning) as caught:
        assert main(["distill", "--teacher", "cat.joblib", "--data", "labelled.csv", "--drop", written[1:-1],
                     "-o", "m.json"]) == 0
    assert [str(w.message) for w in caught] == ["loading cat.joblib runs pickle: only load files you trust"]
    capsys.readouterr()


@pytest.mark.parametrize("strip_names", [False, True])
def test_a_pipeline_fitted_on_the_spaces_after_commas_is_refused_not_fed_unknown_values(tmp_path, monkeypatch, capsys,
                                                                                        strip_names):
    """adult's raw file writes '39, State-gov'. A pipeline fitted on it as pd.read_csv reads it by default
    knows ' workclass' and ' State-gov', while the command line reads the file without the spaces after
    each comma: its columns are missing ("columns are missing: {' workclass'}") or, with the names
    stripped and an encoder with handle_unknown='ignore', every category was unknown to it and
    `distill` fitted, exit 0, a model of a teacher that ignored the column. Both are refused now."""
    import io

    import joblib
    import numpy as np
    import pandas as pd
    from sklearn.compose import make_column_transformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder

    import symdistill as sd

    rng = np.random.default_rng(0)
    kinds, ages = rng.choice(["State-gov", "Private"], 200), rng.integers(18, 80, 200)
    text = "age, workclass\n" + "".join(f"{a}, {k}\n" for a, k in zip(ages, kinds))
    (tmp_path / "adult.csv").write_text(text)
    df = pd.read_csv(io.StringIO(text))  # ' workclass', ' State-gov'
    if strip_names:
        df.columns = df.columns.str.strip()
    def pipeline(frame):  # a one-hot encoder of workclass that ignores what it does not know
        return make_pipeline(make_column_transformer((OneHotEncoder(handle_unknown="ignore"), [frame.columns[1]]),
                                                     remainder="passthrough"),
                             LogisticRegression()).fit(frame, (kinds == "Private") ^ (ages > 50))

    joblib.dump(pipeline(df), tmp_path / "naive.joblib")
    plain = pd.read_csv(io.StringIO(text), skipinitialspace=True)
    sd.distill(pipeline(plain), plain, max_size=2, random_state=0, n_samples=500).to_json(tmp_path / "m.json")
    monkeypatch.chdir(tmp_path)
    where = "column 'workclass' of adult.csv holds 'Private'" if strip_names else \
        "a column of adult.csv is named 'workclass'"
    fitted = "' Private'" if strip_names else "' workclass'"
    for argv in (["distill", "-o", "new.json"], ["evaluate", "m.json"],
                 ["report", "--forms", "tree", "--sizes", "2", "-o", "r.html"]):
        if argv[0] == "report":
            pytest.importorskip("matplotlib")
        with pytest.warns(UserWarning, match="runs pickle"):
            assert main([argv[0], "--teacher", "naive.joblib", "--data", "adult.csv", *argv[1:]]) == 2
        assert capsys.readouterr().err == (
            f"symdistill {argv[0]}: error: {where} where the teacher was fitted on {fitted}: they differ only in the "
            "spaces around them (pd.read_csv keeps those after each comma unless skipinitialspace=True); symdistill "
            "reads a CSV without the spaces after its commas: fit the teacher on pd.read_csv(path, "
            "skipinitialspace=True)\n")
    assert not (tmp_path / "new.json").exists()


def test_a_holdout_whose_codes_have_no_leading_zero_is_read_as_the_data_is(zip_pipeline, capsys):
    """report --categorical zip read the data's 01, 02, 10 as text and a --holdout holding only 10 as the
    integer 10: "column 'zip' has unknown category 10 in row 0; known categories: ['01', '02', '10']"."""
    pytest.importorskip("matplotlib")
    lines = (zip_pipeline / "cat.csv").read_text().splitlines()
    (zip_pipeline / "hold.csv").write_text("\n".join([lines[0]] + [r for r in lines[1:] if r.startswith("10,")]) + "\n")
    with pytest.warns(UserWarning, match="runs pickle"):
        assert main(["report", "--teacher", "cat.joblib", "--data", "cat.csv", "--holdout", "hold.csv",
                     "--categorical", "zip", "--forms", "tree", "--sizes", "2", "--no-progress", "-o", "r.html"]) == 0
    assert "chosen: tree size 2, fidelity" in capsys.readouterr().out


def test_status_lines_go_to_stderr_and_stdout_holds_only_the_printout(session_rule, capsys):
    """`distill` and `automaton` printed "wrote m.json: ..." on stdout, under the model, and `report` under its
    table, while `export -o` said it on stderr: `symdistill distill ... > tree.txt` saved the status line with
    the model's printout; `report` printed its notes ("warning: no model reaches ...") on stdout too. Every
    "wrote" line is now on stderr, as `export`'s was, and so are the report's notes."""
    import symdistill as sd

    assert main(["distill", "--teacher", "session_rule:rule", "--data", "rows.csv", "-o", "m.json"]) == 0
    out, err = capsys.readouterr()
    assert out == f"{sd.load('m.json')}\n" and err.startswith("wrote m.json: tree, size ")
    (session_rule / "session_seq.py").write_text("def even(words):\n    return [len(w) % 2 == 0 for w in words]\n")
    assert main(["automaton", "--teacher", "session_seq:even", "--alphabet", "0,1", "-o", "dfa.json"]) == 0
    out, err = capsys.readouterr()
    assert out == f"{sd.load('dfa.json')}\n" and err.startswith("wrote dfa.json: 2 states, ")
    assert main(["export", "m.json", "--to", "python", "-o", "m.py"]) == 0
    assert capsys.readouterr() == ("", "wrote m.py (python)\n")
    pytest.importorskip("matplotlib")
    assert main(["report", "--teacher", "session_rule:rule", "--data", "rows.csv", "--forms", "tree", "--sizes", "2",
                 "--no-progress", "-o", "r.html"]) == 0
    out, err = capsys.readouterr()
    assert "chosen: tree size 2" in out and "wrote" not in out and err.startswith("wrote r.html and r.md in ")


@pytest.mark.parametrize("command, argv", [("report", ["--sizes", "2", "--no-progress", "-o", "r.html"]),
                                           ("distill", ["--max-size", "2", "-o", "m.json"])])
def test_the_option_examples_of_help_run(session_rule, capsys, command, argv):
    """`report --help` showed `--option criterion=entropy`: criterion is an option of trees alone (refused
    for every form: "write --option tree.criterion=...") and takes 'hard' or 'soft', not 'entropy'.
    `distill --help` showed `--option hinges=true`, an option of --form linear, refused for the default
    tree. Both examples failed as written; they now run, with the command's default forms."""
    import re

    from symdistill.cli import build_parser

    if command == "report":
        pytest.importorskip("matplotlib")
    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    helps = " ".join(a.help or "" for a in sub.choices[command]._actions if "--option" in a.option_strings)
    examples = re.findall(r"--option (\S+?)\)?(?= |$)", helps)
    assert examples, helps
    options = [arg for example in examples for arg in ("--option", example)]
    assert main([command, "--teacher", "session_rule:rule", "--data", "rows.csv", *options, *argv]) == 0, \
        capsys.readouterr().err


@pytest.mark.parametrize("flag, value, message", [
    ("--holdout-fraction", "1.5", "must be a number strictly between 0 and 1, got '1.5'"),
    ("--holdout-fraction", "nan", "must be a number strictly between 0 and 1, got 'nan'"),
    ("--n-samples", "-3", "must be a non-negative integer, got '-3'"),
])
def test_report_names_the_flag_of_a_bad_number(session_rule, capsys, flag, value, message):
    """`report --holdout-fraction 1.5` said "holdout_fraction must be a number strictly between 0 and 1", and
    `--n-samples -3` "n_samples must be ...": the library's argument names, not the flags given."""
    with pytest.raises(SystemExit) as info:
        main(["report", "--teacher", "session_rule:rule", "--data", "rows.csv", flag, value, "-o", "r.html"])
    assert info.value.code == 2 and f"argument {flag}: {message}" in capsys.readouterr().err


def test_distill_reads_a_column_of_codes_as_numbers_for_a_torch_module(tmp_path, monkeypatch, capsys):
    """A --categorical column of zero-padded codes (02) is read as written for a teacher that takes the
    DataFrame; a torch module (module:attribute) refuses text, so for it the column is read as numbers
    (2), as --as-array and a TorchScript .pt read it, and distill runs as it did when '02' reached it as 2."""
    pytest.importorskip("torch")
    pd = pytest.importorskip("pandas")
    import symdistill as sd

    (tmp_path / "session_net.py").write_text("import torch\n\ntorch.manual_seed(0)\nnet = torch.nn.Linear(2, 2)\n")
    (tmp_path / "rows.csv").write_text("x,kids\n" + "".join(f"{(i * 7) % 11 - 5},{i % 5:02d}\n" for i in range(100)))
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "session_net", raising=False)
    assert main(["distill", "--teacher", "session_net:net", "--data", "rows.csv", "--categorical", "kids",
                 "-o", "m.json"]) == 0
    kids = sd.load((tmp_path / "m.json").read_text()).domain.features[1]
    assert kids.name == "kids" and kids.is_categorical and kids.categories == (0, 1, 2, 3, 4)
    capsys.readouterr()
    assert main(["evaluate", "m.json", "--teacher", "session_net:net", "--data", "rows.csv"]) == 0
    assert "fidelity 1.0000" in capsys.readouterr().out
    # a model distilled before, with the codes read as text ('02'), is refused naming the feature: the
    # module would be handed the text, which it refuses, and the model cannot take the numbers
    rows = pd.read_csv("rows.csv", dtype={"kids": str})
    old = sd.distill(lambda df: (df["x"].to_numpy(float) > 0).astype(int), rows, categorical=["kids"], max_size=4,
                     random_state=0, n_samples=300)
    (tmp_path / "old.json").write_text(old.to_json())
    assert main(["evaluate", "old.json", "--teacher", "session_net:net", "--data", "rows.csv"]) == 2
    assert ("old.json reads feature 'kids' as text (categories '00', '01', '02', ...), and the torch module "
            "session_net:net takes numbers, not text: distill the model again") in capsys.readouterr().err


def teacher_module(tmp_path, monkeypatch, name: str, source: str, rows: str) -> None:
    """The module ``name`` of ``source`` in ``tmp_path``, made the working directory and importable (this
    test's module, not an earlier test's), and ``rows.csv`` of ``rows`` beside it."""
    (tmp_path / f"{name}.py").write_text(source)
    (tmp_path / "rows.csv").write_text(rows)
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, name, raising=False)


@pytest.fixture()
def session_onnx(tmp_path, monkeypatch):
    """ONNX teachers of ``y = 2 x - kids`` (one input of numbers) as a module holds them, and rows whose
    ``kids`` are zero-padded codes (00, 01, ...)."""
    pytest.importorskip("onnxruntime")
    from onnx import TensorProto
    from _onnx_support import typed_input_model

    (tmp_path / "line.onnx").write_bytes(typed_input_model(TensorProto.FLOAT))
    teacher_module(tmp_path, monkeypatch, "session_onnx",
                   "from pathlib import Path\n\nimport onnx\nimport onnxruntime\n\nimport symdistill as sd\n"
                   "from symdistill.teachers.onnx import OnnxTeacher\n\nHERE = Path(__file__).parent / 'line.onnx'\n"
                   "teacher = sd.as_teacher(str(HERE))\nadapter = OnnxTeacher(HERE)\nsession = "
                   "onnxruntime.InferenceSession(str(HERE), providers=['CPUExecutionProvider'])\nproto = "
                   "onnx.load(str(HERE))\nraw = HERE.read_bytes()\n",
                   "x,kids\n" + "".join(f"{(i * 7) % 11 - 4.75},{i % 5:02d}\n" for i in range(100)))
    return tmp_path


@pytest.mark.parametrize("attr", ["teacher", "adapter", "session", "proto", "raw"])
def test_distill_reads_a_column_of_codes_as_numbers_for_an_onnx_model_of_a_module(session_onnx, capsys, attr):
    """A module:attribute ONNX teacher (sd.as_teacher('line.onnx'), an OnnxTeacher, a session, onnx.load's
    model or its bytes) got a --categorical column of zero-padded codes as text, which its input of numbers
    refuses ("got the text '00'"), where the .onnx file itself gets it as numbers: it now gets numbers too."""
    pd = pytest.importorskip("pandas")
    import symdistill as sd

    spec = f"session_onnx:{attr}"
    assert main(["distill", "--teacher", spec, "--data", "rows.csv", "--categorical", "kids", "--max-size", "8",
                 "-o", "m.json"]) == 0
    model = sd.load((session_onnx / "m.json").read_text())
    kids = model.domain.features[1]
    assert kids.name == "kids" and kids.is_categorical and kids.categories == (0, 1, 2, 3, 4)
    capsys.readouterr()
    assert main(["evaluate", "m.json", "--teacher", spec, "--data", "rows.csv"]) == 0
    assert "fidelity R2 " in capsys.readouterr().out
    # a model distilled before, with the codes read as text ('02'), is refused naming the feature
    rows = pd.read_csv("rows.csv", dtype={"kids": str})
    old = sd.distill(lambda df: df["x"].to_numpy(float), rows, categorical=["kids"], max_size=4, random_state=0,
                     n_samples=300, task="regression")
    (session_onnx / "old.json").write_text(old.to_json())
    assert main(["evaluate", "old.json", "--teacher", spec, "--data", "rows.csv"]) == 2
    assert (f"old.json reads feature 'kids' as text (categories '00', '01', '02', ...), and the ONNX model "
            f"{spec} takes numbers, not text: distill the model again") in capsys.readouterr().err


@pytest.mark.parametrize("attr", ["net", "session"])
def test_report_reads_a_column_of_codes_as_numbers_for_a_torch_or_onnx_module(session_onnx, capsys, attr):
    """distill read a --categorical column of zero-padded codes as numbers for a module:attribute torch
    module, which refuses text, and report still handed it the text ('got the text '00''); so it did to an
    ONNX model of a module. report reads the column as numbers too (and so its --holdout)."""
    pytest.importorskip("matplotlib")
    if attr == "net":
        pytest.importorskip("torch")
        (session_onnx / "session_onnx.py").write_text("import torch\n\ntorch.manual_seed(0)\nnet = torch.nn.Linear(2, 2)\n"
                                                     "session = None\n")
    (session_onnx / "hold.csv").write_text((session_onnx / "rows.csv").read_text())
    assert main(["report", "--teacher", f"session_onnx:{attr}", "--data", "rows.csv", "--holdout", "hold.csv",
                 "--categorical", "kids", "--forms", "tree", "--sizes", "2", "--no-progress", "-o", "r.html"]) == 0
    assert "chosen: tree size 2" in capsys.readouterr().out
    assert "| kids | categorical | 5 categories: 0, 1, 2, 3, 4 |" in (session_onnx / "r.md").read_text()


def test_an_onnx_model_of_a_module_with_an_input_per_column_gets_them_as_the_onnx_file_does(tmp_path, monkeypatch,
                                                                                           capsys):
    """An ONNX model of an input per column (skl2onnx's ColumnTransformer) held by a module got the codes 01,
    02, 3 of a column that feeds its string input as the numbers 1, 2, 3, which that input refuses ("takes
    strings, got 3"), and a --categorical column of zero-padded codes that feeds an int64 input as text; the
    .onnx file itself got the first as written and the second as numbers. Both do so now."""
    pytest.importorskip("onnxruntime")
    import symdistill as sd
    from onnx import TensorProto, helper
    from _onnx_support import onnx_model

    (tmp_path / "zone.onnx").write_bytes(onnx_model(
        [helper.make_node("LabelEncoder", ["zone"], ["z"], domain="ai.onnx.ml", keys_strings=["01", "02", "3"],
                          values_floats=[1.5, 2.5, 4.25], default_float=-1.0),
         helper.make_node("Cast", ["kids"], ["k"], to=TensorProto.FLOAT), helper.make_node("Add", ["z", "k"], ["y"])],
        [("zone", TensorProto.STRING, [None, 1]), ("kids", TensorProto.INT64, [None, 1])],
        [("y", TensorProto.FLOAT, [None, 1])]))
    teacher_module(tmp_path, monkeypatch, "session_zone", "from pathlib import Path\n\nimport symdistill as sd\n\n"
                   "teacher = sd.as_teacher(str(Path(__file__).parent / 'zone.onnx'))\n",
                   "zone,kids\n" + "".join(f"{z},{i % 3:02d}\n" for i, z in enumerate(["01", "02", "3"] * 20)))
    models = {}
    for teacher in ("zone.onnx", "session_zone:teacher"):
        assert main(["distill", "--teacher", teacher, "--data", "rows.csv", "--categorical", "kids", "--max-size", "9",
                     "-o", "m.json"]) == 0
        models[teacher] = sd.load((tmp_path / "m.json").read_text())
        zone, kids = models[teacher].domain.features
        assert zone.categories == ("01", "02", "3") and kids.categories == (0, 1, 2)
        capsys.readouterr()
        assert main(["evaluate", "m.json", "--teacher", teacher, "--data", "rows.csv"]) == 0
        assert "fidelity R2 1.0000" in capsys.readouterr().out
    assert models["zone.onnx"].to_dict()["domain"] == models["session_zone:teacher"].to_dict()["domain"]


def test_task_and_classes_for_a_teacher_made_already_are_refused_naming_the_flag(session_onnx, capsys):
    """--task or --classes for a module:attribute that is a Teacher made already (sd.as_teacher('m.onnx'))
    stopped at "as_teacher got options for an object that is already a Teacher", naming neither the flag
    nor what to do; the flag is named now, and one that says what the teacher was made with runs."""
    with (session_onnx / "session_onnx.py").open("a") as f:
        f.write("declared = sd.as_teacher(str(HERE), task='regression')\n")
    argv = ["distill", "--data", "rows.csv", "--max-size", "4", "-o", "m.json"]
    assert main([*argv, "--teacher", "session_onnx:teacher", "--task", "regression"]) == 2
    assert capsys.readouterr().err == (
        "symdistill distill: error: --task regression: session_onnx:teacher is a teacher made already (OnnxTeacher, "
        "as sd.as_teacher makes one), which keeps the task it was made with: give task='regression' to "
        "sd.as_teacher where it is made, or name the model itself\n")
    assert main([*argv, "--teacher", "session_onnx:declared", "--task", "regression"]) == 0
    capsys.readouterr()
    pytest.importorskip("matplotlib")
    assert main(["report", "--teacher", "session_onnx:declared", "--data", "rows.csv", "--classes", "a,b",
                 "-o", "r.html"]) == 2
    assert "report: error: --classes a,b: session_onnx:declared is a teacher made already" in capsys.readouterr().err
    assert main(["evaluate", "m.json", "--teacher", "session_onnx:declared", "--data", "rows.csv", "--task",
                 "regression"]) == 0
    assert "fidelity R2 " in capsys.readouterr().out


@pytest.mark.parametrize("spec, named", [("session_rule.py:rule", "session_rule:rule"),
                                         ("pkg/session_rule.py:rule", "pkg.session_rule:rule")])
def test_a_teacher_module_written_as_its_file_is_told_its_module_name(session_rule, capsys, spec, named):
    """--teacher session_rule.py:rule (the file, as many tools take it) failed with Python's "No module named
    'session_rule.py'; 'session_rule' is not a package" alone; the error now names the module to write."""
    assert main(["distill", "--teacher", spec, "--data", "rows.csv", "-o", "m.json"]) == 2
    assert capsys.readouterr().err.rstrip().endswith(f"; name the module as Python imports it, {named}, not its file")
    assert main(["distill", "--teacher", "session_rule:rule", "--data", "rows.csv", "-o", "m.json"]) == 0


@pytest.mark.parametrize("attr", ["raw", "session"])
def test_classes_of_an_onnx_model_of_a_module_in_another_order_keep_their_meaning(tmp_path, monkeypatch, capsys,
                                                                                  attr):
    """--classes 1,0 lists an ONNX classifier's labels 0 and 1 in another order for the .onnx file; for the
    same model held by a module (its bytes, a session) the command read '1' and '0' as new names of its
    columns, so the tree said 1 where the network says 0, without a word."""
    pytest.importorskip("onnxruntime")
    pd = pytest.importorskip("pandas")
    import symdistill as sd
    from onnx import TensorProto, helper
    from _onnx_support import onnx_model

    (tmp_path / "sign.onnx").write_bytes(onnx_model(
        [helper.make_node("LinearClassifier", ["x"], ["label", "scores"], domain="ai.onnx.ml",
                          coefficients=[-4.0, 4.0], intercepts=[0.0, 0.0], classlabels_ints=[0, 1], multi_class=0),
         helper.make_node("Softmax", ["scores"], ["probabilities"], axis=1)],
        [("x", TensorProto.FLOAT, [None, 1])],
        [("label", TensorProto.INT64, [None]), ("probabilities", TensorProto.FLOAT, [None, 2])]))
    teacher_module(tmp_path, monkeypatch, "session_sign",
                   "from pathlib import Path\n\nimport onnxruntime\n\nHERE = Path(__file__).parent / 'sign.onnx'\n"
                   "raw = HERE.read_bytes()\nsession = onnxruntime.InferenceSession(str(HERE), "
                   "providers=['CPUExecutionProvider'])\n", "x\n" + "".join(f"{i / 10 - 4.95:.2f}\n" for i in range(100)))
    rows = pd.read_csv("rows.csv")
    truth = (rows["x"] > 0).astype(int).tolist()
    for teacher in ("sign.onnx", f"session_sign:{attr}"):
        assert main(["distill", "--teacher", teacher, "--data", "rows.csv", "--classes", "1,0", "--max-size", "2",
                     "-o", "m.json"]) == 0
        tree = sd.load((tmp_path / "m.json").read_text())
        assert tree.classes.tolist() == [1, 0] and tree.predict(rows).tolist() == truth
        capsys.readouterr()
        assert main(["evaluate", "m.json", "--teacher", teacher, "--data", "rows.csv", "--classes", "1,0"]) == 0
        assert "fidelity 1.0000" in capsys.readouterr().out


def test_a_scikit_learn_teacher_made_already_gets_its_encoders_columns_as_written(tmp_path, monkeypatch, capsys):
    """A module holding sd.as_teacher(pipeline) (a Teacher made already) got a column its OneHotEncoder was
    fitted on as strings ('10', '20') as the numbers pandas reads (10, 20), which the encoder refuses, where
    the pipeline itself (module:attribute or .joblib) gets it as written: the command read the encoders of
    the pipeline only, not of a teacher made of it. It reads them through the teacher now."""
    write_zip_pipeline(tmp_path, ["10", "20", "30"])
    teacher_module(tmp_path, monkeypatch, "session_zip", "import joblib\n\nimport symdistill as sd\n\n"
                   "pipe = joblib.load('cat.joblib')\nteacher = sd.as_teacher(pipe)\n", (tmp_path / "cat.csv").read_text())
    import symdistill as sd

    for teacher in ("session_zip:pipe", "session_zip:teacher"):
        assert main(["distill", "--teacher", teacher, "--data", "rows.csv", "--max-size", "4", "-o", "m.json"]) == 0
        assert sd.load((tmp_path / "m.json").read_text()).domain.features[0].categories == ("10", "20", "30")
        capsys.readouterr()
        assert main(["evaluate", "m.json", "--teacher", teacher, "--data", "rows.csv"]) == 0
        assert "fidelity " in capsys.readouterr().out


@pytest.mark.parametrize("label", [["g", "h"], [0, 1]])
def test_a_label_column_left_in_the_rows_of_an_estimator_fitted_on_an_array_is_named(tmp_path, monkeypatch, capsys,
                                                                                      label):
    """MAGIC as UCI ships it (features then the class column) with a forest fitted on the feature array:
    `distill` without --drop failed with scikit-learn's "could not convert string to float: 'g'" (or, for a
    numeric label, "X has 3 features, but ... is expecting 2"), which does not say the file has a column
    the estimator was never fitted on."""
    import joblib
    import numpy as np
    import pandas as pd
    from sklearn.tree import DecisionTreeClassifier

    rng = np.random.default_rng(0)
    X = rng.normal(size=(80, 2))
    y = np.where(X[:, 0] > X[:, 1], label[0], label[1])
    joblib.dump(DecisionTreeClassifier(max_depth=2, random_state=0).fit(X, y), tmp_path / "forest.joblib")
    pd.DataFrame({"a": X[:, 0], "b": X[:, 1], "cls": y}).to_csv(tmp_path / "rows.csv", index=False)
    monkeypatch.chdir(tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert main(["distill", "--teacher", "forest.joblib", "--data", "rows.csv", "-o", "m.json"]) == 2
    err = capsys.readouterr().err
    assert "was fitted on 2 features and the rows have 3 columns" in err, err
    assert "--drop" in err, err
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert main(["distill", "--teacher", "forest.joblib", "--data", "rows.csv", "--drop", "cls",
                     "-o", "m.json"]) == 0


@pytest.mark.parametrize("argv, message", [
    (["--holdout-fraction", "0.01"], "--holdout-fraction 0.01 of 40 rows holds out no row: fidelity needs at least one "
                                     "held-out row; give a larger --holdout-fraction or --holdout"),
    (["--holdout-fraction", "0.05", "--task", "regression"],
     "--holdout-fraction 0.05 of 40 rows holds out 2 rows: a regressor's fidelity (R²) has no 95% interval on two "
     "rows (the only resamples with an R²"),
])
def test_report_names_the_flags_of_a_holdout_fraction_too_small(session_rule, capsys, argv, message):
    """`report --holdout-fraction 0.01` said "holdout_fraction=0.01 ... give a larger holdout_fraction or
    X_holdout": the library's argument names, where the command's flags were given."""
    assert main(["report", "--teacher", "session_rule:rule", "--data", "rows.csv", *argv, "-o", "r.html",
                 "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert message in err and "holdout_fraction" not in err and "X_holdout" not in err


@pytest.mark.parametrize("flag", ["--label", "--drop"])
def test_evaluate_names_a_label_or_drop_that_is_one_of_the_models_features(session_rule, capsys, flag):
    """`--label a` (or `--drop a`) naming one of the model's features took the column out of the rows,
    and evaluate said 'missing ['a']' of a file that holds a column a."""
    assert main(["distill", "--teacher", "session_rule:rule", "--data", "rows.csv", "-o", "m.json"]) == 0
    capsys.readouterr()
    assert main(["evaluate", "m.json", "--teacher", "session_rule:rule", "--data", "rows.csv", flag, "a"]) == 2
    what = "a column of true labels" if flag == "--label" else "a column to ignore"
    assert capsys.readouterr().err == (f"symdistill evaluate: error: {flag} a names {what}, but 'a' is a feature of "
                                       "m.json, which reads it\n")


def test_predict_names_a_drop_that_is_one_of_the_models_features(session_rule, capsys):
    """`predict --drop a` of a feature a said 'missing ['a']' of a file that holds a column a."""
    assert main(["distill", "--teacher", "session_rule:rule", "--data", "rows.csv", "-o", "m.json"]) == 0
    capsys.readouterr()
    assert main(["predict", "m.json", "--data", "rows.csv", "--drop", "a"]) == 2
    assert capsys.readouterr().err == ("symdistill predict: error: --drop a names a column to ignore, but 'a' is a "
                                       "feature of m.json, which reads it\n")


def test_a_column_of_booleans_with_a_word_is_named(tmp_path, monkeypatch, capsys):
    """A column of True/False holding 'maybe' in one row is read by pandas as text: the teacher, which
    takes the column as booleans, failed with "could not convert string to float: 'True'", naming neither
    the column nor the word. Such a column now draws a warning naming the column, the word and its row,
    and a teacher's error ends naming them too, as a word among numbers does."""
    (tmp_path / "bool_rule.py").write_text(
        "import numpy as np\n\n\ndef rule(X):\n    return np.asarray(X['member'], dtype=float).astype(int)\n")
    lines = [f"{18 + i % 60},{'maybe' if i == 3 else bool(i % 2)}" for i in range(100)]
    (tmp_path / "rows.csv").write_text("age,member\n" + "\n".join(lines) + "\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.warns(UserWarning, match=r"^column 'member' of rows.csv holds booleans but 1 field of text "
                                         r"\('maybe' in row 3\)"):
        assert main(["distill", "--teacher", "bool_rule:rule", "--data", "rows.csv", "-o", "m.json"]) == 2
    err = capsys.readouterr().err
    assert err.rstrip().endswith("; column 'member' of rows.csv holds the text 'maybe' in row 3 among its booleans, "
                                 "read as categorical: a teacher that takes the column as booleans fails on it; if "
                                 "'maybe' marks a missing value, fill or drop those rows"), err
    with warnings.catch_warnings():  # a column of booleans alone, or of words alone, draws none
        warnings.simplefilter("error")
        (tmp_path / "rows.csv").write_text("age,member\n" + "\n".join(lines).replace("maybe", "True") + "\n")
        assert main(["distill", "--teacher", "bool_rule:rule", "--data", "rows.csv", "-o", "m.json"]) == 0

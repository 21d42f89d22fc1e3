"""`symdistill predict`: a saved model applied to the rows of a file (an automaton to a file of words), its
predictions written as CSV, exactly as the loaded model's predict and predict_proba give them."""

from __future__ import annotations

import csv
import io
import json
import sys

import numpy as np
import pytest

import symdistill as sd
from symdistill.cli import main

# What an unknown category that is no misspelling says to do (the rows distilled from lacked it).
NEW_CATEGORY = ("; the domain lacks it (a model's domain holds the categories of the rows it was distilled from), so "
                "the model cannot place it: drop the rows holding it, or distill from rows that hold it")

pd = pytest.importorskip("pandas")


def _rows(n: int = 60, seed: int = 0):
    """Rows with an identifier (codes such as 007 and NA, a comma, a quote), two numbers and a column of
    zero-padded codes (01, 02, 10) that the models know as strings."""
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({"a": rng.normal(size=n), "b": rng.normal(size=n),
                       "zip": rng.choice(["01", "02", "10"], n)})
    ids = ["007", "NA", "", 'x,"y"', "a b"] + [str(i) for i in range(5, n)]
    return df, ids


def _label(d):
    return np.where((np.asarray(d["a"], dtype=float) > 0) & (np.asarray(d["zip"]) != "10"), "yes", "no")


def _value(d):
    return 2 * np.asarray(d["a"], dtype=float) - np.asarray(d["b"], dtype=float) + (np.asarray(d["zip"]) == "02")


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    """Models of every tabular form, classification and regression, saved in a folder with rows.csv."""
    folder = tmp_path_factory.mktemp("predict")
    df, ids = _rows(200)
    X = df.assign(zip=pd.Categorical(df["zip"]))
    for form in ("tree", "rules", "linear"):
        sd.distill(_label, X, form=form, max_size=4, random_state=0).to_json(folder / f"{form}.json")
    for form in ("tree", "linear"):
        sd.distill(_value, X, form=form, max_size=4, task="regression", random_state=0).to_json(folder / f"{form}_r.json")
    test, ids = _rows(40, seed=1)
    test.insert(0, "id", ids)  # written with the codes as they are: 007 and 01 stay text in the file
    test.to_csv(folder / "rows.csv", index=False)
    return folder


def _read(text: str) -> tuple[list[str], list[list[str]]]:
    header, *rows = list(csv.reader(io.StringIO(text)))
    return header, rows


def _features(folder):
    """The rows of rows.csv as the models take them: the codes as strings."""
    return pd.read_csv(folder / "rows.csv", dtype={"id": str, "zip": str}, keep_default_na=False).drop(columns="id")


@pytest.mark.parametrize("name", ["tree", "rules", "linear", "tree_r", "linear_r"])
def test_predictions_are_the_models_predictions(models, monkeypatch, capsys, name):
    """The command had no way to apply a saved model to new rows: a user wrote Python for it."""
    monkeypatch.chdir(models)
    assert main(["predict", f"{name}.json", "--data", "rows.csv", "--drop", "id"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    header, rows = _read(out)
    expected = sd.load(models / f"{name}.json").predict(_features(models)).tolist()
    assert header == ["prediction"] and len(rows) == len(expected) == 40
    if name.endswith("_r"):  # the values as written read back as the same floats
        assert [float(r[0]) for r in rows] == expected
    else:
        assert [r[0] for r in rows] == expected and set(expected) == {"yes", "no"}


@pytest.mark.parametrize("name", ["tree", "rules", "linear"])
def test_proba_writes_a_column_per_class_and_keep_carries_identifiers_as_written(models, monkeypatch, capsys, name):
    monkeypatch.chdir(models)
    assert main(["predict", f"{name}.json", "--data", "rows.csv", "--proba", "--keep", "id", "-o", "out.csv"]) == 0
    assert capsys.readouterr() == ("", "wrote out.csv: 40 predictions\n")
    header, rows = _read((models / "out.csv").read_text(encoding="utf-8"))
    model = sd.load(models / f"{name}.json")
    X = _features(models)
    assert header == ["id", "prediction", "proba_no", "proba_yes"] and list(model.classes) == ["no", "yes"]
    assert [r[0] for r in rows] == _rows(40, seed=1)[1]  # 007, NA, the empty one, quotes and commas as written
    assert [r[1] for r in rows] == model.predict(X).tolist()
    assert [[float(p) for p in r[2:]] for r in rows] == model.predict_proba(X).tolist()


def test_keep_reads_the_data_once_and_copies_fields_as_written(models, monkeypatch, capsys):
    """--keep read --data a second time, every column of it, for the kept columns as written: on
    1,000,000 rows a second full parse. One reading now gives the rows and the kept fields; kept
    features ('1.50', ' 2', '3e0') are still copied as written and predicted on as numbers."""
    monkeypatch.chdir(models)
    df, ids = _rows(3, seed=1)
    rows = "id,a,b,zip\n" + "".join(f"{i},{a},{b},{z}\n" for i, a, b, z in
                                    zip(ids[:3] + ['x,"y"'], ["1.50", '" 2"', "3e0", "-0.5"], ["0", "1", "2", "3"],
                                        ["01", "10", "02", "01"]))
    rows = rows.replace('x,"y",', '"x,""y""",')
    (models / "kept.csv").write_text(rows)
    parses = []
    real = pd.read_csv

    def counted(source, *args, **kwargs):
        if str(source).endswith("kept.csv") and kwargs.get("nrows") is None:
            parses.append(kwargs.get("usecols"))
        return real(source, *args, **kwargs)

    monkeypatch.setattr(pd, "read_csv", counted)
    assert main(["predict", "tree_r.json", "--data", "kept.csv", "--keep", "id,a"]) == 0
    assert parses == [None]  # the rows parsed once
    header, out = _read(capsys.readouterr().out)
    model = sd.load(models / "tree_r.json")
    X = pd.DataFrame({"a": [1.5, 2.0, 3.0, -0.5], "b": [0, 1, 2, 3], "zip": ["01", "10", "02", "01"]})
    assert header == ["id", "a", "prediction"]
    assert [r[:2] for r in out] == [["007", "1.50"], ["NA", " 2"], ["", "3e0"], ['x,"y"', "-0.5"]]
    assert [float(r[2]) for r in out] == model.predict(X).tolist()


def test_a_hand_written_model_with_awkward_class_labels(tmp_path, monkeypatch, capsys):
    """Class labels holding a comma, quotes or a line break are quoted by the CSV writer: one row per
    input row, the proba columns named unambiguously."""
    labels = ["a,b", 'say "hi"\nnow']
    spec = {"format": "symdistill", "version": 1, "kind": "tree", "task": "classification", "classes": labels,
            "domain": {"features": [{"name": "x", "kind": "numeric", "lower": 0, "upper": 10}]},
            "children_left": [1, -1, -1], "children_right": [2, -1, -1], "feature": [0, -1, -1],
            "threshold": [5.0, 0.0, 0.0], "value": [[0.5, 0.5], [0.8, 0.2], [0.0, 1.0]]}
    (tmp_path / "hand.json").write_text(json.dumps(spec))
    model = sd.load(tmp_path / "hand.json")
    (tmp_path / "rows.csv").write_text("x\n1\n7\n5\n9.5\n")
    monkeypatch.chdir(tmp_path)
    assert main(["predict", "hand.json", "--data", "rows.csv", "--proba"]) == 0
    header, rows = _read(capsys.readouterr().out)
    X = pd.DataFrame({"x": [1, 7, 5, 9.5]})
    assert header == ["prediction", "proba_a,b", 'proba_say "hi"\nnow']
    assert [r[0] for r in rows] == model.predict(X).tolist() == [labels[0], labels[1], labels[0], labels[1]]
    assert [[float(p) for p in r[1:]] for r in rows] == model.predict_proba(X).tolist()


def test_compressed_and_parquet_data_are_read_as_evaluate_reads_them(models, monkeypatch, capsys):
    import gzip

    monkeypatch.chdir(models)
    with gzip.open(models / "rows.csv.gz", "wt") as f:
        f.write((models / "rows.csv").read_text())
    expected = sd.load(models / "tree.json").predict(_features(models)).tolist()
    assert main(["predict", "tree.json", "--data", "rows.csv.gz", "--keep", "id"]) == 0
    header, rows = _read(capsys.readouterr().out)
    assert [r[1] for r in rows] == expected and rows[0][0] == "007"
    pytest.importorskip("pyarrow")
    frame = _features(models)
    frame.insert(0, "id", pd.array([None, *range(1, 40)], dtype="Int64"))  # a missing one is written empty
    frame.to_parquet(models / "rows.parquet")
    assert main(["predict", "tree.json", "--data", "rows.parquet", "--keep", "id"]) == 0
    header, rows = _read(capsys.readouterr().out)
    assert [r[1] for r in rows] == expected and [r[0] for r in rows[:3]] == ["", "1", "2"]


def test_columns_are_matched_by_name_and_checked(models, monkeypatch, capsys):
    monkeypatch.chdir(models)
    df = pd.read_csv("rows.csv", dtype=str, keep_default_na=False)
    df[["zip", "b", "id", "a"]].assign(label="?").to_csv("shuffled.csv", index=False)
    assert main(["predict", "tree.json", "--data", "shuffled.csv", "--keep", "id", "--drop", "label"]) == 0
    assert [r[1] for r in _read(capsys.readouterr().out)[1]] == \
        sd.load(models / "tree.json").predict(_features(models)).tolist()
    for argv, message in [
        (["--data", "shuffled.csv", "--keep", "id"], "columns of shuffled.csv do not match the model's features: "
         "unknown ['label'] (--keep columns to copy them into the output, or --drop them)"),
        (["--data", "shuffled.csv", "--drop", "label,id,b"], "--drop b names a column to ignore, but 'b' is a "
         "feature of tree.json, which reads it\n"),
        (["--data", "rows.csv", "--keep", "ID"], "--keep: column 'ID' not in rows.csv; columns are ['id', 'a', 'b', 'zip']"),
        (["--data", "rows.csv", "--keep", "id,id"], "--keep id,id names 'id' twice: keep a column once"),
        (["--data", "rows.csv", "--keep", "id,prediction"], "--keep id,prediction: the output would have two columns "
         "named 'prediction', the kept one and its own; rename that column of rows.csv"),
        (["--data", "rows.csv", "--keep", "id", "--drop", "id"], "--keep and --drop both name 'id'"),
        (["--data", "none.csv"], "data file not found: none.csv"),
    ]:
        assert main(["predict", "tree.json", *argv]) == 2, argv
        out, err = capsys.readouterr()
        assert out == "" and err.startswith("symdistill predict: error: ") and err.count("\n") == 1, err
        assert message in err, (argv, err)


@pytest.mark.parametrize("cell, column, message", [
    ("", "a", "column 'a' has a non-finite value (nan) in row 2; fill or drop it first (or pass --drop-missing)"),
    ("inf", "b", "column 'b' has a non-finite value (inf) in row 2; fill or drop it first"),
    ("03", "zip", "column 'zip' has unknown category '03' in row 2; known categories: ['01', '02', '10']"
     + NEW_CATEGORY),
])
@pytest.mark.parametrize("name", ["tree", "rules", "linear"])
def test_a_row_the_model_refuses_is_named(models, tmp_path, monkeypatch, capsys, cell, column, message, name):
    df = pd.read_csv(models / "rows.csv", dtype=str, keep_default_na=False)
    df.loc[2, column] = cell
    df.to_csv(tmp_path / "bad.csv", index=False)
    monkeypatch.chdir(tmp_path)
    assert main(["predict", str(models / f"{name}.json"), "--data", "bad.csv", "--keep", "id", "-o", "out.csv"]) == 2
    assert capsys.readouterr() == ("", f"symdistill predict: error: --data bad.csv: {message}\n")
    assert not (tmp_path / "out.csv").exists()


def test_proba_of_a_regressor_and_outputs_over_inputs_are_refused(models, monkeypatch, capsys):
    monkeypatch.chdir(models)
    before = (models / "rows.csv").read_text()
    for argv, message in [
        (["tree_r.json", "--proba"], "--proba applies to classifiers; tree_r.json holds a regression tree model"),
        (["tree.json", "-o", "rows.csv"], "-o 'rows.csv' is the same file as --data 'rows.csv'"),
        (["tree.json", "-o", "tree.json"], "-o 'tree.json' is the same file as the model 'tree.json'"),
        (["tree.json", "--activations"], "--activations applies to concept rules (distilled with layer=)"),
    ]:
        assert main(["predict", *argv, "--data", "rows.csv"]) == 2
        out, err = capsys.readouterr()
        assert out == "" and message in err and err.count("\n") == 1, err
    assert (models / "rows.csv").read_text() == before and sd.load(models / "tree.json").kind == "tree"


def test_concept_rules_are_refused_on_input_rows_and_take_activations(tmp_path, monkeypatch, capsys):
    """Concept rules read a hidden layer's activations: on the network's input rows their columns do not
    match (or, worse, a layer as wide as the input would be read as it); --activations says the file holds
    the activations."""
    from sklearn.neural_network import MLPClassifier

    from symdistill.teachers.activations import read_activations

    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 3))
    with pytest.warns(Warning):  # the network has not converged: it need not, to have a hidden layer
        net = MLPClassifier(hidden_layer_sizes=(4,), max_iter=50, random_state=0).fit(X, (X[:, 0] > 0).astype(int))
    rules = sd.distill(net, X, form="rules", layer="hidden_0", max_size=3, random_state=0, n_samples=500)
    rules.to_json(tmp_path / "concepts.json")
    pd.DataFrame(X[:20], columns=["a", "b", "c"]).to_csv(tmp_path / "rows.csv", index=False)
    A = pd.DataFrame(read_activations(net, X[:20], "hidden_0"), columns=rules.feature_names)
    A.to_csv(tmp_path / "act.csv", index=False)
    monkeypatch.chdir(tmp_path)
    assert main(["predict", "concepts.json", "--data", "rows.csv"]) == 2
    assert capsys.readouterr().err == (
        "symdistill predict: error: concepts.json holds concept rules: they read the activations of hidden layer "
        "'hidden_0' (distilled with layer=), not input rows; give --data those activations, a column per unit "
        "(hidden_0[0], hidden_0[1], hidden_0[2], hidden_0[3]), with --activations\n")
    assert main(["predict", "concepts.json", "--data", "act.csv", "--activations", "--proba"]) == 0
    header, rows = _read(capsys.readouterr().out)
    assert header == ["prediction", "proba_0", "proba_1"]
    assert [int(r[0]) for r in rows] == rules.predict(A).tolist()
    assert [[float(p) for p in r[1:]] for r in rows] == rules.predict_proba(A).tolist()


def test_an_automaton_predicts_on_a_file_of_words(tmp_path, monkeypatch, capsys):
    """Words are read as evaluate reads them (an empty line is the empty word; symbols of several
    characters separated by commas, or a JSON list); a line of output per word: the line, its label."""
    monkeypatch.chdir(tmp_path)
    sd.DFA.from_regex(".*11.*", "01").to_json(tmp_path / "dfa.json")
    (tmp_path / "words.txt").write_text("0110\n\n1\n0011\n")
    assert main(["predict", "dfa.json", "--data", "words.txt"]) == 0
    header, rows = _read(capsys.readouterr().out)
    expected = sd.load(tmp_path / "dfa.json").predict(["0110", "", "1", "0011"]).tolist()
    assert header == ["word", "prediction"] and rows == [[w, str(p)] for w, p in zip(["0110", "", "1", "0011"], expected)]
    assert expected == [True, False, False, True]
    alphabet = ["go", "a,b"]
    moore = sd.MooreMachine(alphabet, [[1, 0], [0, 1]], ["even", 'odd, "really"'])
    moore.to_json(tmp_path / "moore.json")
    (tmp_path / "moves.txt").write_text('go,go\ngo\n["a,b", "go"]\n')
    assert main(["predict", "moore.json", "--data", "moves.txt", "-o", "labels.csv"]) == 0
    assert capsys.readouterr().err == "wrote labels.csv: 3 predictions\n"
    header, rows = _read((tmp_path / "labels.csv").read_text())
    labels = moore.predict([("go", "go"), ("go",), ("a,b", "go")]).tolist()
    assert rows == [["go,go", labels[0]], ["go", labels[1]], ['["a,b", "go"]', labels[2]]]
    assert labels == ["even", 'odd, "really"', 'odd, "really"']
    for argv, message in [(["--keep", "id"], "--keep, --drop, --proba, --activations and --na-values apply to "
                                             "tabular models"),
                          (["--proba"], "apply to tabular models"), (["--na-values", ""], "apply to tabular models")]:
        assert main(["predict", "moore.json", "--data", "moves.txt", *argv]) == 2
        assert message in capsys.readouterr().err
    (tmp_path / "moves.txt").write_text("go, go\n")
    assert main(["predict", "moore.json", "--data", "moves.txt"]) == 2
    assert "line 1 of moves.txt: symbol ' go' is not in the alphabet" in capsys.readouterr().err


def _expected_csv(header, *columns) -> str:
    """The CSV the command wrote before it streamed: every row at once, through one csv.writer."""
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerows([header, *zip(*columns)])
    return text.getvalue()


@pytest.mark.parametrize("name", ["tree", "rules", "linear", "tree_r", "linear_r"])
def test_predictions_are_written_a_chunk_at_a_time_with_the_same_bytes(models, monkeypatch, name):
    """The command held every prediction, and the whole CSV text, in memory before writing a byte: on
    millions of rows that doubled its memory and showed nothing until the end. It now predicts and writes
    PREDICT_CHUNK rows at a time; the bytes are those of the rows written at once."""
    from symdistill import cli

    model = sd.load(models / f"{name}.json")
    X = _features(models)
    proba = name in ("tree", "rules", "linear")
    args = ["predict", f"{name}.json", "--data", "rows.csv", "--keep", "id"] + ["--proba"] * proba
    columns = [_rows(40, seed=1)[1], model.predict(X).tolist()] + (model.predict_proba(X).T.tolist() if proba else [])
    header = ["id", "prediction"] + ([f"proba_{c}" for c in model.classes] if proba else [])
    expected = _expected_csv(header, *columns)
    monkeypatch.chdir(models)
    seen = []  # (rows asked about, output lines written by then) at each call of the model
    walk = "predict_and_proba_encoded" if proba else "predict_encoded"  # (--proba: labels and probabilities)
    predict_encoded = getattr(type(model), walk)

    def spy(self, Z):
        seen.append((len(Z), sys.stdout.getvalue().count("\n")))
        return predict_encoded(self, Z)

    monkeypatch.setattr(type(model), walk, spy)
    for chunk in (None, 7):  # the default (one chunk here) and 6 chunks, the last of 5 rows
        if chunk:
            monkeypatch.setattr(cli, "PREDICT_CHUNK", chunk, raising=False)
        monkeypatch.setattr(sys, "stdout", io.StringIO())
        seen.clear()
        assert main(args) == 0
        assert sys.stdout.getvalue() == expected
        if chunk:
            assert seen == [(7, 1), (7, 8), (7, 15), (7, 22), (7, 29), (5, 36)]  # the header, then 7 rows a chunk
    monkeypatch.setattr(cli, "PREDICT_CHUNK", 7, raising=False)
    assert main([*args, "-o", "chunked.csv"]) == 0
    assert (models / "chunked.csv").read_bytes() == expected.encode()


def test_words_are_predicted_a_chunk_at_a_time(tmp_path, monkeypatch):
    from symdistill import cli

    monkeypatch.chdir(tmp_path)
    dfa = sd.DFA.from_regex(".*11.*", "01")
    dfa.to_json(tmp_path / "dfa.json")
    words = [format(i, "b") for i in range(20)]
    (tmp_path / "words.txt").write_text("\n".join(words) + "\n")
    expected = _expected_csv(["word", "prediction"], words, dfa.predict(words).tolist())
    seen = []  # (words asked about, output lines written by then) at each call of the automaton
    predict = sd.DFA.predict

    def spy(self, words):
        seen.append((len(words), sys.stdout.getvalue().count("\n")))
        return predict(self, words)

    monkeypatch.setattr(sd.DFA, "predict", spy)
    monkeypatch.setattr(sys, "stdout", io.StringIO())
    monkeypatch.setattr(cli, "PREDICT_CHUNK", 6, raising=False)
    assert main(["predict", "dfa.json", "--data", "words.txt"]) == 0
    assert sys.stdout.getvalue() == expected and seen == [(6, 1), (6, 7), (6, 13), (2, 19)]


@pytest.mark.parametrize("name", ["tree", "rules", "linear"])
def test_a_bad_row_in_a_later_chunk_is_named_before_anything_is_written(models, tmp_path, monkeypatch, capsys, name):
    """Every row is checked before the first chunk is written: the error names the row in the whole file, and
    standard output (or the -o file) gets nothing, not the chunks before it."""
    from symdistill import cli

    df = pd.read_csv(models / "rows.csv", dtype=str, keep_default_na=False)
    df.loc[33, "zip"] = "03"
    df.to_csv(tmp_path / "bad.csv", index=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(cli, "PREDICT_CHUNK", 7, raising=False)
    message = "column 'zip' has unknown category '03' in row 33; known categories: ['01', '02', '10']" + NEW_CATEGORY
    for output in ([], ["-o", "out.csv"]):
        assert main(["predict", str(models / f"{name}.json"), "--data", "bad.csv", "--keep", "id", *output]) == 2
        assert capsys.readouterr() == ("", f"symdistill predict: error: --data bad.csv: {message}\n")
    assert not (tmp_path / "out.csv").exists()


def test_columns_read_as_written_leave_the_other_columns_missing_where_pandas_would(tmp_path):
    """Reading some columns as written (``predict --keep``) reads the others' missing fields from a list of
    pandas' defaults written out (pandas keeps its own in a private module): the other columns, text
    or numbers, come out as the file read without any column as written does."""
    from symdistill.cli import read_table, read_table_written

    missing = ["", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN", "<NA>",
               "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null"]  # pandas' documented defaults
    near = ["na", "NONE", "-NA", "n.a.", "nil", "0"]  # not missing
    fields = missing + near
    rows = "id,t,n,code\n" + "".join(f'"{f}","{f}",{f if f in missing else i},{f if f in missing else "07"}\n'
                                     for i, f in enumerate(fields))
    path = tmp_path / "rows.csv"
    path.write_text(rows)
    plain = read_table(str(path), text=["t"])
    df, kept, _ = read_table_written(str(path), text=["t"], written=["id", "code"])
    pd.testing.assert_frame_equal(df, plain)
    assert plain["t"].isna().tolist() == plain["n"].isna().tolist() == [f in missing for f in fields]
    assert kept["id"].tolist() == fields  # every field as written
    assert kept["code"].tolist() == missing + ["07"] * len(near)


def test_the_missing_fields_written_out_are_pandas_own():
    """The list of missing fields is pandas' default, written out: this notices a pandas whose own
    (private) list differs."""
    from symdistill.cli import CSV_MISSING

    own = getattr(pytest.importorskip("pandas._libs.parsers"), "STR_NA_VALUES", None)
    if own is None:
        pytest.skip("this pandas keeps its default missing fields elsewhere")
    assert CSV_MISSING == set(own)


def test_columns_whose_names_hold_a_comma_are_named_in_a_json_list(tmp_path, monkeypatch, capsys):
    """A CSV's quoted header may name a column "Income, USD" (distill reads it as that feature), but
    --drop, --keep and --categorical split at every comma: such a column could be neither dropped, kept
    nor declared categorical ("column 'Income' not in rows.csv"), so predict refused the file. These
    flags now take a JSON list of names, as --classes and --invariant do."""
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"id": [f"{i:03d}" for i in range(80)], "Income, USD": rng.normal(50, 10, 80),
                       "Colour, main": rng.choice(["red", "blue"], 80), "note, free": "x"})
    df.to_csv(tmp_path / "rows.csv", index=False)
    (tmp_path / "comma_teacher.py").write_text(
        "import numpy as np\n"
        "def predict(df):\n"
        "    return np.where((df['Income, USD'] > 50) & (df['Colour, main'] == 'red'), 'yes', 'no')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.chdir(tmp_path)
    assert main(["distill", "--teacher", "comma_teacher:predict", "--data", "rows.csv", "--max-size", "3",
                 "--drop", '["id", "note, free"]', "--categorical", '["Colour, main"]', "-o", "m.json"]) == 0
    model = sd.load(tmp_path / "m.json")
    assert model.feature_names == ["Income, USD", "Colour, main"]
    assert model.domain.features[1].is_categorical
    capsys.readouterr()
    assert main(["predict", "m.json", "--data", "rows.csv", "--keep", '["id"]', "--drop", '["note, free"]']) == 0
    out = pd.read_csv(io.StringIO(capsys.readouterr().out), dtype=str)
    assert out["id"].tolist() == df["id"].tolist()
    assert out["prediction"].tolist() == model.predict(df[["Income, USD", "Colour, main"]]).tolist()
    assert main(["predict", "m.json", "--data", "rows.csv", "--keep", "id", "--drop", "note, free"]) == 2
    err = capsys.readouterr().err
    assert "column 'note' not in rows.csv" in err
    assert """('note, free' holds a comma: name it in a JSON list, '["note, free"]')""" in err


def test_a_column_name_in_another_unicode_form_is_named_so(tmp_path, capsys):
    """A header written with decomposed characters ('a' + U+0302 for 'â', as macOS may write names) is
    another column than the model's composed 'âge', but the error printed the two alike: "missing ['âge'],
    unknown ['âge']". It now says the names differ in their Unicode form, showing their code points."""
    import unicodedata

    X = pd.DataFrame({"\u00e2ge": np.arange(40.0), "b": np.ones(40)})
    model = sd.distill(lambda d: (np.asarray(d)[:, 0] > 20).astype(int), X, max_size=2)
    model.to_json(tmp_path / "m.json")
    X.rename(columns={"\u00e2ge": unicodedata.normalize("NFD", "\u00e2ge")}).to_csv(tmp_path / "nfd.csv", index=False)
    assert main(["predict", str(tmp_path / "m.json"), "--data", str(tmp_path / "nfd.csv")]) == 2
    err = capsys.readouterr().err
    assert "('a\\u0302ge' is '\\xe2ge' in another Unicode form, composed or decomposed" in err
    with pytest.raises(sd.DataError, match=r"'a\\u0302ge' is '\\xe2ge' in another Unicode form"):
        model.predict(pd.read_csv(tmp_path / "nfd.csv"))


@pytest.mark.parametrize("suffix", [".gz", ".bz2", ".xz", ".zip"])
def test_an_output_named_compressed_is_compressed(models, monkeypatch, capsys, suffix):
    """predict reads rows.csv.gz, but `-o predictions.csv.gz` wrote plain text under the .gz name (exit 0):
    the file then failed to open as what its name says ("Not a gzipped file"). It is now compressed as
    its name says, as pandas reads and writes such names, and reads back as the plain output."""
    monkeypatch.chdir(models)
    assert main(["predict", "tree.json", "--data", "rows.csv", "--keep", "id", "--proba"]) == 0
    plain = capsys.readouterr().out
    out = f"predictions.csv{suffix}"
    assert main(["predict", "tree.json", "--data", "rows.csv", "--keep", "id", "--proba", "-o", out]) == 0
    from pandas.io.common import get_handle

    with get_handle(out, "r", encoding="utf-8", compression="infer") as handles:
        assert handles.handle.read() == plain


def test_numbers_written_with_thousands_separators_are_named_so(tmp_path, capsys):
    """A spreadsheet's CSV writes large numbers quoted with thousands separators ("1,234.50"), which pandas
    reads as text; predict refused the column with "fill or drop such rows (does it mark a missing
    value?)", advice that does not fit: the fields are numbers written with separators."""
    X = pd.DataFrame({"income": np.linspace(500.0, 5000.0, 40), "b": np.ones(40)})
    model = sd.distill(lambda d: (np.asarray(d)[:, 0] > 2000).astype(int), X, max_size=2)
    model.to_json(tmp_path / "m.json")
    (tmp_path / "rows.csv").write_text("income,b\n" + "".join(f'"{v:,.2f}",1\n' for v in X["income"]))
    assert main(["predict", str(tmp_path / "m.json"), "--data", str(tmp_path / "rows.csv")]) == 2
    err = capsys.readouterr().err
    assert "column 'income' should be numeric but holds the text '500.00' in row 0" not in err
    assert "holds the text '1,076.92' in row 5; write the numbers without thousands separators (1234.5, not " \
           "1,234.5)" in err and "missing value" not in err


def test_an_output_named_tsv_is_tab_separated_and_one_named_parquet_is_refused(models, monkeypatch, capsys):
    """predict wrote comma-separated text whatever -o was named: predictions.tsv, which --data reads
    tab-separated, came back as one column, and predictions.parquet held CSV text that pd.read_parquet
    cannot open, with no word. A .tsv output is now tab-separated, as a .tsv --data is read; a Parquet
    one is refused, naming -o, before anything is written."""
    monkeypatch.chdir(models)
    expected = sd.load(models / "tree.json").predict(_features(models)).tolist()
    for name in ("out.tsv", "out.tsv.gz"):
        assert main(["predict", "tree.json", "--data", "rows.csv", "--keep", "id", "-o", name]) == 0
        back = pd.read_csv(name, sep="\t", dtype=str, keep_default_na=False)
        assert list(back.columns) == ["id", "prediction"] and back["prediction"].tolist() == expected
        assert back["id"].tolist()[:2] == ["007", "NA"]
    capsys.readouterr()
    for name in ("out.parquet", "out.pq"):
        assert main(["predict", "tree.json", "--data", "rows.csv", "--keep", "id", "-o", name]) == 2
        err = capsys.readouterr().err
        assert f"-o {name!r} names a Parquet file" in err and "writes CSV" in err
        assert not (models / name).exists()

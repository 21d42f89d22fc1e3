"""A user with large data: 1-2 million rows of numbers and categories (one of 500 levels), read from CSV
and Parquet by the command line. What that audit found: work done twice on the whole table, which on a
million rows cost seconds a step. Each test asserts the behaviour a user relies on (the same output, the
file read once), never a time."""

from __future__ import annotations

import importlib

import numpy as np
import pytest

import symdistill as sd
import symdistill.cli as cli
from symdistill.cli import main

pd = pytest.importorskip("pandas")

N = 300


def _rule(df):
    return np.where(np.asarray(df["age"], dtype=float) + np.where(df["colour"] == "red", 10, 0) > 45, "01", "02")


@pytest.fixture()
def labelled(tmp_path, monkeypatch):
    """rows.csv: ages, colours and true labels '01' / '02' (text classes, zero-padded: read as written),
    a tenth of them wrong; m.json: a tree distilled from the rows; scale_rule.py: the teacher."""
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"age": rng.integers(18, 80, N), "colour": rng.choice(["red", "blue", "green"], N)})
    y = _rule(df)
    y[::10] = np.where(y[::10] == "01", "02", "01")
    df.assign(y=y).to_csv(tmp_path / "rows.csv", index=False)
    (tmp_path / "scale_rule.py").write_text(
        "import numpy as np\n\n\ndef predict(df):\n"
        "    return np.where(np.asarray(df['age'], dtype=float) + np.where(df['colour'] == 'red', 10, 0) > 45,"
        " '01', '02')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.chdir(tmp_path)
    sd.distill(_rule, df, form="tree", max_size=4, random_state=0).to_json(tmp_path / "m.json")
    return tmp_path, df, y


def _reads(monkeypatch):
    """The whole readings of a CSV file (``_read_csv_written``'s, each of every row) a command makes."""
    calls = []
    original = cli._read_csv_written

    def counted(pd_, p, *args, **kwargs):
        calls.append(str(p))
        return original(pd_, p, *args, **kwargs)

    monkeypatch.setattr(cli, "_read_csv_written", counted)
    return calls


def test_evaluate_with_a_label_reads_the_data_file_once(labelled, monkeypatch, capsys):
    """`evaluate --label` read the whole file twice, once for the rows and once more for the label column
    (a million rows of 20 columns: 2 x 2.5 s of reading). The labels are now read with the rows: one
    reading, the same scores, the text classes' labels still read as written ('01', not 1)."""
    _, df, y = labelled
    calls = _reads(monkeypatch)
    assert main(["evaluate", "m.json", "--teacher", "scale_rule:predict", "--data", "rows.csv", "--label", "y"]) == 0
    out = capsys.readouterr().out
    assert calls == ["rows.csv"]
    model = sd.load("m.json")
    expected = sd.accuracy(model, df, y)
    assert f"against --label y: {expected}" in out
    assert float(expected) == pytest.approx(np.mean(model.predict(df) == y))


def test_words_among_numbers_are_looked_for_among_each_columns_distinct_fields(tmp_path, monkeypatch):
    """distill and report look for a few words among a text column's numbers (adult's '?') by parsing its
    fields as numbers: every row's field, 0.9 s a column of a million rows (3-5 s of a file's three
    category columns, twice pandas' reading of the whole file). Each distinct field is parsed once now:
    the same warning, naming the same word and row, from work that grows with the distinct fields."""
    rng = np.random.default_rng(1)
    n = 5000
    ages = rng.integers(18, 80, n).astype(str)
    ages[[1234, 4000]] = "?"
    pd.DataFrame({"age": ages, "colour": rng.choice(["red", "blue", "green"], n),
                  "x": rng.normal(size=n)}).to_csv(tmp_path / "rows.csv", index=False)
    df = cli.read_table(str(tmp_path / "rows.csv"))
    parsed = []
    original = pd.to_numeric

    def counted(arg, *args, **kwargs):
        parsed.append(len(arg))
        return original(arg, *args, **kwargs)

    monkeypatch.setattr(pd, "to_numeric", counted)
    with pytest.warns(UserWarning, match=r"column 'age' of rows.csv holds numbers but 2 fields of text "
                                         r"\('\?' in row 1234\), so it is read as categorical"):
        told = cli.warn_words_in_numbers(df, "rows.csv", [])
    assert [name for name, _, _ in told] == ["'age'"]
    assert parsed and max(parsed) <= 63  # age's 62 distinct numbers and '?', colour's 3: never a row each
    lists = pd.DataFrame({"c": pd.Series([[1], [2], [1]], dtype=object)})  # a Parquet list column: unhashable
    assert cli.warn_words_in_numbers(lists, "rows.parquet", []) == []


def test_the_exported_python_names_ten_known_categories_of_many_not_all(tmp_path):
    """The exported Python module's refusal of an unknown category printed every category of the feature:
    for a zip-code column of 19,855 levels, a 218,461-character ValueError a row. It shows the first 10 and
    how many there are, as the model's own predict does; the module still predicts the known ones."""
    rng = np.random.default_rng(2)
    zips = np.array([f"z{i:05d}" for i in range(300)])
    df = pd.DataFrame({"x": rng.normal(size=3000), "zip": zips[rng.integers(0, 300, 3000)]})

    def teacher(d):
        return (np.asarray(d["x"], dtype=float) + np.where(d["zip"].str[-1].isin(list("02468")), 1.0, -1.0) > 0
                ).astype(int)

    model = sd.distill(teacher, df, form="tree", max_size=4, random_state=0)
    namespace: dict = {}
    exec(compile(sd.export(model, "python"), "zips.py", "exec"), namespace)
    n = len(model.domain.features[1].categories)
    with pytest.raises(ValueError) as refused:
        namespace["predict"]([0.5, "z99999"])
    message = str(refused.value)
    assert message == (f"feature 'zip': unknown category 'z99999'; expected one of "
                       f"{tuple(model.domain.features[1].categories[:10])!r} ... ({n} in all)")
    with pytest.raises(sd.DataError, match=rf"known categories: .* \.\.\. \({n} in all\)"):
        model.predict(pd.DataFrame({"x": [0.5], "zip": ["z99999"]}))
    rows = df.head(200)
    assert [namespace["predict"](r) for r in rows.itertuples(index=False)] == model.predict(rows).tolist()


def _zips_and_rules():
    """A rule list distilled from rows of a 300-level zip column, its sets of codes larger than 8."""
    rng = np.random.default_rng(3)
    zips = np.array([f"z{i:05d}" for i in range(300)])
    df = pd.DataFrame({"x": rng.normal(size=6000), "zip": zips[rng.integers(0, 300, 6000)]})

    def teacher(d):
        third = d["zip"].str[1:].astype(int).to_numpy() % 3 == 0
        return (np.asarray(d["x"], dtype=float) + np.where(third, 1.0, -1.0) > 0).astype(int)

    return df, sd.distill(teacher, df, form="rules", max_size=4, random_state=0)


def test_onnx_rules_look_a_large_category_set_up_in_a_table(monkeypatch):
    """A rule list's ONNX graph tested a category set with an Equal and an Or per code: a set of 6,691 zip
    codes was 13,380 nodes, 2.1 s for onnxruntime to load and 0.59 s to run 100,000 rows (model.predict:
    0.17 s). A set of more than 8 codes is now a lookup in a table of booleans, a few nodes whatever its
    size, answering as the chain of Equals did: a code in the set, and no value that is not a whole
    number from 0 to the largest code (NaN, infinities, -1, 2.5, -0.0 as 0)."""
    ort = pytest.importorskip("onnxruntime")
    onnx = pytest.importorskip("onnx")
    onnx_export = importlib.import_module("symdistill.export.onnx")  # sd.export, the function, hides the module

    df, rules = _zips_and_rules()
    largest = max(len(c.value) for r in rules.rules for c in r.conditions if c.op in ("in", "not in"))
    assert largest > 8
    graph = sd.export(rules, "onnx")
    assert len(onnx.load_from_string(graph).graph.node) < 2 * largest  # fewer than its Equal chain alone
    monkeypatch.setattr(onnx_export, "INLINE_CODES", 10**9)  # the chain of Equals, as before
    chain = sd.export(rules, "onnx")
    Z = rules.domain.encode(df)
    odd = Z[:12].copy()
    odd[:, 1] = [np.nan, np.inf, -np.inf, -1.0, 2.5, -0.0, 299.0, 300.0, 1e300, -1e-300, 3.0, 0.0]
    rows = np.vstack([Z, odd])

    def labels(model_bytes):
        session = ort.InferenceSession(model_bytes, providers=["CPUExecutionProvider"])
        return session.run(["label"], {"X": rows})[0]

    table = labels(graph)
    np.testing.assert_array_equal(table, labels(chain))
    np.testing.assert_array_equal(table[:len(Z)], rules.predict(df))

from __future__ import annotations

import re

import numpy as np
import pytest

import symdistill as sd
from symdistill import DataError, Domain, Feature
from symdistill.shift import shifted_fidelity


def test_kinds_and_bounds_inferred_from_array():
    X = np.array([[0.5, 1, 3, 0], [2.0, 0, 7, 1], [1.0, 1, 5, 1]])
    dom = Domain.from_data(X, feature_names=["a", "b", "c", "d"])
    assert [f.kind for f in dom.features] == ["numeric", "binary", "integer", "binary"]
    assert dom.features[2].lower == 3 and dom.features[2].upper == 7


def test_dataframe_categories_round_trip():
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"job": ["nurse", "pilot", "nurse"], "age": [30, 41, 25],
                       "smoker": [True, False, True]})
    dom = Domain.from_data(df)
    assert [f.kind for f in dom.features] == ["categorical", "integer", "binary"]
    Z = dom.encode(df)
    assert Z[:, 0].tolist() == [0.0, 1.0, 0.0]
    back = dom.decode(Z)
    assert list(back["job"]) == ["nurse", "pilot", "nurse"] and list(back["smoker"]) == [True, False, True]
    assert Domain.from_dict(dom.to_dict()).feature_names == ["job", "age", "smoker"]


@pytest.mark.parametrize(
    "bad, message",
    [
        (np.zeros((3, 2)), "expected 3 features"),
        (np.array([[0.0, np.nan, 1.0]]), "column 'b' has a non-finite value"),
        (np.zeros(7), "2-D array"),
    ],
)
def test_encode_errors_name_the_problem(bad, message):
    dom = Domain.from_data(np.eye(3), feature_names=["a", "b", "c"])
    with pytest.raises(DataError, match=message):
        dom.encode(bad)


def test_unknown_category_and_unknown_column():
    pd = pytest.importorskip("pandas")
    dom = Domain.from_data(pd.DataFrame({"job": ["nurse", "pilot"], "age": [1.0, 2.0]}))
    with pytest.raises(DataError, match="column 'job' has unknown category 'clown'"):
        dom.encode(pd.DataFrame({"job": ["clown"], "age": [3.0]}))
    with pytest.raises(DataError, match="unknown \\['height'\\]"):
        dom.encode(pd.DataFrame({"job": ["nurse"], "height": [3.0]}))
    # Only the part that has columns is named: 'missing [], unknown ['z']' read as if a column were missing.
    with pytest.raises(DataError, match=r"features: unknown \['z'\] \(the model was distilled without it: drop it "
                                        r"first, X\.drop\(columns=\['z'\]\); a label column left in\?\)$"):
        dom.encode(pd.DataFrame({"job": ["nurse"], "age": [3.0], "z": [1.0]}))
    with pytest.raises(DataError, match=r"features: missing \['age'\]$"):
        dom.encode(pd.DataFrame({"job": ["nurse"]}))
    with pytest.raises(DataError, match="unknown feature 'height'"):
        dom.index("height")


def test_missing_values_in_dataframe_are_reported():
    pd = pytest.importorskip("pandas")
    with pytest.raises(DataError, match="column 'age' has 1 missing"):
        Domain.from_data(pd.DataFrame({"age": [1.0, None]}))


def test_duplicate_names_rejected():
    with pytest.raises(ValueError, match="duplicate feature names"):
        Domain.from_data(np.eye(2), feature_names=["a", "a"])


def test_dataframe_with_non_string_column_labels():
    """Columns labelled 0, 1 (the default for a DataFrame built from a list): the teacher gets its
    own labels back, and rows in another column order are matched by label, not position."""
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    df = pd.DataFrame({0: rng.uniform(size=200), 1: rng.integers(0, 5, 200)})
    dom = Domain.from_data(df)
    assert dom.feature_names == ["0", "1"]
    assert list(dom.decode(dom.encode(df)).columns) == [0, 1]
    assert np.array_equal(dom.encode(df[[1, 0]]), dom.encode(df))
    teacher = lambda X: (X[0] > 0.5).astype(int)  # noqa: E731
    tree = sd.distill(teacher, df, max_size=2, random_state=0)
    assert float(sd.fidelity(tree, teacher, df[[1, 0]])) == 1.0


def test_decode_gives_back_nullable_and_small_integer_dtypes_without_wrapping():
    """Nullable Int64 and boolean columns come back as such (they came back as float64), and a
    value that does not fit a small integer dtype (an ``outside`` shift below 0 of a uint8 column)
    widens the column instead of wrapping around into another value (-3 became 253)."""
    pd = pytest.importorskip("pandas")
    from symdistill.shift import shifted_rows

    rng = np.random.default_rng(0)
    df = pd.DataFrame({"n": pd.array(rng.integers(0, 9, 300), dtype="Int64"),
                       "b": pd.array(rng.integers(0, 2, 300).astype(bool), dtype="boolean"),
                       "u": rng.integers(0, 100, 300).astype(np.uint8),
                       "s": rng.integers(-100, 100, 300).astype(np.int8)})
    dom = Domain.from_data(df)
    back = dom.decode(dom.encode(df))
    assert [str(t) for t in back.dtypes] == ["Int64", "boolean", "uint8", "int8"]
    assert back.equals(df)
    out = shifted_rows(dom, df, ("outside", 0.5), random_state=0)
    Z = dom.encode(out)
    assert np.all(((Z < dom.lower) | (Z > dom.upper)).sum(axis=1) == 1)
    assert out["u"].min() < 0 and out["s"].min() < -128 and out["s"].max() > 127


def test_numeric_column_declared_categorical_reaches_the_teacher_as_numbers():
    """``categorical=["zip"]`` on an int column: the teacher got an unordered pandas Categorical, and
    ``X["zip"] > 2`` raised TypeError on every query batch."""
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"zip": rng.integers(0, 6, 300), "x": rng.normal(size=300),
                       "n": pd.array(rng.integers(0, 3, 300), dtype="Int64"), "s": rng.choice(["a", "b"], 300)})
    dom = Domain.from_data(df, categorical=["zip", "n"])
    assert [f.kind for f in dom.features] == ["categorical", "numeric", "categorical", "categorical"]
    back = dom.decode(dom.encode(df))
    assert back.drop(columns="s").equals(df.drop(columns="s")) and str(back["s"].dtype) == "category"
    teacher = lambda X: ((X["zip"] > 2) & (X["x"] > 0)).astype(int).to_numpy()  # noqa: E731
    tree = sd.distill(teacher, df, max_size=4, random_state=0, categorical=["zip", "n"], n_samples=1000)
    assert float(sd.fidelity(tree, teacher, df)) > 0.95


@pytest.mark.parametrize("column", [[1.0, np.nan, 2.0], ["a", None, "b"], ["a", np.nan, "b"]])
def test_missing_values_in_an_array_categorical_column_are_reported(column):
    """NaN became a category of its own (and the same rows then failed to encode); None or NaN among
    strings was reported as values that 'cannot be ordered'."""
    X = np.empty((3, 2), dtype=object)
    X[:, 0], X[:, 1] = column, [0.5, 0.7, 0.1]
    with pytest.raises(DataError, match="column 'x0' has 1 missing value \\(None or NaN, first in row 1\\)"):
        Domain.from_data(X, categorical=[0])


@pytest.mark.parametrize("kind", ["dates", "time spans"])
def test_dates_and_time_spans_are_refused_by_name(kind):
    """They became 'integer' nanosecond counts and reached the teacher as floats."""
    pd = pytest.importorskip("pandas")
    column = pd.date_range("2020-01-01", periods=10) if kind == "dates" else pd.to_timedelta(np.arange(10), unit="h")
    df = pd.DataFrame({"a": np.arange(10.0), "when": column})
    with pytest.raises(DataError, match="'when' holds dates or time spans"):
        Domain.from_data(df)
    with pytest.raises(DataError, match="dates or time spans"):
        Domain.from_data(np.arange(10).astype("datetime64[D]").reshape(-1, 1))


@pytest.mark.parametrize("column, shown", [
    ("dates", r"Timestamp\('2020-01-01 00:00:00'\) \(Timestamp\) in row 0"),
    ("decimals", r"Decimal\('2.5'\) \(Decimal\) in row 2"),
    ("bytes", r"b'x' \(bytes\) in row 0"),
    ("tuples", r"\(1, 2\) \(tuple\) in row 0"),
    ("categorical dates", r"Timestamp\('2020-01-01 00:00:00'\) \(Timestamp\) in row 0"),
])
def test_categories_a_model_cannot_save_are_refused_naming_the_column(column, shown):
    """Dates declared categorical (as the README advised), and object columns of Decimals (a database's
    numeric columns), bytes or tuples, became categorical features: distill ran, and to_json failed far
    from the cause with Python's 'Object of type Timestamp is not JSON serializable' (tuples: every query
    failed in pandas with 'isna is not defined for MultiIndex'). Such a category is refused when the
    domain is inferred, before the teacher is asked, as a teacher's labels of those types are."""
    pd = pytest.importorskip("pandas")
    import decimal

    n = 40
    values = {"dates": pd.date_range("2020-01-01", periods=4).repeat(n // 4),
              "decimals": [1.5, 2.0, decimal.Decimal("2.5"), decimal.Decimal("3")] * (n // 4),
              "bytes": [b"x", b"y"] * (n // 2), "tuples": [(1, 2), (3, 4)] * (n // 2),
              "categorical dates": pd.Categorical(pd.date_range("2020-01-01", periods=4).repeat(n // 4))}[column]
    df = pd.DataFrame({"a": np.linspace(0, 1, n), "c": values})
    asked = []
    teacher = lambda X: asked.append(X) or (X["a"] > 0.5).astype(int).to_numpy()  # noqa: E731
    fix = "convert the column to numbers" + (r" \(e.g. days since a date\)" if "dates" in column else "") + \
        r" or to text \(.astype\(str\)\)$"
    with pytest.raises(DataError, match=rf"^column 'c' holds {shown}; a category is a string, a number or a boolean, "
                                        rf"as a model saves it in its JSON: {fix}"):
        sd.distill(teacher, df, max_size=2, random_state=0, categorical=["c"] if column == "dates" else None)
    assert not asked
    numpy_scalars = pd.Series([np.int32(1), np.float32(2.5), np.str_("x"), 1], dtype=object)  # are numbers and text
    assert Domain.from_data(pd.DataFrame({"c": numpy_scalars})).features[0].categories == (2.5, 1, "x")


@pytest.mark.parametrize("kind", ["time zone", "period", "array declared categorical"])
def test_other_dates_are_refused_as_dates(kind):
    """A time zone's dates and periods reach the domain as objects and were said to be 'should be
    numeric but holds Timestamp(...); declare it categorical', and an array of dates declared
    categorical made categories of its nanosecond counts."""
    pd = pytest.importorskip("pandas")
    if kind == "array declared categorical":
        X = np.arange(10).astype("datetime64[ns]").reshape(-1, 1)
        with pytest.raises(DataError, match=r"^column 'x0' holds dates or time spans \(datetime64\[ns\]\); convert "):
            Domain.from_data(X, categorical=[0])
        return
    when = pd.date_range("2020-01-01", periods=10, tz="UTC") if kind == "time zone" else \
        pd.period_range("2020-01-01", periods=10, freq="D")
    shown = "Timestamp" if kind == "time zone" else "Period"
    with pytest.raises(DataError, match=rf"^column 'when' holds dates or time spans \({shown}\); convert them to "
                                        r"numbers first \(e.g. days since a date\), or to text \(.astype\(str\)\) to "
                                        "read them as categories$"):
        Domain.from_data(pd.DataFrame({"a": np.arange(10.0), "when": when}))


def test_floats_too_large_to_have_fractions_are_not_called_integers():
    """From 2**53 on every float is whole, so wholeness says nothing: normal * 1e20 was 'integer'
    (verification then reasoned over integers only)."""
    big = np.random.default_rng(0).normal(size=(50, 1)) * 1e20
    assert Domain.from_data(big).features[0].kind == "numeric"
    assert Domain.from_data(np.arange(50.0).reshape(-1, 1) * 1e6).features[0].kind == "integer"


def _typed_frame(pd, n=400):
    rng = np.random.default_rng(0)
    return pd.DataFrame({"flag": rng.integers(0, 2, n).astype(bool),
                         "small": rng.integers(100, 128, n).astype(np.int8),  # 127 + 1 is -128 in int8
                         "color": pd.Categorical(rng.choice(["r", "g", "b"], n)),
                         "n": pd.array(rng.integers(0, 5, n), dtype="Int64"),
                         "x": rng.normal(size=n)})


def _typed_teacher(X):
    """Needs bool, int8 and category columns: ``~`` on floats raises, ``127 + 1 > 0`` differs."""
    return ((~X["flag"] & (X["small"] + 1 > 0)) | (X["color"] == "r")).astype(int).to_numpy()


@pytest.mark.parametrize("form", ["tree", "rules", "linear"])
def test_a_loaded_model_hands_the_teacher_the_columns_it_was_distilled_with(form):
    """``sd.load(m.to_json())`` lost ``column_dtypes`` and ``column_labels``: the teacher got float64
    for bool and int8 columns and string names for int labels, so ``~X['flag']`` and ``X[0]`` failed
    in fidelity, verify with a teacher, shift and refine."""
    pd = pytest.importorskip("pandas")
    df = _typed_frame(pd)
    seen = []

    def teacher(X):
        seen.append([str(t) for t in X.dtypes])
        return _typed_teacher(X)

    model = sd.distill(teacher, df, form=form, max_size=8, random_state=0)
    loaded = sd.load(model.to_json())
    assert loaded.to_json() == model.to_json() and loaded == model and loaded.domain == model.domain
    assert loaded.domain.column_dtypes == ("bool", "int8", "category", "Int64", "float64")
    seen.clear()
    assert float(sd.fidelity(loaded, teacher, df)) == float(sd.fidelity(model, teacher, df))
    assert seen[0] == ["bool", "int8", "category", "Int64", "float64"]
    verdict = sd.verify(loaded, "prediction == 0", teacher=teacher, search_budget=200)
    assert verdict.teacher is not None and seen[-1] == seen[0]
    assert [str(r.score) for r in shifted_fidelity(loaded, teacher, df)] == \
        [str(r.score) for r in shifted_fidelity(model, teacher, df)]

    ints = pd.DataFrame({0: df["x"], 1: df["small"]})
    by_label = lambda X: (X[0] > 0.5).astype(int).to_numpy()  # noqa: E731
    model = sd.distill(by_label, ints, form=form, max_size=4, random_state=0)
    loaded = sd.load(model.to_json())
    assert loaded.domain.column_labels == (0, 1) and loaded.to_json() == model.to_json()
    assert float(sd.fidelity(loaded, by_label, ints)) == float(sd.fidelity(model, by_label, ints))


def test_domain_json_of_arrays_and_of_string_labelled_frames():
    """Array-made domains save what they always did (files stay byte for byte the same); string
    labels are the feature names and are not saved twice; labels JSON cannot hold as themselves
    are not saved, and those columns reach the teacher under the feature names, as before."""
    pd = pytest.importorskip("pandas")
    assert list(Domain.from_data(np.eye(3)).to_dict()) == ["features", "input_format"]
    d = Domain.from_data(pd.DataFrame({"a": [1, 2], "b": [0.5, 1.5]})).to_dict()
    assert d["column_dtypes"] == ["int64", "float64"] and "column_labels" not in d
    for labels in ([b"a", "b"], [pd.Timestamp("2024-01-01"), 2]):  # (tuples are saved, as lists)
        dom = Domain.from_data(pd.DataFrame([[1.0, 2.0], [3.0, 4.0]], columns=labels))
        d = dom.to_dict()
        assert "column_labels" not in d
        back = Domain.from_dict(d)
        assert list(back.decode(back.encode(np.array([[1.0, 2.0]]))).columns) == dom.feature_names


def test_loading_an_array_made_model_does_not_need_pandas(monkeypatch):
    tree = sd.distill(lambda X: (X[:, 0] > 0.5).astype(int), np.random.default_rng(0).uniform(size=(200, 2)),
                      max_size=2, random_state=0)
    monkeypatch.setitem(__import__("sys").modules, "pandas", None)  # `import pandas` now fails
    assert sd.load(tree.to_json()) == tree


def test_dtypes_pandas_cannot_read_back_are_saved_as_what_the_teacher_gets():
    """pandas writes a decimal column's dtype as 'decimal128(10, 2)[pyarrow]' but does not read that
    back: it is saved as float64, the column decode hands the teacher, so the model still loads."""
    pd = pytest.importorskip("pandas")
    pa = pytest.importorskip("pyarrow")
    import decimal

    df = pd.DataFrame({"d": pd.array([decimal.Decimal("0.25"), decimal.Decimal("1.50")],
                                     dtype=pd.ArrowDtype(pa.decimal128(10, 2))),
                       "s": pd.array(["x", "y"], dtype=pd.ArrowDtype(pa.string()))})
    dom = Domain.from_data(df)
    assert dom.column_dtypes == ("decimal128(10, 2)[pyarrow]", "string[pyarrow]")
    assert dom.to_dict()["column_dtypes"] == ["float64", "string[pyarrow]"]
    back = Domain.from_dict(dom.to_dict())
    Z = dom.encode(df)
    assert back.decode(Z).equals(dom.decode(Z))


def test_column_labels_equal_as_dict_keys_stay_two_columns():
    """Labels 1 and True are equal dict keys: decode merged them into one column."""
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame(np.column_stack([np.arange(5.0), np.arange(5.0) * 2]), columns=pd.Index([1, True], dtype=object))
    d = Domain.from_data(df)
    out = d.decode(d.encode(df))
    assert out.shape == (5, 2) and out.columns.tolist() == [1, True]
    assert out.iloc[:, 1].tolist() == [0.0, 2.0, 4.0, 6.0, 8.0]


def test_pyarrow_integer_and_bool_columns_reach_the_teacher_in_their_types():
    """decode raised TypeError ('int64[pyarrow]' is no NumPy dtype) on every query batch."""
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    df = pd.DataFrame({"i": pd.array([1, 2, 3, 4] * 5, dtype="int64[pyarrow]"),
                       "b": pd.array([True, False] * 10, dtype="bool[pyarrow]"), "f": np.linspace(0, 1, 20)})
    seen = []

    def teacher(X):
        seen.append(tuple(str(t) for t in X.dtypes))
        return ((X["i"].to_numpy() > 2) & (X["f"].to_numpy() > .5)).astype(int)

    m = sd.distill(teacher, df, form="tree", max_size=4, random_state=0)
    assert set(seen) == {("int64[pyarrow]", "bool[pyarrow]", "float64")}
    assert sd.fidelity(sd.load(m.to_json()), teacher, df).value == 1.0
    assert set(seen) == {("int64[pyarrow]", "bool[pyarrow]", "float64")}


def test_a_sparse_matrix_is_refused_by_name():
    """np.asarray wraps a scipy.sparse matrix as one object: the error said 'an array of shape ()'."""
    sp = pytest.importorskip("scipy.sparse")
    X = sp.random(50, 4, density=0.5, random_state=0, format="csr")
    f = lambda X: (np.asarray(X)[:, 0] > 0.3).astype(int)  # noqa: E731
    with pytest.raises(DataError, match=r"sparse matrix \(csr_matrix\).*X.toarray\(\)"):
        sd.distill(f, X, max_size=2, random_state=0)
    tree = sd.distill(f, X.toarray(), max_size=2, random_state=0)
    with pytest.raises(DataError, match="sparse matrix"):
        tree.predict(X)


@pytest.mark.parametrize("X, named", [
    (None, "the data is None"),
    ((row for row in np.eye(3)), "the data is an iterator"),
    ("x0,x1", "the data is a str"),
    ({"x0": [1.0, 2.0]}, "the data is a dict"),
    ({(1.0, 2.0, 3.0), (4.0, 5.0, 6.0)}, "the data is a set, not rows"),  # was 'got an array of shape ()'
])
def test_data_that_is_not_rows_is_named(X, named):
    # NumPy made each one array of shape (): the error said 'got an array of shape ()'.
    with pytest.raises(DataError, match=named):
        Domain.from_data(X)
    with pytest.raises(DataError, match=named):
        Domain.from_data(np.eye(3)).encode(X)


def test_ragged_rows_to_predict_are_a_data_error():
    # rows of different lengths may be words; the error says what rows of a table hold (as sd.distill's does)
    with pytest.raises(DataError, match=r"got a list of 2 sequences of different lengths: .*\(rows of a table all "
                                        r"hold one value per feature\)"):
        Domain.from_data(np.eye(3)).encode([[1.0, 2.0, 3.0], [1.0, 2.0]])


def test_masked_cells_are_refused_not_read_under_the_mask():
    X = np.ma.masked_array(np.eye(3), mask=np.eye(3, dtype=bool))
    with pytest.raises(DataError, match="masked array with 3 masked cells"):
        Domain.from_data(X)
    with pytest.raises(DataError, match="masked array with 3 masked cells"):
        Domain.from_data(np.eye(3)).encode(X)
    assert Domain.from_data(np.ma.masked_array(np.eye(3))).n_features == 3  # nothing masked: read as is


@pytest.mark.parametrize("option, value", [("feature_names", "abc"), ("categorical", "x0"), ("categorical", 0)])
def test_a_single_name_where_a_list_is_expected_is_refused(option, value):
    # 'abc' named three columns a, b, c; categorical='x0' looked up 'x', '0'.
    with pytest.raises(DataError, match=f"{option} must be a list"):
        Domain.from_data(np.eye(3), **{option: value})


def test_a_series_row_is_matched_by_its_labels():
    """df.iloc[0] of a DataFrame whose columns are in another order was read by position: a wrong
    prediction, silently."""
    pd = pytest.importorskip("pandas")
    X = np.random.default_rng(0).uniform(size=(300, 3))
    tree = sd.distill(lambda X: (np.asarray(X)[:, 0] > 0.5).astype(int), X, max_size=2, random_state=0)
    assert tree.predict(pd.Series({"x2": .9, "x1": .9, "x0": .1})).tolist() == tree.predict([[.1, .9, .9]]).tolist()
    assert tree.predict(pd.Series([.1, .9, .9])).tolist() == tree.predict([[.1, .9, .9]]).tolist()  # positions
    with pytest.raises(DataError, match=r"missing \['x2'\], unknown \['a'\]"):
        tree.predict(pd.Series({"a": .9, "x1": .9, "x0": .1}))


def test_a_series_row_labelled_0_1_is_matched_by_its_labels_where_they_are_the_features():
    """A model of a DataFrame's columns [1, 0] read df[[0, 1]].iloc[0], a row labelled 0, 1, by position (its
    labels look like positions): column 0's value went to feature '1', a wrong prediction, silently, where
    the DataFrame df[[0, 1]] was matched by name."""
    pd = pytest.importorskip("pandas")
    X = np.random.default_rng(0).uniform(size=(300, 2))
    df = pd.DataFrame(X, columns=[1, 0])
    tree = sd.distill(lambda X: (X[1] > 0.5).astype(int), df, max_size=2, random_state=0)
    swapped = df[[0, 1]]
    by_row = [tree.predict(swapped.iloc[i])[0] for i in range(20)]
    assert by_row == tree.predict(swapped.iloc[:20]).tolist() == (X[:20, 0] > 0.5).astype(int).tolist()

def test_an_ordered_categorical_reaches_the_teacher_ordered():
    """An ordered pandas Categorical was handed to the teacher unordered (pandas writes both dtypes
    as 'category'), so a teacher comparing ``X["level"] >= "mid"`` raised TypeError on every batch;
    the order is kept in memory and in the JSON."""
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    levels = ["low", "mid", "high", "unused"]
    df = pd.DataFrame({"level": pd.Categorical(rng.choice(levels[:3], 400), categories=levels, ordered=True),
                       "x": rng.normal(size=400)})
    teacher = lambda X: ((X["level"] >= "mid") & (X["x"] > 0)).astype(int).to_numpy()  # noqa: E731
    tree = sd.distill(teacher, df, max_size=4, random_state=0, n_samples=1000)
    assert float(sd.fidelity(tree, teacher, df)) > 0.95
    back = tree.domain.decode(tree.domain.encode(df))
    assert back["level"].cat.ordered and back["level"].cat.categories.tolist() == levels
    loaded = sd.load(tree.to_json())
    assert loaded.domain.decode(loaded.domain.encode(df))["level"].equals(df["level"])
    assert float(sd.fidelity(loaded, teacher, df)) == float(sd.fidelity(tree, teacher, df))
    unordered = Domain.from_data(df.astype({"level": pd.CategoricalDtype(levels)}))
    assert not unordered.decode(unordered.encode(df))["level"].cat.ordered


def test_a_pyarrow_dictionary_column_is_categorical():
    """pyarrow's dictionary type (pandas' ArrowDtype of a dictionary, the pyarrow Categorical) was
    read as numeric ("should be numeric but holds 'a'"), and declared categorical, decode raised
    pandas' "data type 'dictionary<values=string, ...>[pyarrow]' not understood" on every query."""
    pd = pytest.importorskip("pandas")
    pa = pytest.importorskip("pyarrow")
    rng = np.random.default_rng(0)
    colour = pd.Series(rng.choice(["red", "green", "blue"], 300)).astype(pd.ArrowDtype(pa.dictionary(pa.int32(),
                                                                                                      pa.string())))
    df = pd.DataFrame({"colour": colour, "x": rng.normal(size=300)})
    teacher = lambda X: ((X["colour"] == "red") & (X["x"] > 0)).astype(int).to_numpy()  # noqa: E731
    for categorical in (None, ["colour"]):
        dom = Domain.from_data(df, categorical=categorical)
        assert dom.features[0].categories == ("blue", "green", "red")
        assert list(dom.decode(dom.encode(df))["colour"]) == list(df["colour"])
        tree = sd.distill(teacher, df, max_size=4, random_state=0, n_samples=1000, categorical=categorical)
        assert float(sd.fidelity(tree, teacher, df)) > 0.95
        assert float(sd.fidelity(sd.load(tree.to_json()), teacher, df)) == float(sd.fidelity(tree, teacher, df))


def test_a_pyarrow_bool_column_declared_categorical_reaches_the_teacher_as_bools():
    """pandas counts bool and boolean as numeric but not bool[pyarrow]: declared categorical, such a
    column reached the teacher as a pandas Categorical (``~X["b"]`` raised TypeError), while bool
    and boolean columns came back as bools."""
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    df = pd.DataFrame({"b": pd.array([True, False, True], dtype="bool[pyarrow]"), "c": [True, False, False]})
    dom = Domain.from_data(df, categorical=["b", "c"])
    for d in (dom, Domain.from_dict(dom.to_dict())):
        back = d.decode(d.encode(df))
        assert back.equals(df) and (~back["b"]).tolist() == [False, True, False]


def test_an_object_column_of_big_ints_and_floats_decodes_to_its_own_values():
    # pandas' categories for [0, 2**53 + 1, 1.0] are floats, where 2**53 + 1 is 2**53: decode handed the
    # teacher NaN for that row (with a pandas deprecation warning) instead of the value. Found by the
    # property tests of test_domain_properties.py.
    import warnings

    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"v": pd.Series([0, 2**53 + 1, 1.0, 0], dtype=object)})
    dom = Domain.from_data(df)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        back = dom.decode(dom.encode(df))
    assert back["v"].tolist() == [0, 2**53 + 1, 1.0, 0]
    assert np.array_equal(dom.encode(back), dom.encode(df))


def test_a_pyarrow_column_of_zero_and_minus_zero_is_one_category():
    # pyarrow's unique() keeps 0.0 and -0.0 apart: the domain listed both (each row then encoded to the
    # second, since a dict lookup takes them as one) and its JSON was refused on load ("repeated
    # category -0.0"). Found by the property tests of test_domain_properties.py.
    import json

    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    df = pd.DataFrame({"b": pd.Series([0.0, -0.0, 1.5], dtype="double[pyarrow]")})
    dom = Domain.from_data(df, categorical=["b"])
    assert dom.features[0].categories == (0.0, 1.5)
    assert Domain.from_dict(json.loads(json.dumps(dom.to_dict()))) == dom
    assert dom.encode(df)[:, 0].tolist() == [0.0, 0.0, 1.0]


def test_a_categorical_features_bounds_are_its_codes():
    """Feature("c", "categorical", 0, 1, ("p", "q", "r")) was accepted, and verifying a model over it
    then failed with an internal error (the region of 'r' lay outside the bounds)."""
    from symdistill.domain import Feature

    assert Feature("c", "categorical", categories=("p", "q", "r")).upper == 2.0
    assert Feature("c", "categorical", 0, 1, ("p", "q", "r")).upper == 2.0  # the defaults
    with pytest.raises(ValueError, match=r"'c': its bounds are its codes 0 \.\. 1 \(2 categories\), got 0 \.\. 5"):
        Feature("c", "categorical", 0, 5, ("p", "q"))
    dom = sd.Domain((Feature("c", "categorical", 0, 1, ("p", "q", "r")), Feature("x")))
    from symdistill.models import Tree

    tree = Tree(dom, "classification", np.array(["a", "b"]), children_left=[1, -1, -1],
                   children_right=[2, -1, -1], feature=[0, -1, -1], threshold=[0, 0, 0],
                   value=[[1, 0], [1, 0], [0, 1]], left_categories=[[0, 1], None, None])
    verdict = sd.verify(tree, "prediction == 'a'", backend="direct")
    assert not verdict.holds and verdict.counterexample.row["c"] == "r"


def _tables_of(df):
    """``df`` as a pyarrow Table, a pyarrow RecordBatch and a polars DataFrame (those installed)."""
    tables = []
    pa = pytest.importorskip("pyarrow")
    tables += [pa.Table.from_pandas(df, preserve_index=False), pa.RecordBatch.from_pandas(df, preserve_index=False)]
    try:
        import polars as pl
    except ImportError:
        pass
    else:
        tables.append(pl.from_pandas(df))
    return tables


def test_pyarrow_tables_and_polars_frames_are_read_by_column_name():
    """NumPy read a pyarrow Table or a polars DataFrame as an array: the features were x0, x1, ... (the
    names lost), a string column was refused ("should be numeric but holds 'red'"), and a model given
    the same table with its columns in another order predicted from the wrong columns, silently."""
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"x": rng.uniform(size=300), "colour": rng.choice(["red", "blue"], 300),
                       "n": rng.integers(0, 5, 300)})
    seen = []

    def teacher(X):
        seen.append(type(X).__name__)
        return ((X["colour"] == "red") & (X["x"] > 0.5) | (X["n"] > 3)).astype(int).to_numpy()

    reference = sd.distill(teacher, df, max_size=6, random_state=0, n_samples=1000)
    for table in _tables_of(df):
        seen.clear()
        tree = sd.distill(teacher, table, max_size=6, random_state=0, n_samples=1000)
        assert tree.domain.feature_names == ["x", "colour", "n"] and set(seen) == {"DataFrame"}
        assert tree.to_json() == reference.to_json()  # the model of table.to_pandas(), rows and all
        reordered = table.select(["n", "x", "colour"])
        assert np.array_equal(tree.predict(reordered), reference.predict(df))
        assert float(sd.fidelity(tree, teacher, reordered)) == float(sd.fidelity(reference, teacher, df))
        with pytest.raises(DataError, match=r"missing \['n'\]"):
            tree.predict(table.select(["x", "colour"]))


def test_a_polars_series_is_one_row_as_its_values_are():
    """encode took a polars Series for a pandas one and asked for its index: AttributeError."""
    pl = pytest.importorskip("polars")
    tree = sd.distill(lambda X: X[:, 0] > 0.5, np.random.default_rng(0).uniform(size=(100, 2)), max_size=2,
                      random_state=0, n_samples=300)
    assert tree.predict(pl.Series([0.7, 0.1])).tolist() == tree.predict(np.array([[0.7, 0.1]])).tolist()


def test_a_polars_lazy_frame_is_refused_by_name():
    pl = pytest.importorskip("polars")
    with pytest.raises(DataError, match=r"polars LazyFrame.*X\.collect\(\)"):
        Domain.from_data(pl.LazyFrame({"x": [1.0, 2.0]}))


def test_an_array_column_of_numbers_and_strings_declared_categorical_is_read_as_a_dataframe_column_is():
    """np.unique cannot order 3 against 'u': the array was refused ('cannot be ordered as categories
    (int, str)') where the same column in a DataFrame is categorical, numbers before strings."""
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    X = np.empty((200, 2), dtype=object)
    X[:, 0] = rng.uniform(size=200)
    X[:, 1] = rng.choice(np.array(["u", 3, 1.5, "a"], dtype=object), 200)
    dom = Domain.from_data(X, categorical=[1])
    assert dom.features[1].categories == (1.5, 3, "a", "u")
    assert dom.features[1].categories == Domain.from_data(pd.DataFrame(X[:, 1:], columns=["x1"])).features[0].categories
    assert dom.decode(dom.encode(X))[:, 1].tolist() == X[:, 1].tolist()
    teacher = lambda X: np.array([v == "u" or v == 3 for v in X[:, 1]]).astype(int)  # noqa: E731
    tree = sd.distill(teacher, X, categorical=[1], max_size=4, random_state=0, n_samples=500)
    assert float(sd.fidelity(tree, teacher, X)) == 1.0
    assert sd.load(tree.to_json()).predict(X).tolist() == tree.predict(X).tolist()


@pytest.mark.parametrize("dtype", ["string", object])
def test_a_missing_category_to_predict_is_called_missing(dtype):
    """pandas' NA in a string column was 'unknown category <NA>', as if it were a value."""
    pd = pytest.importorskip("pandas")
    dom = Domain.from_data(pd.DataFrame({"s": ["x", "y"], "a": [0.5, 0.1]}))
    with pytest.raises(DataError, match=r"column 's' has a missing value \(<NA>\) in row 1$"):
        dom.encode(pd.DataFrame({"s": pd.Series(["x", pd.NA], dtype=dtype), "a": [0.5, 0.1]}))


def test_missing_values_of_nullable_columns_are_reported_with_their_first_row():
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"n": pd.array([1, 2, None, None], dtype="Int64"), "a": [0.5, 0.1, 0.2, 0.3]},
                      index=[10, 11, 12, 13])
    with pytest.raises(DataError, match=r"column 'n' has 2 missing values \(NaN, None or NA, first in row 2\)"):
        Domain.from_data(df)


def _structured(n):
    X = np.zeros(n, dtype=[("age", float), ("children", int)])
    X["age"], X["children"] = np.linspace(20, 60, n), np.arange(n) % 3
    return X


@pytest.mark.parametrize("make", [_structured, lambda n: _structured(n).view(np.recarray)])
def test_a_structured_array_is_refused_by_name(make):
    """A structured (or record) array is 1-D to NumPy: fitting said 'got an array of shape (200,)', and
    a model with two features took a structured array of two rows for one row of two records
    ('should be numeric but holds np.void((20.0, 0), ...)')."""
    tree = sd.distill(lambda X: X[:, 0] > 40, np.c_[np.linspace(20, 60, 50), np.arange(50) % 3], max_size=2,
                      random_state=0, n_samples=200)
    message = r"structured array \(fields age, children\).*pandas\.DataFrame\(X\)"
    with pytest.raises(DataError, match=message):
        sd.distill(lambda X: X[:, 0] > 40, make(200), max_size=2)
    with pytest.raises(DataError, match=message):
        tree.predict(make(2))


def test_a_list_of_records_is_refused_with_the_dataframe_to_make():
    """Rows as dicts (DataFrame.to_dict('records'), JSON records) were one object each to NumPy: predict
    said 'expected a 2-D array of shape (n_rows, 2) or one row of 2 values, got shape (3,)', which says
    nothing of the keys. They are now refused naming them, with the DataFrame to pass."""
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"age": np.linspace(20, 60, 50), "children": np.arange(50) % 3})
    tree = sd.distill(lambda X: X["age"] > 40, df, max_size=2, random_state=0, n_samples=200)
    message = (r"^the data is a list of dicts \(records, as DataFrame\.to_dict\('records'\) writes them\), not rows: "
               r"pass pandas\.DataFrame\(X\), whose columns are read by name$")
    with pytest.raises(DataError, match=message):
        tree.predict(df.head(3).to_dict("records"))
    with pytest.raises(DataError, match=message):
        sd.distill(lambda X: X["age"] > 40, df.to_dict("records"), max_size=2)
    assert tree.predict(pd.DataFrame(df.head(3).to_dict("records"))).tolist() == tree.predict(df.head(3)).tolist()


def test_a_list_of_labelled_series_is_refused_with_the_dataframe_to_make():
    """Rows as a list of Series (df.iloc[i], DataFrame.iterrows' rows) were read by position, their labels
    dropped: of a DataFrame whose columns are in another order than the model's features, predict gave
    silently wrong answers where predict(df) and predict(df.iloc[0]) match the labels, and distill named the
    features x0, x1 where a DataFrame names them. They are now refused, with the DataFrame to pass; a list
    of Series labelled 0, 1, ... (no names) is still read by position."""
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"age": np.linspace(20, 60, 50), "children": np.arange(50) % 3})
    tree = sd.distill(lambda X: X["age"] > 40, df, max_size=2, random_state=0, n_samples=200)
    swapped = df[["children", "age"]].head(3)
    message = (r"^the data is a list of pandas Series labelled \['children', 'age'\] \(rows, as df\.iloc\[i\] or "
               r"DataFrame\.iterrows give them\), which a list reads by position, not by label: pass "
               r"pandas\.DataFrame\(X\), whose columns are read by name$")
    with pytest.raises(DataError, match=message):
        tree.predict([row for _, row in swapped.iterrows()])
    with pytest.raises(DataError, match=message.replace(r"\['children', 'age'\]", r"\['age', 'children'\]")):
        sd.distill(lambda X: X["age"] > 40, [row for _, row in df.iterrows()], max_size=2)
    rows = [row for _, row in swapped.iterrows()]
    assert tree.predict(pd.DataFrame(rows)).tolist() == tree.predict(df.head(3)).tolist()
    unnamed = [pd.Series(r) for r in df.head(3).to_numpy()]
    assert tree.predict(unnamed).tolist() == tree.predict(df.head(3)).tolist()


def test_one_dimensional_data_gets_the_reshape_it_needs():
    one_feature = sd.distill(lambda X: X[:, 0] > 0.5, np.linspace(0, 1, 50).reshape(-1, 1), max_size=2,
                             random_state=0, n_samples=200)
    with pytest.raises(DataError, match=r"1-D array of shape \(50,\): for one feature pass X\.reshape\(-1, 1\)"):
        sd.distill(lambda X: X[:, 0] > 0.5, np.linspace(0, 1, 50), max_size=2)
    pd = pytest.importorskip("pandas")
    with pytest.raises(DataError, match=r"one column, a pandas Series named 'a', not rows: pass X\.to_frame\(\)"):
        sd.distill(lambda X: X["a"] > 0.5, pd.Series(np.linspace(0, 1, 50), name="a"), max_size=2)
    with pytest.raises(DataError, match=r"got shape \(3,\) \(one value a row: X\.reshape\(-1, 1\)\)"):
        one_feature.predict(np.array([0.1, 0.6, 0.9]))
    assert one_feature.predict(np.array([0.9])).tolist() == one_feature.predict(np.array([[0.9]])).tolist()


@pytest.mark.parametrize("categorical", [None, [1]])
def test_a_bool_or_integer_array_reaches_the_teacher_in_its_dtype(categorical):
    """The teacher got float64 rows whatever the array: a teacher of bools (``X[:, 0] & ~X[:, 1]``) or
    one that indexes with its integer inputs (an embedding table) failed on the user's own rows
    ('ufunc invert not supported', 'arrays used as indices must be of integer type')."""
    import json

    rng = np.random.default_rng(0)
    flags = rng.random((300, 3)) > 0.5
    codes = np.c_[rng.integers(0, 6, 300), rng.integers(0, 3, 300)].astype(np.uint8)
    table = np.array([0.0, 5.0, 1.0, 7.0, 2.0, 9.0])
    cases = [(flags, lambda X: X[:, 0] & ~X[:, 1]), (codes, lambda X: table[X[:, 0]] + X[:, 1] > 4)]
    for X, teacher in cases:
        seen = []
        tree = sd.distill(lambda X: seen.append(X.dtype) or teacher(X), X, max_size=8, random_state=0,
                          n_samples=600, categorical=categorical)
        assert set(seen) == {X.dtype}
        assert float(sd.fidelity(tree, teacher, X)) == 1.0
        loaded = sd.load(tree.to_json())
        assert loaded.domain.array_dtype == X.dtype.name and json.loads(tree.to_json())["domain"]["array_dtype"]
        assert float(sd.fidelity(loaded, teacher, X)) == 1.0


def test_integers_that_do_not_fit_the_array_dtype_reach_the_teacher_in_64_bits():
    dom = Domain.from_data(np.array([[0], [200]], dtype=np.uint8))
    assert dom.decode(np.array([[3.0], [200.0]])).dtype == np.uint8
    back = dom.decode(np.array([[-1.0], [300.0]]))  # cast to uint8 they would wrap around to 255 and 44
    assert back.dtype == np.int64 and back[:, 0].tolist() == [-1, 300]
    floats = Domain.from_data(np.array([[0.5], [2.0]], dtype=np.float32))
    assert floats.array_dtype == "" and "array_dtype" not in floats.to_dict()


def test_multiindex_columns_reach_the_teacher_as_a_multiindex_also_from_a_loaded_model():
    """decode labelled the teacher's columns with a list of tuples, which pandas makes an Index of
    tuples: a teacher selecting a group (X["size"]) got KeyError; and the JSON kept no tuple label,
    so a loaded model's teacher got columns named "('size', 'w')" (KeyError for X[("size", "w")])."""
    import json

    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    df = pd.DataFrame(np.c_[rng.uniform(size=(300, 2)), rng.integers(0, 4, 300)],
                      columns=pd.MultiIndex.from_tuples([("size", "w"), ("size", "h"), ("count", 0)]))
    teacher = lambda X: ((X["size"]["w"] > 0.5) & (X[("count", 0)] > 1)).astype(int).to_numpy()  # noqa: E731
    tree = sd.distill(teacher, df, max_size=4, random_state=0, n_samples=1000)
    labels = json.loads(tree.to_json())["domain"]["column_labels"]
    assert labels == [["size", "w"], ["size", "h"], ["count", 0]]
    loaded = sd.load(tree.to_json())
    for model in (tree, loaded):
        back = model.domain.decode(model.domain.encode(df))
        assert isinstance(back.columns, pd.MultiIndex) and back.columns.equals(df.columns)
        assert float(sd.fidelity(model, teacher, df)) == float(sd.fidelity(tree, teacher, df)) > 0.95


def test_text_in_a_numeric_column_is_refused_as_text_not_read_as_a_number():
    """An object array mixing numbers and numeric strings ([[1.0, '2.5'], ...]) was read as numbers,
    silently, by distill, predict and fidelity, and so were rows given as lists ('2.5' beside 1.0) and
    a DataFrame's text column given to a model whose feature is numeric, though a DataFrame's text
    column is categorical when distilled. Text in a numeric column is now refused everywhere, naming
    the column, the value and its row; numbers given as lists beside labels stay numbers."""
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    X = rng.uniform(size=(200, 2))
    teacher = lambda X: (np.asarray(X, dtype=float)[:, 1] > 0.5).astype(int)  # noqa: E731
    tree = sd.distill(teacher, X, max_size=4, random_state=0, n_samples=500)
    mixed = X.astype(object)
    mixed[3, 1] = "0.75"
    refused = r"column 'x1' should be numeric but holds the text '0.75' in row 3; pass numbers"
    for call in (lambda: sd.distill(teacher, mixed, max_size=4, random_state=0, n_samples=500),
                 lambda: tree.predict(mixed), lambda: sd.fidelity(tree, teacher, mixed),
                 lambda: tree.predict(mixed.tolist())):
        with pytest.raises(DataError, match=refused):
            call()
    with pytest.raises(DataError, match=r"column 'x0' should be numeric but holds the text '0.5' in row 0; pass numbers "
                                        r"\(an array of text: X.astype\(float\)\)"):
        Domain.from_data(np.array([["0.5", "1"], ["2", "3"]]))
    named = Domain.from_data(pd.DataFrame(X, columns=["a", "b"]))
    with pytest.raises(DataError, match="column 'b' should be numeric but holds the text '0.75' in row 3"):
        named.encode(pd.DataFrame(mixed, columns=["a", "b"]))
    # Rows as lists, numbers beside labels: each value as given (NumPy wrote them all as text).
    dom = Domain.from_data([[1.5, "red", 1], [2.5, "blue", 2]], categorical=[1, 2])
    assert [f.kind for f in dom.features] == ["numeric", "categorical", "categorical"]
    assert dom.features[2].categories == (1, 2)
    np.testing.assert_array_equal(dom.encode([[2.5, "red", 2]]), [[2.5, 1.0, 1.0]])
    assert tree.predict(mixed[:3]).tolist() == tree.predict(X[:3]).tolist()  # numbers in an object array


def _above_half(X):
    return (np.asarray(X, dtype=float)[:, 0] > 0.5).astype(int)


@pytest.fixture(scope="module")
def one_feature_tree_and_frontier():
    X = np.random.default_rng(0).uniform(size=(60, 1))
    return sd.distill(_above_half, X, max_size=2, random_state=0), \
        sd.frontier(_above_half, X, forms=["tree"], sizes=[2], n_samples=200)


@pytest.mark.parametrize("entry", ["fidelity", "accuracy", "predict", "shifted_fidelity", "report", "frontier",
                                   "Domain.from_data"])
@pytest.mark.parametrize("words, what", [
    (["01", "1", "110"], "a 1-D list of 3 strings"),
    (np.array(["01", "1", "110"]), "a 1-D array of 3 strings"),
    ([[0, 1], [1], [1, 1, 0]], "a list of 3 sequences of different lengths"),
])
def test_every_tabular_entry_point_given_words_points_to_distill_automaton(one_feature_tree_and_frontier, entry,
                                                                            words, what):
    """sd.distill pointed words to sd.distill_automaton, but sd.fidelity(tree, f, ["01", "1"]) and the
    other readers of rows said 'expected a 2-D array ... X.reshape(-1, 1)' (or 'cannot read the data as
    a 2-D array: ... inhomogeneous shape'); they now name the automaton entry point too."""
    tree, front = one_feature_tree_and_frontier
    calls = {"fidelity": lambda: sd.fidelity(tree, _above_half, words),
             "accuracy": lambda: sd.accuracy(tree, words, [1, 0, 1]), "predict": lambda: tree.predict(words),
             "shifted_fidelity": lambda: shifted_fidelity(tree, _above_half, words),
             "report": lambda: sd.report(front, words, path=None), "frontier": lambda: sd.frontier(_above_half, words),
             "Domain.from_data": lambda: Domain.from_data(words)}
    with pytest.raises(DataError, match=rf"reads rows of features \(2-D data\), got {what}: words for a sequence "
                                        r"teacher are learnt by sd\.distill_automaton\(teacher, "):
        calls[entry]()


def test_bytes_of_any_kind_in_a_numeric_column_are_refused_as_text():
    """bytes (b'0.75') in a numeric column were refused as text, but a bytearray or memoryview of the same
    bytes was read as the number 0.75 (float() reads them), silently, by predict and distill, where the
    exported Python module refuses it. Every bytes-like value is now refused as text is, naming it."""
    rng = np.random.default_rng(0)
    X = rng.uniform(size=(200, 2))
    teacher = lambda X: (np.asarray(X, dtype=float)[:, 1] > 0.5).astype(int)  # noqa: E731
    tree = sd.distill(teacher, X, max_size=4, random_state=0, n_samples=500)
    for held in (b"0.75", bytearray(b"0.75"), memoryview(b"0.75")):
        mixed = X.astype(object)
        mixed[3, 1] = held
        refused = rf"column 'x1' should be numeric but holds the text {re.escape(repr(held))} in row 3; pass numbers"
        for call in (lambda: tree.predict(mixed), lambda: sd.distill(teacher, mixed, max_size=4, random_state=0)):
            with pytest.raises(DataError, match=refused):
                call()


def test_one_row_of_text_categories_is_still_a_row_not_words():
    dom = Domain.from_data([["a", "x"], ["b", "y"]], categorical=[0, 1])
    assert dom.encode(["b", "x"]).tolist() == [[1.0, 0.0]]
    assert dom.encode(np.array(["a", "y"])).tolist() == [[0.0, 1.0]]
    one = Domain.from_data([["a"], ["b"]], categorical=[0])
    assert one.encode(["b"]).tolist() == [[1.0]]


def test_a_word_in_a_column_of_numbers_read_as_text_is_the_value_named():
    """A CSV column of ages with '?' in one row (adult marks missing values so) is read by pandas as
    text throughout; the model refused it naming its first cell, "holds the text '62' in row 0; pass
    numbers (... X.astype(float))", which is a number and no problem, and hid the '?' in row 3 that
    X.astype(float) cannot read. The word is named now, with its row."""
    pd = pytest.importorskip("pandas")
    dom = Domain.from_data(pd.DataFrame({"age": [62, 18, 40, 33], "job": ["a", "b", "a", "b"]}))
    rows = pd.DataFrame({"age": ["62", "18", "40", "?"], "job": ["a", "b", "a", "b"]})
    with pytest.raises(DataError, match=r"column 'age' should be numeric but holds the text '\?' in row 3; fill or "
                                        r"drop such rows \(does it mark a missing value\?\)"):
        dom.encode(rows)
    with pytest.raises(DataError, match=r"the text '\?' in row 3"):  # an object array, rows as lists: the same
        dom.encode(rows.to_numpy(object).tolist())


def test_unknown_category_written_as_text_for_a_number_says_so():
    """Codes distilled as numbers (adult's education-num declared categorical) given as text, as
    pd.read_csv(..., dtype=str) reads every column, were refused as "unknown category '9'" beside a list
    holding 9, with no word that the one is a string and the other a number (the converse case says so)."""
    pd = pytest.importorskip("pandas")
    dom = Domain.from_data(pd.DataFrame({"education-num": [1, 9, 13, 16] * 4, "age": range(16)}),
                           categorical=["education-num"])
    with pytest.raises(DataError, match=r"unknown category '9' in row 0; known categories: \[1, 9, 13, 16\]; they are "
                                        r"numbers, and this column holds text: pass it as numbers \(pd\.to_numeric\)$"):
        dom.encode(pd.DataFrame({"education-num": ["9", "1"], "age": [3, 4]}))


def test_unknown_category_or_column_names_the_one_that_differs_only_in_spaces():
    """adult's raw file writes 'a, b': read without skipinitialspace=True every category has a space
    before it (' State-gov'), and a header written 'age ,workclass' names columns 'age '. The errors
    listed the known names with no word on the near miss, and cut the categories at 10 with no sign
    of it (native-country has 42: 'United-States' was not among them)."""
    pd = pytest.importorskip("pandas")
    countries = [f"c{i:02d}" for i in range(30)] + ["x-land"]
    dom = Domain.from_data(pd.DataFrame({"workclass": ["State-gov", "Private"] * 16, "country": countries + ["c00"],
                                         "age": range(32)}))
    row = {"workclass": ["Private"], "country": ["c01"], "age": [3]}
    with pytest.raises(DataError, match=r"unknown category ' State-gov' in row 0 \(did you mean 'State-gov'\? they "
                                        r"differ only in the spaces around them: strip them\)"):
        dom.encode(pd.DataFrame({**row, "workclass": [" State-gov"]}))
    with pytest.raises(DataError, match=r"unknown category 'X-LAND' in row 0 \(did you mean 'x-land'\? they differ "
                                        r"only in case\); "
                                        r"known categories: \['c00', .*'c09'\] \.\.\. \(31 in all\)$"):
        dom.encode(pd.DataFrame({**row, "country": ["X-LAND"]}))
    # A category the distilling rows lacked is new, not misspelt: no closest spelling is guessed for it.
    with pytest.raises(DataError, match=r"unknown category 'x-lands' in row 0; known"):
        dom.encode(pd.DataFrame({**row, "country": ["x-lands"]}))
    with pytest.raises(DataError, match=r"missing \['age'\], unknown \['age '\] \('age ' is 'age' with spaces around "
                                        r"it: strip the column names\)"):
        dom.encode(pd.DataFrame({**row, "age ": [3]}).drop(columns="age"))
    # The other way round (a model fitted on 'age ', rows naming it 'age'): stripping the rows' names
    # cannot help; the model's name is the one with spaces (the hint said to strip the column names).
    padded = Domain.from_data(pd.DataFrame({"age ": range(32)}))
    with pytest.raises(DataError, match=r"missing \['age '\], unknown \['age'\] \(the model's 'age ' is 'age' with "
                                        r"spaces around it: it was fitted on columns named so; name the column so, "
                                        r"or refit the model on stripped names\)"):
        padded.encode(pd.DataFrame({"age": [3]}))


def test_whole_number_codes_of_a_float_array_print_and_export_as_the_codes_they_are():
    """A column of codes 0, 1, 2 declared categorical in an array whose other columns are floats (so NumPy
    holds the codes as 0.0, 1.0, 2.0) printed `x0 in {0.0, 2.0}`, the linear term `[x0=1.0]`, a
    counterexample `x0=0.0`, and its JSON, Python, C and Prolog exports listed the categories 0.0, 1.0,
    2.0. They are the integers 0, 1, 2, as an integer array's codes are; rows holding 1.0 or 1 are
    category 1, and the teacher is asked with the same numbers."""
    import json

    rng = np.random.default_rng(0)
    X = np.column_stack([rng.integers(0, 3, 400), rng.normal(size=400)])
    assert X.dtype == float
    seen = []

    def teacher(rows):
        seen.append(np.asarray(rows[:, 0], dtype=float))
        return ((rows[:, 0] == 1) | (rows[:, 1].astype(float) > 0.5)).astype(int)

    models = {form: sd.distill(teacher, X, form=form, categorical=[0], max_size=4, random_state=0)
              for form in ("tree", "rules", "linear")}
    assert np.isin(np.concatenate(seen), [0.0, 1.0, 2.0]).all()
    tree, rules, linear = models["tree"], models["rules"], models["linear"]
    assert [(type(c), c) for c in tree.domain.features[0].categories] == [(int, 0), (int, 1), (int, 2)]
    assert "if x0 in {0, 2}:" in str(tree) and "else:  # x0 not in {0, 2}" in str(tree)
    assert "x0 not in {1}" in str(rules) and "[x0=1]" in str(linear)
    assert "[x0=0, x1=" in str(sd.verify(tree, "prediction == 0").counterexample)
    for model in models.values():
        assert json.loads(model.to_json())["domain"]["features"][0]["categories"] == [0, 1, 2]
        assert '"categories": [\n     0,\n     1,\n     2\n    ]' in model.to_json()
        source = sd.export(model, "python")
        assert "CATEGORIES = ((0, 1, 2, ), None,)" in source
        exported: dict = {}
        exec(compile(source, "exported.py", "exec"), exported)
        assert [exported["predict"](row) for row in X[:50].tolist()] == model.predict(X[:50]).tolist()
        assert 'symdistill_categories_0[3] = {\n    "0",\n    "1",\n    "2"\n};' in sd.export(model, "c")
        assert "feature_category(0, 1, 1).\n" in sd.export(model, "prolog")
        loaded = sd.load(model.to_json())
        assert loaded == model
        np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
        as_ints = X.astype(object)
        as_ints[:, 0] = X[:, 0].astype(int)
        np.testing.assert_array_equal(model.predict(as_ints), model.predict(X))
        assert float(sd.fidelity(model, teacher, X)) > 0.95
    # Codes that are not all whole numbers are kept as the data has them.
    halves = np.column_stack([rng.choice([0.5, 1.0, 2.5], 400), rng.normal(size=400)])
    assert Domain.from_data(halves, categorical=[0]).features[0].categories == (0.5, 1.0, 2.5)


def test_an_infinity_in_a_categorical_column_is_refused_naming_its_row():
    """The README says infinities are refused, and a numeric column's are; one in a column declared
    categorical (of an array or a DataFrame) became the category inf, and the distilled model could not
    be saved: to_json raised JSON's "Out of range float values are not JSON compliant: inf"."""
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    X = np.column_stack([rng.choice([0.0, 1.0, np.inf], 200), rng.normal(size=200)])
    row = int(np.flatnonzero(np.isinf(X[:, 0]))[0])
    message = rf"^column 'x0' has a non-finite value \(inf\) in row {row}; fill or drop it first$"
    with pytest.raises(DataError, match=message):
        sd.distill(lambda Z: (Z[:, 1].astype(float) > 0).astype(int), X, categorical=[0], max_size=2)
    df = pd.DataFrame({"c": ["a", "b", -np.inf], "n": [0.5, 1.5, 2.5]}, dtype=object)
    with pytest.raises(DataError, match=r"^column 'c' has a non-finite value \(-inf\) in row 2; fill or drop"):
        Domain.from_data(df)
    with pytest.raises(DataError, match=r"^column 'c' has a non-finite value \(inf\) in row 1; fill or drop"):
        Domain.from_data(pd.DataFrame({"c": pd.Categorical([1.0, np.inf])}))


@pytest.mark.parametrize("categories", [(float("inf"),), ("a", np.float64("nan")), (1.0, -np.inf)])
def test_a_hand_built_feature_refuses_categories_that_are_not_finite(categories):
    """Feature("c", "categorical", categories=(inf,)) was taken, and the model distilled over it
    failed only when saved: to_json raised JSON's "Out of range float values are not JSON compliant"
    (a NaN category took no row at all). Data with such values is refused by row; a hand-built
    feature now is too, naming the category."""
    bad = next(c for c in categories if isinstance(c, float) and not np.isfinite(c))
    with pytest.raises(ValueError, match=rf"^feature 'c': category {float(bad)!r} is not a finite number"):
        Feature("c", "categorical", categories=categories)


@pytest.mark.parametrize("form", ["tree", "rules", "linear"])
def test_feature_names_that_are_not_a_dataframes_columns_are_refused(form):
    """feature_names= with a DataFrame was dropped without a word: the model kept the columns' names, so a
    user who asked for ['age', 'income'] read a tree on 'a' and 'b'. Names that are the columns' pass."""
    pd = pytest.importorskip("pandas")
    X = np.random.default_rng(0).normal(size=(200, 2))
    df = pd.DataFrame(X, columns=["a", "b"])
    f = lambda X: (np.asarray(X, float)[:, 0] > 0).astype(int)  # noqa: E731
    with pytest.raises(DataError, match=r"feature_names=\['age', 'income'\] .*DataFrame.* columns \['a', 'b'\]"):
        sd.distill(f, df, form=form, max_size=2, random_state=0, feature_names=["age", "income"])
    tree = sd.distill(f, df, max_size=2, random_state=0, feature_names=["a", "b"])
    assert tree.feature_names == ["a", "b"]
    named = sd.distill(f, X, max_size=2, random_state=0, feature_names=["age", "income"])
    assert named.feature_names == ["age", "income"]


@pytest.mark.parametrize("missing", ["<NA>", "NaT"])
def test_pandas_missing_values_among_numbers_are_named_missing(missing):
    """pd.NA among numbers (a nullable boolean column's missing value, or one in a column of objects)
    was 'should be numeric but holds <NA>; declare it categorical or encode it', advice that does not
    help, and pd.NaT the same; both are missing values, refused as NaN and None are."""
    pd = pytest.importorskip("pandas")
    value = pd.NA if missing == "<NA>" else pd.NaT
    with pytest.raises(DataError, match=rf"^column 'x0' has a missing value \({missing}\) in row 1; fill or drop it "
                                        "first$"):
        Domain.from_data(np.array([[0.5], [value], [1.0]], dtype=object))
    df = pd.DataFrame({"x": np.linspace(0, 1, 20), "b": pd.array([True, False] * 10, dtype="boolean")})
    model = sd.distill(lambda X: (X["x"] > 0.5).astype(int).to_numpy(), df, max_size=2, random_state=0)
    new = df.head(4).copy()
    new.loc[2, "b"] = pd.NA
    with pytest.raises(DataError, match=r"^column 'b' has a missing value \(<NA>\) in row 2; fill or drop it first$"):
        model.predict(new)


@pytest.mark.parametrize("dtype", ["Float64", "Int64"])
def test_pandas_na_in_a_nullable_numeric_column_is_named_missing(dtype):
    """pd.NA in a Float64 or Int64 column was 'has a non-finite value (nan)' from predict, fidelity and
    accuracy (pandas hands the column over as floats, NA as NaN), though distill names it a missing value."""
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"x": pd.array(range(20), dtype=dtype), "y": np.linspace(0, 1, 20)})
    f = lambda X: (np.asarray(X["y"], dtype=float) > 0.5).astype(int)  # noqa: E731
    model = sd.distill(f, df, max_size=2, random_state=0)
    new = df.head(4).copy()
    new.loc[2, "x"] = pd.NA
    message = r"^column 'x' has a missing value \(<NA>\) in row 2; fill or drop it first$"
    for call in (lambda: model.predict(new), lambda: sd.fidelity(model, f, new),
                 lambda: sd.accuracy(model, new, [0, 0, 0, 0])):
        with pytest.raises(DataError, match=message):
            call()


@pytest.mark.parametrize("mask", [[True, False, True], np.array([True, False, True])])
def test_a_boolean_mask_as_categorical_is_refused(mask):
    """scikit-learn's categorical_features takes a mask; given here, [True, False, True] was read as the
    indices 1, 0, 1, silently making x0 and x1 categorical where the mask marks x0 and x2 (a NumPy mask
    was 'unknown categorical column np.True_')."""
    X = np.array([[0.0, 1, 2], [1, 2, 3], [2, 0, 1]])
    with pytest.raises(DataError, match=r"^categorical must be a list of column names or indices, got the boolean "
                                        r"(np\.)?True_?: for a mask, pass \[i for i, m in enumerate\(mask\) if m\]$"):
        Domain.from_data(X, categorical=mask)
    assert [f.kind for f in Domain.from_data(X, categorical=[0, np.int64(2)]).features] == \
        ["categorical", "integer", "categorical"]


@pytest.mark.parametrize("option, value, message", [
    ("feature_names", 3, r"^feature_names must be a list of names, got 3$"),
    ("feature_names", 2.5, r"^feature_names must be a list of names, got 2\.5$"),
    # a set has no order: the names went to the columns in the order of their hashes, another at each run
    ("feature_names", {"a", "b"}, r"^feature_names must be a list of names, got a set, which has no order: pass a list "),
    ("categorical", 2.5, r"^categorical must be a list of column names or indices, got 2\.5$"),
    ("categorical", np.float64(1.0), r"^categorical must be a list of column names or indices, got "),
])
def test_feature_names_and_categorical_that_are_no_lists_are_named(option, value, message):
    """feature_names=3 or categorical=2.5 was "TypeError: 'int' object is not iterable", naming neither
    (categorical=3 was already refused naming it)."""
    X = np.random.default_rng(0).uniform(size=(20, 2))
    with pytest.raises(DataError, match=message):
        sd.distill(lambda X: (X[:, 0] > 0.5).astype(int), X, **{option: value})
    pd = pytest.importorskip("pandas")
    with pytest.raises(DataError, match=message):  # a DataFrame's columns, which feature_names must repeat
        Domain.from_data(pd.DataFrame(X, columns=["a", "b"]), **{option: value})

def test_a_number_in_categorical_that_labels_another_column_of_a_dataframe_is_refused():
    """With a DataFrame's columns labelled 1, 0, categorical=[0] made the column at position 0 (labelled 1,
    floats) categorical, silently, not the column labelled 0 (codes): a tree then split a float column as
    200 categories. A number that is one column's position and another's label is now refused, naming
    both; one that is only a label (5 of 2 columns, refused as out of range) names that column."""
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    df = pd.DataFrame({1: rng.uniform(size=50), 0: rng.integers(0, 3, 50)})
    with pytest.raises(DataError, match=r"^categorical: 0 is the position of column '1' and the label of column '0' "
                                        r"\(at position 1\); name the column by its label as text: '0' or '1'$"):
        Domain.from_data(df, categorical=[0])
    assert [f.kind for f in Domain.from_data(df, categorical=["0"]).features] == ["numeric", "categorical"]
    labelled = pd.DataFrame({7: rng.uniform(size=50), 5: rng.integers(0, 3, 50)})
    assert [f.kind for f in Domain.from_data(labelled, categorical=[5]).features] == ["numeric", "categorical"]
    in_place = pd.DataFrame({0: rng.integers(0, 3, 50), 1: rng.uniform(size=50)})  # labels that are positions
    assert [f.kind for f in Domain.from_data(in_place, categorical=[0]).features] == ["categorical", "numeric"]

@pytest.mark.parametrize("missing", [None, float("nan"), np.nan])
def test_feature_names_holding_no_name_are_refused_as_a_dataframes_unlabelled_column_is(missing):
    """feature_names=[None, 'b'] named the array's first column 'None' (NaN: 'nan'), where a DataFrame's column
    labelled None or NaN is refused."""
    X = np.random.default_rng(0).uniform(size=(20, 2))
    with pytest.raises(DataError, match=rf"^feature_names\[0\] is {missing!r}, no name: every column needs a name$"):
        Domain.from_data(X, feature_names=[missing, "b"])
    with pytest.raises(DataError, match=r"feature_names\[1\] is"):
        sd.distill(lambda A: A[:, 0] > 0.5, X, feature_names=["a", missing], n_samples=100)


def test_a_number_in_categorical_names_a_column_labelled_by_a_float_as_by_an_int():
    """With a DataFrame's columns labelled 1.0, 0.0 (the features '1.0' and '0.0'), categorical=[0] made the
    column at position 0 (labelled 1.0, floats) categorical, silently, where columns labelled 1, 0 were
    refused naming both; and categorical=[0.0], the label itself, was 'unknown categorical column 0.0'."""
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    df = pd.DataFrame({1.0: rng.uniform(size=50), 0.0: rng.integers(0, 3, 50)})
    with pytest.raises(DataError, match=r"^categorical: 0 is the position of column '1.0' and the label of column "
                                        r"'0.0' \(at position 1\); name the column by its label as text: '0.0' or "
                                        r"'1.0'$"):
        Domain.from_data(df, categorical=[0])
    for label in (0.0, np.float64(0.0), "0.0"):
        assert [f.kind for f in Domain.from_data(df, categorical=[label]).features] == ["numeric", "categorical"]
    ints = pd.DataFrame({1: rng.uniform(size=50), 0: rng.integers(0, 3, 50)})
    assert [f.kind for f in Domain.from_data(ints, categorical=[0.0]).features] == ["numeric", "categorical"]
    labelled = pd.DataFrame({7.0: rng.uniform(size=50), 5.0: rng.integers(0, 3, 50)})
    assert [f.kind for f in Domain.from_data(labelled, categorical=[5]).features] == ["numeric", "categorical"]
    with pytest.raises(DataError, match=r"unknown categorical column 2.5; columns are \['7.0', '5.0'\]"):
        Domain.from_data(labelled, categorical=[2.5])


def _column_by_column(X, dom):
    """encode's matrix written a column at a time (its earlier form), the reference for the whole-array paths."""
    out = np.empty((len(X), dom.n_features))
    for j, f in enumerate(dom.features):
        col = X.iloc[:, j].to_numpy() if hasattr(X, "iloc") else X[:, j]
        out[:, j] = [f.categories.index(v) for v in col] if f.is_categorical else np.asarray(col, dtype=float)
    return out


@pytest.mark.parametrize("layout", ["C", "F", "strided", "float32", "int16", "bool"])
def test_encode_of_a_numeric_array_is_a_new_row_ordered_copy_of_its_values(layout):
    """Arrays of numbers are converted whole (written column by column into a row-ordered matrix, 1M x 20
    took 0.9 s): the same float64 values in every layout and dtype, in a new C-ordered matrix, which
    learners read by rows and may write to."""
    base = np.random.default_rng(0).normal(size=(20_000, 12))
    X = {"C": base, "F": np.asfortranarray(base), "strided": base[:, ::2], "float32": base.astype(np.float32),
         "int16": (base * 100).astype(np.int16), "bool": base > 0}[layout]
    dom = Domain.from_data(X)
    Z = dom.encode(X)
    assert Z.dtype == np.float64 and Z.flags["C_CONTIGUOUS"] and not np.shares_memory(Z, X)
    assert np.array_equal(Z, _column_by_column(X, dom))


def test_encode_names_the_first_column_with_a_non_finite_value_not_the_first_row():
    """The whole-array check reports what the column loop did: the first column holding NaN or inf (in
    feature order) and its first such row, though a later column has one in an earlier row."""
    X = np.random.default_rng(1).normal(size=(50, 5))
    dom = Domain.from_data(X)
    X[[7, 30], 3] = [-np.inf, np.nan]
    X[2, 4] = np.nan
    for given in (X, np.asfortranarray(X), X.astype(np.float32)):
        with pytest.raises(DataError, match=r"^column 'x3' has a non-finite value \(-inf\) in row 7; fill or drop"):
            dom.encode(given)


def test_encode_of_a_dataframe_with_categories_over_many_row_blocks():
    """Columns (categories looked up once per distinct value) are written a block of rows at a time:
    rows past the first block keep their values and codes; equal values of other types (np.int64, 2.0)
    take the category they equal, as one at a time they did (a boolean is refused: see
    test_a_boolean_for_a_number_category_or_a_number_for_a_boolean_one_is_refused)."""
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(2)
    n = 20_001
    df = pd.DataFrame({"job": rng.choice(["nurse", "pilot", "cook"], n), "age": rng.integers(18, 90, n),
                       "grade": rng.choice([1, 2, 3], n), "w": rng.normal(size=n)})
    dom = Domain.from_data(df, categorical=["grade"])
    Z = dom.encode(df)
    assert Z.flags["C_CONTIGUOUS"] and np.array_equal(Z, _column_by_column(df, dom))
    mixed = df.head(3).astype({"grade": object})
    mixed["grade"] = [np.int64(3), 2.0, np.float32(1)]
    assert dom.encode(mixed)[:, 2].tolist() == [2.0, 1.0, 0.0]


def test_encode_names_the_first_bad_category_cell_in_row_order():
    """Looking up distinct values first must not change which problem is named: the first row with an
    unknown value, or with a list, whichever comes first."""
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"c": ["a", "b", "a", "c"], "n": [1.0, 2.0, 3.0, 4.0]})
    dom = Domain.from_data(df)
    with pytest.raises(DataError, match=r"^column 'c' has unknown category 'zz' in row 1; known"):
        dom.encode(df.assign(c=pd.Series(["a", "zz", ["x"], "q"], dtype=object)))
    with pytest.raises(DataError, match=r"^column 'c' holds lists \(e\.g\. \['x'\]\)"):
        dom.encode(df.assign(c=pd.Series(["a", ["x"], "zz", "a"], dtype=object)))
    with pytest.raises(DataError, match=r"^column 'c' has a missing value \(None\) in row 2$"):
        dom.encode(df.assign(c=pd.Series(["a", "b", None, "q"], dtype=object)))


def test_a_boolean_for_a_number_category_or_a_number_for_a_boolean_one_is_refused():
    """A column distilled with the categories 1, 2, 3 given booleans read True as category 1 (Python's
    True == 1), and one of categories False, True given 0 and 1 read them as False and True: a data
    mix-up answered silently. Either is refused, naming the column, the row, the value and the
    categories; values of the categories' own kind encode as before."""
    pd = pytest.importorskip("pandas")
    numbers = Domain.from_data(pd.DataFrame({"k": pd.Categorical([1, 2, 3, 1]), "x": [0.1, 0.2, 0.3, 0.4]}))
    flags = Domain.from_data(pd.DataFrame({"k": pd.Series([True, False] * 2, dtype=object), "x": [0.1, 0.2, 0.3, 0.4]}))
    floats = Domain.from_data(np.array([[1.0, 0.5], [2.5, 0.1]], dtype=object), categorical=[0])
    bools = (r"column 'k' has the boolean True in row {} where its categories are numbers \[1, 2, 3\]: True would "
             r"read as 1; pass the categories' numbers, not booleans$")
    for k, row in [([3, True, 2], 1), (np.array([3, True], dtype=object), 1), ([np.int64(3), np.True_], 1),
                   ([True, True], 0), (np.array([True, True]), 0), (pd.array([True, True], dtype="boolean"), 0)]:
        with pytest.raises(DataError, match=bools.format(row)):
            numbers.encode(pd.DataFrame({"k": k, "x": 0.5}))
    with pytest.raises(DataError, match=r"column 'x0' has the boolean True in row 1 where its categories are numbers "
                                        r"\[1\.0, 2\.5\]: True would read as 1\.0; pass"):
        floats.encode(np.array([[2.5, 0.3], [True, 0.3]], dtype=object))
    for k in ([True, 1], [True, 1.0], [True, np.int64(1)]):
        with pytest.raises(DataError, match=r"column 'k' has the number 1(\.0)? in row 1 where its categories are "
                                            r"booleans \[False, True\]: 1(\.0)? would read as True; pass booleans, "
                                            r"not numbers$"):
            flags.encode(pd.DataFrame({"k": k, "x": 0.5}))
    with pytest.raises(DataError, match=r"the number 0 in row 0 where its categories are booleans"):
        flags.encode(pd.DataFrame({"k": np.array([0, 1]), "x": 0.5}))
    from decimal import Decimal
    from fractions import Fraction

    for one in (Fraction(1), Decimal(1)):  # numbers too, equal to True: they were read as True
        with pytest.raises(DataError, match=re.escape(f"has the number {one!r} in row 1 where its categories are "
                                                      "booleans [False, True]")):
            flags.encode(pd.DataFrame({"k": [True, one], "x": 0.5}))
    assert numbers.encode(pd.DataFrame({"k": [3, 1.0, np.int64(2)], "x": 0.5}))[:, 0].tolist() == [2, 0, 1]
    assert flags.encode(pd.DataFrame({"k": [True, np.False_], "x": 0.5}))[:, 0].tolist() == [1, 0]
    assert floats.encode(np.array([[1, 0.3], [2.5, 0.3]], dtype=object))[:, 0].tolist() == [0, 1]


def test_none_in_an_object_numeric_column_is_named_missing():
    """None in a numeric column held as objects (an object array, a DataFrame's object column) was
    'has a non-finite value (nan)', where pd.NA in it is 'a missing value (<NA>)' and a categorical
    column names None a missing value: NumPy reads None as NaN. None is named a missing value; a NaN,
    a number, keeps its wording in a float column and among objects alike."""
    pd = pytest.importorskip("pandas")
    rows = np.array([[0.1, 0.5], [0.2, 0.7], [0.3, 0.1]])
    arr, df = Domain.from_data(rows), Domain.from_data(pd.DataFrame(rows, columns=["a", "b"]))
    for cell, message in [(None, "a missing value (None)"), (pd.NA, "a missing value (<NA>)"),
                          (np.nan, "a non-finite value (nan)"), (float("nan"), "a non-finite value (nan)")]:
        bad = rows.astype(object)
        bad[1, 1] = cell
        for call, name in [(lambda: arr.encode(bad), "x1"), (lambda: Domain.from_data(bad), "x1"),
                           (lambda: df.encode(pd.DataFrame({"a": rows[:, 0], "b": pd.Series(list(bad[:, 1]),
                                                                                              dtype=object)})), "b")]:
            with pytest.raises(DataError, match=re.escape(f"column {name!r} has {message} in row 1; fill or drop it")):
                call()
    nan = rows.copy()
    nan[1, 1] = np.nan
    for call in (lambda: arr.encode(nan), lambda: Domain.from_data(nan),
                 lambda: df.encode(pd.DataFrame(nan, columns=["a", "b"]))):
        with pytest.raises(DataError, match=r"^column '(x1|b)' has a non-finite value \(nan\) in row 1; fill or drop"):
            call()


@pytest.mark.parametrize("values, categories", [
    (["b", "a", "c", "a"], None), (["b", "a", "a"], ["c", "b", "a", "z"]), ([3, 2, 3, 7], None),
    ([2.5, -1.0, 2.5], None), ([True, False, True], None), ([0, 1, 2, 1], None), (["x", 2, "x"], None)])
def test_a_categorical_column_encodes_as_its_values_do(values, categories):
    """A pandas categorical column is encoded from its codes (each category looked up once): the same
    codes as its values in an object column, whatever the column's own order of categories or the
    ones it does not use; as a DataFrame decoded, the teacher gets the values back."""
    pd = pytest.importorskip("pandas")
    train = pd.DataFrame({"c": pd.Categorical(values), "v": np.arange(len(values), dtype=float)})
    dom = Domain.from_data(train)
    col = pd.Categorical(values, categories=categories)
    Z = dom.encode(pd.DataFrame({"c": col, "v": np.zeros(len(values))}))
    expected = dom.encode(pd.DataFrame({"c": pd.Series(values, dtype=object), "v": np.zeros(len(values))}))
    assert Z.tobytes() == expected.tobytes()
    assert dom.decode(Z)["c"].tolist() == values


def test_a_categorical_column_names_its_unknown_or_missing_row():
    pd = pytest.importorskip("pandas")
    dom = Domain.from_data(pd.DataFrame({"c": pd.Categorical(["a", "b", "a"])}))
    with pytest.raises(DataError, match="column 'c' has unknown category 'q' in row 2"):
        dom.encode(pd.DataFrame({"c": pd.Categorical(["a", "b", "q"])}))
    with pytest.raises(DataError, match=r"column 'c' has a missing value \(nan\) in row 1"):
        dom.encode(pd.DataFrame({"c": pd.Categorical(["a", None, "b"])}))

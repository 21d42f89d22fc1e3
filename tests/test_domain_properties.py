"""Property tests of ``Domain`` over DataFrames of mixed column types (float, int, bool, nullable
Int64 / boolean, object and string text, ordered and unordered Categoricals with unused
categories, pyarrow numbers, strings and dictionaries) and over NumPy arrays: encode and decode
invert each other, decode hands back the columns' values in their dtypes, the JSON round trip
keeps the domain, and a row as a Series or the columns in another order encode the same."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import symdistill as sd
from symdistill import Domain
from symdistill.models import Tree

pd = pytest.importorskip("pandas")
pa = pytest.importorskip("pyarrow")

PROPS = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Any unicode text, quotes, backslashes and newlines included; pyarrow strings are UTF-8, which
# cannot hold a lone surrogate, and hypothesis' text() draws none.
texts = st.text(max_size=6) | st.sampled_from(["", "'", '"', "\\", "\n", "a\\n'b\"", "`x`", " ", "None", "nan"])
floats = st.floats(allow_nan=False, allow_infinity=False, width=64)
INT_DTYPES = ("int8", "int16", "int32", "int64", "uint8", "uint32", "uint64", "Int64", "UInt64",
              "int64[pyarrow]", "uint16[pyarrow]", "uint64[pyarrow]")


def _int_range(dtype: str, wide: bool) -> tuple[int, int]:
    """The dtype's range; a numeric feature's values are floats in the encoded row, and an integer
    beyond 2**53 has none of its own (documented: only whole numbers below 2**53 are integer
    features), so only a column declared categorical (whose codes index its values) goes past it."""
    info = np.iinfo(dtype.replace("[pyarrow]", "").lower())
    return (int(info.min), int(info.max)) if wide else (max(int(info.min), -2**53 + 1), min(int(info.max), 2**53 - 1))


@st.composite
def columns(draw, n: int, wide: bool = False):
    """One column of ``n`` rows, with no missing values (missing values are refused); ``wide``: a
    column to be declared categorical."""
    kind = draw(st.sampled_from(["float", "float32", "double[pyarrow]", "int", "bool", "boolean",
                                 "bool[pyarrow]", "object", "mixed", "str", "string", "string[pyarrow]",
                                 "category", "category_int", "category_float", "dictionary"]))
    if kind == "float":
        return pd.Series(draw(st.lists(floats, min_size=n, max_size=n)), dtype="float64")
    if kind == "float32":
        return pd.Series(draw(st.lists(st.floats(width=32, allow_nan=False, allow_infinity=False),
                                       min_size=n, max_size=n)), dtype="float32")
    if kind == "double[pyarrow]":
        return pd.Series(draw(st.lists(floats, min_size=n, max_size=n)), dtype="double[pyarrow]")
    if kind == "int":
        dtype = draw(st.sampled_from(INT_DTYPES))
        lo, hi = _int_range(dtype, wide)
        return pd.Series(pd.array(draw(st.lists(st.integers(lo, hi), min_size=n, max_size=n)), dtype=dtype))
    if kind in ("bool", "boolean", "bool[pyarrow]"):
        return pd.Series(pd.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)), dtype=kind))
    values = draw(st.lists(texts, min_size=n, max_size=n))
    if kind == "object":
        return pd.Series(values, dtype=object)
    if kind == "mixed":  # text and numbers in one object column
        values = draw(st.lists(texts | st.integers(-2**62, 2**62) | floats, min_size=n, max_size=n))
        return pd.Series(values, dtype=object)
    if kind in ("str", "string", "string[pyarrow]"):
        return pd.Series(values, dtype=kind)
    if kind == "dictionary":
        return pd.Series(values).astype(pd.ArrowDtype(pa.dictionary(pa.int32(), pa.string())))
    numbers = {"category_int": st.integers(-2**40, 2**40), "category_float": floats}.get(kind)
    if numbers is not None:
        values = draw(st.lists(numbers, min_size=n, max_size=n))
    unused = draw(st.lists(texts if numbers is None else numbers, max_size=3))
    cats = list(dict.fromkeys(draw(st.permutations(list(dict.fromkeys(values + unused))))))
    return pd.Series(pd.Categorical(values, categories=cats, ordered=draw(st.booleans())))


@st.composite
def frames(draw, wide: bool = True):
    """A DataFrame and the columns declared categorical, by name (a number is a position only where it
    labels no other column); ``wide``: those may hold integers beyond 2**53."""
    n = draw(st.integers(1, 6))
    d = draw(st.integers(1, 5))
    declared = draw(st.lists(st.integers(0, d - 1), unique=True, max_size=d))
    labels = draw(st.one_of(st.lists(texts, min_size=d, max_size=d, unique=True),
                            st.lists(st.integers(-3, 9) | st.sampled_from([True, 1.5, "x"]), min_size=d,
                                     max_size=d, unique_by=str)))
    df = pd.DataFrame({j: draw(columns(n, wide and j in declared)) for j in range(d)}).set_axis(labels, axis=1)
    return df, [str(df.columns[j]) for j in sorted(declared)]  # as pandas holds them: 0 beside 1.5 is 0.0


def _round_trip(X, categorical):
    """The domain of ``X``, ``X`` encoded, and decoded back; encoding what decode gave is a no-op."""
    dom = Domain.from_data(X, categorical=categorical)
    Z = dom.encode(X)
    back = dom.decode(Z)
    assert np.array_equal(dom.encode(back), Z)
    return dom, Z, back


def _reloaded(dom: Domain) -> Domain:
    return Domain.from_dict(json.loads(json.dumps(dom.to_dict())))


def _expected_dtype(s, declared: bool) -> str:
    """The dtype decode hands back: the column's own, but object, string and pyarrow dictionary
    columns come back as pandas Categoricals (README), and float features as float64."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        return "category"
    if s.dtype == object or pd.api.types.is_string_dtype(s.dtype) or "dictionary" in str(s.dtype):
        return "category"
    if pd.api.types.is_float_dtype(s.dtype) and not declared:
        return "float64"
    return str(s.dtype)


@PROPS
@given(frame=frames())
def test_encode_decode_round_trip_of_frames(frame):
    df, categorical = frame
    dom, Z, back = _round_trip(df, categorical)
    assert list(back.columns) == list(df.columns)
    for j in range(df.shape[1]):
        s, b = df.iloc[:, j], back.iloc[:, j]
        assert str(b.dtype) == _expected_dtype(s, str(df.columns[j]) in categorical), (s.dtype, b.dtype)
        if isinstance(s.dtype, pd.CategoricalDtype):
            assert b.cat.categories.tolist() == s.cat.categories.tolist()
            assert b.cat.ordered == s.cat.ordered
        if pd.api.types.is_float_dtype(s.dtype):
            assert np.array_equal(b.to_numpy(dtype=float), s.to_numpy(dtype=float))
        else:
            assert b.tolist() == s.tolist()


@PROPS
@given(frame=frames())
def test_domain_survives_json_and_encodes_the_same(frame):
    df, categorical = frame
    dom = Domain.from_data(df, categorical=categorical)
    Z = dom.encode(df)
    back = _reloaded(dom)
    assert back == dom and back.input_format == "dataframe"
    assert [f.kind for f in back.features] == [f.kind for f in dom.features]
    assert [f.categories for f in back.features] == [f.categories for f in dom.features]
    assert back.column_dtypes == dom.column_dtypes
    assert [str(c) for c in back.column_labels or dom.feature_names] == dom.feature_names
    assert np.array_equal(back.encode(df), Z)
    assert back.decode(Z).equals(dom.decode(Z))
    # And through a model's JSON: a one-leaf tree over the domain.
    leaf = Tree(dom, "regression", None, children_left=[-1], children_right=[-1], feature=[-2],
                threshold=[0.0], value=[[0.0]])
    loaded = sd.load(leaf.to_json())
    assert loaded.domain == dom and loaded.domain.column_dtypes == dom.column_dtypes
    assert np.array_equal(loaded.domain.encode(df), Z)


# Rows without integers beyond 2**53 in int columns: pandas' own df.iloc[i] casts an int64 column
# and a float one to one float64 row (2**53 + 1 becomes 2**53 before symdistill sees it), and with
# pyarrow columns it raises ArrowInvalid itself.
@PROPS
@given(frame=frames(wide=False), data=st.data())
def test_a_row_and_reordered_columns_encode_the_same(frame, data):
    df, categorical = frame
    dom = Domain.from_data(df, categorical=categorical)
    Z = dom.encode(df)
    i = data.draw(st.integers(0, len(df) - 1))
    assert np.array_equal(dom.encode(df.iloc[i]), Z[i:i + 1])
    order = data.draw(st.permutations(range(df.shape[1])))
    assert np.array_equal(dom.encode(df.iloc[:, list(order)]), Z)


@st.composite
def arrays(draw):
    """A NumPy array: floats, ints or bools (some columns declared categorical), strings (all
    categorical), or objects with some columns categorical (one type each: strings, ints, floats
    or bools, since a column's categories are sorted)."""
    n = draw(st.integers(1, 6))
    d = draw(st.integers(1, 4))
    kind = draw(st.sampled_from(["float", "int", "bool", "str", "object"]))
    if kind != "object":
        # Ints beyond 2**53 only in columns declared categorical (see _int_range).
        declared = list(range(d)) if kind == "str" else draw(st.lists(st.integers(0, d - 1), unique=True, max_size=d))
        cells = {"float": lambda j: floats, "str": lambda j: texts, "bool": lambda j: st.booleans(),
                 "int": lambda j: st.integers(*_int_range("int64", j in declared))}[kind]
        rows = draw(st.lists(st.tuples(*(cells(j) for j in range(d))), min_size=n, max_size=n))
        return np.array(rows, dtype={"int": np.int64, "bool": bool, "float": float, "str": str}[kind]), declared
    X = np.empty((n, d), dtype=object)
    categorical = []
    for j in range(d):
        cell = draw(st.sampled_from(["number", "text", "int", "float", "bool"]))
        values = {"number": floats, "text": texts, "int": st.integers(-2**62, 2**62), "float": floats,
                  "bool": st.booleans()}[cell]
        X[:, j] = draw(st.lists(values, min_size=n, max_size=n))
        if cell != "number":
            categorical.append(j)
    return X, categorical


@PROPS
@given(arr=arrays())
def test_encode_decode_and_json_of_arrays(arr):
    X, categorical = arr
    dom, Z, back = _round_trip(X, categorical)
    assert back.shape == X.shape and back.tolist() == X.tolist()
    if X.dtype.kind in "biu":  # the teacher gets the rows of a bool or integer array in its dtype
        assert back.dtype == X.dtype
    else:
        for j in categorical:
            col = X[:, j]
            # A float array's column of whole-number codes (0.0, 1.0: codes the other columns made
            # float) is categories 0, 1: the teacher gets the same numbers, as ints.
            whole = col.dtype.kind == "f" and bool(np.all(np.isfinite(col) & (col == np.round(col))
                                                          & (np.abs(col) < 2.0**53)))
            assert all(type(b) is (int if whole else type(x.item() if isinstance(x, np.generic) else x))
                       for b, x in zip(back[:, j], col))
    loaded = _reloaded(dom)
    assert loaded == dom and loaded.input_format == "array"
    assert [f.categories for f in loaded.features] == [f.categories for f in dom.features]
    assert np.array_equal(loaded.encode(X), Z)
    assert np.array_equal(dom.encode(X[0]), Z[:1])

"""Feature schema: names, kinds, bounds and categories, inferred from the data or given.

Internally every row is a float vector: numeric, integer and binary features hold their values,
a categorical feature holds the index of its category in ``Feature.categories``. ``Domain.encode``
turns user input (NumPy array or pandas DataFrame) into that form, validating it; ``Domain.decode``
turns it back into what the teacher expects.
"""

from __future__ import annotations

import datetime
import math
import re
import reprlib
import unicodedata
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal
from numbers import Number
from typing import Any, Iterable, Sequence

import numpy as np

from ._errors import DataError, ModelFormatError, counted, refuse_set, require_extra

KINDS = ("numeric", "integer", "binary", "categorical")
_BARE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*")
# Words of the constraint language and of printed rules: a feature so named is quoted.
# The words printed trees and rule lists write around conditions and labels.
PRINTED_WORDS = frozenset({"IF", "THEN", "ELSE", "AND", "ALWAYS", "TRUE"})
_RESERVED = frozenset({"and", "or", "not", "in", "true", "false", "prediction"}) | PRINTED_WORDS
_ESCAPED = {"\\": "\\\\", "`": "\\`"}  # printable characters a `quoted name` escapes
# ``column_dtypes`` entry of an ordered pandas Categorical, which pandas writes as 'category' too.
ORDERED_CATEGORY = "category[ordered]"
# ``column_dtypes`` entries of bool columns (binary features that the teacher gets as True/False).
BOOL_DTYPES = ("bool", "boolean", "bool[pyarrow]")


@dataclass(frozen=True)
class Feature:
    """One input feature.

    ``lower`` / ``upper`` are the observed bounds (category codes for categoricals); ``categories`` a
    categorical's labels, a list or any sequence of them, kept as a tuple.
    """

    name: str
    kind: str = "numeric"
    lower: float = 0.0
    upper: float = 1.0
    categories: Sequence[Any] = ()

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"feature {self.name!r}: kind must be one of {KINDS}, got {self.kind!r}")
        self._check_categories()
        if self.kind == "categorical" and not self.categories:
            raise ValueError(f"categorical feature {self.name!r} needs at least one category")
        if self.kind == "categorical":
            # A categorical's bounds are its codes, 0 .. n - 1: the default (0, 1) is taken to mean that,
            # and other bounds are refused (verification read them as the codes a region may hold).
            top = float(len(self.categories) - 1)
            if (self.lower, self.upper) == (0.0, 1.0):
                object.__setattr__(self, "upper", top)
            elif (self.lower, self.upper) != (0.0, top):
                raise ValueError(f"categorical feature {self.name!r}: its bounds are its codes 0 .. {top:g} "
                                 f"({len(self.categories)} categories), got {self.lower:g} .. {self.upper:g}")
        if not self.lower <= self.upper:
            raise ValueError(f"feature {self.name!r}: lower bound {self.lower} exceeds upper bound {self.upper}")

    def _check_categories(self) -> None:
        """``categories`` as a tuple of plain Python values (a NumPy array or list of them is taken),
        each one once: a code is the index of its category, so a repeated one could not be told."""
        cats = self.categories
        if isinstance(cats, (str, bytes)) or not hasattr(cats, "__iter__"):
            raise TypeError(f"feature {self.name!r}: categories must be a sequence of labels, got {cats!r}")
        refuse_set("categories", cats, "numbers the categories (their codes, and an ordered feature's order)",
                   f"feature {self.name!r}: ")
        cats = tuple(_plain(c) for c in cats)
        seen: dict[Any, int] = {}
        for i, c in enumerate(cats):
            if isinstance(c, float) and not np.isfinite(c):
                # A NaN equals no value, so no row could have it; JSON has neither NaN nor infinity,
                # so a model over either could not be saved (to_json failed, far from the cause).
                raise ValueError(f"feature {self.name!r}: category {c!r} is not a finite number; categories "
                                 "must be finite labels (NaN matches no value, and a model could not be saved)")
            try:
                first = cats[seen.setdefault(c, i)]
            except TypeError:
                raise TypeError(f"feature {self.name!r}: category {c!r} is not a label (not hashable)") from None
            if seen[c] != i:
                raise ValueError(f"feature {self.name!r}: category {c!r} is given twice"
                                 + ("" if repr(first) == repr(c) else f" (as {first!r} too; 1, 1.0 and True count as one)"))
        # Two categories written alike (the number 1 and the text '1', an object column holding both) are one
        # cell of a CSV file: the command line read a row's 1 as '1' (or as 1 where the file held only numbers),
        # the other category's prediction, without a word; the C export and a linear model's [c=1] could not
        # tell them apart either.
        written: dict[str, Any] = {}
        for c in cats:
            first = written.setdefault(str(c), c)
            if first is not c:
                raise ValueError(f"feature {self.name!r}: categories {first!r} ({type(first).__name__}) and {c!r} "
                                 f"({type(c).__name__}) are both written {str(c)!r}, as a CSV file and the command line "
                                 "read them, so a row's value would be taken for the other's: make the column one type "
                                 "before distilling (.astype(str), or numbers: pd.to_numeric)")
        object.__setattr__(self, "categories", cats)

    @property
    def is_categorical(self) -> bool:
        return self.kind == "categorical"

    @property
    def display_name(self) -> str:
        """The name as printed in conditions: bare when the constraint language reads it as a name
        (letters, digits, ``_`` and ``.``, not a keyword), else between backticks, as constraints
        write it, with backslashes, backticks and unprintable characters escaped as the constraint
        language reads them, so a printed rule reads one way only and pastes into a constraint.

        >>> Feature("petal_width").display_name, Feature("mean radius").display_name
        ('petal_width', '`mean radius`')
        >>> print(Feature("a > 1 AND\\nb").display_name, Feature("C:\\\\n`x`").display_name)
        `a > 1 AND\\nb` `C:\\\\n\\`x\\``
        """
        if is_bare_word(self.name):
            return self.name
        return "`" + escape_unprintable(self.name, _ESCAPED) + "`"

    def threshold_text(self, x: float) -> str:
        """The threshold ``x`` of a test on this feature as printed: ``cut_text`` with this feature's
        spread (6 significant digits, or as many more as keep it within 1e-4 of the spread, rounded down;
        on an integer or binary feature, as many as keep every whole number on the side it takes).

        >>> Feature("w", "numeric", 1.0, 1.0 + 1e-9).threshold_text(1.0000000004)
        '1.0000000004'
        >>> Feature("age", "numeric", 18, 90).threshold_text(40.123456789)
        '40.1234'
        >>> Feature("cents", "integer", 0, 5e6).threshold_text(1234747.5)
        '1234747'
        """
        return cut_text(x, self.upper - self.lower, whole=self.kind in ("integer", "binary"))

    def category_label(self, code: int) -> Any:
        return self.categories[int(code)]

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"name": self.name, "kind": self.kind, "lower": self.lower, "upper": self.upper}
        if self.categories:
            d["categories"] = [_plain(c) for c in self.categories]
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Feature:
        if not isinstance(d, dict) or not isinstance(d.get("name"), str):
            raise ModelFormatError(f"malformed feature entry {d!r}: needs a string 'name'")
        cats = d.get("categories", [])
        if not isinstance(cats, list) or not all(isinstance(c, (str, int, float, bool)) for c in cats):
            raise ModelFormatError(f"feature {d['name']!r}: 'categories' must be a list of strings or numbers")
        try:
            return cls(d["name"], d.get("kind", "numeric"), float(d.get("lower", 0.0)),
                       float(d.get("upper", 1.0)), tuple(cats))
        except (TypeError, ValueError) as exc:
            raise ModelFormatError(f"malformed feature {d['name']!r}: {exc}") from None


@dataclass(frozen=True)
class Domain:
    """The feature schema of a data set, and the input format the teacher expects.

    >>> import numpy as np
    >>> dom = Domain.from_data(np.array([[0.5, 1, 3], [2.0, 0, 7]]), feature_names=["a", "b", "c"])
    >>> [f.kind for f in dom.features]
    ['numeric', 'binary', 'integer']
    """

    features: tuple[Feature, ...]
    input_format: str = "array"  # "array" or "dataframe": what ``decode`` hands the teacher
    # Each DataFrame column's dtype as pandas writes it ("bool", "Int64", "int8", "category", ...).
    column_dtypes: tuple[Any, ...] = field(default=(), compare=False)
    # The DataFrame's own column labels (0, 1, ... stay ints; feature names are their strings).
    column_labels: tuple[Any, ...] = field(default=(), compare=False)
    # The dtype of a bool or integer array ("bool", "int64", "uint8", ...): the teacher gets its rows in it.
    array_dtype: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        refuse_set("features", self.features, "is the columns' order")
        names = [f.name for f in self.features]
        dup = {n for n in names if names.count(n) > 1}
        if dup:
            raise ValueError(f"duplicate feature names: {sorted(dup)}")
        if self.input_format not in ("array", "dataframe"):
            raise ValueError(f"input_format must be 'array' or 'dataframe', got {self.input_format!r}")
        for key in ("column_dtypes", "column_labels"):
            given = getattr(self, key)
            if given and len(given) != len(names):
                raise ValueError(f"'{key}' should have one entry per feature ({len(names)}), got {len(given)}")
            if given and self.input_format != "dataframe":
                raise ValueError(f"'{key}' is only for input_format 'dataframe', not {self.input_format!r}")
        if self.array_dtype:
            if self.input_format != "array":
                raise ValueError(f"'array_dtype' is only for input_format 'array', not {self.input_format!r}")
            problem = _array_dtype_problem(self.array_dtype, self.features)
            if problem:
                raise ValueError(f"'array_dtype' {problem}, got {reprlib.repr(self.array_dtype)}")

    # -- construction --------------------------------------------------------------------------
    @classmethod
    def from_data(
        cls,
        X: Any,
        feature_names: Sequence[str] | None = None,
        categorical: Sequence[str | int | float | np.integer] | None = None,
    ) -> Domain:
        """Infer the schema from data: names, kinds and observed bounds.

        ``X`` is a 2-D NumPy array or a pandas DataFrame (a pyarrow Table or RecordBatch, or a polars
        DataFrame, is read as its ``to_pandas()``). DataFrame columns of category, object, string or
        bool dtype are categorical (bool columns binary); ``categorical`` names more: by name, or by
        position, or by a DataFrame's column label (``0.0`` names the column labelled ``0.0``).
        """
        X = _as_pandas(X)
        asked = None if feature_names is None else _listed_names(feature_names)
        if _is_dataframe(X):
            columns = [str(c) for c in X.columns]
            if asked is not None and asked != columns:
                # feature_names names an array's columns; a DataFrame's kept their own without a word, so
                # the model was not named as asked.
                raise DataError(f"feature_names={reprlib.repr(asked)} names an array's columns, but X is a "
                                f"DataFrame, whose features are its columns {reprlib.repr(columns)}: rename them "
                                "(X.rename(columns=...)) or leave feature_names out")
            return cls._from_dataframe(X, categorical)
        arr = _as_2d_array(X)
        d = arr.shape[1]
        feature_names = [f"x{i}" for i in range(d)] if asked is None else asked
        if len(feature_names) != d:
            raise DataError(f"got {counted(len(feature_names), 'feature name')} for {counted(d, 'column')}")
        cat_idx = _resolve_columns([] if categorical is None else categorical, feature_names)
        feats = []
        for j, name in enumerate(feature_names):
            col = arr[:, j]
            if arr.dtype.kind in "mM":  # declared categorical too: tolist() gives nanoseconds as ints
                raise _dates_error(name, arr.dtype)
            if j in cat_idx:
                missing = [i for i, v in enumerate(col) if is_missing(v)]
                if missing:
                    raise DataError(f"column {name!r} has {counted(len(missing), 'missing value')} (None or NaN, first "
                                    f"in row {missing[0]}); fill or drop them first")
                try:
                    cats = tuple(np.unique(col).tolist())
                except TypeError:  # numbers and strings, say: ordered as a DataFrame's object column is
                    if not all(_hashable(v) for v in col):
                        raise _unhashable_cell(col, name) from None
                    cats = _sorted_categories(dict.fromkeys(_plain(v) for v in col), name)
                _refuse_unsaveable(cats, col, name)
                if arr.dtype.kind == "f":
                    cats = _whole_codes(cats)
                feats.append(Feature(name, "categorical", 0.0, float(len(cats) - 1), cats))
                continue
            col = _numeric_column(col, name)
            feats.append(_numeric_feature(name, col))
        return cls(tuple(feats), "array", array_dtype=arr.dtype.name if arr.dtype.kind in "biu" else "")

    @classmethod
    def _from_dataframe(cls, df: Any, categorical: Sequence[str | int | float | np.integer] | None) -> Domain:
        import pandas as pd

        names = _dataframe_names(df)
        if df.shape[1] == 0:
            raise DataError(f"the DataFrame has no features (no columns, {counted(df.shape[0], 'row')})")
        if df.shape[0] == 0:
            raise DataError(f"the DataFrame has no rows (columns {names[:6]}{' ...' if len(names) > 6 else ''})")
        cat_idx = _resolve_columns([] if categorical is None else categorical, names)
        feats = []
        for j, name in enumerate(names):
            s = df.iloc[:, j]
            if s.isna().any():
                raise DataError(f"column {name!r} has {counted(int(s.isna().sum()), 'missing value')} (NaN, None or NA, "
                                f"first in row {int(np.argmax(s.isna().to_numpy()))}); fill or drop them first")
            if isinstance(s.dtype, pd.CategoricalDtype):
                cats = tuple(s.cat.categories.tolist())
                _refuse_unsaveable(cats, s, name)
                feats.append(Feature(name, "categorical", 0.0, float(len(cats) - 1), cats))
            elif j in cat_idx or s.dtype == object or pd.api.types.is_string_dtype(s.dtype) or \
                    _is_arrow_dictionary(s.dtype):
                cats = _column_categories(s, name)
                _refuse_unsaveable(cats, s, name)
                feats.append(Feature(name, "categorical", 0.0, float(len(cats) - 1), cats))
            elif pd.api.types.is_bool_dtype(s.dtype):
                feats.append(Feature(name, "binary", 0.0, 1.0))
            else:
                feats.append(_numeric_feature(name, _numeric_column(s.to_numpy(), name)))
        return cls(tuple(feats), "dataframe", tuple(_column_dtype(df.iloc[:, j].dtype) for j in range(df.shape[1])),
                   tuple(df.columns))

    # -- properties ----------------------------------------------------------------------------
    @property
    def n_features(self) -> int:
        return len(self.features)

    @property
    def feature_names(self) -> list[str]:
        return [f.name for f in self.features]

    @property
    def categorical_mask(self) -> np.ndarray:
        return np.array([f.is_categorical for f in self.features], dtype=bool)

    @property
    def lower(self) -> np.ndarray:
        return np.array([f.lower for f in self.features], dtype=float)

    @property
    def upper(self) -> np.ndarray:
        return np.array([f.upper for f in self.features], dtype=float)

    def index(self, name: str | int) -> int:
        """Column index of a feature given by name (or index), with a clear error if unknown."""
        if isinstance(name, (int, np.integer)):
            if not 0 <= int(name) < self.n_features:
                raise DataError(f"feature index {name} out of range for {counted(self.n_features, 'feature')}")
            return int(name)
        names = self.feature_names
        if name not in names:
            raise DataError(f"unknown feature {name!r}; known features: {', '.join(map(repr, names))}")
        return names.index(name)

    def is_ordered(self, j: int) -> bool:
        """Whether feature ``j`` was read from an ordered pandas Categorical: its categories are in
        the Categorical's order, and so are their codes."""
        return bool(self.column_dtypes) and self.column_dtypes[j] == ORDERED_CATEGORY

    # -- conversion ----------------------------------------------------------------------------
    def encode(self, X: Any, *, check_bounds: bool = False) -> np.ndarray:
        """User rows -> validated float matrix (categories as codes). Errors name the column."""
        X = _as_pandas(X)
        if type(X).__name__ == "Series" and hasattr(X, "index") and _series_is_named_row(X, self.feature_names):
            # One row labelled by feature (``df.iloc[0]``): matched by name, as a DataFrame's columns are.
            X = X.to_frame().T.infer_objects()
        if _is_dataframe(X):
            names = _dataframe_names(X)
            if names != self.feature_names:
                missing = [n for n in self.feature_names if n not in names]
                extra = [n for n in names if n not in self.feature_names]
                if missing or extra:
                    rows = "as an array, in the order distilled (X.to_numpy())" \
                        if self.input_format == "array" else None
                    # Only columns too many: held-out rows kept with their label (adult's Salary), most often.
                    them = "it" if len(extra) == 1 else "them"
                    drop = f" (the model was distilled without {them}: drop {them} first, X.drop(columns=" \
                        f"{extra!r}); a label column left in?)" if not missing else ""
                    raise DataError(f"DataFrame columns do not match the model's features: "
                                    f"{mismatch(missing, extra, rows)}{drop}")
                X = X.iloc[:, [names.index(n) for n in self.feature_names]]
            series = [X.iloc[:, j] for j in range(self.n_features)]
            coded = {j: c for j, f in enumerate(self.features) if f.is_categorical
                     and (c := _categorical_codes(series[j], f)) is not None}
            columns = [coded.get(j) if j in coded else column_values(s) for j, s in enumerate(series)]
            n = len(X)
        else:
            arr = _read_array(X, dtype=object if _has_categorical(self) else None, row_width=self.n_features)
            if arr.ndim == 1 and arr.size == self.n_features:
                arr = arr.reshape(1, -1)
            if arr.ndim != 2:
                hint = " (one value a row: X.reshape(-1, 1))" if arr.ndim == 1 and self.n_features == 1 else ""
                raise DataError(f"expected a 2-D array of shape (n_rows, {self.n_features}) or one row of "
                                f"{counted(self.n_features, 'value')}, got shape {arr.shape}{hint}")
            if arr.shape[1] != self.n_features:
                raise DataError(
                    f"expected {counted(self.n_features, 'feature')} ({', '.join(map(repr, self.feature_names[:6]))}"
                    f"{', ...' if self.n_features > 6 else ''}), got {counted(arr.shape[1], 'column')}"
                )
            if arr.dtype.kind in "biuf":  # numbers only (an array is read as objects for a categorical feature)
                out = _numeric_rows(arr, self.feature_names)
                if check_bounds:
                    self.check_bounds(out)
                return out
            columns = [arr[:, j] for j in range(self.n_features)]
            n = arr.shape[0]
            coded = {}
        out = _as_rows([col if j in coded else _encode_categories(col, f) if f.is_categorical else
                        _numeric_column(col, f.name) for j, (f, col) in enumerate(zip(self.features, columns))], n)
        if check_bounds:
            self.check_bounds(out)
        return out

    def check_bounds(self, Z: np.ndarray) -> None:
        lo, hi = self.lower, self.upper
        bad = np.where(((Z < lo) | (Z > hi)).any(axis=0))[0]
        if bad.size:
            j = int(bad[0])
            raise DataError(f"feature {self.features[j].name!r} has values outside [{lo[j]}, {hi[j]}]")

    def decode(self, Z: np.ndarray) -> Any:
        """Encoded rows -> the teacher's input format (array, or DataFrame with the original values)."""
        if self.input_format == "array":
            if not _has_categorical(self):
                return _in_array_dtype(Z, self.array_dtype) if self.array_dtype else Z
            out = np.empty(Z.shape, dtype=object)
            for j, f in enumerate(self.features):
                out[:, j] = _decode_categories(Z[:, j], f) if f.is_categorical else \
                    np.rint(Z[:, j]) if self.array_dtype else Z[:, j]
            return _in_array_dtype(out, self.array_dtype) if self.array_dtype else out
        pd = require_extra("pandas", "the teacher of a model distilled from a DataFrame is asked with DataFrames, "
                           "which needs pandas", "pandas")
        columns = []
        for j, f in enumerate(self.features):
            given = self.column_dtypes[j] if j < len(self.column_dtypes) else None
            dtype = given or "category"
            if f.is_categorical and dtype != ORDERED_CATEGORY and _holds_numbers(pd.api.types.pandas_dtype(dtype)):
                # A numeric column declared categorical: the teacher compares and computes with it.
                columns.append(pd.array(_decode_categories(Z[:, j], f).tolist(), dtype=dtype))
            elif f.is_categorical:
                # From the codes: a Categorical of the values looked each of a million up again (0.16 s).
                columns.append(pd.Categorical.from_codes(_category_codes(Z[:, j], f), categories=_category_index(f),
                                                         ordered=dtype == ORDERED_CATEGORY))
            elif f.kind == "binary" and given in BOOL_DTYPES:
                columns.append(pd.array(Z[:, j] > 0.5, dtype=given))
            elif f.kind in ("integer", "binary") and given is not None and "int" in given.lower():
                columns.append(_integer_column(Z[:, j], given))
            else:
                columns.append(Z[:, j])
        # Built by position: labels such as 1 and True are equal as dict keys and would merge.
        out = pd.DataFrame(dict(enumerate(columns)))
        labels = [self.column_labels[j] if j < len(self.column_labels) else f.name
                  for j, f in enumerate(self.features)]
        if all(isinstance(c, tuple) for c in labels) and len({len(c) for c in labels}) == 1:
            out.columns = pd.MultiIndex.from_tuples(labels)  # (a list of tuples would be an Index of tuples)
        else:
            out.columns = labels
        return out

    def to_dict(self) -> dict[str, Any]:
        """Plain data. A DataFrame-made domain adds ``column_dtypes`` and, when some column label is
        not a string (ints 0, 1, ...), ``column_labels``, so a loaded model hands the teacher the
        columns it was trained on (a MultiIndex's tuples as lists); labels of other kinds than str,
        int, float and bool, or tuples of them, are not saved, and the loaded model labels those
        columns with the feature names. An array-made domain adds ``array_dtype`` for a bool or
        integer array.

        >>> import pandas as pd
        >>> Domain.from_data(pd.DataFrame({0: [1.5, 2.0], 1: [True, False]})).to_dict()["column_labels"]
        [0, 1]
        """
        d: dict[str, Any] = {"features": [f.to_dict() for f in self.features], "input_format": self.input_format}
        if self.column_dtypes:
            # A dtype that decode cannot build (pandas does not read 'decimal128(10, 2)[pyarrow]' back) is
            # saved as what decode hands the teacher instead, so that every saved model loads.
            d["column_dtypes"] = [str(t) if _dtype_problem(f, str(t)) is None else
                                  "category" if f.is_categorical else "float64"
                                  for f, t in zip(self.features, self.column_dtypes)]
        labels = [_json_label(c, f.name) for c, f in zip(self.column_labels, self.features)]
        if labels and all(c is not _NOT_JSON for c in labels) and not all(isinstance(c, str) for c in labels):
            d["column_labels"] = labels
        if self.array_dtype:
            d["array_dtype"] = self.array_dtype
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Domain:
        if not isinstance(d, dict) or not isinstance(d.get("features"), list):
            raise ModelFormatError("malformed model: 'domain' needs a 'features' list")
        columns = {}
        for key in ("column_dtypes", "column_labels"):
            if key in d:
                if not isinstance(d[key], list):
                    raise ModelFormatError(f"malformed domain: '{key}' should be a list, one entry per feature, "
                                           f"got {reprlib.repr(d[key])}")
                # a MultiIndex's labels are lists in JSON
                columns[key] = tuple(tuple(c) if isinstance(c, list) and key == "column_labels" else c
                                     for c in d[key])
        if "array_dtype" in d:
            if not isinstance(d["array_dtype"], str) or not d["array_dtype"]:
                raise ModelFormatError(f"malformed domain: 'array_dtype' should be the name of a bool or integer "
                                       f"NumPy dtype, got {reprlib.repr(d['array_dtype'])}")
            columns["array_dtype"] = d["array_dtype"]
        try:
            domain = cls(tuple(Feature.from_dict(f) for f in d["features"]), d.get("input_format", "array"),
                         **columns)
        except ValueError as exc:
            raise ModelFormatError(f"malformed domain: {exc}") from None
        for j, (f, t) in enumerate(zip(domain.features, domain.column_dtypes)):
            problem = "should be a string" if not isinstance(t, str) else _dtype_problem(f, t)
            if problem:
                raise ModelFormatError(f"malformed domain: 'column_dtypes[{j}]' (feature {f.name!r}) {problem}, "
                                       f"got {reprlib.repr(t)}")
        for j, (f, c) in enumerate(zip(domain.features, domain.column_labels)):
            if _json_label(c, f.name) is _NOT_JSON:
                raise ModelFormatError(f"malformed domain: 'column_labels[{j}]' should be a string or number whose "
                                       f"text is the feature's name {f.name!r}, got {reprlib.repr(c)}")
        return domain


_NOT_JSON = object()  # a column label that JSON cannot hold as itself


def _json_label(label: Any, name: str) -> Any:
    """``label`` as a JSON value that reads back as the same label of the column named ``name``
    (str, int, finite float or bool; a tuple of those, a MultiIndex's label, as a list), else
    ``_NOT_JSON``."""
    value = _plain(label)
    if isinstance(value, tuple):
        parts = tuple(_json_scalar(v) for v in value)
        return list(parts) if _NOT_JSON not in parts and str(parts) == name else _NOT_JSON
    value = _json_scalar(value)
    return value if value is not _NOT_JSON and str(value) == name else _NOT_JSON


def _json_scalar(label: Any) -> Any:
    """``label`` as a JSON string, number or bool that reads back as itself, else ``_NOT_JSON``."""
    value = _plain(label)
    if isinstance(value, float) and not math.isfinite(value):
        return _NOT_JSON
    if isinstance(value, int) and not isinstance(value, bool) and not -2**63 <= value < 2**64:
        return _NOT_JSON
    if not isinstance(value, (str, int, float, bool)):
        return _NOT_JSON  # a Timestamp, a list, ...
    return value


def _dtype_problem(f: Feature, dtype: str) -> str | None:
    """Why ``decode`` could not hand the teacher feature ``f``'s column in ``dtype``, or None (also
    when pandas is missing). Only ever parses the string (``pandas_dtype``), never runs code from it."""
    import warnings

    if dtype == ORDERED_CATEGORY:
        return None if f.is_categorical else "is for categorical features only"

    try:
        import pandas as pd
    except ImportError:  # the model still loads and predicts; handing a teacher DataFrames needs pandas anyway
        return None
    # pandas and pyarrow raise TypeError, ValueError, ImportError (pyarrow missing), their own errors, ...
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # NumPy's deprecated aliases such as 'a'
            known = pd.api.types.pandas_dtype(dtype)
    except Exception:
        return "is not a dtype pandas knows"
    if f.is_categorical and _holds_numbers(known):
        try:
            held = pd.array(list(f.categories), dtype=dtype).tolist() == list(f.categories)
        except Exception:
            held = False
        if not held:
            return f"cannot hold the feature's categories {reprlib.repr(list(f.categories))} as they are"
    elif f.kind in ("integer", "binary") and dtype not in ("bool", "boolean") and "int" in dtype.lower():
        try:
            integer = np.dtype(_arrow_base(dtype)[0].lower()).kind in "iu"
        except TypeError:
            integer = False
        if not integer:
            return "should be an integer dtype of NumPy or pandas (int8, uint16, Int64, ...) for this integer feature"
    return None


# -- helpers --------------------------------------------------------------------------------------
def _column_dtype(dtype: Any) -> str:
    """A DataFrame column's dtype as ``column_dtypes`` keeps it: as pandas writes it, but an ordered
    Categorical as ``ORDERED_CATEGORY`` (pandas writes it 'category', as an unordered one)."""
    if getattr(dtype, "ordered", None) is True:
        return ORDERED_CATEGORY
    # pyarrow's dictionary type (its Categorical), whose name pandas does not read back, reaches the
    # teacher as a pandas Categorical, as string columns do
    return "category" if _is_arrow_dictionary(dtype) else str(dtype)


def _category_index(f: Feature) -> Any:
    """The categories of ``f`` as a pandas Index that holds each exactly: pandas' own choice of type,
    unless it would change one (ints beyond 2**53 beside floats become floats, and the value another
    category, so decoding gave NaN); then an object Index."""
    import pandas as pd

    cats = list(f.categories)
    index = pd.Index(cats)
    return index if index.tolist() == cats else pd.Index(cats, dtype=object)


def _holds_numbers(dtype: Any) -> bool:
    """Whether a column of pandas ``dtype`` holds numbers or bools, which a teacher computes with;
    pandas counts bool and boolean as numeric, but not pyarrow's bool[pyarrow]."""
    import pandas as pd

    return pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype)


def _is_arrow_dictionary(dtype: Any) -> bool:
    """Whether ``dtype`` is pandas' ArrowDtype of a pyarrow dictionary (pyarrow's Categorical)."""
    arrow = getattr(dtype, "pyarrow_dtype", None)
    if arrow is None:
        return False
    import pyarrow as pa

    return bool(pa.types.is_dictionary(arrow))


def _series_is_named_row(X: Any, names: list[str]) -> bool:
    """Whether a pandas Series is one row whose index labels its values: labels other than positions
    0..n-1, or the features' ``names`` (a DataFrame's columns 1, 0: a row of its columns 0, 1 is by name)."""
    index = list(X.index)
    return index != list(range(len(index))) or sorted(map(str, index)) == sorted(names)


def _as_pandas(X: Any) -> Any:
    """A pyarrow Table or RecordBatch, or a polars DataFrame, as the pandas DataFrame its ``to_pandas()``
    gives, so that its columns are read by name (NumPy reads them as an array, by position); other
    data as it is."""
    module, kind = (type(X).__module__ or "").split(".")[0], type(X).__name__
    if (module, kind) == ("polars", "LazyFrame"):
        raise DataError("the data is a polars LazyFrame, a query not yet run: pass X.collect()")
    if (module, kind) not in (("pyarrow", "Table"), ("pyarrow", "RecordBatch"), ("polars", "DataFrame")):
        return X
    require_extra("pandas", f"reading a {module} {kind} needs pandas (symdistill reads it as X.to_pandas())", "pandas")
    return X.to_pandas()


def _is_dataframe(X: Any) -> bool:
    return type(X).__name__ == "DataFrame" and hasattr(X, "iloc")


def _has_categorical(domain: Domain) -> bool:
    return any(f.is_categorical for f in domain.features)


def refuse_words(X: Any, reader: str = "a tabular model", row_width: int | None = None) -> None:
    """A ``DataError`` pointing to ``distill_automaton`` when ``X`` is not rows but words: a 1-D list or
    array of strings, or a list of sequences of different lengths (data that is no table either way).
    ``reader`` names what reads rows in the message; a 1-D list of ``row_width`` strings is one row
    (a model's single row of text categories), not words."""
    one_column = "for one feature, pass one value per row: [[v] for v in X]"
    if isinstance(X, np.ndarray):
        if X.ndim != 1 or not (X.dtype.kind in "US" or (X.dtype.kind == "O" and all(isinstance(v, str) for v in X))):
            return
        what, other = f"a 1-D array of {len(X)} strings", one_column
    elif isinstance(X, (list, tuple)) and X:
        if all(isinstance(v, str) for v in X):
            what, other = f"a 1-D {type(X).__name__} of {len(X)} strings", one_column
        elif all(isinstance(v, (list, tuple)) or (isinstance(v, np.ndarray) and v.ndim == 1) for v in X) and \
                len({len(v) for v in X}) > 1:  # (cheap checks: every list of rows comes this way)
            what, other = (f"a {type(X).__name__} of {len(X)} sequences of different lengths",
                           "rows of a table all hold one value per feature")
        else:
            return
    else:
        return
    if other == one_column and len(X) == row_width:
        return
    raise DataError(f"{reader} reads rows of features (2-D data), got {what}: words for a sequence teacher are "
                    f"learnt by sd.distill_automaton(teacher, alphabet=[...]), which asks the teacher its own words "
                    f"({other})")


def no_sequence(X: Any) -> str | None:
    """What ``X`` is ("None", "an iterator", "a dict", ...) where NumPy would make it one object of
    shape () rather than a sequence of rows or labels; None where it is no such thing."""
    if X is None or isinstance(X, (str, bytes, dict, set, frozenset)) or (hasattr(X, "__next__") and hasattr(X, "__iter__")):
        return "None" if X is None else "an iterator" if hasattr(X, "__next__") else f"a {type(X).__name__}"
    return None


def _read_array(X: Any, dtype: Any = None, row_width: int | None = None) -> np.ndarray:
    """``X`` as an array, with an error naming what cannot be one (NumPy makes None, a generator, a
    string, a dict, a set or a scipy.sparse matrix a single object of shape ()), and masked arrays refused
    where a cell is masked. Words (``refuse_words``) are refused with a pointer to ``distill_automaton``;
    ``row_width`` strings in a 1-D list are one row of that many features."""
    if hasattr(X, "toarray") and hasattr(X, "nnz"):
        raise DataError(f"the data is a sparse matrix ({type(X).__name__}); symdistill reads dense rows: pass "
                        "X.toarray() (the teacher then gets dense rows too)")
    what = no_sequence(X)
    if what:
        raise DataError(f"the data is {what}, not rows: pass a 2-D array, a list of rows or a DataFrame"
                        + (" (list(...) of the iterator's rows)" if hasattr(X, "__next__") else ""))
    if isinstance(X, (list, tuple)) and X and isinstance(X[0], dict):
        # NumPy makes each record one object: 'got shape (500,)' said nothing of the keys
        raise DataError(f"the data is a {type(X).__name__} of dicts (records, as DataFrame.to_dict('records') "
                        "writes them), not rows: pass pandas.DataFrame(X), whose columns are read by name")
    if isinstance(X, (list, tuple)) and X and type(X[0]).__name__ == "Series" and hasattr(X[0], "index"):
        labels = list(X[0].index)
        if labels != list(range(len(labels))):
            # read by position, the labels dropped: rows of a DataFrame whose columns are in another order
            # than the features were predicted wrongly without a word, where df.iloc[0] alone is read by label
            shown = str(labels[:5])[:-1] + (", ...]" if len(labels) > 5 else "]")
            raise DataError(f"the data is a {type(X).__name__} of pandas Series labelled {shown} (rows, as "
                            "df.iloc[i] or DataFrame.iterrows give them), which a list reads by position, not by "
                            "label: pass pandas.DataFrame(X), whose columns are read by name")
    refuse_words(X, row_width=row_width)
    fields = getattr(getattr(X, "dtype", None), "names", None)
    if fields:
        raise DataError(f"the data is a structured array (fields {', '.join(fields)}), not 2-D rows: pass "
                        "pandas.DataFrame(X) to read the fields by name, or "
                        "numpy.lib.recfunctions.structured_to_unstructured(X) with feature_names=[...]")
    if np.ma.isMaskedArray(X) and np.ma.count_masked(X):
        raise DataError(f"the data is a masked array with {np.ma.count_masked(X)} masked cells; symdistill "
                        "would read the values under the mask: fill or drop them first (X.filled(...))")
    try:
        arr = np.asarray(X, dtype=dtype)
        if dtype is None and arr.dtype.kind in "US" and not isinstance(X, np.ndarray):
            # Rows given as lists that mix numbers and labels: NumPy would write every value as text
            # (1.5 as '1.5'); each value is kept as given, as in an object array.
            arr = np.asarray(X, dtype=object)
        return arr
    except Exception as exc:  # ragged lists and the like
        raise DataError(f"cannot read the data as a 2-D array: {exc}") from None


def _as_2d_array(X: Any) -> np.ndarray:
    if type(X).__name__ == "Series" and hasattr(X, "to_frame"):  # pandas' or polars' (no reshape)
        raise DataError(f"the data is one column, a {type(X).__module__.split('.')[0]} Series named "
                        f"{getattr(X, 'name', None)!r}, not rows: pass X.to_frame() for one feature")
    arr = _read_array(X)
    if arr.ndim == 1:
        raise DataError(f"expected 2-D data (rows x features), got a 1-D array of shape {arr.shape}: for one "
                        "feature pass X.reshape(-1, 1), for one row X.reshape(1, -1)")
    if arr.ndim != 2:
        raise DataError(f"expected 2-D data (rows x features), got an array of shape {arr.shape}")
    if arr.shape[1] == 0:
        raise DataError(f"data has no features (shape {arr.shape}): need at least one column")
    if arr.shape[0] == 0:
        raise DataError(f"data has no rows (shape {arr.shape}): need at least one row")
    return arr


def is_bare_word(text: str) -> bool:
    """Whether ``text`` prints unquoted in rules and constraints: letters, digits, ``_`` and ``.``,
    starting with a letter or ``_``, and not a word of the constraint language or of printed rules.

    >>> is_bare_word("red"), is_bare_word("mid level"), is_bare_word("and"), is_bare_word("3")
    (True, False, False, False)
    """
    return bool(_BARE_NAME.fullmatch(text)) and text not in _RESERVED


def escape_unprintable(text: str, also: dict[str, str] | None = None) -> str:
    """``text`` with unprintable characters written as Python's ``repr`` writes them (``\\n``,
    ``\\x00``), and the characters in ``also`` replaced by their escapes, so it prints on one line.

    >>> print(escape_unprintable("a\\tb\\n"), escape_unprintable("x`y", {"`": "\\\\`"}))
    a\\tb\\n x\\`y
    """
    also = also or {}
    return "".join(also.get(ch, ch) if ch.isprintable() else repr(ch)[1:-1] for ch in text)


def number_text(x: float, spread: float, gap: float = math.inf) -> str:
    """``x`` with 6 significant digits, or as many more as keep it within 1e-4 of ``spread`` (the
    range the number is read against: a feature's, or a regressor's values), and nearer ``x`` than half
    of ``gap`` (the distance to the nearest other value printed beside it, so the two print apart).

    >>> number_text(1000000.22, 2.3), number_text(40.123456789, 72), number_text(1000003, 1e6, 3)
    ('1000000.22', '40.1235', '1000003')
    """
    x = float(x)
    tol = _tolerance(x, spread)
    for digits in range(6, 18):
        text = f"{x:.{digits}g}"
        if abs(float(text) - x) <= tol and abs(float(text) - x) < gap / 2:
            return text
    return repr(x)


def cut_text(x: float, spread: float, whole: bool = False) -> str:
    """The threshold ``x`` of a test ``value <= x`` as printed: with as many significant digits as
    ``number_text`` would give it, rounded down, never up; ``x`` itself where that many digits write it.
    ``whole`` (a feature of whole numbers): with at least the digits that keep every whole number on
    its side (1234747 printed as 1.23474e+06 sent 1234741-1234747 the other way).

    Rounded to nearest, ``0.50000001`` printed as ``0.5`` and ``10.413699999999999`` (just below
    10.4137) as ``10.4137``, so that a row holding 10.4137 passed the printed test and failed the model's.
    Rounded down, the printed test decides every number of at most as many significant digits as
    the model's does: none lies between the printed value and ``x``.

    >>> cut_text(10.413699999999999, 5), cut_text(0.5010905473985492, 6.9), cut_text(1.75, 2)
    ('10.4136', '0.50109', '1.75')
    """
    x = float(x) + 0.0  # -0.0 (an integer split between -1 and 0) prints 0, not -0
    tol = _tolerance(x, spread)
    exact = Decimal(x)
    for digits in range(6, 18):
        text = f"{x:.{digits}g}"
        if float(text) == x:
            return text
        if float(text) > x:  # rounded up: the number of as many digits just below x instead
            below = exact.quantize(Decimal(1).scaleb(exact.adjusted() - digits + 1), rounding=ROUND_FLOOR)
            text = f"{float(below):.{digits}g}"
            if Decimal(text) != below:  # 16 digits that a double does not write back: take more
                continue
        if abs(float(text) - x) <= tol and not (whole and math.floor(x) > float(text)):
            return text
    return repr(x)


def _tolerance(x: float, spread: float) -> float:
    """How far a printed number may lie from ``x``: 1e-4 of ``spread``, or of ``|x|`` (at least 1) without one."""
    return 1e-4 * (spread if math.isfinite(spread) and spread > 0 else max(abs(x), 1.0))


def mismatch(missing: list[str], extra: list[str], rows: str | None = None) -> str:
    """``missing [...], unknown [...]``, each part only where it names a column, and a word on an unknown
    name that is a missing one with spaces around it (``'age '``: a header written ``age ,workclass``).
    ``rows``, for a model distilled from an array: where the missing names are its ``x0``, ``x1``, ...
    (no feature names were given), it says so, and that the model takes the rows ``rows`` (how to hand
    them over by position)."""
    text = ", ".join(f"{what} {cols}" for what, cols in (("missing", missing), ("unknown", extra)) if cols)
    if rows and extra and missing and missing == [f"x{j}" for j in range(len(missing))]:
        text += (" (the model's features are unnamed, x0, x1, ...: it was distilled from an array without "
                 f"feature_names=[...]; distill it with the columns' names, or give it the rows {rows})")
    padded = [(name, known) for name in extra for known in missing if name != known and name.strip() == known.strip()]
    if padded:
        name, known = padded[0]
        if len(name.strip()) < len(name):
            text += f" ({name!r} is {known!r} with spaces around it: strip the column names)"
        else:  # the model's name has the spaces ('age ' fitted on a header written 'age ,workclass')
            text += (f" (the model's {known!r} is {name!r} with spaces around it: it was fitted on columns named "
                     "so; name the column so, or refit the model on stripped names)")
    # composed or decomposed characters ('\xe2' or 'a' + U+0302: macOS may write names so) print alike
    recoded = [(name, known) for name in extra for known in missing
               if name != known and unicodedata.normalize("NFC", name) == unicodedata.normalize("NFC", known)]
    if recoded:
        name, known = recoded[0]
        text += (f" ({ascii(name)} is {ascii(known)} in another Unicode form, composed or decomposed: "
                 "write the names as the model's features write them)")
    return text


def _dataframe_names(df: Any) -> list[str]:
    """Column names as strings, each at most once (a repeated name would make columns ambiguous), none
    of them missing (a column labelled None or NaN became the feature 'nan', which a column named
    'nan' then matched)."""
    unlabelled = next((j for j, c in enumerate(df.columns) if is_missing(c)), None)
    if unlabelled is not None:
        raise DataError(f"the DataFrame's column at position {unlabelled} has no label ({df.columns[unlabelled]!r}): "
                        "every column needs a name, e.g. df.columns = [...]")
    names = [str(c) for c in df.columns]
    seen: set[str] = set()
    dup = next((n for n in names if n in seen or seen.add(n)), None)
    if dup is not None:
        raise DataError(f"duplicate column name {dup!r}: every column of the DataFrame needs its own name")
    return names


def _unhashable_cell(col: Any, name: str) -> DataError:
    """The error for a column whose cells are lists, dicts, arrays, ... (not one value each)."""
    bad = next(v for v in col if not _hashable(v))
    kind = {list: "lists", dict: "dicts", set: "sets", np.ndarray: "arrays"}.get(type(bad),
                                                                               f"{type(bad).__name__} objects")
    return DataError(f"column {name!r} holds {kind} (e.g. {bad!r}); each cell must be one number, string or "
                     "category")


def _hashable(v: Any) -> bool:
    try:
        hash(v)
        return True
    except TypeError:
        return False


def _column_categories(s: Any, name: str) -> tuple:
    """The categories of DataFrame column ``s``, sorted."""
    try:
        # Equal values are one category, as the encoding's lookup (a dict) sees them: pyarrow keeps
        # 0.0 and -0.0 apart in unique(), and a domain listing both would not load back.
        values = dict.fromkeys(s.unique().tolist())
    except TypeError:
        raise _unhashable_cell(s, name) from None
    return _sorted_categories(values, name)


def _sorted_categories(values: Any, name: str) -> tuple:
    """Distinct ``values`` in order: by type, then by value (numbers before strings)."""
    try:
        return tuple(sorted(values, key=lambda v: (str(type(v)), v)))
    except TypeError:
        kinds = sorted({type(v).__name__ for v in values})
        raise DataError(f"column {name!r} holds values that cannot be ordered as categories "
                        f"({', '.join(kinds)})") from None


def _listed_names(feature_names: Any) -> list[str]:
    """``feature_names`` as the list of strings it gives, refused where it is no list of names (a string,
    a number, a set: its order is its hashes', another at each run)."""
    if isinstance(feature_names, (str, bytes)):
        raise DataError(f"feature_names must be a list of names, got the string {feature_names!r} "
                        f"(for one feature pass [{feature_names!r}])")
    if isinstance(feature_names, (set, frozenset)):
        raise DataError("feature_names must be a list of names, got a set, which has no order: pass a list "
                        "of the columns' names in their order")
    if not isinstance(feature_names, Iterable):
        raise DataError(f"feature_names must be a list of names, got {feature_names!r}")
    names = list(feature_names)
    unnamed = next((j for j, n in enumerate(names) if is_missing(n)), None)
    if unnamed is not None:  # the feature 'None' or 'nan', as a DataFrame's column labelled so is refused
        raise DataError(f"feature_names[{unnamed}] is {names[unnamed]!r}, no name: every column needs a name")
    return [str(n) for n in names]


def _resolve_columns(cols: Sequence[str | int | float | np.integer], names: list[str]) -> set[int]:
    if isinstance(cols, (str, bytes, int, np.integer)):
        raise DataError(f"categorical must be a list of column names or indices, got {cols!r} "
                        f"(for one column pass [{cols!r}])")
    if not isinstance(cols, Iterable):
        raise DataError(f"categorical must be a list of column names or indices, got {cols!r}")
    out = set()
    for c in cols:
        if isinstance(c, (bool, np.bool_)):
            # A mask (scikit-learn's categorical_features takes one) read as indices 1 and 0 made other
            # columns categorical than the mask marks.
            raise DataError(f"categorical must be a list of column names or indices, got the boolean {c!r}: for a "
                            "mask, pass [i for i, m in enumerate(mask) if m]")
        if isinstance(c, (int, np.integer, float, np.floating)):
            # A DataFrame's columns labelled by numbers (1, 0; or 1.0, 0.0, named '1.0', '0.0'): a number is
            # the column it labels, and an integer is also a position: is 0 a position or another's label?
            at = int(c) if isinstance(c, (int, np.integer)) else None
            labelled = next((names.index(t) for t in number_labels(c) if t in names), at)
            if labelled is None:
                raise DataError(f"unknown categorical column {c!r}; columns are {names}")
            if at is not None and labelled != at and 0 <= at < len(names):
                label = names[labelled]
                raise DataError(f"categorical: {at} is the position of column {names[at]!r} and the label of column "
                                f"{label!r} (at position {labelled}); name the column by its label as text: "
                                f"{label!r} or {names[at]!r}")
            if not 0 <= labelled < len(names):
                raise DataError(f"categorical column index {c} out of range for {counted(len(names), 'column')}")
            out.add(labelled)
        elif c in names:
            out.add(names.index(c))
        else:
            raise DataError(f"unknown categorical column {c!r}; columns are {names}")
    return out


def number_labels(c: Any) -> list[str]:
    """The names a DataFrame gives a column labelled by the number ``c``, as an int and as a float
    (0: '0' or '0.0'; 2.5: '2.5'), where that label is ``c`` exactly.

    >>> number_labels(0), number_labels(2.5), number_labels(np.float64(3.0)), number_labels(10**17 + 1)
    (['0', '0.0'], ['2.5'], ['3', '3.0'], ['100000000000000001'])
    """
    exact = int(c) if isinstance(c, (int, np.integer)) else float(c)
    out = [str(int(exact))] if float(exact).is_integer() else []
    return out + [str(float(exact))] * (float(exact) == exact)


_THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?")  # 1,234.5: a number as spreadsheets write it


def _numeric_rows(arr: np.ndarray, names: list[str]) -> np.ndarray:
    """A 2-D array of numbers (bool, int or float) as a new C-ordered float matrix, checked whole: a
    non-finite value gets ``_numeric_column``'s error for the first column that holds one."""
    out = np.array(arr, dtype=float, order="C")
    if not np.isfinite(out).all():
        j = int(np.argmin(np.isfinite(out).all(axis=0)))
        _numeric_column(out[:, j], names[j])
    return out


def _as_rows(columns: list[np.ndarray], n: int) -> np.ndarray:
    """Columns of ``n`` floats as a C-ordered matrix, written a block of rows at a time: a column
    written down a row-ordered matrix whole touches a cache line a row (0.9 s for 1M rows x 20)."""
    out = np.empty((n, len(columns)), dtype=float)
    for start in range(0, n, _ROW_BLOCK):
        block = out[start:start + _ROW_BLOCK]
        for j, col in enumerate(columns):
            block[:, j] = col[start:start + _ROW_BLOCK]
    return out


_ROW_BLOCK = 8192  # rows of ``_as_rows``' blocks: 8192 x 20 features is 1.3 MB, in a core's cache


def _numeric_column(col: Any, name: str) -> np.ndarray:
    if getattr(getattr(col, "dtype", None), "kind", "") in ("m", "M"):
        raise _dates_error(name, col.dtype)
    if np.iscomplexobj(col):
        raise DataError(f"column {name!r} holds complex numbers; symdistill needs real values")
    text = _first_text(col)
    if text is not None:
        # Text is not read as a number ('2.5' in a column of numbers), as a DataFrame's text column is
        # categorical: a number written as text is a value of another kind, and '01' would lose its zero.
        fix = "pass numbers (an array of text: X.astype(float))" if _is_number(text[1]) else \
            "write the numbers without thousands separators (1234.5, not 1,234.5)" \
            if isinstance(text[1], str) and _THOUSANDS.fullmatch(text[1].strip()) else \
            "fill or drop such rows (does it mark a missing value?)"
        raise DataError(f"column {name!r} should be numeric but holds the text {text[1]!r} in row {text[0]}; "
                        f"{fix} or declare the column categorical")
    try:
        vals = np.asarray(col, dtype=float)
    except (TypeError, ValueError):
        i, sample = next(((i, v) for i, v in enumerate(col) if not _is_number(v)), (None, None))
        if i is not None and is_missing(sample):  # pandas' NA, which a nullable boolean column holds, is no number
            raise DataError(f"column {name!r} has a missing value ({sample}) in row {i}; fill or drop it first") \
                from None
        if _is_date_or_time(sample):  # a time-zone's dates or periods: pandas hands them over as objects
            raise _dates_error(name, type(sample).__name__) from None
        if isinstance(sample, (complex, np.complexfloating)):
            raise DataError(f"column {name!r} holds complex numbers (e.g. {sample!r}); "
                            "symdistill needs real values") from None
        raise DataError(
            f"column {name!r} should be numeric but holds {sample!r}; declare it categorical or encode it"
        ) from None
    except OverflowError:  # an int past the largest double (its repr fails past 4300 digits: not shown)
        i, big = next((i, v) for i, v in enumerate(col) if isinstance(v, int) and not _fits_a_double(v))
        raise DataError(f"column {name!r} has an integer of {big.bit_length()} bits in row {i}, beyond the largest "
                        "double; scale the column or drop the row") from None
    nan = ~np.isfinite(vals)
    if nan.any():
        i = int(np.argmax(nan))
        if getattr(getattr(col, "dtype", None), "kind", "O") == "O" and col[i] is None:
            # NumPy reads None as NaN; it is a missing value, as pandas' NA among objects is named. A NaN
            # is a number, named non-finite in an object array as in a float one (a row's wording does
            # not depend on the other columns making the array one of objects).
            raise DataError(f"column {name!r} has a missing value (None) in row {i}; fill or drop it first")
        raise DataError(f"column {name!r} has a non-finite value ({vals[i]}) in row {i}; fill or drop it first")
    return vals


def column_values(s: Any) -> np.ndarray:
    """The values of a pandas Series or array as NumPy holds them; a nullable one (Float64, Int64,
    pyarrow's) that holds pandas' NA keeps it, as objects: ``to_numpy`` writes NaN for it, which then
    reads as a non-finite number, not as the missing value it is."""
    import pandas as pd

    if isinstance(s.dtype, pd.api.extensions.ExtensionDtype) and s.isna().any():
        return s.to_numpy(dtype=object)
    return s.to_numpy()


def _fits_a_double(v: int) -> bool:
    try:
        float(v)
        return True
    except OverflowError:
        return False


_TEXT = (str, bytes, bytearray, memoryview)  # float() reads each of them as a number written as text


def _first_text(col: Any) -> tuple[int, Any] | None:
    """The first string (or bytes) of column ``col`` that is not a number written as text, else its first
    string, and its row; None when it holds none."""
    kind = getattr(getattr(col, "dtype", None), "kind", "O")
    if kind not in "USO" or (kind == "O" and not any(issubclass(t, _TEXT) for t in set(map(type, col)))):
        return None
    texts = [i for i, v in enumerate(col) if isinstance(_plain(v), _TEXT)]
    if not texts:
        return None
    # A column of numbers with a few words in it ('?' marking a missing age: pandas then reads every
    # field as text) is named by its first word, not by its first number written as text.
    i = next((i for i in texts if not _is_number(_plain(col[i]))), texts[0])
    return i, _plain(col[i])


def _plain(v: Any) -> Any:
    """A NumPy scalar as the Python value it holds; other values as they are."""
    return v.item() if isinstance(v, np.generic) else v


def is_missing(v: Any) -> bool:
    """None, NaN (float or NumPy) and pandas' NA / NaT: a missing value, not a value."""
    if v is None or type(v).__name__ in ("NAType", "NaTType"):
        return True
    return isinstance(v, (float, np.floating)) and v != v


def is_real(value: Any) -> bool:
    """Whether ``value`` is a real number: Python's or NumPy's (``np.float32(0.25)``,
    ``np.int64(2)``), not a boolean (NumPy's neither).

    >>> is_real(np.float32(0.25)), is_real(2), is_real(True), is_real("0.1")
    (True, True, False, False)
    """
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_))


def _is_number(v: Any) -> bool:
    try:
        float(v)
        return True
    except OverflowError:  # an int past the largest double is a number all the same
        return True
    except (TypeError, ValueError):
        return False


def _dates_error(name: str, held: Any) -> DataError:
    return DataError(f"column {name!r} holds dates or time spans ({held}); convert them to numbers first (e.g. "
                     "days since a date), or to text (.astype(str)) to read them as categories")


def _is_date_or_time(v: Any) -> bool:
    """Whether ``v`` is a date, time, time span or period (Python's, NumPy's or pandas')."""
    return isinstance(v, (datetime.date, datetime.time, datetime.timedelta, np.datetime64, np.timedelta64)) or \
        type(v).__name__ == "Period"


def _refuse_unsaveable(cats: Sequence[Any], col: Any, name: str) -> None:
    """A DataError naming the first row of categorical column ``col`` that holds a category a model could
    not save in its JSON: an infinity (named as a numeric column's is), or a label other than a string,
    a number or a boolean (a date, a Decimal, bytes, a tuple: distill ran, and to_json failed far from
    the cause with Python's 'Object of type Timestamp is not JSON serializable')."""
    bad = next((c for c in cats if is_real(c) and math.isinf(c)), None)
    if bad is not None:
        i = next(i for i, v in enumerate(col) if _plain(v) == bad)
        raise DataError(f"column {name!r} has a non-finite value ({bad}) in row {i}; fill or drop it first")
    bad = next((c for c in map(_plain, cats) if not isinstance(c, (str, int, float, bool))), None)
    if bad is None:
        return
    i = next((i for i, v in enumerate(col) if not isinstance(_plain(v), (str, int, float, bool))), None)
    where = "among the categories of its dtype" if i is None else f"in row {i}"
    numbers = " (e.g. days since a date)" if _is_date_or_time(bad) else ""
    raise DataError(f"column {name!r} holds {bad!r} ({type(bad).__name__}) {where}; a category is a string, a "
                    f"number or a boolean, as a model saves it in its JSON: convert the column to numbers{numbers} "
                    "or to text (.astype(str))")


def _whole_codes(cats: tuple) -> tuple:
    """The categories of a float array's column: codes that are all whole numbers (0.0, 1.0, 2.0: the
    codes 0, 1, 2 in an array that other columns made float) as the integers they are, so a rule prints
    ``x in {0, 2}`` and the JSON and every export write 0 and 2, as an integer array's codes are written;
    other values as they are. A row's 1.0 is category 1 all the same (``1 == 1.0``), and the teacher
    is asked with the same numbers.

    >>> _whole_codes((0.0, 1.0, 5.0)), _whole_codes((0.0, 0.5))
    ((0, 1, 5), (0.0, 0.5))
    """
    # From 2**53 on every float is a whole number, so wholeness says nothing about the values there.
    if all(math.isfinite(c) and c == round(c) and abs(c) < 2.0**53 for c in cats):
        return tuple(int(c) for c in cats)
    return cats


def _numeric_feature(name: str, col: np.ndarray) -> Feature:
    lo, hi = float(col.min()), float(col.max())
    if np.all(np.isin(col, (0.0, 1.0))):
        return Feature(name, "binary", 0.0, 1.0)
    # From 2**53 on every float is a whole number, so wholeness says nothing about the column there.
    if np.all(col == np.round(col)) and max(abs(lo), abs(hi)) < 2.0**53:
        return Feature(name, "integer", lo, hi)
    return Feature(name, "numeric", lo, hi)


def _encode_categories(col: Any, f: Feature) -> np.ndarray:
    lookup = {c: i for i, c in enumerate(f.categories)}
    try:  # each distinct value looked up once (equal values are one key, as they are to ``lookup``)
        codes = {v: lookup.get(_plain(v)) for v in dict.fromkeys(col)}
    except TypeError:  # a list, dict, ... in a cell: named by the loop below
        codes = None
    if codes is not None and None not in codes.values() and not (
            (0 in codes or 1 in codes) and _may_mix_bools(col, f.categories)):  # False == 0, True == 1
        return np.fromiter(map(codes.__getitem__, col), dtype=float, count=len(col))
    # An unknown or missing value, or a boolean against numbers: the row loop names the first such row.
    out = np.empty(len(col), dtype=float)
    for i, v in enumerate(col):
        key = _plain(v)
        try:
            code = lookup.get(key)
        except TypeError:  # a list, dict, ... in the cell
            raise _unhashable_cell(col, f.name) from None
        if code is not None and isinstance(key, bool) != isinstance(f.categories[code], bool):
            cat = f.categories[code]
            kinds = ("boolean", "numbers", "the categories' numbers, not booleans") if isinstance(key, bool) else \
                ("number", "booleans", "booleans, not numbers")
            raise DataError(f"column {f.name!r} has the {kinds[0]} {key!r} in row {i} where its categories are "
                            f"{kinds[1]} {list(f.categories)[:10]}{' ...' if len(f.categories) > 10 else ''}: "
                            f"{key!r} would read as {cat!r}; pass {kinds[2]}")
        if code is None:
            if is_missing(key):
                raise DataError(f"column {f.name!r} has a missing value ({key}) in row {i}")
            text = is_real(key) and all(isinstance(c, str) for c in f.categories)
            numbers = isinstance(key, str) and _is_number(key) and all(is_real(c) for c in f.categories)
            shown = list(f.categories)[:10]
            more = f" ... ({len(f.categories)} in all)" if len(f.categories) > 10 else ""
            meant = _category_meant(key, f.categories)
            # A category new to the domain, neither misspelt nor of the other type: a rare one (adult's
            # 'Armed-Forces') that the rows a model was distilled from lacked, and held-out rows hold.
            new = not (meant or text or numbers)
            raise DataError(
                f"column {f.name!r} has unknown category {key!r} in row {i}{meant}; "
                f"known categories: {shown}{more}"
                + ("; they are strings, and this column holds numbers: pass it as text, read as written (a "
                   "code such as '01' keeps its zero)" if text else "")
                + ("; they are numbers, and this column holds text: pass it as numbers (pd.to_numeric)"
                   if numbers else "")
                + ("; the domain lacks it (a model's domain holds the categories of the rows it was distilled "
                   "from), so the model cannot place it: drop the rows holding it, or distill from rows that "
                   "hold it" if new else "")
            )
        out[i] = code
    return out


def _categorical_codes(s: Any, f: Feature) -> np.ndarray | None:
    """A pandas categorical column encoded from its codes, each of its categories looked up once
    (its values one by one took 0.15 s a million rows, most of it making them Python objects); a
    column of text (pandas' str, string or object dtype holding strings only) likewise from
    ``pd.factorize``'s codes (a million rows of pyarrow strings: 0.22 s a column made Python
    strings, looked up one by one, 0.03 s factorized). None where ``_encode_categories`` must read
    the values: a missing value, an unknown category, or one equal to 0 or 1, which a boolean may
    be taken for, among those the rows hold."""
    import pandas as pd

    if isinstance(s.dtype, pd.CategoricalDtype):
        codes, uniques = np.asarray(s.cat.codes), s.cat.categories
    elif pd.api.types.is_string_dtype(s.dtype) and pd.api.types.infer_dtype(s, skipna=False) == "string":
        codes, uniques = pd.factorize(s)  # equal strings are one code, as they are one key of a dict
    else:
        return None
    if codes.size and codes.min() < 0:
        return None
    lookup = {c: i for i, c in enumerate(f.categories)}
    used = np.flatnonzero(np.bincount(codes, minlength=len(uniques)))
    table = np.zeros(len(uniques))
    for i in used:
        v = _plain(uniques[i])
        try:
            code = lookup.get(v)
        except TypeError:
            return None
        if code is None or v in (0, 1):
            return None
        table[i] = code
    return table[codes]


def _may_mix_bools(col: Any, categories: Sequence[Any]) -> bool:
    """Whether ``col`` may hold a boolean where ``categories`` has a number equal to it, or a number where
    it has a boolean: Python's True == 1 (and False == 0), so the lookup would read one as the other.
    Columns of one kind are told by their dtype; an object column by the types it holds."""
    bools = any(isinstance(c, bool) for c in categories)
    numbers = any(not isinstance(c, bool) and is_real(c) and c in (0, 1) for c in categories)
    if not (bools or numbers):
        return False
    kind = getattr(getattr(col, "dtype", None), "kind", "O")
    if kind != "O":
        return (numbers and kind == "b") or (bools and kind in "iuf")
    types = set(map(type, col))
    return (numbers and any(issubclass(t, (bool, np.bool_)) for t in types)) or \
        (bools and any(issubclass(t, Number) and not issubclass(t, (bool, np.bool_)) for t in types))  # Decimal too


def _category_meant(value: Any, categories: Sequence[Any]) -> str:
    """A hint naming the known category an unknown text ``value`` is written for, or '': one that differs
    only in the spaces around it (``' State-gov'``, as a CSV written ``a, b`` reads without
    ``skipinitialspace=True``) or in case. No closest spelling is guessed: a category the rows a model
    was distilled from lacked ('Priv-house-serv') is new, not a misspelt 'Protective-serv'."""
    if not isinstance(value, str):
        return ""
    texts = [c for c in categories if isinstance(c, str)]
    padded = [c for c in texts if c.strip() == value.strip()]
    if padded:
        return f" (did you mean {padded[0]!r}? they differ only in the spaces around them: strip them)"
    same = [c for c in texts if c.strip().casefold() == value.strip().casefold()]
    return f" (did you mean {same[0]!r}? they differ only in case)" if same else ""


def _array_dtype_problem(name: str, features: Sequence[Feature]) -> str | None:
    """Why the teacher cannot get rows of ``features`` as an array of dtype ``name``, or None."""
    try:
        kind = np.dtype(name).kind  # parses the name only
    except TypeError:
        kind = ""
    if kind not in "biu" or name != np.dtype(name).name:
        return "should be the name of a bool or integer NumPy dtype (bool, int64, uint8, ...)"
    if kind == "b" and any(f.kind != "binary" and not all(isinstance(c, bool) for c in f.categories)
                           for f in features):
        return "is bool, but a feature is neither binary nor of categories True and False"
    if kind in "iu" and any(isinstance(c, bool) or not isinstance(c, int) for f in features for c in f.categories):
        return "is an integer dtype, but a categorical feature has categories other than whole numbers"
    return None


def _in_array_dtype(values: np.ndarray, dtype: str) -> np.ndarray:
    """Rows for the teacher of a bool or integer array in its dtype: values above 0.5 are True; whole
    numbers rounded, in 64 bits where one does not fit the dtype (as ``_integer_column`` widens).
    ``values`` is floats, or objects: floats already rounded and categories (ints, held exactly)."""
    if dtype == "bool":
        return np.asarray(values, dtype=float) > 0.5
    return _rounded_in(values, (dtype, "int64"))[0]


def _rounded_in(z: np.ndarray, names: Sequence[str]) -> tuple[np.ndarray, str | None]:
    """``z`` rounded (an object array of whole numbers as it is), in the first of the integer dtypes
    ``names`` that holds every value, and that dtype's name; as it is, and None, where none does
    (casting would wrap a value around)."""
    v = z if z.dtype == object else np.rint(z)
    for name in names:
        info = np.iinfo(np.dtype(name.lower()))
        if not v.size or (v.min() >= info.min and v.max() < float(info.max) + 1):
            return v.astype(name.lower()), name
    return v, None


def _integer_column(z: np.ndarray, dtype: str) -> Any:
    """``z`` rounded, in the column's integer dtype (``int8``, ``uint16``, nullable ``Int64``, ...); in
    64 bits where a value does not fit that dtype (a row shifted below 0 in a ``uint8`` column), since
    casting would wrap it around into another value; as floats beyond 64 bits.

    >>> _integer_column(np.array([3.0, 4.0]), "uint8").dtype, _integer_column(np.array([-1.0]), "uint8").dtype
    (dtype('uint8'), dtype('int64'))
    >>> str(_integer_column(np.array([3.0]), "uint8[pyarrow]").dtype)
    'uint8[pyarrow]'
    """
    import pandas as pd

    base, arrow = _arrow_base(dtype)
    out, name = _rounded_in(z, (base, "Int64" if base[0] in "IU" else "int64"))
    if name is None:
        return out
    if arrow:
        return pd.array(out, dtype=f"{name.lower()}[pyarrow]")
    return pd.array(out, dtype=name) if name[0] in "IU" else out


def _arrow_base(dtype: str) -> tuple[str, bool]:
    """``("int64", True)`` for pandas' ``"int64[pyarrow]"``; ``(dtype, False)`` for other dtypes."""
    return (dtype[: -len("[pyarrow]")], True) if dtype.endswith("[pyarrow]") else (dtype, False)


def _category_codes(codes: np.ndarray, f: Feature) -> np.ndarray:
    return np.clip(np.rint(codes).astype(int), 0, len(f.categories) - 1)


def _decode_categories(codes: np.ndarray, f: Feature) -> np.ndarray:
    cats = np.empty(len(f.categories), dtype=object)
    cats[:] = list(f.categories)
    return cats[_category_codes(codes, f)]

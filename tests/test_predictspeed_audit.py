"""Applying a model to many rows takes faster paths (text columns factorized, checks skipped where the rows
are checked already, blocks of rows): each answer must be the answer of the slow path, row by row."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import symdistill as sd
from symdistill import DataError


def _text_frame(n: int = 400) -> pd.DataFrame:
    rng = np.random.default_rng(3)
    return pd.DataFrame({"x": rng.uniform(0, 10, n),
                         "colour": rng.choice(["red", "green", "blue", "grey"], n),
                         "size": rng.choice(["S", "M", "L"], n)})


@pytest.mark.parametrize("dtype", ["str", "object", "string", "category"])
def test_text_columns_encode_as_their_values_one_by_one(dtype: str) -> None:
    X = _text_frame()
    domain = sd.Domain.from_data(X)
    # rows whose first categories are not the domain's first ones (codes follow the domain's order),
    # and a column holding some of its categories only
    Y = X.iloc[::-1].reset_index(drop=True)
    Y.loc[:, "colour"] = Y["colour"].replace({"blue": "grey"})
    Y = Y.astype({"colour": dtype, "size": dtype})
    by_value = domain.encode(Y.to_numpy(dtype=object))  # an object array: each value looked up alone
    assert domain.encode(Y).tolist() == by_value.tolist()
    assert set(domain.encode(Y)[:, 1]) == {domain.features[1].categories.index(c) for c in ("red", "green", "grey")}


@pytest.mark.parametrize("dtype", ["str", "object", "string"])
def test_an_unknown_or_missing_text_in_a_late_row_is_still_named(dtype: str) -> None:
    X = _text_frame()
    domain = sd.Domain.from_data(X)
    Y = X.astype({"colour": object})
    Y.loc[399, "colour"] = "purple"
    with pytest.raises(DataError, match="unknown category 'purple' in row 399"):
        domain.encode(Y.astype({"colour": dtype}))
    Y.loc[399, "colour"] = None
    with pytest.raises(DataError, match="missing value .* in row 399"):
        domain.encode(Y.astype({"colour": dtype}))


def test_text_of_numbers_is_no_numeric_category() -> None:
    X = pd.DataFrame({"x": np.arange(40.0), "code": np.tile([3, 7, 9, 11], 10)})
    domain = sd.Domain.from_data(X, categorical=["code"])
    with pytest.raises(DataError, match="unknown category '3' in row 0.*they are numbers"):
        domain.encode(X.astype({"code": str}))

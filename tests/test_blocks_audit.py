"""Trees and rule lists predict many rows in blocks (models.base.BLOCK_ROWS) that stay in cache: a row's
answer must not depend on the block it falls in, nor on the rows beside it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import symdistill as sd
from symdistill.models import rules as rules_module
from symdistill.models import tree as tree_module


@pytest.mark.parametrize("form,size", [("tree", 12), ("rules", 6)])
def test_predictions_in_blocks_are_the_predictions_row_by_row(monkeypatch: pytest.MonkeyPatch, form: str,
                                                              size: int) -> None:
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"x": rng.uniform(0, 10, 600), "y": rng.uniform(0, 10, 600),
                      "colour": rng.choice(["red", "green", "blue", "grey"], 600)})

    def teacher(df: pd.DataFrame) -> np.ndarray:
        warm = df["colour"].isin(["red", "grey"]).to_numpy()
        return np.where(warm & (df["x"] > 4), "a", np.where(df["y"] > 6, "b", "c"))

    model = sd.distill(teacher, X, form=form, max_size=size, random_state=0, progress=False)
    Z = model.domain.encode(X)
    Z[::37, 0] = np.nan  # a NaN fails every test, in a block as alone
    one_by_one = np.array([model.apply_encoded(Z[i:i + 1])[0] for i in range(len(Z))])
    for block in (1, 7, 64, 10**6):
        monkeypatch.setattr(tree_module if form == "tree" else rules_module, "BLOCK_ROWS", block)
        assert model.apply_encoded(Z).tolist() == one_by_one.tolist(), block
        assert model.predict(X).tolist() == teacher_free_predict(model, X), block


def teacher_free_predict(model: sd.SymbolicModel, X: pd.DataFrame) -> list[str]:
    """Each row predicted alone."""
    return [model.predict(X.iloc[i:i + 1])[0] for i in range(len(X))]


@pytest.mark.parametrize("form", ["tree", "rules", "linear"])
def test_encoded_rows_holding_text_are_refused(form: str) -> None:
    """predict_encoded([['0.9', 0.1]]) read the text as the number 0.9 (NumPy's float conversion), where
    predict and the exported Python module refuse text among numbers."""
    X = np.random.default_rng(0).uniform(size=(200, 2))
    model = sd.distill(lambda A: (np.asarray(A)[:, 0] > 0.5).astype(int), X, form=form, max_size=2,
                       random_state=0, progress=False)
    for rows in ([["0.9", 0.1]], np.array([["0.9", "0.1"]]), np.array([[0.9, "x"]], dtype=object)):
        with pytest.raises(sd.DataError, match="predict_encoded takes encoded rows .*, not text: it holds '"):
            model.predict_encoded(rows)
    assert model.predict_encoded(np.array([[0.9, 0.1]], dtype=object)).tolist() == [1]  # numbers as objects
    assert model.predict_encoded([[0.9, 0.1]]).tolist() == [1]


@pytest.mark.parametrize("form", ["tree", "rules"])
def test_one_row_given_as_a_1d_array_is_named_by_apply_encoded(form: str) -> None:
    """Tree.apply_encoded(np.array([0.1, 0.9])) failed with NumPy's 'too many indices for array' where a rule
    list's names the shape and the fix."""
    X = np.random.default_rng(0).uniform(size=(200, 2))
    model = sd.distill(lambda A: (np.asarray(A)[:, 0] > 0.5).astype(int), X, form=form, max_size=2,
                       random_state=0, progress=False)
    name = "Tree" if form == "tree" else "RuleSet"
    with pytest.raises(sd.DataError, match=rf"{name}\.apply_encoded takes encoded rows of shape \(n_rows, "
                                           r"n_features\), got shape \(2,\) \(one row: z\.reshape\(1, -1\)\)"):
        model.apply_encoded(np.array([0.9, 0.1]))
    assert model.apply_encoded(np.array([[0.9, 0.1]])).shape == (1,)

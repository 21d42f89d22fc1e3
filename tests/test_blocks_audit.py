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

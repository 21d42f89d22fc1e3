"""Regression, audited as a user distilling a regressor: teachers, scores, verification, command line."""

from __future__ import annotations

import numpy as np
import pytest

import symdistill as sd
from symdistill.cli import main


def _step(X):
    """A regressor whose values are whole numbers on few regions (1, 3, 5): leaves of such a teacher are too."""
    X = np.asarray(X, dtype=float)
    return np.where(X[:, 0] > 0, 3.0, 1.0) + np.where(X[:, 1] > 0, 2.0, 0.0)


@pytest.mark.parametrize("form", ["tree", "rules"])
def test_a_saved_regression_model_is_a_regression_teacher(form, tmp_path, capsys):
    """A saved model is a teacher ("a big tree distilled smaller"), but a regression tree or rule list whose
    values were whole numbers (a teacher of counts, a step) was read as a classifier: distilled smaller it
    gave a classification tree of its values as classes, silently, and sd.fidelity of the model against
    itself was refused ("the model is a regression model but the teacher answers as a classification
    model"). Its task says it answers values, as a scikit-learn regressor's tags do."""
    X = np.random.default_rng(0).uniform(-2, 2, size=(300, 3))
    big = sd.distill(_step, X, form=form, max_size=8, random_state=0, n_samples=1000, task="regression")
    assert set(np.unique(big.predict(X))) == {1.0, 3.0, 5.0}
    assert sd.fidelity(big, big, X).value == 1.0
    small = sd.distill(big, X, form="tree", max_size=2, random_state=0, n_samples=1000)
    assert small.task == "regression"
    assert sd.as_teacher(big).predict(X[:4]).dtype.kind == "f"
    # task='classification' would read its values as a class's logit: refused, naming the model, as for a
    # scikit-learn regressor (it failed inside: "predict_proba is only defined for classification trees").
    for options in ({"task": "classification"}, {"classes": [1.0, 3.0, 5.0]}):
        with pytest.raises(ValueError, match=r"is a regression model .*answers values"):
            sd.as_teacher(big, **options)
    big.to_json(tmp_path / "big.json")
    np.savetxt(tmp_path / "rows.csv", X, delimiter=",", header="x0,x1,x2", comments="")
    assert main(["distill", "--teacher", str(tmp_path / "big.json"), "--data", str(tmp_path / "rows.csv"),
                 "--max-size", "2", "-o", str(tmp_path / "small.json")]) == 0
    assert sd.load(tmp_path / "small.json").task == "regression"
    capsys.readouterr()

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


@pytest.mark.parametrize("scale", [1e200, 1e-300])
def test_the_reports_disagreement_by_feature_of_a_regressor_does_not_depend_on_its_units(scale):
    """The report ranks features by the spread of the mean absolute difference over their bins, but the
    spread squared the differences as they were: a regressor answering 1e200s had a spread of inf on every
    feature, and one answering 1e-300s a spread of 0 (their squares underflowed), so the ranking was lost
    (ties, in the order of the columns) and the table printed inf or 0, where 1s rank by the spread."""
    from symdistill.domain import Domain
    from symdistill.report.figures import disagreement_by_feature

    rng = np.random.default_rng(0)
    Z = rng.uniform(size=(400, 3))
    loss = 0.1 * Z[:, 0] + 1.0 * (Z[:, 2] > 0.5) + 0.01 * rng.uniform(size=400)  # most uneven over x2
    domain = Domain.from_data(Z, feature_names=["x0", "x1", "x2"])
    ones = disagreement_by_feature(domain, Z, loss)
    scaled = disagreement_by_feature(domain, Z, loss * scale)
    assert ones[0].feature == "x2" and ones[0].spread > 0.4
    assert [p.feature for p in scaled] == [p.feature for p in ones]
    for a, b in zip(ones, scaled):
        assert b.spread == pytest.approx(a.spread * scale, rel=1e-12)
        assert b.worst == a.worst


def test_criterion_soft_for_a_regressor_is_refused():
    """criterion='soft' scores a tree's splits on a classifier's probabilities; a regressor has none, and its
    splits are scored on the variance of its values. Given for a regressor (--option criterion=soft, as the
    command's help shows it), the option was ignored without a word: the tree was the one without it."""
    X = np.random.default_rng(0).uniform(-2, 2, size=(300, 2))
    f = sd.as_teacher(lambda X: X[:, 0] ** 2 + X[:, 1], task="regression")
    with pytest.raises(ValueError, match=r"criterion='soft' .*regressor"):
        sd.distill(f, X, form="tree", max_size=4, random_state=0, n_samples=500, criterion="soft")
    with pytest.raises(ValueError, match=r"criterion='soft' .*regressor"):  # inferred from its answers too
        sd.distill(lambda X: X[:, 0] ** 2 + X[:, 1], X, form="tree", max_size=4, random_state=0, n_samples=500,
                   criterion="soft")
    assert sd.distill(f, X, form="tree", max_size=4, random_state=0, n_samples=500, criterion="hard").size == 4


@pytest.mark.parametrize("scale", [1e-6, 1e-9, 1e-12])
def test_a_random_regressor_is_refused_whatever_its_units(scale):
    """The determinism check compared two answers to the same rows within 1e-6 absolute: a regressor
    answering values of 1e-9 at random (dropout left on) passed it, and was distilled from noise, where the
    same teacher answering 1s was refused as not deterministic (at 1e-6 it was said to depend on the rows
    asked with it). Values are compared within their own magnitude; a teacher whose answers round
    differently in their last digits from call to call (a float32 network's batches) still passes."""
    X = np.random.default_rng(0).uniform(size=(300, 2))
    noise = np.random.default_rng(1)
    f = sd.as_teacher(lambda X: scale * (X[:, 0] + 0.3 * noise.normal(size=len(X))), task="regression")
    with pytest.raises(sd.TeacherError, match="is not deterministic: two calls on the same 32 rows differ"):
        sd.distill(f, X, max_size=4, random_state=0, n_samples=500)
    wobble = np.random.default_rng(2)  # last digits of float32 apart, as batches of other sizes round them
    g = sd.as_teacher(lambda X: scale * (X[:, 0] + 1 + 1e-7 * wobble.uniform(-1, 1, size=len(X))), task="regression")
    assert sd.distill(g, X, max_size=4, random_state=0, n_samples=500).size == 4


def test_a_regressor_answering_numbers_held_as_objects_answers_values():
    """A regressor's values in an array of objects (np.array(values, dtype=object), a pandas column of
    objects) were read as labels, and a teacher declared a regressor was refused with "answered like a
    classification one (labels)", where the same numbers in a list or a float array are values. Numbers
    held as objects are values where the teacher is declared a regressor; what is no number is named."""
    X = np.random.default_rng(0).uniform(-2, 2, size=(300, 2))
    values = lambda X: X[:, 0] ** 2 + X[:, 1]  # noqa: E731
    as_objects = sd.as_teacher(lambda X: values(X).astype(object), task="regression")
    plain = sd.as_teacher(values, task="regression")
    a = sd.distill(as_objects, X, max_size=4, random_state=0, n_samples=500)
    b = sd.distill(plain, X, max_size=4, random_state=0, n_samples=500)
    assert a.task == "regression" and np.array_equal(a.predict(X), b.predict(X))
    words = sd.as_teacher(lambda X: values(X).astype(str), task="regression")
    with pytest.raises(sd.TeacherError, match=r"answered like a classification one \(labels of dtype <U\d+, such as '"):
        sd.distill(words, X, max_size=4, random_state=0, n_samples=500)


def test_true_values_as_a_column_are_scored_as_one_value_per_row():
    """sd.accuracy of a regressor refused true values held as a column, y of shape (n, 1) as df[["price"]]
    gives it ("predictions of shape (100,) and true labels of shape (100, 1) differ; give one label per
    row"), which holds one value per row, as a teacher's answer of that shape does (and scikit-learn's
    r2_score takes). A column is read as the values it holds; a row of them, (1, n), is still refused."""
    pd = pytest.importorskip("pandas")
    X = np.random.default_rng(0).uniform(size=(100, 2))
    y = 2 * X[:, 0] + 0.1 * X[:, 1]
    model = sd.distill(lambda X: 2 * X[:, 0], X, task="regression", max_size=2, n_samples=200, random_state=0)
    expected = sd.accuracy(model, X, y)
    assert sd.accuracy(model, X, y[:, None]) == expected
    assert sd.accuracy(model, X, pd.DataFrame({"price": y})) == expected
    with pytest.raises(ValueError, match=r"true labels of shape \(1, 100\) differ"):
        sd.accuracy(model, X, y[None, :])
    with pytest.raises(ValueError, match=r"true labels of shape \(100, 2\) differ"):
        sd.accuracy(model, X, np.c_[y, y])



def test_the_r2_interval_holds_the_value_of_a_model_predicting_the_rows_mean():
    """R² on a resample is biased down: a constant model at the rows' mean (a one-leaf tree, a
    linear model with no weights) scores R² 0 on the rows and below 0 on every resample, so
    sd.fidelity printed 'fidelity R2 0.0000 [-0.1113, -0.0001]', an interval without its value."""
    from symdistill.domain import Domain
    from symdistill.metrics import regression_agreement
    from symdistill.models import LinearModel

    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 2))
    teacher = lambda A: 3.0 * np.asarray(A, dtype=float)[:, 0] + 0.1  # noqa: E731
    dom = Domain.from_data(X)
    mean = LinearModel(dom, "regression", None, terms=[0], coef=[0.0], intercept=teacher(X).mean(), link="identity")
    s = sd.fidelity(mean, teacher, X, progress=False)
    assert s.value == pytest.approx(0.0, abs=1e-12)
    assert s.low < s.value <= s.high
    for seed in range(20):  # and so for any model whose resamples fall to one side of it
        ref = rng.normal(size=30)
        pred = np.full(30, ref.mean()) + rng.normal(scale=0.01, size=30) * seed
        s = regression_agreement(pred, ref, random_state=seed)
        assert s.low <= s.value <= s.high
        assert s.extra["MAE low"] <= s.extra["MAE"] <= s.extra["MAE high"]

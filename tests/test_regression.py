"""Regression teachers end to end: every form, fidelity as R² and MAE, JSON, CLI."""

from __future__ import annotations

import numpy as np
import pytest

import symdistill as sd
from symdistill.metrics import regression_agreement

torch = pytest.importorskip("torch")


@pytest.fixture(scope="module")
def price_net():
    """A torch regression teacher (BENCHMARKS.md recipe, MSE) on a smooth target of 3 of 5 features."""
    from symdistill.demo import train_mlp

    rng = np.random.default_rng(0)
    X = rng.uniform(0, 1, size=(1500, 5))
    y = 3.0 * X[:, 0] - 2.0 * X[:, 2] + np.where(X[:, 4] > 0.5, 1.0, 0.0)
    net = train_mlp(X[:1000], y[:1000], hidden=(32, 16), epochs=300, seed=0, regression=True)
    return net, X[:1000], X[1000:]


def _teacher_values(net, X):
    with torch.no_grad():
        return net(torch.tensor(X, dtype=torch.float32)).numpy()[:, 0].astype(float)


def test_regression_tree_holds_values_and_is_faithful(price_net):
    net, X, X_test = price_net
    tree = sd.distill(net, X, form="tree", max_size=16, random_state=0, n_samples=5000)
    assert tree.task == "regression" and tree.classes is None and tree.size <= 16
    pred = tree.predict(X_test)
    assert pred.dtype.kind == "f" and len(np.unique(pred)) == tree.size
    score = sd.fidelity(tree, net, X_test)
    assert score.name == "fidelity R2" and float(score) > 0.85
    assert score.low <= score.value <= score.high and score.extra["MAE"] > 0
    again = sd.load(tree.to_json())
    assert again == tree and np.array_equal(again.predict(X_test), pred)
    with pytest.raises(TypeError, match="predict_proba"):
        tree.predict_proba(X_test)


def test_regression_linear_recovers_the_teacher(price_net):
    net, X, X_test = price_net
    lin = sd.distill(net, X, form="linear", max_size=3, random_state=0, n_samples=5000)
    assert lin.task == "regression" and lin.link == "identity" and lin.size == 3
    assert sorted(t.features[0] for t in lin.terms) == [0, 2, 4]
    assert lin.coef[0][0] == pytest.approx(3.0, abs=0.4) and lin.coef[0][1] == pytest.approx(-2.0, abs=0.4)
    assert float(sd.fidelity(lin, net, X_test)) > 0.9
    again = sd.load(lin.to_json())
    assert again == lin and np.array_equal(again.predict(X_test), lin.predict(X_test))


def test_regression_rules_have_numeric_consequents(price_net):
    net, X, X_test = price_net
    rules = sd.distill(net, X, form="rules", max_size=8, random_state=0, n_samples=5000)
    assert rules.task == "regression" and rules.size <= 8
    pred = rules.predict(X_test)
    assert pred.dtype.kind == "f"
    assert float(sd.fidelity(rules, net, X_test)) > 0.6
    assert np.array_equal(sd.load(rules.to_json()).predict(X_test), pred)


def test_regression_agreement_matches_r2_and_mae():
    from sklearn.metrics import mean_absolute_error, r2_score

    rng = np.random.default_rng(0)
    ref = rng.normal(size=500)
    pred = ref + 0.3 * rng.normal(size=500)
    s = regression_agreement(pred, ref)
    assert s.value == pytest.approx(r2_score(ref, pred))
    assert s.extra["MAE"] == pytest.approx(mean_absolute_error(ref, pred))
    assert s.low < s.value < s.high and s.extra["MAE low"] < s.extra["MAE"] < s.extra["MAE high"]
    assert regression_agreement(ref, ref).value == 1.0
    with pytest.raises(ValueError, match="shapes"):
        regression_agreement(pred[:-1], ref)


def test_accuracy_of_a_regressor_is_r2(price_net):
    net, X, X_test = price_net
    lin = sd.distill(net, X, form="linear", max_size=3, random_state=0, n_samples=3000)
    y = _teacher_values(net, X_test)
    assert float(sd.accuracy(lin, X_test, y)) == pytest.approx(float(sd.fidelity(lin, net, X_test)))


def test_task_mismatch_is_reported(price_net):
    net, X, _ = price_net
    with pytest.raises(ValueError, match="task='classification' was asked"):
        sd.distill(sd.as_teacher(net, task="regression"), X, form="linear", max_size=2, task="classification")


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # torch.jit.trace: still the TorchScript route
@pytest.mark.parametrize("form", ["tree", "linear"])
def test_cli_distill_and_evaluate_a_regressor(form, price_net, tmp_path, capsys):
    pd = pytest.importorskip("pandas")
    from symdistill.cli import main

    net, X, X_test = price_net
    teacher = tmp_path / "price.pt"
    torch.jit.trace(net, torch.zeros(1, X.shape[1])).save(str(teacher))
    cols = [f"f{i}" for i in range(X.shape[1])]
    train, test = tmp_path / "train.csv", tmp_path / "test.csv"
    pd.DataFrame(X, columns=cols).to_csv(train, index=False)
    held = pd.DataFrame(X_test, columns=cols)
    held["price"] = _teacher_values(net, X_test)
    held.to_csv(test, index=False)
    out = tmp_path / "model.json"
    rc = main(["distill", "--teacher", str(teacher), "--data", str(train), "--form", form, "--task", "regression",
               "--max-size", "4", "-o", str(out)])
    assert rc == 0
    model = sd.load(out)
    assert model.task == "regression" and model.size <= 4
    capsys.readouterr()
    rc = main(["evaluate", str(out), "--teacher", str(teacher), "--data", str(test), "--label", "price"])
    text = capsys.readouterr().out
    assert rc == 0 and "fidelity R2" in text and "MAE" in text and "R2" in text.splitlines()[-1]
    r2 = float(text.split("fidelity R2 ")[1].split()[0])
    assert r2 == pytest.approx(float(sd.fidelity(model, net, X_test)), abs=1e-3)


@pytest.mark.parametrize("form", ["tree", "rules", "linear"])
def test_a_teacher_answering_negative_zero_is_answered_with_its_sign(form):
    """A leaf or rule where the teacher answers one value predicts that value exactly, but a teacher
    answering -0.0 throughout got a tree leaf and a rule consequent of +0.0 (a sum of -0.0s is +0.0),
    where the linear model's intercept kept -0.0: predict, the JSON and the exported code differed
    from the teacher's answer in its sign (1 / prediction: inf, not -inf)."""
    X = np.random.default_rng(0).uniform(size=(200, 2))
    model = sd.distill(lambda X: np.full(len(X), -0.0), X, form=form, max_size=4, random_state=0, n_samples=500,
                       task="regression")
    assert np.signbit(model.predict(X)).all()
    assert np.signbit(sd.load(model.to_json()).predict(X[:5])).all()
    namespace: dict = {}
    exec(sd.export(model, "python"), namespace)
    assert np.signbit(namespace["predict"](X[0].tolist()))


def test_r2_on_one_row_is_refused_as_undefined():
    """R² of one row scored 0 (or 1 where the model matched it), by the constant-teacher convention: a
    figure for what is undefined, which a frontier held out on one row ranked its models by. It is
    refused, naming R2 and the row count, as 0 rows are; two rows score as before."""
    X = np.random.default_rng(0).uniform(size=(300, 2))
    f = sd.as_teacher(lambda X: 3 * X[:, 0] + X[:, 1], task="regression")
    tree = sd.distill(f, X, max_size=8, random_state=0, n_samples=1000)
    with pytest.raises(ValueError, match=r"cannot compute fidelity R2 on 1 row: R² is undefined there"):
        sd.fidelity(tree, f, X[:1])
    with pytest.raises(ValueError, match=r"cannot compute R2 on 1 row"):
        sd.accuracy(tree, X[:1], f.predict(X[:1]) + 1)
    assert 0 < sd.fidelity(tree, f, X[:2]).value < 1
    # The frontier refuses it before any fit, naming where the one row came from.
    with pytest.raises(sd.DataError, match=r"^X_holdout has 1 row: a regressor's fidelity \(R²\) is undefined"):
        sd.frontier(f, X, X_holdout=X[:1], forms=["tree"], sizes=[2], n_samples=500, progress=False)
    with pytest.raises(sd.DataError, match=r"^holdout_fraction=0.2 of 5 rows holds out 1 row"):
        sd.frontier(f, X[:5], holdout_fraction=0.2, forms=["tree"], sizes=[2], n_samples=500, progress=False)


def test_a_frontier_on_two_held_out_rows_of_a_regressor_is_refused():
    """On 2 rows R² has no interval: the frontier's table printed '[nan, nan]' for every model and
    conservative selection compared NaNs. It is refused before any fit, as 1 row is; 3 rows score."""
    X = np.random.default_rng(0).uniform(size=(300, 2))
    f = sd.as_teacher(lambda X: 3 * X[:, 0] + X[:, 1], task="regression")
    with pytest.raises(sd.DataError, match=r"^X_holdout has 2 rows: a regressor's fidelity \(R²\) has no 95% interval"):
        sd.frontier(f, X, X_holdout=X[:2], forms=["tree"], sizes=[2], n_samples=500, progress=False)
    with pytest.raises(sd.DataError, match=r"^holdout_fraction=0.2 of 10 rows holds out 2 rows: .* at least 3"):
        sd.frontier(f, X[:10], holdout_fraction=0.2, forms=["tree"], sizes=[2], n_samples=500, progress=False)
    front = sd.frontier(f, X, X_holdout=X[:3], forms=["tree"], sizes=[2], n_samples=500, progress=False)
    assert "nan" not in str(front.table())

"""Exported linear models and rule lists on the edge inputs: a hinge at its knot, -0.0, NaN, arbitrary
doubles for weights, knots, intercepts, thresholds and outputs. Every target must give ``predict``'s
double bit for bit (the sign of a zero included): C compiled by gcc, the Python module, SWI-Prolog and
onnxruntime. (Trees: test_export_properties.py.)"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import symdistill as sd
from symdistill.domain import Domain, Feature
from symdistill.models.linear import LinearModel, Term
from symdistill.models.rules import Condition, Rule, RuleSet

from _export_support import (
    GCC, SWIPL, c_answers, expected, hostile_domain, probe_rows, prolog_answers, python_answers, random_rules,
)

DOM = Domain((Feature("a", "numeric", -2.0, 2.0), Feature("b", "numeric", -2.0, 2.0)))
# Rows at the knot (0.5), on either side of it, and -0.0 in both features.
EDGE_ROWS = np.array([[0.5, 1.0], [0.5, -0.0], [-0.0, -0.0], [0.0, -0.0], [1.0, -0.0], [-1.0, 0.5]])
NAN_ROWS = np.array([[np.nan, 1.0], [np.nan, -0.0], [0.5, np.nan]])


def _bits(values) -> np.ndarray:
    return np.asarray(values, dtype=np.float64).view(np.int64)


def _hinges(intercept: float) -> LinearModel:
    """``3 * max(0, 0.5 - a) + b + intercept``: at the knot, ``-1 * (a - 0.5)`` is -0.0."""
    return LinearModel(DOM, "regression", None, terms=[Term.hinge(0, 0.5, -1), Term.numeric(1)],
                       coef=np.array([[3.0, 1.0]]), intercept=np.array([intercept]), link="identity")


def _onnx_values(model: LinearModel, Z: np.ndarray) -> np.ndarray:
    ort = pytest.importorskip("onnxruntime")
    session = ort.InferenceSession(sd.export(model, "onnx"), providers=["CPUExecutionProvider"])
    names = [o.name for o in session.get_outputs()]
    return dict(zip(names, session.run(None, {"X": Z})))["value"]


@pytest.mark.parametrize("intercept", [0.0, -0.0])
def test_a_hinge_at_its_knot_is_zero_in_predict_and_every_target(tmp_path, intercept):
    """predict's hinge, np.maximum(0.0, -1 * (x - knot)), was -0.0 at the knot, so with an intercept of
    -0.0 and ``b`` = -0.0 it answered -0.0 where C, Python and Prolog wrote 0.0; ONNX's Relu kept the
    -0.0 too, and onnxruntime dropped ``+ 0.0`` as a no-op, so with an intercept of 0.0 it answered
    -0.0 where predict answered 0.0 (for a row with ``b`` = -0.0 too, hinge or not)."""
    model = _hinges(intercept)
    want = model.predict_encoded(EDGE_ROWS)
    assert _bits(want).tolist() == _bits([1.0, 0.0, 1.5, 1.5, 0.0, 5.0]).tolist()  # no -0.0: a hinge is max(0, .)
    assert _bits(python_answers(tmp_path, model, EDGE_ROWS)).tolist() == _bits(want).tolist()
    assert _bits(_onnx_values(model, EDGE_ROWS)).tolist() == _bits(want).tolist()
    if GCC:
        assert _bits(c_answers(tmp_path, model, EDGE_ROWS)).tolist() == _bits(want).tolist()
    if SWIPL:
        assert _bits([float(v) for v in prolog_answers(tmp_path, model, EDGE_ROWS)]).tolist() == _bits(want).tolist()


def test_a_nan_passes_a_hinge_in_c_and_onnx_as_in_predict(tmp_path):
    """The exported code does not check its rows (README): a NaN runs through the model's arithmetic.
    predict's hinge and ONNX's let it through, C's ``v > 0.0 ? v : 0.0`` made it 0.0, so the C score of
    a row whose NaN only a hinge reads was a number where every other target's was NaN."""
    model = _hinges(1.0)
    want = expected(model, NAN_ROWS)
    assert np.isnan(want).all()
    assert np.isnan(_onnx_values(model, NAN_ROWS)).all()
    if GCC:
        assert np.isnan(c_answers(tmp_path, model, NAN_ROWS)).all()


finite = st.floats(allow_nan=False, allow_infinity=False, width=64)
edge_values = st.sampled_from([0.0, -0.0, 5e-324, -5e-324, 1e-300, 0.1, 1.0, -1.0, 1e300])


@st.composite
def linear_models(draw):
    """A regressor or logistic classifier over two numeric features: both hinges on ``a`` and one
    on ``b`` at arbitrary knots, ``a``, ``b`` and their product, weights and intercept arbitrary
    doubles or the edge ones, zero and -0.0 among them."""
    number = st.one_of(finite, edge_values)
    knots = [draw(number), draw(number)]
    terms = [Term.hinge(0, knots[0], 1), Term.hinge(0, knots[0], -1), Term.hinge(1, knots[1], -1),
             Term.numeric(0), Term.numeric(1), Term.product(0, 1)]
    coef = np.array([[draw(number) for _ in terms]])
    task = draw(st.sampled_from(["regression", "classification"]))
    return LinearModel(DOM, task, None if task == "regression" else np.array(["no", "yes"]), terms=terms, coef=coef,
                       intercept=np.array([draw(number)]), link="identity" if task == "regression" else "logistic")


def _rows(model: LinearModel, seed: int) -> np.ndarray:
    """Rows on the knots, one ulp either side, at -0.0, 0.0 and random values."""
    rng = np.random.default_rng(seed)
    knots = [f.knot for t in model.terms for f in t.factors if f.knot is not None]
    values = np.array(knots + [np.nextafter(k, 0.0) for k in knots]
                      + [np.nextafter(k, 2 * k) for k in knots if abs(k) < 1e308]
                      + [0.0, -0.0, 1.0, -1.0])
    Z = rng.choice(values, size=(200, 2))
    Z[::4] = rng.uniform(-2, 2, size=Z[::4].shape)
    return Z


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(model=linear_models(), seed=st.integers(0, 2**32 - 1))
def test_python_and_onnx_linear_exports_agree_with_predict_bit_for_bit(model, seed, tmp_path_factory):
    Z = _rows(model, seed)
    with np.errstate(over="ignore", invalid="ignore"):
        want = expected(model, Z)
    ort = pytest.importorskip("onnxruntime")
    session = ort.InferenceSession(sd.export(model, "onnx"), providers=["CPUExecutionProvider"])
    out = dict(zip([o.name for o in session.get_outputs()], session.run(None, {"X": Z})))
    if model.task == "regression":
        assert _bits(out["value"]).tolist() == _bits(want).tolist()
    else:
        assert out["class_index"].tolist() == want.tolist()
    got = python_answers(tmp_path_factory.mktemp("py"), model, Z)
    assert (_bits(got) if model.task == "regression" else got).tolist() == \
        (_bits(want) if model.task == "regression" else want).tolist()


@st.composite
def rule_lists(draw):
    """A random rule list over ``hostile_domain(2, 1)`` whose thresholds (and regression outputs) are
    arbitrary doubles or the edge ones."""
    number = st.one_of(finite, edge_values)
    task = draw(st.sampled_from(["regression", "classification"]))
    base = random_rules(np.random.default_rng(draw(st.integers(0, 2**32 - 1))), hostile_domain(2, 1),
                        n_rules=draw(st.integers(1, 8)), task=task, classes=["a", "b", "c"])

    def output(rule):
        return draw(number) if task == "regression" else rule.prediction

    rules = [Rule(tuple(Condition(c.feature, c.op, draw(number)) if c.op in ("<=", ">") else c
                        for c in r.conditions), output(r)) for r in base.rules]
    return RuleSet(base.domain, task, base.classes, rules, Rule((), output(base.default)))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(model=rule_lists(), seed=st.integers(0, 2**32 - 1))
def test_python_and_onnx_rule_list_exports_agree_with_predict_bit_for_bit(model, seed, tmp_path_factory):
    """Rows on each threshold, one ulp either side, -0.0 and the category codes; ONNX also on NaN."""
    rng = np.random.default_rng(seed)
    Z = probe_rows(model, 300, seed=seed % 1000)
    Z[rng.random(Z.shape[0]) < 0.1, 0] = -0.0
    want = expected(model, Z)
    got = python_answers(tmp_path_factory.mktemp("py"), model, Z)
    assert (_bits(got) if model.task == "regression" else got).tolist() == \
        (_bits(want) if model.task == "regression" else want).tolist()
    Z[rng.random(Z.shape[0]) < 0.1, 1] = np.nan
    ort = pytest.importorskip("onnxruntime")
    session = ort.InferenceSession(sd.export(model, "onnx"), providers=["CPUExecutionProvider"])
    out = dict(zip([o.name for o in session.get_outputs()], session.run(None, {"X": Z})))
    want = expected(model, Z)
    if model.task == "regression":
        assert _bits(out["value"]).tolist() == _bits(want).tolist()
    else:
        assert out["class_index"].tolist() == want.tolist()

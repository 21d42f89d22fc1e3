"""Differential fuzzing of every export at the edges (audit): seeded random trees, rule lists, linear
models and automata whose thresholds, knots, weights and values are arbitrary doubles, on rows at each
threshold, one ulp either side, half way to its float32 rounding, at -0.0, subnormals, +-1e308, the
largest double, 2**53 + 2, +-inf and NaN. C (compiled once for every model), ONNX and the JSON round
trip answer every row as the model's own arithmetic does (``expected``); the Python module and Prolog,
which refuse (Python) or raise on (Prolog, linear models) non-finite values, the finite rows.
Regression values are compared bit for bit, the sign of a zero included.
(Gaps left by test_export_properties.py and test_export_edges.py.)"""

from __future__ import annotations

import subprocess

import numpy as np

import symdistill as sd
from symdistill.domain import Domain, Feature
from symdistill.export.prolog import prolog_number
from symdistill.models.linear import LinearModel, Term

from _export_support import SWIPL, needs_swipl


def _bits(values) -> list[int]:
    return np.asarray(values, dtype=np.float64).view(np.int64).tolist()


def _prolog_values(tmp, models: dict[str, object], rows: dict[str, np.ndarray]) -> dict[str, list[str]]:
    """Each model's answers from one SWI-Prolog run (every model a module): its class index or value,
    ``none`` where predict/2 fails and ``error`` where it raises; rows written as Prolog numbers (a
    Python int as the integer it is, NaN as ``1.5NaN``)."""
    goals = []
    for name, model in models.items():
        (tmp / f"{name}.pl").write_text(sd.export(model, "prolog", module=name), encoding="utf-8")
        listed = ", ".join("[" + ", ".join(_prolog_value(v) for v in r) + "]"
                           for r in rows[name])
        show = f"{name}:class_label(I, C), write(I)" if model.task == "classification" else "write(C)"
        goals.append(f"use_module({name}), forall(member(R, [{listed}]), (catch(({name}:predict(R, C) -> {show} ; "
                     f"write(none)), _, write(error)), nl)), write('--'), nl")
    res = subprocess.run([SWIPL, "-q", "-g", ", ".join(goals), "-t", "halt"], capture_output=True, text=True,
                         cwd=tmp, timeout=120)
    assert res.returncode == 0 and not res.stderr.strip(), res.stderr
    blocks = res.stdout.split("--\n")
    return {name: block.split() for name, block in zip(models, blocks)}


def _prolog_value(v: float | int) -> str:
    return str(v) if isinstance(v, int) else "1.5NaN" if v != v else prolog_number(v)


# -- Prolog: a hinge whose difference overflows ----------------------------------------------------
@needs_swipl
def test_a_hinge_past_the_largest_double_is_zero_in_prolog_as_in_predict(tmp_path):
    """``max(0, x - knot)`` with ``x - knot`` below -1.8e308 (x = -1e308, knot = 1e308) is 0 in predict,
    C, Python and ONNX, the difference rounding to -inf; Prolog's ``is/2`` raised float_overflow on that
    difference, so predict/2 of a finite row whose score is finite (the README says Prolog raises only
    where a score passes the largest double) threw an evaluation error. Direction -1 alike (x = 1e308,
    knot = -1e308). A row's integers (2**53 + 1) are read as predict reads them; a NaN still raises (README)."""
    dom = Domain((Feature("a", "numeric", -2.0, 2.0), Feature("b", "numeric", -2.0, 2.0)))
    model = LinearModel(dom, "regression", None, terms=[Term.hinge(0, 1e308, 1), Term.hinge(1, -1e308, -1),
                                                          Term.numeric(0), Term.numeric(1)],
                        coef=np.array([[3.0, 0.5, 1e-300, -1e-300]]), intercept=np.array([0.25]), link="identity")
    rows = [[-1e308, 1e308], [-1.7976931348623157e308, 0.5], [0.5, 1.7976931348623157e308], [1e308, -1e308],
            [2**53 + 1, -(2**53) - 1], [1e308, 1.0], [0.0, -0.0]]
    want = model.predict(np.array(rows, dtype=object))
    assert np.isfinite(want).all()
    got = _prolog_values(tmp_path, {"hinges": model}, {"hinges": rows})["hinges"]
    assert "error" not in got, f"predict/2 raised on a row predict answers: {got}"
    assert _bits([float(v) for v in got]) == _bits(want)
    assert _prolog_values(tmp_path, {"hinges": model}, {"hinges": [[np.nan, 0.5], [0.5, np.nan]]})["hinges"] == \
        ["error", "error"]

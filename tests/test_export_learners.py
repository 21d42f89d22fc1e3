"""Every registered learner's model exports, and the exported code agrees with ``predict``: a new
learner is checked here the day it registers."""

from __future__ import annotations

import numpy as np
import pytest

import symdistill as sd
from symdistill.learners import registered_learners

from _export_support import (
    GCC, SWIPL, c_answers, expected, probe_rows, prolog_answers, python_answers,
)

LEARNERS = sorted(registered_learners())


@pytest.fixture(scope="module")
def problem(torch_mlp, blobs):
    X_train, X_test, _, _ = blobs
    return torch_mlp, X_train[:600], X_test


@pytest.mark.parametrize("form, method", LEARNERS)
def test_learned_models_export_and_agree(form, method, problem, tmp_path):
    net, X, X_test = problem
    model = sd.distill(net, X, form=form, method=method, max_size=4, random_state=0)
    Z = np.vstack([model.domain.encode(X_test), probe_rows(model, 1000)])
    want = expected(model, Z)
    np.testing.assert_array_equal(python_answers(tmp_path, model, Z), want)
    if GCC is not None:
        np.testing.assert_array_equal(c_answers(tmp_path, model, Z), want)
    if SWIPL is not None:
        assert prolog_answers(tmp_path, model, Z[:300]) == [str(i) for i in want[:300]]
    ort = pytest.importorskip("onnxruntime")
    session = ort.InferenceSession(sd.export(model, "onnx"), providers=["CPUExecutionProvider"])
    np.testing.assert_array_equal(session.run(["class_index"], {"X": Z})[0], want)

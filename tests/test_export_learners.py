"""Every registered learner's model exports, and the exported code agrees with ``predict``: a new
learner is checked here the day it registers."""

from __future__ import annotations

import numpy as np
import pytest

import symdistill as sd
from symdistill.cli import main
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


def test_the_json_target_writes_names_that_are_not_unicode_text_as_to_json_does(tmp_path):
    """sd.export(m, "json") refused a name holding a lone surrogate ("... is not valid Unicode text") that
    m.to_json() writes (escaped, \\ud800) and sd.load reads back; the README says the two give one text."""
    X = np.random.default_rng(0).uniform(size=(200, 2))
    model = sd.distill(lambda X: np.where(X[:, 0] > 0.5, "\ud800x", "ok"), X, max_size=2, random_state=0,
                       feature_names=["a\udcff", "b"])
    text = sd.export(model, "json")
    assert text == model.to_json() + "\n" and "\\ud800x" in text and "a\\udcff" in text
    assert sd.load(text) == model and sorted(sd.load(text).classes.tolist()) == ["ok", "\ud800x"]
    model.to_json(tmp_path / "model.json")
    assert main(["export", str(tmp_path / "model.json"), "--to", "json", "-o", str(tmp_path / "out.json")]) == 0
    assert (tmp_path / "out.json").read_text(encoding="utf-8") == text


@pytest.mark.parametrize("target", ["c", "python", "prolog", "onnx"])
def test_names_that_are_not_unicode_text_are_refused_by_name(target):
    """A lone surrogate cannot be written as UTF-8: every code target says which name it is."""
    pytest.importorskip("onnx") if target == "onnx" else None
    X = np.random.default_rng(0).uniform(size=(200, 2))
    teacher = lambda X: np.where(X[:, 0] > 0.5, "\ud800x", "ok")  # noqa: E731
    model = sd.distill(teacher, X, max_size=2, random_state=0, feature_names=["a", "b"])
    with pytest.raises(ValueError, match=r"class label '\\ud800x' is not valid Unicode text"):
        sd.export(model, target)
    model = sd.distill(lambda X: (X[:, 0] > 0.5).astype(int), X, max_size=2, random_state=0,
                       feature_names=["a\udcff", "b"])
    with pytest.raises(ValueError, match=r"feature name 'a\\udcff' is not valid Unicode text"):
        sd.export(model, target)

"""Teachers: adapters that make any predictor answer queries through one interface."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from .base import CallableTeacher, Teacher
from .oracle import Oracle

__all__ = ["Teacher", "CallableTeacher", "Oracle", "as_teacher"]

_COMMON = ("task", "classes", "batch_size", "cache", "cache_size", "output")
# The options each adapter takes, by the kind as_teacher detects (ONNX's output= names an output).
_OPTIONS = {
    "a torch module": _COMMON + ("device", "dtype"),
    "a TorchScript file": _COMMON + ("device", "dtype"),
    "an ONNX model": _COMMON,
    # The estimator decides how it answers (predict_proba for classifiers that have it, else predict).
    "a scikit-learn estimator (or another model with predict)": ("task", "classes", "batch_size", "cache",
                                                                 "cache_size"),
    "a callable": _COMMON + ("name",),
}


def as_teacher(obj: Any, **kwargs: Any) -> Teacher:
    """Wrap ``obj`` as a :class:`Teacher`.

    ``obj`` may be a Teacher (returned as is), a ``torch.nn.Module``, a fitted scikit-learn
    estimator (or another model with ``predict``), an ONNX model (``.onnx`` path, bytes,
    ``onnx.ModelProto`` or ``onnxruntime.InferenceSession``), a TorchScript file (``.pt`` / ``.pth``),
    or any callable ``f(X)`` returning probabilities, logits, labels or values. Keyword arguments (``task``, ``classes``, ``batch_size``, ``cache``,
    ``cache_size``, ``output``; ``device`` and ``dtype`` for torch modules and TorchScript files, ``name`` for a
    callable) go to the adapter; an option the detected kind does not take is a ``TypeError``.

    >>> import numpy as np
    >>> t = as_teacher(lambda X: X.sum(axis=1), task="regression")
    >>> t.predict(np.ones((2, 3))).tolist()
    [3.0, 3.0]
    """
    if isinstance(obj, Teacher):
        if kwargs:
            named = ", ".join(f"{k}=" for k in kwargs)
            raise ValueError(f"as_teacher: {named} for {obj.name}, which is a Teacher made already: pass them when it "
                             f"is made (sd.as_teacher(model, {', '.join(f'{k}=...' for k in kwargs)}))")
        return obj
    if isinstance(obj, type):
        # A class is callable, and has predict as a function: taken as a teacher, it failed on the first
        # rows with "missing 1 required positional argument" about its constructor or predict.
        raise TypeError(f"as_teacher: got the class {obj.__module__}.{obj.__qualname__}, not a model; pass a "
                        f"trained instance of it (the network after training, or the estimator after fit(X, y))")
    module = type(obj).__module__ or ""
    if isinstance(obj, (str, Path)):
        suffix = Path(obj).suffix.lower()
        if suffix == ".onnx":
            _check_options("an ONNX model", kwargs)  # the file is checked next, before onnxruntime is imported
            from .onnx import OnnxTeacher

            return OnnxTeacher(obj, **kwargs)
        if suffix in (".pt", ".pth", ".torchscript"):
            _check_options("a TorchScript file", kwargs)  # the file is checked next, before torch is imported
            from .torch import load_torchscript

            return load_torchscript(obj, **kwargs)
        expected = "expected a .onnx or TorchScript .pt file (load other models in Python and pass the object"
        if suffix in (".pkl", ".pickle", ".joblib"):
            expected += ": a pickled scikit-learn model with joblib.load(path)"
        if os.path.isdir(obj):
            raise IsADirectoryError(f"teacher path {str(obj)!r} is a directory: {expected})")
        raise ValueError(f"cannot tell the teacher kind of {str(obj)!r}: {expected})")
    if not callable(obj) and not callable(getattr(obj, "predict", None)) and (
            isinstance(obj, (list, tuple)) or hasattr(obj, "shape")):  # an array, a DataFrame, a tensor
        raise TypeError(f"cannot use a {type(obj).__name__} as a teacher: it is data, not a model; the teacher comes "
                        "first and labels the rows itself: sd.distill(teacher, X), learner.fit(teacher, X), "
                        "sd.fidelity(model, teacher, X)")
    if module.startswith("onnx.") and type(obj).__name__ == "ModelProto":
        obj = obj.SerializeToString()  # onnx.load's model: onnxruntime takes its bytes
    if isinstance(obj, (bytes, bytearray)) or module.startswith("onnxruntime"):
        _check_options("an ONNX model", kwargs)
        from .onnx import OnnxTeacher

        return OnnxTeacher(obj, **kwargs)
    if module.startswith("torch") or _is_torch_module(obj):
        _check_options("a torch module", kwargs)
        from .torch import TorchTeacher

        return TorchTeacher(obj, **kwargs)
    if callable(getattr(obj, "predict", None)):
        _check_options("a scikit-learn estimator (or another model with predict)", kwargs)
        from .sklearn import SklearnTeacher

        return SklearnTeacher(obj, **kwargs)
    if callable(obj):
        _check_options("a callable", kwargs)
        return CallableTeacher(obj, **kwargs)
    for method, output in (("predict_proba", "proba"), ("decision_function", "logits")):
        if callable(getattr(obj, method, None)):
            # Its method is a callable teacher; the object itself, without predict, is none.
            classes = ", classes=model.classes_" if getattr(obj, "classes_", None) is not None else ""
            raise TypeError(f"cannot use a {type(obj).__name__} as a teacher: it has {method} but no predict; pass "
                            f"the method: sd.as_teacher(model.{method}, output={output!r}{classes})")
    raise TypeError(
        f"cannot use a {type(obj).__name__} as a teacher: expected a torch module, a scikit-learn "
        "estimator (or another model with predict), an ONNX model, or a callable f(X)"
    )


def _check_options(kind: str, options: dict[str, Any]) -> None:
    """A TypeError naming each option the adapter of ``kind`` does not take, and who takes it."""
    known = {name for names in _OPTIONS.values() for name in names}
    # Another kind's option left at None asks for nothing; a misspelt one is always named.
    bad = [k for k, v in options.items() if k not in _OPTIONS[kind] and (v is not None or k not in known)]
    if not bad:
        return
    why = []
    for k in bad:
        takers = [other for other, names in _OPTIONS.items() if k in names]
        why.append(f"{k}= is only for {' or '.join(takers)}" if takers else f"{k}= is not a teacher option")
    raise TypeError(f"as_teacher: {'; '.join(why)}; this teacher was detected as {kind}, which takes "
                    f"{', '.join(name + '=' for name in _OPTIONS[kind])}")


def _is_torch_module(obj: Any) -> bool:
    import sys

    torch = sys.modules.get("torch")
    return torch is not None and isinstance(obj, torch.nn.Module)

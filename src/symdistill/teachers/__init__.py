"""Teachers: adapters that make any predictor answer queries through one interface."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .base import CallableTeacher, Teacher
from .oracle import Oracle

__all__ = ["Teacher", "CallableTeacher", "Oracle", "as_teacher"]


def as_teacher(obj: Any, **kwargs: Any) -> Teacher:
    """Wrap ``obj`` as a :class:`Teacher`.

    ``obj`` may be a Teacher (returned as is), a ``torch.nn.Module``, a fitted scikit-learn
    estimator, an ONNX model (``.onnx`` path, bytes or ``onnxruntime.InferenceSession``), a
    TorchScript file (``.pt`` / ``.pth``), or any callable ``f(X)`` returning probabilities,
    logits, labels or values. Keyword arguments (``task``, ``classes``, ``batch_size``, ``cache``,
    ``device``) go to the adapter.

    >>> import numpy as np
    >>> t = as_teacher(lambda X: X.sum(axis=1), task="regression")
    >>> t.predict(np.ones((2, 3))).tolist()
    [3.0, 3.0]
    """
    if isinstance(obj, Teacher):
        if kwargs:
            raise ValueError("as_teacher got options for an object that is already a Teacher")
        return obj
    module = type(obj).__module__ or ""
    if isinstance(obj, (str, Path)):
        suffix = Path(obj).suffix.lower()
        if suffix == ".onnx":
            from .onnx import OnnxTeacher

            return OnnxTeacher(obj, **kwargs)
        if suffix in (".pt", ".pth", ".torchscript"):
            from .torch import load_torchscript

            if not Path(obj).is_file():
                raise FileNotFoundError(f"TorchScript file not found: {str(obj)!r}")
            return load_torchscript(obj, **kwargs)
        raise ValueError(
            f"cannot tell the teacher kind of {str(obj)!r}: expected a .onnx or TorchScript .pt file "
            "(load other models in Python and pass the object)"
        )
    if isinstance(obj, (bytes, bytearray)) or module.startswith("onnxruntime"):
        from .onnx import OnnxTeacher

        return OnnxTeacher(obj, **kwargs)
    if module.startswith("torch") or _is_torch_module(obj):
        from .torch import TorchTeacher

        return TorchTeacher(obj, **kwargs)
    if hasattr(obj, "fit") and hasattr(obj, "predict"):
        from .sklearn import SklearnTeacher

        return SklearnTeacher(obj, **kwargs)
    if callable(obj):
        return CallableTeacher(obj, **kwargs)
    raise TypeError(
        f"cannot use a {type(obj).__name__} as a teacher: expected a torch module, a scikit-learn "
        "estimator, an ONNX model, or a callable f(X)"
    )


def _is_torch_module(obj: Any) -> bool:
    import sys

    torch = sys.modules.get("torch")
    return torch is not None and isinstance(obj, torch.nn.Module)

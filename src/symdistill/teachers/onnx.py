"""ONNX models run by onnxruntime (imported only when such a teacher is made)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from .._errors import TeacherError
from .base import Teacher

_NP_TYPES = {"tensor(float)": np.float32, "tensor(double)": np.float64, "tensor(int64)": np.int64,
             "tensor(int32)": np.int32}


def _ort():
    try:
        import onnxruntime
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise ImportError("ONNX teachers need onnxruntime: pip install 'symdistill[onnx]'") from exc
    return onnxruntime


class OnnxTeacher(Teacher):
    """An ONNX model (path, bytes or ``onnxruntime.InferenceSession``) with one 2-D float input.

    The answer is taken from the output named like ``prob*`` when there is one (scikit-learn
    converters), otherwise from the first float tensor output (logits, probabilities or values);
    ``output=`` names another.
    """

    def __init__(self, model: Any, *, output: str | None = None, **kwargs: Any) -> None:
        ort = _ort()
        super().__init__(**kwargs)
        if isinstance(model, ort.InferenceSession):
            session, label = model, "session"
        elif isinstance(model, (bytes, bytearray)):
            try:
                session = ort.InferenceSession(bytes(model), providers=["CPUExecutionProvider"])
            except Exception as exc:
                raise TeacherError(
                    f"onnxruntime cannot load the {len(model)} bytes given as an ONNX model: {exc}"
                ) from None
            label = "bytes"
        elif isinstance(model, (str, Path)):
            path = Path(model)
            if not path.is_file():
                raise FileNotFoundError(f"ONNX model file not found: {str(model)!r}")
            try:
                session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
            except Exception as exc:
                raise TeacherError(f"onnxruntime cannot load {path.name}: {exc}") from None
            label = path.name
        else:
            raise TypeError(f"expected an ONNX path, bytes or InferenceSession, got {type(model).__name__}")
        self.session = session
        self.name = f"onnx {label}"
        inputs = session.get_inputs()
        if len(inputs) != 1:
            raise TeacherError(f"{self.name} has {len(inputs)} inputs; symdistill needs one (rows x features)")
        self._input = inputs[0]
        self._input_dtype = _NP_TYPES.get(self._input.type, np.float32)
        self._output = self._choose_output(output)

    def _choose_output(self, name: str | None) -> str:
        outputs = self.session.get_outputs()
        names = [o.name for o in outputs]
        if name is not None:
            if name not in names:
                raise TeacherError(f"{self.name} has no output {name!r}; outputs are {names}")
            return name
        tensors = [o for o in outputs if o.type.startswith("tensor(")]
        for o in tensors:
            if "prob" in o.name.lower():
                return o.name
        floats = [o for o in tensors if o.type in ("tensor(float)", "tensor(double)")]
        if floats:
            return floats[0].name
        if tensors:
            return tensors[0].name
        raise TeacherError(
            f"{self.name} has no tensor output (outputs: {names}); a probability map output needs "
            "zipmap=False when converting"
        )

    def _forward(self, X: Any) -> Any:
        arr = np.ascontiguousarray(np.asarray(X, dtype=self._input_dtype))
        return self.session.run([self._output], {self._input.name: arr})[0]

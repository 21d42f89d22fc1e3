"""ONNX models run by onnxruntime (imported only when such a teacher is made)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from .._errors import TeacherError
from .base import Teacher

_NP_TYPES = {"tensor(float)": np.float32, "tensor(double)": np.float64, "tensor(float16)": np.float16,
             "tensor(int64)": np.int64, "tensor(int32)": np.int32}


def _ort():
    try:
        import onnxruntime
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise ImportError("ONNX teachers need onnxruntime: pip install 'symdistill[onnx]'") from exc
    return onnxruntime


class OnnxTeacher(Teacher):
    """An ONNX model (path, bytes or ``onnxruntime.InferenceSession``) with one 2-D float input.

    The answer is taken from the output named like ``prob*`` when there is one (scikit-learn
    converters; a tensor, or a ZipMap's sequence of {class: probability} maps), otherwise from the first float tensor output (logits, probabilities or values);
    ``output=`` names another. The classes are the labels of the graph's classifier node (ai.onnx.ml
    ``classlabels_*``) when it has one list of them, as many as the answer's columns.
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
        problem = batch_axis_problem(self._input, self.batch_size)
        if problem:
            raise TeacherError(f"{self.name}: {problem}")
        self._output = self._choose_output(output)
        self._labels = graph_class_labels(model if label != "session" else session)

    def _choose_output(self, name: str | None) -> str:
        outputs = self.session.get_outputs()
        names = [o.name for o in outputs]
        if name is not None:
            if name not in names:
                raise TeacherError(f"{self.name} has no output {name!r}; outputs are {names}")
            return name
        tensors = [o for o in outputs if o.type.startswith("tensor(")]
        for o in tensors + [o for o in outputs if o.type.startswith("seq(map(")]:
            if "prob" in o.name.lower():
                return o.name
        floats = [o for o in tensors if o.type in ("tensor(float)", "tensor(double)")]
        if floats:
            return floats[0].name
        if tensors:
            return tensors[0].name
        raise TeacherError(
            f"{self.name} has no tensor output and no probability map named like 'prob*' (outputs: {names}); "
            "name one with output="
        )

    def _forward(self, X: Any) -> Any:
        out = self.session.run([self._output], {self._input.name: input_rows(X, self._input)})[0]
        if isinstance(out, list) and all(isinstance(row, dict) for row in out):
            return self._from_maps(out)
        if self.classes_ is None and self._labels is not None and self.task != "regression":
            # Probabilities or scores, one column per class, or labels: in the classifier's labels, not 0..k-1.
            arr = np.asarray(out)
            if (arr.ndim == 2 and arr.shape[1] == len(self._labels)) or (arr.ndim == 1 and arr.dtype.kind in "OUSiu"):
                self.classes_ = self._labels
        return out

    def _from_maps(self, maps: list[dict[Any, float]]) -> np.ndarray:
        """A probability map output (a ZipMap: one {class: probability} per row) as a matrix whose
        columns are the classes, those declared or else the maps' keys in their order."""
        keys = list(maps[0]) if maps else []
        classes = self.classes_ if self.classes_ is not None else np.asarray(keys)
        order = [c.item() if isinstance(c, np.generic) else c for c in classes]
        if set(order) != set(keys) or len(order) != len(keys):
            raise TeacherError(f"{self.name}: classes {order} are not the classes of its probability map output "
                               f"{self._output!r} {keys}")
        self.classes_ = classes
        return np.array([[row[c] for c in order] for row in maps], dtype=np.float64).reshape(len(maps), len(order))


def graph_class_labels(model: Any) -> np.ndarray | None:
    """The class labels of the ai.onnx.ml classifier nodes (LinearClassifier, TreeEnsembleClassifier,
    SVMClassifier, ZipMap, ...) of ``model`` (a path, bytes, or a session that kept either), or None
    when it has none, several different lists, or the onnx package is missing."""
    if hasattr(model, "get_inputs"):  # onnxruntime keeps what the session was made from
        model = getattr(model, "_model_bytes", None) or getattr(model, "_model_path", None)
    try:
        import onnx

        proto = onnx.load_from_string(bytes(model)) if isinstance(model, (bytes, bytearray)) \
            else onnx.load(str(model), load_external_data=False)
    except Exception:  # no onnx package, or a model onnxruntime reads and onnx does not
        return None
    found = set()
    for node in proto.graph.node:
        if node.domain != "ai.onnx.ml":
            continue
        for attr in node.attribute:
            if attr.name == "classlabels_strings":
                found.add(tuple(v.decode() for v in attr.strings))
            elif attr.name in ("classlabels_ints", "classlabels_int64s"):
                found.add(tuple(attr.ints))
    found.discard(())
    if len(found) != 1:
        return None
    return np.asarray(found.pop())


def input_rows(X: Any, arg: Any) -> np.ndarray:
    """Rows ``X`` as the type the session's input ``arg`` takes (float32 when it is not listed).

    An integer input gets whole numbers only: casting 0.7 to 0 would answer for another row.
    """
    dtype = _NP_TYPES.get(arg.type, np.float32)
    arr = np.asarray(X, dtype=np.float64) if np.issubdtype(dtype, np.integer) else np.asarray(X)
    if np.issubdtype(dtype, np.integer) and not np.all(arr == np.round(arr)):
        bad = arr[arr != np.round(arr)][0]
        raise TeacherError(f"the ONNX input {arg.name!r} takes whole numbers ({arg.type}), got {bad:g}")
    return np.ascontiguousarray(arr.astype(dtype, copy=False))


def batch_axis_problem(arg: Any, batch_size: int) -> str | None:
    """Why the session's input ``arg`` cannot take batches of up to ``batch_size`` rows, or None.

    A model exported without a dynamic batch axis takes exactly as many rows as it was traced on.
    """
    rows = arg.shape[0] if arg.shape else None
    if not isinstance(rows, int) or (rows == 1 and batch_size == 1):
        return None
    return (f"input {arg.name!r} has a fixed batch size of {rows} (shape {arg.shape}); rows are sent in batches "
            f"of up to {batch_size}: export the model with a dynamic batch axis (torch.onnx.export(..., "
            f"dynamic_axes={{{arg.name!r}: {{0: 'n'}}}}))" + (", or pass batch_size=1 (one row per call, slow)"
                                                             if rows == 1 else ""))

"""ONNX models run by onnxruntime (imported only when such a teacher is made)."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import numpy as np

from .._errors import TeacherError
from ..domain import _is_number, _plain
from .base import (Teacher, label_names, model_file, refuse_infinity, refuse_number_text, refuse_swapped_names,
                   renamed_labels)

# The ONNX input types rows are fed as ("tensor(bfloat16)": float32 rows, rounded and passed on as its bits).
_NP_TYPES = {"tensor(float)": np.float32, "tensor(double)": np.float64, "tensor(float16)": np.float16,
             "tensor(bfloat16)": np.float32, "tensor(bool)": np.bool_, "tensor(string)": np.object_,
             **{f"tensor({t})": np.dtype(t).type
                for t in ("int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64")}}


def _ort():
    try:
        import onnxruntime
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise ImportError("ONNX teachers need onnxruntime: pip install 'symdistill[onnx]'") from exc
    return onnxruntime


class OnnxTeacher(Teacher):
    """An ONNX model (path, bytes or ``onnxruntime.InferenceSession``) that takes rows: one input
    ``[N, features]`` (or ``[N]`` for one feature), or one input per feature, ``[N, 1]`` or ``[N]``,
    named like the DataFrame columns it is fed from (skl2onnx writes a pipeline that way). Inputs
    of numbers and booleans take the rows in their type; string inputs take the categories of a
    categorical feature whose categories are strings.

    The answer is taken from the output named like ``prob*`` when there is one (scikit-learn
    converters; a tensor, or a ZipMap's sequence of {class: probability} maps), otherwise from the first float tensor output (logits, probabilities or values);
    ``output=`` names another. The classes are the labels of the graph's classifier node (ai.onnx.ml
    ``classlabels_*``) when it has one list of them, as many as the answer's columns.
    """

    def __init__(self, model: Any, *, output: str | None = None, **kwargs: Any) -> None:
        if isinstance(model, (str, Path)):
            model_file(model, "ONNX model")  # a mistyped path first: it is not a missing onnxruntime
        _ort()  # a missing onnxruntime is named before the options are checked
        super().__init__(**kwargs)
        session, label = load_session(model)
        self.session = session
        # The graph it was made from (a path or bytes; None for a session, whose graph is not exposed):
        # decompositional extraction reads hidden activations from it.
        self.source = None if label == "session" else model
        self.name = f"onnx {label}"
        self._inputs = session.get_inputs()
        problem = inputs_problem(self._inputs, self.batch_size)
        if problem:
            raise TeacherError(f"{self.name}: {problem}")
        self._output = self._choose_output(output)
        proto = _graph(model if label != "session" else session)
        self._labels = _class_labels(proto)
        # symdistill's export of a classifier: its tree node's labels are the class indices and its label
        # output writes classes as text, so the classes are those it records, read off the class index
        # (exact, where a softmax's probabilities can tie) where no output= names another.
        exported = _exported_classes(session) if output in (None, "probabilities") else None
        self._index = exported is not None and output is None
        if self._index:
            self._labels, self._output = exported, "class_index"
        elif exported is not None:  # its probabilities' columns are those classes (its nodes count 0..k-1)
            self._labels = exported
        if self.task is None and self.classes_ is None and output is None and self._labels is None \
                and _answers_values(session, proto):
            # The graph says it is a regressor, as scikit-learn's tags say: its whole numbers (a tree of
            # counts) are values, not the classes a callable's would be.
            self.task, self._task_given = "regression", True
        self._columns = self._label_columns()
        self._names = label_names(self._labels, self.classes_)  # a label output is renamed by them too
        self._encoding = _exported_encoding(session)

    def _label_columns(self) -> np.ndarray | None:
        """Where each declared class's column is among those of a probability tensor (in the order of the
        graph's labels), when the declared classes are those labels in another order; None when the
        columns are read as they are (the same order, or other labels naming them in order)."""
        if self._labels is None or self.classes_ is None:
            return None
        own, declared = [_plain(c) for c in self._labels], [_plain(c) for c in self.classes_]
        if not set(declared) & set(own):  # other labels, naming them in their order
            refuse_swapped_names(self.name, declared, own)
            return None
        maps = any(o.name == self._output and o.type.startswith("seq(") for o in self.session.get_outputs())
        if declared == own or maps:  # a ZipMap's maps name their classes (_from_maps)
            return None
        if len(declared) != len(own) or not all(c in own for c in declared):
            raise TeacherError(f"{self.name}: classes {declared} are not its classes {own} (the labels of its classifier "
                               "node); declare them in any order, or other labels for all of them in their order")
        return np.asarray([own.index(c) for c in declared])

    def _renames_labels(self) -> bool:
        return self._labels is not None

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

    def _encode_labels(self, X: Any) -> Any:
        """A DataFrame's rows as symdistill's export of a model takes them: its columns in the recorded
        features' order (matched by name), each category as its code (the recorded categories)."""
        features, categories = self._encoding
        columns = [str(c) for c in X.columns]
        if sorted(columns) != sorted(features):
            raise TeacherError(f"{self.name} (symdistill's export) takes the features {features}; the rows have "
                               f"columns {columns}")
        import pandas as pd

        rows = np.empty((len(X), len(features)), dtype=object)
        for j, name in enumerate(features):
            values = X.iloc[:, columns.index(name)].to_numpy()
            codes = categories.get(name)
            if codes is None:
                rows[:, j] = values
                continue
            # each distinct label looked up once (a missing value is -1, no label)
            inverse, labels = pd.factorize(values, use_na_sentinel=True)
            looked = [codes.get(_plain(v)) for v in labels]
            unknown = next((labels[k] for k, code in enumerate(looked) if code is None), None)
            if unknown is not None or (inverse < 0).any():
                raise TeacherError(f"{self.name}: feature {name!r} has no category "
                                   f"{_plain(unknown) if unknown is not None else None!r}; its categories are "
                                   f"{list(codes)}")
            rows[:, j] = np.asarray(looked, dtype=np.int64)[inverse]
        return rows

    def _forward(self, X: Any) -> Any:
        if self._encoding is not None and hasattr(X, "columns"):
            X = self._encode_labels(X)
        out = self.session.run([self._output], input_feeds(X, self._inputs, self.name))[0]
        if self._index:
            out = np.eye(len(self._labels))[np.asarray(out).reshape(-1)]  # a column per class, as probabilities
        if isinstance(out, list) and all(isinstance(row, dict) for row in out):
            return self._from_maps(out)
        if self._columns is not None and np.ndim(out) == 2 and np.shape(out)[1] == len(self._columns):
            return np.asarray(out)[:, self._columns]  # a column per graph label: in the declared classes' order
        arr = np.asarray(out)
        if self._names is not None and arr.dtype.kind in "OUSiu" and (arr.ndim == 1 or arr.shape[1:] == (1,)):
            return renamed_labels(arr, self._names)
        if self.classes_ is None and self._labels is not None and self.task != "regression":
            # Probabilities or scores, one column per class, or labels: in the classifier's labels, not 0..k-1.
            if (arr.ndim == 2 and arr.shape[1] == len(self._labels)) or (arr.ndim == 1 and arr.dtype.kind in "OUSiu"):
                self.classes_ = self._labels
        return out

    def _from_maps(self, maps: list[dict[Any, float]]) -> np.ndarray:
        """A probability map output (a ZipMap: one {class: probability} per row) as a matrix whose
        columns are the classes, those declared or else the maps' keys in their order; declared classes
        that are other labels for all the keys name them in their order, as a probability tensor's columns."""
        keys = list(maps[0]) if maps else []
        classes = self.classes_ if self.classes_ is not None else np.asarray(keys)
        order = [c.item() if isinstance(c, np.generic) else c for c in classes]
        if self._declared_classes and len(order) == len(keys) and not set(order) & set(keys):
            order = keys
        if set(order) != set(keys) or len(order) != len(keys):
            raise TeacherError(f"{self.name}: classes {order} are not the classes of its probability map output "
                               f"{self._output!r} {keys}")
        self.classes_ = classes
        return np.array([[row[c] for c in order] for row in maps], dtype=np.float64).reshape(len(maps), len(order))


def load_session(model: Any) -> tuple[Any, str]:
    """An onnxruntime session of ``model`` (a path, bytes or a session), and how to name it."""
    if isinstance(model, (str, Path)):
        model_file(model, "ONNX model")
    ort = _ort()
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
        try:
            session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
        except Exception as exc:
            raise TeacherError(f"onnxruntime cannot load {path.name}: {exc}") from None
        label = path.name
    else:
        raise TypeError(f"expected an ONNX path, bytes or InferenceSession, got {type(model).__name__}")
    return session, label


def dataframe_inputs(path: str | Path) -> tuple[bool, list[str], list[str]]:
    """Whether the ONNX model at ``path`` takes a DataFrame's columns rather than an array of numbers
    (one input per feature, by name, a string input, or symdistill's export of a model with categorical
    features, which encodes their labels), the columns it takes as text (its string inputs, the export's
    features of text categories), and those it takes as numbers (its other inputs, the export's other
    features)."""
    inputs, encoding = _file_facts(path)
    if encoding is not None:
        return (True, *exported_columns(encoding))
    strings = [arg.name for arg in inputs if arg.type == "tensor(string)"]
    return len(inputs) > 1 or bool(strings), strings, [arg.name for arg in inputs if arg.name not in strings]


def exported_encoding(obj: Any) -> tuple[list[str], dict[str, dict[Any, int]]] | None:
    """The features and category codes of ``obj`` when it is symdistill's ONNX export of a model with
    categorical features (an :class:`OnnxTeacher` of one, or one as ``as_teacher`` takes it), which as a
    teacher encodes a DataFrame of labels; None for any other object."""
    if isinstance(obj, OnnxTeacher):
        return obj._encoding
    source = model_source(obj)
    if source is None:
        return None
    return _file_facts(source)[1] if isinstance(source, (str, Path)) else _exported_encoding(load_session(source)[0])


def exported_columns(encoding: tuple[list[str], dict[str, dict[Any, int]]]) -> tuple[list[str], list[str]]:
    """The features of an export's ``encoding`` whose categories are all text, read as written ('01' as
    '01'), and its other features, read as numbers."""
    features, categories = encoding
    text = [f for f in features if f in categories and all(isinstance(c, str) for c in categories[f])]
    return text, [f for f in features if f not in text]


def model_source(obj: Any) -> Any:
    """What ``obj`` was made from when it is an ONNX model as ``as_teacher`` takes one (an
    :class:`OnnxTeacher`'s session, an onnxruntime session, an ``onnx.ModelProto``'s bytes, bytes or a
    ``.onnx`` path), for ``load_session`` and ``graph_class_labels``; None for any other object."""
    if isinstance(obj, OnnxTeacher):
        return obj.session if obj.source is None else obj.source
    module = type(obj).__module__ or ""
    if module.startswith("onnx.") and type(obj).__name__ == "ModelProto":
        return obj.SerializeToString()
    if isinstance(obj, (str, Path)):
        return obj if Path(obj).suffix.lower() == ".onnx" else None
    return obj if isinstance(obj, (bytes, bytearray)) or module.startswith("onnxruntime") else None


def model_inputs(obj: Any) -> list[Any] | None:
    """The inputs of ``obj`` when it is an ONNX model as ``as_teacher`` takes one (``model_source``), else None."""
    if isinstance(obj, OnnxTeacher):
        return list(obj._inputs)
    source = model_source(obj)
    if source is None:
        return None
    return _file_inputs(source) if isinstance(source, (str, Path)) else list(load_session(source)[0].get_inputs())


def _file_inputs(path: str | Path) -> list[Any]:
    """The inputs of the ONNX model file at ``path``: the command line asks them of one file several
    times (how to read the rows, which codes are numbers, which columns it takes) before the teacher
    loads it, and a session of a large model takes seconds to make; the file as it is now is read once."""
    return list(_file_facts(path)[0])


def _file_facts(path: str | Path) -> tuple[tuple[Any, ...], tuple[list[str], dict[str, dict[Any, int]]] | None]:
    """The inputs of the ONNX model file at ``path`` and, for symdistill's export of a model with categorical
    features, its encoding (``_exported_encoding``), read once per file as it is now (``_file_inputs``)."""
    found = model_file(path, "ONNX model")
    stat = found.stat()
    return _facts_of(str(found), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=8)
def _facts_of(path: str, mtime_ns: int,
              size: int) -> tuple[tuple[Any, ...], tuple[list[str], dict[str, dict[Any, int]]] | None]:
    session = load_session(path)[0]
    return tuple(session.get_inputs()), _exported_encoding(session)


def graph_class_labels(model: Any) -> np.ndarray | None:
    """The class labels of the ai.onnx.ml classifier nodes (LinearClassifier, TreeEnsembleClassifier,
    SVMClassifier, ZipMap, ...) of ``model`` (a path, bytes, or a session that kept either), or None
    when it has none, several different lists, or the onnx package is missing."""
    return _class_labels(_graph(model))


def _graph(model: Any) -> Any:
    """The ``onnx.ModelProto`` of ``model`` (a path, bytes, or a session that kept either), or None
    where the onnx package is missing or cannot read it."""
    if hasattr(model, "get_inputs"):  # onnxruntime keeps what the session was made from
        model = getattr(model, "_model_bytes", None) or getattr(model, "_model_path", None)
    try:
        import onnx

        return onnx.load_from_string(bytes(model)) if isinstance(model, (bytes, bytearray)) \
            else onnx.load(str(model), load_external_data=False)
    except Exception:  # no onnx package, or a model onnxruntime reads and onnx does not
        return None


_REGRESSOR_NODES = {"LinearRegressor", "TreeEnsembleRegressor", "SVMRegressor"}


def _answers_values(session: Any, proto: Any) -> bool:
    """Whether the graph says it is a regressor: symdistill's export of one (its ``symdistill.task``),
    or an ai.onnx.ml regressor node (as skl2onnx writes a scikit-learn regressor)."""
    if session.get_modelmeta().custom_metadata_map.get("symdistill.task") == "regression":
        return True
    return proto is not None and any(n.domain == "ai.onnx.ml" and n.op_type in _REGRESSOR_NODES
                                     for n in proto.graph.node)


def _exported_classes(session: Any) -> np.ndarray | None:
    """The classes that symdistill's ONNX export of a classifier records (``symdistill.classes``), or None
    for any other graph."""
    meta = session.get_modelmeta().custom_metadata_map
    names = [o.name for o in session.get_outputs()]
    if meta.get("symdistill.task") != "classification" or "symdistill.classes" not in meta \
            or "class_index" not in names:
        return None
    import json

    return np.asarray(json.loads(meta["symdistill.classes"]))


def _exported_encoding(session: Any) -> tuple[list[str], dict[str, dict[Any, int]]] | None:
    """symdistill's export of a model with categorical features: its features and, for each categorical
    one, a code per category (``symdistill.features``, ``symdistill.categories``); None for any other graph."""
    import json

    meta = session.get_modelmeta().custom_metadata_map
    if "symdistill.categories" not in meta or "symdistill.features" not in meta:
        return None
    categories = json.loads(meta["symdistill.categories"])
    return json.loads(meta["symdistill.features"]), {name: {c: k for k, c in enumerate(cats)}
                                                      for name, cats in categories.items()}


def _class_labels(proto: Any) -> np.ndarray | None:
    if proto is None:
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


def inputs_problem(inputs: list[Any], batch_size: int) -> str | None:
    """Why the session's ``inputs`` cannot take rows in batches of up to ``batch_size``, or None."""
    for arg in inputs:
        problem = _type_problem(arg) or batch_axis_problem(arg, batch_size)
        if problem:
            return problem
    if len(inputs) == 1:
        if len(inputs[0].shape) > 2:
            return (f"input {inputs[0].name!r} has shape {inputs[0].shape}; symdistill feeds rows: [N, features], "
                    "or [N] for one feature")
        return None
    wide = [a for a in inputs if len(a.shape) > 2 or _width(a) not in (1, None)]
    if wide:
        return (f"it has {len(inputs)} inputs ({', '.join(a.name for a in inputs)}); symdistill feeds several inputs "
                f"one feature each, by name, and input {wide[0].name!r} has shape {wide[0].shape}, not [N, 1] or [N]")
    return None


def _type_problem(arg: Any) -> str | None:
    if arg.type in _NP_TYPES:
        return None
    return f"input {arg.name!r} is a {arg.type}; symdistill feeds rows to tensors of {', '.join(t[7:-1] for t in _NP_TYPES)}"


def _width(arg: Any) -> int | None:
    """How many values of a row the input ``arg`` takes: 1 for ``[N]``, its second axis for ``[N, d]`` (None
    when that axis is not fixed), None for an input of unknown rank."""
    shape = arg.shape
    if len(shape) == 1:
        return 1
    return shape[1] if len(shape) == 2 and isinstance(shape[1], int) else None


def input_feeds(X: Any, inputs: list[Any], name: str) -> dict[str, Any]:
    """The feeds of the session (of teacher ``name``) for rows ``X``: the rows, or with several inputs a
    DataFrame's column per input (by name)."""
    if len(inputs) == 1:
        arg = inputs[0]
        arr = np.asarray(X)
        width = _width(arg)
        if arr.ndim == 2 and width is not None and arr.shape[1] != width:
            raise TeacherError(f"the ONNX input {arg.name!r} takes {width} feature{'s' * (width != 1)} per row "
                               f"(shape {arg.shape}); the rows have {arr.shape[1]}")
        return {arg.name: input_rows(arr[:, 0] if len(arg.shape) == 1 and arr.ndim == 2 else arr, arg)}
    names = [a.name for a in inputs]
    if not hasattr(X, "columns"):
        raise TeacherError(f"{name} takes each feature in its own input ({', '.join(names)}): give the rows "
                           "as a pandas DataFrame whose columns are named like its inputs, not an array")
    columns = [str(c) for c in X.columns]
    missing = [n for n in names if n not in columns]
    extra = [c for c in columns if c not in names]
    if missing or extra or len(columns) != len(names):
        why = ([f"no column for input{'s' * (len(missing) > 1)} {', '.join(map(repr, missing))}"] if missing else []) + \
            ([f"no input for column{'s' * (len(extra) > 1)} {', '.join(map(repr, extra))}"] if extra else []) + \
            ([] if missing or extra else ["a column is repeated"])
        raise TeacherError(f"{name} takes one feature per input, inputs {names}, and the rows have columns "
                           f"{columns}: {'; '.join(why)}")
    feeds = {}
    for j, column in enumerate(columns):
        arg = inputs[names.index(column)]
        values = np.asarray(X.iloc[:, j].to_numpy())
        feeds[arg.name] = input_rows(values if len(arg.shape) == 1 else values.reshape(-1, 1), arg)
    return feeds


def input_rows(X: Any, arg: Any) -> Any:
    """Rows ``X`` as the type the session's input ``arg`` takes.

    An integer input gets whole numbers in its type's range only (casting 0.7 to 0, or 300 to the
    uint8 44, would answer for another row); a bool input 0 and 1 (or False and True); a string
    input strings (the categories of a categorical feature): any other value is a TeacherError.
    """
    if _type_problem(arg):
        raise TeacherError(f"the ONNX {_type_problem(arg)}")
    dtype = _NP_TYPES[arg.type]
    values = np.asarray(X)
    if dtype is np.object_:
        flat = values.ravel()
        bad = next((v for v in flat if not isinstance(v, str)), None) if flat.dtype.kind != "U" else None
        if bad is not None:
            raise TeacherError(f"the ONNX input {arg.name!r} takes strings ({arg.type}), got {_plain(bad)!r}: its "
                               "feature must be categorical, with string categories")
        return np.ascontiguousarray(values.astype(object))
    arr = values if values.dtype.kind in "iub" else _numbers(values, arg)
    if dtype is np.bool_:
        bad = arr[(arr != 0) & (arr != 1)]
        if bad.size:
            raise TeacherError(f"the ONNX input {arg.name!r} takes booleans ({arg.type}): 0 or 1, got {bad[0]:g}")
    elif np.issubdtype(dtype, np.integer):
        if arr.dtype.kind == "f" and not np.all(arr == np.round(arr)):
            bad = arr[arr != np.round(arr)][0]
            raise TeacherError(f"the ONNX input {arg.name!r} takes whole numbers ({arg.type}), got {bad:g}")
        info = np.iinfo(dtype)
        # float(info.max) + 1 is 2**63 for int64 (float(2**63 - 1) rounds up): a float row below it fits.
        over = (arr >= float(info.max) + 1) if arr.dtype.kind == "f" else (arr > info.max)
        out = (arr < info.min) | over
        if out.any():
            raise TeacherError(f"the ONNX input {arg.name!r} takes whole numbers from {info.min} to {info.max} "
                               f"({arg.type}), got {arr[out][0]:g}")
    with np.errstate(over="ignore"):  # a number beyond a float16 input is named next, not warned of by NumPy
        cast = np.ascontiguousarray(arr.astype(dtype, copy=False))
    if cast.dtype.kind == "f" and arr.dtype.kind == "f":
        refuse_infinity(arr, np.isinf(cast), np.dtype(dtype).name, float(np.finfo(dtype).max),
                        f"the ONNX input {arg.name!r} ({arg.type})", "scale the feature")
    return _bfloat16(cast) if arg.type == "tensor(bfloat16)" else cast


def _numbers(values: np.ndarray, arg: Any) -> np.ndarray:
    """``values`` as float64, or a TeacherError naming the first value that is not a number. Text is none,
    even text that reads as one: NumPy reads '1' and '01' as 1.0, so a column of text (a categorical
    feature's categories) was fed as numbers where 'x' beside it was refused."""
    refuse_number_text(values, f"the ONNX input {arg.name!r} takes numbers ({arg.type})")
    try:
        return values.astype(np.float64)
    except (TypeError, ValueError):
        bad = next(v for v in values.ravel() if not _is_number(v))
        raise TeacherError(f"the ONNX input {arg.name!r} takes numbers ({arg.type}), got {_plain(bad)!r}") from None


def _bfloat16(arr: np.ndarray) -> Any:
    """float32 rows as an onnxruntime bfloat16 tensor (NumPy has no bfloat16): each rounded to nearest, ties to even."""
    bits = arr.astype(np.float32).view(np.uint32)
    half = ((bits + np.uint32(0x7FFF) + ((bits >> np.uint32(16)) & np.uint32(1))) >> np.uint32(16)).astype(np.uint16)
    ort = _ort()
    if not hasattr(ort.OrtValue, "ortvalue_from_numpy_with_onnx_type"):  # pragma: no cover - older onnxruntime
        raise TeacherError(f"feeding a bfloat16 input needs a newer onnxruntime than {ort.__version__} "
                           "(OrtValue.ortvalue_from_numpy_with_onnx_type)")
    return ort.OrtValue.ortvalue_from_numpy_with_onnx_type(half, 16)  # 16: TensorProto.BFLOAT16


def batch_axis_problem(arg: Any, batch_size: int) -> str | None:
    """Why the session's input ``arg`` cannot take batches of up to ``batch_size`` rows, or None.

    A model exported without a dynamic batch axis takes exactly as many rows as it was traced on.
    """
    rows = arg.shape[0] if arg.shape else None
    if not isinstance(rows, int) or (rows == 1 and batch_size == 1):
        return None
    return (f"input {arg.name!r} has a fixed batch size of {rows} (shape {arg.shape}); rows are sent in batches "
            f"of up to {batch_size}: export the model with a dynamic batch axis (torch.onnx.export(..., "
            f"dynamic_axes={{{arg.name!r}: {{0: 'n'}}}}))"
            + (", or pass batch_size=1 (--batch-size 1 on the command line; one row per call, slow)"
               if rows == 1 else ""))

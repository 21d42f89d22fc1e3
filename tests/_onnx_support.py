"""ONNX models for tests: a torch module exported in memory, and graphs built by hand with onnx.helper."""

from __future__ import annotations

import io
import warnings

import numpy as np
import pytest


def onnx_bytes(net, d: int, **export: object) -> bytes:
    """``net`` exported with ``torch.onnx.export`` on rows of ``d`` features, batch axis dynamic
    (``dynamo=False``: the legacy exporter; the default needs onnxscript). Skips without onnx."""
    import torch

    pytest.importorskip("onnx")
    pytest.importorskip("onnxruntime")
    if export.get("dynamo", True):
        pytest.importorskip("onnxscript")
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(net, (torch.zeros(2, d, dtype=next(net.parameters()).dtype),), buf, input_names=["x"],
                          dynamic_axes={"x": {0: "n"}}, verbose=False, **export)
    return buf.getvalue()


def onnx_model(nodes, inputs, outputs, initializers=()) -> bytes:
    """A model of ``nodes`` (opset 17, ai.onnx.ml 3) as bytes; inputs and outputs are ``(name, TensorProto
    type, shape)`` or value infos. Skips without onnx."""
    pytest.importorskip("onnxruntime")
    helper = pytest.importorskip("onnx").helper

    typed = [[v if not isinstance(v, tuple) else helper.make_tensor_value_info(*v) for v in values]
             for values in (inputs, outputs)]
    graph = helper.make_graph(nodes, "g", *typed, list(initializers))
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("ai.onnx.ml", 3)])
    model.ir_version = 8
    return model.SerializeToString()


def typed_input_model(elem: int, shape=(None, 2)) -> bytes:
    """``y = 2 * x0 - x1`` (float) of an input ``x`` of ONNX type ``elem`` (``x0`` alone for shape ``[N]``)."""
    from onnx import TensorProto, helper, numpy_helper

    weights = np.array([2.0, -1.0][:shape[1]] if len(shape) == 2 else 2.0, dtype=np.float32)
    nodes = [helper.make_node("Cast", ["x"], ["xf"], to=TensorProto.FLOAT),
             helper.make_node("Mul", ["xf", "w"], ["wx"])]
    nodes += [helper.make_node("ReduceSum", ["wx", "axes"], ["y"], keepdims=0)] if len(shape) == 2 \
        else [helper.make_node("Identity", ["wx"], ["y"])]
    return onnx_model(nodes, [("x", elem, list(shape))], [("y", TensorProto.FLOAT, [None])],
                      [numpy_helper.from_array(weights, "w"), numpy_helper.from_array(np.array([1]), "axes")])


PIPELINE_COLORS = ["blue", "green", "red"]


def pipeline_model(zipmap: bool = True) -> bytes:
    """A classifier as skl2onnx writes a pipeline with a ColumnTransformer: one ``[N, 1]`` input per
    DataFrame column (``age`` float, ``kids`` int64, ``color`` string, one-hot encoded), a
    LinearClassifier of classes 'no' and 'yes', and its probabilities as a ZipMap (``zipmap=False``:
    as the tensor ``probability_tensor``, a column per class, as skl2onnx writes with zipmap=False)."""
    from onnx import TensorProto, helper, numpy_helper

    nodes = [helper.make_node("Cast", ["kids"], ["kids_f"], to=TensorProto.FLOAT),
             helper.make_node("OneHotEncoder", ["color"], ["color_3d"], domain="ai.onnx.ml",
                              cats_strings=PIPELINE_COLORS, zeros=1),
             helper.make_node("Reshape", ["color_3d", "shape"], ["color_oh"]),
             helper.make_node("Concat", ["age", "kids_f", "color_oh"], ["features"], axis=1),
             helper.make_node("LinearClassifier", ["features"], ["output_label", "scores"], domain="ai.onnx.ml",
                              coefficients=[0.1, -0.5, 3.0, 0.0, -3.0, -0.1, 0.5, -3.0, 0.0, 3.0],
                              intercepts=[-2.0, 2.0], classlabels_strings=["no", "yes"], multi_class=0),
             helper.make_node("Softmax", ["scores"], ["probability_tensor"], axis=1)]
    probabilities = ("probability_tensor", TensorProto.FLOAT, [None, 2])
    if zipmap:
        nodes.append(helper.make_node("ZipMap", ["probability_tensor"], ["output_probability"], domain="ai.onnx.ml",
                                      classlabels_strings=["no", "yes"]))
        probabilities = helper.make_value_info("output_probability", helper.make_sequence_type_proto(
            helper.make_map_type_proto(TensorProto.STRING, helper.make_tensor_type_proto(TensorProto.FLOAT, []))))
    return onnx_model(nodes, [("age", TensorProto.FLOAT, [None, 1]), ("kids", TensorProto.INT64, [None, 1]),
                              ("color", TensorProto.STRING, [None, 1])],
                      [("output_label", TensorProto.STRING, [None]), probabilities],
                      [numpy_helper.from_array(np.array([-1, 3]), "shape")])


def pipeline_rows(n: int, seed: int = 0):
    """A DataFrame of ``n`` rows for :func:`pipeline_model`."""
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"age": rng.uniform(18, 80, n).round(1), "kids": rng.integers(0, 5, n),
                         "color": rng.choice(PIPELINE_COLORS, n)})

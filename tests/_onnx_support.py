"""A torch module exported to ONNX in memory, for tests that read or run the graph."""

from __future__ import annotations

import io
import warnings

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

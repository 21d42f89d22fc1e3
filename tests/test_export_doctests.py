"""The ``>>>`` examples in the export package run and hold."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["symdistill.export", "symdistill.export.ir", "symdistill.export.c", "symdistill.export.python",
           "symdistill.export.prolog", "symdistill.export.onnx", "symdistill.export.json",
           "symdistill.export._text"]


@pytest.mark.parametrize("name", MODULES)
def test_examples(name):
    if name == "symdistill.export.onnx":
        pytest.importorskip("onnxruntime")
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0

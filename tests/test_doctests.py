"""The ``>>>`` examples in every module's docstrings run and hold."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import symdistill

MODULES = sorted(m.name for m in pkgutil.walk_packages(symdistill.__path__, "symdistill."))
# Modules whose examples need an optional backend.
NEEDS = {"symdistill.export.onnx": ("onnx", "onnxruntime"),
         "symdistill.teachers.activations": ("torch", "onnx", "onnxruntime"),
         "symdistill.learners.decompositional": ("torch",), "symdistill.teachers.sequence": ("torch",),
         "symdistill.report.build": ("matplotlib",), "symdistill.report.drawing": ("matplotlib",)}


def test_the_package_has_examples_to_run():
    assert len(MODULES) > 40 and "symdistill.export.c" in MODULES and "symdistill.learners.rules" in MODULES


@pytest.mark.parametrize("name", MODULES)
def test_examples(name):
    for backend in NEEDS.get(name, ()):
        pytest.importorskip(backend)
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0

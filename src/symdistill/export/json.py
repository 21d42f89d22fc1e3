"""JSON emitter: the model's own lossless JSON (``model.to_json()``), and its versioned schema.

The schema (JSON Schema draft 2020-12) ships with the package as ``symdistill/schema/model-v1.json``
and covers every model kind of format version 1: ``tree``, ``rules``, ``linear``, ``dfa`` and
``moore``. ``symdistill.load`` reads the same text back; loading runs no code.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

SCHEMA_FILE = "model-v1.json"


def emit(model: Any, *, indent: int | None = 1) -> str:
    """The model's JSON text, as a file holds it: ``model.to_json()`` and a final newline.

    >>> import numpy as np, symdistill as sd
    >>> from symdistill.models import Tree
    >>> dom = sd.Domain.from_data(np.array([[0.0], [1.0]]), feature_names=["age"])
    >>> tree = Tree(dom, "classification", np.array(["no", "yes"]), children_left=[1, -1, -1],
    ...             children_right=[2, -1, -1], feature=[0, -1, -1], threshold=[0.5, 0, 0],
    ...             value=[[0.5, 0.5], [1, 0], [0, 1]])
    >>> sd.load(emit(tree, indent=None)) == tree
    True
    """
    if indent is not None and (isinstance(indent, bool) or not isinstance(indent, int) or indent < 0):
        raise ValueError(f"indent must be a non-negative integer or None, got {indent!r}")
    return model.to_json(indent=indent) + "\n"


def schema() -> dict[str, Any]:
    """The JSON Schema of saved models (format version 1), as a dict.

    >>> schema()["$id"]
    'urn:symdistill:schema:model-v1'
    """
    text = resources.files("symdistill").joinpath("schema", SCHEMA_FILE).read_text(encoding="utf-8")
    return json.loads(text)

"""Small rendering helpers shared by the text emitters: exact numbers, identifiers, indentation."""

from __future__ import annotations

import math
import re
from typing import Any, Callable

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def exact_float(x: float) -> str:
    """Shortest decimal text that reads back as exactly ``x`` (Python's ``repr``), always with a
    dot or an exponent so C and Python read it as a floating-point literal.

    >>> exact_float(0.1 + 0.2), exact_float(5.0), exact_float(1e-05), exact_float(3)
    ('0.30000000000000004', '5.0', '1e-05', '3.0')
    """
    x = float(x)
    if not math.isfinite(x):
        raise ValueError(f"cannot write {x!r} as a literal: exported models hold finite numbers only")
    return repr(x)


def check_identifier(value: Any, option: str) -> str:
    """A C / Prolog / Python-safe identifier given as an option, or a ValueError naming it."""
    if not isinstance(value, str) or not _IDENTIFIER.match(value):
        raise ValueError(f"{option} must be an identifier (letters, digits and '_', not starting with a "
                         f"digit), got {value!r}")
    return value


def label_text(label: Any) -> str:
    """The text of a class label as printed by Python (``'yes'``, ``1``, ``2.5``, ``True``)."""
    return label if isinstance(label, str) else repr(label)


def check_distinct(labels: Any, key: Callable[[Any], Any], clash: Callable[[Any, Any], str]) -> None:
    """A ValueError with ``clash(first, second)`` for the first two labels that ``key`` maps to one
    value: an export that writes a label by its key could not tell them apart."""
    seen: dict[Any, Any] = {}
    for label in labels:
        k = key(label)
        if k in seen:
            raise ValueError(clash(seen[k], label))
        seen[k] = label


def label_texts(labels: Any, what: str, target: str) -> list[str]:
    """``label_text`` of each label, refused when two labels have one text (True and 'True', 1 and
    '1'): a table of names in the ``target`` export could not tell them apart.

    >>> label_texts(["yes", 2, 2.5], "class labels", "C")
    ['yes', '2', '2.5']
    >>> label_texts([True, "True"], "class labels", "C")
    Traceback (most recent call last):
    ...
    ValueError: class labels True and 'True' are both written 'True' in the C export, which could not tell them apart; rename one of them before exporting
    """
    check_distinct(labels, label_text, lambda a, b: f"{what} {a!r} and {b!r} are both written {label_text(a)!r} in the "
                   f"{target} export, which could not tell them apart; rename one of them before exporting")
    return [label_text(label) for label in labels]


def concept_note(program: Any) -> str | None:
    """For concept rules (distilled with ``layer=``), a sentence saying that a row holds the activations
    of that hidden layer, not the network's inputs, with the layer's name kept to characters safe in any
    comment; None for other models."""
    from ..models.base import concept_layer

    layer = concept_layer(program)
    if layer is None:
        return None
    shown = re.sub(r"[^A-Za-z0-9_.\[\]-]", "?", layer)
    return (f"Concept rules: a row holds the activations of the network's hidden layer '{shown}', one value per "
            "unit (symdistill.teachers.activations.read_activations), not the network's input row.")


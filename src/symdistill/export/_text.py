"""Small rendering helpers shared by the text emitters: exact numbers, identifiers, indentation."""

from __future__ import annotations

import math
import re
from typing import Any

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

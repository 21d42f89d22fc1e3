"""Progress bars: tqdm, shown only on an interactive terminal unless asked for."""

from __future__ import annotations

import sys
from typing import Any

import numpy as np


def check_progress(value: Any) -> None:
    """A ValueError unless ``value`` is a ``progress`` option: True, False or None (a terminal's)."""
    if not (value is None or isinstance(value, (bool, np.bool_))):
        raise ValueError(f"progress must be True, False or None, got {value!r}")


def shows(enabled: bool | None) -> bool:
    """Whether a bar of a ``progress`` option is shown: True, False, or None on an interactive terminal."""
    return sys.stderr.isatty() if enabled is None else bool(enabled)


def progress_bar(total: int | None, desc: str, enabled: bool | None = None, **kwargs: Any):
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=desc, disable=not shows(enabled), leave=False, **kwargs)

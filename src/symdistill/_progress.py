"""Progress bars: tqdm, shown only on an interactive terminal unless asked for."""

from __future__ import annotations

import sys
from typing import Any


def progress_bar(total: int | None, desc: str, enabled: bool | None = None, **kwargs: Any):
    from tqdm.auto import tqdm

    show = sys.stderr.isatty() if enabled is None else bool(enabled)
    return tqdm(total=total, desc=desc, disable=not show, leave=False, **kwargs)

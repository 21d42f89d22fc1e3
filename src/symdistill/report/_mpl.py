"""Matplotlib access for the report: figures made without pyplot (no global state, no GUI backend)."""

from __future__ import annotations

import io
from typing import Any

PALETTE = ("#4C72B0", "#DD8452", "#55A868", "#C44E52", "#8172B3", "#937860", "#DA8BC3", "#8C8C8C",
           "#CCB974", "#64B5CD")


def require_matplotlib() -> tuple[Any, Any]:
    """Matplotlib's ``Figure`` and ``FigureCanvasAgg``; ImportError with the install hint when missing
    (the report CLI asks first, before fitting a frontier it could not draw)."""
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:
        raise ImportError("reports and drawings need matplotlib: pip install 'symdistill[report]'") from None
    return Figure, FigureCanvasAgg


def new_figure(width: float, height: float) -> Any:
    """A Matplotlib ``Figure`` on the Agg canvas; ImportError with the install hint when missing."""
    Figure, FigureCanvasAgg = require_matplotlib()
    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def png_bytes(fig: Any, dpi: int = 100) -> bytes:
    """The figure as PNG bytes."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, facecolor="white", metadata={"Software": None})
    return buf.getvalue()


def colour(i: int) -> str:
    return PALETTE[i % len(PALETTE)]

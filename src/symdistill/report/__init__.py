"""Reports: the fidelity-size frontier, the chosen model drawn, its disagreements with the teacher,
its fidelity under shift, verification results and a model card, as self-contained HTML and Markdown.

Figures are drawn with Matplotlib (``pip install 'symdistill[report]'``) without pyplot.
"""

from __future__ import annotations

from .build import Report, report
from .drawing import DRAWERS, draw_model

__all__ = ["DRAWERS", "Report", "draw_model", "report"]

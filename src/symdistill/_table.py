"""A list of result rows that prints as a text table and as Markdown."""

from __future__ import annotations

import unicodedata


class TableList(list):
    """Subclasses set ``HEADER`` and implement ``cells()`` (every row as strings, in header order)."""

    HEADER: tuple[str, ...] = ()

    def cells(self) -> list[list[str]]:  # pragma: no cover - abstract
        raise NotImplementedError

    def to_text(self) -> str:
        rows = [list(self.HEADER)] + self.cells()
        widths = [max(width(r[j]) for r in rows) for j in range(len(self.HEADER))]
        lines = ["  ".join(c + " " * (w - width(c)) for c, w in zip(r, widths)).rstrip() for r in rows]
        lines.insert(1, "  ".join("-" * w for w in widths))
        return "\n".join(lines)

    def to_markdown(self) -> str:
        lines = ["| " + " | ".join(self.HEADER) + " |", "|" + "---|" * len(self.HEADER)]
        lines += ["| " + " | ".join(c.replace("|", "\\|") for c in r) + " |" for r in self.cells()]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.to_text()


def width(text: str) -> int:
    """The columns ``text`` takes in a terminal: two for a wide or full-width character (Chinese, Japanese, most
    emoji), none for a combining mark, one for any other, so a class or feature named so keeps its table aligned.

    >>> width("cat"), width("\u732b"), width("e\u0301")
    (3, 2, 1)
    """
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)

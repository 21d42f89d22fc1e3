"""A list of result rows that prints as a text table and as Markdown."""

from __future__ import annotations


class TableList(list):
    """Subclasses set ``HEADER`` and implement ``cells()`` (every row as strings, in header order)."""

    HEADER: tuple[str, ...] = ()

    def cells(self) -> list[list[str]]:  # pragma: no cover - abstract
        raise NotImplementedError

    def to_text(self) -> str:
        rows = [list(self.HEADER)] + self.cells()
        widths = [max(len(r[j]) for r in rows) for j in range(len(self.HEADER))]
        lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
        lines.insert(1, "  ".join("-" * w for w in widths))
        return "\n".join(lines)

    def to_markdown(self) -> str:
        lines = ["| " + " | ".join(self.HEADER) + " |", "|" + "---|" * len(self.HEADER)]
        lines += ["| " + " | ".join(c.replace("|", "\\|") for c in r) + " |" for r in self.cells()]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.to_text()

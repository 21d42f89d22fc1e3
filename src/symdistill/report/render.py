"""One document, two renderings: self-contained HTML and its Markdown twin.

The report is built as a list of :class:`Section` objects holding plain blocks (paragraphs,
key-value lists, tables, figures, preformatted text). All text in blocks is plain text: the
renderers escape it (HTML entities; Markdown punctuation and raw-HTML characters), so a feature or
class named ``<script>`` shows as text in both. The HTML embeds figures as base64 PNG and loads
nothing from anywhere else; the Markdown refers to the PNG files written beside it.
"""

from __future__ import annotations

import base64
import html
import re
import urllib.parse
from dataclasses import dataclass, field
from typing import Union

__all__ = ["Figure", "KeyValues", "Paragraph", "Pre", "Section", "Table", "to_html", "to_markdown"]


@dataclass(frozen=True)
class Paragraph:
    text: str
    kind: str = "plain"  # "plain", "note" or "warning"


@dataclass(frozen=True)
class KeyValues:
    items: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    highlight: frozenset[int] = frozenset()  # indices of rows to emphasise


@dataclass(frozen=True)
class Figure:
    name: str  # file stem: letters, digits, dash, underscore
    caption: str
    png: bytes = field(repr=False)

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[A-Za-z0-9_-]+", self.name):
            raise ValueError(f"figure name {self.name!r} must use only letters, digits, '-' and '_'")


@dataclass(frozen=True)
class Pre:
    text: str


Block = Union[Paragraph, KeyValues, Table, Figure, Pre]


@dataclass
class Section:
    title: str
    blocks: list[Block] = field(default_factory=list)
    anchor: str = ""


_CSS = """
body { font-family: -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; margin: 0; color: #222;
       background: #fafafa; }
main { max-width: 1100px; margin: 0 auto; padding: 24px 32px 64px; background: #fff; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; } h2 { border-bottom: 1px solid #ddd; padding-bottom: 4px;
     margin-top: 1.8em; font-size: 1.25em; }
nav a { margin-right: 14px; font-size: 0.9em; color: #35609a; }
table { border-collapse: collapse; margin: 10px 0; font-size: 0.88em; }
th, td { border: 1px solid #ddd; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f0f3f7; } tr.hl td { background: #fff6d6; font-weight: 600; }
dl { display: grid; grid-template-columns: max-content auto; gap: 3px 16px; font-size: 0.92em; }
dt { font-weight: 600; color: #444; } dd { margin: 0; }
figure { margin: 14px 0; } figure img { max-width: 100%; border: 1px solid #eee; }
figcaption { font-size: 0.85em; color: #555; margin-top: 4px; }
pre { background: #f6f8fa; padding: 10px; overflow-x: auto; font-size: 0.82em; border: 1px solid #eee; }
p.note { color: #555; font-size: 0.9em; } p.warning { color: #8a4b00; background: #fff4e0; padding: 6px 10px; }
"""


def _h(text: str) -> str:
    return html.escape(str(text), quote=True)


def to_html(title: str, subtitle: str, sections: list[Section]) -> str:
    """The whole report as one HTML document (inline CSS, base64 PNG figures, no scripts)."""
    out = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>{_h(title)}</title>", f"<style>{_CSS}</style>", "</head>", "<body>", "<main>",
           f"<h1>{_h(title)}</h1>", f'<p class="note">{_h(subtitle)}</p>', "<nav>"]
    out += [f'<a href="#{_h(s.anchor)}">{_h(s.title)}</a>' for s in sections if s.anchor]
    out.append("</nav>")
    for s in sections:
        out.append(f'<section id="{_h(s.anchor)}">' if s.anchor else "<section>")
        out.append(f"<h2>{_h(s.title)}</h2>")
        out += [_html_block(b) for b in s.blocks]
        out.append("</section>")
    out += ["</main>", "</body>", "</html>"]
    return "\n".join(out) + "\n"


def _html_block(b: Block) -> str:
    if isinstance(b, Paragraph):
        return f'<p class="{b.kind}">{_h(b.text)}</p>' if b.kind != "plain" else f"<p>{_h(b.text)}</p>"
    if isinstance(b, KeyValues):
        return "<dl>" + "".join(f"<dt>{_h(k)}</dt><dd>{_h(v)}</dd>" for k, v in b.items) + "</dl>"
    if isinstance(b, Table):
        head = "<tr>" + "".join(f"<th>{_h(c)}</th>" for c in b.header) + "</tr>"
        rows = [('<tr class="hl">' if i in b.highlight else "<tr>") + "".join(f"<td>{_h(c)}</td>" for c in r)
                + "</tr>" for i, r in enumerate(b.rows)]
        return "<table>" + head + "".join(rows) + "</table>"
    if isinstance(b, Figure):
        data = base64.b64encode(b.png).decode("ascii")
        return (f'<figure id="fig-{b.name}"><img alt="{_h(b.caption)}" src="data:image/png;base64,{data}">'
                f"<figcaption>{_h(b.caption)}</figcaption></figure>")
    return f"<pre>{_h(b.text)}</pre>"


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#|~])")
_LINE_END = re.compile(r"\r\n|[\r\n]")


def _m(text: str) -> str:
    """Markdown-safe plain text on one line: raw-HTML characters as entities, punctuation backslash-escaped,
    each line ending (\\n, \\r or \\r\\n: Markdown ends a line at each) a space."""
    return _LINE_END.sub(" ", _MD_SPECIAL.sub(r"\\\1", html.escape(str(text), quote=False)))


def to_markdown(title: str, subtitle: str, sections: list[Section], figure_dir: str) -> str:
    """The same report as Markdown; figures are linked as ``figure_dir/<name>.png`` (percent-encoded: a
    link ends at a space, and a parenthesis can end it)."""
    out = [f"# {_m(title)}", "", f"_{_m(subtitle)}_", ""]
    for s in sections:
        out += [f"## {_m(s.title)}", ""]
        for b in s.blocks:
            out += [_md_block(b, urllib.parse.quote(figure_dir)), ""]
    return "\n".join(out).rstrip() + "\n"


def _md_block(b: Block, figure_dir: str) -> str:
    if isinstance(b, Paragraph):
        return f"> {_m(b.text)}" if b.kind == "warning" else _m(b.text)
    if isinstance(b, KeyValues):
        return "\n".join(f"- **{_m(k)}**: {_m(v)}" for k, v in b.items)
    if isinstance(b, Table):
        lines = ["| " + " | ".join(_m(c) for c in b.header) + " |", "|" + "---|" * len(b.header)]
        for i, r in enumerate(b.rows):
            cells = [_m(c) for c in r]
            if i in b.highlight:
                cells = [f"**{c}**" if c else c for c in cells]
            lines.append("| " + " | ".join(cells) + " |")
        return "\n".join(lines)
    if isinstance(b, Figure):
        return f"![{_m(b.caption)}]({figure_dir}/{b.name}.png)\n\n_{_m(b.caption)}_"
    longest = max((len(m) for m in re.findall(r"`+", b.text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{b.text}\n{fence}"

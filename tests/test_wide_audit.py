"""Printouts stay aligned when a symbol or label is written in wide characters (Chinese, Japanese, most
emoji take two terminal columns): columns are padded by the columns a cell takes, not its characters."""

from __future__ import annotations

from symdistill._table import width
from symdistill.models.automata import DFA, MooreMachine


def _starts(line: str, cells: list[str]) -> list[int]:
    """The terminal column where each of ``cells`` starts in ``line`` (found left to right)."""
    out, at = [], 0
    for c in cells:
        at = line.index(c, at)
        out.append(width(line[:at]))
        at += len(c)
    return out


def test_an_automatons_table_keeps_its_columns_beside_a_wide_symbol_and_label():
    m = MooreMachine(["猫", "b"], [[1, 0], [2, 1], [0, 2]], ["零零", "one", "two"])
    lines = str(m).splitlines()[1:]
    head = _starts(lines[0], ["state", "猫", "b", "output"])
    assert _starts(lines[1], ["q0", "q1", "q0", "'零零'"]) == [3] + head[1:]
    assert _starts(lines[2], ["q1", "q2", "q1", "'one'"]) == [3] + head[1:]
    d = DFA(["犬", "x"], [[1, 0], [1, 1]], [False, True])
    lines = str(d).splitlines()[1:]
    head = _starts(lines[0], ["犬", "x"])
    assert _starts(lines[1], ["q1", "q0"]) == head


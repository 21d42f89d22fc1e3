"""A small regular-expression subset compiled to a minimal :class:`~symdistill.models.automata.DFA`.

Matching is whole-word (as ``re.fullmatch``). Grammar::

    alt    := concat ('|' concat)*
    concat := repeat*                      (may be empty: the empty word)
    repeat := atom ('*' | '+' | '?')?      (one quantifier per atom, as in Python)
    atom   := symbol | '.' | '\\' char | '[' '^'? items ']' | '(' alt ')'
    items  := (char | char '-' char)+      (ranges by code point, restricted to the alphabet)

Multi-character symbols. When some symbol of the alphabet is longer than one character, a symbol
may also be written in angle brackets: ``<ab>`` is the one symbol ``ab`` (in sets too:
``[<ab>c]``, ``[^<ab>]``). Inside the brackets ``\\>`` stands for ``>`` and ``\\\\`` for ``\\``
(no other escape); ``<>`` and an unclosed ``<`` are errors. Outside brackets a character is a
single-character symbol as before, and ``<`` opens a symbol: a symbol ``<`` is written ``\\<`` or
``<<>``. Ranges ``a-z`` cover only the single-character symbols in range. Alphabets whose symbols
are all single characters keep the syntax above exactly (there ``<`` is an ordinary symbol), so
matching is ``re.fullmatch`` on the word as a string.

The compiler is Thompson's construction (an epsilon-NFA) followed by the subset construction and
minimisation. Groups nest at most ``MAX_DEPTH`` levels deep (a ``ValueError`` beyond).
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from .._words import check_alphabet, single_char
from .automata import DFA

_UNSUPPORTED = set("{}^$")
_OPERATORS = set("()|*+?[].\\") | _UNSUPPORTED
MAX_DEPTH = 100  # nested groups; the parser recurses once per group


class _Parser:
    def __init__(self, pattern: str, alphabet: tuple[str, ...]) -> None:
        self.pattern = pattern
        self.alphabet = alphabet
        self.index = {s: i for i, s in enumerate(alphabet)}
        self.multi = not single_char(alphabet)  # '<name>' writes a symbol only then
        self.pos = 0
        self.depth = 0
        self.eps: list[list[int]] = []
        self.edges: list[list[tuple[frozenset[int], int]]] = []

    def error(self, message: str) -> ValueError:
        shown = self.pattern if len(self.pattern) <= 80 else self.pattern[:77] + "..."
        return ValueError(f"regex {shown!r}, position {self.pos}: {message}")

    def peek(self) -> str | None:
        return self.pattern[self.pos] if self.pos < len(self.pattern) else None

    def take(self) -> str:
        c = self.pattern[self.pos]
        self.pos += 1
        return c

    def state(self) -> int:
        self.eps.append([])
        self.edges.append([])
        return len(self.eps) - 1

    # -- grammar -------------------------------------------------------------------------------
    def parse(self) -> tuple[int, int]:
        frag = self.alt()
        if self.peek() is not None:
            raise self.error(f"unbalanced {self.peek()!r}")
        return frag

    def alt(self) -> tuple[int, int]:
        frags = [self.concat()]
        while self.peek() == "|":
            self.take()
            frags.append(self.concat())
        if len(frags) == 1:
            return frags[0]
        s, e = self.state(), self.state()
        for fs, fe in frags:
            self.eps[s].append(fs)
            self.eps[fe].append(e)
        return s, e

    def concat(self) -> tuple[int, int]:
        start = end = self.state()
        while self.peek() is not None and self.peek() not in "|)":
            fs, fe = self.repeat()
            self.eps[end].append(fs)
            end = fe
        return start, end

    def repeat(self) -> tuple[int, int]:
        fs, fe = self.atom()
        op = self.peek()
        if op is None or op not in "*+?":
            return fs, fe
        self.take()
        if self.peek() is not None and self.peek() in "*+?":
            raise self.error("multiple repeat (one quantifier per atom; lazy and possessive forms are not supported)")
        s, e = self.state(), self.state()
        self.eps[s].append(fs)
        self.eps[fe].append(e)
        if op in "*?":
            self.eps[s].append(e)
        if op in "*+":
            self.eps[fe].append(fs)
        return s, e

    def atom(self) -> tuple[int, int]:
        c = self.take()
        if c == "(":
            if self.depth >= MAX_DEPTH:
                self.pos -= 1
                raise self.error(f"groups nested too deeply (more than {MAX_DEPTH} levels of parentheses)")
            self.depth += 1
            frag = self.alt()
            self.depth -= 1
            if self.peek() != ")":
                raise self.error("missing ')'")
            self.take()
            return frag
        if c in "*+?":
            raise self.error(f"nothing to repeat before {c!r}")
        if c == ")":
            raise self.error("unbalanced ')'")
        if c in _UNSUPPORTED:
            raise self.error(f"{c!r} is not supported (supported: symbols . [] | * + ? () and \\ escapes)")
        if c == ".":
            symbols = frozenset(range(len(self.alphabet)))
        elif c == "[":
            symbols = self.char_set()
        else:
            if c == "\\":
                c = self.escaped()
            elif c == "<" and self.multi:
                c = self.bracketed()
            symbols = frozenset([self.symbol(c)])
        s, e = self.state(), self.state()
        self.edges[s].append((symbols, e))
        return s, e

    def escaped(self) -> str:
        """The character after a backslash, taken literally. ``re`` gives letter and digit escapes
        other meanings (``\\d`` digits, ``\\n`` newline, ``\\1`` a group): those are refused."""
        if self.peek() is None:
            raise self.error("trailing backslash")
        c = self.take()
        if c.isascii() and c.isalnum():
            raise self.error(f"escape \\{c} is not supported (it is not the letter {c!r} in Python's re); "
                             "escape only operator characters such as \\* \\. \\(")
        return c

    def bracketed(self) -> str:
        """The symbol written ``<name>`` (the ``<`` already taken); ``\\>`` and ``\\\\`` inside."""
        name = []
        while True:
            if self.peek() is None:
                raise self.error("missing '>' (a multi-character symbol is written <symbol>; "
                                 "a symbol '<' is written \\<)")
            c = self.take()
            if c == ">":
                break
            if c == "\\":
                if self.peek() not in (">", "\\"):
                    raise self.error("inside <...> only \\> and \\\\ are escapes")
                c = self.take()
            name.append(c)
        if not name:
            raise self.error("empty symbol <>")
        return "".join(name)

    def symbol(self, c: str) -> int:
        if c not in self.index:
            hint = ""
            if len(c) == 1 and self.multi:
                longer = [s for s in self.alphabet if len(s) > 1]
                start = [s for s in longer if s.startswith(c)]
                hint = f"; write a multi-character symbol in angle brackets, e.g. <{(start or longer)[0]}>"
            raise self.error(f"symbol {c!r} is not in the alphabet {list(self.alphabet)}{hint}")
        return self.index[c]

    def char_set(self) -> frozenset[int]:
        negate = self.peek() == "^"
        if negate:
            self.take()
        chars: set[str] = set()
        first = True
        while True:
            if self.peek() is None:
                raise self.error("missing ']'")
            c = self.take()
            if c == "]" and not first:
                break
            first = False
            bracketed = c == "<" and self.multi
            if c == "\\":
                c = self.escaped()
            elif bracketed:
                c = self.bracketed()
            if self.peek() == "-" and self.pos + 1 < len(self.pattern) and self.pattern[self.pos + 1] != "]":
                self.take()
                hi = self.take()
                if hi == "\\":
                    hi = self.escaped()
                elif hi == "<" and self.multi or bracketed:
                    raise self.error("a range needs single characters at both ends (not <symbol>)")
                if ord(hi) < ord(c):
                    raise self.error(f"bad character range {c}-{hi}")
                chars |= {s for s in self.alphabet if len(s) == 1 and ord(c) <= ord(s) <= ord(hi)}
            else:
                chars.add(c)
        unknown = sorted(ch for ch in chars if ch not in self.index)
        if unknown and not negate:
            raise self.error(f"set member {unknown[0]!r} is not in the alphabet {list(self.alphabet)}")
        members = {self.index[ch] for ch in chars if ch in self.index}
        if negate:
            members = set(range(len(self.alphabet))) - members
        return frozenset(members)


def regex_to_dfa(pattern: str, alphabet: Sequence[str]) -> DFA:
    """Compile ``pattern`` (see the module docstring) to the minimal DFA over ``alphabet``.

    >>> d = regex_to_dfa("(10)*", "01")
    >>> d.size, d.accepts("1010"), d.accepts("101")
    (3, True, False)
    """
    if not isinstance(pattern, str):
        raise TypeError(f"regex pattern must be a string, got {type(pattern).__name__}")
    symbols = check_alphabet(alphabet)
    parser = _Parser(pattern, symbols)
    start, end = parser.parse()

    def closure(states: frozenset[int]) -> frozenset[int]:
        stack, seen = list(states), set(states)
        while stack:
            for t in parser.eps[stack.pop()]:
                if t not in seen:
                    seen.add(t)
                    stack.append(t)
        return frozenset(seen)

    first = closure(frozenset([start]))
    ids = {first: 0}
    order = [first]
    rows: list[list[int]] = []
    i = 0
    while i < len(order):
        current = order[i]
        row = []
        for a in range(len(symbols)):
            nxt = closure(frozenset(t for s in current for syms, t in parser.edges[s] if a in syms))
            if nxt not in ids:
                ids[nxt] = len(order)
                order.append(nxt)
            row.append(ids[nxt])
        rows.append(row)
        i += 1
    accepting = np.array([end in states for states in order])
    return DFA(symbols, np.array(rows, dtype=np.int64), accepting).minimize()

"""The constraint language: a hand-written tokenizer and recursive-descent parser.

A constraint is a statement about every input of the model's domain and the model's prediction
on it. Grammar (lowest precedence first)::

    constraint := implies
    implies    := disj ('->' implies)?                 right-associative
    disj       := conj ('or' conj)*
    conj       := neg ('and' neg)*
    neg        := 'not' neg | atom
    atom       := 'true' | 'false' | '(' constraint ')' | comparison
    comparison := expr op expr                         op: < <= > >= == !=
                | expr ['not'] 'in' '{' literal (',' literal)* '}'
    expr       := term (('+' | '-') term)*             linear arithmetic
    term       := unary ('*' unary)*                   at most one side of '*' may hold a variable
    unary      := '-' unary | primary
    primary    := NUMBER | STRING | 'true' | 'false' | NAME | `quoted name` | 'prediction' | '(' expr ')'
    literal    := ['-'] NUMBER | STRING | 'true' | 'false'

Numbers must be finite floats, and nesting (parentheses, ``not``, ``->``, signs) is limited to
``MAX_DEPTH`` levels; beyond either the parser raises :class:`ConstraintSyntaxError`.

``prediction`` is the model's output (a class label or a value). Feature names are bare words
(letters, digits, ``_``, ``.``) or any text between backticks (`` `capital-gain` ``); a feature
literally called ``prediction`` must be written `` `prediction` ``, and one whose name is empty (a DataFrame
column ``""``) as two backticks. Strings are quoted with ``'``
or ``"``. In both, escapes read as Python's ``repr`` writes them (``\\\\``, ``\\'``, ``\\n``,
``\\xHH``, ``\\uHHHH``, ...; `` \\` `` in a name), so printed names and labels paste back.
``true`` and ``false`` are constraints of their own, and values where a comparison reads them
(`` `is male` == true ``, ``x in {false}``): a binary feature's 1 and 0, or a label True or False.
Keywords (``and or not in true false prediction``) are case-sensitive.

Parsing gives plain data (frozen dataclasses); nothing is ever evaluated as Python. Errors point
at the offending character.

>>> ast = parse("age < 18 -> prediction != 'approve'")
>>> type(ast).__name__, type(ast.left).__name__
('Implies', 'Compare')
>>> parse("age <")
Traceback (most recent call last):
...
symdistill.verify.language.ConstraintSyntaxError: expected a number, string, feature name or 'prediction' at position 5, found the end of the constraint
  age <
       ^
"""

from __future__ import annotations

import math
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Iterator, Union


class ConstraintError(ValueError):
    """A constraint that cannot be used: bad syntax, unknown feature or class, wrong types.

    ``position`` is the offset of the offending character in ``text`` (None when the problem has
    no single place); ``str()`` shows the text with a caret under that place.
    """

    def __init__(self, message: str, text: str = "", position: int | None = None) -> None:
        self.message = message
        self.text = text
        self.position = position
        super().__init__(self._render())

    def _render(self) -> str:
        if self.position is None or not self.text:
            return self.message
        return f"{self.message}\n  {self.text}\n  {' ' * self.position}^"


class ConstraintSyntaxError(ConstraintError):
    """The constraint text does not follow the grammar."""


class _TooDeep(ConstraintSyntaxError):
    """Nesting beyond ``MAX_DEPTH``: raised straight through, never retried as another reading."""


# -- syntax tree --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Number:
    """A number: ``value`` as a float; ``integer`` the exact value of one written with digits alone
    (``100000000000000001``, which no float holds), matched exactly against integer labels."""

    value: float
    pos: int = field(default=0, compare=False, repr=False)
    integer: int | None = field(default=None, compare=False, repr=False)

    def negated(self) -> Number:
        return Number(-self.value, self.pos, None if self.integer is None else -self.integer)

    @property
    def exact(self) -> float | int:
        """The number as written: the integer where it is one, else the float."""
        return self.value if self.integer is None else self.integer


@dataclass(frozen=True)
class String:
    value: str
    pos: int = field(default=0, compare=False, repr=False)


@dataclass(frozen=True)
class Name:
    """A feature, by name."""

    name: str
    pos: int = field(default=0, compare=False, repr=False)


@dataclass(frozen=True)
class Prediction:
    """The model's output."""

    pos: int = field(default=0, compare=False, repr=False)


@dataclass(frozen=True)
class Neg:
    operand: Expr
    pos: int = field(default=0, compare=False, repr=False)


@dataclass(frozen=True)
class BinOp:
    op: str  # "+", "-", "*"
    left: Expr
    right: Expr
    pos: int = field(default=0, compare=False, repr=False)


Expr = Union[Number, String, "Bool", Name, Prediction, Neg, BinOp]


@dataclass(frozen=True)
class Compare:
    op: str  # "<", "<=", ">", ">=", "==", "!="
    left: Expr
    right: Expr
    pos: int = field(default=0, compare=False, repr=False)


@dataclass(frozen=True)
class Member:
    """``expr in {values}`` (or ``not in`` when ``negated``)."""

    expr: Expr
    values: tuple[Number | String | Bool, ...]
    negated: bool = False
    pos: int = field(default=0, compare=False, repr=False)


@dataclass(frozen=True)
class Bool:
    """``true`` or ``false``: a constraint of its own, or a value compared with (``x == true``)."""

    value: bool
    pos: int = field(default=0, compare=False, repr=False)


@dataclass(frozen=True)
class Not:
    operand: Node


@dataclass(frozen=True)
class And:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Implies:
    """``left -> right``; ``start`` and ``arrow`` are the offsets of ``left``'s first token and of the
    ``->``, so the premise can be named as written (``text[start:arrow]``)."""

    left: Node
    right: Node
    start: int = field(default=0, compare=False, repr=False)
    arrow: int = field(default=0, compare=False, repr=False)


Node = Union[Compare, Member, Bool, Not, And, Or, Implies]

# -- tokenizer ----------------------------------------------------------------------------------
KEYWORDS = ("and", "or", "not", "in", "true", "false", "prediction")
COMPARISONS = ("<=", ">=", "==", "!=", "<", ">")
_SYMBOLS = ("->", "<=", ">=", "==", "!=", "<", ">", "(", ")", "{", "}", ",", "+", "-", "*")
_NUMBER = re.compile(r"(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*")
_GLUED = re.compile(r"[\w.]+")  # what a number runs into: 0x10, 1_000, 2x
MAX_DEPTH = 100  # levels of parentheses, 'not', '->' and signs; keeps parsing and binding off the recursion limit


@dataclass(frozen=True)
class Token:
    kind: str  # "number", "string", "name", "keyword", "symbol", "end"
    text: str
    pos: int
    value: object = None


# What a character the grammar lacks was likely meant as: '=>' is an implication elsewhere, not '=' then '>'.
_SLIP = {"=>": " (write -> for an implication, >= for greater or equal)", "=<": " (write <= for less or equal)",
         "=": " (use == for equality)", "&": " (use 'and', 'or', 'not')", "|": " (use 'and', 'or', 'not')",
         "!": " (use 'and', 'or', 'not')", "\u2264": " (write <=)", "\u2265": " (write >=)", "\u2260": " (write !=)",
         "\u2192": " (write ->)", "\u21d2": " (write ->)", "\u00ac": " (write not)", "\u2227": " (write and)",
         "\u2228": " (write or)"}


def tokenize(text: str) -> list[Token]:
    """Split constraint text into tokens, ending with an ``end`` token.

    >>> [t.text for t in tokenize("`capital-gain` >= 1e3")]
    ['`capital-gain`', '>=', '1e3', '']
    """
    if not isinstance(text, str):
        raise TypeError(f"a constraint must be a string, got {type(text).__name__}")
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
            continue
        if c in "'\"`":
            j, value = _read_quoted(text, i)
            if c == "`":
                tokens.append(Token("name", text[i:j], i, value))
            else:
                tokens.append(Token("string", text[i:j], i, value))
            i = j
            continue
        m = _NUMBER.match(text, i)
        if m:
            value = float(m.group(0))
            if not math.isfinite(value):
                raise ConstraintSyntaxError(f"number {m.group(0)!r} at position {i} is too large: it is not a finite "
                                            "float", text, i)
            glued = _GLUED.match(text, m.end())
            if glued and not (_WORD.fullmatch(glued.group(0)) and glued.group(0) in KEYWORDS):  # 3and b < 2 reads
                # 0x10, 1_000, 2x: no reading in decimal notation, and a name starts with a letter
                # a label as a tree prints it (adult's -> >50K, <=50K): a '<' or '>' right after '==' is part of it
                start = i
                if len(tokens) > 1 and tokens[-2].text in ("==", "!=", "{", ",") and \
                        tokens[-1].text in ("<", ">", "<=", ">="):
                    start = tokens[-1].pos
                raise ConstraintSyntaxError(
                    f"number {m.group(0)!r} at position {i} runs into {glued.group(0)!r}: "
                    "write numbers in decimal (1000, 1e3, 0.5), a feature whose name starts with a digit "
                    f"between backticks (`2x`), and a label between quotes ({text[start:glued.end()]!r})", text, i)
            digits = m.group(0).isdigit()  # an integer: kept exact beside its float
            tokens.append(Token("number", m.group(0), i, (value, int(m.group(0)) if digits else None)))
            i = m.end()
            continue
        m = _WORD.match(text, i)
        if m:
            word = m.group(0)
            kind = "keyword" if word in KEYWORDS else "name"
            tokens.append(Token(kind, word, i, word))
            i = m.end()
            continue
        sym = next((s for s in _SYMBOLS if text.startswith(s, i)), None)
        if sym is None:
            hint = _SLIP.get(text[i:i + 2]) or _SLIP.get(c, "")
            raise ConstraintSyntaxError(f"unexpected character {c!r} at position {i}{hint}", text, i)
        tokens.append(Token("symbol", sym, i))
        i += len(sym)
    tokens.append(Token("end", "", n))
    return tokens


_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "\\": "\\"}
_HEX_DIGITS = {"x": 2, "u": 4, "U": 8}


def _read_quoted(text: str, start: int) -> tuple[int, str]:
    r"""Read the string or `quoted name` opening at ``start``: the offset past its closing quote,
    and its text with escapes read as Python's ``repr`` writes them.

    ``\\``, a backslash before the quote itself, ``\n``, ``\r``, ``\t``, ``\xHH``, ``\uHHHH`` and
    ``\UHHHHHHHH`` are escapes, so a printed label or name reads back as the same text. Any other
    backslash is kept in a name (`` `back\slash` ``) and dropped before its character in a string.

    >>> _read_quoted("'x\\ny' == 1", 0)
    (6, 'x\ny')
    >>> _read_quoted("`a\\`b` > 1", 0)
    (6, 'a`b')
    """
    quote = text[start]
    what = "`quoted name`" if quote == "`" else "string"
    j, n, chars = start + 1, len(text), []
    while j < n and text[j] != quote:
        if text[j] != "\\" or j + 1 >= n:
            chars.append(text[j])
            j += 1
            continue
        e = text[j + 1]
        if e == quote or e in _ESCAPES:
            chars.append(quote if e == quote else _ESCAPES[e])
            j += 2
        elif e in _HEX_DIGITS:
            digits = text[j + 2:j + 2 + _HEX_DIGITS[e]]
            if len(digits) != _HEX_DIGITS[e] or not all(d in "0123456789abcdefABCDEF" for d in digits) \
                    or int(digits, 16) > 0x10FFFF:
                raise ConstraintSyntaxError(f"bad escape \\{e} in the {what} at position {j}: expected "
                                            f"{_HEX_DIGITS[e]} hexadecimal digits", text, j)
            chars.append(chr(int(digits, 16)))
            j += 2 + _HEX_DIGITS[e]
        else:
            chars.append(e if quote != "`" else "\\" + e)
            j += 2
    if j >= n:
        raise ConstraintSyntaxError(f"unterminated {what} starting at position {start}", text, start)
    return j + 1, "".join(chars)


# -- parser -------------------------------------------------------------------------------------
class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.i = 0
        self.depth = 0

    @contextmanager
    def _nested(self) -> Iterator[None]:
        """One more level of nesting; past ``MAX_DEPTH`` a syntax error at the current token."""
        if self.depth >= MAX_DEPTH:
            t = self.tok
            raise _TooDeep(f"the constraint is nested too deeply at position {t.pos} (more than "
                           f"{MAX_DEPTH} levels of parentheses, 'not', '->' or signs)", self.text, t.pos)
        self.depth += 1
        try:
            yield
        finally:
            self.depth -= 1

    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def _is(self, kind: str, text: str | None = None) -> bool:
        t = self.tok
        return t.kind == kind and (text is None or t.text == text)

    def _advance(self) -> Token:
        t = self.tok
        self.i += 1
        return t

    def _fail(self, expected: str, hint: str = "") -> ConstraintSyntaxError:
        t = self.tok
        found = ("the end of the constraint" if t.kind == "end" else repr(t.text)) + hint
        near = [u for u in self.tokens[max(self.i - 1, 0):self.i + 1]  # NOT age < 18 fails at age
                if u.kind == "name" and u.text.lower() in KEYWORDS and u.text != u.text.lower()]
        if near:
            found += f" (keywords are lower-case: {near[-1].text.lower()!r}, not {near[-1].text!r})"
        return ConstraintSyntaxError(f"expected {expected} at position {t.pos}, found {found}", self.text, t.pos)

    def _expect(self, kind: str, text: str, expected: str) -> Token:
        if not self._is(kind, text):
            raise self._fail(expected)
        return self._advance()

    def parse(self) -> Node:
        if self._is("end"):
            raise ConstraintSyntaxError("the constraint is empty", self.text, 0)
        node = self.implies()
        if not self._is("end"):
            raise self._fail("'and', 'or', '->' or the end of the constraint")
        return node

    def implies(self) -> Node:
        start = self.tok.pos
        left = self.disj()
        if self._is("symbol", "->"):
            arrow = self._advance().pos
            with self._nested():
                return Implies(left, self.implies(), start, arrow)
        return left

    def disj(self) -> Node:
        items = [self.conj()]
        while self._is("keyword", "or"):
            self._advance()
            items.append(self.conj())
        return items[0] if len(items) == 1 else Or(tuple(items))

    def conj(self) -> Node:
        items = [self.neg()]
        while self._is("keyword", "and"):
            self._advance()
            items.append(self.neg())
        return items[0] if len(items) == 1 else And(tuple(items))

    def neg(self) -> Node:
        if self._is("keyword", "not"):
            with self._nested():
                self._advance()
                return Not(self.neg())
        return self.atom()

    def atom(self) -> Node:
        t = self.tok
        if t.kind == "keyword" and t.text in ("true", "false") and not self._compared(self.tokens[self.i + 1:]):
            self._advance()
            return Bool(t.text == "true", t.pos)
        if self._is("symbol", "("):
            # A parenthesis opens either a sub-constraint or an arithmetic group: try the first,
            # and fall back to reading a comparison when what follows is arithmetic.
            start = self.i
            try:
                with self._nested():
                    self._advance()
                    inner = self.implies()
                    self._expect("symbol", ")", "')'")
            except _TooDeep:
                raise
            except ConstraintSyntaxError as first:
                self.i = start
                try:
                    return self.comparison()
                except ConstraintSyntaxError as second:
                    # Report the reading that got further into the text: it names the real mistake.
                    raise (first if (first.position or 0) >= (second.position or 0) else second) from None
            if self.tok.kind == "symbol" and self.tok.text in COMPARISONS + ("+", "-", "*"):
                self.i = start
                return self.comparison()
            return inner
        return self.comparison()

    @staticmethod
    def _compared(rest: list[Token]) -> bool:
        """Whether the tokens after ``true`` or ``false`` make it a value in a comparison (``true == x``)."""
        t = rest[0]
        return (t.kind == "symbol" and t.text in COMPARISONS + ("+", "-", "*")) or (t.kind == "keyword" and (
            t.text == "in" or (t.text == "not" and rest[1].kind == "keyword" and rest[1].text == "in")))

    def comparison(self) -> Node:
        start = self.tok.pos
        left = self.expr()
        t = self.tok
        if t.kind == "symbol" and t.text in COMPARISONS:
            self._advance()
            return Compare(t.text, left, self.expr(), t.pos)
        negated = False
        if self._is("keyword", "not"):
            self._advance()
            negated = True
            if not self._is("keyword", "in"):
                raise self._fail("'in' after 'not'")
        if self._is("keyword", "in"):
            self._advance()
            return Member(left, self.literal_set(), negated, start)
        raise self._fail("a comparison (< <= > >= == !=) or 'in'")

    def literal_set(self) -> tuple[Number | String | Bool, ...]:
        self._expect("symbol", "{", "'{' to open a set of values")
        values: list[Number | String | Bool] = [self.literal()]
        while self._is("symbol", ","):
            self._advance()
            values.append(self.literal())
        self._expect("symbol", "}", "',' or '}' to close the set")
        return tuple(values)

    def literal(self) -> Number | String | Bool:
        minus = False
        if self._is("symbol", "-"):
            self._advance()
            minus = True
            if not self._is("number"):
                raise self._fail("a number after '-'")
        t = self.tok
        if t.kind == "number":
            self._advance()
            number = Number(t.value[0], t.pos, t.value[1])  # type: ignore[index]
            return number.negated() if minus else number
        if t.kind == "string":
            self._advance()
            return String(str(t.value), t.pos)
        if t.kind == "keyword" and t.text in ("true", "false"):
            self._advance()
            return Bool(t.text == "true", t.pos)
        if t.kind == "name":  # a label written bare, as a tree prints its leaves (-> approve)
            raise self._fail("a number, a string, true or false", f" (a label is a string: quote it, {t.value!r})")
        raise self._fail("a number, a string, true or false")

    def expr(self) -> Expr:
        left = self.term()
        while self.tok.kind == "symbol" and self.tok.text in ("+", "-"):
            op = self._advance()
            left = BinOp(op.text, left, self.term(), op.pos)
        return left

    def term(self) -> Expr:
        left = self.unary()
        while self._is("symbol", "*"):
            op = self._advance()
            left = BinOp("*", left, self.unary(), op.pos)
        return left

    def unary(self) -> Expr:
        if self._is("symbol", "-"):
            with self._nested():
                t = self._advance()
                return Neg(self.unary(), t.pos)
        return self.primary()

    def primary(self) -> Expr:
        t = self.tok
        if t.kind == "number":
            self._advance()
            return Number(t.value[0], t.pos, t.value[1])  # type: ignore[index]
        if t.kind == "string":
            self._advance()
            return String(str(t.value), t.pos)
        if t.kind == "keyword" and t.text in ("true", "false"):
            self._advance()
            return Bool(t.text == "true", t.pos)
        if t.kind == "name":
            self._advance()
            return Name(str(t.value), t.pos)
        if self._is("keyword", "prediction"):
            self._advance()
            return Prediction(t.pos)
        if self._is("symbol", "("):
            with self._nested():
                self._advance()
                inner = self.expr()
                self._expect("symbol", ")", "')'")
            return inner
        if t.kind == "keyword":
            raise ConstraintSyntaxError(
                f"keyword {t.text!r} at position {t.pos} cannot stand here; quote a feature of that name "
                f"with backticks: `{t.text}`", self.text, t.pos)
        raise self._fail("a number, string, feature name or 'prediction'")


def premises(node: Node, text: str) -> list[tuple[Node, str]]:
    """The premises of the implications ``node`` (parsed from ``text``) states at its top level, each
    with its text as written: of ``A -> B``, and of each implication of a top-level conjunction
    ``(A -> B) and (C -> D)``. A chain ``A -> B -> C`` reads ``A -> (B -> C)``: its premise is
    ``A and B``. A constraint that states no implication has none, and so has a conjunction with a
    conjunct that is no implication (``(A -> B) and C``): ``C`` is checked whatever ``A`` is, so the
    constraint does not hold vacuously.

    >>> text = "(x < 1 -> y > 2) and (x > 3 -> z > 0)"
    >>> [t for _, t in premises(parse(text), text)]
    ['x < 1', 'x > 3']
    >>> text = "a > 1 -> b > 1 or c > 1 -> c > 2"
    >>> [(type(n).__name__, t) for n, t in premises(parse(text), text)]
    [('And', 'a > 1 and (b > 1 or c > 1)')]
    >>> premises(parse("(x < 1 -> y > 2) and z > 0"), "(x < 1 -> y > 2) and z > 0")
    []
    """
    out = []
    if isinstance(node, And) and not all(isinstance(item, Implies) for item in node.items):
        return out
    for item in node.items if isinstance(node, And) else (node,):
        lefts: list[tuple[Node, str]] = []
        while isinstance(item, Implies):
            written = text[item.start:item.arrow].strip()
            lefts.append((item.left, written))
            item = item.right
        if len(lefts) == 1:
            out.append(lefts[0])
        elif lefts:
            out.append((And(tuple(n for n, _ in lefts)), " and ".join(
                f"({t})" if isinstance(n, Or) and not t.startswith("(") else t for n, t in lefts)))
    return out


def parse(text: str) -> Node:
    """Parse constraint text into its syntax tree (frozen dataclasses).

    >>> parse("sex in {'F', 'M'} and not (x1 + 2 * x2 >= 3)")  # doctest: +ELLIPSIS
    And(items=(Member(expr=Name(name='sex'), values=(String(value='F'), String(value='M')), ...
    """
    try:
        return _Parser(text).parse()
    except _TooDeep as e:  # the user sees the public class, not the parser's private marker
        raise ConstraintSyntaxError(e.message, e.text, e.position) from None

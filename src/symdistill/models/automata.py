"""Finite-state automata over a finite alphabet: :class:`DFA` (accept / reject) and
:class:`MooreMachine` (one label per state, for multi-class sequence outputs).

Both are complete: every state has one transition per symbol, stored as a flat integer table
``transitions[state, symbol_index]``. Learners return them minimised and canonically numbered
(states in breadth-first order from the start state, symbols in alphabet order), so two automata
for the same language are equal as objects and as JSON. A complete minimal DFA whose language is
not everything has one rejecting *sink* state, shown as such by ``str()``.

JSON form (after ``format`` / ``version`` / ``kind``)::

    {"alphabet": ["0", "1"], "initial": 0,
     "transitions": [{"0": 1, "1": 0}, {"0": 1, "1": 1}],
     "accepting": [true, false]}                      # DFA
     "classes": ["a", "b"], "outputs": [0, 1]         # MooreMachine, instead of "accepting"
"""

from __future__ import annotations

import math
from collections import deque
from itertools import chain
from typing import Any, ClassVar, Sequence

import numpy as np

from .._errors import ModelFormatError, counted, nul_ended, refuse_set
from .._table import width
from .._words import (Code, check_alphabet, check_code, check_codes, decode, encode, encode_flat, encode_many,
                      single_char)
from .base import SymbolicModel, labels_from_json, labels_to_json, register_model, require

_OPS = ("and", "or", "xor", "diff")
_FEW_WORDS = 16  # run_table: words left that are stepped one by one rather than a numpy call per position


class _Automaton(SymbolicModel):
    """Shared machinery of DFA and Moore machines: a complete transition table plus one output
    class index per state."""

    kind: ClassVar[str] = ""

    def __init__(self, alphabet: Sequence[str], transitions: Any, outputs: Any, classes: Any, *,
                 initial: int = 0, meta: dict[str, Any] | None = None) -> None:
        try:
            self.alphabet: tuple[str, ...] = check_alphabet(alphabet)
        except (TypeError, ValueError) as exc:
            raise ModelFormatError(f"bad automaton alphabet: {exc}") from None
        self.classes = np.asarray(classes)
        table = np.asarray(transitions)
        if table.ndim != 2 or table.shape[1] != len(self.alphabet) or table.shape[0] == 0:
            raise ModelFormatError(
                f"transitions must be a table of shape (n_states >= 1, {len(self.alphabet)} symbols), "
                f"got shape {table.shape}")
        if not np.issubdtype(table.dtype, np.integer):
            raise ModelFormatError(f"transition targets must be integers, got dtype {table.dtype}")
        self.transitions = table.astype(np.int64)
        self.outputs = np.asarray(outputs).astype(np.int64)
        self.initial = initial
        self.meta = dict(meta or {})
        self._index = {s: i for i, s in enumerate(self.alphabet)}
        self._chars = single_char(self.alphabet)
        self._check()

    def _check(self) -> None:
        n = self.transitions.shape[0]
        bad = np.argwhere((self.transitions < 0) | (self.transitions >= n))
        if len(bad):
            s, a = bad[0]
            raise ModelFormatError(
                f"state {s} on symbol {self.alphabet[a]!r} goes to missing state {self.transitions[s, a]} "
                f"(states are 0..{n - 1})")
        if self.outputs.shape != (n,):
            raise ModelFormatError(f"need one output per state ({n}), got {self.outputs.shape[0] if self.outputs.ndim else 0}")
        if np.any((self.outputs < 0) | (self.outputs >= len(self.classes))):
            raise ModelFormatError(f"state outputs must index the {len(self.classes)} classes")
        if not isinstance(self.initial, (int, np.integer)) or isinstance(self.initial, bool) or not 0 <= self.initial < n:
            raise ModelFormatError(f"initial state {self.initial!r} is not one of the states 0..{n - 1}")
        self.initial = int(self.initial)

    # -- structure -----------------------------------------------------------------------------
    @property
    def n_states(self) -> int:
        return int(self.transitions.shape[0])

    @property
    def size(self) -> int:
        """Number of states (the sink included)."""
        return self.n_states

    def sink_states(self) -> list[int]:
        """States that loop to themselves on every symbol."""
        loops = np.all(self.transitions == np.arange(self.n_states)[:, None], axis=1)
        return [int(s) for s in np.nonzero(loops)[0]]

    def encode(self, word: Any) -> Code:
        """Symbol indices of ``word`` (a string or a tuple of symbols)."""
        return encode(word, self._index, self._chars)

    def decode(self, code: Sequence[int]) -> str | tuple[str, ...]:
        """The word of symbol indices ``code``; a code that is no symbol's index is refused."""
        return decode(check_code(code, len(self.alphabet)), self.alphabet)

    # -- running -------------------------------------------------------------------------------
    def run_codes(self, codes: Sequence[Code]) -> np.ndarray:
        """State reached by each encoded word (tuples of symbol indices); a code that is no symbol's
        index is refused."""
        return run_table(self.transitions, self.initial, check_codes(codes, len(self.alphabet)))

    def run(self, words: Any) -> np.ndarray:
        """State reached by each word of ``words``."""
        flat = encode_flat(words, self._index, self._chars)
        if flat is not None:  # strings of characters: read in one pass, no tuple a word
            return run_flat(self.transitions, self.initial, *flat)
        return run_table(self.transitions, self.initial, encode_many(words, self._index, self._chars))

    def predict_codes(self, codes: Sequence[Code]) -> np.ndarray:
        """Output class index of each encoded word."""
        return self.outputs[self.run_codes(codes)]

    def step(self, state: int, symbol: str) -> int:
        """The state reached from ``state`` on one ``symbol``."""
        if not isinstance(symbol, str) or symbol not in self._index:
            raise ValueError(f"symbol {symbol!r} is not in the alphabet {list(self.alphabet)}")
        if isinstance(state, (bool, np.bool_)) or not isinstance(state, (int, np.integer)) \
                or not 0 <= state < len(self.transitions):
            raise ValueError(f"state must be an integer in 0..{len(self.transitions) - 1}, got {state!r}")
        return int(self.transitions[state, self._index[symbol]])

    # -- canonical form ------------------------------------------------------------------------
    def _rebuilt(self, transitions: np.ndarray, outputs: np.ndarray, initial: int) -> _Automaton:
        raise NotImplementedError  # pragma: no cover - each subclass builds its own kind

    def minimize(self) -> _Automaton:
        """The equivalent minimal automaton, unreachable states dropped, states renumbered
        breadth-first from the start state (so equal languages give equal objects).

        >>> DFA(["a"], [[1], [0]], [True, True]).minimize().size
        1
        """
        part = np.unique(self.outputs, return_inverse=True)[1].astype(np.int64)
        while True:
            signature = np.column_stack([part, part[self.transitions]])
            new = np.unique(signature, axis=0, return_inverse=True)[1].reshape(-1).astype(np.int64)
            if new.max() == part.max():
                part = new
                break
            part = new
        n_blocks = int(part.max()) + 1
        rep = np.zeros(n_blocks, dtype=np.int64)
        rep[part[::-1]] = np.arange(self.n_states)[::-1]  # first state of each block
        trans = part[self.transitions[rep]]
        outs = self.outputs[rep]
        return self._canonical(trans, outs, int(part[self.initial]))

    def _canonical(self, trans: np.ndarray, outs: np.ndarray, initial: int) -> _Automaton:
        order, seen, queue = [], {initial}, deque([initial])
        while queue:
            s = queue.popleft()
            order.append(s)
            for t in trans[s]:
                t = int(t)
                if t not in seen:
                    seen.add(t)
                    queue.append(t)
        new_id = np.full(trans.shape[0], -1, dtype=np.int64)
        new_id[order] = np.arange(len(order))
        return self._rebuilt(new_id[trans[order]], outs[order], 0)

    # -- comparison ----------------------------------------------------------------------------
    def _aligned(self, other: _Automaton) -> np.ndarray:
        """``other``'s transition table with columns in this automaton's symbol order."""
        if not isinstance(other, _Automaton):
            raise TypeError(f"expected an automaton, got {type(other).__name__}")
        if set(other.alphabet) != set(self.alphabet):
            raise ValueError(f"alphabets differ: {list(self.alphabet)} vs {list(other.alphabet)}")
        return other.transitions[:, [other._index[s] for s in self.alphabet]]

    def _product_walk(self, other: _Automaton) -> tuple[dict[tuple[int, int], int], list[tuple[int, int]],
                                                         list[tuple[int, int]]]:
        """Breadth-first walk of the reachable pairs: (pair -> id, pairs in order, (parent, symbol))."""
        other_t = self._aligned(other)
        start = (self.initial, other.initial)
        ids, pairs, back = {start: 0}, [start], [(-1, -1)]
        i = 0
        while i < len(pairs):
            p, q = pairs[i]
            for a in range(len(self.alphabet)):
                nxt = (int(self.transitions[p, a]), int(other_t[q, a]))
                if nxt not in ids:
                    ids[nxt] = len(pairs)
                    pairs.append(nxt)
                    back.append((i, a))
            i += 1
        return ids, pairs, back

    def distinguishing_word(self, other: _Automaton) -> str | tuple[str, ...] | None:
        """A shortest word on which the two automata give different outputs, or None if they are
        equivalent (equal languages / equal output functions).

        >>> a = DFA.from_regex("0*", "01"); b = DFA.from_regex("(00)*", "01")
        >>> a.distinguishing_word(b)
        '0'
        >>> a.distinguishing_word(DFA.from_regex("(0|00)*", "01")) is None
        True
        """
        _, pairs, back = self._product_walk(other)  # checks that other is an automaton over this alphabet
        mine, theirs = self._labels(), other._labels()
        for i, (p, q) in enumerate(pairs):  # breadth-first order: the first difference is shortest
            if mine[self.outputs[p]] != theirs[other.outputs[q]]:
                word: list[int] = []
                while back[i][0] >= 0:
                    i, a = back[i]
                    word.append(a)
                return self.decode(word[::-1])
        return None

    def equivalent(self, other: _Automaton) -> bool:
        """True when both automata give the same output on every word."""
        return self.distinguishing_word(other) is None

    def _labels(self) -> list[Any]:
        return [c.item() if isinstance(c, np.generic) else c for c in self.classes]

    # -- rendering -----------------------------------------------------------------------------
    def state_label(self, s: int) -> str:  # pragma: no cover - each subclass labels its own outputs
        raise NotImplementedError

    def _table_lines(self) -> list[str]:
        # The rejecting state that loops on every symbol is a DFA's sink; an accepting one is not.
        sinks = {s for s in self.sink_states() if self.kind == "dfa" and not self.outputs[s]}
        names = [f"q{s}" for s in range(self.n_states)]
        heads = ["state", *map(symbol_text, self.alphabet), "output"]
        rows = []
        for s in range(self.n_states):
            mark = "->" if s == self.initial else "  "
            rows.append([f"{mark} {names[s]}", *(names[t] for t in self.transitions[s]),
                         self.state_label(s) + ("  (sink)" if s in sinks else "")])
        # padded by terminal columns (_table.width), so a symbol or label in wide characters keeps the columns
        widths = [max(width(r[i]) for r in [["   " + heads[0], *heads[1:]], *rows]) for i in range(len(heads))]
        fmt = lambda r: "  ".join(c + " " * (w - width(c)) for c, w in zip(r, widths)).rstrip()  # noqa: E731
        return [fmt(["   " + heads[0], *heads[1:]]), *(fmt(r) for r in rows)]

    def to_dot(self) -> str:
        """Graphviz source: one node per state (double circle = accepting; a Moore state shows its
        label's ``repr``), edges merged per target with their symbols listed, separated by commas
        (a symbol with a comma, a quote, a space or a character that does not print is written as its
        ``repr``, as ``show`` writes it: symbols ``a,b`` and ``c`` read ``'a,b',c``).

        >>> print(DFA(["a"], [[0]], [True]).to_dot().splitlines()[0])
        digraph automaton {
        """
        lines = ["digraph automaton {", "  rankdir=LR;", '  __start [shape=point, label=""];']
        for s in range(self.n_states):
            lines.append(f"  q{s} [{self._dot_node(s)}];")
        lines.append(f"  __start -> q{self.initial};")
        for s in range(self.n_states):
            targets: dict[int, list[str]] = {}
            for a, t in enumerate(self.transitions[s]):
                targets.setdefault(int(t), []).append(self.alphabet[a])
            for t, syms in targets.items():
                lines.append(f'  q{s} -> q{t} [label={dot_string(",".join(map(symbol_text, syms)))}];')
        lines.append("}")
        return "\n".join(lines)

    def _dot_node(self, s: int) -> str:  # pragma: no cover - each subclass draws its own states
        raise NotImplementedError

    # -- serialisation -------------------------------------------------------------------------
    def _transitions_json(self) -> list[dict[str, int]]:
        return [{a: int(t) for a, t in zip(self.alphabet, row)} for row in self.transitions]

    @staticmethod
    def _read_common(payload: dict[str, Any]) -> tuple[tuple[str, ...], np.ndarray, int, dict[str, Any]]:
        raw_alpha = require(payload, "alphabet", list)
        try:
            alphabet = check_alphabet(raw_alpha)
        except (TypeError, ValueError) as exc:
            raise ModelFormatError(f"malformed automaton: bad 'alphabet': {exc}") from None
        rows = require(payload, "transitions", list)
        if not rows:
            raise ModelFormatError("malformed automaton: 'transitions' is empty (need at least one state)")
        table = np.zeros((len(rows), len(alphabet)), dtype=np.int64)
        for s, row in enumerate(rows):
            if not isinstance(row, dict):
                raise ModelFormatError(f"malformed automaton: transitions of state {s} should be an object "
                                       f"{{symbol: target}}, got {type(row).__name__}")
            unknown = [k for k in row if k not in alphabet]
            if unknown:
                raise ModelFormatError(f"malformed automaton: state {s} has a transition on unknown symbol "
                                       f"{unknown[0]!r} (alphabet {list(alphabet)})")
            for a, sym in enumerate(alphabet):
                if sym not in row:
                    raise ModelFormatError(f"malformed automaton: state {s} has no transition on symbol {sym!r} "
                                           "(automata must be complete)")
                t = row[sym]
                if not isinstance(t, int) or isinstance(t, bool):
                    raise ModelFormatError(f"malformed automaton: transition of state {s} on {sym!r} should be "
                                           f"a state number, got {t!r}")
                if not 0 <= t < len(rows):
                    raise ModelFormatError(f"malformed automaton: state {s} on {sym!r} goes to missing state {t} "
                                           f"(states are 0..{len(rows) - 1})")
                table[s, a] = t
        initial = require(payload, "initial", int)
        meta = payload.get("meta", {})
        if not isinstance(meta, dict):
            raise ModelFormatError("malformed automaton: 'meta' should be an object")
        return alphabet, table, initial, meta


@register_model
class DFA(_Automaton):
    """A complete deterministic finite automaton: ``accepts(word)`` is True or False.

    Parameters
    ----------
    alphabet : sequence of str
        The input symbols; words are strings (single-character symbols) or tuples of symbols.
    transitions : array-like of int, shape (n_states, n_symbols)
        ``transitions[s, a]`` is the state reached from ``s`` on ``alphabet[a]``.
    accepting : array-like of bool, shape (n_states,)
    initial : int
        The start state.
    meta : dict, optional
        JSON-typed facts about how the automaton was obtained (kept by the round trip).

    Examples
    --------
    >>> dfa = DFA(["0", "1"], [[1, 0], [2, 0], [2, 2]], [True, True, False])   # no "00"
    >>> dfa.accepts("0110"), dfa.accepts("1001")
    (True, False)
    >>> dfa.predict(["", "01", "0011"]).tolist()
    [True, True, False]
    >>> dfa.size
    3
    >>> import symdistill as sd
    >>> sd.load(dfa.to_json()) == dfa
    True
    """

    kind = "dfa"
    fields = ("alphabet", "initial", "transitions", "accepting", "meta")

    def __init__(self, alphabet: Sequence[str], transitions: Any, accepting: Any, *, initial: int = 0,
                 meta: dict[str, Any] | None = None) -> None:
        acc = np.asarray(accepting)
        if acc.dtype != bool and not (acc.size and np.isin(acc, [0, 1]).all()):
            raise ModelFormatError(f"'accepting' must hold one boolean per state, got {acc.tolist()!r}")
        super().__init__(alphabet, transitions, acc.astype(np.int64), [False, True], initial=initial, meta=meta)

    @property
    def accepting(self) -> np.ndarray:
        """Boolean mask of the accepting states."""
        return self.outputs.astype(bool)

    def _rebuilt(self, transitions: np.ndarray, outputs: np.ndarray, initial: int) -> DFA:
        return DFA(self.alphabet, transitions, outputs.astype(bool), initial=initial, meta=self.meta)

    def minimize(self) -> DFA:  # narrows the return type
        return super().minimize()  # type: ignore[return-value]

    # -- prediction ----------------------------------------------------------------------------
    def accepts(self, word: Any) -> bool:
        """Whether ``word`` (a string or tuple of symbols) is in the language."""
        return bool(self.outputs[run_table(self.transitions, self.initial, [self.encode(word)])[0]])

    def predict(self, words: Any) -> np.ndarray:
        """Boolean array: acceptance of each word of ``words``."""
        return self.outputs[self.run(words)].astype(bool)

    # -- language operations -------------------------------------------------------------------
    def complement(self) -> DFA:
        """The DFA accepting exactly the words this one rejects.

        >>> DFA.from_regex("0*", "01").complement().accepts("01")
        True
        """
        return DFA(self.alphabet, self.transitions, ~self.accepting, initial=self.initial).minimize()

    def product(self, other: DFA, op: str = "and") -> DFA:
        """Product automaton: ``op`` is "and" (intersection), "or" (union), "xor" (symmetric
        difference) or "diff" (this language minus the other's). The result is minimised.

        >>> a, b = DFA.from_regex("0.*", "01"), DFA.from_regex(".*1", "01")
        >>> a.product(b, "and").accepts("001"), a.product(b, "diff").accepts("010")
        (True, True)
        """
        if not isinstance(other, DFA):
            raise TypeError(f"product needs another DFA, got {type(other).__name__}")
        if op not in _OPS:
            raise ValueError(f"op must be one of {_OPS}, got {op!r}")
        ids, pairs, _ = self._product_walk(other)
        other_t = self._aligned(other)
        p = np.array([pq[0] for pq in pairs])
        q = np.array([pq[1] for pq in pairs])
        trans = np.array([[ids[(int(self.transitions[a_, s]), int(other_t[b_, s]))]
                           for s in range(len(self.alphabet))] for a_, b_ in pairs], dtype=np.int64)
        x, y = self.accepting[p], other.accepting[q]
        acc = {"and": x & y, "or": x | y, "xor": x ^ y, "diff": x & ~y}[op]
        return DFA(self.alphabet, trans, acc, initial=0).minimize()

    def intersection(self, other: DFA) -> DFA:
        return self.product(other, "and")

    def union(self, other: DFA) -> DFA:
        return self.product(other, "or")

    def difference(self, other: DFA) -> DFA:
        return self.product(other, "diff")

    def is_empty(self) -> bool:
        """True when no word is accepted."""
        return self.shortest_accepted() is None

    def shortest_accepted(self) -> str | tuple[str, ...] | None:
        """A shortest accepted word (the first in breadth-first symbol order), or None.

        >>> DFA.from_regex("1(0|1)*0", "01").shortest_accepted()
        '10'
        """
        empty = DFA(self.alphabet, [[0] * len(self.alphabet)], [False])
        return self.distinguishing_word(empty)

    def is_subset(self, other: DFA) -> bool:
        """True when every word this DFA accepts is accepted by ``other``."""
        return self.product(other, "diff").is_empty()

    @classmethod
    def from_regex(cls, pattern: str, alphabet: Sequence[str]) -> DFA:
        """The minimal DFA of ``pattern`` matched against whole words (as ``re.fullmatch``).

        Supported syntax: symbols (single characters), ``.`` (any symbol), ``[...]`` and
        ``[^...]`` sets, ``|``, ``*``, ``+``, ``?``, parentheses (empty groups and empty
        alternatives allowed), ``\\`` to escape an operator character. When the alphabet has a
        multi-character symbol, ``<ab>`` writes the symbol ``ab`` (also in sets; ``\\>`` and
        ``\\\\`` inside; ``<`` itself is then written ``\\<``); single-character alphabets keep
        the syntax above exactly.

        >>> DFA.from_regex("<if>(<x>|<y>)*", ["if", "x", "y"]).accepts(("if", "y", "x"))
        True
        >>> DFA.from_regex(".*000.*", "01").size
        4
        """
        from .regex import regex_to_dfa

        return regex_to_dfa(pattern, alphabet)

    # -- rendering / serialisation -------------------------------------------------------------
    def state_label(self, s: int) -> str:
        return "accept" if self.outputs[s] else "reject"

    def _dot_node(self, s: int) -> str:
        return f'shape={"doublecircle" if self.outputs[s] else "circle"}, label="q{s}"'

    def __str__(self) -> str:
        acc = ", ".join(f"q{s}" for s in np.nonzero(self.accepting)[0]) or "none"
        head = (f"DFA: {counted(self.n_states, 'state')} over alphabet {list(self.alphabet)}, start q{self.initial}, "
                f"accepting {{{acc}}}")
        return "\n".join([head, *self._table_lines()])

    def __repr__(self) -> str:
        return f"DFA(states={self.n_states}, alphabet={list(self.alphabet)}, accepting={int(self.accepting.sum())})"

    def _payload(self) -> dict[str, Any]:
        return {"alphabet": list(self.alphabet), "initial": self.initial,
                "transitions": self._transitions_json(), "accepting": [bool(x) for x in self.accepting],
                "meta": self.meta}

    @classmethod
    def _from_payload(cls, payload: dict[str, Any]) -> DFA:
        alphabet, table, initial, meta = cls._read_common(payload)
        acc = require(payload, "accepting", list)
        if len(acc) != len(table) or not all(isinstance(x, bool) for x in acc):
            raise ModelFormatError(f"malformed DFA: 'accepting' should hold {len(table)} booleans, one per state")
        return cls(alphabet, table, np.array(acc, dtype=bool), initial=initial, meta=meta)


@register_model
class MooreMachine(_Automaton):
    """A complete Moore machine: every state carries an output label; a word's output is the label
    of the state it ends in. Used for multi-class sequence classifiers.

    Parameters
    ----------
    alphabet : sequence of str
    transitions : array-like of int, shape (n_states, n_symbols)
    outputs : sequence
        One label per state (strings, ints, floats or bools).
    classes : sequence, optional
        The label set in a fixed order; defaults to the sorted distinct outputs.
    initial : int
    meta : dict, optional

    Examples
    --------
    >>> m = MooreMachine("ab", [[1, 0], [2, 1], [0, 2]], ["zero", "one", "two"])  # count of a mod 3
    >>> m.predict(["", "a", "aba", "aaa"]).tolist()
    ['zero', 'one', 'two', 'zero']
    >>> m.output("bab")
    'one'
    """

    kind = "moore"
    fields = ("alphabet", "initial", "transitions", "classes", "outputs", "meta")

    def __init__(self, alphabet: Sequence[str], transitions: Any, outputs: Any, classes: Any = None, *,
                 initial: int = 0, meta: dict[str, Any] | None = None) -> None:
        labels = list(outputs.tolist() if isinstance(outputs, np.ndarray) else outputs)
        if classes is None:
            try:
                classes = sorted(set(labels))
            except TypeError:
                raise ModelFormatError("outputs mix label types that cannot be ordered; pass classes=[...]") from None
        refuse_set("classes", classes, "numbers the classes")
        classes = list(classes.tolist() if isinstance(classes, np.ndarray) else classes)
        for c in chain(classes, labels):
            _check_label(c)
        lookup = {c: i for i, c in enumerate(classes)}
        if len(lookup) != len(classes):
            raise ModelFormatError(f"classes has repeated labels: {classes!r}")
        missing = [x for x in labels if x not in lookup]
        if missing:
            raise ModelFormatError(f"state output {missing[0]!r} is not among the classes {classes!r}")
        super().__init__(alphabet, transitions, [lookup[x] for x in labels], np.asarray(classes, dtype=object),
                         initial=initial, meta=meta)

    @property
    def state_outputs(self) -> list[Any]:
        return [self._labels()[o] for o in self.outputs]

    def _rebuilt(self, transitions: np.ndarray, outputs: np.ndarray, initial: int) -> MooreMachine:
        labels = self._labels()
        return MooreMachine(self.alphabet, transitions, [labels[o] for o in outputs], labels, initial=initial,
                            meta=self.meta)

    def minimize(self) -> MooreMachine:
        return super().minimize()  # type: ignore[return-value]

    def output(self, word: Any) -> Any:
        """The label of one word."""
        return self._labels()[int(self.outputs[run_table(self.transitions, self.initial, [self.encode(word)])[0]])]

    def predict(self, words: Any) -> np.ndarray:
        """The label of each word of ``words``."""
        return label_array(self._labels(), self.outputs[self.run(words)])

    def state_label(self, s: int) -> str:
        return repr(self._labels()[self.outputs[s]])

    def _dot_node(self, s: int) -> str:
        return f"shape=box, label={dot_string(f'q{s} / {self._labels()[self.outputs[s]]!r}')}"

    def __str__(self) -> str:
        head = (f"MooreMachine: {counted(self.n_states, 'state')} over alphabet {list(self.alphabet)}, "
                f"start q{self.initial}, {counted(len(self.classes), 'output label')}")
        return "\n".join([head, *self._table_lines()])

    def __repr__(self) -> str:
        return f"MooreMachine(states={self.n_states}, alphabet={list(self.alphabet)}, classes={self._labels()!r})"

    def _payload(self) -> dict[str, Any]:
        return {"alphabet": list(self.alphabet), "initial": self.initial,
                "transitions": self._transitions_json(), "classes": labels_to_json(self.classes),
                "outputs": [int(o) for o in self.outputs], "meta": self.meta}

    @classmethod
    def _from_payload(cls, payload: dict[str, Any]) -> MooreMachine:
        alphabet, table, initial, meta = cls._read_common(payload)
        classes = require(payload, "classes", list)
        labels_from_json(classes, mixed=True)  # checks: non-empty, distinct, strings or numbers
        outs = require(payload, "outputs", list)
        if len(outs) != len(table) or not all(isinstance(o, int) and not isinstance(o, bool)
                                              and 0 <= o < len(classes) for o in outs):
            raise ModelFormatError(f"malformed moore machine: 'outputs' should hold {len(table)} class indices "
                                   f"in 0..{len(classes) - 1}, one per state")
        return cls(alphabet, table, [classes[o] for o in outs], classes, initial=initial, meta=meta)


def run_table(transitions: np.ndarray, initial: int, codes: Sequence[Code]) -> np.ndarray:
    """State reached by each encoded word in the transition table; vectorised over words, one
    numpy step per position (words sorted longest first, so the live rows are a prefix).

    The symbols are read from the words laid end to end, never from a matrix padded to the
    longest word: memory follows the total length, so one long word among many short ones
    costs no more than itself. Once at most ``_FEW_WORDS`` words are left (the longest), each is
    stepped on its own, a table lookup per symbol: a numpy call per position costs far more for
    a handful of rows, so a word of a million symbols takes a fraction of a second, not seconds.

    >>> run_table(np.array([[1, 0], [0, 1]]), 0, [(), (0,), (0, 1, 0), (1, 1)]).tolist()
    [0, 1, 0, 0]
    """
    lengths = np.fromiter(map(len, codes), dtype=np.int64, count=len(codes))
    return run_flat(transitions, initial, np.fromiter(chain.from_iterable(codes), dtype=np.int64,
                                                      count=int(lengths.sum())), lengths)


def run_flat(transitions: np.ndarray, initial: int, flat: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """``run_table`` of the words whose symbol indices ``flat`` holds end to end, ``lengths`` long."""
    state = np.full(len(lengths), initial, dtype=np.int64)
    width = int(lengths.max()) if len(lengths) else 0
    if width == 0:
        return state
    order = np.argsort(-lengths, kind="stable")
    starts, neg_sorted = (np.cumsum(lengths) - lengths)[order], -lengths[order]
    cur = state[order]
    for t in range(width):
        live = int(np.searchsorted(neg_sorted, -t, side="left"))  # rows with length > t
        if live <= _FEW_WORDS:
            lookup = transitions.item
            for r in range(live):
                q = int(cur[r])
                for a in flat[starts[r] + t:starts[r] - neg_sorted[r]].tolist():
                    q = lookup(q, a)
                cur[r] = q
            break
        cur[:live] = transitions[cur[:live], flat[starts[:live] + t]]
    state[order] = cur
    return state


def symbol_text(symbol: str) -> str:
    """A symbol as ``show`` and ``to_dot`` write it: as is, unless it holds a comma, a quote, a space or
    a character that does not print (a newline, a tab), which would not read as itself in a list or a
    column; then as its ``repr``.

    >>> symbol_text("ab"), symbol_text("a,b"), symbol_text(" "), symbol_text("\\n")
    ('ab', "'a,b'", "' '", "'\\\\n'")
    """
    plain = symbol.isprintable() and not any(ch.isspace() or ch in ",'\"" for ch in symbol)
    return symbol if plain else repr(symbol)


def dot_string(text: str) -> str:
    """``text`` (one line: symbols and labels come as ``symbol_text`` or ``repr`` writes them) as a
    double-quoted DOT string that Graphviz draws as written: quotes and backslashes escaped (a
    backslash would otherwise start an escape such as ``\\N``, the node's name, or ``\\n``).

    >>> print(dot_string('say "hi" \\\\N'))
    "say \\"hi\\" \\\\N"
    """
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _check_label(c: Any) -> None:
    """A Moore machine's label must be what its JSON can hold: a string, a finite number or a boolean."""
    c = c.item() if isinstance(c, np.generic) else c
    if isinstance(c, float) and c != c:
        raise ModelFormatError("a state output is NaN, which equals no label (not even itself); use another label")
    if isinstance(c, float) and c in (math.inf, -math.inf):
        raise ModelFormatError(f"a state output is {c!r}, which JSON cannot hold; use another label")
    if not isinstance(c, (str, int, float, bool)):
        raise ModelFormatError(f"a state output is {c!r} ({type(c).__name__}); labels are strings, numbers or booleans")
    if nul_ended(c):
        raise ModelFormatError(f"a state output is {c!r}; {nul_ended(c)}")


def label_array(labels: list[Any], index: np.ndarray) -> np.ndarray:
    """``labels[index]`` as an array: a plain dtype when every label has one Python type, else an
    object array (so mixed labels such as ``[1.5, "x"]`` keep their types, and integers NumPy would
    hold as floats, ``[2**63 + 1, 1]``, their values)."""
    out = np.empty(len(labels), dtype=object)
    out[:] = labels
    picked = out[index]
    if len({type(c) for c in labels}) == 1:
        dtype = np.asarray(labels).dtype
        if not (dtype.kind == "f" and isinstance(labels[0], int)):
            return picked.astype(dtype)
    return picked

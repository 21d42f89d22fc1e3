"""Active automata learning from a sequence teacher: L* with batched membership queries.

Three separate parts, as in AALpy: the teacher (:mod:`symdistill.teachers.sequence`), the
equivalence oracles (:class:`StatisticalOracle`, :class:`WhiteBoxOracle`) and the learner
(:class:`AutomatonLearner`).

* **Membership queries** fill the observation table in batches: every missing cell of the table
  (a whole new column, or all the rows a closing step adds) goes to the teacher in one call.
* **Counterexamples** are processed as Rivest and Schapire do (one new distinguishing suffix), but
  all decompositions of the counterexample are asked in one batch instead of a binary search.
* **StatisticalOracle**: PAC-style (Angluin 1988). The ``r``-th test (from 0; every equivalence
  query it answers is one, whether it finds a counterexample or not) draws
  ``ceil((ln(1/delta) + (r + 1) ln 2) / epsilon)`` i.i.d. words (length uniform in 0..``max_length``,
  symbols uniform); if the returned hypothesis agrees with the teacher on all of them, then with
  probability at least ``1 - delta`` its disagreement rate under that distribution is at most
  ``epsilon`` (a union bound over the tests: a wrong hypothesis passes test ``r`` with probability
  at most ``delta / 2**(r + 1)``). All short words and coverage walks (the access word
  of every state, every symbol, then a random suffix) are tried first, so that wrong hypotheses are
  refuted cheaply and rarely reached states are tested too; they do not enter the bound.
* **WhiteBoxOracle** (Weiss, Goldberg and Yahav 2018): after an initial breadth-first walk of the
  network over all short words (a fixed test set, and a first split of the hidden space by label),
  explores the network's hidden states and the hypothesis side by side, breadth-first, mapping
  each hidden state to a cell of a partition of the hidden space. Two words in one cell but in different hypothesis states are a conflict: either the
  hypothesis is wrong on a distinguishing suffix (a counterexample) or the partition is too coarse,
  and the cell is split by a hyperplane between the two groups of hidden vectors.
* **Hidden-state refinement** (:class:`NearestStateTable`, the approximate case): an imperfect
  network is rarely a small automaton, and L* pays a column of membership queries over all states
  for every state it adds. Here a state is a word with its hidden state; a transition goes to the
  state whose hidden state is nearest to the successor's under :func:`behaviour_metric`, and
  each counterexample (found on random walks whose every prefix the network labels in one pass,
  decomposed by a batched Rivest-Schapire binary search) adds the one state it shows missing.
  Learning ends when the statistical oracle's PAC test passes, or at a budget.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from .._errors import TeacherError, counted, warn
from .._progress import check_progress, progress_bar
from .._words import Code, pad_codes
from ..domain import is_real
from ..models.automata import DFA, MooreMachine, run_table
from ..teachers.sequence import SequenceTeacher, TorchSequenceTeacher
from .base import Params, check_int, check_random_state

ORACLES = ("auto", "statistical", "whitebox", "both")
OUTPUTS = ("auto", "dfa", "moore")
STRATEGIES = ("auto", "lstar", "hidden")
# hidden-state refinement: metric directions with under this share of the top eigenvalue are
# dropped (under 1% of the scale: they only slow the nearest-neighbour search) ...
_METRIC_FLOOR = 1e-4
# ... a round adds up to 1/_ROUND_SHARE more states, so the rounds, and their per-round cost,
# grow only logarithmically with the states ...
_ROUND_SHARE = 8
# ... after at most this many walks per word of the next PAC test
_WALKS_PER_TEST = 4
# words in the first piece of a membership query under a time budget, which measures the teacher's speed
_MIN_CHUNK = 16
# fewest held-out words that rank the hypotheses of a budget stop: a handful ties them all, and the
# smallest (earliest) would win
_MIN_VALIDATION = 100
# random words on which one hypothesis is scored once under a time budget, which measures the speed of
# scoring the held-out words after learning
_SCORE_SAMPLE = 5000
# states of the first hypothesis whose minimisation is timed under a time budget; timed again at 4x as many
_MINIMISE_TIMED = 256
# words in the first piece of the metric's gradients under a time budget, which measures their speed
_METRIC_PIECE = 50
# random words whose hidden states and gradients make the metric of hidden-state refinement
_METRIC_WORDS = 2000
# most random walks of hidden-state refinement drawn at once
_WALK_BATCH = 4096
# most memory, in GiB, of the matrix a sample of random words is drawn as (words x max_length symbols)
_MAX_SAMPLE_GIB = 2.0
# a label the teacher gave to under this share of the passing test's random words, and to none of the
# longer half of the lengths, is reported: its longer words may simply not have been drawn
_SPARSE_SHARE = 0.1


class _OutOfTime(Exception):
    """The time budget ran out before a membership query was answered in full."""


class _OverMemory(Exception):
    """A sample of random words would take more memory than ``_MAX_SAMPLE_GIB``; the text says which."""


def sample_gib(n: int, max_length: int) -> float:
    """GiB of ``n`` random words drawn as an (n, max_length) matrix of symbols (see :func:`random_words`)."""
    return n * max(max_length, 1) * 8 / 2**30


def longest_fitting(n: int) -> int:
    """The longest ``max_length`` whose samples of ``n`` random words fit in ``_MAX_SAMPLE_GIB``."""
    return int(_MAX_SAMPLE_GIB * 2**30 / (8 * n))


class Budget:
    """A fit's ``time_budget`` (``seconds``; None: none) and how fast the teacher has answered.

    Under a budget, :meth:`query` asks the teacher in pieces that fit the time left at the speed
    it has shown (a piece fits when its words at the seconds a word so far, and its symbols at the
    seconds a symbol so far, both do), and raises ``_OutOfTime`` instead of starting a piece when
    not one more word fits: learning stops before a teacher call it expects to end past the budget.
    Only a teacher whose speed is not known yet is asked a first piece of ``_MIN_CHUNK`` words
    whatever the time left, which measures it. The time left keeps back what the held-out words
    asked after learning (``reserved`` words and symbols) will take at that speed, at most half the
    budget but at least the time of the fewest of them asked (``floor``), so that asking them ends
    within it too, and the seconds of the work after them (``after``: scoring the hypotheses on them
    and minimising the one returned, as the learner estimates it), which even the fewest held-out
    words leave untouched. Without a budget it is ``teacher.query``.
    """

    def __init__(self, seconds: float | None = None, reserved: float = 0.0, floor: float = 0.0) -> None:
        self.start = time.perf_counter()
        self.end = math.inf if seconds is None else self.start + seconds
        self.seconds = 0.0  # spent in the teacher calls made through query ...
        self.words = 0  # ... the words it answered in them (cache misses) ...
        self.units = 0.0  # ... and their cost units: a word's symbols, plus one
        self.reserved = reserved  # units of the held-out words asked after learning ...
        self.floor = floor  # ... and of the fewest of them, asked whatever the time left
        self.after = 0.0  # seconds of the work after the held-out words (see the class docstring)

    def left(self) -> float:
        return self.end - time.perf_counter() - self.held_back()

    def spent(self) -> bool:
        return self.left() <= 0

    def per_unit(self) -> float:
        """Seconds the teacher has taken per unit (a word's symbols, plus one); 0 before it answered."""
        return self.seconds / self.units if self.units else 0.0

    def held_back(self) -> float:
        """Seconds kept back at the end for the held-out words (at most half the budget, but at least
        the time of the fewest of them) and for the work after them."""
        if self.end == math.inf:
            return 0.0
        words = max(min(self.reserved * self.per_unit(), (self.end - self.start) / 2), self.floor * self.per_unit())
        return words + self.after

    def fitting(self, codes: Sequence[Code], seconds: float) -> int | None:
        """How many of ``codes``, from the first, the teacher answers in ``seconds`` at the speed it has
        shown (None: its speed is not known yet)."""
        if not (self.words and self.seconds):
            return None
        units = np.cumsum(np.fromiter(map(len, codes), dtype=np.float64, count=len(codes)) + 1)
        cost = np.maximum(np.arange(1, len(codes) + 1) * (self.seconds / self.words), units * self.per_unit())
        return int(np.searchsorted(cost, seconds, side="right"))

    def query(self, teacher: SequenceTeacher, codes: list[Code], at_least: int | None = None) -> np.ndarray:
        """The teacher's answers to ``codes`` (see the class docstring); with ``at_least``, the answers
        to as many of them, from the first, as the time left holds (none kept back), and at least
        that many, where ``_OutOfTime`` would be raised."""
        if self.end == math.inf or not codes:  # no budget: one call, as ever
            return teacher.query(codes)
        out, i = [], 0
        while i < len(codes):
            left = self.left() if at_least is None else self.end - time.perf_counter() - self.after
            n = self.fitting(codes[i:], left) if left > 0 else 0
            if n is None:  # speed unknown: a first piece measures it (the first at_least, for as many as fit)
                n = _MIN_CHUNK if at_least is None else max(_MIN_CHUNK, at_least - i)
            n = max(n, (at_least or 0) - i)
            if n == 0:  # not one more word fits
                if at_least is None:
                    raise _OutOfTime
                break
            piece = codes[i:i + n]
            t0, answered = time.perf_counter(), teacher.n_queries
            out.append(teacher.query(piece))
            self.seconds += time.perf_counter() - t0
            missed = teacher.n_queries - answered
            self.words += missed
            self.units += missed * (1 + sum(map(len, piece)) / len(piece))
            i += n
        return np.concatenate(out)


# ---------------------------------------------------------------------------------------------
# hypothesis and observation table
# ---------------------------------------------------------------------------------------------
@dataclass
class Hypothesis:
    """A hypothesis of the learner: transition table, output class index per state (indices into
    the teacher's ``classes_``), and the access word of every state."""

    transitions: np.ndarray
    outputs: np.ndarray
    access: list[Code]

    @property
    def n_states(self) -> int:
        return len(self.access)

    def run(self, codes: Sequence[Code]) -> np.ndarray:
        return run_table(self.transitions, 0, codes)

    def predict(self, codes: Sequence[Code]) -> np.ndarray:
        return self.outputs[self.run(codes)]

    def state_classes(self) -> np.ndarray:
        """Equivalence class of every state (Moore's partition refinement): RS suffixes need not be
        suffix-closed, so two distinct table rows can still be equivalent states of the hypothesis."""
        part = np.unique(self.outputs, return_inverse=True)[1].reshape(-1)
        while True:
            new = np.unique(np.column_stack([part, part[self.transitions]]), axis=0,
                            return_inverse=True)[1].reshape(-1)
            if new.max() == part.max():
                return new
            part = new

    def distinguishing_suffix(self, p: int, q: int) -> Code:
        """A shortest suffix on which states ``p`` and ``q`` give different outputs (breadth-first)."""
        k = self.transitions.shape[1]
        seen = {(p, q): ()}
        queue = [(p, q)]
        for pair in queue:
            a, b = pair
            if self.outputs[a] != self.outputs[b]:
                return seen[pair]
            for s in range(k):
                nxt = (int(self.transitions[a, s]), int(self.transitions[b, s]))
                if nxt not in seen:
                    seen[nxt] = seen[pair] + (s,)
                    queue.append(nxt)
        raise ValueError(f"hypothesis states {p} and {q} are equivalent")


class ObservationTable:
    """Angluin's table: prefix-closed access words ``S``, their one-symbol extensions, suffixes ``E``.
    Rows of ``S`` are kept pairwise distinct (Rivest-Schapire counterexample processing), so only
    closedness has to be restored."""

    def __init__(self, teacher: SequenceTeacher, budget: Budget | None = None) -> None:
        self.teacher = teacher
        self.budget = budget or Budget()
        self.k = len(teacher.alphabet)
        self.S: list[Code] = [()]
        self.E: list[Code] = [()]
        self.rows: dict[Code, list[int]] = {}
        self.state_of_row: dict[tuple[int, ...], int] = {}
        self.n_fills = 0

    def _s_set(self) -> set[Code]:
        return set(self.S)

    def fill(self, whatever: bool = False) -> None:
        """Ask every missing cell in one teacher call (through the budget; ``whatever``: whatever the
        time left)."""
        s_set = self._s_set()
        todo: list[tuple[Code, int]] = []
        for u in self.S + [u + (a,) for u in self.S for a in range(self.k) if u + (a,) not in s_set]:
            row = self.rows.setdefault(u, [])
            todo.extend((u, j) for j in range(len(row), len(self.E)))
        if not todo:
            return
        self.n_fills += 1
        codes = [u + self.E[j] for u, j in todo]
        answers = self.budget.query(self.teacher, codes, at_least=len(codes) if whatever else None)
        for (u, _), v in zip(todo, answers):  # cells were listed row by row, in column order
            self.rows[u].append(int(v))
        self.state_of_row = {tuple(self.rows[u]): i for i, u in enumerate(self.S)}

    def unclosed(self) -> list[Code]:
        """One extension per row signature missing from ``S`` (shortest, then lexicographic first)."""
        s_set = self._s_set()
        new: dict[tuple[int, ...], Code] = {}
        for u in self.S:
            for a in range(self.k):
                ua = u + (a,)
                if ua in s_set:
                    continue
                sig = tuple(self.rows[ua])
                if sig not in self.state_of_row and sig not in new:
                    new[sig] = ua
        return sorted(new.values(), key=lambda w: (len(w), w))

    def add_rows(self, words: list[Code]) -> None:
        self.S.extend(words)
        try:
            self.fill()
        except _OutOfTime:  # the table stays as it was
            del self.S[len(self.S) - len(words):]
            raise

    def add_suffix(self, suffix: Code) -> None:
        if suffix in self.E:
            raise TeacherError("counterexample processing found a suffix already in the table: the teacher "
                               "answered the same word differently on two queries (is it deterministic?)")
        self.E.append(suffix)
        try:
            self.fill()
        except _OutOfTime:
            self.E.pop()
            raise

    def hypothesis(self) -> Hypothesis:
        """States are the rows of ``S``; an unclosed extension (only when states are capped) goes to
        the ``S`` row that agrees with it on the most suffixes."""
        n = len(self.S)
        s_rows = np.array([self.rows[u] for u in self.S])
        trans = np.zeros((n, self.k), dtype=np.int64)
        for i, u in enumerate(self.S):
            for a in range(self.k):
                sig = tuple(self.rows[u + (a,)])
                j = self.state_of_row.get(sig)
                if j is None:
                    j = int(np.argmax((s_rows == np.array(sig)).sum(axis=1)))
                trans[i, a] = j
        return Hypothesis(trans, s_rows[:, 0].astype(np.int64), list(self.S))


# ---------------------------------------------------------------------------------------------
# equivalence oracles
# ---------------------------------------------------------------------------------------------
def random_words(rng: np.random.Generator, n: int, k: int, max_length: int) -> list[Code]:
    """``n`` words: length uniform in 0..max_length, symbols uniform over ``k``."""
    lengths = rng.integers(0, max_length + 1, size=n)
    symbols = rng.integers(0, k, size=(n, max(max_length, 1)))
    out: list[Code] = [()] * n
    for length in np.unique(lengths).tolist():
        rows = np.nonzero(lengths == length)[0]
        for i, word in zip(rows.tolist(), map(tuple, symbols[rows, :length].tolist())):
            out[i] = word
    return out


@dataclass
class HeldOut:
    """Words and the teacher's answers, longest first (``padded``), and how many of them are longer
    than each position (``live``): the words still running at a position are the first rows, a slice
    for every hypothesis scored on them, not a gather and scatter of row indices."""

    padded: np.ndarray
    live: list[int]
    truth: np.ndarray

    @classmethod
    def of(cls, words: Sequence[Code], truth: np.ndarray) -> HeldOut:
        order = np.argsort(-np.fromiter(map(len, words), dtype=np.int64, count=len(words)), kind="stable")
        padded, lengths = pad_codes([words[i] for i in order.tolist()])
        live = np.searchsorted(-lengths, -np.arange(padded.shape[1]), side="left")  # words longer than t
        return cls(padded, live.tolist(), np.asarray(truth)[order])


def agreement(h: Hypothesis, held: HeldOut) -> float:
    """The share of the held-out words whose output under ``h`` is the teacher's (1.0 for none)."""
    if not len(held.truth):
        return 1.0
    state = np.zeros(len(held.truth), dtype=np.int64)
    for t, n in enumerate(held.live):
        state[:n] = h.transitions[state[:n], held.padded[:n, t]]
    return float(np.mean(h.outputs[state] == held.truth))


def pac_sample_size(r: int, epsilon: float, delta: float) -> int:
    """Random words the statistical oracle's test of round ``r`` (from 0) draws: enough that an automaton
    passing it differs from the teacher on at most ``epsilon`` of words with probability ``1 - delta``
    over all rounds (delta is split as delta / 2**(r + 1))."""
    return math.ceil((math.log(1 / delta) + (r + 1) * math.log(2)) / epsilon)


class StatisticalOracle:
    """PAC-style equivalence oracle: random words plus coverage walks from every hypothesis state.

    One equivalence query tests, in this order and stopping at the first batch with a
    counterexample (the shortest one in that batch is returned): every word of length up to the
    largest ``d`` with at most ``n_short`` such words; the coverage walks; then the PAC sample, in
    batches of growing size. The PAC sample is drawn in full before testing and every query counts
    as a test (``n_rounds``), so the sample sizes and the guarantee are those of the module
    docstring; the early batches only make wrong hypotheses cheap to refute.

    Parameters
    ----------
    epsilon, delta : float
        Error bound and confidence (see the module docstring for the sample sizes).
    max_length : int
        Random words have a length uniform in ``0..max_length``.
    walks_per_transition : int
        Coverage walks per (state, symbol): access word, the symbol, a random suffix of length
        uniform in ``0..max_length``.
    rng : numpy Generator
    n_short : int
        Most words in the exhaustive short-word batch.
    """

    name = "statistical"

    def __init__(self, *, epsilon: float, delta: float, max_length: int, walks_per_transition: int,
                 rng: np.random.Generator, n_short: int = 256) -> None:
        self.epsilon = epsilon
        self.delta = delta
        self.max_length = max_length
        self.walks_per_transition = walks_per_transition
        self.rng = rng
        self.n_short = n_short
        self.n_rounds = 0
        self.n_words = 0
        # lengths of the PAC sample of the last test and the teacher's answers, when it passed
        self.last_sample: tuple[np.ndarray, np.ndarray] | None = None

    def sample_size(self, r: int) -> int:
        return pac_sample_size(r, self.epsilon, self.delta)

    def _short_words(self, k: int) -> list[Code]:
        words: list[Code] = [()]
        layer: list[Code] = [()]
        while len(words) + len(layer) * k <= self.n_short:
            layer = [w + (a,) for w in layer for a in range(k)]
            words += layer
        return words

    def _walks(self, hyp: Hypothesis, k: int) -> list[Code]:
        walks = self.walks_per_transition
        suffixes = self._draw(hyp.n_states * k * walks, k, f"the coverage walks of {counted(hyp.n_states, 'state')}")
        out, i = [], 0
        for u in hyp.access:
            for a in range(k):
                for _ in range(walks):
                    out.append(u + (a,) + suffixes[i])
                    i += 1
        return out

    def find_counterexample(self, teacher: SequenceTeacher, hyp: Hypothesis,
                            budget: Budget | None = None) -> Code | None:
        """A counterexample, or None; under a ``budget``, raises ``_OutOfTime`` when it runs out first."""
        k = len(teacher.alphabet)
        sample = self._pac_sample(k)
        return self._first_counterexample(teacher, hyp, [self._short_words(k), self._walks(hyp, k)], sample,
                                          budget or Budget())

    def sample_test(self, teacher: SequenceTeacher, hyp: Hypothesis, budget: Budget | None = None) -> Code | None:
        """The PAC sample alone (no short words, no walks): one more test of the union bound."""
        return self._first_counterexample(teacher, hyp, [], self._pac_sample(len(teacher.alphabet)),
                                          budget or Budget())

    def _pac_sample(self, k: int) -> list[Code]:
        """The random words of the next test (which counts as one), or ``_OverMemory`` (nothing drawn)."""
        sample = self._draw(self.sample_size(self.n_rounds), k, f"the statistical oracle's sample of test "
                                                                f"{self.n_rounds + 1} (they grow test by test)")
        self.n_rounds += 1
        return sample

    def _draw(self, n: int, k: int, which: str) -> list[Code]:
        """``n`` random words; ``_OverMemory`` instead where they would not fit in memory."""
        gib = sample_gib(n, self.max_length)
        if gib > _MAX_SAMPLE_GIB:
            raise _OverMemory(f"{which} would be {n} random words drawn as a {n} x {self.max_length} matrix of "
                              f"symbols, {gib:.3g} GiB of memory, over the limit of {_MAX_SAMPLE_GIB:g} GiB (at "
                              f"max_length <= {longest_fitting(n)} it fits)")
        return random_words(self.rng, n, k, self.max_length)

    def _first_counterexample(self, teacher: SequenceTeacher, hyp: Hypothesis, batches: list[list[Code]],
                              sample: list[Code], budget: Budget) -> Code | None:
        self.last_sample = None
        first_sampled, answers = len(batches), []
        start, size = 0, 512
        while start < len(sample):
            batches.append(sample[start:start + size])
            start, size = start + size, size * 2
        for b, words in enumerate(batches):
            if not words:
                continue
            truth = budget.query(teacher, words)
            self.n_words += len(words)
            wrong = np.nonzero(truth != hyp.predict(words))[0]
            if len(wrong):
                return min((words[i] for i in wrong), key=lambda w: (len(w), w))
            if b >= first_sampled:
                answers.append(truth)
        if sample:
            self.last_sample = (np.fromiter(map(len, sample), dtype=np.int64, count=len(sample)),
                                np.concatenate(answers))
        return None


class _Partition:
    """A binary tree of hyperplane splits over the hidden space; leaves are cells."""

    def __init__(self) -> None:
        self.normal: list[np.ndarray | None] = [None]
        self.offset: list[float] = [0.0]
        self.children: list[tuple[int, int] | None] = [None]
        self.leaf_id: dict[int, int] = {0: 0}

    @property
    def n_cells(self) -> int:
        return len(self.leaf_id)

    def cells(self, X: np.ndarray) -> np.ndarray:
        node = np.zeros(len(X), dtype=np.int64)
        active = np.arange(len(X))
        while active.size:
            nxt = []
            for nd in np.unique(node[active]):
                kids = self.children[nd]
                if kids is None:
                    continue
                rows = active[node[active] == nd]
                side = X[rows] @ self.normal[nd] > self.offset[nd]
                node[rows] = np.where(side, kids[1], kids[0])
                nxt.append(rows)
            active = np.concatenate(nxt) if nxt else np.zeros(0, dtype=np.int64)
        return np.array([self.leaf_id[int(n)] for n in node], dtype=np.int64)

    def split(self, cell: int, a: np.ndarray, b: np.ndarray, pair: tuple[np.ndarray, np.ndarray]) -> None:
        """Split ``cell`` by the hyperplane halfway between the means of groups ``a`` and ``b``; if
        that leaves the conflicting ``pair`` together, by the perpendicular bisector of the pair."""
        node = next(n for n, c in self.leaf_id.items() if c == cell)
        ma, mb = a.mean(axis=0), b.mean(axis=0)
        w, c = ma - mb, float((ma - mb) @ (ma + mb) / 2)
        separated = (pair[0] @ w > c) != (pair[1] @ w > c)
        if not separated or not np.any(w):
            w = pair[0] - pair[1]
            c = float(w @ (pair[0] + pair[1]) / 2)
        left, right = len(self.children), len(self.children) + 1
        self.normal[node], self.offset[node], self.children[node] = w, c, (left, right)
        self.normal += [None, None]
        self.offset += [0.0, 0.0]
        self.children += [None, None]
        del self.leaf_id[node]
        self.leaf_id[left] = cell
        self.leaf_id[right] = max(self.leaf_id.values()) + 1 if self.leaf_id else 0


class WhiteBoxOracle:
    """Equivalence by abstraction of the network's hidden states (Weiss, Goldberg, Yahav 2018).

    On its first query the oracle walks the network breadth-first over every word up to a small
    depth (one batched step per depth), keeps their labels as a fixed test set checked against
    every hypothesis (a word labelled differently is a counterexample), and starts the partition
    of the hidden space split so that states with different labels lie in different cells (as
    Weiss et al.'s initial split). The
    partition persists across equivalence queries and only gets finer. Needs a teacher with hidden
    states (:class:`~symdistill.teachers.sequence.TorchSequenceTeacher`).

    Parameters
    ----------
    max_refinements : int
        Most cell splits over the whole run; when reached, the oracle answers "no counterexample"
        without exploring further (``exhausted`` says so of the last query).
    max_depth : int
        Longest word the exploration follows.
    initial_words : int
        The initial walk covers all words up to the largest depth with at most this many words.
    """

    name = "whitebox"

    def __init__(self, *, max_refinements: int = 200, max_depth: int = 100, initial_words: int = 1024) -> None:
        self.max_refinements = max_refinements
        self.max_depth = max_depth
        self.initial_words = initial_words
        self.partition = _Partition()
        self.n_refinements = 0
        self.n_explorations = 0
        self.exhausted = False
        self._walk: tuple[list[Code], np.ndarray] | None = None

    def find_counterexample(self, teacher: SequenceTeacher, hyp: Hypothesis,
                            budget: Budget | None = None) -> Code | None:
        budget = budget or Budget()
        self.exhausted = False
        if not isinstance(teacher, TorchSequenceTeacher):
            raise TypeError("the white-box oracle needs hidden states: wrap a torch module with "
                            "as_sequence_teacher(module, alphabet=...)")
        if self._walk is None:
            self._walk = self._initial_walk(teacher, budget)
        words, labels = self._walk
        for i in np.nonzero(labels != hyp.predict(words))[0]:  # breadth-first: shortest first
            if self._confirm(teacher, hyp, words[i]):
                return words[i]
        while not budget.spent():
            outcome = self._explore(teacher, hyp, budget)
            if outcome is None or isinstance(outcome, tuple):
                return outcome
            if self.n_refinements >= self.max_refinements:
                self.exhausted = True
                return None
        return None

    def _initial_walk(self, teacher: TorchSequenceTeacher, budget: Budget) -> tuple[list[Code], np.ndarray]:
        """Words up to the initial depth and their labels; splits the partition by label. Under a time
        budget a depth is walked only when the time left holds it (``k`` times the depth before: a
        large network takes seconds for the 1,024 words); the walk then covers fewer words."""
        k = len(teacher.alphabet)
        words: list[Code] = [()]
        states = teacher.initial_states(1)
        all_words, all_vecs, all_labels = [], [], []
        start = time.perf_counter()
        while True:
            all_words += words
            all_vecs.append(states.detach().to("cpu").double().numpy())
            all_labels.append(teacher.labels_of_words(states, words))
            if len(all_words) + len(words) * k > self.initial_words:
                break
            if budget.left() < k * (time.perf_counter() - start):
                break
            start = time.perf_counter()
            syms = np.tile(np.arange(k), len(words))
            states = teacher.advance(states[np.repeat(np.arange(len(words)), k)], syms)
            words = [w + (a,) for w in words for a in range(k)]
        vecs, labels = np.concatenate(all_vecs), np.concatenate(all_labels)
        self._split_by_label(vecs, labels)
        return all_words, labels

    def _split_by_label(self, vecs: np.ndarray, labels: np.ndarray) -> None:
        """Split cells until hidden states with different labels lie apart (a few rounds at most)."""
        for _ in range(4 * len(np.unique(labels))):
            cells = self.partition.cells(vecs)
            mixed = [c for c in np.unique(cells) if len(np.unique(labels[cells == c])) > 1]
            if not mixed or self.n_refinements >= self.max_refinements:
                break
            for c in mixed:
                inside = np.nonzero(cells == c)[0]
                top = np.bincount(labels[inside]).argmax()
                a, b = inside[labels[inside] == top], inside[labels[inside] != top]
                self.partition.split(int(c), vecs[a], vecs[b], (vecs[a[0]], vecs[b[0]]))
                self.n_refinements += 1

    def _explore(self, teacher: TorchSequenceTeacher, hyp: Hypothesis, budget: Budget) -> Code | str | None:
        """Returns a counterexample, "refined" after a split, or None after a clean exploration."""
        self.n_explorations += 1
        k = len(teacher.alphabet)
        visited: dict[int, tuple[int, Code, np.ndarray]] = {}
        members: dict[int, list[tuple[int, np.ndarray]]] = {}
        classes = hyp.state_classes()
        words: list[Code] = [()]
        hyp_states = np.array([0])
        states = teacher.initial_states(1)
        for _ in range(self.max_depth + 1):
            if not words or budget.spent():
                return None
            vecs = states.detach().to("cpu").double().numpy()
            labels = teacher.labels_of_words(states, words)
            cells = self.partition.cells(vecs)
            keep: list[int] = []
            for i, (w, q, cell) in enumerate(zip(words, classes[hyp_states].tolist(), cells.tolist())):
                if labels[i] != hyp.outputs[hyp_states[i]] and self._confirm(teacher, hyp, w):
                    return w
                members.setdefault(cell, []).append((q, vecs[i]))
                seen = visited.get(cell)
                if seen is None:
                    visited[cell] = (q, w, vecs[i])
                    keep.append(i)
                elif seen[0] != q:
                    return self._resolve(teacher, hyp, cell, seen, (q, w, vecs[i]), members[cell])
            if not keep:
                return None
            idx = np.repeat(np.array(keep), k)
            syms = np.tile(np.arange(k), len(keep))
            words = [words[i] + (a,) for i, a in zip(idx.tolist(), syms.tolist())]
            hyp_states = hyp.transitions[hyp_states[idx], syms]
            states = teacher.advance(states[idx], syms)
        return None

    def _confirm(self, teacher: SequenceTeacher, hyp: Hypothesis, w: Code) -> bool:
        """Counterexamples are checked through the teacher's cached queries, the one source of truth
        (batched hidden-state arithmetic can differ in the last bits from a fresh query)."""
        return bool(teacher.query([w])[0] != hyp.predict([w])[0])

    def _resolve(self, teacher: SequenceTeacher, hyp: Hypothesis, cell: int, first: tuple[int, Code, np.ndarray],
                 second: tuple[int, Code, np.ndarray], members: list[tuple[int, np.ndarray]]) -> Code | str:
        (q1, w1, v1), (q2, w2, v2) = first, second  # q1, q2: equivalence classes of hypothesis states
        run = hyp.run([w1, w2])
        suffix = hyp.distinguishing_suffix(int(run[0]), int(run[1]))
        probes = [w1 + suffix, w2 + suffix]
        truth = teacher.query(probes)
        guess = hyp.predict(probes)
        for word, t, g in zip(probes, truth, guess):
            if t != g:
                return word
        a = np.array([v for q, v in members if q == q1])
        b = np.array([v for q, v in members if q == q2])
        self.partition.split(cell, a, b, (v1, v2))
        self.n_refinements += 1
        return "refined"


# ---------------------------------------------------------------------------------------------
# hidden-state refinement: the approximate case
# ---------------------------------------------------------------------------------------------
def behaviour_metric(teacher: TorchSequenceTeacher, rng: np.random.Generator, max_length: int,
                     n: int = _METRIC_WORDS, budget: Budget | None = None) -> np.ndarray | None:
    """A linear map of the hidden space under which distance follows behaviour, or None when the
    network cannot be differentiated (plain Euclidean distance is used then).

    The map is the square root of the expected outer product of the gradients of the decision
    margin, after a random suffix (length uniform in 0..``max_length``), with respect to the hidden
    state of a random word. Directions that no later label depends on shrink; slow directions that
    decide labels many symbols later are stretched.

    Under a time ``budget`` the ``n`` words go in pieces, the first of ``_METRIC_PIECE``, for at most
    a quarter of the time left (a large network takes seconds for a few hundred), and the metric is
    that of the words done.
    """
    k = len(teacher.alphabet)
    words = random_words(rng, n, k, max_length)
    suffixes = rng.integers(0, k, size=(n, max_length))
    lengths = rng.integers(0, max_length + 1, size=n)
    bounded = budget is not None and budget.end != math.inf
    deadline = time.perf_counter() + budget.left() / 4 if bounded else math.inf
    parts: list[np.ndarray] = []
    done, start = 0, time.perf_counter()
    while done < n and (not parts or time.perf_counter() < deadline):
        size = n - done if not bounded else _METRIC_PIECE if not parts else \
            max(1, int((deadline - time.perf_counter()) * done / max(time.perf_counter() - start, 1e-9)))
        states, _ = teacher.states_and_labels(words[done:done + size])
        try:
            parts.append(teacher.margin_gradients(states, suffixes[done:done + size], lengths[done:done + size]))
        except (RuntimeError, TypeError):  # e.g. a step() that runs under no_grad or leaves torch
            return None
        done += len(states)
    grads = np.concatenate(parts)
    m = grads.T @ grads / len(grads)
    if not np.all(np.isfinite(m)) or not np.any(m):
        return None
    values, vectors = np.linalg.eigh(m)
    keep = values >= _METRIC_FLOOR * values.max()
    return vectors[:, keep] * np.sqrt(values[keep])


class NearestStateTable:
    """Hypotheses whose states are words of the teacher (representatives) with their hidden states.

    The transition of representative ``u`` on symbol ``a`` goes to the representative whose hidden
    state is nearest to that of ``u a`` under the metric, among the representatives with the label
    of ``u a``. So every representative and every one-symbol extension of one is labelled as the
    teacher labels it, and a counterexample, decomposed as Rivest and Schapire do, points at one
    transition that went to the wrong representative: its target word becomes a representative
    (:meth:`add`). Unlike L*, a new state costs no column of membership queries over all states.
    """

    def __init__(self, teacher: TorchSequenceTeacher, metric: np.ndarray | None) -> None:
        self.teacher = teacher
        self.k = len(teacher.alphabet)
        self.metric = metric
        self.access: list[Code] = []
        self.index: dict[Code, int] = {}
        self.states: Any = None  # tensor (n, D) of the representatives' hidden states
        self.coords = np.zeros((0, 0))
        self.outputs = np.zeros(0, dtype=np.int64)
        self.succ_coords = np.zeros((0, 0))
        self.succ_outputs = np.zeros(0, dtype=np.int64)
        self.trans = np.zeros(0, dtype=np.int64)  # flat: entry u * k + a
        self.dist = np.zeros(0)

    @property
    def n_states(self) -> int:
        return len(self.access)

    def hypothesis(self) -> Hypothesis:
        return Hypothesis(self.trans.reshape(-1, self.k).copy(), self.outputs.copy(), list(self.access))

    def add(self, words: Sequence[Code]) -> None:
        """Make ``words`` representatives (the empty word first; every other word's prefix without
        its last symbol must be a representative or come earlier in ``words``), then any one-symbol
        extension with a label that no representative has yet; reconnect all transitions."""
        old = self.n_states
        todo = [w for w in dict.fromkeys(words) if w not in self.index]
        while todo:
            while todo:  # a word joins once its parent has
                ready = [w for w in todo if not w or w[:-1] in self.index]
                self._append(ready)
                todo = [w for w in todo if w not in self.index]
            have = set(self.outputs.tolist())
            missing: dict[int, Code] = {}
            for i in np.nonzero(~np.isin(self.succ_outputs, list(have)))[0].tolist():
                missing.setdefault(int(self.succ_outputs[i]), self.access[i // self.k] + (i % self.k,))
            todo = list(missing.values())
        self._connect(old)

    def _append(self, words: list[Code]) -> None:
        import torch

        t = self.teacher
        if not words[0]:  # the empty word comes alone: nothing else has a parent yet
            states = t.initial_states(1)
        else:
            states = t.advance(self.states[[self.index[w[:-1]] for w in words]], [w[-1] for w in words])
        succ = t.advance(states.repeat_interleave(self.k, 0), np.tile(np.arange(self.k), len(words)))
        outputs = t.query(words)
        succ_outputs = t.query([w + (a,) for w in words for a in range(self.k)])
        for w in words:
            self.index[w] = len(self.access)
            self.access.append(w)
        self.states = states if self.states is None else torch.cat([self.states, states])
        self.coords = _stack(self.coords, self._coords(states))
        self.outputs = np.concatenate([self.outputs, outputs])
        self.succ_coords = _stack(self.succ_coords, self._coords(succ))
        self.succ_outputs = np.concatenate([self.succ_outputs, succ_outputs])
        self.trans = np.concatenate([self.trans, np.zeros(len(succ_outputs), dtype=np.int64)])
        self.dist = np.concatenate([self.dist, np.full(len(succ_outputs), np.inf)])

    def _coords(self, states: Any) -> np.ndarray:
        x = states.detach().to("cpu").double().numpy()
        return x if self.metric is None else x @ self.metric

    def _connect(self, old: int) -> None:
        """Targets of the new representatives' transitions; old transitions move to a new
        representative only when it is strictly nearer."""
        from scipy.spatial import cKDTree

        new_succ = np.arange(old * self.k, len(self.trans))
        for c in np.unique(self.succ_outputs).tolist():
            members = np.nonzero(self.outputs == c)[0]
            rows = new_succ[self.succ_outputs[new_succ] == c]
            if len(rows):
                d, j = cKDTree(self.coords[members]).query(self.succ_coords[rows])
                self.trans[rows], self.dist[rows] = members[j], d
            fresh = members[members >= old]
            rows = np.nonzero(self.succ_outputs[:old * self.k] == c)[0]
            if len(fresh) and len(rows):
                d, j = cKDTree(self.coords[fresh]).query(self.succ_coords[rows])
                closer = d < self.dist[rows]
                self.trans[rows[closer]], self.dist[rows[closer]] = fresh[j[closer]], d[closer]


def _stack(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return b if a.size == 0 else np.concatenate([a, b])


Counterexample = tuple[Code, int, np.ndarray]  # word, the teacher's class, hypothesis states along the word


def walk_counterexamples(teacher: TorchSequenceTeacher, hyp: Hypothesis, rng: np.random.Generator, length: int,
                         want: int, max_walks: int, budget: Budget) -> tuple[list[Counterexample], float]:
    """Counterexamples from random walks of ``length`` symbols, every prefix of which the teacher
    labels in one pass (:meth:`~symdistill.teachers.sequence.TorchSequenceTeacher.prefix_labels`):
    each prefix where a run of disagreement with the hypothesis starts, confirmed by a membership
    query. Returns up to about ``want`` triples (word, teacher's class, hypothesis states along the
    word), after at most ``max_walks`` walks, and the fraction of walked prefixes labelled
    differently: the prefix of length ``j`` of a uniform walk is a uniform word of length ``j``,
    so this estimates the disagreement rate under the statistical oracle's distribution."""
    k = len(teacher.alphabet)
    found: dict[Code, tuple[int, np.ndarray]] = {}
    walked, batch, n_wrong = 0, 256, 0
    while len(found) < want and walked < max_walks and not budget.spent():
        m = min(batch, max_walks - walked)
        walks = rng.integers(0, k, size=(m, length))
        labels = teacher.prefix_labels(walks)
        path = np.zeros((m, length + 1), dtype=np.int64)
        for j in range(length):
            path[:, j + 1] = hyp.transitions[path[:, j], walks[:, j]]
        wrong = hyp.outputs[path] != labels
        n_wrong += int(wrong.sum())
        rows, ends = np.nonzero(wrong & ~np.concatenate([np.zeros((m, 1), dtype=bool), wrong[:, :-1]], axis=1))
        words = [tuple(walks[r, :e].tolist()) for r, e in zip(rows.tolist(), ends.tolist())]
        truth = budget.query(teacher, words)
        for w, r, e, c in zip(words, rows.tolist(), ends.tolist(), truth.tolist()):
            if c != hyp.outputs[path[r, e]] and w not in found:
                found[w] = (c, path[r, :e + 1])
        walked, batch = walked + m, min(2 * batch, _WALK_BATCH)
    return [(w, c, p) for w, (c, p) in found.items()], n_wrong / max(walked * (length + 1), 1)


def split_words(teacher: SequenceTeacher, hyp: Hypothesis, counterexamples: list[Counterexample],
                budget: Budget | None = None) -> list[Code]:
    """Rivest-Schapire on every counterexample ``w`` at once. With ``s_j`` the hypothesis state after
    ``w[:j]`` and ``a_j`` the teacher's answer on ``access(s_j) w[j:]``, ``a_0`` (the teacher on
    ``w``) differs from ``a_len(w)`` (the hypothesis on ``w``); a binary search, one batched query per
    halving for all counterexamples, finds a ``j`` with ``a_j != a_j+1``: then ``access(s_j) w[j]``
    went to the wrong state, and that word is returned (one per counterexample, without repeats).
    Under a ``budget``, raises ``_OutOfTime`` when it runs out first."""
    budget = budget or Budget()
    words = [w for w, _, _ in counterexamples]
    paths = [p for _, _, p in counterexamples]
    lo = np.zeros(len(words), dtype=np.int64)
    hi = np.array([len(w) for w in words], dtype=np.int64)
    first = np.array([c for _, c, _ in counterexamples], dtype=np.int64)  # the answer at lo
    while True:
        todo = np.nonzero(hi - lo > 1)[0]
        if not len(todo):
            break
        mid = (lo[todo] + hi[todo]) // 2
        answers = budget.query(teacher, [hyp.access[int(paths[i][m])] + words[i][m:]
                                         for i, m in zip(todo.tolist(), mid.tolist())])
        same = answers == first[todo]
        lo[todo[same]] = mid[same]
        hi[todo[~same]] = mid[~same]
    out = {hyp.access[int(p[j])] + (w[j],): None for w, p, j in zip(words, paths, lo.tolist())}
    return list(out)


# ---------------------------------------------------------------------------------------------
# the learner
# ---------------------------------------------------------------------------------------------
class AutomatonLearner(Params):
    """L* over a sequence teacher, with batched queries and a statistical and/or white-box oracle;
    for networks that no small automaton matches, hidden-state refinement takes over.

    **The exact case.** L* asks membership queries and equivalence queries until the oracles find
    no counterexample: a network that implements a regular language is extracted as that language's
    minimal automaton.

    **The approximate case.** An imperfect network rarely is a small automaton: L* keeps finding
    counterexamples and every new state costs a column of queries over all states. With
    ``strategy="auto"`` and a teacher with hidden states, L* gets up to ``lstar_states`` states;
    if it has not converged by then, a :class:`NearestStateTable` seeded with L*'s access words
    continues up to ``max_states``: counterexamples come from random walks of ``max_length``
    symbols whose every prefix the network labels in one pass, each adds one state, and the run
    ends when a PAC test of the statistical oracle passes (the same guarantee as in the exact
    case) or a budget is spent. Every hypothesis of both phases is kept; on a budget stop the one
    that agrees most with the teacher on held-out words is returned.

    Parameters
    ----------
    max_states : int
        Largest automaton returned. When a counterexample would need more states, learning stops
        and the best hypothesis so far (highest agreement with the teacher on a held-out sample of
        random words) is returned, with ``stopped_ == "max_states"``.
    oracle : {"auto", "statistical", "whitebox", "both"}
        L*'s equivalence oracles. "auto" is "both" (white-box first, then statistical) for torch
        teachers, else "statistical".
    strategy : {"auto", "lstar", "hidden"}
        "lstar": L* only. "hidden": hidden-state refinement only (needs hidden states). "auto": L*
        first, then hidden-state refinement when the teacher has hidden states and L* has not
        converged within ``lstar_states`` states.
    lstar_states : int
        With ``strategy="auto"`` and hidden states, the most states L* may use.
    epsilon, delta : float
        PAC parameters of the statistical oracle.
    max_length : int
        Random words of the statistical oracle and of the held-out sample have lengths uniform in
        ``0..max_length``; the walks of hidden-state refinement have this length.
    walks_per_transition : int
        Coverage walks per (state, symbol) in every statistical equivalence query of L*.
    max_refinements : int
        Most partition splits of the white-box oracle.
    time_budget : float or None
        Seconds for the whole fit; when spent, the best hypothesis so far is returned (``stopped_ ==
        "time_budget"``). Queries near its end are asked in pieces that fit the time left (see
        :class:`Budget`); learning keeps back the time the ``n_validation`` held-out words will take
        at the teacher's speed, at most half the budget but at least the time of 100 of them, and
        where that is too short for them all as many are asked as fit (100 at least, whatever the
        budget: a teacher too slow for them overruns it, and the warning says so). It also keeps back
        the time of the work after them, scoring every hypothesis on them and minimising the one
        returned, as measured on the latest hypothesis (see ``_keep_back``); that estimate can fall
        a little short (under 2% of the budget on the figures of the README), and the warning says
        when a fit overran its budget so.
    output : {"auto", "dfa", "moore"}
        "auto" returns a DFA when the teacher's labels are booleans (or 0/1), else a Moore machine.
    n_validation : int
        Size of the held-out sample (random words, as the statistical oracle's) that ranks the
        hypotheses when a budget stops learning; asked only then (at least 100).
    random_state : int or None
    progress : bool or None
        Progress bar (None: only on an interactive terminal).

    Attributes
    ----------
    model_ : DFA or MooreMachine
    stopped_ : None, "max_states", "time_budget" or "max_length"
        "max_length": the statistical oracle's next sample of random words would not fit in memory
        (its words x ``max_length`` matrix of symbols over 2 GiB); the warning says which, and the
        ``max_length`` at which it fits.
    n_rounds_ : int
        Equivalence queries asked (L*), plus counterexample searches (hidden-state refinement).
    n_queries_ : int
        Words the teacher's backend answered (cache misses; each prefix of a walk, and each word the
        white-box oracle walks, counts, as do the cached words the teacher is asked again at the start,
        :meth:`~symdistill.teachers.sequence.SequenceTeacher.forget_if_changed`); also ``model_.meta["n_queries"]``.
    n_cache_hits_ : int
        Words asked that the teacher answered without its backend (from its cache, or asked twice in
        one query); also ``model_.meta["cache_hits"]``.
    validation_agreement_ : float or None
        When a budget stopped learning: agreement of ``model_`` with the teacher on the held-out
        sample (None otherwise: the oracles found no counterexample).
    n_validation_ : int
        Held-out words asked (0 when none were): ``n_validation``, or fewer where a teacher too slow
        to answer them all within the ``time_budget`` was asked as many as fit.
    history_ : list of (n_states, agreement or None)
        Every hypothesis in order.
    sparse_label_ : dict or None
        When the oracles passed but the teacher gave a label to under a tenth of the last test's
        random words, and to none longer than ``max_length / 2``: ``{"label", "words", "of",
        "longest"}`` (words with that label, of how many, the longest's length; -1 for none), also
        said in a warning. Longer such words are too rare to have been tested (a^n b^n gets a finite
        approximation that passes). None otherwise.

    Examples
    --------
    >>> from symdistill.teachers.sequence import as_sequence_teacher
    >>> teacher = as_sequence_teacher(lambda ws: ["000" not in w for w in ws], alphabet="01")
    >>> learner = AutomatonLearner(random_state=0).fit(teacher)
    >>> learner.model_.size, learner.stopped_
    (4, None)
    """

    def __init__(self, *, max_states: int = 50, oracle: str = "auto", strategy: str = "auto", lstar_states: int = 64,
                 epsilon: float = 0.001, delta: float = 0.05, max_length: int = 30, walks_per_transition: int = 4,
                 max_refinements: int = 200, time_budget: float | None = None, output: str = "auto",
                 n_validation: int = 10000, random_state: int | None = None, progress: bool | None = None) -> None:
        self.max_states = max_states
        self.oracle = oracle
        self.strategy = strategy
        self.lstar_states = lstar_states
        self.epsilon = epsilon
        self.delta = delta
        self.max_length = max_length
        self.walks_per_transition = walks_per_transition
        self.max_refinements = max_refinements
        self.time_budget = time_budget
        self.output = output
        self.n_validation = n_validation
        self.random_state = random_state
        self.progress = progress

    def _validate_params(self, teacher: Any) -> None:
        if not isinstance(teacher, SequenceTeacher):
            raise TypeError(f"fit needs a SequenceTeacher (see as_sequence_teacher), got {type(teacher).__name__}")
        check_int("max_states", self.max_states, 1)
        check_int("lstar_states", self.lstar_states, 1)
        check_int("max_length", self.max_length, 1)
        check_int("walks_per_transition", self.walks_per_transition, 0)
        check_int("max_refinements", self.max_refinements, 0)
        check_int("n_validation", self.n_validation, _MIN_VALIDATION)
        if self.oracle not in ORACLES:
            raise ValueError(f"oracle must be one of {ORACLES}, got {self.oracle!r}")
        if self.strategy not in STRATEGIES:
            raise ValueError(f"strategy must be one of {STRATEGIES}, got {self.strategy!r}")
        if self.output not in OUTPUTS:
            raise ValueError(f"output must be one of {OUTPUTS}, got {self.output!r}")
        for name in ("epsilon", "delta"):
            v = getattr(self, name)
            if not is_real(v) or not 0 < v < 1:
                raise ValueError(f"{name} must be a number in (0, 1), got {v!r}")
        if self.time_budget is not None and (not is_real(self.time_budget) or not 0 < self.time_budget < math.inf):
            raise ValueError(f"time_budget must be a positive number of seconds or None, got {self.time_budget!r}")
        check_random_state(self.random_state)
        check_progress(self.progress)
        self._check_sample_memory(teacher)
        for name, value in (("oracle", self.oracle), ("strategy", self.strategy)):
            if value in ("whitebox", "both", "hidden") and not teacher.has_hidden_states:
                raise ValueError(f"{name}={value!r} needs hidden states, but {teacher.name} has none; wrap a torch "
                                 "module with as_sequence_teacher(module, alphabet=...) or use oracle='statistical' "
                                 "and strategy='lstar'")

    def _check_sample_memory(self, teacher: SequenceTeacher) -> None:
        """Refuse a ``max_length`` whose samples of random words would not fit in memory: each is drawn as
        a (words, max_length) matrix of symbols, which at max_length=10**6 took numpy 27.5 GiB. Refused
        up front: the samples whose sizes the options fix (the statistical oracle's first, the held-out
        words, and hidden-state refinement's metric and walks where it may run). The oracle's later
        samples grow with every test, and its coverage walks with the states, up to sizes no option
        bounds (hidden-state refinement tests 100,000 states): each is checked where it is drawn, and
        one over the limit stops learning as a budget does (``stopped_ == "max_length"``)."""
        samples = [(pac_sample_size(0, self.epsilon, self.delta),
                    "the statistical oracle's first sample (from epsilon and delta)", " (or a larger epsilon)"),
                   (self.n_validation, "the held-out sample (n_validation)", " (or a smaller n_validation)")]
        if self.strategy == "hidden" or (self.strategy == "auto" and teacher.has_hidden_states
                                         and self.max_states > self.lstar_states):
            samples += [(_METRIC_WORDS, "the sample of hidden-state refinement's metric", ""),
                        (_WALK_BATCH, "a batch of hidden-state refinement's random walks", "")]
        n, which, fewer = max(samples)
        gib = sample_gib(n, self.max_length)
        if gib > _MAX_SAMPLE_GIB:
            raise ValueError(f"max_length={self.max_length} is too long: {which} is {n} random words drawn as a "
                             f"{n} x {self.max_length} matrix of symbols, {gib:.3g} GiB of memory, over the limit of "
                             f"{_MAX_SAMPLE_GIB:g} GiB; use max_length <= {longest_fitting(n)}{fewer}")

    def fit(self, teacher: SequenceTeacher) -> AutomatonLearner:
        """Learn an automaton from ``teacher``; returns ``self`` with ``model_`` set."""
        self._validate_params(teacher)
        # the held-out words (lengths uniform in 0..max_length) are asked within the budget too
        budget = Budget(self.time_budget, reserved=self.n_validation * (self.max_length / 2 + 1),
                        floor=_MIN_VALIDATION * (self.max_length / 2 + 1))
        queries_before, hits_before = teacher.n_queries, teacher.n_cache_hits
        teacher.forget_if_changed()  # a network trained since its cache was filled (counted in meta)
        seeds = np.random.SeedSequence(self.random_state).spawn(3)
        hidden = self.strategy == "hidden" or (self.strategy == "auto" and teacher.has_hidden_states)
        lstar_cap = min(self.max_states, self.lstar_states) if hidden and self.strategy != "lstar" else self.max_states
        if self.strategy == "hidden":  # no L*: the statistical oracle only gives the final PAC test
            oracles: list[Any] = [self._statistical(np.random.default_rng(seeds[0]))]
        else:
            oracles = self._oracles(teacher, np.random.default_rng(seeds[0]), lstar_cap)
        hypotheses: list[Hypothesis] = []
        self.stopped_: str | None = None
        self._memory: str | None = None  # which sample a stop by max_length would not draw
        self.n_rounds_ = 0
        self.metric_: str | None = None
        self._timed: tuple[int, float, float] = (0, 0.0, 0.0)  # see _keep_back
        n_lstar = 0
        with progress_bar(self.max_states, "L* states", self.progress) as bar:
            seed_words: list[Code] = [()]
            if self.strategy != "hidden":
                table = self._fit_lstar(teacher, oracles, lstar_cap, budget, hypotheses, bar)
                seed_words = list(table.S)
                n_lstar = len(hypotheses)
            if self.strategy == "hidden" or (hidden and self.stopped_ == "max_states" and lstar_cap < self.max_states
                                             and not budget.spent()):
                bar.set_description("hidden-state refinement")
                pac = next((o for o in oracles if isinstance(o, StatisticalOracle)), None) or \
                    self._statistical(np.random.default_rng(seeds[0]))
                self._fit_hidden(teacher, seed_words, pac, np.random.default_rng(seeds[2]), budget, hypotheses, bar)
        self.history_ = [(h.n_states, None) for h in hypotheses]
        final, self.validation_agreement_, self.n_validation_ = hypotheses[-1], None, 0
        if self.stopped_ is not None:
            final = self._best(teacher, hypotheses, np.random.default_rng(seeds[1]), budget)
        self.n_queries_ = teacher.n_queries - queries_before
        self.n_cache_hits_ = teacher.n_cache_hits - hits_before
        self.oracles_ = oracles
        learner = "L*" if any(h is final for h in hypotheses[:n_lstar]) else "L* + hidden-state refinement"
        if self.strategy == "hidden":
            learner = "hidden-state refinement"
        if not any(h is final for h in hypotheses):
            learner = "the held-out words' commonest class (every hypothesis within the budget agreed less)"
        self.sparse_label_ = self._sparse_label(teacher, oracles)
        self.model_ = self._to_model(teacher, final, [o.name for o in oracles], learner)
        self.fit_time_ = time.perf_counter() - budget.start
        self._kept_back = (budget.start, budget.end - budget.after, budget.after)  # see _overrun
        if self.sparse_label_ is not None:
            warn(self._sparse_text())
        gave_up = [o for o in oracles if isinstance(o, WhiteBoxOracle) and o.exhausted]
        if gave_up and self.stopped_ is None and not any(isinstance(o, StatisticalOracle) for o in oracles):
            warn(f"the white-box oracle stopped exploring after max_refinements={self.max_refinements} "
                 "partition splits: its last 'no counterexample' is not a full check of the automaton; use "
                 "oracle='both' (the statistical test too) or a larger max_refinements")
        if self.stopped_ is not None:
            warn(
                f"automaton learning stopped by {self.stopped_} after {counted(self.n_rounds_, 'equivalence query')}; "
                f"returning the best hypothesis so far ({counted(self.model_.size, 'state')} after minimisation, agreement "
                f"{self.validation_agreement_:.4f} with the teacher on {self.n_validation_} held-out words"
                f"{self._shrunk()}){self._overrun()}{'' if self._memory is None else '; ' + self._memory}")
        return self

    def _fit_lstar(self, teacher: SequenceTeacher, oracles: list[Any], cap: int, budget: Budget,
                   hypotheses: list[Hypothesis], bar: Any) -> ObservationTable:
        table = ObservationTable(teacher, budget)
        table.fill(whatever=True)  # a hypothesis needs it; its speed tells what fits later
        n_before = len(hypotheses)
        while True:
            try:
                capped = self._close(table, cap)
            except _OutOfTime:
                self.stopped_ = "time_budget"
                if len(hypotheses) == n_before:  # none yet: the table as it is, unclosed
                    hypotheses.append(table.hypothesis())
                    self._keep_back(teacher, hypotheses, budget)
                return table
            hyp = table.hypothesis()
            hypotheses.append(hyp)
            self._keep_back(teacher, hypotheses, budget)
            bar.update(hyp.n_states - bar.n)
            bar.set_postfix(rounds=self.n_rounds_)
            if capped:
                self.stopped_ = "max_states"
                return table
            if budget.spent():
                self.stopped_ = "time_budget"
                return table
            cex = None
            try:
                for oracle in oracles:
                    self.n_rounds_ += 1
                    cex = oracle.find_counterexample(teacher, hyp, budget)
                    if cex is not None or budget.spent():
                        break
                if cex is None:
                    if budget.spent():
                        self.stopped_ = "time_budget"
                    return table
                if hyp.n_states >= cap:
                    self.stopped_ = "max_states"
                    return table
                table.add_suffix(self._suffix(teacher, hyp, cex, budget))
            except _OutOfTime:
                self.stopped_ = "time_budget"
                return table
            except _OverMemory as exc:
                self.stopped_, self._memory = "max_length", str(exc)
                return table

    def _fit_hidden(self, teacher: TorchSequenceTeacher, seed_words: list[Code], pac: StatisticalOracle,
                    rng: np.random.Generator, budget: Budget, hypotheses: list[Hypothesis], bar: Any) -> None:
        """Hidden-state refinement (see the class docstring); sets ``stopped_``."""
        metric = behaviour_metric(teacher, rng, self.max_length, budget=budget)
        self.metric_ = "margin gradients" if metric is not None else "euclidean"
        table = NearestStateTable(teacher, metric)
        table.add(seed_words)
        while True:
            if table.n_states > self.max_states:  # only when a new label needed a state of its own
                self.stopped_ = "max_states"
                return
            hyp = table.hypothesis()
            hypotheses.append(hyp)
            self._keep_back(teacher, hypotheses, budget)
            bar.update(min(hyp.n_states, self.max_states) - bar.n)
            bar.set_postfix(rounds=self.n_rounds_)
            self.stopped_ = "max_states" if hyp.n_states >= self.max_states else "time_budget"
            if hyp.n_states >= self.max_states or budget.spent():
                return
            self.n_rounds_ += 1
            try:
                found, rate = walk_counterexamples(teacher, hyp, rng, self.max_length,
                                                   want=max(32, hyp.n_states // _ROUND_SHARE),
                                                   max_walks=_WALKS_PER_TEST * pac.sample_size(pac.n_rounds),
                                                   budget=budget)
                # the walks say the hypothesis may be good enough: the PAC test (fresh i.i.d. words) decides
                test = (rate <= self.epsilon or not found) and not budget.spent()
                cex = pac.sample_test(teacher, hyp, budget) if test else None
            except _OutOfTime:
                return  # stopped_ says time_budget
            except _OverMemory as exc:
                self.stopped_, self._memory = "max_length", str(exc)
                return
            if test:
                if cex is None:
                    self.stopped_ = None
                    return
                found.append((cex, int(teacher.query([cex])[0]), hyp.run([cex[:j] for j in range(len(cex) + 1)])))
            if not found:
                return
            try:
                words = [w for w in split_words(teacher, hyp, found, budget) if w not in table.index]
            except _OutOfTime:
                return
            if not words:  # every split word is a state already: the walks' own prefixes make progress
                words = [w[:j] for w, _, _ in found for j in range(1, len(w) + 1) if w[:j] not in table.index]
                if not words:
                    raise TeacherError("hidden-state refinement found counterexamples that its own states contradict: "
                                       "the teacher answers the same word differently (is it deterministic?)")
            table.add(words[:self.max_states - hyp.n_states])

    def _keep_back(self, teacher: SequenceTeacher, hypotheses: list[Hypothesis], budget: Budget) -> None:
        """Under a time budget, keep back (``budget.after``) the seconds of the work after learning and
        the held-out words: drawing those words, scoring every hypothesis on them and minimising the
        returned one. Measured on the latest hypothesis when it has 4x the states of the one last timed
        (the first: always): ``_SCORE_SAMPLE`` random words are drawn and ordered for scoring, and it
        is scored on them (both scaled to ``n_validation`` words) and minimised (scaled linearly to the
        states of the latest)."""
        if budget.end == math.inf:
            return
        hyp = hypotheses[-1]
        n_timed, score_s, minimise_s = self._timed
        if not n_timed or hyp.n_states >= 4 * n_timed:
            t0 = time.perf_counter()
            words = random_words(np.random.default_rng(0), _SCORE_SAMPLE, len(teacher.alphabet), self.max_length)
            held = HeldOut.of(words, np.zeros(len(words), dtype=np.int64))
            t2 = time.perf_counter()
            agreement(hyp, held)
            t3 = time.perf_counter()
            self._automaton(teacher, hyp, {})
            scale = self.n_validation / _SCORE_SAMPLE
            self._draw_s = (t2 - t0) * scale
            n_timed, score_s, minimise_s = self._timed = (hyp.n_states, (t3 - t2) * scale, time.perf_counter() - t3)
        budget.after = self._draw_s + len(hypotheses) * score_s + minimise_s * hyp.n_states / n_timed

    def _best(self, teacher: SequenceTeacher, hypotheses: list[Hypothesis], rng: np.random.Generator,
              budget: Budget) -> Hypothesis:
        """The hypothesis that agrees most with the teacher on held-out random words (fewer states on
        ties); sets ``validation_agreement_``, ``n_validation_`` and the scores in ``history_``.

        Under a time budget the words are as many of the ``n_validation`` as the teacher answers in
        the time left (kept back for them while learning), and at least 100."""
        words = random_words(rng, self.n_validation, len(teacher.alphabet), self.max_length)
        truth = budget.query(teacher, words, at_least=_MIN_VALIDATION)
        self._asked_at = time.perf_counter()  # see _overrun
        words = words[:len(truth)]
        self.n_validation_ = len(words)
        held = HeldOut.of(words, truth)
        scores = [agreement(h, held) for h in hypotheses]
        self.history_ = [(h.n_states, sc) for h, sc in zip(hypotheses, scores)]
        i = max(range(len(hypotheses)), key=lambda j: (scores[j], -hypotheses[j].n_states, -j))
        self.validation_agreement_ = scores[i]
        if len(words):
            # A budget too small for any informative hypothesis (max_states=1) can leave only ones
            # worse than answering the commonest class everywhere: that one-state machine wins then.
            counts = np.bincount(truth, minlength=len(teacher.classes_))
            if counts.max() / len(words) > scores[i]:
                self.validation_agreement_ = float(counts.max() / len(words))
                return Hypothesis(np.zeros((1, len(teacher.alphabet)), dtype=np.int64),
                                  np.array([int(np.argmax(counts))]), [()])
        return hypotheses[i]

    def _sparse_label(self, teacher: SequenceTeacher, oracles: list[Any]) -> dict[str, Any] | None:
        """A label that the passing test's random words hardly reached (see ``sparse_label_``), or None."""
        pac = next((o for o in oracles if isinstance(o, StatisticalOracle)), None)
        if self.stopped_ is not None or pac is None or pac.last_sample is None:
            return None
        lengths, truth = pac.last_sample
        for c in range(len(teacher.classes_)):
            given = truth == c
            longest = int(lengths[given].max()) if given.any() else -1
            if given.mean() < _SPARSE_SHARE and 2 * longest <= self.max_length:
                label = teacher.classes_[c]
                return {"label": bool(label) if teacher.binary else label, "words": int(given.sum()),
                        "of": len(truth), "longest": longest}
        return None

    def _sparse_text(self) -> str:
        sp = self.sparse_label_
        if isinstance(sp["label"], bool):
            given, rest = ("accepted", "rejections") if sp["label"] else ("rejected", "acceptances")
        else:
            given, rest = f"labelled {sp['label']!r}", "other labels"
        upto = "" if sp["longest"] < 0 else f", none longer than {counted(sp['longest'], 'symbol')}"
        return (f"the teacher {given} only {sp['words']} of the {sp['of']} random words of the last equivalence test"
                f"{upto} (max_length={self.max_length}): longer words it would have {given}, if any, are too rare "
                f"among uniform random words to be tested, so the agreement mostly measures the {rest} (a counting "
                f"language such as a^n b^n passes as a finite approximation); check long words yourself, e.g. "
                f"sd.fidelity(automaton, teacher, words)")

    def _shrunk(self) -> str:
        """What the warning says of held-out words that the time budget cut short."""
        if self.n_validation_ == self.n_validation:
            return ""
        return (f", of n_validation={self.n_validation}: the teacher would not answer more within the "
                f"{self.time_budget:g} s time_budget")

    def _overrun(self) -> str:
        """What the warning says of a fit that took longer than its time budget."""
        if self.time_budget is None or self.fit_time_ <= self.time_budget:
            return ""
        start, start_after, after = self._kept_back
        if self._asked_at <= start_after:  # the teacher kept the budget: the estimate of the work after fell short
            return (f"; the fit took {self.fit_time_:.3g} s, over the {self.time_budget:g} s time_budget: scoring the "
                    f"hypotheses and minimising took {start + self.fit_time_ - self._asked_at:.3g} s, more "
                    f"than the {after:.3g} s that learning kept back for them (an estimate)")
        return (f"; the fit took {self.fit_time_:.3g} s, over the {self.time_budget:g} s time_budget: the teacher is "
                f"too slow for it, and the first words of learning and the {_MIN_VALIDATION} held-out words that rank "
                "the hypotheses at least are asked whatever the budget")

    # -- steps ---------------------------------------------------------------------------------
    def _oracles(self, teacher: SequenceTeacher, rng: np.random.Generator, cap: int) -> list[Any]:
        kind = self.oracle
        if kind == "auto":
            kind = "both" if teacher.has_hidden_states else "statistical"
        out: list[Any] = []
        if kind in ("whitebox", "both"):
            out.append(WhiteBoxOracle(max_refinements=self.max_refinements, max_depth=max(self.max_length, 2 * cap)))
        if kind in ("statistical", "both"):
            out.append(self._statistical(rng))
        return out

    def _statistical(self, rng: np.random.Generator) -> StatisticalOracle:
        return StatisticalOracle(epsilon=self.epsilon, delta=self.delta, max_length=self.max_length,
                                 walks_per_transition=self.walks_per_transition, rng=rng)

    def _close(self, table: ObservationTable, cap: int) -> bool:
        """Make the table closed; True when that would exceed ``cap`` states (table left unclosed)."""
        while True:
            new = table.unclosed()
            if not new:
                return False
            room = cap - len(table.S)
            if room <= 0:
                return True
            table.add_rows(new[:room])

    @staticmethod
    def _suffix(teacher: SequenceTeacher, hyp: Hypothesis, cex: Code, budget: Budget) -> Code:
        """Rivest-Schapire: the suffix after the first position where replacing the prefix by the
        access word of its hypothesis state flips the teacher's answer (all positions in one batch,
        within the ``budget``)."""
        m = len(cex)
        prefix_states = hyp.run([cex[:i] for i in range(m + 1)])
        probes = [hyp.access[q] + cex[i:] for i, q in enumerate(prefix_states.tolist())]
        alpha = budget.query(teacher, probes)
        flips = np.nonzero(alpha[:-1] != alpha[1:])[0]
        if len(flips) == 0:
            raise TeacherError(f"counterexample {teacher.decode(cex)!r} is not one on a second look: the teacher "
                               "answered the same word differently (is it deterministic?)")
        return cex[int(flips[0]) + 1:]

    def _to_model(self, teacher: SequenceTeacher, hyp: Hypothesis, oracle_names: list[str],
                  learner: str) -> DFA | MooreMachine:
        meta: dict[str, Any] = {"learner": learner, "oracle": "+".join(oracle_names), "rounds": self.n_rounds_,
                                "n_queries": self.n_queries_, "cache_hits": self.n_cache_hits_,
                                "stopped": self.stopped_,
                                "random_state": None if self.random_state is None else int(self.random_state)}
        if self.metric_ is not None:
            meta["metric"] = self.metric_
        if self.validation_agreement_ is not None:
            meta["validation_agreement"] = round(float(self.validation_agreement_), 6)
            if self.n_validation_ < self.n_validation:
                meta["validation_words"] = self.n_validation_
        return self._automaton(teacher, hyp, meta)

    def _automaton(self, teacher: SequenceTeacher, hyp: Hypothesis, meta: dict[str, Any]) -> DFA | MooreMachine:
        """``hyp`` as a minimised DFA or Moore machine (see ``output``), with ``meta``."""
        labels = [teacher.classes_[o] for o in hyp.outputs.tolist()]
        want = self.output
        if want == "auto":
            want = "dfa" if teacher.binary else "moore"
        if want == "dfa":
            if not teacher.binary:
                raise ValueError(f"output='dfa' needs boolean (or 0/1) labels, but {teacher.name} answered "
                                 f"{teacher.classes_[:5]!r}; use output='moore'")
            return DFA(teacher.alphabet, hyp.transitions, [bool(x) for x in labels], meta=meta).minimize()
        try:
            classes = sorted(set(teacher.classes_))
        except TypeError:
            classes = list(teacher.classes_)
        return MooreMachine(teacher.alphabet, hyp.transitions, labels, classes, meta=meta).minimize()


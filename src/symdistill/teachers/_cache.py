"""The tabular teachers' answer cache: whole arrays of rows looked up and stored at once.

Each row becomes a key of 64-bit words, and identical keys are identical rows:

* a row of a NumPy array (numbers, booleans, fixed-width text) is its own bytes, so ``-0.0`` and
  ``0.0`` are different rows (a teacher can tell them apart: ``1 / x``, ``np.signbit``) and rows of
  NaN with the same bits are one row;
* a DataFrame's numeric column (and a column of an object array, or of rows given as lists, holding
  only floats) gives each value's bits the same way; any other value (text, a category, a date, ``None``) gets a code the
  first time its type and ``repr`` are seen, so ``1``, ``1.0``, ``True`` and ``'1'`` stay apart.

A 64-bit hash of the key finds it among sorted hashes (``np.searchsorted``), and the key itself is
compared, so two rows of one hash are never confused. New entries go to a small sorted level that
is merged into the main one when it outgrows a quarter of it, so a long distillation's many small
queries do not each rewrite a large cache. The cache holds at most ``size`` rows: when more come,
those asked least recently are forgotten down to three quarters of ``size``.

Rows of one layout (an array's dtype and width, a DataFrame's columns and their kinds) make keys of one
width, looked up together; rows of each other layout asked are kept aside in levels of their own, so a
teacher asked float64 rows, then float32 ones, then the float64 ones again answers the last from the
cache (it started over at each change of layout, asking them all again). ``size`` bounds all of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

_MIX = np.uint64(0x9E3779B97F4A7C15)  # 2**64 / golden ratio, odd: multiplying by it spreads the bits
_SMALL_LEVEL = 65_536  # rows the recent level may hold whatever the size of the main one


@dataclass
class _Level:
    """Cached rows sorted by hash: ``hashes (m,)``, ``words (m, c)``, ``answers (m, ...)`` and the
    ``stamps (m,)`` of the last time each was asked (distinct numbers from the cache's clock)."""

    hashes: np.ndarray
    words: np.ndarray
    answers: np.ndarray
    stamps: np.ndarray

    def __len__(self) -> int:
        return len(self.hashes)

    def merged(self, other: _Level) -> _Level:
        # Two sorted runs: the stable sort (a merge sort) takes them in about linear time.
        order = np.argsort(np.concatenate([self.hashes, other.hashes]), kind="stable")
        return _Level(*(np.take(np.concatenate([a, b]), order, axis=0) for a, b in
                        ((self.hashes, other.hashes), (self.words, other.words),
                         (self.answers, other.answers), (self.stamps, other.stamps))))

    def since(self, stamp: int) -> _Level:
        keep = self.stamps >= stamp
        return _Level(self.hashes[keep], self.words[keep], self.answers[keep], self.stamps[keep])


class AnswerCache:
    """Answers by row, at most ``size`` rows of them; :meth:`answer` asks for the rows it lacks.

    >>> import numpy as np
    >>> cache = AnswerCache(100)
    >>> asked = []
    >>> def ask(rows):
    ...     asked.append(rows.tolist())
    ...     return X[rows, 0] * 10
    >>> X = np.array([[1.0], [2.0], [1.0]])
    >>> cache.answer(X, ask).tolist(), cache.answer(X[::-1], ask).tolist(), asked
    ([10.0, 20.0, 10.0], [10.0, 20.0, 10.0], [[0, 1]])
    """

    def __init__(self, size: int) -> None:
        self.size = int(size)
        self.clear()

    def clear(self) -> None:
        self._layout: Any = None  # what the keys are made of
        self._codes: dict[int, dict[Any, int]] = {}  # per column: a code for each value seen (of every layout)
        self._main: _Level | None = None
        self._recent: _Level | None = None
        self._aside: dict[Any, tuple[_Level | None, _Level | None]] = {}  # other layouts' main and recent levels
        self._clock = 0

    def __len__(self) -> int:
        return sum(len(level) for level in self._levels() if level is not None)

    def _levels(self) -> list[_Level | None]:
        return [self._main, self._recent, *(level for pair in self._aside.values() for level in pair)]

    def answer(self, X: Any, ask: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
        """The answers to the rows of ``X``; ``ask(rows)`` answers the rows (their numbers in ``X``,
        ascending) whose answers are not cached, each distinct row once."""
        words = self._words(X)
        h = _hash(words)
        order, start, h, words = _sorted(h, words)
        starts = np.flatnonzero(start)
        distinct = np.empty(len(order), dtype=np.int64)  # which distinct row each row of X is
        distinct[order] = np.cumsum(start) - 1
        if len(starts) < len(h):
            h, words = h[starts], np.take(words, starts, axis=0)
        found, known = self._find(h, words)
        miss = np.flatnonzero(~found)
        rows = np.zeros(len(order), dtype=bool)
        rows[np.minimum.reduceat(order, starts)[miss]] = True
        rows = np.flatnonzero(rows)  # the first row of each distinct row not cached, in the caller's order
        asked = ask(rows) if len(rows) else known
        out = np.empty((len(starts),) + asked.shape[1:], dtype=asked.dtype)
        if len(known):
            out[found] = known
        if len(rows):
            out[distinct[rows]] = asked
            stamps = np.empty(len(starts), dtype=np.int64)
            stamps[distinct[rows]] = np.arange(self._clock, self._clock + len(rows))
            if len(miss) == len(out):  # every row new (the first big query): stored as they are
                self._add(_Level(h, words, out, stamps))
            else:
                self._add(_Level(h[miss], np.take(words, miss, axis=0), np.take(out, miss, axis=0), stamps[miss]))
        return np.take(out, distinct, axis=0)

    def known(self, X: Any) -> tuple[np.ndarray, np.ndarray]:
        """Which rows of ``X`` are cached (a mask) and their cached answers, asking nothing."""
        words = self._words(X)
        return self._find(_hash(words), words)

    # -- keys ----------------------------------------------------------------------------------
    def _words(self, X: Any) -> np.ndarray:
        """The rows of ``X`` as keys ``(n, c)`` of uint64 words."""
        if any(len(codes) > max(self.size, 1024) for codes in self._codes.values()):
            self.clear()  # the codes of forgotten rows would pile up (a column of ids): start over
        if hasattr(X, "iloc") and hasattr(X, "columns"):  # a pandas DataFrame: column by column
            columns = [self._column(j, X.iloc[:, j]) for j in range(X.shape[1])]
            return self._use(("frame", tuple(X.columns), tuple(kind for kind, _ in columns)), columns, len(X))
        # Rows given as lists reach the teacher as given: NumPy's array of them would make True the integer 1
        # and 1 the float 1.0, so their values are read as objects, each of its own type.
        arr = np.asarray(X.to_numpy() if hasattr(X, "to_numpy") else X,
                         dtype=object if isinstance(X, (list, tuple)) else None)
        arr = arr.reshape(len(arr), -1)
        if arr.dtype == object:
            columns = [self._objects(j, arr[:, j]) for j in range(arr.shape[1])]
            return self._use(("objects", tuple(kind for kind, _ in columns)), columns, len(arr))
        self._use(("array", arr.dtype.str, arr.shape[1]), [], len(arr))
        raw = np.ascontiguousarray(arr).view(np.uint8).reshape(len(arr), -1)
        width = max(-(-raw.shape[1] // 8) * 8, 8)  # whole words, at least one
        if width != raw.shape[1]:
            raw = np.concatenate([raw, np.zeros((len(raw), width - raw.shape[1]), dtype=np.uint8)], axis=1)
        return raw.view(np.uint64)

    def _use(self, layout: Any, columns: list[tuple[str, np.ndarray]], n: int) -> np.ndarray:
        """Keys of ``layout`` from its ``columns`` (kind, words); the levels of another layout are set aside, and
        this one's taken back where it was asked before."""
        if layout != self._layout:
            if self._main is not None or self._recent is not None:
                self._aside[self._layout] = (self._main, self._recent)
            self._main, self._recent = self._aside.pop(layout, (None, None))
            self._layout = layout
        if not columns:
            return np.zeros((n, 1), dtype=np.uint64)
        return np.column_stack([words for _, words in columns])

    def _column(self, j: int, column: Any) -> tuple[str, np.ndarray]:
        """A DataFrame column's words: numbers by their bits, categories by their categories' codes,
        anything else value by value."""
        dtype = column.dtype
        if isinstance(dtype, np.dtype) and dtype.kind in "biufmM":
            return f"bits {dtype.str}", _bits(column.to_numpy())
        if getattr(dtype, "name", "") == "category":
            cat = column.array
            categories = self._coded(j, list(cat.categories) + [np.nan])  # code -1 (missing) picks the last
            return "category", categories[np.asarray(cat.codes, dtype=np.int64)]
        return self._objects(j, column.to_numpy(dtype=object))

    def _objects(self, j: int, values: np.ndarray) -> tuple[str, np.ndarray]:
        """An object column's words: floats by their bits, other values by code."""
        if set(map(type, values)) == {float}:
            return "floats", _bits(values.astype(np.float64))
        return "codes", self._coded(j, values)

    def _coded(self, j: int, values: Any) -> np.ndarray:
        codes = self._codes.setdefault(j, {})
        return np.fromiter((codes.setdefault(v if type(v) is str else (type(v), repr(v)), len(codes))
                            for v in values), dtype=np.uint64, count=len(values))

    # -- store ---------------------------------------------------------------------------------
    def _find(self, h: np.ndarray, words: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Which of the rows (hashes ``h`` ascending, keys ``words``) are cached, and their answers."""
        found = np.zeros(len(h), dtype=bool)
        where: list[tuple[_Level, np.ndarray, np.ndarray]] = []
        for level in (self._main, self._recent):
            if level is None or not len(level):
                continue
            lo, hi = np.searchsorted(level.hashes, h), np.searchsorted(level.hashes, h, side="right")
            pos = np.minimum(lo, len(level) - 1)
            hit = ~found & (hi > lo)
            at = np.flatnonzero(hit)
            mine = words if len(at) == len(words) else np.take(words, at, axis=0)
            hit[at] = (np.take(level.words, pos[at], axis=0) == mine).all(axis=1)
            for i in np.flatnonzero(~found & ~hit & (hi - lo > 1)):  # different rows of one hash: look at each
                same = np.flatnonzero((level.words[lo[i]:hi[i]] == words[i]).all(axis=1))
                hit[i], pos[i] = len(same) > 0, lo[i] + (same[0] if len(same) else 0)
            found |= hit
            where.append((level, hit, pos[hit]))
            # Asked again, the row is as new: the rows a distillation keeps asking about are kept.
            level.stamps[pos[hit]] = np.arange(self._clock, self._clock + len(pos[hit]))
            self._clock += len(pos[hit])
        if not where:
            return found, np.empty(0)
        answers = np.empty((len(h),) + where[0][0].answers.shape[1:], dtype=where[0][0].answers.dtype)
        for level, hit, pos in where:
            answers[hit] = np.take(level.answers, pos, axis=0)
        return found, answers[found]

    def _add(self, new: _Level) -> None:
        """Store ``new`` rows (sorted by hash, stamped from the clock on)."""
        self._clock += len(new)
        if self.size == 0:
            return
        self._recent = new if self._recent is None else self._recent.merged(new)
        if self._main is None or len(self._recent) > max(len(self._main) // 4, _SMALL_LEVEL):
            self._main = self._recent if self._main is None else self._main.merged(self._recent)
            self._recent = None
        if len(self) > self.size:  # the stamps are of one clock: the rows asked least recently go, of any layout
            oldest_kept = self._clock - max(self.size * 3 // 4, 1)
            since = lambda level: None if level is None else level.since(oldest_kept)  # noqa: E731
            self._main, self._recent = since(self._main), since(self._recent)
            aside = {layout: (since(main), since(recent)) for layout, (main, recent) in self._aside.items()}
            self._aside = {layout: pair for layout, pair in aside.items() if any(level is not None and len(level)
                                                                                  for level in pair)}


def _bits(values: np.ndarray) -> np.ndarray:
    """Numbers (or dates) as uint64 words that are equal exactly when the values are bit for bit."""
    kind = values.dtype.kind
    wide = np.float64 if kind == "f" else np.uint64 if kind in "bu" else np.int64
    return np.ascontiguousarray(values.astype(wide)).view(np.uint64)


def _sorted(h: np.ndarray, words: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """An order of the rows that makes equal rows neighbours, where each run of them starts, and the
    hashes and keys in that order."""
    order = np.argsort(h)
    for exact in (False, True):
        hs, ws = h[order], np.take(words, order, axis=0)  # (np.take: twice as fast as words[order])
        start = np.ones(len(h), dtype=bool)
        start[1:] = (hs[1:] != hs[:-1]) | (ws[1:] != ws[:-1]).any(axis=1)
        if exact or not (hs[start][1:] == hs[start][:-1]).any():
            break
        # Different rows of one hash: order by the keys too, so that equal rows are neighbours.
        order = np.lexsort([*words.T[::-1], h])
    return order, start, hs, ws


def _hash(words: np.ndarray) -> np.ndarray:
    """A 64-bit hash of each row of ``words``: a sum of its words times odd constants (a matrix
    product, one pass over the rows; two rows that differ in one word never collide), then mixed."""
    weights = np.random.default_rng(0).integers(0, 2**63, words.shape[1], dtype=np.uint64) * np.uint64(2) + np.uint64(1)
    h = words @ weights  # wraps around modulo 2**64
    h ^= h >> np.uint64(29)
    h *= _MIX
    h ^= h >> np.uint64(32)
    return h

"""Alphabets and words: the one place where user words become tuples of symbol indices.

A word is either a string (each character is one symbol; only when every symbol of the alphabet is a
single character) or a tuple / list of symbols. Inside symdistill a word is a tuple of symbol
indices into the alphabet, so automata, teachers and learners agree on one encoding.
"""

from __future__ import annotations

from itertools import chain
from typing import Any, Iterable, Sequence

import numpy as np

Code = tuple[int, ...]


def check_alphabet(alphabet: Any) -> tuple[str, ...]:
    """Validate an alphabet: a non-empty ordered sequence of distinct, non-empty strings (a set is
    refused: its order, which numbers the symbols, varies from run to run).

    >>> check_alphabet(["0", "1"])
    ('0', '1')
    >>> check_alphabet("ab")
    ('a', 'b')
    """
    if alphabet is None:
        raise ValueError("alphabet is required: pass the input symbols, e.g. alphabet=['0', '1']")
    if isinstance(alphabet, str):
        alphabet = list(alphabet)
    if isinstance(alphabet, (set, frozenset)):
        # the order numbers the symbols (and gives torch teachers their token ids); a set's order
        # changes with the string hash seed, run to run
        raise TypeError(f"alphabet must be an ordered sequence of strings (list, tuple or str), got a "
                        f"{type(alphabet).__name__}: symbol order decides symbol indices; pass sorted(...)")
    try:
        symbols = tuple(alphabet)
    except TypeError:
        raise TypeError(f"alphabet must be a sequence of strings, got {type(alphabet).__name__}") from None
    if not symbols:
        raise ValueError("alphabet is empty: pass at least one symbol, e.g. alphabet=['0', '1']")
    for s in symbols:
        if not isinstance(s, str):
            raise TypeError(f"alphabet symbols must be strings, got {s!r} ({type(s).__name__}); "
                            "use str(symbol) for numbers")
        if not s:
            raise ValueError("alphabet contains the empty string; symbols must be non-empty")
    if len(set(symbols)) != len(symbols):
        dup = sorted({str(s) for s in symbols if symbols.count(s) > 1})
        raise ValueError(f"alphabet has repeated symbols: {dup}")
    return tuple(map(str, symbols))  # NumPy strings (np.unique of tokens) as plain ones: printed and given back


def single_char(alphabet: Sequence[str]) -> bool:
    return all(len(s) == 1 for s in alphabet)


def encode(word: Any, index: dict[str, int], chars: bool) -> Code:
    """Symbol indices of one user word; a clear error for an unknown symbol or a bad word type.

    A word is a string (one symbol a character; ``""`` is the empty word over any alphabet), a
    tuple or list of symbols, or a 1-D NumPy array of them.
    """
    if isinstance(word, str):
        if word and not chars:
            raise TypeError(f"word {word!r} is a string, but the alphabet has multi-character symbols; "
                            "pass words as tuples of symbols")
        symbols: Iterable[Any] = word
    elif isinstance(word, (tuple, list)):
        symbols = word
    elif isinstance(word, np.ndarray) and word.ndim == 1:
        symbols = word = word.tolist()
    else:
        shape = f" of shape {word.shape}" if isinstance(word, np.ndarray) else ""
        raise TypeError(f"a word must be a string or a tuple of symbols (or a 1-D array of them), got "
                        f"{type(word).__name__}{shape}: {word!r}")
    try:
        return tuple(map(index.__getitem__, symbols))  # (a generator expression took twice as long)
    except (KeyError, TypeError):
        bad = next(s for s in symbols if not isinstance(s, str) or s not in index)
        hint = f": symbols are strings; write {str(bad)!r}" if not isinstance(bad, str) and str(bad) in index else ""
        raise ValueError(f"symbol {bad!r} in word {word!r} is not in the alphabet {list(index)}{hint}") from None


def encode_many(words: Any, index: dict[str, int], chars: bool) -> list[Code]:
    if isinstance(words, (str, bytes)) or not isinstance(words, Iterable):
        raise TypeError(f"expected a list of words, got {type(words).__name__}: {words!r}")
    if isinstance(words, (set, frozenset)):  # its order changes with the hash seed: answers would match other words
        raise TypeError(f"a {type(words).__name__} of words has no order, so answers could not be matched to "
                        "words; pass a list (sorted(words))")
    return [encode(w, index, chars) for w in words]


def encode_flat(words: Any, index: dict[str, int], chars: bool) -> tuple[np.ndarray, np.ndarray] | None:
    """The symbol indices of ``words`` laid end to end, and each word's length, for a list (or tuple) of
    strings over an alphabet of characters, read in one pass over their joined text (a million words: 1.1 s
    made a tuple a word); None for any other words, or a character that is no symbol, which
    ``encode_many`` then reads word by word, naming the word and the symbol at fault.

    >>> [a.tolist() for a in encode_flat(["ab", "", "b"], {"a": 0, "b": 1}, True)]
    [[0, 1, 1], [2, 0, 1]]
    """
    if not chars or not isinstance(words, (list, tuple)) or not all(isinstance(w, str) for w in words):
        return None
    try:
        points = np.frombuffer("".join(words).encode("utf-32-le", "surrogatepass"), dtype="<u4")
    except UnicodeError:  # (no text a str holds fails; read word by word all the same)
        return None
    ords = np.fromiter(map(ord, index), dtype=np.int64, count=len(index))
    if ords.max() < max(len(points), 1 << 16):
        lookup = np.full(ords.max() + 2, -1, dtype=np.int64)  # the last entry: every character beyond
        lookup[ords] = np.fromiter(index.values(), dtype=np.int64, count=len(index))
        flat = lookup[np.minimum(points, len(lookup) - 1)]
    else:  # a symbol far up (an emoji, U+10FFFF): a table up to it (9 MB) would cost more than the few words
        order = np.argsort(ords)
        at = np.minimum(np.searchsorted(ords[order], points), len(ords) - 1)
        flat = np.where(ords[order][at] == points, np.fromiter(index.values(), dtype=np.int64)[order][at], -1)
    if (flat < 0).any():
        return None
    return flat, np.fromiter(map(len, words), dtype=np.int64, count=len(words))


def check_codes(codes: Any, n_symbols: int) -> list[Code]:
    """Encoded words a user gives (tuples, lists or 1-D arrays of symbol indices) as tuples of ints,
    each code an integer in ``0..n_symbols - 1``: -1 would index the last symbol and 0.5 or True a
    symbol, answering for a word that is none.

    >>> check_codes([(0, 1), np.array([1])], 2)
    [(0, 1), (1,)]
    """
    if isinstance(codes, (str, bytes)) or not isinstance(codes, Iterable):
        raise TypeError(f"expected a list of encoded words, got {type(codes).__name__}: {codes!r}")
    return [check_code(code, n_symbols) for code in codes]


def check_code(code: Any, n_symbols: int) -> Code:
    if isinstance(code, (str, bytes)) or not isinstance(code, Iterable):
        raise TypeError(f"an encoded word is a sequence of symbol indices, got {type(code).__name__}: {code!r}")
    items = code.tolist() if isinstance(code, np.ndarray) else list(code)
    if isinstance(code, np.ndarray) and code.ndim == 1 and code.dtype.kind in "iu" \
            and (not len(code) or 0 <= code.min() <= code.max() < n_symbols):
        return tuple(items)  # a whole array of integers in range, checked at once
    for c in items:
        if isinstance(c, (bool, np.bool_)) or not isinstance(c, (int, np.integer)):
            raise TypeError(f"code {c!r} in encoded word {items!r} is not an integer symbol index")
        if not 0 <= c < n_symbols:
            raise ValueError(f"code {c!r} in encoded word {items!r} is not a symbol index in 0..{n_symbols - 1}")
    return tuple(int(c) for c in items)


def decode(code: Sequence[int], alphabet: Sequence[str]) -> str | tuple[str, ...]:
    """The user form of a word: a string for single-character alphabets, else a tuple of symbols."""
    symbols = tuple(alphabet[i] for i in code)
    return "".join(symbols) if single_char(alphabet) else symbols


def pad_codes(codes: Sequence[Code]) -> tuple[np.ndarray, np.ndarray]:
    """Encoded words as a zero-padded matrix ``(n, max_length)`` and their lengths, built without a
    Python loop over positions.

    >>> m, n = pad_codes([(1, 0), (), (1,)])
    >>> m.tolist(), n.tolist()
    ([[1, 0], [0, 0], [1, 0]], [2, 0, 1])
    """
    lengths = np.fromiter((len(c) for c in codes), dtype=np.int64, count=len(codes))
    width = int(lengths.max()) if len(codes) else 0
    padded = np.zeros((len(codes), width), dtype=np.int64)
    if width:
        flat = np.fromiter(chain.from_iterable(codes), dtype=np.int64, count=int(lengths.sum()))
        rows = np.repeat(np.arange(len(codes)), lengths)
        starts = np.cumsum(lengths) - lengths
        cols = np.arange(len(flat)) - np.repeat(starts, lengths)
        padded[rows, cols] = flat
    return padded, lengths

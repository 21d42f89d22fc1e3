"""Sequence teachers: membership queries on words, answered in batches, cached and counted.

A sequence teacher labels words over a finite alphabet. Two adapters:

* :class:`CallableSequenceTeacher` wraps ``f(words) -> labels`` (one call for many words), or
  ``f(word) -> label`` with ``per_word=True``. Any symbolic automaton (``DFA``, ``MooreMachine``)
  is such a callable, so a known automaton can act as a teacher.
* :class:`TorchSequenceTeacher` wraps a recurrent ``torch.nn.Module`` and answers a whole query in
  a few forward calls. An ``nn.RNN`` / ``nn.GRU`` / ``nn.LSTM`` runs all words of a query in one
  call on a packed sequence (no padding enters the recurrence); a module with a ``step`` method is
  stepped once per depth of the prefix tree of the query's words, so a prefix shared by many words
  is computed once. Hidden states can be read for any word, and advanced one symbol at a time
  from stored states (``initial_states`` / ``advance``): the white-box equivalence oracle walks the
  network that way, never recomputing a prefix.

The module convention (checked when the teacher is made, with an error naming what is missing):

1. **embedding / rnn / head** attributes: ``embedding`` maps a ``LongTensor`` of token ids ``(B,)``
   to ``(B, E)`` (an ``nn.Embedding``), ``rnn`` is an ``nn.RNN`` / ``nn.GRU`` / ``nn.LSTM``
   (unidirectional, ``batch_first`` either way), ``head`` maps the top layer's hidden state
   ``(B, H)`` to logits ``(B, 1)`` or ``(B, C)``. The label of a word is ``head`` applied to the
   hidden state after its last symbol; the empty word is labelled from the zero initial state.
   ``embedding`` and ``head`` may be submodules or methods.
2. **initial_state / step / readout** methods, for any other recurrent model:
   ``initial_state(batch_size) -> Tensor (B, D)``, ``step(state, tokens) -> Tensor (B, D)`` with
   ``tokens`` a ``LongTensor (B,)``, and ``readout(state) -> logits (B, 1) / (B,) / (B, C)``.

Symbol ``alphabet[i]`` is token id ``i`` unless ``token_ids`` maps symbols to ids. One output
column (or a 1-D output) is a logit of "accept" (``output="probability"`` reads it as a probability);
``C >= 2`` columns are class scores, labelled by ``classes`` (default ``0 .. C-1``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from pathlib import PurePath
from typing import Any, Callable, Sequence

import numpy as np

from .._errors import TeacherError, counted, exception_text, nul_ended, refuse_set, warn
from .._progress import progress_bar, shows
from .._words import Code, check_alphabet, decode, encode_many, pad_codes, single_char
from .base import check_batch_size, check_switch, from_tensor, is_tensor
from .torch import _module_dtype, _torch, eval_mode, module_device


class SequenceTeacher:
    """Base class: answers membership queries on encoded words (tuples of symbol indices).

    Subclasses implement ``_label_codes(codes) -> list of raw labels``. This base deduplicates,
    caches (``cache=True``), counts (``n_queries`` words answered by the backend, ``n_calls`` backend
    calls, ``n_cache_hits`` words of queries answered without it: from the cache, or asked twice in one
    query) and maps labels to class indices; ``classes_`` lists the labels seen so far, in order of
    first appearance.
    """

    name = "sequence teacher"
    has_hidden_states = False
    checks_cache = True  # see forget_if_changed
    n_checked = 32  # cached words asked again, past the cache, by forget_if_changed

    def __init__(self, alphabet: Any, *, cache: bool = True, cache_size: int = 2_000_000) -> None:
        self.alphabet: tuple[str, ...] = check_alphabet(alphabet)
        if not isinstance(cache_size, (int, np.integer)) or cache_size < 0:
            raise ValueError(f"cache_size must be a non-negative integer, got {cache_size!r}")
        self.cache = check_switch("cache", cache)
        self.cache_size = int(cache_size)
        self._index = {s: i for i, s in enumerate(self.alphabet)}
        self._chars = single_char(self.alphabet)
        self._cache: dict[Code, int] = {}
        self.classes_: list[Any] = []
        self._class_index: dict[Any, int] = {}
        self._float_labels = False  # fractional floats are labels (an automaton teacher), not scores
        self.n_queries = 0
        self.n_calls = 0
        self.n_cache_hits = 0

    # -- to implement --------------------------------------------------------------------------
    def _label_codes(self, codes: list[Code]) -> Sequence[Any]:  # pragma: no cover - abstract
        raise NotImplementedError

    # -- public --------------------------------------------------------------------------------
    def encode(self, words: Any) -> list[Code]:
        return encode_many(words, self._index, self._chars)

    def decode(self, code: Sequence[int]) -> str | tuple[str, ...]:
        return decode(code, self.alphabet)

    def query(self, codes: Sequence[Code], *, progress: bool | None = False) -> np.ndarray:
        """Class index (into ``classes_``) of each encoded word; the misses go to the backend at once,
        or ``batch_size`` at a time where the teacher has one (behind a bar counting the words when
        ``progress`` and more than one batch; None: on an interactive terminal only)."""
        codes = [tuple(c) for c in codes]
        out = np.empty(len(codes), dtype=np.int64)
        todo: dict[Code, list[int]] = {}
        for i, c in enumerate(codes):
            hit = self._cache.get(c) if self.cache else None
            if hit is None:
                todo.setdefault(c, []).append(i)
            else:
                out[i] = hit
        self.n_cache_hits += len(codes) - len(todo)
        if todo:
            missing = list(todo)
            labels = self._label_batches(missing, progress)
            self.n_queries += len(missing)
            idx = self.index_labels(labels, missing)
            if self.cache and len(self._cache) + len(missing) > self.cache_size:
                self._cache.clear()  # bounded memory: start over rather than grow without limit
            for c, k in zip(missing, idx):
                for i in todo[c]:
                    out[i] = k
                if self.cache and len(self._cache) < self.cache_size:  # a query larger than the cache
                    self._cache[c] = int(k)  # keeps only its first cache_size words
        return out

    def forget_if_changed(self, codes: Sequence[Code] | None = None) -> None:
        """Ask the backend again, past the cache, about up to ``n_checked`` cached words, and forget the cache,
        with a warning, where it answers one of them otherwise than the cache holds: the network was trained
        (or the function changed) after the teacher was made, and the cache answered as before, so
        distilling it again gave the old network's automaton, silently. The words are the first cached ones
        of ``codes`` (the words a fidelity is about to ask), or, where None (a fit), words spread evenly over
        the cache in the order they were first asked (the first table's short words to the oracle's long
        ones). The backend answers them in one query: counted in ``n_queries`` and ``n_calls``, not in
        ``n_cache_hits``. Nothing is asked where the cache is off or empty (a first fit), or where the teacher
        does not check it (``checks_cache`` False: an automaton's, whose answers cannot change)."""
        if not (self.cache and self.checks_cache and self._cache):
            return
        if codes is None:
            words = list(self._cache)
            probe = [words[i] for i in np.unique(np.linspace(0, len(words) - 1, self.n_checked).round().astype(int))]
        else:
            cached: dict[Code, None] = {}  # distinct, in order; a scan that stops at n_checked
            for c in map(tuple, codes):
                if c in self._cache:
                    cached[c] = None
                    if len(cached) == self.n_checked:
                        break
            probe = list(cached)
        if not probe:
            return
        fresh = self.index_labels(self._label_batches(probe, False), probe)
        self.n_queries += len(probe)
        held = np.array([self._cache[c] for c in probe])
        changed = np.flatnonzero(fresh != held)
        if not len(changed):
            return
        self._cache.clear()
        i = changed[0]
        warn(f"{self.name} answers {len(changed)} of {counted(len(probe), 'word')} asked before otherwise than "
             f"its cache holds (word {self.decode(probe[i])!r}: {self.classes_[fresh[i]]!r}, cached "
             f"{self.classes_[held[i]]!r}): its model changed since the teacher was made (trained more?) "
             "or it answers at random; the cached answers are forgotten")

    def predict(self, words: Any, *, progress: bool | None = False) -> np.ndarray:
        """The teacher's label of each word (strings or tuples of symbols); ``progress``: see :meth:`query`.

        >>> t = CallableSequenceTeacher(lambda ws: [w.count("1") % 2 == 0 for w in ws], alphabet="01")
        >>> t.predict(["", "1", "11"]).tolist()
        [True, False, True]
        """
        from ..models.automata import label_array

        return label_array(self.classes_, self.query(self.encode(words), progress=progress))

    @property
    def binary(self) -> bool:
        """True when every label seen is False/True (or 0/1): the teacher is a language."""
        return all(isinstance(c, (bool, int)) and c in (0, 1) for c in self.classes_)

    def describe(self) -> dict[str, Any]:
        return {"teacher": self.name, "alphabet": list(self.alphabet), "classes": [repr(c) for c in self.classes_]}

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name!r}, alphabet={list(self.alphabet)}, n_queries={self.n_queries})"

    # -- internals -----------------------------------------------------------------------------
    def _words_a_call(self) -> int | None:
        """Most words the backend is asked in one call (None: all of a query at once)."""
        return getattr(self, "batch_size", None)

    def _label_batches(self, codes: list[Code], progress: bool | None) -> Sequence[Any]:
        """Raw labels of ``codes``, in the calls the backend would be asked them in (``_words_a_call``),
        behind a bar counting the words where there is more than one call (one by one only then: a
        word-by-word callable pays for each)."""
        step = self._words_a_call()
        if not step or len(codes) <= step or not shows(progress):
            return self._label_codes(codes)
        labels: list[Any] = []
        with progress_bar(len(codes), "labelling words", progress, unit="word", unit_scale=True) as bar:
            for i in range(0, len(codes), step):
                labels.extend(self._label_codes(codes[i:i + step]))
                bar.update(min(step, len(codes) - i))
        return labels

    def index_labels(self, labels: Sequence[Any], codes: Sequence[Code]) -> np.ndarray:
        """Class indices of raw ``labels`` (one per word of ``codes``, named in errors); labels not
        seen before are appended to ``classes_``."""
        if len(labels) != len(codes):  # a label short would leave a word's class index unset
            raise TeacherError(f"{self.name} returned {len(labels)} labels for {len(codes)} words")
        if isinstance(labels, np.ndarray) and labels.dtype.kind in "biu":
            # one normalisation per distinct label, not per word (prefix labels come by the million)
            values, first, inverse = np.unique(labels, return_index=True, return_inverse=True)
            order = np.argsort(first)  # register new labels in order of first appearance
            ids = np.empty(len(values), dtype=np.int64)
            ids[order] = self.index_labels(list(values[order]), [codes[i] for i in first[order]])
            return ids[inverse.reshape(-1)]
        idx = np.empty(len(codes), dtype=np.int64)
        for i, raw in enumerate(labels):
            key = _normalise_label(raw, self.name, codes[i], self.alphabet, self._float_labels)
            k = self._class_index.get(key)
            if k is None:
                k = self._class_index[key] = len(self.classes_)
                self.classes_.append(key)
            idx[i] = k
        return idx


def _normalise_label(raw: Any, name: str, code: Code, alphabet: tuple[str, ...], floats: bool = False) -> Any:
    """``raw`` as a label; a float is a label as it is only where ``floats`` says the teacher's
    labels may be floats (an automaton's: its 1.0 stays 1.0); elsewhere a whole float is that int
    and a fractional one is taken for an unthresholded score."""
    if is_tensor(raw) and raw.ndim == 0:  # a 0-d tensor or array is its label, as a NumPy scalar is
        raw = from_tensor(raw).item()
    elif isinstance(raw, (np.generic, np.ndarray)) and np.ndim(raw) == 0:
        raw = raw.item()
    if isinstance(raw, (bool, str, int)) and not nul_ended(raw):
        return raw
    word = decode(code, alphabet)
    if nul_ended(raw):
        raise TeacherError(f"{name} returned {raw!r} for word {word!r}; {nul_ended(raw)}")
    if isinstance(raw, float):
        if floats and raw == raw:
            return raw
        if raw == raw and raw.is_integer():
            return int(raw)
        raise TeacherError(f"{name} returned {raw!r} for word {word!r}: a sequence teacher must return labels "
                           "(bool, int or str), not scores; threshold probabilities first")
    raise TeacherError(f"{name} returned {raw!r} ({type(raw).__name__}) for word {word!r}; "
                       "expected a label (bool, int or str)")


class CallableSequenceTeacher(SequenceTeacher):
    """Wrap ``fn(words) -> labels`` (or ``fn(word) -> label`` with ``per_word=True``).

    Parameters
    ----------
    fn : callable
        Receives a list of words and returns one label per word (list, tuple or 1-D array).
    alphabet : sequence of str
    word_type : {"auto", "str", "tuple"}
        How words are handed to ``fn``: "auto" passes strings when every symbol is one character.
    batch_size : int or None
        Most words per call of ``fn``; None sends every missing word of a query in one call.
    per_word : bool
        ``fn`` labels one word at a time.
    cache, cache_size, name
        See :class:`SequenceTeacher`.

    Examples
    --------
    >>> t = CallableSequenceTeacher(lambda ws: ["000" not in w for w in ws], alphabet=["0", "1"])
    >>> t.predict(["1000", "0101"]).tolist(), t.n_calls
    ([False, True], 1)
    """

    def __init__(self, fn: Callable[[Any], Any], alphabet: Any, *, word_type: str = "auto",
                 batch_size: int | None = None, per_word: bool = False, cache: bool = True,
                 cache_size: int = 2_000_000, name: str | None = None) -> None:
        if not callable(fn):
            raise TypeError(f"fn must be callable, got {type(fn).__name__}")
        super().__init__(alphabet, cache=cache, cache_size=cache_size)
        if word_type not in ("auto", "str", "tuple"):
            raise ValueError(f"word_type must be 'auto', 'str' or 'tuple', got {word_type!r}")
        if word_type == "str" and not self._chars:
            raise ValueError("word_type='str' needs single-character symbols")
        check_batch_size(batch_size, optional=True)
        self.fn = fn
        self.as_strings = word_type == "str" or (word_type == "auto" and self._chars)
        self.batch_size = None if batch_size is None else int(batch_size)
        self.per_word = check_switch("per_word", per_word)
        self.name = name or f"callable {getattr(fn, '__qualname__', type(fn).__name__)}"

    def _words_a_call(self) -> int | None:
        return 1 if self.per_word else self.batch_size

    def _word(self, code: Code) -> str | tuple[str, ...]:
        symbols = tuple(self.alphabet[i] for i in code)
        return "".join(symbols) if self.as_strings else symbols

    def _label_codes(self, codes: list[Code]) -> list[Any]:
        words = [self._word(c) for c in codes]
        step = self.batch_size or len(words)
        labels: list[Any] = []
        for i in range(0, len(words), step):
            labels.extend(self._call(words[i:i + step]))
        return labels

    def _failing_word(self, words: list[Any]) -> Any:
        """A word of ``words`` on which ``fn`` raises when asked it alone, found by asking halves of the list
        again (twice the list's words, in at most twice its log2 calls); None where no half raises."""
        while len(words) > 1:
            for part in (words[:len(words) // 2], words[len(words) // 2:]):
                try:
                    self.fn(part)
                except Exception:
                    words = part
                    break
            else:
                return None
        try:
            self.fn(words)
        except Exception:
            return words[0]
        return None

    def _call(self, words: list[Any]) -> list[Any]:
        self.n_calls += 1 if not self.per_word else len(words)
        raw: Any = []
        try:
            if self.per_word:
                for w in words:
                    raw.append(self.fn(w))
            else:
                raw = self.fn(words)
        except Exception as exc:
            # the word it failed on, where known; a list it failed on may have been given to f(word)
            if self.per_word:
                asked = f"the word {words[len(raw)]!r}"
            else:
                alone = self._failing_word(words)
                which = f"e.g. {words[0]!r}" if alone is None else f"of which it raises on [{alone!r}] alone"
                asked = f"a list of {len(words)} words, {which}; pass per_word=True if it labels one word"
            raise TeacherError(f"{self.name} raised {type(exc).__name__}: {exception_text(exc)} "
                               f"(asked about {asked})") from exc
        if self.per_word:  # a 0-d tensor or array is its label (_normalise_label), as a NumPy scalar is
            return raw
        if is_tensor(raw):
            raw = np.asarray(from_tensor(raw))
        if isinstance(raw, np.ndarray):
            if raw.ndim != 1:
                raise TeacherError(f"{self.name} returned an array of shape {raw.shape} for {len(words)} words; "
                                   "expected one label per word (shape (n,))")
            raw = raw.tolist()
        elif isinstance(raw, (str, bytes)) or not isinstance(raw, Iterable):
            raise TeacherError(f"{self.name} returned a {type(raw).__name__} ({raw!r}) for a list of {len(words)} "
                               "words; expected one label per word (pass per_word=True if it labels one word)")
        elif isinstance(raw, (Mapping, AbstractSet)):
            raise TeacherError(f"{self.name} returned a {type(raw).__name__} for a list of {len(words)} words; "
                               "expected one label per word, in the order of the words (a list or 1-D array)")
        raw = list(raw)
        if len(raw) != len(words):
            raise TeacherError(f"{self.name} returned {len(raw)} labels for {len(words)} words")
        return raw


class TorchSequenceTeacher(SequenceTeacher):
    """A recurrent ``torch.nn.Module`` as a sequence teacher (see the module docstring for the
    convention the module must follow).

    Parameters
    ----------
    module : torch.nn.Module
    alphabet : sequence of str
    token_ids : dict or None
        Token id of each symbol; default ``alphabet[i] -> i``.
    output : {"logit", "probability"}
        How a single output column is read (accept when logit > 0, or probability > 0.5).
    classes : sequence or None
        Labels of the output columns when there are two or more.
    batch_size : int
        Most words per prefix tree (bounds memory).
    device : str or None
        Default: the device of the module's parameters.

    Examples
    --------
    >>> import torch
    >>> class Net(torch.nn.Module):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.embedding = torch.nn.Embedding(2, 4)
    ...         self.rnn = torch.nn.GRU(4, 8, batch_first=True)
    ...         self.head = torch.nn.Linear(8, 1)
    >>> _ = torch.manual_seed(0)
    >>> t = TorchSequenceTeacher(Net(), alphabet="01")
    >>> t.predict(["", "0110"]).shape, t.hidden_states(["01"]).shape
    ((2,), (1, 8))
    >>> labels = t.prefix_labels([[0, 1, 1, 0]])  # "", "0", "01", "011", "0110" in one pass
    >>> labels.tolist() == [t.query([(), (0,), (0, 1), (0, 1, 1), (0, 1, 1, 0)]).tolist()]
    True
    """

    has_hidden_states = True

    def __init__(self, module: Any, alphabet: Any, *, token_ids: dict[str, int] | None = None,
                 output: str = "logit", classes: Sequence[Any] | None = None, batch_size: int = 8192,
                 device: str | None = None, cache: bool = True, cache_size: int = 2_000_000) -> None:
        torch = _torch()
        super().__init__(alphabet, cache=cache, cache_size=cache_size)
        if not isinstance(module, torch.nn.Module):
            raise TypeError(f"expected a torch.nn.Module, got {type(module).__name__}")
        if output not in ("logit", "probability"):
            raise ValueError(f"output must be 'logit' or 'probability', got {output!r}")
        check_batch_size(batch_size)
        self.module = module
        self.output = output
        self.batch_size = int(batch_size)
        refuse_set("classes", classes, "names the network's output columns in that order")
        self.class_labels = None if classes is None else list(classes)
        if self.class_labels is not None:
            self._check_classes(self.class_labels)
            self._float_labels = True  # declared labels: 0.5 is a label here, not a score, and 1.0 stays 1.0
        self.n_steps = 0
        self._column = (math.inf, -math.inf, 0)  # least and greatest output of one output column, and how many
        self.name = f"torch {type(module).__name__}"
        if token_ids is not None and not isinstance(token_ids, Mapping):
            raise TypeError(f"token_ids must map each symbol to an id, got a {type(token_ids).__name__}")
        ids = token_ids if token_ids is not None else {s: i for i, s in enumerate(self.alphabet)}
        missing = [s for s in self.alphabet if s not in ids]
        if missing:
            raise ValueError(f"token_ids has no id for symbol {missing[0]!r}")
        for sym in self.alphabet:
            v = ids[sym]
            if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, np.integer)) or v < 0:
                raise ValueError(f"token_ids[{sym!r}] must be a non-negative integer token id, got {v!r}")
        shared = {}
        for sym in self.alphabet:
            shared.setdefault(int(ids[sym]), []).append(sym)
        for token, symbols in shared.items():
            if len(symbols) > 1:  # the network could not tell them apart: every automaton would merge them
                raise ValueError(f"token_ids maps symbols {', '.join(map(repr, symbols))} to the same id {token}; "
                                 "each symbol needs its own token id")
        self._tokens = torch.tensor([int(ids[s]) for s in self.alphabet], dtype=torch.long)
        self.device = module_device(module, device)
        self._tokens = self._tokens.to(self.device)
        self._style = _module_style(module)
        embedding = getattr(module, "embedding", None) if self._style == "rnn" else None
        pad = embedding.padding_idx if isinstance(embedding, torch.nn.Embedding) else None
        padded = [sym for sym in self.alphabet if pad is not None and int(ids[sym]) == pad]
        if padded:  # fed the padding vector, the network reads no symbol it was trained on
            raise ValueError(f"symbol {padded[0]!r} is token id {pad}, which {type(module).__name__}.embedding keeps "
                             f"for padding (padding_idx={pad}): its vector is zeros, never trained; give the ids the "
                             "network was trained with, token_ids={symbol: id}")
        self._prefix_batch = 1024  # rows per recurrent call in prefix_labels: small batches run fastest on CPU
        if self._style == "rnn":
            _warn_unread_submodules(module)

    @staticmethod
    def _check_classes(classes: list[Any]) -> None:
        for c in classes:
            c = c.item() if isinstance(c, np.generic) else c
            if not isinstance(c, (bool, int, str, float)):
                raise ValueError(f"classes must be labels (bool, int, float or str), got {c!r} ({type(c).__name__})")
            if isinstance(c, float) and not np.isfinite(c):
                raise ValueError(f"classes holds {c!r}, which cannot be a label (NaN equals no label; JSON holds "
                                 "no infinity)")
        seen: set[Any] = set()
        dup = [c for c in classes if c in seen or seen.add(c)]  # 1, 1.0 and True are one label
        if dup:
            raise ValueError(f"classes has repeated labels: {dup[:10]}; each output column needs a label of its own "
                             "(1, 1.0 and True count as one)")

    # -- low-level: states ---------------------------------------------------------------------
    def initial_states(self, n: int) -> Any:
        """``n`` copies of the initial hidden state, as a tensor ``(n, D)``."""
        torch = _torch()
        with self._eval():
            if self._style == "step":
                state = self.module.initial_state(n)
                _check_state(state, n, "initial_state")
                return state.to(self.device)
            rnn = self.module.rnn
            layers = rnn.num_layers
            width = rnn.proj_size if getattr(rnn, "proj_size", 0) else rnn.hidden_size
            dim = layers * width + (layers * rnn.hidden_size if isinstance(rnn, torch.nn.LSTM) else 0)
            return torch.zeros(n, dim, device=self.device, dtype=_module_dtype(self.module))

    def advance(self, states: Any, symbols: Any) -> Any:
        """States after reading one symbol (indices into the alphabet) from each of ``states``."""
        with self._eval():
            return self._step(states, symbols)

    def _step(self, states: Any, symbols: Any) -> Any:
        torch = _torch()
        sym = torch.as_tensor(np.asarray(symbols, dtype=np.int64), device=self.device)
        tokens = self._tokens[sym]
        self.n_steps += 1
        if self._style == "step":
            out = self.module.step(states, tokens)
            _check_state(out, len(tokens), "step")
            return out
        rnn = self.module.rnn
        x = self.module.embedding(tokens)
        x = x.unsqueeze(1) if rnn.batch_first else x.unsqueeze(0)
        _, h = rnn(x, self._unflatten(states))
        return self._flatten(h)

    def labels_of_states(self, states: Any, codes: Sequence[Code] | None = None) -> np.ndarray:
        """Raw labels (before class indexing) of the words that reached ``states`` (``codes``, where
        given, name a word whose output is refused)."""
        with self._eval():
            logits = self._readout(states)
        return self._interpret(logits, None if codes is None else codes.__getitem__)

    def labels_of_words(self, states: Any, codes: Sequence[Code]) -> np.ndarray:
        """Class indices of the words ``codes`` that reached ``states`` (not cached; counted in
        ``n_queries``, as the network labels them all)."""
        self.n_queries += len(codes)
        return self.index_labels(list(self.labels_of_states(states, codes)), codes)

    def _readout(self, states: Any) -> Any:
        if self._style == "step":
            return self._checked_scores(self.module.readout(states), len(states))
        return self._checked_scores(self.module.head(self._top(states)), len(states))

    def _checked_scores(self, scores: Any, n: int) -> Any:
        """``scores`` (the module's outputs for ``n`` states) when they hold one row per state; else a
        ``TeacherError`` (one label per row is read from them: a row short or over would mislabel words)."""
        torch = _torch()
        if not isinstance(scores, torch.Tensor) or scores.ndim not in (1, 2) or scores.shape[0] != n:
            shape = tuple(scores.shape) if isinstance(scores, torch.Tensor) else f"a {type(scores).__name__}"
            where = "readout" if self._style == "step" else "head"
            raise TeacherError(f"{self.name}: module.{where} returned {shape} for {n} hidden states; expected one "
                               f"row of scores per state, a tensor of shape ({n},), ({n}, 1) or ({n}, C)")
        return scores

    def prefix_labels(self, symbols: Any) -> np.ndarray:
        """Class indices of every prefix of equally long words: ``symbols`` is ``(n, L)`` (symbol
        indices), the result ``(n, L + 1)``, column ``j`` labelling the prefix of length ``j``.

        One pass over each word labels all its prefixes (the recurrence is read at every step), so
        this is about ``L`` times cheaper than asking the prefixes as separate words. Labels are not
        cached; ``n_queries`` counts the ``n * (L + 1)`` prefixes.
        """
        torch = _torch()
        sym = np.asarray(symbols, dtype=np.int64)
        if sym.ndim != 2:
            raise ValueError(f"symbols must be a matrix (n_words, length), got shape {sym.shape}")
        n, length = sym.shape
        blocks = []
        with self._eval():
            for lo in range(0, n, self._prefix_batch):
                rows = sym[lo:lo + self._prefix_batch]
                states = self.initial_states(len(rows))
                chunk = [self._interpret(self._readout(states), lambda i: ())]
                if length and self._style == "rnn":
                    rnn = self.module.rnn
                    x = self.module.embedding(self._tokens[torch.as_tensor(rows, device=self.device)])
                    out, _ = rnn(x if rnn.batch_first else x.transpose(0, 1), self._unflatten(states))
                    top = out if rnn.batch_first else out.transpose(0, 1)  # (B, L, H): top layer at each step
                    logits = self._checked_scores(self.module.head(top.reshape(len(rows) * length, -1)),
                                                  len(rows) * length)
                    row_major = lambda i, rows=rows: tuple(rows[i // length, :i % length + 1].tolist())  # noqa: E731
                    chunk += list(self._interpret(logits, row_major).reshape(len(rows), length).T)
                    self.n_steps += length
                else:
                    for j in range(length):
                        states = self._step(states, rows[:, j])
                        chunk.append(self._interpret(self._readout(states), lambda i, j=j, rows=rows: tuple(
                            rows[i, :j + 1].tolist())))
                blocks.append(np.stack(chunk, axis=1))
                self.n_calls += 1
        self.n_queries += n * (length + 1)
        if not blocks:
            return np.zeros((0, length + 1), dtype=np.int64)
        return self.index_labels(np.concatenate(blocks).reshape(-1), _LazyPrefixes(sym)).reshape(n, length + 1)

    def margin_gradients(self, states: np.ndarray, suffixes: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        """Gradient, with respect to each hidden state, of the decision margin after reading a
        suffix from it: ``states`` ``(n, D)``, ``suffixes`` ``(n, L)`` symbol indices of which the
        first ``lengths[i]`` are read. The margin is the logit (or probability - 0.5) for one output
        column, the top score minus the runner-up for several. Returns ``(n, D)``.
        """
        torch = _torch()
        sym = np.asarray(suffixes, dtype=np.int64)
        live = torch.as_tensor(np.arange(sym.shape[1])[None, :] < np.asarray(lengths)[:, None], device=self.device)
        with _EvalMode(self.module, grad=True, teacher=self):
            h0 = torch.as_tensor(states, dtype=_module_dtype(self.module), device=self.device).requires_grad_(True)
            h = h0
            for j in range(sym.shape[1]):
                h = torch.where(live[:, j:j + 1], self._step(h, sym[:, j]), h)
            scores = self._readout(h)
            if scores.ndim == 2 and scores.shape[1] == 1:
                scores = scores[:, 0]
            if scores.ndim == 1:
                margin = scores - (0.5 if self.output == "probability" else 0.0)
            else:
                top2 = torch.topk(scores, 2, dim=1).values
                margin = top2[:, 0] - top2[:, 1]
            (grad,) = torch.autograd.grad(margin.sum(), h0)
        return grad.detach().to("cpu").double().numpy()

    # -- public --------------------------------------------------------------------------------
    def hidden_states(self, words: Any) -> np.ndarray:
        """Hidden state reached by each word, ``(n_words, D)``.

        For the embedding / rnn / head convention, ``D`` is the hidden vectors of all layers
        (and the LSTM cell state) concatenated.
        """
        states, _ = self.states_and_labels(self.encode(words))
        return states

    def states_and_labels(self, codes: Sequence[Code]) -> tuple[np.ndarray, np.ndarray]:
        """Hidden states ``(n, D)`` and class indices ``(n,)`` of encoded words, via prefix trees."""
        codes = [tuple(c) for c in codes]
        states, raw = [], []
        for i in range(0, len(codes), self.batch_size):
            s, r = self._run_batch(codes[i:i + self.batch_size])
            states.append(s)
            raw.extend(r)
        if not codes:  # no states, of the network's width (they stack with other words' states)
            return np.zeros((0, self.initial_states(1).shape[1])), np.zeros(0, dtype=np.int64)
        self.n_queries += len(codes)
        return np.concatenate(states), self.index_labels(raw, codes)

    # -- internals -----------------------------------------------------------------------------
    def _label_codes(self, codes: list[Code]) -> list[Any]:
        raw: list[Any] = []
        for i in range(0, len(codes), self.batch_size):
            raw.extend(self._run_batch(codes[i:i + self.batch_size])[1])
        return raw

    def _run_batch(self, codes: list[Code]) -> tuple[np.ndarray, list[Any]]:
        return self._run_packed(codes) if self._style == "rnn" else self._run_trie(codes)

    def _run_packed(self, codes: list[Code]) -> tuple[np.ndarray, list[Any]]:
        """embedding / rnn / head modules: one call of the RNN over all words (a packed sequence,
        so nothing is padded inside the recurrence); the empty word keeps the initial state."""
        torch = _torch()
        self.n_calls += 1
        padded, lengths = pad_codes(codes)
        states = self.initial_states(len(codes))
        nonempty = np.nonzero(lengths > 0)[0]
        if len(nonempty):
            rnn = self.module.rnn
            with self._eval():
                tokens = self._tokens[torch.as_tensor(padded[nonempty], device=self.device)]
                x = self.module.embedding(tokens)
                if not rnn.batch_first:
                    x = x.transpose(0, 1)
                packed = torch.nn.utils.rnn.pack_padded_sequence(
                    x, torch.as_tensor(lengths[nonempty]), batch_first=rnn.batch_first, enforce_sorted=False)
                _, h = rnn(packed, self._unflatten(states[torch.as_tensor(nonempty, device=self.device)]))
                states[torch.as_tensor(nonempty, device=self.device)] = self._flatten(h)
            self.n_steps += int(lengths.max())
        labels = self.labels_of_states(states, codes)
        return states.detach().to("cpu").double().numpy(), list(labels)

    def _run_trie(self, codes: list[Code]) -> tuple[np.ndarray, list[Any]]:
        """initial_state / step / readout modules: one batched step per depth over the prefix tree
        of ``codes``, so a prefix shared by many words is computed once."""
        torch = _torch()
        self.n_calls += 1
        children: dict[tuple[int, int], int] = {}
        parent, symbol, depth = [-1], [-1], [0]
        ends = np.empty(len(codes), dtype=np.int64)
        for w, code in enumerate(codes):
            node = 0
            for a in code:
                key = (node, a)
                nxt = children.get(key)
                if nxt is None:
                    nxt = children[key] = len(parent)
                    parent.append(node)
                    symbol.append(a)
                    depth.append(depth[node] + 1)
                node = nxt
            ends[w] = node
        parent_a, symbol_a, depth_a = np.array(parent), np.array(symbol), np.array(depth)
        order = np.argsort(depth_a, kind="stable")
        bounds = np.searchsorted(depth_a[order], np.arange(depth_a.max() + 2))
        init = self.initial_states(1)
        states = init.new_empty((len(parent), init.shape[1]))
        states[0] = init[0]
        with self._eval():
            for d in range(1, len(bounds) - 1):
                idx = order[bounds[d]:bounds[d + 1]]
                if len(idx) == 0:
                    continue
                idx_t = torch.as_tensor(idx, device=self.device)
                prev = states[torch.as_tensor(parent_a[idx], device=self.device)]
                states[idx_t] = self.advance(prev, symbol_a[idx])
            final = states[torch.as_tensor(ends, device=self.device)]
            labels = self.labels_of_states(final, codes)
        return final.detach().to("cpu").double().numpy(), list(labels)

    def _interpret(self, logits: Any, word: Callable[[int], Code] | None = None) -> np.ndarray:
        """Raw labels of the rows of ``logits``; an output refused names the word of its row, ``word(i)``."""
        out = logits.detach().to("cpu").double().numpy()
        if out.ndim == 2 and out.shape[1] == 1:
            out = out[:, 0]

        def of(bad: np.ndarray) -> str:  # " for word ..." of the first row of ``bad``, where known
            return "" if word is None else f" for word {self.decode(word(int(np.nonzero(bad)[0][0])))!r}"

        finite = np.isfinite(out) if out.ndim == 1 else np.isfinite(out).all(axis=1)
        if not finite.all():
            value = out[~finite][0] if out.ndim == 1 else next(v for v in out[~finite][0] if not np.isfinite(v))
            raise TeacherError(f"{self.name} produced a non-finite output ({float(value)!r}){of(~finite)}")
        if out.ndim == 1:
            lo, hi, n = self._column
            self._column = (min(lo, float(out.min(initial=math.inf))), max(hi, float(out.max(initial=-math.inf))),
                            n + len(out))
            if self.class_labels is not None and len(self.class_labels) != 2:
                raise TeacherError(f"{self.name} has one output column but classes={self.class_labels!r}")
            if self.output == "probability" and not np.all((out >= 0) & (out <= 1)):
                outside = (out < 0) | (out > 1)
                raise TeacherError(f"{self.name} returned {float(out[outside][0])!r} as a probability (output="
                                   f"'probability'), which is outside [0, 1]{of(outside)}: its output column looks "
                                   "like a logit; leave output at 'logit' "
                                   "(on the command line, drop --teacher-output probability)")
            accept = out > (0.0 if self.output == "logit" else 0.5)
            if self.class_labels is None:
                return accept
            return np.array([self.class_labels[int(a)] for a in accept], dtype=object)
        k = out.shape[1]
        if self.class_labels is not None and len(self.class_labels) != k:
            raise TeacherError(f"{self.name} has {k} output columns but classes={self.class_labels!r}")
        best = np.argmax(out, axis=1)
        if self.class_labels is None:
            return best
        return np.array([self.class_labels[int(b)] for b in best], dtype=object)

    def probability_note(self) -> str | None:
        """What to say when the one output column read as a logit has answered only values in [0, 1], on at
        least 100 words: a probability (a head ending in a sigmoid), which a logit's threshold of 0 reads as
        "accept" for every word; None otherwise."""
        lo, hi, n = self._column
        if self.output != "logit" or n < 100 or not 0 <= lo <= hi <= 1:
            return None
        return (f"every output of {self.name}'s one output column lay in [0, 1] (from {lo:.4g} to {hi:.4g} on {n} "
                "words), as a probability's does, but it is read as a logit (output='logit', the default), which "
                "accepts wherever it is above 0: if the network ends in a sigmoid, give sd.as_sequence_teacher(module, "
                "alphabet, output='probability') (on the command line, --teacher-output probability)")

    # embedding/rnn/head: flat state = per-layer h (and LSTM c) concatenated, batch first
    def _flatten(self, h: Any) -> Any:
        torch = _torch()
        if isinstance(h, tuple):
            return torch.cat([self._flatten(h[0]), self._flatten(h[1])], dim=1)
        return h.transpose(0, 1).reshape(h.shape[1], -1)

    def _unflatten(self, flat: Any) -> Any:
        torch = _torch()
        rnn = self.module.rnn
        layers = rnn.num_layers
        width = rnn.proj_size if getattr(rnn, "proj_size", 0) else rnn.hidden_size
        h = flat[:, :layers * width].reshape(len(flat), layers, width).transpose(0, 1).contiguous()
        if isinstance(rnn, torch.nn.LSTM):
            c = flat[:, layers * width:].reshape(len(flat), layers, rnn.hidden_size).transpose(0, 1).contiguous()
            return h, c
        return h

    def _top(self, flat: Any) -> Any:
        rnn = self.module.rnn
        width = rnn.proj_size if getattr(rnn, "proj_size", 0) else rnn.hidden_size
        return flat[:, (rnn.num_layers - 1) * width: rnn.num_layers * width]

    def _eval(self) -> Any:
        return _EvalMode(self.module, teacher=self)

    def _failure(self, exc: Exception) -> str:
        """What a module call that raised ``exc`` says, with the likely cause when it is a common one."""
        msg = f"{self.name} raised {type(exc).__name__}: {exception_text(exc)}"
        text = str(exc)
        emb = getattr(self.module, "embedding", None) if self._style == "rnn" else None
        if isinstance(exc, IndexError) or "out of range" in text or "out of bounds" in text:
            top = int(self._tokens.max())
            size = f" but {type(self.module).__name__}.embedding has {emb.num_embeddings} entries" \
                if hasattr(emb, "num_embeddings") else ""
            return (f"{msg}. Likely cause: the alphabet has {len(self.alphabet)} symbols (token ids up to "
                    f"{top}){size}; is the alphabet larger than the module's embedding? (token_ids= maps symbols "
                    "to ids)")
        if any(k in text for k in ("shapes cannot be multiplied", "size mismatch", "shape mismatch", "input_size",
                                   "must match the size")):
            if self._style == "rnn":
                rnn = self.module.rnn
                width = rnn.proj_size if getattr(rnn, "proj_size", 0) else rnn.hidden_size
                hint = (f"embedding -> rnn (input_size {rnn.input_size}) -> head, and head must take the rnn's "
                        f"hidden size ({width})")
            else:
                hint = "initial_state and step must return states of one width D, and readout must take them"
            return f"{msg}. Likely cause: the module's layers do not fit together: {hint}"
        return msg


class _LazyPrefixes:
    """The prefixes of the rows of a symbol matrix, in row-major (word, length) order, built only
    when an error message has to name one."""

    def __init__(self, symbols: np.ndarray) -> None:
        self.symbols = symbols

    def __len__(self) -> int:
        return self.symbols.shape[0] * (self.symbols.shape[1] + 1)

    def __getitem__(self, i: int) -> Code:
        row, length = divmod(int(i), self.symbols.shape[1] + 1)
        return tuple(self.symbols[row, :length].tolist())


class _EvalMode:
    """Eval mode, and no_grad unless ``grad``, for the duration of a query; every submodule's training
    flag is restored after. An exception raised inside by the module becomes a ``TeacherError`` naming
    ``teacher`` (and the likely cause)."""

    def __init__(self, module: Any, grad: bool = False, teacher: TorchSequenceTeacher | None = None) -> None:
        self.module = module
        self.with_grad = grad
        self.teacher = teacher

    def __enter__(self) -> None:
        torch = _torch()
        self.mode = eval_mode(self.module)
        self.grad = torch.enable_grad() if self.with_grad else torch.no_grad()
        self.grad.__enter__()
        self.mode.__enter__()

    def __exit__(self, *exc: Any) -> None:
        self.mode.__exit__(*exc)
        self.grad.__exit__(*exc)
        err = exc[1]
        if self.teacher is not None and isinstance(err, Exception) and not isinstance(err, TeacherError):
            raise TeacherError(self.teacher._failure(err)) from err


def warn_probability_read_as_logit(teacher: SequenceTeacher) -> None:
    """Warn where ``teacher`` is a torch module whose one output column, read as a logit, has answered only
    values in [0, 1] (see :meth:`TorchSequenceTeacher.probability_note`)."""
    note = teacher.probability_note() if isinstance(teacher, TorchSequenceTeacher) else None
    if note is not None:
        warn(note)


def _warn_unread_submodules(module: Any) -> None:
    """Warn where ``module`` has submodules besides ``embedding``, ``rnn`` and ``head`` (dropout aside), with
    ``embedding`` and ``head`` submodules: symdistill calls those three, not ``forward``, so a layer that
    ``forward`` applies between them (a LayerNorm after the rnn, an activation before the head) is left out
    and the automaton learnt from another function, silently. Where ``embedding`` or ``head`` is a method it
    may call the other submodules itself: nothing is said."""
    torch = _torch()
    if not all(isinstance(getattr(module, a, None), torch.nn.Module) for a in ("embedding", "head")):
        return
    used = {id(getattr(module, a)) for a in ("embedding", "rnn", "head")}
    other = [name for name, child in module.named_children()
             if id(child) not in used and not isinstance(child, torch.nn.Dropout)]
    if other:
        kinds = ", ".join(f"{n} ({type(getattr(module, n)).__name__})" for n in other)
        warn(f"{type(module).__name__} has submodules {kinds} besides embedding, rnn and head: symdistill "
             "reads a word as head(rnn(embedding(tokens))) at its last step, not through forward, so a layer "
             "forward applies between them is left out; if forward uses them, give the module methods "
             "embedding(self, ids) and head(self, h) that apply them")


def _module_style(module: Any) -> str:
    torch = _torch()
    if all(callable(getattr(module, m, None)) for m in ("initial_state", "step", "readout")):
        return "step"
    missing = [a for a in ("embedding", "rnn", "head") if getattr(module, a, None) is None]
    rnn = getattr(module, "rnn", None)
    width = rnn.input_size if isinstance(rnn, torch.nn.RNNBase) else "N"  # a one-hot input's width
    if missing:
        one_hot = (f"; a network that reads one-hot vectors takes token ids through a method embedding(self, ids) "
                   f"returning torch.nn.functional.one_hot(ids, {width}).float()" if "embedding" in missing else "")
        raise TypeError(
            f"cannot read {type(module).__name__} as a recurrent classifier: it has no attribute "
            f"{', '.join(repr(m) for m in missing)}. Expected either attributes embedding (token ids -> vectors), "
            "rnn (nn.RNN / nn.GRU / nn.LSTM) and head (hidden state -> logits), embedding and head submodules or "
            f"methods, or methods initial_state(batch_size), step(state, tokens) and readout(state){one_hot}")
    if isinstance(module.embedding, torch.nn.Linear):  # called on token ids it fails deep in torch (Long vs Float)
        raise TypeError(
            f"{type(module).__name__}.embedding is an nn.Linear, which reads vectors, not token ids: for one-hot "
            "input, keep the layer under another name (self.project = ...) and give the module a method "
            f"embedding(self, ids) returning self.project(torch.nn.functional.one_hot(ids, "
            f"{module.embedding.in_features}).float())")
    for name in ("embedding", "head"):  # a submodule or a method (a head that ends in a sigmoid, ...)
        if not callable(getattr(module, name)):
            raise TypeError(f"{type(module).__name__}.{name} is a {type(getattr(module, name)).__name__}, not "
                            "callable; expected a submodule or a method")
    if isinstance(rnn, torch.jit.ScriptModule):  # scripted or traced: Python cannot call it on packed words
        inner = getattr(rnn, "original_name", type(rnn).__name__)
        if isinstance(module, torch.jit.ScriptModule):
            raise TypeError(f"{getattr(module, 'original_name', type(module).__name__)} is TorchScript, and its rnn (a "
                            f"{inner}) cannot be called from Python: a TorchScript sequence teacher must export methods "
                            "initial_state(batch_size), step(state, tokens) and readout(state) with @torch.jit.export")
        raise TypeError(f"{type(module).__name__}.rnn is TorchScript (a scripted or traced {inner}), which cannot be "
                        "called from Python; expected an eager nn.RNN, nn.GRU or nn.LSTM (TorchScript embedding and "
                        "head are accepted), or initial_state / step / readout methods")
    if not isinstance(rnn, torch.nn.RNNBase):
        raise TypeError(f"{type(module).__name__}.rnn is a {type(rnn).__name__}; expected nn.RNN, nn.GRU or nn.LSTM "
                        "(or give the module initial_state / step / readout methods)")
    if rnn.bidirectional:
        raise TypeError(f"{type(module).__name__}.rnn is bidirectional; a sequence teacher reads words left to "
                        "right one symbol at a time, so only unidirectional RNNs are supported")
    return "rnn"


def _check_state(state: Any, n: int, where: str) -> None:
    torch = _torch()
    if not isinstance(state, torch.Tensor) or state.ndim != 2 or state.shape[0] != n:
        shape = tuple(state.shape) if isinstance(state, torch.Tensor) else type(state).__name__
        raise TeacherError(f"module.{where} returned {shape}; expected a tensor of shape ({n}, D)")


def as_sequence_teacher(obj: Any, alphabet: Any = None, **kwargs: Any) -> SequenceTeacher:
    """Wrap ``obj`` as a :class:`SequenceTeacher`.

    ``obj`` may be a SequenceTeacher (returned as is), a symbolic automaton (``DFA`` /
    ``MooreMachine``), a recurrent ``torch.nn.Module`` (see the module convention above), or a
    callable ``f(words) -> labels``. Keyword arguments go to the adapter.

    >>> t = as_sequence_teacher(lambda ws: [len(w) % 2 for w in ws], alphabet=["a", "b"])
    >>> t.predict(["ab", "aba"]).tolist()
    [0, 1]
    """
    from ..models.automata import _Automaton

    if isinstance(obj, SequenceTeacher):
        if kwargs:
            raise ValueError("as_sequence_teacher got options for an object that is already a SequenceTeacher")
        if alphabet is not None and check_alphabet(alphabet) != obj.alphabet:
            raise ValueError(f"alphabet {list(check_alphabet(alphabet))} differs from the teacher's {list(obj.alphabet)}")
        return obj
    if isinstance(obj, type):  # callable, but called on words it would build an instance of itself
        raise TypeError(f"{obj.__name__} is a class, not a sequence teacher: pass an instance of it (the trained "
                        "network), not the class")
    check_teacher_options(obj, kwargs)
    if isinstance(obj, _Automaton):
        if alphabet is not None and set(check_alphabet(alphabet)) != set(obj.alphabet):
            raise ValueError(f"alphabet {list(alphabet)} differs from the automaton's {list(obj.alphabet)}")
        kwargs.setdefault("name", f"{obj.kind} with {obj.size} states")
        teacher = CallableSequenceTeacher(obj.predict, alphabet if alphabet is not None else obj.alphabet, **kwargs)
        teacher._float_labels = True  # a Moore machine's outputs are labels, floats included
        teacher.checks_cache = False  # and cannot change: a fit again asks it nothing (forget_if_changed)
        return teacher
    if _is_torch_module(obj):
        return TorchSequenceTeacher(obj, alphabet, **kwargs)
    if callable(obj):
        return CallableSequenceTeacher(obj, alphabet, **kwargs)
    if isinstance(obj, (str, PurePath)):  # a file name, as the command line's --teacher takes one
        name, suffix = str(obj), PurePath(obj).suffix.lower()
        load = (f"torch.jit.load({name!r}) for a TorchScript step module (torch.load, weights_only=False, for a module "
                "written by torch.save)" if suffix in (".pt", ".pth", ".torchscript")
                else f"sd.load({name!r}) for a saved automaton" if suffix == ".json" else None)
        if load is not None:
            raise TypeError(f"{name!r} is a file name: load it first, {load}, and pass the object")
        if suffix == ".onnx":
            raise TypeError(f"{name!r} is a file name, of an ONNX model: ONNX models are not sequence teachers; pass "
                            "the torch module, or a callable f(words) -> labels")
    raise TypeError(f"cannot use a {type(obj).__name__} as a sequence teacher: expected a callable f(words) -> labels, "
                    "a recurrent torch.nn.Module, or an automaton")


def check_teacher_options(obj: Any, options: Mapping[str, Any], where: str = "as_sequence_teacher",
                          own: Sequence[str] = ()) -> None:
    """Refuse an option that neither ``where`` (whose options are ``own``) nor the adapter that wraps
    ``obj`` takes, with the closest option named, as ``sd.distill`` names its own: the adapter's
    TypeError would name a class the user never met, and not the option meant."""
    import difflib
    import inspect

    adapter = TorchSequenceTeacher if _is_torch_module(obj) else CallableSequenceTeacher
    taken = [n for n in list(inspect.signature(adapter).parameters)[2:] if n not in own]  # after obj, alphabet
    unknown = [n for n in options if n not in taken]
    if not unknown:
        return
    close = difflib.get_close_matches(unknown[0], [*own, *taken], n=1)
    kind = "torch" if adapter is TorchSequenceTeacher else "callable"
    known = (f"options: {', '.join(sorted(own))}; and the {kind} teacher's: {', '.join(sorted(taken))}" if own else
             f"the {kind} teacher's options: {', '.join(sorted(taken))}")
    raise TypeError(f"{where}: unknown option {unknown[0]!r}{f'; did you mean {close[0]!r}?' if close else ''} "
                    f"({known})")


def _is_torch_module(obj: Any) -> bool:
    import sys

    torch = sys.modules.get("torch")
    return torch is not None and isinstance(obj, torch.nn.Module)

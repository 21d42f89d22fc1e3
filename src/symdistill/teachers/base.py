"""The Teacher protocol: one labelling interface for every kind of predictor.

A teacher takes rows in the user's input format and answers with class probabilities (classifiers)
or values (regressors). Calls are batched (``batch_size`` rows at most per backend call), counted
(``n_queries``, ``n_calls``) and optionally cached; every answer is validated so a teacher that
raises or returns garbage fails with an error that names it.
"""

from __future__ import annotations

import copy
import json
import math
import os
import re
import reprlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

from .._errors import (DataError, NonFiniteAnswerError, TeacherError, UnknownClassError, counted, exception_text, nul_ended,
                       refuse_set, warn)
from .._progress import progress_bar
from ..domain import _is_number, _plain, is_missing, is_real
from ._cache import AnswerCache

TASKS = ("classification", "regression")
CACHE_SIZE = 1_000_000  # rows a teacher's answer cache holds unless told (about 100 MB at ten features)


def check_task(task: Any) -> str | None:
    """``task`` as the plain string of ``TASKS`` it equals, or None (inferred from the teacher's answers);
    a ValueError for anything else. A NumPy string kept as given became the model's task, and the Python
    export wrote it ``np.str_('classification')``, which fails on import."""
    if task is not None and task not in TASKS:
        raise ValueError(f"task must be one of {TASKS} or None, got {task!r}")
    return None if task is None else TASKS[TASKS.index(task)]


def check_switch(name: str, value: Any) -> bool:
    """``value`` of the on/off option ``name`` as a bool; a TypeError for anything but True or False, as
    ``bool()`` would read ``"False"`` or ``"no"`` as True.

    >>> check_switch("cache", "False")
    Traceback (most recent call last):
    ...
    TypeError: cache must be True or False, got 'False'
    """
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def check_batch_size(batch_size: Any, optional: bool = False) -> int | None:
    """``batch_size`` as an int, a positive whole number (or None where ``optional``); a ValueError for
    anything else, a boolean too: ``True`` was read as one row per call.

    >>> check_batch_size(True)
    Traceback (most recent call last):
    ...
    ValueError: batch_size must be a positive integer, got True
    """
    if batch_size is None and optional:
        return None
    if isinstance(batch_size, (bool, np.bool_)) or not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer{' or None' * optional}, got {batch_size!r}")
    return int(batch_size)


def model_file(path: str | Path, what: str) -> Path:
    """``path`` checked as the file of a ``what`` teacher (``"ONNX model"``, ``"TorchScript"``): a path that
    does not exist, or names a directory, is refused saying so before anything reads it or imports its
    backend, so a mistyped path is not first reported as a missing onnxruntime or torch."""
    if os.path.isdir(path):
        raise IsADirectoryError(f"{what} file {str(path)!r} is a directory, not a file")
    if not os.path.isfile(path):
        raise FileNotFoundError(f"{what} file not found: {str(path)!r}")
    return Path(path)


class Teacher:
    """Base class of the teacher adapters. Subclasses implement ``_forward(X) -> raw output``.

    Parameters
    ----------
    task : {"classification", "regression"} or None
        None infers it from the first answer.
    classes : sequence or None
        Class labels in the order of the probability columns (a 1-D sequence of distinct labels);
        inferred when None. Declaring them makes the teacher a classifier (refused with
        ``task="regression"``).
    batch_size : int
        Most rows sent to the backend in one call.
    cache : bool
        Remember answers per row, so repeated queries cost nothing: the backend is asked about each
        distinct row once (rows are identical when their values are bit for bit: ``-0.0`` is not
        ``0.0``, and ``1`` is not ``1.0`` or ``'1'`` in a column of objects).
    cache_size : int or None
        Most rows the cache remembers (None: 1,000,000); when more come, those asked least recently
        are forgotten down to three quarters of it. Only with ``cache=True``.
    output : {"proba", "logits", "labels", "values"} or None
        What the backend returns; None infers it from the first answer (rows of non-negative
        numbers summing to one are probabilities, other matrices logits, one column of whole
        numbers labels). Declaring it fixes the task ("values": regression, the others:
        classification) and turns a wrong-looking answer into an error: labels that are not whole
        numbers, strings or booleans, probabilities outside [0, 1] or not summing to one, labels
        where probabilities or logits were declared.
    """

    name = "teacher"
    classes_: np.ndarray | None  # the class labels, in the order of the probability columns; None before known
    n_queries: int  # rows the backend answered
    n_calls: int  # calls to the backend
    _proba_atol = 1e-3  # how far from one a row of probabilities may sum (more for answers in low precision)
    _whole_from = 2.0**53  # from here on every float of the answer's type is whole, so wholeness says nothing
    _proba_read_from: int | None = None  # rows of the first answer that one column was read as P(class 1) off

    def __init__(self, *, task: str | None = None, classes: Any = None, batch_size: int = 8192,
                 cache: bool = False, cache_size: int | None = None, output: str | None = None) -> None:
        task = check_task(task)
        if output not in (None, "proba", "logits", "labels", "values"):
            raise ValueError(f"output must be 'proba', 'logits', 'labels', 'values' or None, got {output!r}")
        implied = None if output is None else "regression" if output == "values" else "classification"
        if task is not None and implied is not None and task != implied:
            raise ValueError(f"output={output!r} is a {implied} output, but task={task!r} was given")
        task = task or implied
        if classes is not None and task == "regression":  # the classes would go unread: values have none
            raise ValueError(f"classes={classes!r} names a classifier's classes, but the teacher is a regressor "
                             "(task='regression', given or told by a scikit-learn regressor's tags, or "
                             "output='values'); drop one of them (on the command line: drop --classes, or "
                             "--task regression)")
        if classes is not None:  # declared classes say what the teacher is: a one-column logit is not a value
            task = "classification"
        self.task = task
        self._task_given = task is not None  # by task=, output=, classes= or the estimator's tags
        self._probing = False  # asked by check_deterministic
        self.classes_ = None if classes is None else _check_classes(classes)
        self._declared_classes = classes is not None  # by the user: an error about them says how to declare them
        self.batch_size = check_batch_size(batch_size)
        self.cache = check_switch("cache", cache)
        if cache_size is not None and not self.cache:
            raise ValueError(f"cache_size={cache_size!r} bounds the answer cache, which is off; pass cache=True too")
        if cache_size is None:
            cache_size = CACHE_SIZE
        if isinstance(cache_size, (bool, np.bool_)) or not isinstance(cache_size, (int, np.integer)) or cache_size < 0:
            raise ValueError(f"cache_size must be a non-negative integer or None, got {cache_size!r}")
        self.cache_size = int(cache_size)
        self._cache = AnswerCache(self.cache_size)
        self.n_queries = 0
        self.n_calls = 0
        # "proba", "logits", "labels", "values", "binary_proba", "binary_logit"
        self._output_kind: str | None = output

    # -- to implement --------------------------------------------------------------------------
    def _forward(self, X: Any) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    # -- public --------------------------------------------------------------------------------
    @property
    def n_classes(self) -> int:
        if self.classes_ is None:
            raise TeacherError(f"{self.name}: classes are not known yet (ask the teacher first)")
        return len(self.classes_)

    def answer(self, X: Any, *, progress: bool | None = False) -> np.ndarray:
        """Probabilities ``(n, n_classes)`` for classifiers, values ``(n,)`` for regressors.

        ``progress``: a bar counting the rows answered, when the backend is asked in more than one
        batch (None: on an interactive terminal only, as the learners' ``progress``).
        """
        return self._answer(X, progress=progress)

    def _answer(self, X: Any, *, progress: bool | None = False, of: int | None = None) -> np.ndarray:
        """:meth:`answer`, where ``X`` may be the distinct ones of ``of`` rows a caching wrapper was asked: a
        first answer is read off that many rows (see :meth:`_ask`)."""
        if _one_dimensional(X):
            # One row, or rows of one feature? A network reads a 1-D tensor as one row, whose outputs were then
            # taken for the answers to as many rows, and fixed the teacher's task and classes from them.
            n, kind = len(X), type(X).__name__
            raise DataError(f"{self.name} is asked about rows, a 2-D array (rows x features) or a DataFrame; got a 1-D "
                            f"{kind} of {n} values, one row or {n} rows of one feature: pass X.reshape(1, -1) for one "
                            "row, X.reshape(-1, 1) for one feature"
                            + (" (a Series, one row: s.to_frame().T)" if kind == "Series" else ""))
        n = _n_rows(X)
        if n == 0:
            width = (0, self.n_classes) if self.task == "classification" and self.classes_ is not None else (0,)
            return np.zeros(width)
        of = n if of is None else of
        if self.cache:  # the backend is asked about the rows not cached, each distinct row once
            return self._cache.answer(X, lambda rows: self._ask(_take(X, rows), rows=rows, progress=progress, of=of))
        return self._ask(X, progress=progress, of=of)

    def predict_proba(self, X: Any) -> np.ndarray:
        out = self.answer(X)
        if self.task != "classification":
            raise TeacherError(f"{self.name} is a regressor: it has no predict_proba")
        return out

    def predict(self, X: Any, *, progress: bool | None = False) -> np.ndarray:
        """Labels (classifiers, in the teacher's label space) or values (regressors); ``progress``: see
        :meth:`answer`."""
        out = self.answer(X, progress=progress)
        if self.task == "classification":
            if self.classes_ is None:  # no row asked yet, and none now: no classes to index (axis 1 is missing)
                return np.empty(0, dtype=object)
            return self.classes_[np.argmax(out, axis=1)]
        return out

    def check_deterministic(self, X: Any, n_rows: int = 32) -> None:
        """Ask the same rows at once, then in two halves; raise if the answers differ: at random (dropout on,
        random sampling, ...), or by the other rows asked with each (a scaler fitted on the rows given, a
        BatchNorm without running statistics). The rows go in batches of ``batch_size``, as every query does
        (a graph of a fixed batch of one), and the backend answers each row twice, as many as asking it all
        twice; a third call, where they differ, tells the two apart."""
        probe = _take(X, slice(0, n_rows))
        n = _n_rows(probe)
        state = (self.task, self.classes_, self._output_kind)
        self._probing = True  # (its classes, a few rows', draw no warning: the first real answer's do)
        try:
            a = self._ask(probe)
            values = self.task == "regression"
            try:
                b = np.concatenate([self._ask(_take(probe, part)) for part in (slice(0, n // 2), slice(n // 2, n))]) \
                    if n > 1 else self._ask(probe)
            except UnknownClassError:  # a label the rows did not get at once: another answer
                b = None
            again = None if _same_answers(a, b, values) else self._ask(probe)
        finally:  # what the probe inferred is inferred again from the first real answer
            self.task, self.classes_, self._output_kind = state
            self._probing = False
        if again is None:
            self._forget_if_changed(probe, a)
            return
        if not _same_answers(a, again, values):
            raise TeacherError(f"{self.name} is not deterministic: two calls on the same {counted(n, 'row')} differ "
                               f"(largest difference {_largest_difference(a, again):.3g}); {self._randomness_advice()}")
        raise TeacherError(
            f"{self.name} answers a row differently depending on the rows asked with it: {counted(n, 'row')} asked at "
            f"once and in two halves differ (largest difference {_largest_difference(a, b):.3g}); it computes with "
            "statistics of the rows it is given (a scaler fitted in the function, fit_transform(X); a BatchNorm "
            "without running statistics, track_running_stats=False), which symdistill asks in batches of rows it "
            "draws: fit them once on the training rows and answer each row by itself")

    def _forget_if_changed(self, rows: Any, answers: np.ndarray) -> None:
        """Forget the cache, with a warning, where the backend's fresh ``answers`` to ``rows`` are not those
        it holds for them: its model changed since (retrained, or trained on), and the cache answered as
        before, so distilling it again gave the old model."""
        if not self.cache or not len(self._cache):
            return
        found, held = self._cache.known(rows)
        if not found.any() or _same_answers(answers[found], held):
            return
        self._cache.clear()
        warn(f"{self.name} answers {counted(int(found.sum()), 'row')} asked before otherwise than its cache "
             f"holds (largest difference {_largest_difference(answers[found], held):.3g}): its model changed "
             "since (retrained?); the cached answers are forgotten")

    def _randomness_advice(self) -> str:
        """What to do about answers that differ on the same rows."""
        return "put the model in eval mode or fix its randomness"

    def check_domain(self, domain: Any) -> None:
        """Warn of features of ``domain`` (the rows' schema a learner distils over) that this teacher reads
        otherwise; nothing here (a scikit-learn estimator's encoders say more)."""

    def _renames_labels(self) -> bool:
        """Whether declared classes that are other labels rename this teacher's labels (those of a model
        that has its own, in an order); a function's or a network's labels are its own."""
        return False

    def widened(self, labels: Sequence[Any]) -> Teacher:
        """A copy of this teacher whose classes are its own followed by ``labels``, labels it answers on
        rows other than those its classes were read off; its cache is empty and it has asked nothing.
        This teacher keeps its classes (those its models were distilled against).

        Only for a teacher answering labels whose classes were not declared: declared classes say what
        the teacher answers, and a teacher answering probabilities has a column per class.

        >>> import numpy as np, symdistill as sd
        >>> t = sd.as_teacher(lambda X: np.where(X[:, 0] > 1, 2, X[:, 0] > 0.5).astype(int))
        >>> t.predict(np.array([[0.2], [0.9]])).tolist()
        [0, 1]
        >>> t.widened([2]).predict(np.array([[0.2], [1.5]])).tolist(), t.classes_.tolist()
        ([0, 2], [0, 1])
        """
        if self._declared_classes or self.classes_ is None or self._output_kind != "labels":
            why = ("its classes were declared" if self._declared_classes else "its classes are not known yet"
                   if self.classes_ is None else "it answers probabilities or scores, a column per class")
            raise TeacherError(f"{self.name}: cannot add classes {list(labels)!r}: {why}")
        out = copy.copy(self)
        out.classes_ = _check_classes([_plain(c) for c in self.classes_] + [_plain(c) for c in labels])
        out._cache = AnswerCache(self.cache_size)
        out.n_queries = out.n_calls = 0
        return out

    def describe(self) -> dict[str, Any]:
        """A short fingerprint (kind, task, classes) for reports and model cards."""
        return {
            "teacher": self.name,
            "task": self.task,
            "classes": None if self.classes_ is None else [str(c) for c in self.classes_],
            "output": self._output_kind,
        }

    # -- internals -----------------------------------------------------------------------------
    def _ask(self, X: Any, rows: np.ndarray | None = None, progress: bool | None = False,
             of: int | None = None) -> np.ndarray:
        """The answers to all of ``X`` (``rows``: their numbers in the ``of`` rows the caller was asked,
        when not 0, 1, ...: the cache's distinct rows), asked in batches (behind a bar when ``progress``
        and more than one) and read as one answer: the classes and the kind of answer a first answer
        fixes are those of all its rows, not of its first batch's."""
        n = _n_rows(X)
        raws = []
        with progress_bar(n, "labelling rows", progress if n > self.batch_size else False, unit="row",
                          unit_scale=True) as bar:
            for i in range(0, n, self.batch_size):
                raws.append(self._forward_counted(_take(X, slice(i, i + self.batch_size))))
                self._check_count(raws[-1], min(self.batch_size, n - i))
                bar.update(len(raws[-1]))
        shapes = list(dict.fromkeys(r.shape[1:] for r in raws))
        if set(shapes) == {(), (1,)}:  # one value per row, as a column or not: the same answer
            raws, shapes = [r.reshape(-1) for r in raws], [()]
        if len(shapes) > 1:
            raise TeacherError(f"{self.name} answered batches of rows in different shapes: "
                               f"{', '.join(str((None,) + s) for s in shapes)}; expected the same kind of answer for "
                               "every batch")
        return self._interpret(raws[0] if len(raws) == 1 else np.concatenate(raws), _Asked(X, rows, of))

    def _forward_counted(self, X: Any) -> Any:
        n = _n_rows(X)
        if isinstance(X, np.ndarray) and X.flags.writeable:
            # The rows are a view of the learner's queries (or the caller's rows): a backend that changed them in
            # place (X -= mean) changed what the model is fitted on, without a word. Read-only, it raises.
            X = X.view()
            X.flags.writeable = False
        try:
            raw = self._forward(X)
        except TeacherError:
            raise
        except Exception as exc:
            in_place = isinstance(exc, ValueError) and "read-only" in str(exc) and \
                isinstance(X, np.ndarray) and not X.flags.writeable
            raise TeacherError(
                f"{self.name} raised {type(exc).__name__} on a batch of {counted(n, 'row')}: {exception_text(exc)}"
                + (self._hint(exc, X) or ("; it changes the rows it is given in place (they are symdistill's "
                                          "queries, given read-only): work on a copy (X = X.copy())" if in_place else ""))
            ) from exc
        self.n_calls += 1
        self.n_queries += n
        return self._as_array(raw)

    def _hint(self, exc: Exception, X: Any) -> str:
        """What to do about ``exc``, which the backend raised on rows ``X``, where the teacher can tell
        (``"; ..."``), else ``""``."""
        return ""

    def _as_array(self, raw: Any) -> np.ndarray:
        """The backend's answer as an array, as it was meant."""
        eps = 2.0**-7 if is_tensor(raw) and str(raw.dtype) == "torch.bfloat16" else None
        raw = from_tensor(raw)
        if isinstance(raw, np.ma.MaskedArray) and np.ma.getmaskarray(raw).any():
            # np.asarray reads the values under the mask: a row left unanswered would be answered by them
            rows = np.ma.getmaskarray(raw).reshape(len(raw), -1).any(axis=1) if raw.ndim else np.ones(1, bool)
            raise TeacherError(f"{self.name} returned a masked array, {int(rows.sum())} of its {rows.size} answers "
                               "masked: a teacher answers every row (np.ma.filled gives its values, if they are the "
                               "answers)")
        try:
            out = np.asarray(raw)
        except Exception as exc:
            raise TeacherError(f"{self.name} returned something that is not an array: {type(raw).__name__} "
                               f"({exc})") from exc
        if isinstance(raw, (list, tuple)) and out.dtype.kind in "US" and \
                not all(isinstance(v, str) and not nul_ended(v) for v in raw):
            # NumPy turns [1, 'a'] into the strings ['1', 'a']: a batch of only 1s would then be another class;
            # and 'a\x00' into 'a', another label (refused with the row by _check_labels).
            out = np.asarray(raw, dtype=object)
        if out.dtype.kind == "T":
            # NumPy 2's variable-width strings (np.dtypes.StringDType()) are labels as '<U1' ones are; read as
            # Python strings, as a pandas string Series' are, rather than refused as values that are no numbers.
            out = out.astype(object)
        if out.ndim == 2 and out.shape[1] >= 2 and out.dtype.kind in "iufb" and \
                type(raw).__name__ == "DataFrame" and hasattr(raw, "columns"):
            out = self._by_class(out, list(raw.columns))
        if out.dtype.kind == "f":
            # Probability rows sum to one only as closely as the answer's type holds them (bfloat16: 0.4%);
            # its floats are all whole from 2 / eps on (float64: 2**53, float32: 2**24, bfloat16: 256).
            eps = eps or float(np.finfo(out.dtype).eps)
            self._proba_atol, self._whole_from = max(1e-3, eps), 2.0 / eps
        else:
            self._whole_from = np.inf if out.dtype.kind in "iub" else 2.0**53
        return out

    def _by_class(self, out: np.ndarray, columns: list[Any]) -> np.ndarray:
        """``out``, a DataFrame's columns of scores, each named by its class (AutoGluon's predict_proba,
        ``pd.DataFrame(proba, columns=classes)``), in the order of the classes: the first answer's names
        are the classes unless declared, and columns of the classes in another order are put back in theirs
        (they were read by position, so declared classes ['yes', 'no'] took the column 'no' for 'yes')."""
        if self.task == "regression" or self._output_kind == "labels":
            return out  # refused as several values or labels per row
        names = [_plain(c) for c in columns]
        if self.classes_ is None:
            try:
                self.classes_ = _check_classes(names)
            except ValueError as exc:
                raise TeacherError(f"{self.name} returned a DataFrame whose columns cannot name its classes: "
                                   f"{exc}") from None
            return out
        known = [_plain(c) for c in self.classes_]
        key = repr  # 1 and True are one dict key, but not one class
        if names != known and sorted(map(key, names)) == sorted(map(key, known)):
            at = {key(c): j for j, c in enumerate(names)}
            return out[:, [at[key(c)] for c in known]]
        # Columns that print as the classes (the classes 0 and 1 as the text '1', '0' of a file's header) are
        # theirs too: read in order, the column '1' was class 0's.
        printed, printed_known = [str(c) for c in names], [str(c) for c in known]
        if printed != printed_known and len(set(printed_known)) == len(known) and sorted(printed) == sorted(printed_known):
            return out[:, [printed.index(c) for c in printed_known]]
        return out

    def _check_count(self, out: np.ndarray, n: int) -> None:
        """A TeacherError unless ``out`` (a batch's answer) has one answer for each of its ``n`` rows."""
        if out.ndim == 0:
            v = out.item()
            what = ("None" if v is None else f"one {type(v).__name__} ({reprlib.repr(v)})"
                    if isinstance(v, (bool, int, float, str, bytes)) else f"a {type(v).__name__}")
            squeezed = n == 1 and isinstance(v, (bool, int, float, str))
            raise TeacherError(f"{self.name} returned {what} for {counted(n, 'row')}; expected one answer per row (an array of "
                               "labels, probabilities, logits or values)" + (_SQUEEZED if squeezed else ""))
        if out.shape[0] != n:
            raise TeacherError(f"{self.name} returned shape {out.shape} for {counted(n, 'row')}; expected one answer per row"
                               + (_SQUEEZED if n == 1 and out.ndim == 1 else ""))

    def _interpret(self, out: np.ndarray, asked: _Asked) -> np.ndarray:
        """``out`` (the answer to the rows ``asked``, already an array: :meth:`_forward_counted`, with
        one answer per row: :meth:`_check_count`) read as the teacher's kind of answer."""
        n = asked.n
        if out.ndim > 2 or (out.ndim == 2 and out.shape[1] == 0):
            raise TeacherError(f"{self.name} returned shape {out.shape}; expected (n,) or (n, n_outputs)")
        if out.dtype.kind == "c":
            raise TeacherError(f"{self.name} returned complex numbers (dtype {out.dtype}); expected real "
                               "probabilities, logits, labels or values")
        if out.dtype.kind in "mM":  # NumPy casts them to numbers: day 18262 would be a class
            raise TeacherError(f"{self.name} returned dates or time spans (dtype {out.dtype}); expected labels, "
                               "probabilities, logits or values: convert them (to strings for labels, to numbers "
                               "for values)")
        if out.dtype.kind == "b" and out.ndim == 2 and out.shape[1] >= 2:
            out = self._one_hot(out, asked)
        if self.task == "regression" and out.dtype.kind == "O" and all(is_real(v) for v in out.reshape(-1).tolist()):
            out = out.astype(float)  # numbers held as objects are a declared regressor's values, as in a list
        # Whole numbers are labels unless the teacher was declared a regressor (counts, prices in cents).
        is_labels = out.dtype.kind in "OUSb" or (out.dtype.kind in "iu" and out.ndim == 1 and self.task != "regression")
        if self._output_kind in (None, "labels") and is_labels:
            if out.ndim == 2 and out.shape[1] != 1:
                raise TeacherError(f"{self.name} returned {out.shape[1]} labels per row (shape {out.shape}); "
                                   "expected one label per row")
            return self._from_labels(out.reshape(n), asked)
        if self._output_kind in ("proba", "logits") and out.dtype.kind in "USb":
            raise TeacherError(f"{self.name} was declared to return output={self._output_kind!r} but returned "
                               f"labels of dtype {out.dtype} (e.g. {out.flat[0].item()!r})")
        try:
            out = out.astype(float)
        except (TypeError, ValueError):
            raise TeacherError(f"{self.name} returned non-numeric values of dtype {out.dtype}") from None
        if not np.all(np.isfinite(out)):
            bad = np.nonzero(~np.isfinite(out).reshape(n, -1).all(axis=1))[0]
            first = asked.row(int(bad[0]))
            raise NonFiniteAnswerError(f"{self.name} returned NaN or infinite output for {len(bad)} of the {n} rows "
                                       f"asked, first {first}", len(bad), n, first)
        if out.ndim == 2 and out.shape[1] == 1:
            out = out[:, 0]
        if out.ndim == 1:
            return self._from_vector(out, asked)
        return self._from_matrix(out, asked)

    def _one_hot(self, out: np.ndarray, asked: _Asked) -> np.ndarray:
        """A matrix of booleans, a column per class (``np.eye(k, dtype=bool)[y]``, ``pd.get_dummies``), as
        the 0/1 integers it holds: read as the same integers are (class probabilities), where it was
        refused as several labels per row. A row with no True or several says no class: refused."""
        bad = out.sum(axis=1) != 1
        if np.any(bad):
            i = int(np.argmax(bad))
            raise TeacherError(f"{self.name} returned {out.shape[1]} booleans per row (shape {out.shape}), read as "
                               f"one-hot class indicators (a column per class), but not exactly one True"
                               f"{self._first(bad, asked)}, with {int(out[i].sum())}; a one-hot row has exactly one "
                               "True (for one label per row, return a 1-D array)")
        return out.astype(np.int64)

    def _from_labels(self, labels: np.ndarray, asked: _Asked) -> np.ndarray:
        self._set_task("classification", "labels", labels)
        _check_labels(labels, self.name, asked.row)
        if self.classes_ is None:
            self.classes_ = _unique_labels(labels, self.name)
            if not self._task_given and not self._probing:
                _warn_if_counts(self.classes_, self.name)
        idx = _label_index(self.classes_, labels, self.name, self._declared_classes)
        proba = np.zeros((len(labels), len(self.classes_)))
        proba[np.arange(len(labels)), idx] = 1.0
        return proba

    def _from_vector(self, v: np.ndarray, asked: _Asked) -> np.ndarray:
        integral = bool(np.all(v == np.round(v)))
        # Logits of a float type's whole numbers alone (1e20 in float64) read as labels only where declared so.
        whole = integral and bool(np.all(np.abs(v) < self._whole_from))
        if self.task is None:
            # Few values for the rows the caller asked: the cache's distinct rows, fewer, made them values (a
            # regressor) where the same rows asked without it made classes.
            few = len(np.unique(v)) <= max(2, (asked.of or len(v)) // 4)
            self.task = "classification" if whole and few else "regression"
        if self.task == "regression":
            if not self._task_given and not self._probing and self._output_kind is None:
                _warn_if_probabilities(v, self.name, asked.of or len(v))
            self._set_task("regression", "values")
            return v
        if self._output_kind in (None, "labels") and not integral and self._declared_classes \
                and np.isin(v, [float(c) for c in self.classes_ if is_real(c)]).all():
            # Declared classes that are not whole (0.5, 1.5), answered as such: labels, not P(class 1) or a logit.
            self._output_kind = "labels"
            return self._from_labels(v, asked)
        if self._output_kind is None:
            # One column from a classifier: labels if whole numbers, else P(class 1) or a logit.
            if whole:
                self._output_kind = "labels"
            else:
                self._output_kind = "binary_proba" if np.all((v >= 0) & (v <= 1)) else "binary_logit"
                self._proba_read_from = len(v)
        if self._output_kind == "labels":
            if not integral:
                bad = v[np.argmax(v != np.round(v))]
                raise TeacherError(f"{self.name} returned non-integer numbers (e.g. {bad:g}) where labels were "
                                   "expected; labels are whole numbers, strings or booleans (for scores declare "
                                   "output='proba', 'logits' or 'values')")
            # Whole floats beyond int64 (1e20, 2.0**63) would all cast to one integer: they stay floats.
            return self._from_labels(v.astype(int) if np.all(np.abs(v) < 2.0**63) else v, asked)
        if self._output_kind in ("proba", "logits"):
            self._output_kind = "binary_" + ("proba" if self._output_kind == "proba" else "logit")
        if self.classes_ is None:
            self.classes_ = np.array([0, 1])
        if len(self.classes_) == 1 and self._output_kind == "binary_proba":
            # A classifier that saw one class (scikit-learn's predict_proba then has one column).
            if not np.allclose(v, 1.0, atol=1e-3):
                raise TeacherError(f"{self.name} has the single class {self.classes_[0]!r}, but its probabilities "
                                   f"are not 1 (e.g. {v[np.argmax(np.abs(v - 1.0))]:g})")
            return np.ones((len(v), 1))
        if len(self.classes_) != 2:
            raise TeacherError(f"{self.name} returned one column but has {_classes(len(self.classes_))}"
                               + self._declared("one column is the probability or logit of the second of two "
                                                "classes, so declare two"))
        if self._output_kind == "binary_proba":
            outside = (v < 0) | (v > 1)
            if np.any(outside):
                read = "" if self._proba_read_from is None else \
                    (f"; its first answer ({counted(self._proba_read_from, 'row')}) lay all between 0 and 1 and was "
                     "read as probabilities: for a logit, declare output='logits' (sd.as_teacher(teacher, "
                     "output='logits'))")
                raise TeacherError(f"{self.name} returned probabilities outside [0, 1]{self._first(outside, asked)}: "
                                   f"{v[np.argmax(outside)]:g}{read}")
            p = v
        else:
            with np.errstate(over="ignore"):  # exp(1000) is inf, and p 0 as it should be
                p = 1.0 / (1.0 + np.exp(-v))
        return np.column_stack([1.0 - p, p])

    def _from_matrix(self, out: np.ndarray, asked: _Asked) -> np.ndarray:
        k = out.shape[1]
        if self.task == "regression":
            raise TeacherError(f"{self.name} returned {k} values per row (shape {out.shape}), but a regression "
                               "teacher answers one value per row: several outputs are not supported, distil "
                               "each one on its own (e.g. lambda X: f(X)[:, 0])")
        self._set_task("classification", None)
        if self._output_kind == "labels":
            raise TeacherError(f"{self.name} returned {k} columns per row, but output='labels' means one label "
                               "per row")
        if self.classes_ is None:
            self.classes_ = np.arange(k)
        if len(self.classes_) != k:
            raise TeacherError(f"{self.name} returned {k} columns but has {_classes(len(self.classes_))}"
                               + self._declared("declare one class per column, in the order of the columns"))
        if self._output_kind is None:
            is_proba = np.all(out >= -1e-9) and np.allclose(out.sum(axis=1), 1.0, atol=self._proba_atol)
            self._output_kind = "proba" if is_proba else "logits"
        if self._output_kind == "logits":
            z = out - out.max(axis=1, keepdims=True)
            e = np.exp(z)
            return e / e.sum(axis=1, keepdims=True)
        bad = (out < -1e-9).any(axis=1) | ~np.isclose(out.sum(axis=1), 1.0, atol=self._proba_atol)
        if np.any(bad):
            i = int(np.argmax(bad))
            shown = ", ".join(f"{p:g}" for p in out[i, :6]) + (", ..." if k > 6 else "")
            raise TeacherError(f"{self.name} returned probability rows that are negative or do not sum to 1"
                               f"{self._first(bad, asked)}: [{shown}], summing to {out[i].sum():g}")
        out = np.clip(out, 0.0, None)
        return out / out.sum(axis=1, keepdims=True)

    def _first(self, bad: np.ndarray, asked: _Asked) -> str:
        """``' for 3 of the 40 rows asked, first row 25 ([25.0, 1.0])'``: which of the rows ``asked`` were answered
        wrongly (``bad``), to name them in an error (the rows of a distillation are mostly the sampler's)."""
        return f" for {int(np.sum(bad))} of the {len(bad)} rows asked, first {asked.row(int(np.argmax(bad)))}"

    def _declared(self, advice: str) -> str:
        """``advice`` on the declared classes, for an error about them: ``" (declared: ...); advice ..."``
        when the user declared them (else nothing: inferred classes are the teacher's own)."""
        if not self._declared_classes:
            return ""
        return f" (declared: {[_plain(c) for c in self.classes_]}); {advice} ({CLASSES_FLAG})"

    def _set_task(self, task: str, kind: str | None, labels: np.ndarray | None = None) -> None:
        if self.task is None:
            self.task = task
        elif self.task != task:
            answered = "" if kind != "labels" else " (labels)" if labels is None or not len(labels) else \
                f" (labels of dtype {labels.dtype}, such as {reprlib.repr(_plain(labels[0]))})"
            raise TeacherError(f"{self.name} was declared a {self.task} teacher but answered like a {task} one{answered}")
        if kind is not None and self._output_kind is None:
            self._output_kind = kind

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name} task={self.task} queries={self.n_queries}>"


# A batch of one row (the last of 8,193 rows, or one row asked) answered without its axis of rows.
_SQUEEZED = ("; asked about one row, it answered without the axis of rows, as out.squeeze() (np.squeeze) answers one "
             "row: squeeze only the last axis (squeeze(-1)), so that it answers one row as it answers many")


class CallableTeacher(Teacher):
    """Wrap any function ``f(X) -> probabilities, logits, labels or values``.

    >>> import numpy as np
    >>> t = CallableTeacher(lambda X: (X[:, 0] > 0.5).astype(int))
    >>> t.predict(np.array([[0.2], [0.9]])).tolist()
    [0, 1]
    """

    def __init__(self, fn: Callable[[Any], Any], *, name: str | None = None, **kwargs: Any) -> None:
        if not callable(fn):
            raise TypeError(f"expected a callable teacher, got {type(fn).__name__}")
        super().__init__(**kwargs)
        self.fn = fn
        self.name = name or f"callable {getattr(fn, '__qualname__', type(fn).__name__)}"

    def _forward(self, X: Any) -> Any:
        return self.fn(X)

    def _hint(self, exc: Exception, X: Any) -> str:
        """How to hand the rows to a function that indexes an array (``X[:, 0]``, ``X[0]``) and was given a
        DataFrame (as the command line hands it a CSV's rows), or that takes columns by name (``X["age"]``) and
        was given an array, which has none."""
        if hasattr(X, "columns") and (type(exc).__name__ == "InvalidIndexError" or isinstance(exc, KeyError)
                                      and exc.args and not isinstance(exc.args[0], str)):
            return ("; it was given the rows as a pandas DataFrame, whose columns are taken by name: take "
                    "np.asarray(X) first to index it by position (on the command line, --as-array hands it a float array)")
        if isinstance(X, np.ndarray) and isinstance(exc, IndexError) and "valid indices" in str(exc):
            return ("; it was given the rows as a NumPy array, whose columns have no names: give it a pandas DataFrame "
                    "to take them by name (on the command line, without --as-array)")
        if isinstance(X, np.ndarray) and X.dtype == object and isinstance(exc, TypeError):
            # NumPy's own words ("loop of ufunc does not support argument 0 of type float which has no
            # callable sin method") do not say that the array holds objects, nor why.
            return ("; it was given the rows as an array of objects, as rows with a categorical feature are (each "
                    "category as given): take the columns it computes with as numbers, np.asarray(X[:, 0], dtype=float)")
        # NumPy names the text it could not read as a number, not its column: MAGIC read with its class column
        # ('g', 'h') left among the features said "could not convert string to float: 'g'" alone. (A column of
        # numbers holding a few words, '?', is another matter: the command line names it so.)
        text = re.fullmatch(r"could not convert string to float: '([^'\\]*)'", str(exc))
        if text is not None and hasattr(X, "columns"):
            values = X.to_numpy(dtype=object)
            words = [j for j in range(values.shape[1]) if not any(_is_number(v) for v in values[:, j])]
            where = _column_holding(X[X.columns[words]], values[:, words], text.group(1))
            if where:
                return (f"; {text.group(1)!r} is{where}, which holds text where the function computes with numbers: if it "
                        "is a label or identifier column left among the features, drop it (on the command line, --drop)")
        return ""


@dataclass(frozen=True)
class _Asked:
    """The rows an answer is for (``rows``: their numbers where not 0, 1, ...), so that an error can
    name the row the teacher answered wrongly and show it: the rows of a distillation are mostly
    drawn by the sampler, not the user's."""

    X: Any
    rows: np.ndarray | None = None
    of: int | None = None  # how many rows the caller asked, where ``X`` are the cache's distinct ones of them

    @property
    def n(self) -> int:
        return _n_rows(self.X)

    def row(self, i: int) -> str:
        """``'row 25 ([25.0, 1.0])'``; a DataFrame's row by column: ``'row 3 (age=41, colour='red')'``;
        the first six values of a wide row."""
        x = _take(self.X, slice(i, i + 1))
        values = (x.iloc[0] if hasattr(x, "iloc") else np.asarray(x)[0]).tolist()
        shown = [reprlib.repr(_plain(v)) for v in values[:6]]
        if hasattr(x, "columns"):
            shown = [f"{name}={v}" for name, v in zip(x.columns, shown)]
        text = ", ".join(shown + (["..."] if len(values) > 6 else []))
        text = text if hasattr(x, "columns") else f"[{text}]"
        return f"row {i if self.rows is None else int(self.rows[i])} ({text})"


def _same_answers(a: np.ndarray, b: np.ndarray | None, values: bool = False) -> bool:
    """Whether two answers to the same rows agree, as closely as a float32 network's batches of other sizes do.
    A regressor's ``values`` agree within their own magnitude: within 1e-6 absolute, values of 1e-9 answered
    at random agreed, and such a teacher passed for deterministic (answering 1s, it was refused)."""
    if b is None or a.shape != b.shape:
        return False
    top = float(np.max(np.abs(a))) if values and a.size else 1.0
    return bool(np.allclose(a, b, rtol=1e-5, atol=1e-6 * top if 0 < top < np.inf else 1e-6))


def _largest_difference(a: np.ndarray, b: np.ndarray | None) -> float:
    return float(np.max(np.abs(a - b))) if b is not None and a.shape == b.shape else float("nan")


def refuse_number_text(rows: Any, takes: str) -> None:
    """A TeacherError when ``rows`` (for an input of numbers, ``takes`` naming it) hold text, naming the
    first word that is no number ('?') where there is one, else the first text that reads as a number:
    NumPy reads '1' and '01' as 1.0, so a column of text (a categorical feature's categories) was fed as
    numbers where 'x' beside it was refused."""
    values = np.asarray(rows)
    texts = values.ravel() if values.dtype.kind in "US" else \
        [v for v in values.ravel() if isinstance(v, (str, bytes))] if values.dtype.kind == "O" else []
    # A word among them ('?' marking a missing value) blocks the column whatever the rest is, and no
    # pd.to_numeric reads it: it is the one to name, not the '2' before it.
    word = next((v for v in texts if not _is_number(v)), None)
    if word is not None:
        raise TeacherError(f"{takes}, got {_plain(word)!r}{_column_holding(rows, values, word)}")
    if len(texts):
        raise TeacherError(f"{takes}, got the text {_plain(texts[0])!r}{_column_holding(rows, values, texts[0])}: "
                           "convert the column to numbers first (pd.to_numeric), text is not read as a number")


def _column_holding(rows: Any, values: np.ndarray, text: Any) -> str:
    """' in column NAME' for the first column of the DataFrame ``rows`` (``values`` its array) holding ``text``;
    empty for rows without column names, an array's."""
    columns = getattr(rows, "columns", None)
    if columns is None or values.ndim != 2:
        return ""
    j = next((j for j in range(values.shape[1])
              if any(isinstance(v, type(text)) and v == text for v in values[:, j])), None)
    return "" if j is None else f" in column {_plain(columns[j])!r}"


def refuse_infinity(values: np.ndarray, infinite: np.ndarray, type_name: str, largest: float, takes: str, fix: str,
                    columns: Sequence[Any] | None = None) -> None:
    """A TeacherError when a finite number of ``values`` (rows as float64) is infinite (``infinite``) once cast to
    ``type_name``, whose ``largest`` number is smaller: float16 holds up to 65504, so an income of 70,000 reached
    the model as infinity, and the NaN it answered was blamed on it. ``takes`` names what takes the rows,
    ``columns`` the columns of ``values`` (else their positions), ``fix`` says what to do."""
    grown = np.asarray(infinite) & np.isfinite(values)
    if not grown.any():
        return
    at = tuple(int(i) for i in np.argwhere(grown)[0])
    where = f"column {(at[1] if columns is None else _plain(columns[at[1]]))!r} holds" \
        if values.ndim == 2 and values.shape[1] > 1 else "a row holds"
    raise TeacherError(f"{takes} takes numbers up to {largest:g} in size: {where} {values[at]:g}, which {type_name} "
                       f"holds as infinity; {fix}")


def _one_dimensional(X: Any) -> bool:
    """Whether ``X`` is a non-empty 1-D array, Series, list or tuple of values (not of rows)."""
    if isinstance(X, np.ndarray) or type(X).__name__ == "Series":
        return X.ndim == 1 and len(X) > 0
    return isinstance(X, (list, tuple)) and len(X) > 0 and all(np.ndim(v) == 0 for v in X)


def _n_rows(X: Any) -> int:
    return len(X) if not hasattr(X, "shape") else int(X.shape[0])


def _take(X: Any, idx: Any) -> Any:
    if hasattr(X, "iloc"):
        return X.iloc[idx]
    if isinstance(X, (list, tuple)) and not isinstance(idx, slice):  # rows picked out (the cache's new ones)
        return [X[i] for i in idx]
    if isinstance(X, np.ndarray) and isinstance(idx, np.ndarray) and idx.dtype.kind in "iu":
        return np.take(X, idx, axis=0)  # twice as fast as X[idx] on rows of many columns
    return X[idx]


def _check_labels(labels: np.ndarray, name: str, row: Callable[[int], str] = "row {}".format) -> None:
    """Reject labels that cannot name a class: None, NaN, complex numbers and strings ending in a NUL
    (object arrays only: arrays of strings, booleans or integers cannot hold them). ``row(i)`` names row ``i``."""
    if labels.dtype.kind != "O":
        return
    for i, v in enumerate(labels):
        if is_missing(v):
            what = "None" if v is None else "NaN" if isinstance(v, (float, np.floating)) else repr(v)
            raise TeacherError(f"{name} returned {what} as the label of {row(i)}; a teacher must answer every row "
                               "with a label (NaN and None are not labels)")
        if isinstance(v, (complex, np.complexfloating)):
            raise TeacherError(f"{name} returned the complex number {v!r} as the label of {row(i)}; expected real "
                               "labels or values")
        if nul_ended(v):
            raise TeacherError(f"{name} returned {v!r} as the label of {row(i)}; {nul_ended(v)}")


def _unique_labels(labels: np.ndarray, name: str) -> np.ndarray:
    """The sorted distinct labels, with a TeacherError when they cannot be told apart or ordered."""
    _check_labels(labels, name)
    try:
        classes = np.unique(labels)
    except TypeError:
        types = sorted({type(v).__name__ for v in labels})
        raise TeacherError(
            f"{name} returned labels that cannot be ordered (types: {', '.join(types)}); labels must be all "
            "strings or all numbers"
        ) from None
    problem = _unsaved_label(classes)
    if problem:
        raise TeacherError(f"{name} returned {problem}")
    return classes


def _unsaved_label(classes: np.ndarray) -> str | None:
    """What is wrong with the first of ``classes`` that a model could not save in its JSON (bytes, dates,
    Decimals: it predicted them, but ``to_json`` failed), or None."""
    for v in map(_plain, classes):
        if not isinstance(v, (str, int, float, bool)):
            how = f" ({v!r}.decode())" if isinstance(v, bytes) else " (str(label), or numbers)"
            return (f"{v!r} ({type(v).__name__}) as a label; a label is a string, a number or a boolean, as a model "
                    f"saves it in its JSON: convert them{how}")
    return None


def _warn_if_counts(classes: np.ndarray, name: str) -> None:
    """Warn when more than 10 classes inferred from an answer are all whole numbers: counts, ages or
    prices in cents look so, and are read as classes unless the task is declared."""
    if len(classes) <= 10 or classes.dtype.kind not in "iuf":
        return
    warn(f"{name} answers whole numbers, read as {len(classes)} classes ({_plain(classes[0])} to "
         f"{_plain(classes[-1])}); if they are values (counts, ages), pass task='regression' (on the command "
         "line: --task regression); task='classification' or classes=[...] keeps them classes, quietly")


def _warn_if_probabilities(values: np.ndarray, name: str, n_rows: int) -> None:
    """Warn when one column of numbers that are not all whole, read as values because no task was declared, lies
    all between 0 and 1: a binary classifier's sigmoid (Keras' predict, a torch network ending in one) answers
    so, and was distilled as a regressor of its probabilities. ``n_rows``: the rows the caller asked, fewer than
    8 too few to tell; ``values`` may be the answers to the cache's distinct ones of them, as few as one (rows
    of a few binary features), which left 120 rows' sigmoid unwarned with the cache on and warned without."""
    if n_rows < 8 or np.all(values == np.round(values)) or not np.all((values >= 0) & (values <= 1)):
        return
    warn(f"{name} answers one number per row, all between 0 and 1 ({values.min():.3g} to {values.max():.3g}), "
         "read as regression values; if they are the probability of a class (a sigmoid output), pass "
         "task='classification' (on the command line: --task classification); task='regression' keeps them "
         "values, quietly")


def label_names(own: Any, declared: Any) -> dict[Any, Any] | None:
    """The declared class naming each of a classifier's ``own`` labels, when the declared classes are other
    labels for all of them, in their order: its labels are renamed as its probabilities' columns are.
    None when it answers in the declared classes (or they are not known)."""
    if own is None or declared is None or len(own) != len(declared):
        return None
    own_keys, names = [_plain(c) for c in own], [_plain(c) for c in declared]
    return None if set(names) & set(own_keys) else dict(zip(own_keys, names))


def renamed_labels(labels: Any, names: dict[Any, Any]) -> np.ndarray:
    """``labels`` by their ``names``; one outside them stays as it is, refused as one the teacher does not know."""
    return np.asarray([names.get(_plain(v), v) for v in np.asarray(labels).reshape(-1)], dtype=object)


def refuse_swapped_names(name: str, declared: list[Any], own: list[Any]) -> None:
    """Refuse declared classes that are other labels for all of the teacher's ``own`` (so name them in
    their order) but print as them in another order: ``['5', '1']``, read from a file as text, for the
    classes 1 and 5 would name class 1 '5' and class 5 '1', every answer swapped without a word."""
    printed, printed_own = [_printed_key(c) for c in declared], [_printed_key(c) for c in own]
    if printed == printed_own or sorted(printed) != sorted(printed_own):
        return
    reordered = [own[printed_own.index(p)] for p in printed]
    renamed = ", ".join(f"class {o!r} {d!r}" for o, d in zip(own, declared) if str(o) != str(d))
    raise TeacherError(f"{name}: classes {declared} print as its classes {own} in another order, but are other labels "
                       f"({type(declared[0]).__name__}, not {type(own[0]).__name__}), which name its classes in their "
                       f"order: {renamed}; to list its classes in another order pass them as they are ({reordered}), "
                       f"to rename them give the names in the order {own} ({CLASSES_FLAG})")


def _printed_key(label: Any) -> str:
    """A label as ``refuse_swapped_names`` compares it: its text, where a finite number (or text that reads as
    one) is its value's text, so the classes 0.0 and 1.0 and the names '0' and '1' print alike."""
    try:
        value = float(label)
    except (TypeError, ValueError, OverflowError):
        return str(label)
    return repr(value) if math.isfinite(value) else str(label)


def _check_classes(classes: Any) -> np.ndarray:
    """Declared classes as an array: a non-empty 1-D sequence of distinct labels."""
    if isinstance(classes, (str, bytes)):
        raise ValueError(f"classes must be a sequence of labels, got the string {classes!r} "
                         f"(for one label per character pass list({classes!r}))")
    refuse_set("classes", classes, "the classes are numbered in that order (the columns of probabilities they name)")
    items = list(classes) if isinstance(classes, (list, tuple)) else []
    _refuse_missing(items)  # before np.asarray, which writes NaN beside a name as the text 'nan'
    if len({isinstance(c, (str, np.str_)) for c in items}) > 1:  # np.asarray would make the numbers text
        first = next(c for c in items if isinstance(c, (str, np.str_)))
        other = next(c for c in items if not isinstance(c, (str, np.str_)))
        raise ValueError(f"classes mixes names and other labels ({other!r} and {first!r}) in {classes!r}; "
                         "classes are all names or all numbers")
    try:
        arr = np.asarray(classes)
    except ValueError as exc:  # ragged nested sequences
        raise ValueError(f"classes must be a 1-D sequence of distinct labels, got {classes!r}: {exc}") from None
    if arr.dtype.kind == "T":  # NumPy 2's variable-width strings, which a model's JSON does not record: as Python's
        arr = arr.astype(object)
    if arr.ndim != 1:
        raise ValueError(f"classes must be a 1-D sequence of distinct labels, got shape {arr.shape}: {classes!r}")
    if len(arr) == 0:
        raise ValueError("classes is empty: pass at least one label, or None to infer them")
    keys = [c.item() if isinstance(c, np.generic) else c for c in arr]
    _refuse_missing(keys)
    for c in keys:
        try:
            hash(c)
        except TypeError:
            raise ValueError(f"classes must be a 1-D sequence of distinct labels; {c!r} "
                             f"({type(c).__name__}) cannot be a label") from None
    problem = _unsaved_label(arr)
    if problem:
        raise ValueError(f"classes holds {problem}")
    seen: set[Any] = set()
    dup = [c for c in keys if c in seen or seen.add(c)]
    if dup:
        raise ValueError(f"classes has repeated labels: {dup[:10]}; each class must be listed once")
    return arr


def _refuse_missing(labels: list[Any]) -> None:
    """A ValueError naming the first missing value (None, NaN) among declared ``labels``, or the first
    string ending in a NUL (which NumPy's string arrays would drop)."""
    for c in labels:
        if is_missing(c):
            raise ValueError(f"classes holds {c!r}, which is not a label")
        if nul_ended(c):
            raise ValueError(f"classes holds {c!r}; {nul_ended(c)}")


def _classes(n: int) -> str:
    return f"{n} class{'es' * (n != 1)}"


CLASSES_FLAG = "on the command line: --classes"


def classes_flag(classes: Any) -> str:
    """``--classes`` naming ``classes`` as a shell takes them: ``--classes benign,malignant``, or a JSON
    list in quotes (``--classes '[0, 1]'``) for numbers and names that a plain comma list cannot write."""
    plain = [_plain(c) for c in classes] if classes is not None else []
    if plain and all(isinstance(c, str) and re.fullmatch(r"[\w.+-]+", c) for c in plain):
        return "--classes " + ",".join(plain)
    text = json.dumps(plain, ensure_ascii=False)
    return f"--classes '{text}'" if plain and "'" not in text else "--classes"


def _label_index(classes: np.ndarray, labels: np.ndarray, name: str, declared: bool = False) -> np.ndarray:
    """Where each of ``labels`` is among ``classes`` (``declared`` by the user, not inferred: an error
    says a teacher answering labels answers in its own)."""
    lookup = {(c.item() if isinstance(c, np.generic) else c): i for i, c in enumerate(classes)}
    if labels.dtype.kind in "biufUS" and len(labels) > len(lookup):
        # Labels of one plain dtype: look up each distinct label once (a label equal under numpy is
        # equal as a key) instead of each row; unknown labels are reported by the loop below.
        distinct, at = np.unique(labels, return_inverse=True)
        codes = [lookup.get(v.item()) for v in distinct]
        if None not in codes:
            return np.asarray(codes, dtype=int)[at.reshape(-1)]
    out = np.empty(len(labels), dtype=int)
    new: dict[Any, None] = {}  # the unknown labels, in order of first appearance
    for i, lab in enumerate(labels):
        key = lab.item() if isinstance(lab, np.generic) else lab
        j = lookup.get(key)
        if j is None:
            new.setdefault(key)
            continue
        out[i] = j
    if new:
        known, unknown = list(lookup), list(new)
        numeric = any(isinstance(k, (int, float)) and not isinstance(k, bool) for k in unknown)
        hint = ("; a teacher answering labels answers in its own classes, which classes= must list (it renames "
                f"columns of probabilities or logits, not labels; {CLASSES_FLAG})") if declared else \
            "; pass classes=[...] to as_teacher" + (", or task='regression' if these numbers are values (on the "
                                                    "command line: --task regression)" if numeric else "")
        raise UnknownClassError(
            f"{name} returned {_some_labels(unknown, 'label')}, which {'is' if len(unknown) == 1 else 'are'} not "
            f"among its classes [{_some_labels(known)}]{hint}", unknown)
    return out


def _some_labels(labels: list[Any], noun: str = "") -> str:
    """``'label 3'``, ``'labels 3, -1'``, or the first ten and a count (just the list when no noun)."""
    shown = ", ".join(map(repr, labels[:10])) + (f", ... ({len(labels)} in all)" if len(labels) > 10 else "")
    return shown if not noun else f"{noun}{'s' if len(labels) > 1 else ''} {shown}"


def is_tensor(raw: Any) -> bool:
    return type(raw).__module__.startswith("torch") and hasattr(raw, "detach")


def from_tensor(raw: Any) -> Any:
    """A torch tensor a callable returned, made readable by NumPy; anything else as it is. A tensor
    may need grad or sit on a GPU, which NumPy reads neither, nor bfloat16 (float32 holds it exactly)."""
    if not is_tensor(raw):
        return raw
    raw = raw.detach().cpu()
    return raw.float() if str(raw.dtype) == "torch.bfloat16" else raw

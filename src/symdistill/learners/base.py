"""What every pedagogical learner shares: validation, the oracle, the sampler, the query pool.

A learner is an estimator: ``__init__`` stores keyword-only parameters, ``fit(teacher, X)``
validates, asks the teacher, learns, stores ``model_`` and returns ``self``. Learners register
under a form name (``"tree"``, ``"rules"``, ...) so ``sd.distill(form=...)`` and the shared tests
find them.
"""

from __future__ import annotations

import math
from typing import Any, Callable, ClassVar, Sequence, TypeVar

import numpy as np

from .._errors import DataError
from ..domain import Domain, is_real
from ..models.base import SymbolicModel
from ..sampling import RegionSampler
from ..sampling.density import KERNELS
from ..teachers import Teacher, as_teacher
from ..teachers.base import check_task
from ..teachers.oracle import Answer, Oracle

_LEARNERS: dict[tuple[str, str], type[Learner]] = {}
_SomeLearner = TypeVar("_SomeLearner", bound="Learner")
_SomeParams = TypeVar("_SomeParams", bound="Params")


def register_learner(form: str, method: str = "pedagogical") -> Callable[[type[_SomeLearner]], type[_SomeLearner]]:
    def deco(cls: type[_SomeLearner]) -> type[_SomeLearner]:
        cls.form = form
        cls.method = method
        _LEARNERS[(form, method)] = cls
        return cls

    return deco


def get_learner(form: str, method: str = "pedagogical") -> type[Learner]:
    if (form, method) not in _LEARNERS:
        forms = sorted({f for f, _ in _LEARNERS})
        if form not in forms:
            raise ValueError(f"unknown form {form!r}; expected one of {forms}")
        methods = sorted(m for f, m in _LEARNERS if f == form)
        # The form may be the default one (a tree), not written: say which form the method gives.
        gives = sorted(f for f, m in _LEARNERS if m == method)
        hint = f" (method {method!r} gives form {' or '.join(map(repr, gives))} only)" if gives else ""
        raise ValueError(f"form {form!r} has no method {method!r}{hint}; expected one of {methods}")
    return _LEARNERS[(form, method)]


def registered_learners() -> dict[tuple[str, str], type[Learner]]:
    return dict(_LEARNERS)


def option_defaults(cls: type) -> dict[str, Any]:
    """The keyword options a learner class takes, each with its default: its own and those of the
    classes it builds on (where two name one option, the subclass's default: TreeLearner's n_samples)."""
    import inspect

    out: dict[str, Any] = {}
    for klass in cls.__mro__:
        init = klass.__dict__.get("__init__")
        if init is not None:
            for p in inspect.signature(init).parameters.values():
                if p.kind is p.KEYWORD_ONLY:
                    out.setdefault(p.name, p.default)
    return out


class Params:
    """The parameter protocol of scikit-learn's estimators over the keyword options of ``__init__``:
    ``get_params``, ``set_params`` (checked by ``fit``, as the constructor's are) and a repr of the
    options set, so ``sklearn.base.clone`` makes an unfitted learner of the same options.

    >>> from symdistill.learners import TreeLearner
    >>> TreeLearner(max_size=8).set_params(random_state=0)
    TreeLearner(max_size=8, random_state=0)
    """

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """The options, by name (``deep`` is scikit-learn's: a learner holds no other estimator)."""
        return {name: getattr(self, name) for name in option_defaults(type(self))}

    def set_params(self: _SomeParams, **params: Any) -> _SomeParams:
        valid = option_defaults(type(self))
        unknown = sorted(set(params) - set(valid))
        if unknown:
            raise ValueError(f"invalid parameter {unknown[0]!r} for {type(self).__name__}; valid parameters: "
                             f"{sorted(valid)}")
        for name, value in params.items():
            setattr(self, name, value)
        return self

    def __repr__(self) -> str:
        # In the order the class's __init__ lists them, then those of the classes it builds on.
        given = [f"{name}={getattr(self, name)!r}" for name, default in option_defaults(type(self)).items()
                 if repr(getattr(self, name)) != repr(default)]
        return f"{type(self).__name__}({', '.join(given)})"


_NO_JSON = object()


def _json_value(v: Any) -> Any:
    """``v`` as JSON holds it (a NumPy number as a Python one, a tuple as a list), or ``_NO_JSON``."""
    if isinstance(v, np.generic):
        v = v.item()
    # a whole number is finite however many digits it has (np.isfinite refuses one past 64 bits)
    if v is None or isinstance(v, (bool, str, int)) or (isinstance(v, float) and math.isfinite(v)):
        return v
    if isinstance(v, (list, tuple, np.ndarray)):
        items = [_json_value(x) for x in v]
        return _NO_JSON if any(x is _NO_JSON for x in items) else items
    return _NO_JSON


class Learner(Params):
    """Base of the pedagogical learners.

    Subclasses implement ``_fit(oracle, Z, answer, sampler)`` returning the model.
    """

    form: ClassVar[str] = ""
    method: ClassVar[str] = "pedagogical"

    def __init__(self, *, max_size: int = 16, random_state: int | None = None, n_samples: int | None = 20000,
                 progress: bool | None = None, feature_names: list[str] | None = None,
                 categorical: Sequence[str | int | float | np.integer] | None = None, task: str | None = None,
                 check_determinism: bool = True, sampler_kernel: str = "diagonal",
                 sampler_bandwidth: float = 0.5) -> None:
        self.max_size = max_size
        self.random_state = random_state
        self.n_samples = n_samples
        self.progress = progress
        self.feature_names = feature_names
        self.categorical = categorical
        self.task = task
        self.check_determinism = check_determinism
        self.sampler_kernel = sampler_kernel
        self.sampler_bandwidth = sampler_bandwidth

    def _validate_params(self) -> None:
        check_int("max_size", self.max_size, 1)
        check_int("n_samples", self.n_samples, 0, allow_none=True)
        check_random_state(self.random_state)
        check_task(self.task)
        for name in ("progress", "check_determinism"):
            v = getattr(self, name)
            if not (isinstance(v, (bool, np.bool_)) or (name == "progress" and v is None)):
                allowed = "True, False or None" if name == "progress" else "True or False"
                raise ValueError(f"{name} must be {allowed}, got {v!r}")
        if self.sampler_kernel not in KERNELS:
            raise ValueError(f"sampler_kernel must be one of {KERNELS}, got {self.sampler_kernel!r}")
        bw = self.sampler_bandwidth
        if not is_real(bw) or not 0 < bw < np.inf:
            raise ValueError(f"sampler_bandwidth must be a positive number, got {bw!r}")

    def fit(self: _SomeLearner, teacher: Any, X: Any, domain: Domain | None = None) -> _SomeLearner:
        """Distill ``teacher`` over rows ``X`` (unlabelled); the result is ``self.model_``."""
        self._validate_params()
        # The teacher first, as the first argument: what is no teacher at all (a path that names no file)
        # is said before the rows' problems, which the user would otherwise fix for nothing. Making it
        # asks it nothing: the rows (and a design too large for them) are refused before any query.
        t = self._teacher(teacher)
        domain, Z = self._checked_rows(X, domain, t)
        t.check_domain(domain)
        if self.task is not None and t.task is not None and t.task != self.task:
            raise ValueError(f"task={self.task!r} was asked, but {t.name} is a {t.task} teacher")
        t.task = t.task or check_task(self.task)
        oracle = Oracle(t, domain)
        asked_before = oracle.n_queries  # a Teacher given again has counted its earlier fits' queries
        answer = oracle.start(Z, check_determinism=self.check_determinism, progress=self.progress)
        sampler = self._fit_sampler(domain, Z)
        self.oracle_ = oracle
        self.domain_ = domain
        self.model_ = self._fit(oracle, Z, answer, sampler)
        self.model_.meta.update({"learner": type(self).__name__, "form": self.form, "method": self.method,
                                 "max_size": int(self.max_size),
                                 "sampler": f"{self.sampler_kernel} kernel, bandwidth {float(self.sampler_bandwidth)!r}",  # exact: refine reads it
                                 "random_state": None if self.random_state is None else int(self.random_state),
                                 "n_queries": oracle.n_queries - asked_before,
                                 "teacher": t.name})
        given = self.options_given()
        if given:
            self.model_.meta["options"] = given
        self.n_queries_ = oracle.n_queries - asked_before
        return self

    # Options the meta records otherwise (max_size, random_state, the sampler's), or that shape no model
    # (progress, check_determinism, n_jobs: the same rules on any number of threads) or come from the rows
    # and teacher (feature_names, categorical, task).
    _UNRECORDED = frozenset({"max_size", "random_state", "sampler_kernel", "sampler_bandwidth", "progress",
                             "check_determinism", "n_jobs", "feature_names", "categorical", "task"})

    def options_given(self) -> dict[str, Any]:
        """The learner's options set to other than their defaults (``max_literals=3``, ``hinges=True``),
        as JSON values: what ``meta["options"]`` records and ``sd.refine`` gives again when it re-distills.

        >>> from symdistill.learners import get_learner
        >>> get_learner("rules")(max_size=8, max_literals=3, n_samples=2000, progress=False).options_given()
        {'max_literals': 3, 'n_samples': 2000}
        """
        out: dict[str, Any] = {}
        for name, default in sorted(option_defaults(type(self)).items()):
            value = _json_value(getattr(self, name, default))
            if name not in self._UNRECORDED and value is not _NO_JSON and value != _json_value(default):
                out[name] = value
        return out

    def check_fit(self, X: Any, domain: Domain | None = None, teacher: Any = None) -> None:
        """Raise what :meth:`fit` would raise about the options and the rows ``X`` before the teacher is
        asked anything: a bad option, rows that do not encode, and rows this learner cannot fit (a linear
        design matrix over ``max_design_gib``, or for a ``teacher`` whose classes are known, more than
        two of them, its Gram matrix). ``sd.frontier`` checks every form so before its first fit.

        >>> import numpy as np
        >>> from symdistill.learners import get_learner
        >>> X = np.random.default_rng(0).normal(size=(1000, 2))
        >>> get_learner("linear")(hinges=True, n_knots=50, max_design_gib=1e-4).check_fit(X)
        Traceback (most recent call last):
        ...
        ValueError: 202 candidate terms (with hinges at n_knots=50) need a 20,000-row design matrix of ...
        """
        self._checked_rows(X, domain, None if teacher is None else self._teacher(teacher))

    def _teacher(self, teacher: Any) -> Teacher:
        """``teacher`` as a :class:`Teacher` (a callable, an estimator or a path made one, with this
        learner's ``task``), as :meth:`fit` and :meth:`check_fit` take it."""
        return as_teacher(teacher) if isinstance(teacher, Teacher) else as_teacher(teacher, task=self.task)

    def _checked_rows(self, X: Any, domain: Domain | None, teacher: Teacher | None = None) -> tuple[Domain, np.ndarray]:
        """The domain and the encoded rows ``X`` that ``fit`` distills from, checked (with what
        ``teacher`` says of itself before it is asked: its task and declared classes)."""
        self._validate_params()
        if domain is None:
            domain = Domain.from_data(X, feature_names=self.feature_names, categorical=self.categorical)
        elif not isinstance(domain, Domain):
            hint = ": for the dict of Domain.to_dict(), pass Domain.from_dict(d)" if isinstance(domain, dict) else ""
            raise TypeError(f"domain must be a symdistill.Domain (or None, to infer it from X), got "
                            f"{type(domain).__name__}{hint}")
        Z = domain.encode(X)
        if len(Z) < 2:
            raise DataError(f"need at least 2 rows to distill from, got {len(Z)}")
        self._check_pool_size(len(Z), domain.n_features)
        self._check_rows(domain, Z, known_outputs(teacher))
        return domain, Z

    # The options that set how many rows a fit's pool holds at least (a node or a rule topped up to its own).
    _POOL_OPTIONS: ClassVar[tuple[str, ...]] = ("n_samples",)

    def _check_pool_size(self, n_user: int, n_features: int) -> None:
        """Refuse an ``n_samples`` (or a tree's ``min_node_samples``, rules' ``min_rule_samples``) whose pool
        of rows cannot fit in this machine's memory, before anything is drawn: ``n_samples=10**9`` got the
        process killed for memory. A fit holds its pool as ``8 * (4 * features + 8)`` bytes a row at least
        (the rows, their copies, labels and sort orders; the tree, rule and linear fits measured 1.2 to 3.5
        times that, on 1 to 50 features), which is set against the physical memory (a container's limit where
        lower: ``container_memory_limit``); rows that are the user's own (no more than the option asks) are
        never refused here."""
        import os

        asked = [(name, n) for name in self._POOL_OPTIONS if (n := getattr(self, name)) is not None and n > n_user]
        if not asked or not hasattr(os, "sysconf"):
            return
        try:
            memory = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        except (ValueError, OSError):  # not known here: nothing to set the pool against
            return
        where = "this machine's"
        limit = container_memory_limit()
        if limit is not None and (memory <= 0 or limit < memory):
            memory, where = limit, "this container's limit of"
        per_row = 8 * (4 * n_features + 8)
        name, n = max(asked, key=lambda item: item[1])
        if memory > 0 and n * per_row > memory:
            hint = " (n_samples=None scales with the data: ten times its rows, within 5,000-20,000)" \
                if name == "n_samples" else ""
            raise ValueError(f"{name}={n:,} cannot fit in memory: a pool of {n:,} rows x "
                             f"{n_features:,} features needs {n * per_row / 2**30:,.3g} GiB at least "
                             f"({per_row:,} bytes a row), over {where} {memory / 2**30:,.3g} GiB: ask for "
                             f"fewer{hint}")

    def _check_rows(self, domain: Domain, Z: np.ndarray, n_outputs: int | None) -> None:
        """Refuse encoded rows ``Z`` that this learner cannot fit, before the teacher is asked (a hook:
        every row that encodes fits here); ``n_outputs``: the teacher's classes (1 for a regressor) where
        known before it is asked, else None."""

    def _fit(self, oracle: Oracle, Z: np.ndarray, answer: Answer, sampler: RegionSampler) -> SymbolicModel:
        raise NotImplementedError  # pragma: no cover - abstract

    def _new_sampler(self, domain: Domain, Z: np.ndarray) -> RegionSampler:
        """The query sampler over the user's encoded rows ``Z`` (a fresh one draws the same rows)."""
        return RegionSampler(domain, Z, kernel=self.sampler_kernel, bandwidth=float(self.sampler_bandwidth),
                             random_state=self._rng(1))

    def _fit_sampler(self, domain: Domain, Z: np.ndarray) -> RegionSampler:
        """The sampler ``fit`` hands ``_fit`` for the rows ``Z`` (a hook: a new one, unless the rows'
        check already made one and drew from it)."""
        return self._new_sampler(domain, Z)

    def _n_sampled(self, n_user: int) -> int:
        """Rows ``augment`` adds to ``n_user`` of the user's: up to ``n_samples`` in all (see ``augment``)."""
        target = self.n_samples if self.n_samples is not None else int(np.clip(10 * n_user, 5000, 20000))
        return max(target - n_user, 0)

    def _rng(self, stream: int = 0) -> np.random.Generator:
        """Independent deterministic streams for one ``random_state``."""
        seed = self.random_state
        return np.random.default_rng(None if seed is None else [int(seed), stream])

    def augment(self, oracle: Oracle, Z: np.ndarray, answer: Answer, sampler: RegionSampler) -> tuple[np.ndarray, Answer]:
        """The user's rows plus sampled ones up to ``n_samples`` in all, every one teacher-labelled.

        ``n_samples=None`` scales with the data: ten times the user's rows, within [5,000, 20,000].
        """
        return self._augment_with_origin(oracle, Z, answer, sampler)[:2]

    def _augment_with_origin(self, oracle: Oracle, Z: np.ndarray, answer: Answer,
                             sampler: RegionSampler | None) -> tuple[np.ndarray, Answer, np.ndarray]:
        """:meth:`augment`'s rows and answers, with each row's origin: the index of the user's row it is
        (a user's row) or was drawn around (a sampled one)."""
        extra = self._n_sampled(len(Z))
        if not extra:
            return Z, answer, np.arange(len(Z))
        Zs, origin = sampler.sample_with_origin(None, extra)
        return np.vstack([Z, Zs]), concat_answers(answer, oracle.label(Zs)), np.concatenate([np.arange(len(Z)), origin])


# Where a Linux container's memory limit is read: cgroup v2, then v1 (the unlimited v1 value is ~2**63).
CGROUP_MEMORY_FILES = ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes")


def container_memory_limit() -> int | None:
    """The memory limit (bytes) of the container this process runs in, from its cgroup, or None where none
    is set or readable: a pool under the machine's memory but over the container's gets the process killed
    as surely. Only the process's own cgroup directory is read (the usual mount inside a container)."""
    for path in CGROUP_MEMORY_FILES:
        try:
            with open(path) as f:
                text = f.read().strip()
        except OSError:
            continue
        if text.isdigit() and 0 < int(text) < 2**62:
            return int(text)
    return None


def known_outputs(teacher: Teacher | None) -> int | None:
    """What a learner fits per row for ``teacher``, known before it is asked anything: 1 for a
    regressor, the number of its classes where they are known (declared, or a scikit-learn
    classifier's ``classes_``), else None (they come with its first answer).

    >>> known_outputs(as_teacher(lambda X: X[:, 0], task="regression")), known_outputs(as_teacher(lambda X: X[:, 0]))
    (1, None)
    """
    if teacher is None:
        return None
    if teacher.task == "regression":
        return 1
    return None if teacher.classes_ is None else len(teacher.classes_)


def check_int(name: str, value: Any, low: int, *, allow_none: bool = False) -> None:
    """Raise ``ValueError`` naming option ``name`` unless ``value`` is an integer >= ``low`` (numpy
    integers count, booleans do not), or None when ``allow_none``.

    >>> check_int("random_state", 1.5, 0, allow_none=True)
    Traceback (most recent call last):
    ...
    ValueError: random_state must be a non-negative integer or None, got 1.5
    """
    if allow_none and value is None:
        return
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) or value < low:
        kind = {0: "a non-negative integer", 1: "a positive integer"}.get(low, f"an integer >= {low}")
        raise ValueError(f"{name} must be {kind}{' or None' if allow_none else ''}, got {value!r}")


def check_random_state(random_state: Any) -> None:
    """Raise ``ValueError`` unless ``random_state`` is None or a non-negative integer (the seed)."""
    check_int("random_state", random_state, 0, allow_none=True)


def concat_answers(a: Answer, b: Answer) -> Answer:
    if a.proba is not None:
        return Answer(proba=np.vstack([a.proba, b.proba]))
    return Answer(values=np.concatenate([a.values, b.values]))

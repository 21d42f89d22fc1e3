"""The fidelity-size frontier: distil every requested form at every size, measure, pick.

``frontier(teacher, X, forms=..., sizes=...)`` fits one model per (form, size) with
``sd.distill``, measures its fidelity to the teacher on held-out rows (a 95% Wilson interval for
classifiers, R² with a bootstrap interval for regressors), marks the Pareto-optimal points (no
other model is at most as large and strictly more faithful, or smaller and at least as faithful)
and the *knee* of the Pareto front, and keeps every model so ``best(min_fidelity=...)`` can hand
back the smallest one that is faithful enough.

Work is shared between fits: every fit asks one caching wrapper of the teacher, and every fit uses
the same ``random_state``, so the augmented query pool (the user's rows plus sampled ones) is
labelled once for the whole frontier and later fits only pay for the queries that are new to them.

The knee is found on the Pareto front with the Kneedle rule: with log2(size) and fidelity both
rescaled to [0, 1] over the front, it is the point where ``fidelity - size`` is largest, i.e. the
point after which doubling the size buys the least fidelity (ties go to the smaller model). The
front is taken to run on, flat, up to the largest size asked for: a model that is already as
faithful as anything larger is a knee even when it is the most faithful one.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

import numpy as np

from ._table import TableList
from ._errors import DataError, TeacherError, counted, refuse_set
from ._progress import check_progress, progress_bar
from .api import TeacherAnswers, distill
from .domain import Domain, _as_pandas, _plain, is_real, refuse_words
from .learners.base import check_int, known_outputs
from .metrics import Score, fixed
from .models import LinearModel, RuleSet, Tree
from .models.base import SymbolicModel
from .teachers import Teacher, as_teacher
from .teachers.base import _n_rows, _take, check_switch

DEFAULT_SIZES = (2, 4, 8, 16, 32, 64)
DEFAULT_MAX_TRAIN_ROWS = 50_000  # rows the fits distil from: a seeded sample of larger training parts
DEFAULT_HOLDOUT_FRACTION = 0.3  # of X set aside for fidelity when no held-out rows are given
TABULAR_FORMS = ("tree", "rules", "linear")

__all__ = ["Frontier", "FrontierPoint", "FrontierTable", "SharedTeacher", "frontier", "knee_index",
           "literal_count", "pareto_mask"]


class SharedTeacher(Teacher):
    """A caching wrapper around a teacher; its task and classes are the wrapped teacher's.

    Every answer is remembered per row, so fits that ask about the same rows (the frontier's
    shared query pool, the held-out rows scored again for every model) query the wrapped teacher
    once. ``n_queries`` counts the rows the wrapped teacher really answered through this wrapper,
    ``n_asked`` the rows this wrapper was asked about, cached or not (as a teacher without a cache
    counts them); ``describe()`` is the wrapped teacher's fingerprint.

    >>> import numpy as np
    >>> inner = as_teacher(lambda X: (X[:, 0] > 0.5).astype(int))
    >>> X = np.array([[0.2], [0.9]])
    >>> shared = SharedTeacher.around(inner, X)
    >>> shared.predict(np.vstack([X, X])).tolist(), shared.n_queries
    ([0, 1, 0, 1], 2)
    """

    def __init__(self, inner: Teacher, X: Any = None) -> None:
        """Wrap ``inner``; where its task or classes are not known yet, it is asked (through the
        wrapper, whose cache keeps the answers) about all of the rows ``X``, which give them."""
        if self._wrap(inner, X):
            self.answer(X)

    def _wrap(self, inner: Teacher, X: Any) -> bool:
        """Make this the wrapper of ``inner``, asking nothing; whether ``inner``'s task or classes are
        unknown (they come with its answers to the rows ``X``, which must then be given)."""
        if not isinstance(inner, Teacher):
            raise TypeError(f"SharedTeacher wraps a Teacher, got {type(inner).__name__}")
        unknown = inner.task is None or (inner.task == "classification" and inner.classes_ is None)
        if unknown and X is None:
            raise ValueError(f"{inner.name}: ask the teacher once before sharing it (its task and classes "
                             "are not known yet); SharedTeacher.around(teacher, X) does this")
        super().__init__(batch_size=inner.batch_size, cache=True)
        self.inner = inner
        self.n_asked = 0
        self.name = inner.name
        self._adopt()
        return unknown

    @classmethod
    def around(cls, teacher: Any, X: Any) -> SharedTeacher:
        """Wrap ``teacher`` (anything ``as_teacher`` takes), asking it about the rows ``X`` first where
        its task or classes are unknown: the classes (and the guess of classes or values) are those
        of all of ``X``, as ``sd.distill`` reads them from all the rows it is given."""
        return cls(teacher if isinstance(teacher, Teacher) else as_teacher(teacher), X)

    @classmethod
    def labelling(cls, teacher: Any, X: Any) -> tuple[SharedTeacher, np.ndarray]:
        """``around(teacher, X)`` and the teacher's labels (values) of the rows ``X``, from the one
        question that asks it about them (and where they are unknown, gives its task and classes):
        the labels of more rows than the wrapper's cache holds (1,000,000) stay whole.

        >>> shared, labels = SharedTeacher.labelling(lambda X: (X[:, 0] > 0.5).astype(int), np.array([[0.2], [0.9]]))
        >>> labels.tolist(), shared.classes_.tolist(), shared.n_queries
        ([0, 1], [0, 1], 2)
        """
        shared = cls.__new__(cls)
        shared._wrap(teacher if isinstance(teacher, Teacher) else as_teacher(teacher), X)
        return shared, shared.predict(X)

    def _adopt(self) -> None:
        """The wrapped teacher's task and classes as they stand (None until its first answer)."""
        inner = self.inner
        self.task, self.classes_ = inner.task, inner.classes_
        # The wrapped teacher answers with probabilities or values, never labels: saying so keeps the
        # one column of a one-class teacher's probabilities from being read as the label 1.
        self._output_kind = None if inner.task is None else "proba" if inner.task == "classification" else "values"
        self._declared_classes = inner._declared_classes  # an error about them says how they were given

    def _answer(self, X: Any, *, progress: bool | None = False, of: int | None = None) -> np.ndarray:
        out = super()._answer(X, progress=progress, of=of)
        self.n_asked += _n_rows(X)
        return out

    def _ask(self, X: Any, rows: np.ndarray | None = None, progress: bool | None = False,
             of: int | None = None) -> np.ndarray:
        """The wrapped teacher's answers to the rows ``X`` not cached, asked at once: it batches them itself,
        behind its own bar, and reads them as one answer of the ``of`` rows this wrapper was asked. Asked a
        batch at a time, it read its classes off the first batch and refused a class first given past its
        8,192nd row; asked the distinct rows alone, whole numbers taking few values for the rows were values."""
        calls, answered = self.inner.n_calls, self.inner.n_queries
        try:
            out = self.inner._answer(X, progress=progress, of=of)
        except Exception:
            # Answers refused once given (a class outside its classes, NaN off the data: a shifted row's) were
            # asked all the same: counted as the wrapped teacher counts them, or the rows answered went unsaid.
            self.n_calls += self.inner.n_calls - calls
            self.n_queries += self.inner.n_queries - answered
            raise
        self._adopt()  # known from the wrapped teacher's first answer on
        self.n_calls += self.inner.n_calls - calls
        self.n_queries += _n_rows(X)
        return out

    def check_deterministic(self, X: Any, n_rows: int = 32) -> None:
        # The wrapped teacher's check, past its own cache too: through it, a cache=True teacher answered the
        # probe's rows again from its cache, and one answering at random passed.
        calls, answered = self.inner.n_calls, self.inner.n_queries
        self.inner.check_deterministic(X, n_rows)
        self.n_calls += self.inner.n_calls - calls
        self.n_queries += self.inner.n_queries - answered
        self.n_asked += 2 * min(n_rows, _n_rows(X))  # the probe asks its rows twice, past the cache

    def describe(self) -> dict[str, Any]:
        return self.inner.describe()


@dataclass
class FrontierPoint:
    """One fitted model on the frontier and its measurements.

    ``n_queries`` counts the rows its fit asked the teacher about, as ``sd.distill`` alone counts them
    (its ``meta["n_queries"]``); ``n_new_queries`` those the teacher answered for the first time, the
    shared cache holding the rest (the first fit's include the rows asked outside the fits: the
    held-out rows, and those labelled for an undeclared teacher's classes); they add up to the
    teacher's ``n_queries`` as ``sd.frontier`` returns it (rows asked through it later count there too).
    """

    form: str
    max_size: int
    model: Tree | RuleSet | LinearModel
    score: Score
    literals: int | None
    seconds: float
    n_queries: int
    n_new_queries: int
    pareto: bool = False
    knee: bool = False

    @property
    def size(self) -> int:
        return int(self.model.size)

    @property
    def fidelity(self) -> float:
        return float(self.score.value)

    def row(self) -> dict[str, Any]:
        """The point as one table row (plain Python values)."""
        return {"form": self.form, "max_size": self.max_size, "size": self.size,
                "fidelity": self.fidelity, "low": float(self.score.low), "high": float(self.score.high),
                "literals": self.literals, "seconds": round(self.seconds, 3), "queries": self.n_queries,
                "new_queries": self.n_new_queries, "pareto": self.pareto, "knee": self.knee}


class FrontierTable(TableList):
    """Rows of a frontier (a list of dicts) that print as a text table; ``to_markdown()`` too.

    >>> t = FrontierTable([{"form": "tree", "max_size": 2, "size": 2, "fidelity": 0.9, "low": 0.85,
    ...                     "high": 0.93, "literals": 2, "seconds": 0.1, "queries": 100, "new_queries": 40,
    ...                     "pareto": True, "knee": True}])
    >>> print(t.to_markdown())
    | form | max size | size | fidelity [95% interval] | literals | seconds | queries | new | front |
    |---|---|---|---|---|---|---|---|---|
    | tree | 2 | 2 | 0.9000 [0.8500, 0.9300] | 2 | 0.10 | 100 | 40 | knee |
    """

    HEADER = ("form", "max size", "size", "fidelity [95% interval]", "literals", "seconds", "queries", "new", "front")

    def __init__(self, rows: Iterable[dict[str, Any]] = (), *, score_name: str = "fidelity") -> None:
        super().__init__(rows)
        if score_name != "fidelity":  # a regressor's: "fidelity R2"
            self.HEADER = self.HEADER[:3] + (f"{score_name} [95% interval]",) + self.HEADER[4:]

    def cells(self) -> list[list[str]]:
        """Every row as formatted strings, in the order of ``HEADER``."""
        out = []
        for r in self:
            mark = "knee" if r["knee"] else ("pareto" if r["pareto"] else "")
            out.append([str(r["form"]), str(r["max_size"]), str(r["size"]),
                        f"{fixed(r['fidelity'])} [{fixed(r['low'])}, {fixed(r['high'])}]",
                        "-" if r["literals"] is None else str(r["literals"]), f"{r['seconds']:.2f}",
                        str(r["queries"]), str(r["new_queries"]), mark])
        return out


class Frontier:
    """Models of several forms and sizes, with their fidelity; built by :func:`frontier`.

    Attributes
    ----------
    points : list of FrontierPoint
        In the order fitted (forms as given, sizes ascending).
    teacher : SharedTeacher
        The caching teacher every fit asked; ``teacher.describe()`` is the teacher's fingerprint.
    domain : Domain
        Feature schema of the rows the models were distilled from.
    X_train, X_holdout : array or DataFrame
        Rows the models were distilled from, and the rows fidelity was measured on.
    n_training_rows : int
        Rows of the training part; ``X_train`` is a sample of them when there were more than
        ``max_train_rows``.
    max_train_rows : int or None
        The cap on the rows the models were distilled from (None: none).
    holdout_source : {"given", "split"}
    constraints : list or None
        The constraints given to :func:`frontier`, which ``sd.report`` verifies by default.
    options, form_options : dict
        The learner options given for every form, and those given for one (by form).
    """

    def __init__(self, points: list[FrontierPoint], *, teacher: SharedTeacher, domain: Domain, X_train: Any,
                 X_holdout: Any, holdout_source: str, random_state: int | None, forms: list[str],
                 sizes: list[int], method: str, options: dict[str, Any], seconds: float,
                 form_options: dict[str, dict[str, Any]] | None = None, n_training_rows: int | None = None,
                 max_train_rows: int | None = None, constraints: list[Any] | None = None) -> None:
        self.points = points
        self.teacher = teacher
        self.domain = domain
        self.X_train = X_train
        self.X_holdout = X_holdout
        self.holdout_source = holdout_source
        self.random_state = random_state
        self.forms = forms
        self.sizes = sizes
        self.method = method
        self.options = options
        self.form_options = form_options or {}
        self.seconds = seconds
        self.n_training_rows = _n_rows(X_train) if n_training_rows is None else n_training_rows
        self.max_train_rows = max_train_rows
        self.constraints = constraints

    @property
    def sampled(self) -> bool:
        """Whether the models were distilled from a sample of the training rows (``max_train_rows``)."""
        return _n_rows(self.X_train) < self.n_training_rows

    @property
    def task(self) -> str:
        return str(self.teacher.task)

    @property
    def pareto(self) -> list[FrontierPoint]:
        """Pareto-optimal points, smallest first."""
        return sorted((p for p in self.points if p.pareto), key=lambda p: (p.size, -p.fidelity))

    @property
    def knee(self) -> FrontierPoint:
        return next(p for p in self.points if p.knee)

    def table(self) -> FrontierTable:
        """One row per model: form, size, fidelity (interval), literals, seconds, queries (new ones), marks."""
        name = self.points[0].score.name if self.points else "fidelity"
        return FrontierTable((p.row() for p in self.points), score_name=name)

    def best(self, min_fidelity: float | None = None, *, conservative: bool = False) -> Tree | RuleSet | LinearModel:
        """The smallest model whose fidelity reaches ``min_fidelity`` (the knee's model when None).

        Ties in size go to the more faithful model, then to the one fitted first (not the faster
        one: fit times differ from run to run, the choice must not). With ``conservative=True`` the
        lower end of the 95% interval, not the point estimate, must reach ``min_fidelity`` (without
        ``min_fidelity`` it is refused). Raises ``ValueError`` when no model does, naming the most faithful one.
        """
        return self.best_point(min_fidelity, conservative=conservative).model

    def best_point(self, min_fidelity: float | None = None, *, conservative: bool = False) -> FrontierPoint:
        """Like :meth:`best`, but the whole :class:`FrontierPoint`."""
        check_switch("conservative", conservative)  # "no" is truthy: it would compare the lower ends
        if min_fidelity is None:
            if conservative:  # the knee would be returned, the flag unused (symdistill report refuses it so)
                raise ValueError("conservative=True applies min_fidelity to the lower end of each model's 95% "
                                 "interval: give min_fidelity too")
            return self.knee
        if not is_real(min_fidelity) or not np.isfinite(min_fidelity) or min_fidelity > 1:
            raise ValueError(f"min_fidelity must be a number at most 1, got {min_fidelity!r}")
        ok = [p for p in self.points if (p.score.low if conservative else p.score.value) >= min_fidelity]
        if not ok:
            top = max(self.points, key=lambda p: (p.score.low if conservative else p.fidelity))
            what = "the lower end of the interval" if conservative else "fidelity"
            # !s: NumPy's shortest text of its own type (np.float32(0.9) is 0.9, not 0.8999999761581421)
            raise ValueError(
                f"no model reaches {what} {min_fidelity!s}: the most faithful is {top.form} of size {top.size} "
                f"with {top.score}; try larger sizes or a lower min_fidelity"
            )
        return min(ok, key=lambda p: (p.size, -p.fidelity))  # min keeps the first of equals: fit order

    def __repr__(self) -> str:
        return (f"<Frontier forms={self.forms} sizes={self.sizes} points={len(self.points)} "
                f"knee={self.knee.form}:{self.knee.size}>")


def frontier(teacher: Any, X: Any, *, forms: Sequence[str] | None = None,
             sizes: Iterable[int | np.integer] = DEFAULT_SIZES, X_holdout: Any = None,
             holdout_fraction: float | None = None, method: str | None = None,
             random_state: int | None = 0, progress: bool | None = None,
             form_options: dict[str, dict[str, Any]] | None = None,
             max_train_rows: int | None = DEFAULT_MAX_TRAIN_ROWS, constraints: Sequence[Any] | None = None,
             **options: Any) -> Frontier:
    """Distil ``teacher`` into every form in ``forms`` at every size in ``sizes`` and measure each.

    Parameters
    ----------
    teacher : torch module, scikit-learn estimator, ONNX model, callable or Teacher
    X : array or DataFrame
        Unlabelled rows to distil from.
    forms : sequence of str, optional
        Symbolic forms (``sd.distill``'s ``form``). Default: every one of "tree", "rules", "linear"
        that has a registered learner for ``method``. A classifier of one class (declared, or the
        only one it answers on the training and held-out rows) is refused with "linear" among them
        (a ``TeacherError`` before the first fit, as ``sd.distill(form="linear")`` refuses it);
        ``forms=["tree", "rules"]`` give its constant model.
    sizes : sequence or array of int
        Most leaves / rules / non-zero weights; each size is one ``max_size``.
    X_holdout : array or DataFrame, optional
        Rows fidelity is measured on. When None, ``holdout_fraction`` of ``X`` is set aside (a
        random split fixed by ``random_state``; a row whose category only held-out rows have is kept
        for training) and the models see only the rest. A teacher that does not declare its classes
        has those it answers on training and held-out rows alike: a class it gives only on held-out
        rows is a miss for every model.
    holdout_fraction : float, optional
        Share of ``X`` held out when ``X_holdout`` is None (default 0.3); given beside ``X_holdout``,
        it is refused.
    method : str, optional
        Learner method ("pedagogical", ...), as in ``sd.distill``: pedagogical unless ``layer=`` is
        given (concept rules), which implies "decompositional".
    random_state : int or None
        One seed for the split and every fit: same seed, same frontier.
    progress : bool or None
        Progress bar over the fits (None: only on an interactive terminal).
    form_options : dict, optional
        Extra learner options per form, e.g. ``{"tree": {"criterion": "soft"}}``.
    max_train_rows : int or None
        Most rows the models are distilled from: a training part with more (700,000 rows, whose 18
        fits took 20 minutes) is sampled at random, seeded by ``random_state``, to this many, plus
        any row holding a category the sample lacks; fidelity is still measured on every held-out
        row. None: every training row.
    constraints : sequence, optional
        Constraints the chosen model is to be verified against (``sd.report`` verifies them when
        given none of its own), checked before the first fit, once the teacher's classes are known: a
        constraint string naming a feature the rows lack or a class the teacher does not have raises
        ``ConstraintError``; a property (``sd.monotonic("age")``, ...) raises what ``sd.verify`` would
        (a ``DataError`` for a feature the rows lack, a ``ValueError`` for a target class the teacher
        does not have or for ``sd.equivalent``, which the report's teacher checks do not take, ...).
    **options
        Learner options for every form (``n_samples``, ``feature_names``, ``categorical``, ...).

    Returns
    -------
    Frontier

    Examples
    --------
    >>> import numpy as np, symdistill as sd
    >>> X = np.random.default_rng(0).uniform(size=(1000, 3))
    >>> net = lambda X: ((X[:, 0] > 0.5) & (X[:, 1] > 0.3)).astype(int)
    >>> front = sd.frontier(net, X, forms=["tree"], sizes=[1, 2, 4], n_samples=2000)
    >>> [row["size"] for row in front.table()]
    [1, 2, 3]
    >>> front.best(min_fidelity=0.99).size
    3
    """
    if method is None:  # as in sd.distill: concept rules (layer=) are read off the network
        method = "decompositional" if options.get("layer") is not None else "pedagogical"
    # Every form's options are checked before the teacher is asked anything.
    forms_list, sizes_list, form_options = check_options(forms, sizes, method, random_state, form_options, options)
    check_int("max_train_rows", max_train_rows, 2, allow_none=True)
    if X_holdout is not None and holdout_fraction is not None:  # it would go unused (the command refuses it so)
        raise ValueError(f"holdout_fraction={holdout_fraction} holds out part of X, but X_holdout gives the held-out "
                         "rows: give one of them")
    holdout_fraction = DEFAULT_HOLDOUT_FRACTION if holdout_fraction is None else holdout_fraction
    check_progress(progress)
    if isinstance(constraints, str):
        raise TypeError(f"constraints must be a list of constraints, got the string {constraints!r}")
    refuse_set("constraints", constraints, REPORT_LISTS)
    feature_names = options.get("feature_names")
    X, X_holdout = _as_pandas(X), _as_pandas(X_holdout)  # pyarrow / polars tables: read by column name
    refuse_words(X, "frontier")  # before the split, which would count words as rows
    X_train, X_hold, source, codes = _holdout(X, X_holdout, holdout_fraction, random_state,
                                              feature_names=feature_names, categorical=options.get("categorical"))
    n_training_rows = _n_rows(X_train)
    X_train = _training_sample(X_train, max_train_rows, random_state, codes,
                               feature_names=feature_names, categorical=options.get("categorical"))
    domain = Domain.from_data(X_train, feature_names=feature_names, categorical=options.get("categorical"))
    # fails early, naming the column, when the held-out rows do not fit
    Z_hold = encode_holdout(domain, X_hold) if source == "given" else domain.encode(X_hold)
    task = options.get("task")
    inner = teacher if isinstance(teacher, Teacher) else as_teacher(teacher, **({"task": task} if task else {}))
    if task is not None and inner.task is not None and inner.task != task:  # as sd.distill refuses it
        raise ValueError(f"task={task!r} was asked, but {inner.name} is a {inner.task} teacher")
    # A teacher made without a task takes the one given (as in sd.distill) before it is asked anything: its
    # answers would otherwise make it a classifier of whole numbers, which the fits then refuse.
    inner.task = inner.task or task
    declared = known_outputs(inner)  # (making the teacher asks it nothing)
    check_fits(forms_list, sizes_list, method, random_state, form_options, options, X_train, domain, inner)

    t_start = time.perf_counter()
    # Concept rules are scored by asking the teacher about the held-out rows themselves (their domain is the
    # layer's, which the rows are not read through): they are given as the fits give the teacher rows (float64
    # for a float32 array), so the shared cache answers them. Rows of another dtype started the cache over,
    # and every fit after the first asked the whole pool again.
    X_scored = X_hold if options.get("layer") is None else domain.decode(Z_hold)
    if declared is not None:  # its task and classes are known: it is asked nothing yet
        shared = SharedTeacher(inner)
        held_out = TeacherAnswers(shared, X_scored)
    else:
        # They come only with its answers: they are read off all the rows the frontier shows it, training
        # and held-out (as sd.distill reads them off all its rows), so a class it gives only on held-out
        # rows is one of its classes, which models that never predict it miss. The held-out rows' labels
        # are kept for the scores (the fits' queries could push them out of the cache); the training
        # rows' answers stay in the cache, where the first fit asks them.
        Z_train = domain.encode(X_train)
        shared, labels = SharedTeacher.labelling(inner, domain.decode(np.vstack([Z_train, Z_hold])))
        held_out = TeacherAnswers(shared, X_scored)
        held_out.keep(domain, labels[len(Z_train):])
    if declared is None and (known_outputs(shared) or 0) > 2:
        # A multi-class teacher's linear fit holds a Gram matrix of its terms: with the classes its
        # first answer gave, that is checked before the first fit too.
        check_fits(forms_list, sizes_list, method, random_state, form_options, options, X_train, domain, shared)
    _refuse_one_class(forms_list, shared)
    if shared.task == "regression":  # refused before the fits, which it would score
        held = "X_holdout has" if source == "given" else \
            f"holdout_fraction={holdout_fraction} of {counted(_n_rows(X), 'row')} holds out"
        check_regression_holdout(len(Z_hold), held, "" if source == "given" else
                                 " (more rows, a larger holdout_fraction or X_holdout)")
    if constraints:
        check_constraints(constraints, domain, shared)
    points: list[FrontierPoint] = []
    with progress_bar(len(forms_list) * len(sizes_list), "frontier", progress) as bar:
        for form in forms_list:
            opts = {**options, **form_options.get(form, {}), "progress": False}
            for size in sizes_list:
                bar.set_postfix_str(f"{form} {size}")
                before = shared.n_queries if points else 0  # the first fit's: its rows answered for the classes
                asked = shared.n_asked
                t0 = time.perf_counter()
                model = distill(shared, X_train, form=form, max_size=size, method=method,
                                random_state=random_state, **opts)
                seconds = time.perf_counter() - t0
                # Counted before the score, which asks the held-out rows of a teacher whose outputs were
                # known beforehand (none asked up front): the fit's queries are the fit's alone.
                fit_queries = shared.n_asked - asked
                score = held_out.fidelity(model)
                points.append(FrontierPoint(form, size, model, score, literal_count(model), seconds,
                                            fit_queries, shared.n_queries - before))
                bar.update(1)
    _mark(points)
    return Frontier(points, teacher=shared, domain=domain, X_train=X_train, X_holdout=X_hold,
                    holdout_source=source, random_state=random_state, forms=forms_list, sizes=sizes_list,
                    method=method, options=options, seconds=time.perf_counter() - t_start, form_options=form_options,
                    n_training_rows=n_training_rows, max_train_rows=max_train_rows,
                    constraints=None if constraints is None else list(constraints))


def _refuse_one_class(forms: list[str], teacher: SharedTeacher) -> None:
    """A ``TeacherError`` where ``forms`` holds "linear" and ``teacher`` is a classifier of one class (declared,
    or the one it answered on every row the frontier showed it): the linear fit refuses it, as ``sd.distill``
    does, and did so only once the other forms' fits had run. (A frontier without the linear form, which was
    not asked for, would be a silent fallback.)"""
    if "linear" not in forms or teacher.task != "classification" or len(teacher.classes_) != 1:
        return
    only = _plain(teacher.classes_[0])
    declared = teacher._declared_classes
    how = f"declares a single class, {only!r}" if declared else \
        (f"answered a single class, {only!r}, on every row of X (training and held-out; on the command line, the "
         "rows of --data and --holdout)")
    others = [f for f in forms if f != "linear"] or ["tree", "rules"]
    raise TeacherError(f"{teacher.name} {how}; form 'linear' needs at least 2 classes (as in sd.distill): "
                       f"forms={others!r} give the constant model (on the command line: --forms {','.join(others)})"
                       + ("" if declared else "; a callable whose other classes these rows never reach can name "
                          "them: as_teacher(f, classes=[...]), on the command line --classes"))


def check_constraints(constraints: Sequence[Any], domain: Domain, teacher: Teacher) -> None:
    """Raise what ``sd.report`` verifying each constraint on a model over ``domain`` (with ``teacher``,
    whose task and classes are known by now) would raise about the constraint itself: a string naming
    a feature or class there is not raises ``ConstraintError`` with the constraint as its ``text``; a
    property (``sd.monotonic("age")``, ...) the error ``sd.verify`` gives it (an unknown feature, an
    unordered categorical one, a target class there is not, a property of another task or of automata,
    ``sd.robust``'s point outside the domain, ``sd.equivalent``, which takes no teacher)."""
    from .verify.api import check_constraint
    from .verify.language import ConstraintError

    for c in constraints:
        try:
            check_constraint(c, domain, str(teacher.task), teacher.classes_, teacher=True)
        except ConstraintError as exc:  # a string's, named by its text (the command line's --constraint)
            raise ConstraintError(f"constraint {c!r}: {exc}", c) from exc


def check_options(forms: Sequence[str] | None, sizes: Iterable[int | np.integer], method: str, random_state: int | None,
                  form_options: dict[str, dict[str, Any]] | None,
                  options: dict[str, Any]) -> tuple[list[str], list[int], dict[str, dict[str, Any]]]:
    """``frontier``'s forms, sizes and per-form options, each form's learner options checked (as
    ``sd.distill`` checks them) without asking the teacher anything; raises what ``frontier`` would."""
    from .learners import registered_learners

    forms_list = _check_forms(forms, method, registered_learners())
    sizes_list = _check_sizes(sizes)
    if form_options is not None and not isinstance(form_options, Mapping):
        raise TypeError(f"form_options must map a form name to a dict of learner options, got "
                        f"{type(form_options).__name__} {form_options!r} (write form_options={{'linear': {{...}}}})")
    form_options = dict(form_options or {})
    unknown = sorted(set(form_options) - set(forms_list))
    if unknown:
        raise ValueError(f"form_options names forms {unknown} that are not among forms {forms_list}")
    if not all(isinstance(v, dict) for v in form_options.values()):
        raise TypeError("form_options must map a form name to a dict of learner options")
    _check_own_options(options, "")
    for form, opts in form_options.items():
        _check_own_options(opts, f"form_options[{form!r}]: ")
    for form in forms_list:
        _learner(form, sizes_list[0], method, random_state, form_options, options)
    return forms_list, sizes_list, form_options


def _learner(form: str, size: int, method: str, random_state: int | None, form_options: dict[str, dict[str, Any]],
             options: dict[str, Any]) -> Any:
    """The learner of one fit of the frontier, its options checked (as ``sd.distill`` makes it)."""
    from .api import make_learner

    return make_learner(form=form, max_size=size, method=method, random_state=random_state,
                        **{**options, **form_options.get(form, {}), "progress": False})


def check_fits(forms: list[str], sizes: list[int], method: str, random_state: int | None,
               form_options: dict[str, dict[str, Any]], options: dict[str, Any], X_train: Any,
               domain: Domain, teacher: Teacher | None = None) -> None:
    """Raise what a fit of each form would raise about the training rows before the teacher is asked
    anything (a linear design matrix over ``max_design_gib``; with ``teacher``'s classes where it
    declares more than two, its Gram matrix), so that a form fitted last is not refused after the
    others' fits have run; ``forms``, ``sizes`` and the options as ``check_options`` hands them back."""
    for form in forms:
        _learner(form, sizes[-1], method, random_state, form_options, options).check_fit(X_train, domain, teacher)


# -- measurements -----------------------------------------------------------------------------
def literal_count(model: SymbolicModel) -> int | None:
    """Conditions a person reads: a model's own ``n_literals`` when it has one; for a tree the
    conditions on all root-to-leaf paths; for a linear model the factors of its non-zero terms;
    None for kinds without a literal count.

    >>> import numpy as np, symdistill as sd
    >>> X = np.random.default_rng(0).uniform(size=(300, 2))
    >>> tree = sd.distill(lambda X: (X[:, 0] > 0.5).astype(int), X, max_size=2, random_state=0)
    >>> literal_count(tree)
    2
    """
    own = getattr(model, "n_literals", None)
    if own is not None:
        return int(own)
    if model.kind == "tree":
        depth = model.node_depths()  # type: ignore[attr-defined]
        return int(depth[model.children_left < 0].sum())  # type: ignore[attr-defined]
    if model.kind == "linear":
        live = np.any(model.coef != 0, axis=0)  # type: ignore[attr-defined]
        return int(sum(len(t.factors) for t, on in zip(model.terms, live) if on))  # type: ignore[attr-defined]
    return None


def pareto_mask(sizes: Sequence[float], values: Sequence[float]) -> np.ndarray:
    """True where no other point is at most as large and more faithful, or smaller and as faithful.

    >>> pareto_mask([2, 4, 8, 8], [0.8, 0.79, 0.9, 0.85]).tolist()
    [True, False, True, False]
    """
    s, v = np.asarray(sizes, dtype=float), np.asarray(values, dtype=float)
    le = s[None, :] <= s[:, None]
    ge = v[None, :] >= v[:, None]
    strict = (s[None, :] < s[:, None]) | (v[None, :] > v[:, None])
    return ~np.any(le & ge & strict, axis=1)


def knee_index(sizes: Sequence[float], values: Sequence[float], up_to: float | None = None) -> int:
    """Index of the knee among Pareto-front points (Kneedle on log2 size; ties: smaller size).

    ``up_to``: the largest size tried; the front is extended flat to it, so a curve that rises to
    its last point and then saturates has its knee at that point. A curve with no point above the
    chord from its first point to its last (it rises straight or steepens: any front of two points)
    does not level off where it was measured, and its knee is its most faithful point.

    >>> knee_index([2, 4, 8, 16, 32], [0.70, 0.90, 0.93, 0.94, 0.945])
    1
    >>> knee_index([1, 2, 4], [0.55, 0.6, 0.99]), knee_index([1, 2, 3], [0.65, 0.85, 1.0], up_to=8)
    (2, 2)
    >>> knee_index([4, 64], [0.60, 0.99])
    1
    """
    s, v = np.asarray(sizes, dtype=float), np.asarray(values, dtype=float)
    if s.size == 0:
        raise ValueError("knee_index needs at least one point")
    order = np.lexsort((-v, s))
    x = np.log2(np.maximum(s[order], 1.0))
    y = v[order]
    if up_to is not None and up_to > s.max():
        x = np.append(x, np.log2(up_to))
        y = np.append(y, y.max())
    xn = (x - x[0]) / (x[-1] - x[0]) if x[-1] > x[0] else np.zeros_like(x)
    yr = y.max() - y.min()
    yn = (y - y.min()) / yr if yr > 0 else np.zeros_like(y)
    gain = yn - xn
    if yr > 0 and gain.max() <= 1e-12:
        # No point above the chord from the smallest to the largest: fidelity does not level off
        # within the sizes tried (a straight or steepening rise, two points among them), so no
        # smaller model is a point of diminishing returns; the knee is the most faithful, not the
        # smallest (which was 0.55 beside 0.99 for a front of two points).
        return int(order[int(np.argmax(y[: len(order)]))])
    return int(order[int(np.argmax(gain))])


def _mark(points: list[FrontierPoint]) -> None:
    sizes = [p.size for p in points]
    values = [p.fidelity for p in points]
    mask = pareto_mask(sizes, values)
    for p, m in zip(points, mask):
        p.pareto = bool(m)
    front = [i for i in range(len(points)) if mask[i]]
    k = knee_index([sizes[i] for i in front], [values[i] for i in front], up_to=max(p.max_size for p in points))
    points[front[k]].knee = True


# -- validation -------------------------------------------------------------------------------
def _check_forms(forms: Sequence[str] | None, method: str, registry: dict[tuple[str, str], Any]) -> list[str]:
    if forms is None:
        found = [f for f in TABULAR_FORMS if (f, method) in registry]
        if not found:
            raise ValueError(f"no learner for method {method!r} among forms {list(TABULAR_FORMS)}")
        return found
    if isinstance(forms, str):
        raise TypeError(f"forms must be a list of form names, got the string {forms!r} (write forms=[{forms!r}])")
    refuse_set("forms", forms, "the forms are fitted in that order, which orders the table and picks, of two "
               "models of one size and fidelity, the one best() and the report choose")
    out = list(forms)
    if not out:
        raise ValueError("forms is empty: give at least one form, e.g. forms=['tree']")
    bad = [f for f in out if not isinstance(f, str)]
    if bad:
        raise TypeError(f"form names must be strings, got {bad!r}")
    dup = sorted({f for f in out if out.count(f) > 1})
    if dup:
        raise ValueError(f"forms lists {dup} more than once")
    return out


REPORT_LISTS = "the report lists their verdicts in that order"

_OWN_OPTIONS = {"form": "forms=[...]", "max_size": "sizes=[...]", "method": "the frontier's method",
                "random_state": "the frontier's random_state"}


def _check_own_options(options: dict[str, Any], where: str) -> None:
    """Refuse a learner option the frontier sets for every fit itself (it would reach ``distill`` twice)."""
    for name, by in _OWN_OPTIONS.items():
        if name in options:
            raise TypeError(f"{where}{name} is set by {by}, one for every fit; leave it out of the learner options")


def _check_sizes(sizes: Iterable[int | np.integer]) -> list[int]:
    if isinstance(sizes, (int, np.integer)):
        raise TypeError(f"sizes must be a list of sizes, got the number {sizes!r} (write sizes=[{sizes!r}])")
    out = list(sizes)
    if not out:
        raise ValueError("sizes is empty: give at least one size, e.g. sizes=[4, 16]")
    for s in out:
        if isinstance(s, bool) or not isinstance(s, (int, np.integer)) or s < 1:
            raise ValueError(f"every size must be a positive integer, got {s!r}")
    if len(set(out)) != len(out):
        raise ValueError(f"sizes {out} repeat a size")
    return sorted(int(s) for s in out)


def check_regression_holdout(n_rows: int, held: str, hint: str = "") -> None:
    """A ``DataError`` for a regressor's held-out rows that are too few for what a frontier shows of
    them: R² is undefined on 1 row, and on 2 it has no interval (the only resamples with an R² are the
    2 rows themselves), which the table prints and ``conservative`` selection reads."""
    if n_rows == 1:
        raise DataError(f"{held} 1 row: a regressor's fidelity (R²) is undefined on one row; give at least 3 "
                        f"held-out rows{hint}")
    if n_rows == 2:
        raise DataError(f"{held} 2 rows: a regressor's fidelity (R²) has no 95% interval on two rows (the only "
                        f"resamples with an R² are those two rows); give at least 3 held-out rows{hint}")


def encode_holdout(domain: Domain, X_holdout: Any) -> np.ndarray:
    """``domain.encode(X_holdout)``, its error saying that the rows are the held-out ones: "unknown
    category 'Atlantis' in row 7" is of X_holdout, not of the rows the models were distilled from."""
    try:
        return domain.encode(X_holdout)
    except DataError as exc:
        raise DataError(f"X_holdout: {exc}") from None


def _holdout(X: Any, X_holdout: Any, fraction: float, random_state: int | None, *,
             feature_names: Sequence[str] | None = None,
             categorical: Sequence[str | int] | None = None) -> tuple[Any, Any, str, np.ndarray | None]:
    """``(X_train, X_hold, source, codes)``: ``X_holdout`` as given, or a seeded split of ``X`` whose
    training part holds every category of ``X`` (a held-out row with a category no training row has
    moves to the training part: the models' domain, built from those rows, could not read it).
    ``codes``: the split's category codes of the training rows (see :func:`_categories`), which
    :func:`_training_sample` reads rather than encoding those rows again (None: no split)."""
    if X_holdout is not None:
        if _n_rows(X_holdout) < 1:
            raise DataError("X_holdout has no rows: fidelity needs at least one held-out row")
        return X, X_holdout, "given", None
    if not hasattr(X, "iloc"):
        X = np.asarray(X)
    if not is_real(fraction) or not 0 < fraction < 1:
        raise ValueError(f"holdout_fraction must be a number strictly between 0 and 1, got {fraction!r}")
    n = _n_rows(X)
    n_hold = int(round(fraction * n))
    if n_hold < 1:
        raise DataError(f"holdout_fraction={fraction} of {counted(n, 'row')} holds out no row: fidelity needs at least "
                        "one held-out row; give a larger holdout_fraction or X_holdout")
    if n - n_hold < 2:
        raise DataError(f"holdout_fraction={fraction} of {counted(n, 'row')} holds out {counted(n_hold, 'row')}, "
                        f"leaving {n - n_hold} to distil from, where distill needs at least 2; pass more rows, a "
                        "smaller holdout_fraction or X_holdout")
    perm = np.random.default_rng(None if random_state is None else [int(random_state), 7]).permutation(n)
    hold, train = np.sort(perm[:n_hold]), np.sort(perm[n_hold:])
    Z = _categories(X, feature_names, categorical)
    if Z.shape[1]:
        unseen = _unseen(Z, hold, train)
        hold, train = hold[~unseen], np.sort(np.concatenate([train, hold[unseen]]))
        if not hold.size:
            raise DataError(f"cannot hold out {fraction:.0%} of {n} rows: every held-out row has a category that no "
                            "training row has; pass more rows or X_holdout")
    return _take(X, train), _take(X, hold), "split", Z[train]


def _training_sample(X_train: Any, max_rows: int | None, random_state: int | None, codes: np.ndarray | None = None,
                     *, feature_names: Sequence[str] | None = None,
                     categorical: Sequence[str | int] | None = None) -> Any:
    """``X_train``, or when it has more than ``max_rows`` rows a seeded random sample of that many,
    plus the other rows holding a category that no sampled row holds (the models' domain, built from
    the rows they are distilled from, must read every held-out row). ``codes``: its rows' category
    codes where the holdout split has them: codes of the whole data's domain tell the same categories
    apart as those of ``X_train``'s own (only which rows share one is read), and encoding the training
    rows again took 0.9 s (700,000 of a million)."""
    n = _n_rows(X_train)
    if max_rows is None or n <= max_rows:
        return X_train
    perm = np.random.default_rng(None if random_state is None else [int(random_state), 8]).permutation(n)
    kept, rest = np.sort(perm[:max_rows]), np.sort(perm[max_rows:])
    Z = _categories(X_train, feature_names, categorical) if codes is None else codes
    if Z.shape[1]:
        kept = np.sort(np.concatenate([kept, rest[_unseen(Z, rest, kept)]]))
    return _take(X_train, kept)


def _categories(X: Any, feature_names: Sequence[str] | None, categorical: Sequence[str | int] | None) -> np.ndarray:
    """The codes of the categorical features of rows ``X``, a column each (no column: none is categorical)."""
    domain = Domain.from_data(X, feature_names=feature_names, categorical=categorical)
    if not domain.categorical_mask.any():
        return np.zeros((_n_rows(X), 0))
    return domain.encode(X)[:, domain.categorical_mask]


def _unseen(Z: np.ndarray, rows: np.ndarray, among: np.ndarray) -> np.ndarray:
    """Which of ``rows`` hold a category (in a column of ``Z``) that none of the rows ``among`` holds."""
    unseen = np.zeros(len(rows), dtype=bool)
    for j in range(Z.shape[1]):
        unseen |= ~np.isin(Z[rows, j], Z[among, j])
    return unseen

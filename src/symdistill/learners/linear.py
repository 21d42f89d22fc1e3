"""Pedagogical sparse linear learner: a linear model with at most ``max_size`` non-zero weights.

The teacher labels the user's rows plus sampled ones. The learner fits the teacher's *scores*:
its values (regression), the log-odds of its clipped probability of the second class (binary) or
its centred clipped log-probabilities (multi-class, one output per class). Candidate terms are the
numeric features and one term per category of each categorical feature (one-hot), plus hinges and
pairwise products when asked.

Sparsity is controlled exactly. Candidate supports come from two regularisation paths on
standardised terms, computed on a training share of the queries: the lasso path (LARS for one
output, the multi-task group lasso for several, so every class row shares the support) and greedy
forward selection (the term that most reduces the residual sum of squares at each step); with
hinges or products, both also over the plain terms alone; for classifiers, also the single terms
that covary most with the classes. Each support is refitted without penalty (debiased) and
scored on the held-out share (its user rows only, for a regressor from 200 user rows, for a
classifier when the share holds at least 500 of them and 20 of every class the teacher gives; the
fits so scored are made without the sampled rows drawn around those rows): for regressors the
residual sum of squares over the teacher's (R² - 1, whose digits R² rounds away beside a huge term;
a residual at rounding counts as none), agreement of the predicted class for classifiers.
For classifiers the best support of each size is also refitted by cross-entropy to the teacher's
probabilities and to its labels, and the binary decision threshold is moved to where it agrees
with the teacher most. When user rows judge, every fit is also made on the user's training rows
alone (sampled rows off the data's manifold can pull a linear model away from it). The fit that
agrees most on the held-out queries wins (the smaller model on ties, then the one
using sampled rows); when user rows judge, the best are ranked again by 4-fold cross-validation
over all user rows, since one split cannot rank fits a few rows apart (for every size s the 8 best
of at most s terms, so that what a smaller max_size ranks is ranked too). With hinges or products, the
fits made without them are a pool of their own, ranked as it would be alone (its best
cross-validated too), which wins ties. The winner is refitted on
all its kind of rows (``meta["training_rows"]``), without any term the others and the intercept make on
those rows (every category of a feature sums to 1), and its weights are folded back into the
features' original units; where it reproduces the teacher to rounding there, its numbers are then
written as the shortest decimals that fit those rows no worse (3.0, not 3.0000000000000018).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, replace
from typing import Any, Callable

import numpy as np
from scipy.optimize import minimize
from scipy.special import expit

from .._errors import DataError, TeacherError, warn
from .._progress import progress_bar
from .._scale import mean_std, value_unit
from ..domain import Domain, _plain, is_real
from ..models.linear import LinearModel, Term
from ..sampling import RegionSampler
from ..teachers.oracle import Answer, Oracle
from .base import Learner, concat_answers, register_learner

_RIDGE = 1e-4  # keeps cross-entropy fits finite when the teacher's classes are separable
_SELECTION_ROWS = 6000  # rows for the cross-entropy fits made while choosing the support
_MIN_USER_VALIDATION = 500  # held-out user rows needed to judge a classifier's supports on them alone
_MIN_USER_ROWS = 200  # user rows needed to judge a regressor's supports on them alone
_MIN_USER_CLASS_ROWS = 20  # ... with at least this many of every class the teacher gives
_CV_CANDIDATES = 8  # best fits on the held-out share of at most s terms, for each s, cross-validated
_CV_FOLDS = 4
_BLOCK_VALUES = 2**17  # rows at a time (this many values of them) where a pass over the design is split
_DESIGN_ROWS = 4096  # rows of the design matrix made at a time (see _design)
_SHIFT_BUCKETS = 1024  # ranges of scores _best_shift counts rows in, sorting those of the ranges a best cut can be in
_SINGLE_TERMS = 64  # single terms a classifier tries besides the paths' (those covarying most with its classes)
_NOISE = 2**8 * np.finfo(float).eps  # a residual, relative to the values, at the rounding of a fit (seen: 35 eps)
_ULPS = 2**2 * np.finfo(float).eps  # ... and at the rounding of the teacher's values


@dataclass
class _Fit:
    support: tuple[int, ...]
    method: str  # "lsq", "soft" (cross-entropy to probabilities) or "hard" (to labels)
    coef: np.ndarray  # (m, |support|) on standardised terms
    intercept: np.ndarray  # (m,)
    score: float = -np.inf
    rows: str = "user and sampled rows"  # the rows it was fitted on
    cv_score: float = -np.inf


@dataclass
class _Drawn:
    """What the design check drew for the user's rows ``user``: every row the fit holds, the user's
    and the sampled ones (``rows``), the candidate terms over them, and the sampler that drew them
    (None where none were drawn)."""
    user: np.ndarray
    rows: np.ndarray
    terms: list[Term]
    sampler: RegionSampler | None
    origin: np.ndarray  # each sampled row's user row (the one it was drawn around)


@register_learner("linear")
class LinearLearner(Learner):
    """Distill a teacher into a sparse linear model with at most ``max_size`` non-zero weights.

    Parameters
    ----------
    max_size : int
        Most terms with a non-zero weight (a term counts once even when every class row uses it).
    n_samples : int
        Teacher-labelled rows in all: the user's rows plus sampled ones up to this number.
    interactions : bool
        Also offer products ``x_i * x_j`` of two numeric (integer, binary) features as terms.
    hinges : bool
        Also offer hinges ``max(0, x - t)`` and ``max(0, t - x)`` of numeric features at
        ``n_knots`` quantile knots.
    n_knots : int
        Knots per feature for hinges.
    max_design_gib : float
        With hinges, interactions or categorical features (a term per category), a design matrix
        (teacher-labelled rows x candidate terms, 8 bytes a value) over this many GiB is refused
        with a ``ValueError`` before it is built; fitting holds about three copies of it.
    validation_fraction : float
        Share of the queries held out to choose the support and the fit.
    clip : float
        Teacher probabilities are clipped to ``[clip, 1 - clip]`` before taking log-odds.
    random_state : int or None

    Examples
    --------
    >>> import numpy as np
    >>> X = np.random.default_rng(0).normal(size=(500, 6))
    >>> f = lambda X: 3 * X[:, 0] - 2 * X[:, 4] + 0.5
    >>> lin = LinearLearner(max_size=2, n_samples=2000, random_state=0, task="regression").fit(f, X).model_
    >>> lin.size, lin.term_names
    (2, ['x0', 'x4'])
    >>> np.round(lin.coef, 3).tolist(), np.round(lin.intercept, 3).tolist()
    ([[3.0, -2.0]], [0.5])
    """

    model_: LinearModel

    def __init__(self, *, max_size: int = 16, n_samples: int = 20000, interactions: bool = False,
                 hinges: bool = False, n_knots: int = 3, max_design_gib: float = 2.0,
                 validation_fraction: float = 0.25, clip: float = 1e-4, random_state: int | None = None,
                 **options: Any) -> None:
        super().__init__(max_size=max_size, n_samples=n_samples, random_state=random_state, **options)
        self.interactions = interactions
        self.hinges = hinges
        self.n_knots = n_knots
        self.max_design_gib = max_design_gib
        self.validation_fraction = validation_fraction
        self.clip = clip

    def _validate_params(self) -> None:
        super()._validate_params()
        for name in ("interactions", "hinges"):
            if not isinstance(getattr(self, name), (bool, np.bool_)):
                raise TypeError(f"{name} must be True or False, got {getattr(self, name)!r}")
        if not isinstance(self.n_knots, (int, np.integer)) or isinstance(self.n_knots, bool) or self.n_knots < 1:
            raise ValueError(f"n_knots must be a positive integer, got {self.n_knots!r}")
        gib = self.max_design_gib
        if not is_real(gib) or not 0 < gib < np.inf:
            raise ValueError(f"max_design_gib must be a positive number, got {gib!r}")
        limit = int(float(gib) * 2**30 / 8)
        if self.hinges and self.n_knots > limit:
            # Checked before the knots are made: the n_knots quantile levels, taken of every feature, are 8 GB at
            # 10**9 (the knots are fewer, distinct values between a feature's rows', so the design may be small).
            raise ValueError(f"n_knots={self.n_knots} is over the linear learner's limit of {limit:,} knots "
                             f"(max_design_gib={float(gib):g}): the hinges' knots are quantiles of each feature, and "
                             f"its n_knots quantile levels, 8 bytes each, would take {self.n_knots * 8 / 2**30:.3g} GiB "
                             f"before a knot is made; ask for fewer knots (n_knots), no hinges or a larger "
                             f"max_design_gib")
        if not is_real(self.validation_fraction) or not 0 < self.validation_fraction <= 0.5:
            raise ValueError(f"validation_fraction must be in (0, 0.5], got {self.validation_fraction!r}")
        if not is_real(self.clip) or not 0 < self.clip < 0.5:
            raise ValueError(f"clip must be in (0, 0.5), got {self.clip!r}")

    # ------------------------------------------------------------------------------------------
    # The design check draws the sampled rows and makes the terms over them before the teacher is
    # asked anything (``_check_rows``); the fit takes those (``augment``, ``_fit``) rather than drawing
    # them again. Both entry points let go of them when done.
    _drawn: _Drawn | None = None

    def fit(self, teacher: Any, X: Any, domain: Domain | None = None) -> LinearLearner:
        # A warning, not an error: sd.refine(model, hinges=False) passes on the n_knots the model records.
        if self.n_knots != 3 and isinstance(self.hinges, (bool, np.bool_)) and not self.hinges:
            warn(f"n_knots={self.n_knots!r} places hinge knots, and there are none without hinges=True: "
                 "it has no effect")
        try:
            return super().fit(teacher, X, domain)
        finally:
            self._drawn = None

    def check_fit(self, X: Any, domain: Domain | None = None, teacher: Any = None) -> None:
        try:
            super().check_fit(X, domain, teacher)
        finally:
            self._drawn = None

    def _fit_sampler(self, domain: Domain, Z: np.ndarray) -> RegionSampler | None:
        """The sampler the design check drew ``Z``'s sampled rows with, where it drew them: the fit
        takes those rows (``augment``) and draws no more, so a second sampler would be built for nothing.
        None where the fit samples no rows (``n_samples`` or more of the user's): only ``augment``
        draws from it (built over 1M rows for nothing, it took 1.2 s)."""
        drawn = self._drawn
        if drawn is not None and drawn.user is Z and drawn.sampler is not None:
            return drawn.sampler
        if not self._n_sampled(len(Z)):
            return None
        return super()._fit_sampler(domain, Z)

    def _augment_with_origin(self, oracle: Oracle, Z: np.ndarray, answer: Answer,
                             sampler: RegionSampler | None) -> tuple[np.ndarray, Answer, np.ndarray]:
        """As :meth:`Learner._augment_with_origin`, with the rows the design check drew for ``Z`` (a fresh
        sampler draws the same), where it drew them."""
        drawn = self._drawn
        if drawn is None or drawn.user is not Z or len(drawn.rows) == len(Z):
            return super()._augment_with_origin(oracle, Z, answer, sampler)
        return (drawn.rows, concat_answers(answer, oracle.label(drawn.rows[len(Z):])),
                np.concatenate([np.arange(len(Z)), drawn.origin]))

    def _fit(self, oracle: Oracle, Z: np.ndarray, answer: Answer, sampler: RegionSampler | None) -> LinearModel:
        n_user = len(Z)
        if oracle.is_classifier and answer.proba.shape[1] > 2 and not self._gram_checked:
            # The classes came with the answers to the user's rows: a Gram matrix too large is refused
            # before the sampled rows are labelled too.
            self._check_rows(oracle.domain, Z, answer.proba.shape[1])
        classify = oracle.is_classifier
        declared = bool(getattr(oracle.teacher, "_declared_classes", False))
        if classify and declared and answer.proba.shape[1] < 2:  # no sampled row can show another class
            raise TeacherError(f"{oracle.teacher.name} declares a single class, {_plain(oracle.classes[0])!r}; a linear "
                               "classifier needs at least 2 classes (form='tree' or 'rules' gives the constant model; "
                               "on the command line: --form tree or rules)")
        Z, answer, origin = self._augment_with_origin(oracle, Z, answer, sampler)
        if classify and answer.proba.shape[1] < 2:
            raise TeacherError(f"{oracle.teacher.name} answered with a single class, {_plain(oracle.classes[0])!r}, on every "
                               "row asked; a linear classifier needs at least 2 classes (form='tree' or 'rules' gives "
                               "the constant model; a callable whose other classes these rows never reach can name "
                               "them: as_teacher(f, classes=[...]); on the command line: --form tree or rules, "
                               "--classes)")
        if not classify and len(answer.values) and np.all(answer.values == answer.values[0]):
            # The teacher answers one value everywhere: the model is that value. Left to the fits,
            # sums of a repeated value round (0.1s): the rounding read as signal, giving weights of
            # 1e-17 on every feature and an intercept of 0.09999999999999931 (7.25: 7.250000000000054).
            constant = _Fit((), "lsq", np.zeros((1, 0)), np.array([float(answer.values[0])]))
            model = self._to_model(oracle, [], constant, np.zeros(0), np.ones(0))
            model.meta.update({"fit": "constant", "n_candidate_terms": 0})
            return model
        drawn = self._drawn
        gram = classify and answer.proba.shape[1] > 2
        terms = drawn.terms if drawn is not None and drawn.rows is Z else \
            self._candidate_terms(oracle.domain, Z, lambda t, more: self._check_design_size(len(Z), n_user, t, gram, more))
        self._check_design_size(len(Z), n_user, terms, gram)
        X, finite = _design(terms, Z)
        if not finite.all():
            # A product of two features near 1e200 (or a hinge across the whole float range)
            # overflows on some queries: a term with no value there cannot be weighed.
            terms = [t for t, ok in zip(terms, finite) if ok]
            X = X[:, finite]
        plain = np.array([i for i, t in enumerate(terms) if t.is_linear], dtype=int)
        T = self._targets(answer)
        # Values whose squares would overflow or underflow are fitted times a power of two
        # (value_unit; 1.0 for ordinary values), and the weights scaled back.
        unit = 1.0 if classify else value_unit(T)
        T = T * unit
        # A regressor's values are fitted less their mean: the rounding of a fit is then that of the
        # values' spread, not of an offset (1e13 + x1: a residual at 256 ulps of 1e13 is 0.57, over
        # x1's own spread, so every fit would count as exact and the empty one win).
        offset = np.zeros(1) if classify else T.mean(axis=0)
        T = T - offset
        P = answer.proba
        y = answer.y if classify else None

        perm = self._rng(2).permutation(len(Z))
        n_val = max(1, int(round(self.validation_fraction * len(Z))))
        val, tr = perm[:n_val], perm[n_val:]
        held_user = val[val < n_user]
        # A regressor's fits are judged on the user's rows from a few hundred of them (R² on them ranks
        # fits finely: diabetes' 309 rows, where the sampled rows' fit had 0.850 on the benchmark's
        # test rows and the one on the user's rows 0.861); a classifier's agreement on a hundred rows
        # ties too many fits to rank them (breast cancer's 398: 0.967 -> 0.956 over 6 seeds at 10
        # weights), so a classifier's need 500 held out.
        on_user_rows = len(held_user) >= _MIN_USER_VALIDATION if classify else n_user >= _MIN_USER_ROWS
        if on_user_rows and classify:
            # ... and only when they show every class the teacher gives: a class too rare among
            # them (a 0.3% minority) makes every fit agree on them, the empty model included.
            counts = np.bincount(answer.y[held_user], minlength=P.shape[1])
            seen = np.bincount(answer.y, minlength=P.shape[1]) > 0
            on_user_rows = bool(np.all(counts[seen] >= _MIN_USER_CLASS_ROWS))
        if on_user_rows:
            # Supports are judged on the user's own held-out rows when there are enough of them:
            # fidelity on data like theirs is what the user asks for, and sampled rows can sit
            # where the data never goes.
            val = held_user
            # ... and the fits scored on them are made without the sampled rows drawn around them
            # (within a bandwidth of a held-out row, they would tell the fits its answer).
            out = np.zeros(n_user, dtype=bool)
            out[held_user] = True
            tr = tr[~out[origin[tr]]]
        mu, sd = mean_std(X, tr)  # the training rows' statistics, without a copy of them
        sd = np.where(sd > 0, sd, 1.0)
        # Values near the float limit (+-1.7e308) minus their mean overflowed to inf, and LARS failed
        # with "cannot convert float NaN to integer": such columns are divided by their spread first.
        shift, scale = mu.copy(), sd.copy()
        with np.errstate(over="ignore"):
            wide = np.maximum(X.max(axis=0), -X.min(axis=0)) + np.abs(mu) > np.finfo(float).max
        if wide.any():
            X[:, wide] = X[:, wide] / sd[wide] - mu[wide] / sd[wide]
            shift[wide], scale[wide] = 0.0, 1.0
        X -= shift  # standardised in place: one design matrix held, not two
        X /= scale
        Xs = X

        # Where the user's rows judge the fits, the fits are also made on the user's training rows
        # alone: sampled rows help where data is scarce, but off the data's manifold they can pull a
        # linear model away from it (MAGIC: 0.843 with sampled rows, 0.846 without). The held-out
        # user rows decide.
        sources = {"user and sampled rows": tr}
        if on_user_rows:
            sources["user rows"] = tr[tr < n_user]
        y_val = None if y is None else y[val]
        # With hinges or products, the fits the learner makes without them compete too, first: the
        # wider pool keeps only the best support of each size, which then need not be plain, so the
        # plain model could lose its place among the candidates (lin3_clf, 10 weights with
        # interactions: 0.9879 cross-validated agreement where the plain model has 0.9882).
        pools = ([plain] if 0 < len(plain) < len(terms) else []) + [None]
        # Without sampled rows (n_samples or more of the user's) the user's training rows are all the
        # rows: their fits are the ones made on all of them, under their own name (made again, they
        # doubled the time on 1M rows). ``alias``: the first source of the same rows.
        alias = {s: next(a for a in sources if np.array_equal(sources[a], rows)) for s, rows in sources.items()}
        n_steps = (len(pools) * len(set(alias.values()))
                   * self._source_ticks(self.max_size + 1, self.max_size + 1, classify))
        with progress_bar(n_steps, "distilling linear model", self.progress) as bar:
            candidates: list[list[_Fit]] = []
            for columns in pools:
                X_pool = Xs if columns is None else Xs[:, columns]
                on = plain if columns is None else np.arange(len(columns))
                made = {source: self._candidate_fits(X_pool, T, P, y, rows, val, y_val, source, offset, on, bar)
                        for source, rows in sources.items() if alias[source] == source}
                pool = [f if alias[source] == source else replace(f, rows=source)
                        for source in sources for f in made[alias[source]]]
                if columns is not None:
                    for f in pool:
                        f.support = tuple(int(columns[j]) for j in f.support)
                candidates.append(pool)
            if on_user_rows:
                best = self._cross_validated_choice(candidates, Xs, T, P, y, n_user, origin, offset, bar)
            else:
                best = max((f for pool in candidates for f in pool), key=lambda f: (f.score, -len(f.support)))
        n_rows = len(Z) if best.rows == "user and sampled rows" else n_user
        every = slice(n_rows)  # the first rows are the user's: views, not copies of the design
        # A term the others already make (a copy of a column; the last category of a feature whose
        # others are all terms) adds nothing but a weight: the lasso path can propose such supports.
        support = _independent(Xs[np.ix_(np.arange(n_rows), best.support)], best.support)
        final = self._fit_support(Xs[every], T[every], None if P is None else P[every],
                                  None if y is None else y[every], support, best.method)
        final.coef, final.intercept = final.coef / unit, (final.intercept + offset) / unit
        model = _shortest(self._to_model(oracle, terms, final, mu, sd), Z[every], T[every], offset, unit,
                          None if y is None else y[every])
        if on_user_rows:
            model.meta["cv_score"] = float(best.cv_score + (not classify))
        # Nothing sampled (n_samples or more of the user's rows): every row is the user's.
        sampled = len(Z) > n_user
        model.meta.update({"fit": best.method, "validation_score": float(best.score + (not classify)),
                           "validation_metric": "agreement" if classify else "R2",
                           "validation_rows": "user rows" if on_user_rows or not sampled else "user and sampled rows",
                           "training_rows": best.rows if sampled else "user rows",
                           "selection": (f"{_CV_FOLDS}-fold cross-validation on user rows among the {_CV_CANDIDATES} "
                                         f"best of each size or less on the held-out share")
                           if on_user_rows
                           else "held-out share",
                           "n_candidate_terms": len(terms)})
        return model

    def _source_ticks(self, n_supports: int, n_sizes: int, classify: bool) -> int:
        """Ticks of the bar for one source of rows: the support path (each step of forward selection,
        ``max_size``, then the lasso path, one), each support's least-squares fit, and (classifiers)
        two cross-entropy refits of each size's best. A source's supports are known once its path
        is: until then the bar counts ``max_size + 1`` of them, of as many sizes."""
        return self.max_size + 1 + n_supports + (2 * n_sizes if classify else 0)

    def _candidate_fits(self, Xs: np.ndarray, T: np.ndarray, P: np.ndarray | None, y: np.ndarray | None,
                        tr: np.ndarray, val: np.ndarray, y_val: np.ndarray | None, source: str,
                        offset: np.ndarray, plain: np.ndarray, bar: Any) -> list[_Fit]:
        """The best least-squares fit of every support size found on rows ``tr``, and (classifiers)
        its cross-entropy refits, each scored on rows ``val``. ``bar`` counts them (on 200,000 rows
        of 20 features the fits took 2 s, after the path, with the bar still)."""
        y_tr = None if y is None else y[tr]
        X_tr, T_tr, T_val = Xs[tr], T[tr], T[val]  # each copied once
        by_size: dict[int, _Fit] = {}
        supports = self._supports(X_tr, T_tr, plain, bar)
        classify = y is not None
        if classify and self.max_size >= 1:
            # Single terms that follow the teacher's classes, for classifiers: the paths start with
            # the term that fits most of its scores, which need not be the one that agrees most once
            # its threshold is moved (Adult at max_size=1: married, which moves no class, so the
            # empty model won). The terms whose values covary most with the classes' indicators are
            # tried (all of them but on wide designs, where a fit each would double the time).
            Y = np.eye(P.shape[1])[y_tr]
            C = X_tr.T @ (Y - Y.mean(axis=0))
            top = np.argsort(-np.einsum("ij,ij->i", C, C), kind="stable")[:_SINGLE_TERMS]
            supports = sorted(set(supports) | {(int(j),) for j in top}, key=lambda s: (len(s), s))
        bar.total += (self._source_ticks(len(supports), len({len(s) for s in supports}), classify)
                      - self._source_ticks(self.max_size + 1, self.max_size + 1, classify))
        X_val = _Columns(Xs, val, supports)
        for sup in supports:
            f = self._fit_support(X_tr, T_tr, None, y_tr, sup, "lsq")
            f.score = self._score(X_val.fit(f), X_val.X, T_val, y_val, offset)
            if len(sup) not in by_size or f.score > by_size[len(sup)].score:
                by_size[len(sup)] = f
            bar.update(1)
        fits = list(by_size.values())
        if y is not None:
            # Cross-entropy refits of the best support of each size, on a subsample while choosing.
            sub = tr[:_SELECTION_ROWS]
            for f in list(fits):
                for method in ("soft", "hard"):
                    g = self._fit_support(Xs[sub], T[sub], P[sub], y[sub], f.support, method)
                    g.score = self._score(X_val.fit(g), X_val.X, T_val, y_val, offset)
                    fits.append(g)
                    bar.update(1)
        for f in fits:
            f.rows = source
        return fits

    def _cross_validated_choice(self, pools: list[list[_Fit]], Xs: np.ndarray, T: np.ndarray, P: np.ndarray | None,
                                y: np.ndarray | None, n_user: int, origin: np.ndarray, offset: np.ndarray,
                                bar: Any) -> _Fit:
        """Among the fits scoring best on the held-out share (of each pool of fits, the ``_CV_CANDIDATES``
        best of at most s terms for every size s), the one scoring best over
        ``_CV_FOLDS``-fold cross-validation on the user's rows (the smaller on ties, then the one of the
        earlier pool).

        A smaller ``max_size`` finds the same fits of its sizes (the paths' first steps are the same),
        so its candidates there are among these and a larger budget never wins a worse cross-validated
        score: the 8 best overall alone left out a 3-term fit that max_size=4 chose on MAGIC (a teacher
        of fM3Trans), and max_size=8 took a 4-term fit scoring lower (R² 0.015 where the 3 terms have
        0.026); of a classifier barely linear, max_size=8 took 8 terms at 0.6116 agreement where the 4
        that max_size=4 chose have 0.614. (Classifiers ranked the 8 best overall before, as each size
        adds 6 fits there: lin3_clf at 10 weights now takes 7 for 9, agreeing 0.0009 less on the
        benchmark's held-out rows, at a higher cross-validated score.)

        One split of a few thousand rows cannot rank fits a few rows apart (on MAGIC it preferred
        2 weights where 9 agree more on new data); averaging over folds that together hold every
        user row can. ``bar`` goes on counting the fits made (on 1M rows they took 15 s, after the
        bar had closed).
        """
        top: list[_Fit] = []
        seen: set[tuple[tuple[int, ...], str, str]] = set()
        for fits in pools:
            ranked = sorted(fits, key=lambda f: (-f.score, len(f.support)))
            sizes = sorted({len(f.support) for f in fits})
            for size in sizes:
                for f in [f for f in ranked if len(f.support) <= size][:_CV_CANDIDATES]:
                    if (f.support, f.method, f.rows) not in seen:
                        seen.add((f.support, f.method, f.rows))
                        top.append(f)
        bar.total += len(top) * _CV_FOLDS
        bar.set_description("cross-validating linear model")
        folds = np.array_split(self._rng(3).permutation(n_user), _CV_FOLDS)
        order = self._rng(4).permutation(len(Xs))  # random order, so a row cap takes a random subsample
        mine = order[order < n_user]
        # A fold's training rows depend only on the fit's rows and on whether its method caps them: they
        # are copied once a fold for all the fits that share them (copied for each fit, they took two
        # thirds of the cross-validation's time: a classifier at max_size=16 ranks about a hundred).
        groups: dict[tuple[str, bool], list[int]] = {}
        for i, f in enumerate(top):
            groups.setdefault((f.rows, f.method != "lsq"), []).append(i)
        totals = [0.0] * len(top)
        # A regressor's folds are scored together, as one R² over every user row (the folds' squared
        # errors over the user rows' spread): each fold's own R², averaged, divided by a fold's spread,
        # and a fold of a spiky teacher's near-constant values (R² -58 for a fit a little off them)
        # decided the choice (the intercept alone at 200 rows, 2 weights at 199).
        pooled = None
        if y is None:
            T_user = T[:n_user]
            spread = float(np.sum((T_user - T_user.mean(axis=0)) ** 2))
            pooled = spread if spread > _rounding(T_user, offset) else None
        # A fold's rows are copied in the columns of the fits' terms only (every column, they were most
        # of the cross-validation's time: 11 GB copied on 1M rows of 206 terms).
        supports = [f.support for f in top]
        for held in folds:
            out = np.zeros(n_user, dtype=bool)
            out[held] = True
            X_held, T_held, y_held = _Columns(Xs, held, supports), T[held], None if y is None else y[held]
            # Without sampled rows the user's rows are all the rows: a fit that one group of rows makes
            # is not made again for another group of the same rows.
            made: list[np.ndarray] = []
            scores: dict[tuple[int, tuple[int, ...], str], float] = {}
            for (source, capped), members in groups.items():
                # A fold's fits are made without its rows and the sampled rows drawn around them.
                rows = mine[~out[mine]] if source == "user rows" else order[~out[origin[order]]]
                if capped:
                    rows = rows[:_SELECTION_ROWS]
                k = next((k for k, r in enumerate(made) if np.array_equal(r, rows)), len(made))
                if k == len(made):
                    made.append(rows)
                X_tr = None
                for i in members:
                    key = (k, top[i].support, top[i].method)
                    if key not in scores:
                        if X_tr is None:
                            X_tr, T_tr = _Columns(Xs, rows, supports), T[rows]
                            P_tr, y_tr = None if P is None else P[rows], None if y is None else y[rows]
                        g = self._fit_support(X_tr.X, T_tr, P_tr, y_tr, X_tr.of(top[i].support), top[i].method)
                        scores[key] = self._score(g, X_held.X, T_held, y_held, offset, pooled)
                    totals[i] += scores[key] if pooled else scores[key] * len(held)
                    bar.update(1)
        for f, total in zip(top, totals):
            f.cv_score = total if pooled else total / n_user
        return max(top, key=lambda f: (f.cv_score, -len(f.support)))

    # -- candidate terms -----------------------------------------------------------------------
    def _check_rows(self, domain: Domain, Z: np.ndarray, n_outputs: int | None) -> None:
        """The design matrix check, made before the teacher is asked anything on the rows the fit will
        hold: the user's rows ``Z`` and those the sampler adds (drawn here once: the fit takes them and
        their terms), with the Gram matrix of a teacher known (``n_outputs``) to have more than two
        classes. Where its classes come only with its answers, the fit checks the Gram matrix again
        once the user's rows are answered, before the sampled ones are."""
        wide = self.hinges or self.interactions or bool(domain.categorical_mask.any())
        self._gram_checked = n_outputs is not None or not wide
        if not wide:
            return  # a term per numeric feature: a design the size of the user's data, left to fit
        gram = n_outputs is not None and n_outputs > 2
        if self._drawn is None or self._drawn.user is not Z:
            extra = self._n_sampled(len(Z))
            sampler = self._new_sampler(domain, Z) if extra else None
            rows, origin = Z, np.empty(0, dtype=np.intp)
            if sampler is not None:
                Zs, origin = sampler.sample_with_origin(None, extra)
                rows = np.vstack([Z, Zs])
            self._drawn = _Drawn(Z, rows, self._candidate_terms(domain, rows, lambda t, more: self._check_design_size(
                len(rows), len(Z), t, gram, more)), sampler, origin)
        self._check_design_size(len(self._drawn.rows), len(Z), self._drawn.terms, gram)

    def _check_design_size(self, n_rows: int, n_user: int, terms: list[Term], gram: bool, n_more: int = 0) -> None:
        """Refuse, before building it, a design matrix (or multi-class Gram matrix) over
        ``max_design_gib`` when it is wider than the data: hinges or interactions asked for (the
        terms they add grow with ``n_knots`` and with the square of the features), or a term per
        category of categorical features (a feature of 500 categories makes 500 columns). Without
        them there is a term per numeric feature: a design the size of the user's data, which is
        left to fit. ``n_more``: hinge and product terms counted, not yet made (:meth:`_candidate_terms`)."""
        n_terms = len(terms) + n_more
        n_categories = sum(len(t.factors) == 1 and t.factors[0].category is not None for t in terms)
        if not (self.hinges or self.interactions or n_categories):
            return
        values = max(n_rows * n_terms, n_terms * n_terms if gram else 0)
        limit = float(self.max_design_gib) * 2**30 / 8
        if values <= limit:
            return
        asked = [f"hinges at n_knots={self.n_knots}"] * self.hinges + ["interactions"] * self.interactions
        by_gram = values > n_rows * n_terms
        matrix = f"a {n_terms:,} x {n_terms:,} Gram matrix" if by_gram else f"a {n_rows:,}-row design matrix"
        ways = (["fewer knots (n_knots)"] * self.hinges
                + ["fewer rows (n_samples)"] * (not by_gram and n_rows > n_user)
                + ["fewer rows (a sample of the data)"] * (not by_gram and n_rows <= n_user)
                + [f"no {'/'.join(a.split(' ')[0] for a in asked)}"] * bool(asked) + ["a larger max_design_gib"])
        made = asked + [f"{n_categories:,} category terms"] * (n_categories > 0 and not asked)
        raise ValueError(f"{n_terms:,} candidate terms (with {' and '.join(made)}) need {matrix} of "
                         f"{values:.3g} values ({values * 8 / 2**30:.3g} GiB), over the linear learner's "
                         f"limit of {limit:.3g} (max_design_gib={float(self.max_design_gib):g}): "
                         f"ask for {', '.join(ways[:-1])}{' or ' if len(ways) > 1 else ''}{ways[-1]}")

    def _candidate_terms(self, domain: Domain, Z: np.ndarray,
                         check: Callable[[list[Term], int], None] | None = None) -> list[Term]:
        """The candidate terms over rows ``Z``; ``check``, given the plain and category terms and the number of
        hinge and product terms, is called before those are made (4,000,000 hinges at n_knots=10**6 took 50 s
        to make before the design check refused them)."""
        terms: list[Term] = []
        numeric: list[int] = []
        for j, f in enumerate(domain.features):
            col = Z[:, j]
            if f.is_categorical:
                present = np.unique(col.astype(int))
                if len(present) > 1:
                    terms += [Term.category(j, int(c)) for c in present]
            elif col.max() > col.min():  # (np.ptp overflows for values +-1.7e308)
                terms.append(Term.numeric(j))
                numeric.append(j)
        knots: list[tuple[int, np.ndarray]] = []
        if self.hinges:
            qs = np.arange(1, self.n_knots + 1) / (self.n_knots + 1)
            for j in numeric:
                if domain.features[j].kind == "binary":
                    continue
                col = Z[:, j]
                at = np.unique(np.quantile(col, qs))
                knots.append((j, at[(at > col.min()) & (at < col.max())]))
        if check is not None:
            check(terms, 2 * sum(len(at) for _, at in knots) + self.interactions * len(numeric) * (len(numeric) - 1) // 2)
        for j, at in knots:
            for t in at:
                terms += [Term.hinge(j, float(t), 1), Term.hinge(j, float(t), -1)]
        if self.interactions:
            terms += [Term.product(a, b) for i, a in enumerate(numeric) for b in numeric[i + 1:]]
        return terms

    def _targets(self, answer: Answer) -> np.ndarray:
        if answer.proba is None:
            return answer.values.astype(float)[:, None]
        p = np.clip(answer.proba, self.clip, 1.0 - self.clip)
        if p.shape[1] == 2:
            return (np.log(p[:, 1]) - np.log(p[:, 0]))[:, None]
        logp = np.log(p)
        return logp - logp.mean(axis=1, keepdims=True)

    # -- supports ------------------------------------------------------------------------------
    def _supports(self, X: np.ndarray, T: np.ndarray, plain: np.ndarray, bar: Any = None) -> list[tuple[int, ...]]:
        """Candidate supports of at most ``max_size`` terms: lasso path and forward selection, over
        every candidate term and, when hinges or products are among them, over the plain terms
        (columns ``plain``) alone too. ``bar``, when given, counts ``max_size + 1``: each step of
        forward selection over every term (the steps it stops short of at its end), then the rest.

        The paths rank terms by how much of the teacher's scores they fit, not by the agreement that
        judges a classifier: with hinges the paths can leave out a pair of plain terms that agrees
        better (Adult, max_size=2: married and education-num agree 0.865 without hinges, while with
        them every support proposed predicted one class, and the empty model won). Walking the plain
        terms' paths too keeps every support found without hinges or products a candidate.
        """
        found: set[tuple[int, ...]] = {()}
        path = _forward_path(X, T, self.max_size, bar)
        found.update(path)
        if bar is not None and len(path) < self.max_size:
            bar.update(self.max_size - len(path))
        if X.shape[1]:
            found.update(self._lasso_supports(X, T))
        if 0 < len(plain) < X.shape[1]:
            Xp = X[:, plain]
            for s in _forward_path(Xp, T, self.max_size) + list(self._lasso_supports(Xp, T)):
                found.add(tuple(sorted(int(plain[j]) for j in s)))
        if bar is not None:
            bar.update(1)
        return sorted(found, key=lambda s: (len(s), s))

    def _lasso_supports(self, X: np.ndarray, T: np.ndarray) -> set[tuple[int, ...]]:
        from sklearn.exceptions import ConvergenceWarning  # here: importing scikit-learn is no part of `import symdistill`
        from sklearn.linear_model import lars_path

        Tc = T - T.mean(axis=0)
        if T.shape[1] == 1:
            # Centred straight into the column order LARS works in, which it may then overwrite
            # (it would otherwise copy the design once more).
            Xc = np.subtract(X, X.mean(axis=0), order="F")
            with warnings.catch_warnings():
                # Degenerate active sets (every category of a feature as a term) and residues that
                # vanish (an exactly linear teacher) are the data, not a failure: the path only
                # proposes supports, each of them fitted and judged afterwards.
                warnings.simplefilter("ignore", ConvergenceWarning)
                _, _, coefs = lars_path(Xc, Tc[:, 0], method="lasso", max_iter=4 * self.max_size, copy_X=False)
            active = (coefs != 0).T  # one row per knot of the path
        else:
            Xc = X - X.mean(axis=0)
            active = _group_lasso_path(Xc.T @ Xc / len(Xc), Xc.T @ Tc / len(Xc))
        return {s for s in (tuple(int(j) for j in np.nonzero(a)[0]) for a in active) if len(s) <= self.max_size}

    # -- fits ----------------------------------------------------------------------------------
    def _fit_support(self, X: np.ndarray, T: np.ndarray, P: np.ndarray | None, y: np.ndarray | None,
                     support: tuple[int, ...], method: str) -> _Fit:
        if method == "lsq":
            A1 = _columns(X, support, intercept=True)
            A = A1[:, 1:]
            sol = np.linalg.lstsq(A1, T, rcond=None)[0]  # (1 + |s|, m)
            fit = _Fit(support, method, sol[1:].T.copy(), sol[0].copy())
        else:
            A = _columns(X, support)
            target = P if method == "soft" else np.eye(P.shape[1])[y]
            fit = _cross_entropy_fit(A, target, support, method)
        if y is not None and fit.coef.shape[0] == 1:
            fit.intercept = fit.intercept + _best_shift(fit.intercept[0] + A @ fit.coef[0], y)
        return fit

    @staticmethod
    def _score(fit: _Fit, X: np.ndarray, T: np.ndarray, y: np.ndarray | None, offset: np.ndarray,
               ss: float | None = None) -> float:
        """Agreement of the predicted class (classifiers); for regressors R² - 1, ``-sse / ss``.

        R² itself is no measure to rank by: beside a huge term (1e9*x0 + x1) it is 1.0 in floats
        once the huge term is in, so the small term, whose residual it removes, was never chosen.
        ``-sse / ss`` keeps the residual's own digits. A residual at rounding counts as none, so
        that exact fits tie and the smaller wins, as rounding cannot tell them apart: the fit's own
        (``_NOISE`` of the size of the targets ``T``, centred), and that of the teacher's values
        ``T + offset`` (a few ulps: 1e6 + 3*x0 on x0 near 1e6 has no exact fit, its values being
        rounded to 1e-10).

        Rows where the teacher answers one value (a spread at rounding) have no R²: they score as
        ``sd.fidelity`` scores a constant teacher, R² 1 where the fit matches them to rounding, else 0.
        Their spread, zero or rounding, divided the squared error: a teacher of 0 on a cross-validation
        fold gave R² -1e31, which outweighed every other fold, and a score that moved with the units.
        ``ss``, when given, is the spread the squared error is taken of (a cross-validation fold's share
        of every user row's: see :meth:`_cross_validated_choice`) instead of these rows' own.
        """
        S = _columns(X, fit.support) @ fit.coef.T + fit.intercept
        if y is None:
            rounding = _rounding(T, offset)
            if ss is not None:
                return -max(float(np.sum((T - S) ** 2)), rounding) / ss
            ss = float(np.sum((T - T.mean(axis=0)) ** 2))
            sse = max(float(np.sum((T - S) ** 2)), rounding)
            if ss <= rounding:
                return 0.0 if sse <= rounding else -1.0
            return -sse / ss
        pred = (S[:, 0] > 0).astype(int) if S.shape[1] == 1 else np.argmax(S, axis=1)
        return float(np.mean(pred == y))

    # -- output --------------------------------------------------------------------------------
    def _to_model(self, oracle: Oracle, terms: list[Term], fit: _Fit, mu: np.ndarray, sd: np.ndarray) -> LinearModel:
        idx = np.array(fit.support, dtype=int)
        with np.errstate(over="ignore"):
            W = fit.coef / sd[idx] if len(idx) else fit.coef
        huge = ~np.isfinite(W).all(axis=0)
        if huge.any():  # a term of subnormal values (1e-310) needs a weight of 1e310: no double holds it
            j = int(idx[np.argmax(huge)])
            raise DataError(f"the linear model's weight for {terms[j].name(oracle.domain)} is beyond the largest double "
                            f"(its values spread over {sd[j]:.3g}): multiply the feature by a power of ten before "
                            "distilling, or use form='tree' or 'rules'")
        b = fit.intercept - (W @ mu[idx] if len(idx) else 0.0)
        keep = np.any(W != 0, axis=0)
        return LinearModel(oracle.domain, oracle.task, None if not oracle.is_classifier else oracle.classes,
                           terms=[terms[j] for j in idx[keep]], coef=W[:, keep], intercept=b)


class _Columns:
    """Rows ``rows`` of the design ``X`` in the columns that ``supports`` use only (``X``), and where each
    term is there: a fit needs its terms' columns alone, and a copy of every column of 750,000 rows
    of 206 terms is 1.2 GB. The values are copied, so a fit on them is the fit on ``X[rows]``, to the bit."""

    def __init__(self, X: np.ndarray, rows: np.ndarray, supports: list[tuple[int, ...]]) -> None:
        cols = sorted({j for s in supports for j in s})
        self._at = {j: i for i, j in enumerate(cols)}
        self.X = X[np.ix_(rows, np.array(cols, dtype=int))]

    def of(self, support: tuple[int, ...]) -> tuple[int, ...]:
        """The columns of ``support``'s terms here (in the same order)."""
        return tuple(self._at[j] for j in support)

    def fit(self, fit: _Fit) -> _Fit:
        """``fit`` on the columns here."""
        return replace(fit, support=self.of(fit.support))


def _design(terms: list[Term], Z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The design matrix (a column per term, over the encoded rows ``Z``) and whether each column is
    finite. Made ``_DESIGN_ROWS`` rows at a time: written a column at a time, each column's values lay
    a row apart, and on 1M rows of 206 terms the writes took 3.1 s, a block of rows at a time 0.9 s."""
    X = np.empty((len(Z), len(terms)))
    finite = np.ones(len(terms), dtype=bool)
    with np.errstate(over="ignore", invalid="ignore"):
        for a in range(0, len(Z), _DESIGN_ROWS):
            block, rows = X[a:a + _DESIGN_ROWS], Z[a:a + _DESIGN_ROWS]
            for i, t in enumerate(terms):
                block[:, i] = t.evaluate(rows)
            finite &= np.isfinite(block).all(axis=0)
    return X, finite


def _columns(X: np.ndarray, support: tuple[int, ...], intercept: bool = False) -> np.ndarray:
    """``X[:, support]`` (after a column of ones with ``intercept``), laid out as NumPy lays that out:
    column after column, so that products with it add in the same order, to the last bit.

    Copied a block of rows at a time: ``X[:, support]`` writes its rows across all its columns at
    once, which on 750,000 rows of 20 terms took 2 to 4 times as long (the columns far apart in memory).

    >>> X = np.arange(12.0).reshape(4, 3)
    >>> _columns(X, (2, 0), intercept=True).tolist()
    [[1.0, 2.0, 0.0], [1.0, 5.0, 3.0], [1.0, 8.0, 6.0], [1.0, 11.0, 9.0]]
    """
    cols = list(support)
    out = np.empty((len(cols) + intercept, len(X)))
    if intercept:
        out[0] = 1.0
    step = max(1, _BLOCK_VALUES // max(X.shape[1], 1))
    for a in range(0, len(X), step):
        out[int(intercept):, a:a + step] = X[a:a + step, cols].T
    return out.T


def _rounding(T: np.ndarray, offset: np.ndarray) -> float:
    """The residual sum of squares that is rounding, for targets ``T`` (scaled, less ``offset``): the
    fits' own (``_NOISE`` of the targets) and that of the teacher's values ``T + offset`` (``_ULPS``)."""
    return float(np.sum(T * T)) * _NOISE**2 + float(np.sum((T + offset) ** 2)) * _ULPS**2


def _shortest(model: LinearModel, Z: np.ndarray, T: np.ndarray, offset: np.ndarray, unit: float,
              y: np.ndarray | None) -> LinearModel:
    """``model`` with its weights and intercepts written as the shortest decimals that fit no worse,
    where it reproduces the teacher's scores to rounding on the rows it was fitted on (encoded rows
    ``Z``; targets ``T`` as the fit saw them, times ``unit`` less ``offset``; classes ``y`` for
    classifiers); otherwise ``model`` itself, bit for bit.

    Least squares reproduces an exactly linear teacher only to rounding: ``3*x0 + 2*x1 - 1`` came out
    as 3.0000000000000075*x0 + 2.0000000000000004*x1 - 1, so a constraint at the exact boundary got
    a counterexample at 1.9999999999999978. Every number is first rounded to the fewest significant
    digits at which the residual sum of squares on those rows is not larger (the weights' rounding
    and the intercept's make up for each other on rows far from zero, so they go together), then
    each in turn to zero or fewer digits on the same terms; for classifiers the classes predicted
    there must also agree with the teacher's no less. A teacher that is not exactly linear in the
    terms leaves a residual beyond rounding (``_rounding``), and its model as fitted.
    """
    A = model.design_matrix(Z)
    V = T + offset

    def judged(W: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
        S = A @ (W * unit).T + b * unit  # unit is a power of two: scaling is exact
        return S, np.sum((V - S) ** 2, axis=0), -1 if y is None else _agreement(S, y)

    W, b = model.coef, model.intercept
    S, sse, agree = judged(W, b)
    if not np.all(np.isfinite(S)) or float(sse.sum()) > _rounding(T, offset):
        return model
    # An intercept is rounded at the digits of the scores too, not only at its own: the rounding of a
    # fitted 0 (1.1e-15) is no digit of the model, and kept the weights' rounding with it (2*x0 + x1 on
    # rows in [0, 1] stayed 1.999999999999999*x0 + 0.999999999999999*x1 + 1e-15).
    scores = np.max(np.abs(S), axis=0) / unit
    for d in range(16):
        found = False
        for b_d in (_significant(b, d, scores), _significant(b, d)):
            S_d, sse_d, agree_d = judged(_significant(W, d), b_d)
            if float(sse_d.sum()) <= float(sse.sum()) and agree_d >= agree:
                W, b, S, sse, agree, found = _significant(W, d), b_d, S_d, sse_d, agree_d, True
                break
        if found:
            break
    W, b = W.copy(), b.copy()
    for r in range(W.shape[0]):
        for j in [*range(W.shape[1]), -1]:  # the intercept last
            x = float(b[r] if j < 0 else W[r, j])
            col = A[:, j] if j >= 0 else 1.0
            for c in [0.0] + [float(f"{x:.{d}e}") for d in range(16)]:
                if c == x:
                    break  # x is its own shortest rounding
                S_c = S.copy()
                S_c[:, r] += (c - x) * unit * col
                e = float(np.sum((V[:, r] - S_c[:, r]) ** 2))
                if e <= sse[r] and (y is None or _agreement(S_c, y) >= agree):
                    S, sse[r] = S_c, e
                    if j < 0:
                        b[r] = c
                    else:
                        W[r, j] = c
                    break
    if np.array_equal(W, model.coef) and np.array_equal(b, model.intercept):
        return model
    keep = np.any(W != 0, axis=0)
    return LinearModel(model.domain, model.task, model.classes, terms=[t for t, k in zip(model.terms, keep) if k],
                       coef=W[:, keep], intercept=b)


def _significant(a: np.ndarray, digits: int, scale: np.ndarray | None = None) -> np.ndarray:
    """Each number of ``a`` rounded to ``digits + 1`` significant decimal digits; with ``scale`` (one
    magnitude per number), to those of the larger of the number and its scale, so a number far below
    its scale rounds to 0.

    >>> a = np.array([1.1e-15, 2.04])
    >>> _significant(a, 1).tolist(), _significant(a, 1, np.array([3.0, 3.0])).tolist()
    ([1.1e-15, 2.0], [0.0, 2.0])
    """
    if scale is None:
        return np.array([float(f"{x:.{digits}e}") for x in a.ravel()]).reshape(a.shape)
    out = []
    for x, m in zip(a.ravel().tolist(), np.broadcast_to(scale, a.shape).ravel().tolist()):
        top = max(abs(x), m)
        out.append(round(x, digits - int(np.floor(np.log10(top)))) + 0.0 if 0 < top < np.inf else x)  # not -0.0
    return np.array(out).reshape(a.shape)


def _agreement(S: np.ndarray, y: np.ndarray) -> int:
    """Rows whose highest score (one column: a score above 0 for class 1) is that of class ``y``."""
    pred = (S[:, 0] > 0).astype(int) if S.shape[1] == 1 else np.argmax(S, axis=1)
    return int(np.sum(pred == y))


def _forward_path(X: np.ndarray, T: np.ndarray, k: int, bar: Any = None) -> list[tuple[int, ...]]:
    """Greedy forward selection: each step adds the term that most reduces the residual sum of squares.

    Works on centred data with all outputs at once (a term serves every output); the residual and
    the remaining terms are kept orthogonal to the chosen ones. ``bar``, when given, counts the steps.
    """
    n, p = X.shape
    Xr = X - X.mean(axis=0)
    R = T - T.mean(axis=0)
    norms = np.einsum("ij,ij->j", Xr, Xr)
    floor = 1e-9 * np.maximum(norms, 1.0)
    chosen: list[int] = []
    out: list[tuple[int, ...]] = []
    for _ in range(min(k, p)):
        C = Xr.T @ R
        gain = np.einsum("ij,ij->i", C, C) / np.maximum(norms, floor)
        gain[norms <= floor] = -np.inf
        gain[chosen] = -np.inf
        j = int(np.argmax(gain))
        if not np.isfinite(gain[j]) or gain[j] <= 0:
            break
        q = Xr[:, j] / np.sqrt(norms[j])
        R -= np.outer(q, q @ R)
        c = q @ Xr
        # Rows at a time: no second design-sized array, and one pass over the design (columns at a
        # time, 4 of 20 on 1M rows, read it 5 times: forward selection took 3.5 s there, now 1.4 s).
        step = max(1, _BLOCK_VALUES // p)
        for a in range(0, n, step):
            Xr[a:a + step] -= np.outer(q[a:a + step], c)
        norms = np.einsum("ij,ij->j", Xr, Xr)
        chosen.append(j)
        out.append(tuple(sorted(chosen)))
        if bar is not None:
            bar.update(1)
    return out


def _independent(A: np.ndarray, support: tuple[int, ...], tol: float = 1e-9) -> tuple[int, ...]:
    """The terms of ``support`` (columns of ``A``) that, in order, are not a linear combination of the
    ones kept before them and the intercept (a residual, after centring and projecting those out,
    under ``tol`` of the column's own spread)."""
    Q = np.zeros((len(A), 0))
    keep: list[int] = []
    for i in range(A.shape[1]):
        v = A[:, i] - A[:, i].mean()
        size = float(np.linalg.norm(v))
        for _ in range(2):  # twice: Gram-Schmidt once loses orthogonality
            v = v - Q @ (Q.T @ v)
        rest = float(np.linalg.norm(v))
        if rest > tol * size:
            Q = np.column_stack([Q, v / rest])
            keep.append(i)
    return tuple(support[i] for i in keep)


def _group_lasso_path(G: np.ndarray, C: np.ndarray, n_alphas: int = 40, max_iter: int = 200) -> list[np.ndarray]:
    """Supports along the multi-task (group) lasso path, from the Gram matrix of centred data.

    Minimises ``1/2 tr(W' G W) - tr(W' C) + alpha * sum_j ||W[j]||`` by accelerated proximal
    gradient, warm-started down a geometric grid of ``alpha``; a term's row of weights (one per
    output) enters or leaves as a whole. Returns the non-zero pattern at every ``alpha``.
    """
    p, m = C.shape
    top = float(np.max(np.linalg.norm(C, axis=1)))
    if top <= 0:
        return []
    step = 1.0 / max(float(np.linalg.eigvalsh(G)[-1]), 1e-12)
    W = np.zeros((p, m))
    out = []
    for alpha in top * np.logspace(0, -3, n_alphas)[1:]:
        V, t = W.copy(), 1.0
        for _ in range(max_iter):
            U = V - step * (G @ V - C)
            norms = np.linalg.norm(U, axis=1, keepdims=True)
            W_new = U * np.maximum(0.0, 1.0 - step * alpha / np.maximum(norms, 1e-300))
            t_new = (1.0 + np.sqrt(1.0 + 4.0 * t * t)) / 2.0
            V = W_new + ((t - 1.0) / t_new) * (W_new - W)
            done = np.max(np.abs(W_new - W)) <= 1e-6 * max(1.0, float(np.max(np.abs(W_new))))
            W, t = W_new, t_new
            if done:
                break
        out.append(np.any(W != 0, axis=1))
    return out


def _cross_entropy_fit(A: np.ndarray, target: np.ndarray, support: tuple[int, ...], method: str,
                       max_iter: int = 300) -> _Fit:
    """Logistic (2 classes) or multinomial fit to target probabilities, small ridge on the weights."""
    n, s = A.shape
    k = target.shape[1]
    A1 = np.column_stack([np.ones(n), A])
    options = {"maxiter": max_iter, "gtol": 1e-6}
    if k == 2:
        p = target[:, 1]

        def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
            z = A1 @ theta
            val = np.mean(np.logaddexp(0.0, z) - p * z) + 0.5 * _RIDGE * theta[1:] @ theta[1:]
            g = A1.T @ (expit(z) - p) / n
            g[1:] += _RIDGE * theta[1:]
            return float(val), g

        res = minimize(loss, np.zeros(s + 1), jac=True, method="L-BFGS-B", options=options)
        return _Fit(support, method, res.x[1:][None, :].copy(), res.x[:1].copy())

    def loss_m(theta: np.ndarray) -> tuple[float, np.ndarray]:
        W = theta.reshape(s + 1, k)
        Zs = A1 @ W
        Zs -= _row_max(Zs)
        E = np.exp(Zs)
        tot = E.sum(axis=1, keepdims=True)
        val = np.mean(np.log(tot[:, 0]) - np.einsum("ij,ij->i", target, Zs)) + 0.5 * _RIDGE * np.sum(W[1:] ** 2)
        G = A1.T @ (E / tot - target) / n
        G[1:] += _RIDGE * W[1:]
        return float(val), G.ravel()

    res = minimize(loss_m, np.zeros((s + 1) * k), jac=True, method="L-BFGS-B", options=options)
    W = res.x.reshape(s + 1, k)
    return _Fit(support, method, W[1:].T.copy(), W[0].copy())


def _row_max(Z: np.ndarray) -> np.ndarray:
    """``Z.max(axis=1, keepdims=True)``, a column at a time: NumPy takes the maximum of each row of a
    few numbers on its own (26 classes: a fifth of a multinomial fit's time, which it halves). The
    maximum is the same number whatever the order it is taken in (of a 0.0 and a -0.0, the sign may
    be the other's, which neither ``exp`` nor the loss sees).

    >>> _row_max(np.array([[1.0, 3.0, 2.0], [0.0, -1.0, -2.0]])).tolist()
    [[3.0], [0.0]]
    """
    out = Z[:, :1].copy()
    for j in range(1, Z.shape[1]):
        np.maximum(out[:, 0], Z[:, j], out=out[:, 0])
    return out


def _best_shift(scores: np.ndarray, y: np.ndarray) -> float:
    """Offset to add to binary scores so that ``score > 0`` agrees with labels ``y`` (0 or 1) most.

    Among equally good offsets the smallest in magnitude is taken.

    A cut falls only between distinct scores, where the rows above it are the same whatever their
    order among equal scores: the sort need not be stable (a stable one, and every cut's midpoint
    where only the best are read, took 0.19 s a call on 750,000 rows, now 0.11 s; a classifier makes
    hundreds). Past ``_SHIFT_BUCKETS * 16`` finite scores, only the rows of the score ranges where
    the best cut can fall are sorted (see :func:`_ranked`): the cuts, their agreement and the cut
    taken are the ones sorting every row gives, to the bit.

    >>> _best_shift(np.array([-2.0, -1.0, 1.0, 2.0]), np.array([0, 1, 1, 1]))
    1.5
    """
    if len(scores) == 0:
        return 0.0
    one = y == 1
    top, bottom, pos, neg = _ranked(scores, one)
    m = len(top)
    # Predict class 1 for the top j items (rows, or ranges of rows no best cut falls in), j = 0..m.
    pos_top = np.zeros(m + 1)
    np.cumsum(pos, out=pos_top[1:])
    neg_top = np.zeros(m + 1)
    np.cumsum(neg, out=neg_top[1:])
    agree = pos_top + (neg_top[m] - neg_top)
    # A cut can only fall between distinct scores.
    valid = np.ones(m + 1, dtype=bool)
    valid[1:m] = bottom[:-1] > top[1:]
    agree = np.where(valid, agree, -1.0)
    most = agree.max()
    if np.sum((scores > 0) == one) >= most:
        return 0.0
    best = np.nonzero(agree == most)[0]
    # The cuts where agreement is highest, halfway between the scores above and below them.
    hi = np.where(best > 0, bottom[best - 1], np.inf)
    lo = np.where(best < m, top[np.minimum(best, m - 1)], -np.inf)
    cut = np.where(np.isinf(hi), lo + 1.0, np.where(np.isinf(lo), hi - 1.0, (hi + lo) / 2))
    return float(-cut[np.argmin(np.abs(cut))])


def _ranked(scores: np.ndarray, one: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The rows of binary ``scores`` (class 1 where ``one``) as items, highest first: each item's highest
    and lowest score and its rows of class 1 and of class 0. An item is a row, or a range of scores
    (one of ``_SHIFT_BUCKETS`` equal ones between the lowest score and the highest) in which no cut
    can agree as much as a cut between two ranges does, so none of the best cuts falls inside it:
    its rows are counted, not sorted (the sort of 750,000 scores, 0.07 s, was a fifth of a
    classifier's time on 1M rows; counting them takes a tenth of that). Below ``_SHIFT_BUCKETS * 16``
    scores, or where one is not finite, every row is an item."""
    n = len(scores)
    low, high = (scores.min(), scores.max()) if n > _SHIFT_BUCKETS * 16 else (np.nan, np.nan)
    per = _SHIFT_BUCKETS / (high - low) if np.isfinite(low) and np.isfinite(high) and high > low else np.nan
    if not np.isfinite(per):
        order = np.argsort(-scores)
        s = scores[order]
        pos = one[order]
        return s, s, pos, ~pos
    # A score's range: scores - low and the product are rounded monotonically, so a higher score is
    # in the same range or a higher one, and equal scores in the same one.
    rank = (_SHIFT_BUCKETS - 1) - np.minimum(((scores - low) * per).astype(np.intp), _SHIFT_BUCKETS - 1)  # 0: highest
    rows = np.bincount(rank, minlength=_SHIFT_BUCKETS)
    pos = np.bincount(rank[one], minlength=_SHIFT_BUCKETS)
    neg = rows - pos
    # Agreement at the cut above each range (class 1 for the ranges above it) and below the last; a cut
    # inside a range agrees at most as if its rows of class 1 were all above the cut, the others below.
    pos_above = np.concatenate([[0], np.cumsum(pos)])
    neg_above = np.concatenate([[0], np.cumsum(neg)])
    between = pos_above + (neg_above[-1] - neg_above)
    top, bottom = np.full(_SHIFT_BUCKETS, -np.inf), np.full(_SHIFT_BUCKETS, np.inf)
    np.maximum.at(top, rank, scores)
    np.minimum.at(bottom, rank, scores)
    # (A range of one score has no cut inside: a few distinct scores, as category terms give, sort none.)
    sort = (top > bottom) & (between[:-1] + pos >= between.max())
    ranges = np.nonzero(~sort & (rows > 0))[0]
    sorted_rows = np.nonzero(sort[rank])[0]
    sorted_rows = sorted_rows[np.argsort(-scores[sorted_rows])]
    # The ranges and the sorted rows (each range's together), highest first: two runs a stable sort merges.
    order = np.argsort(np.concatenate([ranges, rank[sorted_rows]]), kind="stable")
    s = scores[sorted_rows]
    return (np.concatenate([top[ranges], s])[order], np.concatenate([bottom[ranges], s])[order],
            np.concatenate([pos[ranges], one[sorted_rows]])[order], np.concatenate([neg[ranges], ~one[sorted_rows]])[order])

"""Counterexample-guided refinement: distill, verify, turn artefacts into teacher queries, re-distill."""

from __future__ import annotations

import math
import re
from typing import Any, TypeVar

import numpy as np

from .._errors import refuse_set
from ..api import TeacherAnswers, fidelity, make_learner
from ..domain import _as_pandas, _dataframe_names, _is_dataframe
from ..models import LinearModel, RuleSet, Tree
from ..models.base import SymbolicModel, concept_layer
from ..sampling.density import KERNELS
from ..teachers import Teacher, as_teacher
from ..teachers.base import _n_rows
from . import properties as P
from .api import check_timeout, verify
from .exact import form_of

_Refined = TypeVar("_Refined", bound="Tree | RuleSet | LinearModel")


def refine(model: _Refined, teacher: Any, X: Any, *, constraints: Any, max_rounds: int = 5,
           budget: int = 5000, queries_per_artefact: int = 400, X_eval: Any = None, backend: str = "auto",
           timeout: float | None = None, **options: Any) -> _Refined:
    """Re-distill ``model`` until ``constraints`` hold, using the teacher's answers near counterexamples.

    Each round verifies every constraint with the teacher attached. A counterexample the teacher
    shares (a *teacher violation*) is a property of the network and is left alone. A distillation
    *artefact* becomes queries: the counterexample and inputs sampled in its violating region,
    labelled by the teacher; the model is then distilled again (same form, size (at least 1), method,
    seed, query sampler and learner options, as its ``meta`` records them) over its domain, from ``X`` plus
    every query row gathered so far. Rounds stop when every constraint holds or is violated by the teacher itself, after
    ``max_rounds``, or when ``budget`` query rows are spent.

    Parameters
    ----------
    model : Tree, RuleSet or LinearModel
        Made by ``sd.distill`` (its ``meta`` gives form, method, seed, query sampler and, in
        ``meta["options"]``, the learner options given: ``max_literals=3``, ``hinges=True``).
    teacher : the network (anything ``sd.as_teacher`` takes)
    X : array or DataFrame
        The rows ``model`` was distilled from.
    constraints : str, property, or a list of them
        One constraint (as ``sd.verify`` takes it) or several.
    max_rounds, budget, queries_per_artefact : int
        Limits on rounds, on query rows added in all, and on rows added per counterexample.
    X_eval : optional
        Rows for the fidelity figures (default ``X``).
    backend : {"auto", "direct", "z3"}
    timeout : float or None
        ``sd.verify``'s limit on z3, for each verification of each round; out of it, its
        ``VerificationTimeout`` stops refine (None: no limit).
    **options
        Passed to ``sd.distill`` (e.g. ``n_samples``); given here, they replace those the model's
        ``meta["options"]`` records, and ``sampler_kernel`` and ``sampler_bandwidth`` those of its
        ``meta["sampler"]``.

    Returns
    -------
    Tree, RuleSet or LinearModel
        The last model distilled, of the given model's form. ``meta["n_queries"]`` counts every teacher query refine made (the
        fidelity figures, each round's verification and re-distill); ``meta["refinement"]`` records
        rounds, query rows added, which constraints hold, which the teacher itself violates (each
        constraint named as it prints, numbered, ``(constraint 2)``, where two print alike), fidelity
        before and after, and ``fit_queries``: the queries of the returned model's own fit (the
        given model's where no round ran).

    Examples
    --------
    >>> import numpy as np, symdistill as sd
    >>> X = np.random.default_rng(0).uniform(size=(600, 2))
    >>> net = lambda X: (X[:, 0] + 0.2 * X[:, 1] > 0.6).astype(int)
    >>> tree = sd.distill(net, X, max_size=4, random_state=0, n_samples=600)
    >>> better = sd.refine(tree, net, X, constraints=[sd.monotonic("x0")], max_rounds=2, n_samples=600)
    >>> better.meta["refinement"]["holds"]
    {'the prediction is monotonically increasing in x0': True}
    """
    if isinstance(constraints, (str, P.Property)):
        constraints = [constraints]  # one constraint, as sd.verify takes it (not a string's characters)
    refuse_set("constraints", constraints, "each round verifies them in that order, which orders the rows it "
               "adds to re-distill from and meta['refinement']")
    try:
        constraints = list(constraints)
    except TypeError:
        raise TypeError("refine: constraints must be a constraint (str or property) or a list of them, got "
                        f"{type(constraints).__name__}") from None
    if not constraints:
        raise ValueError("refine needs at least one constraint")
    for name, v in (("max_rounds", max_rounds), ("budget", budget), ("queries_per_artefact", queries_per_artefact)):
        if not isinstance(v, (int, np.integer)) or isinstance(v, bool) or v < 0:
            raise ValueError(f"{name} must be a non-negative integer, got {v!r}")
    check_timeout(timeout)  # before the teacher is asked anything
    form = form_of(model)
    if form == "dfa":
        raise TypeError("refine works on tabular models (tree, rules, linear)")
    layer = concept_layer(model)
    if layer is not None:
        raise TypeError(f"refine works on models of input rows; these are concept rules, which read the activations "
                        f"of hidden layer {layer!r} (distilled with layer=): their counterexamples are rows of "
                        "activations, which the network cannot be asked about")
    props = [P.as_property(c) for c in constraints]
    # Read in its own classes and compared with the model's as labels, as sd.fidelity and sd.verify read it:
    # declaring the model's classes for it renamed the columns of a teacher answering 0 and 1 as a model's
    # 'g' and 'h' (a teacher other than the model's was then re-distilled from, silently).
    t = teacher if isinstance(teacher, Teacher) else as_teacher(teacher, task=model.task)
    meta = model.meta
    seed = meta.get("random_state")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer))):
        raise ValueError(f"refine re-distills with the model's meta['random_state'], which should be an integer "
                         f"or None, got {seed!r}")
    for name, value in _recorded_sampler(meta).items():  # as the model was distilled, unless given
        options.setdefault(name, value)
    recorded = meta.get("options", {})  # the learner's options the model was distilled with (max_literals=3)
    if not isinstance(recorded, dict):
        raise ValueError(f"refine re-distills with the learner options the model's meta['options'] records, "
                         f"which should be a dict of option names to values, got {recorded!r}")
    for name, value in recorded.items():
        options.setdefault(name, value)
    method = meta.get("method", "pedagogical")
    dom = model.domain
    X = _as_pandas(X)  # a pyarrow / polars table, as distill reads it: by column name, so rows can join it
    if dom.input_format == "dataframe" and not _is_dataframe(X):
        # An array's rows, read in the model's order as its predict reads them, as a DataFrame: the query rows
        # join it by column name (an array raised AttributeError there, after the first round's verification).
        X = dom.decode(dom.encode(X))
    if _is_dataframe(X):
        names = _dataframe_names(X)
        if names != dom.feature_names and sorted(names) == sorted(dom.feature_names):
            # Its columns in the model's order: a re-distill takes the features in X's, and gave a model whose
            # features were in another order than the given one's (its predict on an array read them so).
            X = X.iloc[:, [names.index(n) for n in dom.feature_names]]
    if not _n_rows(X):  # (its fidelity figures' error named no X, and a re-distill from no rows of X had no data)
        raise ValueError("refine: X has no rows; give the rows the model was distilled from")
    if dom.input_format == "array" and not _is_dataframe(X):  # a DataFrame's columns name its features
        options.setdefault("feature_names", dom.feature_names)
    cats = [f.name for f in dom.features if f.is_categorical]
    if cats:  # a DataFrame's numeric column declared categorical too: its dtype alone reads as a number
        options.setdefault("categorical", cats)
    # Made (and checked) before the teacher is asked anything: an option only a re-distill reads (a misspelt
    # n_sample=, a negative n_samples) went unread where no round ran, and failed after the verification where
    # one did. A list of the default rule alone, or a linear model of no weights, has size 0: distill's least is 1.
    learner = make_learner(form=form, max_size=max(model.size, 1), method=method, random_state=seed, **options)
    X_eval = X if X_eval is None else X_eval
    asked_before = t.n_queries  # a Teacher given again has counted its earlier work
    before = float(fidelity(model, t, X_eval).value)
    added = np.empty((0, dom.n_features))
    current = model
    rounds = 0
    status: dict[str, str] = {}
    while True:
        status, new_rows = _round(current, props, t, backend, queries_per_artefact,
                                  None if seed is None else int(seed) + rounds, timeout)
        room = budget - len(added)
        if not len(new_rows) or rounds >= max_rounds or room <= 0:
            break
        added = np.vstack([added, new_rows[:room]])
        rounds += 1
        # Over the model's domain, as distill(X) would infer it from X: a model fitted over a wider one
        # (fit(..., domain=d)) was re-distilled over X's rows and the counterexamples' alone, and its verdicts
        # covered a narrower domain than the given model's.
        current = learner.fit(t, _with_rows(X, added, dom), domain=dom).model_
    after = float(TeacherAnswers(t, X_eval).fidelity(current).value)  # (its determinism checked before)
    if current is model:
        current = model.copy()  # no round ran: the user's model is returned as a new one, left unchanged
    fit_queries = current.meta.get("n_queries")
    current.meta["n_queries"] = t.n_queries - asked_before
    # each constraint as it prints, numbered where two print alike (two sd.robust balls of one radius)
    names = [p.describe() for p in props]
    names = [f"{n} (constraint {i + 1})" if names.count(n) > 1 else n for i, n in enumerate(names)]
    current.meta["refinement"] = {
        "rounds": rounds,
        "query_rows_added": int(len(added)),
        "holds": {n: s == "holds" for n, s in zip(names, status.values())},
        "teacher_violations": [n for n, s in zip(names, status.values()) if s == "teacher violation"],
        "fidelity_before": before,
        "fidelity_after": after,
        "fit_queries": fit_queries,
    }
    return current


def _recorded_sampler(meta: dict[str, Any]) -> dict[str, Any]:
    """The query sampler's options that ``meta["sampler"]`` records, as distill writes it
    (``'correlated kernel, bandwidth 0.3'``); none where it records none (a model made by hand)."""
    text = meta.get("sampler")
    if text is None:
        return {}
    found = re.fullmatch(r"(\w+) kernel, bandwidth (\S+)", text) if isinstance(text, str) else None
    try:
        bandwidth = float(found.group(2)) if found else math.nan
    except ValueError:
        bandwidth = math.nan
    if found is None or found.group(1) not in KERNELS or not 0 < bandwidth < math.inf:
        raise ValueError(f"refine re-distills with the query sampler the model's meta['sampler'] records, written "
                         f"as distill writes it ('diagonal kernel, bandwidth 0.5'), got {text!r}")
    return {"sampler_kernel": found.group(1), "sampler_bandwidth": bandwidth}


def _round(model: SymbolicModel, props: list[P.Property], teacher: Teacher, backend: str, per: int,
           seed: int | None, timeout: float | None = None) -> tuple[dict[str, str], np.ndarray]:
    """Verify every constraint; return each one's status and the query rows from artefacts."""
    status: dict[str, str] = {}
    rows = [np.empty((0, model.domain.n_features))]
    for i, p in enumerate(props):
        v = verify(model, p, backend=backend, teacher=teacher, search_budget=per, random_state=seed, timeout=timeout)
        key = f"{i}:{p.describe()}"
        if v.holds:
            status[key] = "holds"
            continue
        assert v.teacher is not None and v.counterexample is not None
        if v.teacher.teacher_violates:
            status[key] = "teacher violation"
            continue
        status[key] = "artefact"
        rows += [v.counterexample.encoded, v.teacher.rows]
    return status, np.vstack(rows)


def _with_rows(X: Any, Z: np.ndarray, domain: Any) -> Any:
    """``X`` plus encoded rows ``Z`` in the user's format."""
    extra = domain.decode(Z)
    if domain.input_format == "dataframe":
        import pandas as pd

        # Each query column in its X column's type, where that holds the values: a model over a given domain
        # wider than a uint8 column's values has queries of 300, which uint8 wraps to 44.
        extra = extra.astype({c: X[c].dtype for c in X.columns
                              if str(X[c].dtype) != "category" and _holds(X[c].dtype, extra[c])})
        return pd.concat([X, extra], ignore_index=True)
    return np.concatenate([np.asarray(X, dtype=extra.dtype if extra.dtype == object else None), extra], axis=0)


def _holds(dtype: Any, values: Any) -> bool:
    """Whether a column of NumPy type ``dtype`` holds ``values`` (numbers) unchanged in range: an integer
    type their least and greatest, a float type their magnitude (float32 overflows past 3.4e38)."""
    dtype = dtype if isinstance(dtype, np.dtype) else getattr(dtype, "numpy_dtype", None)  # pandas' Int64: int64
    if dtype is None:
        return True
    v = np.asarray(values, dtype=float)
    if dtype.kind in "iu":
        info = np.iinfo(dtype)
        return bool(v.size == 0 or (v.min() >= info.min and v.max() <= info.max))
    if dtype.kind == "f":
        return bool(v.size == 0 or np.abs(v).max() <= np.finfo(dtype).max)
    return True

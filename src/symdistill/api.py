"""The public entry points: ``distill``, ``fidelity``, ``class_fidelity``, ``accuracy``."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from typing import Any, Literal, NamedTuple, overload

import numpy as np

from ._errors import DataError, TeacherError, warn
from ._progress import check_progress
from .domain import _plain, column_values, no_sequence, refuse_words
from .metrics import ClassFidelity, Score, agreement, regression_agreement
from .models import LinearModel, RuleSet, Tree
from .models.base import concept_layer
from .teachers import Teacher, as_teacher
from .teachers.base import _n_rows, classes_flag


@overload
def distill(teacher: Any, X: Any, *, form: Literal["tree"] = ..., max_size: int = ..., method: str | None = ...,
            random_state: int | None = ..., **options: Any) -> Tree: ...
@overload
def distill(teacher: Any, X: Any, *, form: Literal["rules"], max_size: int = ..., method: str | None = ...,
            random_state: int | None = ..., **options: Any) -> RuleSet: ...
@overload
def distill(teacher: Any, X: Any, *, form: Literal["linear"], max_size: int = ..., method: str | None = ...,
            random_state: int | None = ..., **options: Any) -> LinearModel: ...
@overload
def distill(teacher: Any, X: Any, *, form: str, max_size: int = ..., method: str | None = ...,
            random_state: int | None = ..., **options: Any) -> Tree | RuleSet | LinearModel: ...


def distill(teacher: Any, X: Any, *, form: str = "tree", max_size: int = 16, method: str | None = None,
            random_state: int | None = None, **options: Any) -> Tree | RuleSet | LinearModel:
    """Distill ``teacher`` into a symbolic model of at most ``max_size`` (leaves, rules, weights).

    Parameters
    ----------
    teacher : torch module, scikit-learn estimator, ONNX model, callable or Teacher
    X : array or DataFrame
        Unlabelled rows; the teacher labels them, and new queries are drawn to look like them.
    form : {"tree", "rules", "linear"}
    method : {"pedagogical", "decompositional"}, optional
        Pedagogical, unless ``layer=`` is given: rules over the units of a hidden layer (concept rules)
        are read off the network, so ``layer=`` implies ``"decompositional"``.
    random_state : int, optional
        Seed of sampling and fitting (a whole number >= 0): same seed, same model. None (the default)
        draws fresh entropy, so two calls may give different models.
    **options
        Passed to the learner (e.g. ``n_samples``, ``feature_names``, ``categorical``, ``task``).
        ``sampler_kernel="correlated"`` gives the query sampler's jitter the numeric features'
        correlations (default ``"diagonal"``: independent per feature); ``sampler_bandwidth``
        scales its width (default 0.5).

    >>> import numpy as np, symdistill as sd
    >>> X = np.random.default_rng(1).uniform(size=(300, 2))
    >>> tree = sd.distill(lambda X: X[:, 0] + X[:, 1] > 1, X, max_size=8, random_state=0)
    >>> tree.size <= 8
    True
    """
    learner = make_learner(form=form, max_size=max_size, method=method, random_state=random_state, **options)
    refuse_words(X, "distill")
    return learner.fit(teacher, X).model_


_SKLEARN_NAMES = {"min_samples_leaf": "min_leaf", "max_leaf_nodes": "max_size"}


def make_learner(*, form: str = "tree", max_size: int = 16, method: str | None = None,
                 random_state: int | None = None, **options: Any) -> Any:
    """The learner ``distill`` would fit, with its options checked (unknown names, bad values) before
    any data or teacher is touched."""
    from .learners import get_learner

    if method is None:
        method = "decompositional" if options.get("layer") is not None else "pedagogical"
        from .learners import registered_learners

        forms = registered_learners()
        if method == "decompositional" and (form, method) not in forms and any(f == form for f, _ in forms):
            raise ValueError(f"layer= asks for concept rules, read off a hidden layer by method='decompositional', "
                             f"which gives form='rules' only; form {form!r} does not take layer=")
    cls = get_learner(form, method)
    known = _options_of(cls)
    unknown = sorted(set(options) - known)
    if unknown:
        import difflib

        from .learners import registered_learners
        from .teachers import _OPTIONS

        # An option of another method of this form (layers= is decompositional's): name that method.
        owners = sorted(m for (f, m), other in registered_learners().items()
                        if f == form and m != method and unknown[0] in _options_of(other))
        # Or of another form (max_literals= is the rules'): the form left at its default, a tree.
        forms = sorted({f for (f, m), other in registered_learners().items()
                        if f != form and m == "pedagogical" and unknown[0] in _options_of(other)})
        close = difflib.get_close_matches(unknown[0], sorted(known), n=1)
        # A teacher's option (classes=, batch_size=) goes to as_teacher: batch_size is not a misspelt max_size.
        # scikit-learn's names for the same options: min_samples_leaf is not a misspelt n_samples.
        ours = _SKLEARN_NAMES.get(unknown[0])
        hint = f"; it is an option of method={owners[0]!r}" if owners else \
            f"; it is an option of form={forms[0]!r}" if forms else \
            f"; {unknown[0]}= is a teacher option: pass sd.as_teacher(teacher, {unknown[0]}=...) as the teacher" + \
            ("; on the command line: --classes" if unknown[0] == "classes" else "") \
            if any(unknown[0] in names for names in _OPTIONS.values()) else \
            f"; scikit-learn's {unknown[0]}= is {ours}= here" if ours in known else \
            f"; scikit-learn's {unknown[0]}= has no counterpart in form={form!r}" if ours else \
            f"; did you mean {close[0]!r}?" if close else ""
        raise TypeError(f"distill(form={form!r}, method={method!r}): unknown option {unknown[0]!r}{hint} "
                        f"(options: {', '.join(sorted(known - {'max_size', 'random_state'}))})")
    learner = cls(max_size=max_size, random_state=random_state, **options)
    learner._validate_params()
    return learner


def _options_of(cls: type) -> set[str]:
    """Keyword options a learner takes: its own and those of the classes it builds on."""
    from .learners.base import option_defaults

    return set(option_defaults(cls))


def _input_rows(model: Any, X: Any) -> Any:
    """The input rows ``X`` of concept rules' network, checked as distill takes them (2-D, no NaN, named in
    the error); a DataFrame holding the features the rules were distilled on (``meta["input_features"]``)
    in another order has them put back in that order, as the network took them (it reads by position).
    A DataFrame of other columns is a DataError naming them (it was handed over by position), but where
    the rules were distilled from an array (``x0``, ``x1``, ... and no such column), as the command line
    takes it."""
    from .domain import Domain, mismatch

    Domain.from_data(X)
    inputs, columns = getattr(model, "meta", {}).get("input_features"), getattr(X, "columns", None)
    if isinstance(inputs, list) and columns is not None:
        by_name = {str(c): c for c in columns}
        if inputs == [f"x{i}" for i in range(len(inputs))] and not set(inputs) & set(by_name):
            return X
        missing, extra = [n for n in inputs if n not in by_name], [n for n in by_name if n not in inputs]
        if missing or extra:
            raise DataError("DataFrame columns do not match the input features the concept rules were distilled "
                            f"on: {mismatch(missing, extra)}")
        if list(by_name) != inputs:
            return X[[by_name[name] for name in inputs]]
    return X


def _activations(teacher: Any, X: Any, layer: str) -> np.ndarray:
    """The activations of hidden ``layer`` of ``teacher``'s network (or the network's Teacher) on input rows ``X``."""
    from .teachers.activations import read_activations

    return read_activations(teacher, X, layer)


def _model_predict(model: Any, X: Any, Z: np.ndarray | None = None) -> np.ndarray:
    """``model.predict(X)``; from ``Z``, ``X`` as ``model.domain`` encoded it already (to ask the teacher), where
    ``model`` predicts with a tree's, rule list's or linear model's own predict: each is ``predict_encoded`` of
    ``domain.encode(X)``, and a million rows of 8 text columns took 0.19 s to encode again. The method the model
    holds is asked, not its class's: a predict set on the model itself (another function, another model's) is its
    predict too."""
    bound = getattr(model, "predict", None)
    own = getattr(bound, "__func__", None) if getattr(bound, "__self__", None) is model else None
    if Z is not None and own in (Tree.predict, RuleSet.predict, LinearModel.predict):
        return np.asarray(model.predict_encoded(Z))
    return np.asarray(model.predict(X))


def _check_model(model: Any, where: str) -> None:
    if not callable(getattr(model, "predict", None)):
        raise TypeError(f"{where}: model must be a symdistill model (Tree, RuleSet, LinearModel, ...) or another "
                        f"object with predict(X), got {type(model).__name__}")


def fidelity(model: Any, teacher: Any, X: Any, *, progress: bool | None = None) -> Score:
    """Agreement of ``model`` with ``teacher`` on ``X``.

    ``progress``: a bar counting the rows the teacher labels, where they take more than one of its
    batches (``batch_size``, 8,192 rows unless given to ``as_teacher``); None (the default) shows it on
    an interactive terminal only, as the learners' ``progress`` does. For an automaton it counts the
    words the sequence teacher labels (those it has not answered before), where they take more than
    one of its batches (a torch module's ``batch_size``, 8,192 words unless given; a callable
    without ``batch_size=`` is asked every word in one call, with no bar). The teacher is first asked
    again about the first 32 words of ``X`` its cache holds, and its cache forgotten, with a warning, where
    it answers otherwise (a network trained since: see ``SequenceTeacher.forget_if_changed``).

    ``X`` holds the teacher's input rows, also for concept rules (distilled with ``layer=``): they
    are scored on that layer's activations of ``X``, read through ``teacher``.

    Classifiers: share of rows with the same label, with a 95% Wilson interval.
    Regressors: R² of the model's values against the teacher's, with a bootstrap interval (none
    on 2 rows: ``low`` and ``high`` are NaN); the mean absolute error is in ``score.extra["MAE"]``.
    """
    return _compared(model, teacher, X, progress, "fidelity").score


def class_fidelity(model: Any, teacher: Any, X: Any, *, progress: bool | None = None) -> ClassFidelity:
    """``fidelity`` class by class, for a classifier: which of the teacher's classes the model gets wrong.

    The teacher is asked as ``fidelity`` asks it (the same checks, the same ``progress`` bar; an automaton's
    sequence teacher too), once. Per class, in the model's class order: the rows the teacher puts in it
    (``n_teacher``), those the model puts there (``n_model``), ``recall`` (of the teacher's rows, the share
    the model puts there too) and ``precision`` (of the model's rows, the share the teacher puts there),
    each a Score with its 95% Wilson interval (a class without rows on that side: NaN, no interval, ``n/a``
    in the table). A teacher's label that is none of the model's classes follows them, a class of its own
    the model never predicts (its rows are misses, as ``fidelity`` counts them); a teacher none of whose
    labels is a class is refused, as ``fidelity`` refuses it. ``.confusion`` counts teacher class (rows)
    against model class (columns), as the report's class heat map; ``.overall`` is ``fidelity``'s score.

    Regressors are refused: their rows fall in no class (``fidelity`` gives their R²).

    >>> import numpy as np, symdistill as sd
    >>> X = np.random.default_rng(0).uniform(size=(300, 2))
    >>> net = lambda X: np.digitize(X[:, 0] + X[:, 1], [0.7, 1.3])
    >>> tree = sd.distill(net, X, max_size=2, random_state=0)
    >>> by_class = sd.class_fidelity(tree, net, X)
    >>> by_class.overall == sd.fidelity(tree, net, X), int(by_class.confusion.sum())
    (True, 300)
    >>> [c.label for c in by_class.worst(1)], by_class[0].n_teacher, by_class[0].n_model  # 0: never predicted
    ([0], 50, 0)
    """
    _refuse_regressor(model)  # before the teacher is asked
    return _compared(model, teacher, X, progress, "class_fidelity").by_class(model)


_NO_CLASS = ("fall in no class; per-class fidelity is for classifiers: sd.fidelity(model, teacher, X) gives a "
             "regressor's fidelity, its R² (and mean absolute error)")


def _refuse_regressor(model: Any) -> None:
    if getattr(model, "task", None) == "regression":
        raise TypeError(f"class_fidelity: the model is a regressor (task='regression'), whose values {_NO_CLASS}")


class _Compared(NamedTuple):
    """A model's fidelity ``score``, and the predictions ``pred`` (as compared) and the teacher's labels
    (values) ``ref`` it was counted from."""

    score: Score
    pred: np.ndarray
    ref: np.ndarray
    task: str

    def by_class(self, model: Any) -> ClassFidelity:
        """``class_fidelity``'s result (refused for a regression teacher)."""
        if self.task == "regression":  # a model that declares no task, of a teacher answering values
            raise TypeError(f"class_fidelity: the teacher answers values (a regressor), which {_NO_CLASS}")
        words = getattr(model, "kind", None) in ("dfa", "moore")  # an automaton answers words
        return ClassFidelity.of(self.pred, self.ref, getattr(model, "classes", None), self.score,
                                "words" if words else "rows")


def _compared(model: Any, teacher: Any, X: Any, progress: bool | None, where: str) -> _Compared:
    """``fidelity``'s comparison of ``model`` with ``teacher`` on ``X`` (``where``: the function called)."""
    _check_model(model, where)
    check_progress(progress)
    from .models.automata import _Automaton

    if isinstance(model, _Automaton):  # X is a list of words; the teacher a sequence teacher
        from .teachers.sequence import SequenceTeacher, as_sequence_teacher, warn_probability_read_as_logit

        if not (isinstance(teacher, SequenceTeacher) and set(teacher.alphabet) == set(model.alphabet)):
            # (a teacher over the same symbols in another order labels the same words: words are symbols)
            teacher = as_sequence_teacher(teacher, model.alphabet)
        if isinstance(X, Iterator):  # a generator of words: read once, for the teacher and the automaton
            X = list(X)
        from .models.automata import label_array

        codes = teacher.encode(X)
        teacher.forget_if_changed(codes)  # a network trained since its cache was filled
        ref = label_array(teacher.classes_, teacher.query(codes, progress=progress))
        warn_probability_read_as_logit(teacher)
        pred = _comparable(np.asarray(model.predict(X)), ref)
        score = agreement(pred, ref)
        _refuse_other_labels(score, ref, model, "teacher's labels",
                             "is it the teacher the automaton was distilled from, read the same way (a torch "
                             "teacher's classes= or token_ids=; on the command line, --option)?")
        return _Compared(score, pred, ref, "classification")
    t = teacher if isinstance(teacher, Teacher) else as_teacher(teacher)
    # A teacher answering at random (dropout on in its forward) is refused, as distill refuses it: its
    # fidelity was a different number at each call, with no word.
    return TeacherAnswers(t, X, progress=progress, check_determinism=True).compared(model)


class TeacherAnswers:
    """A teacher's labels (values) of rows ``X``, asked once for every model that reads ``X`` the same
    way (models of one domain), and the models' fidelity to them, as :func:`fidelity` measures it:
    scoring many models on many rows (a frontier's held-out rows, their shifted copies) looked the
    same rows up in the teacher's cache once per model.

    >>> import numpy as np, symdistill as sd
    >>> X = np.random.default_rng(0).uniform(size=(300, 2))
    >>> net = sd.as_teacher(lambda X: (X[:, 0] > 0.5).astype(int))
    >>> models = [sd.distill(net, X, max_size=k, random_state=0) for k in (1, 2)]
    >>> answers = TeacherAnswers(net, X)
    >>> [answers.fidelity(m).value for m in models] == [sd.fidelity(m, net, X).value for m in models]
    True
    """

    def __init__(self, teacher: Teacher, X: Any, *, progress: bool | None = False,
                 check_determinism: bool = False) -> None:
        self.teacher, self.X, self.progress = teacher, X, progress
        self._check = check_determinism  # the teacher's first rows are asked twice before its answers are read
        self._known: list[tuple[Any, Any]] = []  # (a domain's key, its rows' labels or the error asking raised)
        self._reader: Any = None  # the network's activation reader, made at the first concept rules scored

    def _reference(self, domain: Any) -> tuple[np.ndarray, np.ndarray | None]:
        """The teacher's labels (values) of ``X`` read through ``domain``, and ``X`` encoded where it was encoded
        now to ask them (None where they were known: the rows are not kept for the next model)."""
        key = domain_key(domain)
        for k, ref in self._known:
            if k == key:
                if isinstance(ref, Exception):
                    raise ref
                return ref, None
        Z = domain.encode(self.X)
        try:
            ref = self._predict(domain.decode(Z))
        except TeacherError as exc:  # the same for every model of the domain: the teacher is not asked again
            self._known.append((key, exc))
            raise
        self._known.append((key, ref))
        return ref, Z

    def keep(self, domain: Any, labels: np.ndarray) -> None:
        """Take ``labels`` as the teacher's labels (values) of ``X`` read through ``domain``, asked already
        (``sd.frontier`` asks its held-out rows with its training rows, for the teacher's classes)."""
        self._known.append((domain_key(domain), labels))

    def fidelity(self, model: Any) -> Score:
        """``fidelity(model, teacher, X)``."""
        return self.compared(model).score

    def class_fidelity(self, model: Any) -> ClassFidelity:
        """``class_fidelity(model, teacher, X)``."""
        _refuse_regressor(model)
        return self.compared(model).by_class(model)

    def compared(self, model: Any) -> _Compared:
        """The comparison ``fidelity`` scores and ``class_fidelity`` counts by class."""
        t, X = self.teacher, self.X
        _check_task(model, t)
        layer = concept_layer(model)
        domain = getattr(model, "domain", None)
        if layer is not None:
            # Concept rules read a hidden layer: the teacher answers on the input rows, the rules on that
            # layer's activations of the same rows, read through the same network.
            X = _input_rows(model, X)
            ref = self._predict(X)
            _check_task(model, t)  # (as _score checks it, before the activations are read: its answers may say it)
            X = self._activations(X, layer)
        elif domain is not None:
            ref, Z = self._reference(domain)
            return _score(model, t, X, ref, Z)
        else:
            ref = self._predict(X)
        return _score(model, t, X, ref)

    def accuracy(self, model: Any, y: Any) -> Score:
        """``accuracy(model, X, y)``, concept rules' with ``teacher=`` this teacher, their activations read
        as :meth:`fidelity` reads them."""
        _check_model(model, "accuracy")
        layer = concept_layer(model)
        return _accuracy(model, self.X if layer is None else self._activations(_input_rows(model, self.X), layer), y)

    def _activations(self, X: Any, layer: str) -> np.ndarray:
        """The activations of hidden ``layer`` of the teacher's network on ``X`` (``self.X``, its columns put in
        the order concept rules were distilled on), read by one reader for every model: each reader traces
        the network (a frontier of concept rules traced it once per point)."""
        if self._reader is None:
            from .teachers.activations import _width, activation_reader

            self._reader = activation_reader(self.teacher, n_features=_width(X))
        return self._reader.read(X, [layer])[0]

    def _predict(self, X: Any) -> np.ndarray:
        """The teacher's labels (values) of ``X``, its determinism checked first where asked for."""
        if self._check and _n_rows(X):
            self._check = False
            self.teacher.check_deterministic(X)
        return self.teacher.predict(X, progress=self.progress)


def domain_key(domain: Any) -> tuple:
    """What models of equal keys read rows as and hand the teacher: the domain's plain form, and what it
    leaves out of what ``decode`` hands the teacher."""
    return (domain.to_dict(), [str(t) for t in domain.column_dtypes], repr(domain.column_labels), domain.array_dtype)


def _check_task(model: Any, t: Teacher) -> None:
    """``model``'s task and the teacher ``t``'s, where both are known, are the same: checked before the
    teacher is asked where its task is declared (a regressor's values read as logits overflowed), and
    again once its answers say it."""
    task = getattr(model, "task", None)
    if task in ("classification", "regression") and t.task in ("classification", "regression") and task != t.task:
        raise ValueError(f"fidelity: the model is a {task} model but the teacher answers as a {t.task} model, so "
                         f"their outputs cannot be compared; score against the teacher it was distilled from (if "
                         f"that teacher's task was guessed wrongly, wrap it: sd.as_teacher(teacher, task={task!r}); on the "
                         f"command line: --task {task})")


def _score(model: Any, t: Teacher, X: Any, ref: np.ndarray, Z: np.ndarray | None = None) -> _Compared:
    """``model``'s fidelity to the teacher ``t``'s labels (values) ``ref`` of the rows ``X`` it reads (concept
    rules: their layer's activations of the rows the teacher answered), ``Z`` those rows as its domain encoded
    them where they were (``_model_predict``)."""
    _check_task(model, t)
    pred = _model_predict(model, X, Z)
    if t.task == "regression":
        return _Compared(regression_agreement(pred, ref), pred, ref, "regression")
    pred = _comparable(pred, ref)
    score = agreement(pred, ref)
    if t._output_kind == "labels" and not t._renames_labels():  # classes= other than its labels is refused
        hint = ("is it the teacher the model was distilled from? it answers labels of its own, which classes= does not "
                "rename: map them to the model's classes in the function it calls")
    else:
        hint = ("is it the teacher the model was distilled from, answering in the same labels (sd.as_teacher(teacher, "
                "classes=[...]) renames a classifier's classes; on the command line: "
                f"{classes_flag(getattr(model, 'classes', None))})?")
    _refuse_other_labels(score, np.asarray(ref), model, "teacher's labels", hint)
    return _Compared(score, pred, np.asarray(ref), "classification")


def accuracy(model: Any, X: Any, y: Any, *, teacher: Any = None) -> Score:
    """Share of rows where ``model`` predicts the true label ``y`` (R² for regressors).

    ``X`` holds input rows. Concept rules (distilled with ``layer=``) read a hidden layer's
    activations, which rows of the same width cannot be told from: give the network as ``teacher``,
    and they are scored on that layer's activations of ``X``, read through it (as ``fidelity`` does).
    """
    _check_model(model, "accuracy")
    layer = concept_layer(model)
    if layer is not None:
        if teacher is None:
            raise TypeError(f"accuracy: these are concept rules, which read the activations of hidden layer {layer!r} "
                            "(distilled with layer=), not input rows: pass the network, accuracy(rules, X, y, "
                            "teacher=net), to score them on its activations of the input rows X")
        X = _activations(teacher, _input_rows(model, X), layer)
    elif teacher is not None:
        raise TypeError(f"accuracy: teacher= is for concept rules (distilled with layer=), whose activations it "
                        f"reads; this {type(model).__name__} reads the input rows themselves: leave teacher out")
    return _accuracy(model, X, y)


def _accuracy(model: Any, X: Any, y: Any) -> Score:
    """``accuracy`` of ``model`` on the rows ``X`` it reads (concept rules: their layer's activations)."""
    pred = _model_predict(model, X)
    what = no_sequence(y)
    if what:
        raise DataError(f"the true labels y are {what}, not one label per row: pass a list or an array of them")
    pandas = type(y).__module__.startswith("pandas") and hasattr(y, "dtype")
    if pandas:
        _refuse_reordered_index(X, y)
    y = column_values(y) if pandas else np.asarray(y)  # pandas' NA kept, to be named a missing value
    if y.ndim == 2 and y.shape[1] == 1:  # a column of them, df[["price"]]: one per row, as a teacher may answer
        y = y[:, 0]
    if getattr(model, "task", "classification") == "regression":
        return regression_agreement(pred, y, name="R2")
    score = agreement(_comparable(pred, y), y, name="accuracy")
    hint = "give labels in the classes' terms" + (_labels_hint(model, y) if score.value == 0.0 else "")
    _refuse_other_labels(score, y, model, "true labels", hint)
    _warn_other_labels(y, model)
    return score


def _refuse_reordered_index(X: Any, y: Any) -> None:
    """Refuse a pandas ``y`` whose index holds the row labels of a DataFrame ``X`` in another order (X shuffled,
    y not): ``accuracy`` pairs them by position, so every row would be scored against another row's label (0.51
    for a model of 0.99). Indexes of other labels (one reset) are paired by position, as scikit-learn does."""
    x_index, y_index = getattr(X, "index", None), getattr(y, "index", None)
    if x_index is None or y_index is None or len(x_index) != len(y_index) or x_index.equals(y_index):
        return
    try:
        same = x_index.is_unique and y_index.is_unique and x_index.sort_values().equals(y_index.sort_values())
    except TypeError:  # labels that do not sort together (1 and 'a'): no order to compare
        same = False
    if same:
        raise DataError("the true labels y have the row labels of X in another order: accuracy pairs them by "
                        "position, so each row would be scored against another row's label; pass y.loc[X.index] "
                        "(or both with the same order)")


def _warn_other_labels(y: np.ndarray, model: Any) -> None:
    """Warn of true labels that are none of the model's classes, where others are: every such row counts as
    wrong, rightly for a class the teacher never gave, silently wrong for a class written otherwise
    (UCI's adult.test writes '>50K.' where adult.data writes '>50K')."""
    classes = getattr(model, "classes", None)
    if classes is None:
        return
    counts = _label_counts(y.ravel())
    other = [v for v in counts if not _shares_a_label(np.array([v], dtype=object), classes)]
    if other:
        n = sum(counts[v] for v in other)
        known = [_plain(c) for c in classes]
        shown = ", ".join(repr(v) for v in other[:5]) + (", ..." if len(other) > 5 else "")
        warn(f"accuracy: {n} of {y.size} true labels are none of the model's classes {known} ({shown}): "
             "those rows count as wrong (map labels written otherwise to the classes first)")


def _label_counts(y: np.ndarray) -> Counter:
    """How many of ``y`` hold each label, in the order labels first appear; 1, 1.0 and True are one key, as
    labels compare, and NaNs (equal to nothing) apart. Distinct values are found by NumPy (or by a Counter of an object
    array's cells) and made plain once each: made plain a row at a time, 1M labels took 4 times predict."""
    if y.dtype == object:
        raw = Counter(y).items()
    else:
        values, first, n = np.unique(y, return_index=True, return_counts=True, equal_nan=False)
        order = np.argsort(first, kind="stable")
        raw = zip(values[order], n[order].tolist())
    counts: Counter = Counter()
    for v, n_rows in raw:
        counts[_plain(v)] += n_rows
    return counts


def _refuse_other_labels(score: Score, labels: np.ndarray, model: Any, whose: str, hint: str) -> None:
    """A ``DataError`` when ``score`` is 0 because none of ``labels`` is one of the model's classes:
    labels of another encoding ('M'/'B' against classes 0/1) score 0 on every row, whatever the model."""
    classes = getattr(model, "classes", None)
    if score.value == 0.0 and classes is not None and not _shares_a_label(labels, classes):
        shown = ", ".join(repr(v) for v in list(dict.fromkeys(_plain(v) for v in labels.ravel()))[:5])
        if len(classes) == 1 and getattr(model, "domain", None) is not None:
            # the teacher may well be the model's own, answering a class the rows it was distilled from lacked
            hint += (f" Or the model knows one class, {_plain(classes[0])!r}, alone (the rows it was distilled from "
                     "were of that class): it agrees with no row of another; distil it from rows of the teacher's "
                     "other classes too, or declare them (sd.as_teacher(teacher, classes=[...]); on the command line "
                     "--classes)")
        raise DataError(f"none of the {whose} ({shown}, ...) is one of the model's classes "
                        f"{[_plain(c) for c in classes]}; {hint}")


def _labels_hint(model: Any, y: np.ndarray) -> str:
    """What else to do where none of the true labels ``y`` is a class: where they are bytes, decode them;
    where a model's classes are 0, 1, ..., k - 1 and the labels are names, name the classes: such classes
    are most often a network's output columns, which no one named (letters' 'A'..'Z' against the classes
    0..25), and the model predicts names once it is distilled with them declared."""
    classes = getattr(model, "classes", None)
    known = [] if classes is None else [_plain(c) for c in classes]
    if any(isinstance(v, bytes) for v in y.ravel()[:1].tolist()):  # np.loadtxt(..., dtype="S1"): b'A', not 'A'
        return ", or read them as text: they are bytes (b'A' is not 'A'), y.astype(str) decodes them"
    numbered = _class_numbers(y, known)
    if numbered:  # the data's 0/1 target against the names a network was distilled with (--classes)
        return (f", or write the classes they number: labels 0..{len(known) - 1} that count the classes in their "
                f"order read {numbered} (y.map(dict(enumerate(model.classes))) in pandas)")
    if not known or any(type(c) is not int for c in known) or known != list(range(len(known))) or \
            not all(isinstance(_plain(v), str) for v in y.ravel()):
        return ""
    return (f", or name the classes: 0..{len(known) - 1} are the teacher's output columns, unnamed; distil with "
            "their names declared in the order of its outputs, sd.as_teacher(teacher, classes=[...]) (on the "
            "command line: --classes), and the model predicts them")


def _class_numbers(y: np.ndarray, known: list[Any]) -> str:
    """Where the classes ``known`` are names and every true label of ``y`` is a whole number among 0..k-1 (as
    numbers, or as the text the command line reads them as beside text classes), what those numbers name in the
    classes' order (``"0 as 'malignant', 1 as 'benign'"``); else ``""``."""
    if not known or not all(isinstance(c, str) for c in known):
        return ""
    numbers = set()
    for v in dict.fromkeys(_plain(v) for v in y.ravel()):
        if isinstance(v, str) and re.fullmatch(r"0|[1-9][0-9]*", v):
            v = int(v)
        if type(v) is float and v.is_integer():
            v = int(v)
        if type(v) is not int or not 0 <= v < len(known):
            return ""
        numbers.add(v)
    shown = sorted(numbers)
    return ", ".join(f"{n} as {known[n]!r}" for n in shown[:4]) + (", ..." if len(shown) > 4 else "")


def _shares_a_label(y: np.ndarray, classes: Any) -> bool:
    """Whether some true label equals some class, as labels compare (1 == 1.0 == True, 'a' != 1)."""
    known = [_plain(c) for c in classes]
    for v in dict.fromkeys(_plain(v) for v in y.ravel()):
        if any(isinstance(v, str) == isinstance(c, str) and v == c for c in known):
            return True
    return False


def _comparable(pred: np.ndarray, ref: np.ndarray) -> np.ndarray:
    """Labels compared as values: 1 == 1.0, but 'a' != 1; casts numeric predictions to the reference dtype."""
    if pred.dtype.kind in "iufb" and ref.dtype.kind in "iufb":
        return pred.astype(ref.dtype) if np.all(pred.astype(ref.dtype) == pred) else pred
    return pred

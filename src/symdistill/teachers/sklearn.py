"""scikit-learn estimators (and anything with their ``predict_proba`` / ``predict`` / ``classes_``)."""

from __future__ import annotations

from typing import Any, Iterator

import numpy as np

from .._errors import TeacherError, counted, flag_list, warn
from ..domain import _plain, is_real
from .base import CLASSES_FLAG, Teacher, label_names, refuse_swapped_names, renamed_labels


class SklearnTeacher(Teacher):
    """A fitted scikit-learn estimator, or another model with ``predict`` (Keras, an MLflow model):
    classifiers answer through ``predict_proba`` when they have it. The task is scikit-learn's tag
    (or ``_estimator_type``, or ``classes_``: a classifier); without one it is inferred from the
    answer, as for a callable."""

    def __init__(self, estimator: Any, **kwargs: Any) -> None:
        if not hasattr(estimator, "predict"):
            raise TypeError(f"{type(estimator).__name__} has no predict method")
        _refuse_unfitted(estimator)
        kind = _estimator_kind(estimator)
        classes = getattr(estimator, "classes_", None)
        # A multi-output classifier (trees, k-NN, MultiOutputClassifier): one class array per output.
        outputs = len(classes) if isinstance(classes, list) and classes and all(np.ndim(c) == 1 for c in classes) \
            else 0
        steps = getattr(estimator, "steps", None)  # a Pipeline's: its last step is the classifier
        final = steps[-1][1] if isinstance(steps, list) and steps else estimator
        # a multilabel MLPClassifier (_label_binarizer) or OneVsRestClassifier (label_binarizer_): classes_ is a
        # label per output
        binarizer = getattr(final, "_label_binarizer", None) or getattr(final, "label_binarizer_", None)
        if getattr(binarizer, "y_type_", None) == "multilabel-indicator":
            outputs = len(binarizer.classes_)
        if outputs:
            raise TeacherError(f"sklearn {type(estimator).__name__} is a multi-output classifier ({outputs} "
                               "outputs); symdistill distils one output at a time: fit a classifier per output, "
                               "or pass lambda X: est.predict(X)[:, 0]")
        declared = kwargs.get("classes") is not None
        if _saved_regressor(estimator):
            # Its task says it answers values, as a regressor's tags do: a tree of whole-number leaves (a
            # teacher of counts) was read as a classifier of them, and distilled smaller into one.
            if kwargs.get("task") == "classification" or declared:
                given = "task='classification'" if kwargs.get("task") == "classification" else "classes="
                raise ValueError(f"model {type(estimator).__name__} is a regression model (its task says so) and "
                                 f"answers values, which {given} (on the command line: --task classification or "
                                 "--classes) would read as a class's scores; to distil classes of its values, pass a "
                                 "function that makes them: lambda X: (model.predict(X) > 0.5).astype(int)")
            kwargs["task"] = "regression"
        if kind == "regressor" and kwargs.get("task") == "classification":
            # Its values would be read as the logit of a second class: 0.3 from a regressor fitted on 0/1
            # targets is then class 1 (sigmoid 0.57), and a value of 150 class 1 with certainty.
            raise ValueError(f"sklearn {type(estimator).__name__} is a regressor (scikit-learn's tags say so), and "
                             "task='classification' (on the command line: --task classification) would read its "
                             "values as logits; to distil classes of its values, pass a function that makes them: "
                             "lambda X: (est.predict(X) > 0.5).astype(int)")
        if kind == "classifier" and kwargs.get("task") == "regression":
            # predict's labels would be the values: a linear model of 0s and 1s, not of a class's probability.
            raise ValueError(f"sklearn {type(estimator).__name__} is a classifier (scikit-learn's tags say so), and "
                             "task='regression' (on the command line: --task regression) would read its predicted "
                             "labels as values; to distil a class's probability as a value, pass a function that "
                             "gives it: lambda X: est.predict_proba(X)[:, 1], with task='regression'")
        if kwargs.get("task") is None:  # task=None (as distill passes it) means "tell from the estimator"
            kwargs["task"] = {"classifier": "classification", "regressor": "regression"}.get(kind)
        if kwargs["task"] == "classification" and kwargs.get("classes") is None and hasattr(estimator, "classes_"):
            kwargs["classes"] = np.asarray(estimator.classes_)
        super().__init__(**kwargs)
        self._declared_classes = declared  # classes_ are the estimator's own
        self.estimator = estimator
        self.name = f"{'sklearn' if kind else 'model'} {type(estimator).__name__}"
        # A model without tags is asked through predict: its answer tells the task.
        self._use_proba = self.task == "classification" and hasattr(estimator, "predict_proba")
        self._output_kind = "proba" if self._use_proba else None
        columns = self._proba_columns()  # also refuses classes that are neither classes_ nor other names for them
        self._columns = columns if self._use_proba else None
        # predict answers in classes_: other labels declared for them rename its answers
        self._names = None if self._use_proba else label_names(getattr(estimator, "classes_", None), self.classes_)
        self._unread_checked = False  # the first rows asked about are checked for columns it does not read
        self._spaces_checked = False  # and, once answered, for values it was fitted on with other spaces

    def _proba_columns(self) -> np.ndarray | None:
        """Where each declared class's probability is among predict_proba's columns (the order of
        ``classes_``), when the declared classes are ``classes_`` in another order; None when the
        columns are read as they are (the same order, or other labels naming them in order)."""
        own = getattr(self.estimator, "classes_", None)
        if own is None or self.classes_ is None:
            return None
        own_keys = [_plain(c) for c in own]
        declared = [_plain(c) for c in self.classes_]
        if declared == own_keys:
            return None
        if not set(declared) & set(own_keys):
            refuse_swapped_names(self.name, declared, own_keys)
            return None
        if len(declared) != len(own_keys) or not all(c in own_keys for c in declared):
            raise TeacherError(f"{self.name}: classes {declared} are not its classes_ {own_keys}; declare them in any "
                               f"order, or other labels for all of them in the order of classes_ ({CLASSES_FLAG})")
        return np.asarray([own_keys.index(c) for c in declared])

    def _forward(self, X: Any) -> Any:
        X = fitted_rows(self.estimator, X)
        if not self._unread_checked:
            self._unread_checked = True
            self._warn_unread(X)
        if self._use_proba:
            proba = self.estimator.predict_proba(X)
            out = proba if self._columns is None else np.asarray(proba)[:, self._columns]
        else:
            out = self.estimator.predict(X)
            if self._names is not None:
                out = renamed_labels(out, self._names)
        if not self._spaces_checked:  # answered: an encoder that ignores what it does not know took the rows
            self._spaces_checked = True
            found = spaced_fit(self.estimator, X)
            if found is not None and found[0] is not None:
                warn(f"{spaced_words(found, 'the rows')}, so {self.name} reads every such value as one it "
                     "does not know; give it the values as it was fitted on them")
        return out

    def check_domain(self, domain: Any) -> None:
        warn_numbers_read_as_categories(self, domain)

    def _renames_labels(self) -> bool:
        return getattr(self.estimator, "classes_", None) is not None

    def _warn_unread(self, X: Any) -> None:
        """Warn of columns of the DataFrame ``X`` that the estimator was fitted without: it never reads them
        (a ColumnTransformer selects its columns by name), so a model distilled from ``X`` could split on
        them, on adult's label Salary left among the features, say, which agrees with the teacher most of
        the time; the model would then need it to predict."""
        unread = unread_columns(self.estimator, X)
        if unread:
            names, them = ", ".join(map(repr, unread)), "it" if len(unread) == 1 else "them"
            warn(f"{self.name} was fitted without {counted(len(unread), 'column')} of the rows it is asked "
                 f"about ({names}) and does not read {them}: a model distilled from those rows could split on "
                 f"{them} (a label column left in?); drop {them} (on the command line: --drop "
                 f"{flag_list(list(map(str, unread)))})")

    def _hint(self, exc: Exception, X: Any) -> str:
        """An encoder of categories (OneHotEncoder, OrdinalEncoder) given numbers where it was fitted on
        strings (scikit-learn: "ufunc 'isnan' not supported"), or values it was not fitted on: the
        sampler asks about new values of the columns it reads as numbers; or rows wider than the array it
        was fitted on (a label column left in a file, which scikit-learn reports as a string it cannot
        convert, or as a count of features, also where it was fitted on a DataFrame and given an array)."""
        fitted = getattr(self.estimator, "n_features_in_", None)
        # one fitted on a DataFrame and given wider rows as a DataFrame was warned of the columns it does not read
        names = getattr(self.estimator, "feature_names_in_", None)
        if (names is None or not hasattr(X, "columns")) and isinstance(fitted, int) and \
                np.ndim(X) == 2 and np.shape(X)[1] > fitted:
            return (f"; it was fitted on {counted(fitted, 'feature')} and the rows have {np.shape(X)[1]} columns: "
                    "drop the columns it was not fitted on (a label column left in? on the command line: --drop "
                    "NAME)")
        text = _numbers_for_text(self.estimator, X)
        if text:
            name, (encoder, value, category) = next(iter(text.items()))
            return (f"; column {name!r} holds numbers (e.g. {value!r}) where its {encoder} was fitted on strings "
                    f"(e.g. {category!r}): pass that column as the strings the estimator was fitted on, read as "
                    f"text (pd.read_csv(..., dtype={{{name!r}: str}}) keeps zero-padded codes such as '01', which "
                    "astype(str) writes as '1')")
        unknown = isinstance(exc, ValueError) and "unknown categor" in str(exc).lower()
        found = spaced_fit(self.estimator, X)
        # A column named with the spaces around it (' workclass': adult read without skipinitialspace=True) is one
        # the estimator misses ("columns are missing: {...}", names that print as the rows' own); a spaced
        # category is one its encoder does not know.
        if found is not None and (found[0] is None or unknown):
            return f"; {spaced_words(found, 'the rows')}"
        if not unknown:
            return ""
        unseen = _unseen_categories(self.estimator, X)
        if unseen and not any(is_real(value) for _, value in unseen.values()):
            # Text the encoder was not fitted on ('Atlantis') is in the rows given, not drawn by the sampler
            # (it draws a categorical column's values from the data): declaring a column categorical cannot help.
            name, (encoder, value) = next(iter(unseen.items()))
            return (f"; column {name!r} holds {value!r}, which its {encoder} was not fitted on: the estimator "
                    "cannot answer rows holding it; drop them (or fit the encoder with handle_unknown='ignore')")
        unseen = {name: seen for name, seen in unseen.items() if is_real(seen[1])}
        if not unseen:
            return ""
        names = list(unseen)
        name, (encoder, value) = next(iter(unseen.items()))
        others = f" (and {', '.join(map(repr, names[1:]))})" if len(names) > 1 else ""
        cli = f"; on the command line: --categorical {flag_list(list(map(str, names)))}" if hasattr(X, "columns") else ""
        return (f"; column {name!r}{others} has values its {encoder} was not fitted on (e.g. {value!r}): symdistill "
                "asks about new values of the columns it reads as numbers, so declare columns of category codes "
                f"categorical (categorical={names!r}{cli})")


def fitted_rows(estimator: Any, X: Any) -> Any:
    """The rows ``X`` as ``estimator`` takes them: an array as a DataFrame with the columns the
    estimator was fitted on (``feature_names_in_``), when it has as many: it is asked as it was fitted,
    without scikit-learn's warning that "X does not have valid feature names" (and a ColumnTransformer
    selecting columns by name can read them); a DataFrame of those columns in another order, in the
    fitted order; a DataFrame as an array to an estimator fitted on an array."""
    names = getattr(estimator, "feature_names_in_", None)
    if names is not None and hasattr(X, "columns") and list(X.columns) != list(names) and \
            len(X.columns) == len(names) and set(X.columns) == set(names):
        # The fitted columns in another order (a file written so): scikit-learn refuses them ("Feature names
        # must be in the same order as they were in fit"), so they are handed over in the fitted order.
        return X[list(names)]
    if names is None and hasattr(X, "columns") and getattr(estimator, "n_features_in_", None) == X.shape[1]:
        # Fitted on an array: given a DataFrame (the command line reads a CSV as one), scikit-learn warns
        # "X has feature names, but ... was fitted without feature names" at every call, dozens a fit.
        return X.to_numpy()
    if names is None or hasattr(X, "columns") or np.ndim(X) != 2 or np.shape(X)[1] != len(names):
        return X
    import pandas as pd  # an estimator fitted with column names was fitted on a DataFrame

    return pd.DataFrame(X, columns=list(names))


def _refuse_unfitted(estimator: Any) -> None:
    """A TeacherError when ``estimator`` is a scikit-learn estimator that is not fitted (by
    scikit-learn's own test): it would otherwise fail on the first rows asked, in the middle of a fit."""
    from sklearn.base import BaseEstimator
    from sklearn.exceptions import NotFittedError
    from sklearn.utils.validation import check_is_fitted

    if not (isinstance(estimator, BaseEstimator) and callable(getattr(estimator, "fit", None))):
        return
    try:
        check_is_fitted(estimator)
    except NotFittedError:
        if _fit_untold(estimator):
            return  # a fitted rule of another package that keeps nothing looks so too: its own error, if unfitted
        name = type(estimator).__name__
        raise TeacherError(f"sklearn {name} is not fitted: fit it first ({name}(...).fit(X, y)) and pass the "
                           "fitted estimator as the teacher") from None


def _fit_untold(estimator: Any) -> bool:
    """Whether scikit-learn cannot tell whether ``estimator`` is fitted: a class of another package without
    ``__sklearn_is_fitted__``, which check_is_fitted judges by its attributes ending in '_', and a stateless
    one (a rule) keeps none, fitted or not. (A pipeline tells by its last step, and refuses to predict so.)"""
    module = type(estimator).__module__ or ""
    return not (module == "sklearn" or module.startswith("sklearn.")) and \
        not hasattr(estimator, "__sklearn_is_fitted__")


def _saved_regressor(estimator: Any) -> bool:
    """Whether ``estimator`` is a symbolic model of a regressor (``sd.load("tree.json")``)."""
    from ..models.base import SymbolicModel

    return isinstance(estimator, SymbolicModel) and getattr(estimator, "task", None) == "regression"


def _estimator_kind(estimator: Any) -> str | None:
    """"classifier", "regressor", or None for a model without scikit-learn's tags."""
    if getattr(estimator, "_estimator_type", None) == "classifier" or hasattr(estimator, "classes_"):
        return "classifier"
    if getattr(estimator, "_estimator_type", None) == "regressor":
        return "regressor"
    try:
        from sklearn.base import is_classifier, is_regressor

        return "classifier" if is_classifier(estimator) else "regressor" if is_regressor(estimator) else None
    except Exception:  # a model that is no scikit-learn estimator: its tags cannot be read
        return None


def encoders_of(estimator: Any, columns: list[Any] | None) -> Iterator[tuple[Any, list[Any]]]:
    """The fitted encoders of categories in ``estimator`` (itself, or inside its pipelines, column
    transformers and feature unions), each with the columns of the input it reads, where known:
    ``columns`` are those ``estimator`` reads (names, or positions in an array)."""
    if hasattr(estimator, "categories_") and hasattr(estimator, "transform"):
        names = getattr(estimator, "feature_names_in_", None)
        read = list(names) if names is not None else columns
        if read is not None and len(read) == len(estimator.categories_):
            yield estimator, read
        return
    for i, (_, step) in enumerate(getattr(estimator, "steps", [])):
        # A step reads the columns when the steps before it keep them (imputers: most_frequent, ...).
        kept = all("Imputer" in type(before).__name__ for _, before in estimator.steps[:i])
        yield from encoders_of(step, columns if kept else None)
    for _, part, *selected in getattr(estimator, "transformers_", []):
        cols = selected[0] if selected else None
        if not isinstance(part, str):  # 'drop', 'passthrough'
            plain = isinstance(cols, list) and all(isinstance(c, (str, int, np.integer)) for c in cols)
            yield from encoders_of(part, cols if plain else None)
    for _, part in getattr(estimator, "transformer_list", []):
        yield from encoders_of(part, columns)


def _encoded_columns(estimator: Any, X: Any) -> Iterator[tuple[Any, Any, Any, np.ndarray]]:
    """Each column of ``X`` (by name, or position) that an encoder of ``estimator`` reads, once:
    ``(column, encoder, the categories it was fitted on, the column's values)``."""
    seen = set()
    named = hasattr(X, "columns")
    for encoder, read in encoders_of(estimator, list(X.columns) if named else list(range(np.shape(X)[1]))):
        for key, categories in zip(read, encoder.categories_):
            key = _plain(key)
            if key in seen:
                continue
            if named and key in X.columns:
                col = np.asarray(X[key])
            elif isinstance(key, int) and 0 <= key < np.shape(X)[1]:
                col = np.asarray(X.iloc[:, key] if named else np.asarray(X)[:, key])
            else:
                continue
            seen.add(key)
            yield key, encoder, categories, col


def _unseen_categories(estimator: Any, X: Any) -> dict[Any, tuple[str, Any]]:
    """Columns of ``X`` (by name, or position) holding a value that an encoder reading that column
    was not fitted on: ``{column: (encoder class, a value)}``."""
    unseen: dict[Any, tuple[str, Any]] = {}
    for key, encoder, categories, col in _encoded_columns(estimator, X):
        known = {_plain(c) for c in categories}
        new = [v for v in map(_plain, col) if v not in known]
        if new:
            unseen[key] = (type(encoder).__name__, new[0])
    return unseen


def _numbers_for_text(estimator: Any, X: Any) -> dict[Any, tuple[str, Any, Any]]:
    """Columns of ``X`` holding numbers where an encoder reading them was fitted on strings (codes such
    as '01', '02' read as the numbers 1, 2): ``{column: (encoder class, a value, a category)}``."""
    found: dict[Any, tuple[str, Any, Any]] = {}
    for key, encoder, categories, col in _encoded_columns(estimator, X):
        values = [_plain(v) for v in col]
        if len(categories) and all(isinstance(c, str) for c in categories) and values and \
                all(is_real(v) for v in values):
            found[key] = (type(encoder).__name__, values[0], _plain(categories[0]))
    return found


def spaced_fit(estimator: Any, X: Any) -> tuple[Any, Any, Any] | None:
    """Where the DataFrame ``X`` and what ``estimator`` was fitted on differ only in the spaces around a
    name or a category (adult's raw file, 'a, b', read with and without ``skipinitialspace=True``):
    ``(None, name in X, fitted name)`` for a column, ``(column, value in X, fitted category)`` for a
    value of a column an encoder reads; None when they do not. An encoder with
    ``handle_unknown='ignore'`` would read every such value as unknown, without a word."""
    columns = [c for c in getattr(X, "columns", []) if isinstance(c, str)]
    fitted_names = getattr(estimator, "feature_names_in_", None)
    for fitted in [] if fitted_names is None else [_plain(n) for n in fitted_names]:
        given = [c for c in columns if isinstance(fitted, str) and c != fitted and c.strip() == fitted.strip()]
        if given and fitted not in columns:
            return None, given[0], fitted
    for key, _, categories, col in _encoded_columns(estimator, X):
        known = {_plain(c) for c in categories}
        stripped = {c.strip(): c for c in known if isinstance(c, str)}
        for value in dict.fromkeys(map(_plain, col)):
            if isinstance(value, str) and value not in known and value.strip() in stripped:
                return key, value, stripped[value.strip()]
    return None


def spaced_words(found: tuple[Any, Any, Any], rows: str) -> str:
    """What ``spaced_fit`` found, in words: ``rows`` names the rows (a file, 'the rows')."""
    column, given, fitted = found
    where = f"a column of {rows} is named {given!r}" if column is None else \
        f"column {column!r} of {rows} holds {given!r}"
    return (f"{where} where the teacher was fitted on {fitted!r}: they differ only in the spaces around them "
            "(pd.read_csv keeps those after each comma unless skipinitialspace=True)")


def unread_columns(estimator: Any, X: Any) -> list[Any]:
    """The columns of the DataFrame ``X`` that ``estimator``, fitted on a DataFrame holding all the others
    (``feature_names_in_``), was not fitted on: a ColumnTransformer selects its columns by name and
    never reads them (an id column left in the file, say)."""
    fitted = getattr(estimator, "feature_names_in_", None)
    if fitted is None or not hasattr(X, "columns"):
        return []
    fitted = {_plain(n) for n in fitted}
    columns = list(X.columns)
    return [c for c in columns if c not in fitted] if fitted <= set(columns) else []


def category_columns(estimator: Any, columns: list[Any]) -> dict[Any, str]:
    """The columns of the input (``columns``: positions) that ``estimator`` reads as categories of numbers,
    by name or position, each with what reads it so: an encoder of categories (a OneHotEncoder,
    OrdinalEncoder, ... in its pipelines and column transformers) fitted on numbers, or a
    HistGradientBoosting model, alone or after imputers in a pipeline, that declares it categorical
    (``categorical_features``)."""
    # (an encoder fitted on text, codes '01', is told of by its TeacherError: the codes must be passed as text)
    found = {_plain(key): f"its {type(encoder).__name__}" for encoder, read in encoders_of(estimator, columns)
             for key, categories in zip(read, encoder.categories_) if np.asarray(categories).dtype.kind in "iuf"}
    model = estimator
    while hasattr(model, "steps") and all("Imputer" in type(step).__name__ for _, step in model.steps[:-1]):
        model = model.steps[-1][1]
    mask = getattr(model, "is_categorical_", None)
    names = getattr(model, "feature_names_in_", None)
    read = list(names) if names is not None else columns
    if mask is not None and len(read) == len(mask):
        for key, categorical in zip(read, mask):
            if categorical:
                found.setdefault(_plain(key), f"its {type(model).__name__}'s categorical_features")
    return found


def warn_numbers_read_as_categories(teacher: SklearnTeacher, domain: Any) -> None:
    """Warn of the features of ``domain`` that are numbers (codes 0, 1, 2 of zones, say) where the
    estimator of ``teacher`` reads their column as categories: a model distilled so splits them at
    thresholds (``zone <= 3``) that mean nothing to the teacher, and its fidelity suffers, with no word
    (a OneHotEncoder refuses values between the codes, but the sampler draws whole numbers there)."""
    # scikit-learn selects a column by name only with a string, else by position (a DataFrame's label 0 too)
    labels = (list(domain.column_labels) or domain.feature_names) if domain.input_format == "dataframe" else []
    at = {label: j for j, label in enumerate(labels) if isinstance(label, str)}
    at.update({j: j for j in range(domain.n_features)})
    read = category_columns(teacher.estimator, list(range(domain.n_features)))
    numeric = [(domain.features[at[key]].name, why) for key, why in read.items()
               if not isinstance(key, bool) and key in at and domain.features[at[key]].kind in ("numeric", "integer")]
    if not numeric:
        return
    names = [name for name, _ in numeric]
    them = "it" if len(names) == 1 else "them"
    cli = f"; on the command line: --categorical {flag_list(names)}" if domain.input_format == "dataframe" else ""
    warn(f"{teacher.name} reads {counted(len(names), 'column')} of numbers as categories "
         f"({'; '.join(f'{name!r}: {why}' for name, why in numeric)}), which the model would split at "
         f"thresholds, as numbers ({names[0]} <= ...); declare {them} categorical (categorical={names!r}{cli})")

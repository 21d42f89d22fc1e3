"""scikit-learn estimators (and anything with their ``predict_proba`` / ``predict`` / ``classes_``)."""

from __future__ import annotations

from typing import Any

import numpy as np

from .._errors import TeacherError
from .base import Teacher


class SklearnTeacher(Teacher):
    """A fitted scikit-learn estimator; classifiers answer through ``predict_proba`` when they have it."""

    def __init__(self, estimator: Any, **kwargs: Any) -> None:
        if not hasattr(estimator, "predict"):
            raise TypeError(f"{type(estimator).__name__} has no predict method")
        is_classifier = getattr(estimator, "_estimator_type", None) == "classifier" or hasattr(estimator, "classes_")
        try:
            from sklearn.base import is_classifier as _is_clf

            is_classifier = is_classifier or _is_clf(estimator)
        except Exception:  # an estimator-like object that sklearn's tags cannot read
            pass
        classes = getattr(estimator, "classes_", None)
        if isinstance(classes, list) and classes and all(np.ndim(c) == 1 for c in classes):
            # A multi-output classifier (trees, k-NN, MultiOutputClassifier): one class array per output.
            raise TeacherError(f"sklearn {type(estimator).__name__} is a multi-output classifier ({len(classes)} "
                               "outputs); symdistill distils one output at a time: fit a classifier per output, "
                               "or pass lambda X: est.predict(X)[:, 0]")
        if kwargs.get("task") is None:  # task=None (as distill passes it) means "tell from the estimator"
            kwargs["task"] = "classification" if is_classifier else "regression"
        if kwargs["task"] == "classification" and kwargs.get("classes") is None and hasattr(estimator, "classes_"):
            kwargs["classes"] = np.asarray(estimator.classes_)
        super().__init__(**kwargs)
        self.estimator = estimator
        self.name = f"sklearn {type(estimator).__name__}"
        self._use_proba = self.task == "classification" and hasattr(estimator, "predict_proba")
        self._output_kind = "proba" if self._use_proba else None

    def _forward(self, X: Any) -> Any:
        if self._use_proba:
            return self.estimator.predict_proba(X)
        return self.estimator.predict(X)

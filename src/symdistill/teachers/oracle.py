"""The labelling interface learners use: encoded rows in, teacher answers out.

Learners work on encoded float rows (see ``Domain``); the oracle decodes them into the teacher's
input format, asks the teacher in batches and returns arrays the learners can use directly.
It is the one place every teacher query passes through.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._errors import TeacherError
from ..domain import Domain
from .base import Teacher


@dataclass
class Answer:
    """Teacher answers for a block of rows.

    ``proba`` (n, k) and ``y`` (class indices) for classifiers; ``values`` (n,) for regressors.
    """

    proba: np.ndarray | None = None
    values: np.ndarray | None = None

    @property
    def y(self) -> np.ndarray:
        if self.proba is None:
            raise TeacherError("regression answers have no class labels")
        return np.argmax(self.proba, axis=1)

    @property
    def target(self) -> np.ndarray:
        """What a learner fits: class probabilities, or values."""
        return self.proba if self.proba is not None else self.values  # type: ignore[return-value]


class Oracle:
    """Teacher bound to a domain. ``label(Z)`` answers encoded rows.

    >>> import numpy as np
    >>> from symdistill.domain import Domain
    >>> from symdistill.teachers import as_teacher
    >>> X = np.array([[0.1], [0.9]])
    >>> o = Oracle(as_teacher(lambda X: (X[:, 0] > 0.5).astype(int)), Domain.from_data(X))
    >>> o.label(X).y.tolist()
    [0, 1]
    """

    def __init__(self, teacher: Teacher, domain: Domain) -> None:
        self.teacher = teacher
        self.domain = domain

    @property
    def task(self) -> str:
        return self.teacher.task  # type: ignore[return-value]

    @property
    def is_classifier(self) -> bool:
        return self.teacher.task == "classification"

    @property
    def classes(self) -> np.ndarray | None:
        return self.teacher.classes_

    @property
    def n_queries(self) -> int:
        return self.teacher.n_queries

    def label(self, Z: np.ndarray, *, progress: bool | None = False) -> Answer:
        """The teacher's answers to encoded rows ``Z`` (``progress``: see :meth:`Teacher.answer`)."""
        out = self.teacher.answer(self.domain.decode(np.asarray(Z, dtype=float)), progress=progress)
        if self.teacher.task == "classification":
            return Answer(proba=np.asarray(out, dtype=float).reshape(len(Z), -1))
        return Answer(values=np.asarray(out, dtype=float).reshape(len(Z)))

    def start(self, Z: np.ndarray, *, check_determinism: bool = True, progress: bool | None = False) -> Answer:
        """First contact: check the teacher is deterministic, then label the user's rows (behind a
        progress bar where they take more than one batch, as ``progress`` says)."""
        if check_determinism:
            self.teacher.check_deterministic(self.domain.decode(Z[: min(len(Z), 32)]))
        return self.label(Z, progress=progress)

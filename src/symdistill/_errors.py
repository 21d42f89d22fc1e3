"""Exception types raised by symdistill.

Every error subclasses a builtin (``ValueError`` / ``TypeError`` / ``RuntimeError``) so callers that
already catch those keep working; the subclasses let them tell symdistill's own failures apart.
"""

from __future__ import annotations


class TeacherError(RuntimeError):
    """The teacher raised, or answered with something that cannot be a prediction."""


class DataError(ValueError):
    """Input rows do not fit the feature schema (width, NaN, unknown category, ...)."""


class ModelFormatError(ValueError):
    """A saved model (dict / JSON) is malformed or of an unknown kind or version."""

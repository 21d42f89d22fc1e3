"""Learners: one estimator per symbolic form, registered by form name."""

from __future__ import annotations

from .base import Learner, get_learner, register_learner, registered_learners
from .tree import TreeLearner

__all__ = ["Learner", "TreeLearner", "get_learner", "register_learner", "registered_learners"]

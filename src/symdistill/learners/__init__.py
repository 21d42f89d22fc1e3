"""Learners: one estimator per symbolic form, registered by form name."""

from __future__ import annotations

from .base import Learner, get_learner, register_learner, registered_learners
from .decompositional import DecompositionalRuleLearner
from .linear import LinearLearner
from .rules import RuleLearner
from .tree import TreeLearner

__all__ = ["DecompositionalRuleLearner", "Learner", "LinearLearner", "RuleLearner", "TreeLearner", "get_learner", "register_learner", "registered_learners"]

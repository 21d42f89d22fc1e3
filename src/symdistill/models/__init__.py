"""Symbolic model representations (no learning here)."""

from __future__ import annotations

from .automata import DFA, MooreMachine
from .base import SymbolicModel, load, register_model, registered_kinds
from .linear import Factor, LinearModel, Term
from .region import Box
from .rules import Condition, Rule, RuleSet
from .tree import Tree

__all__ = ["SymbolicModel", "Tree", "RuleSet", "Rule", "Condition", "LinearModel", "Term", "Factor", "DFA",
           "MooreMachine", "Box", "load", "register_model", "registered_kinds"]

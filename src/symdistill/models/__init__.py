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

# load's return annotation names the model classes, which models.base imports only for type checkers (importing
# them there is circular): they are put in its namespace here, so typing.get_type_hints(sd.load) resolves them.
from . import base as _base  # noqa: E402

_base.Tree, _base.RuleSet, _base.LinearModel, _base.DFA, _base.MooreMachine = (  # type: ignore
    Tree, RuleSet, LinearModel, DFA, MooreMachine)

"""Symbolic model representations (no learning here)."""

from __future__ import annotations

from .base import SymbolicModel, load, register_model, registered_kinds
from .region import Box
from .tree import Tree

__all__ = ["SymbolicModel", "Tree", "Box", "load", "register_model", "registered_kinds"]

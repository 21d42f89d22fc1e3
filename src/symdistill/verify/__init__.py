"""Verification: constraints on symbolic models, decided exactly, with counterexamples.

``verify(model, constraint)`` answers with a :class:`Verdict`: the constraint holds on the whole
domain of the model (every region checked), or here is an input (a pair of inputs, a word) where
it does not, already confirmed with the model's own ``predict``. Trees and rule sets are decided
region by region, linear models by bounds, automata by product construction; the z3 SMT encoding
(``backend="z3"``) is a second, independent backend and covers what the direct checkers do not.
With ``teacher=``, a counterexample is also put to the network: a real property of the teacher,
or an artefact of distillation. ``refine`` turns artefacts into teacher queries and re-distills.

>>> import numpy as np, symdistill as sd
>>> X = np.random.default_rng(0).uniform(0, 10, size=(400, 2))
>>> tree = sd.distill(lambda X: (X[:, 0] > 5).astype(int), X, max_size=2, random_state=0)
>>> sd.verify(tree, sd.invariant("x1")).holds, sd.verify(tree, sd.monotonic("x0")).holds
(True, True)
"""

from __future__ import annotations

from .api import BACKENDS, verify
from .language import ConstraintError, ConstraintSyntaxError, parse
from .properties import (AlwaysAccepts, AlwaysOutputs, Equivalent, Formula, IncludedIn, Invariant, Monotonic,
                         NeverAccepts, NeverOutputs, OutputRange, Property, Robust, always_accepts, always_outputs,
                         as_property, equivalent, included_in, invariant, monotonic, never_accepts, never_outputs,
                         output_range, robust)
from .refine import refine
from .result import Counterexample, NoVerdict, RoundingAmbiguity, TeacherCheck, Verdict, VerificationTimeout

__all__ = [
    "verify", "refine", "parse", "BACKENDS",
    "monotonic", "invariant", "output_range", "robust", "equivalent",
    "never_accepts", "always_accepts", "included_in", "never_outputs", "always_outputs", "as_property",
    "Property", "Formula", "Monotonic", "Invariant", "OutputRange", "Robust", "Equivalent",
    "NeverAccepts", "AlwaysAccepts", "IncludedIn", "NeverOutputs", "AlwaysOutputs",
    "Verdict", "Counterexample", "TeacherCheck", "RoundingAmbiguity", "ConstraintError", "ConstraintSyntaxError",
    "NoVerdict", "VerificationTimeout",
]

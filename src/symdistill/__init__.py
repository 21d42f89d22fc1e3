"""symdistill: symbolic distillation of trained networks and other predictors.

>>> import numpy as np, symdistill as sd
>>> X = np.random.default_rng(0).uniform(size=(400, 3))
>>> net = lambda X: (X[:, 0] > 0.5).astype(int)
>>> tree = sd.distill(net, X, form="tree", max_size=4, random_state=0)
>>> float(sd.fidelity(tree, net, X).value)
1.0
"""

from __future__ import annotations

from ._errors import DataError, ModelFormatError, SymdistillWarning, TeacherError
from ._version import __version__
from .api import distill, fidelity, class_fidelity, accuracy
from .automata_api import as_sequence_teacher, distill_automaton
from .domain import Domain, Feature
from .export import export
from .frontier import frontier
from .report import report
from .models import load
from .models.automata import DFA, MooreMachine
from .teachers import as_teacher
from .verify import (NoVerdict, RoundingAmbiguity, VerificationTimeout, always_accepts, always_outputs, equivalent,
                     included_in, invariant, monotonic, never_accepts, never_outputs, output_range, refine, robust, verify)

__all__ = [
    "__version__",
    "as_teacher",
    "distill",
    "distill_automaton",
    "as_sequence_teacher",
    "fidelity",
    "class_fidelity",
    "accuracy",
    "frontier",
    "report",
    "load",
    "export",
    "Domain",
    "Feature",
    "DFA",
    "MooreMachine",
    "DataError",
    "ModelFormatError",
    "SymdistillWarning",
    "TeacherError",
    "RoundingAmbiguity",
    "NoVerdict",
    "VerificationTimeout",
    "verify",
    "refine",
    "monotonic",
    "invariant",
    "output_range",
    "robust",
    "equivalent",
    "never_accepts",
    "always_accepts",
    "included_in",
    "never_outputs",
    "always_outputs",
]

"""symdistill: symbolic distillation of trained networks and other predictors.

>>> import numpy as np, symdistill as sd
>>> X = np.random.default_rng(0).uniform(size=(400, 3))
>>> net = lambda X: (X[:, 0] > 0.5).astype(int)
>>> tree = sd.distill(net, X, form="tree", max_size=4, random_state=0)
>>> float(sd.fidelity(tree, net, X).value)
1.0
"""

from __future__ import annotations

from ._errors import DataError, ModelFormatError, TeacherError
from ._version import __version__
from .api import distill, fidelity, accuracy
from .domain import Domain, Feature
from .models import load
from .teachers import as_teacher

__all__ = [
    "__version__",
    "as_teacher",
    "distill",
    "fidelity",
    "accuracy",
    "load",
    "Domain",
    "Feature",
    "DataError",
    "ModelFormatError",
    "TeacherError",
]

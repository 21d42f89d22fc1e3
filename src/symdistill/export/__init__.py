"""Export symbolic models to code other systems run: C99, Python, Prolog, ONNX, JSON and DOT.

Every model is first turned into one neutral form (:mod:`symdistill.export.ir`); one emitter per
target renders it. ``export(model, target, **options)`` returns the text of the generated file,
ending in one newline (``bytes`` for ONNX). Options per target:

========  ===============================  ============================================
target    options                          result
========  ===============================  ============================================
c         ``prefix="symdistill"``          C99 source with a declarations section
python    (none)                           a dependency-free module
prolog    ``module=None``                  clauses for SWI-Prolog (optionally a module)
onnx      (none)                           serialised ONNX model (bytes)
json      ``indent=1``                     the model's own JSON
dot       (none)                           automata: Graphviz source, ``model.to_dot()``
========  ===============================  ============================================
"""

from __future__ import annotations

from typing import Any, Callable, Literal, overload

from . import c as _c
from . import dot as _dot
from . import json as _json
from . import onnx as _onnx
from . import prolog as _prolog
from . import python as _python
from .ir import Program, build, check_exportable, exportable_kinds

_EMITTERS: dict[str, tuple[Callable[..., Any], tuple[str, ...], bool]] = {
    # target: (emitter, accepted options, whether it reads the neutral form rather than the model)
    "c": (_c.emit, ("prefix",), True),
    "python": (_python.emit, (), True),
    "prolog": (_prolog.emit, ("module",), True),
    "onnx": (_onnx.emit, (), True),
    "json": (_json.emit, ("indent",), False),
    "dot": (_dot.emit, (), False),
}

TARGETS = tuple(_EMITTERS)


@overload
def export(model: Any, target: Literal["onnx"], **options: Any) -> bytes: ...
@overload
def export(model: Any, target: Literal["c", "python", "prolog", "json", "dot"], **options: Any) -> str: ...
@overload
def export(model: Any, target: str, **options: Any) -> str | bytes: ...


def export(model: Any, target: str, **options: Any) -> str | bytes:
    """Generate code for ``model`` in ``target`` language.

    Parameters
    ----------
    model : SymbolicModel
        A tree, rule set, linear model, DFA or Moore machine.
    target : {"c", "python", "prolog", "onnx", "json", "dot"}
        ("dot": automata only, Graphviz source.)
    **options
        ``prefix`` (c: the name prefix of every exported symbol, so that several models link
        together), ``module`` (prolog: wrap the clauses in this module), ``indent`` (json).

    Returns
    -------
    str or bytes
        Source text, ending in one newline (JSON: ``model.to_json()`` and a newline; DOT:
        ``model.to_dot()`` and a newline); the serialised ``ModelProto`` for ``"onnx"``.

    Examples
    --------
    >>> import numpy as np, symdistill as sd
    >>> X = np.random.default_rng(0).uniform(size=(300, 2))
    >>> tree = sd.distill(lambda X: (X[:, 0] > 0.5).astype(int), X, max_size=2, random_state=0)
    >>> source = sd.export(tree, "python")
    >>> namespace = {}
    >>> exec(source, namespace)
    >>> int(namespace["predict"]([0.9, 0.1])), int(tree.predict(np.array([[0.9, 0.1]]))[0])
    (1, 1)
    >>> sd.export(tree, "c", prefix="demo").count("int demo_predict(const double *x)")
    2
    """
    if not isinstance(target, str) or target.lower() not in _EMITTERS:
        raise ValueError(f"unknown export target {target!r}; expected one of {', '.join(TARGETS)}")
    emitter, accepted, neutral = _EMITTERS[target.lower()]
    unknown = sorted(set(options) - set(accepted))
    if unknown:
        allowed = ", ".join(accepted) if accepted else "none"
        raise TypeError(f"export to {target!r} got unknown option(s) {', '.join(unknown)}; accepted: {allowed}")
    if target.lower() == "json":  # the model's own text, as to_json() writes it: nothing else to check
        check_exportable(model)
        return emitter(model, **options)
    program = build(model)  # checks the model kind, and the names every code target writes as UTF-8
    return emitter(program, **options) if neutral else emitter(model, **options)


__all__ = ["export", "build", "Program", "TARGETS", "exportable_kinds"]

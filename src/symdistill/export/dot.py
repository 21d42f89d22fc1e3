"""DOT emitter: an automaton as Graphviz source, the text of ``model.to_dot()`` ending in a newline.

Trees, rule sets and linear models have no DOT form here (``symdistill.report.draw_model`` draws them).
"""

from __future__ import annotations

from typing import Any


def emit(model: Any) -> str:
    """``model.to_dot()`` and a final newline, as a file holds it, for a DFA or Moore machine; a
    ``ValueError`` for other models.

    >>> import symdistill as sd
    >>> emit(sd.DFA.from_regex("a*", "ab")).splitlines()[0]
    'digraph automaton {'
    """
    from ..models.automata import _Automaton

    if not isinstance(model, _Automaton):
        raise ValueError(f"a {model.kind} model cannot be exported to DOT; DOT draws automata (DFA, Moore machine): "
                         "draw other models with symdistill.report.draw_model")
    return model.to_dot() + "\n"

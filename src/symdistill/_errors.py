"""Exception types raised by symdistill, and the warning that names the user's line.

Every error subclasses a builtin (``ValueError`` / ``TypeError`` / ``RuntimeError``) so callers that
already catch those keep working; the subclasses let them tell symdistill's own failures apart.
"""

from __future__ import annotations

import importlib
import os
import sys
import warnings
from typing import Any

# Every module of the package lies under this folder, as its code objects name their files.
_PACKAGE_DIR = os.path.dirname(__file__) + os.sep


class SymdistillWarning(UserWarning):
    """A warning of symdistill's own (a teacher's answers read one way of two, a learner's option that
    does nothing, ...): ``warnings.filterwarnings("ignore", category=sd.SymdistillWarning)`` silences
    them and no one else's. A ``UserWarning``, so filters on that still take them."""


def warn(message: str, category: type[Warning] = SymdistillWarning) -> None:
    """``warnings.warn(message, category)`` attributed to the first frame outside symdistill: the user's line
    that called into the library (``sd.distill(...)``, ``model.predict(...)``), however deep in it the warning
    is raised. A fixed ``stacklevel`` named a file of symdistill's on most routes, which showed the user none
    of their lines, and Python's default filter, once per location, then hid the same warning drawn again
    from another of their lines. The frame's module name and ``__warningregistry__`` are those
    ``warnings.warn`` would use there, so filters by module and the once-per-location registry work as for a
    warning of the user's own code. In a worker thread the frame is the one the thread runs outside the
    package (the user's function, or the pool's); a stack all of symdistill's warns at the caller's line."""
    frame = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIR):
        frame = frame.f_back
    if frame is None:
        warnings.warn(message, category, stacklevel=2)
        return
    # (no module_globals: a loader's get_source that raises, python -c's BuiltinImporter, would raise here)
    scope = frame.f_globals
    module, filename, lineno = scope.get("__name__", "<string>"), frame.f_code.co_filename, frame.f_lineno
    if _shown_before(message, category, module, filename, lineno):
        return
    warnings.warn_explicit(message, category, filename, lineno, module=module,
                           registry=scope.setdefault("__warningregistry__", {}))


# Python's once-per-location memory (a module's ``__warningregistry__``) is emptied whenever any code changes
# the warning filters, as every ``catch_warnings`` block does on entry and exit: fitting runs several (ours
# around LARS, scikit-learn's own), so a learner's warning drawn by one line of a loop showed at every pass.
# This memory survives such blocks: it is kept while ``warnings.filters`` is the same list holding the same
# filters, and forgotten when the user's code enters a ``catch_warnings`` block (a new list) or adds a filter.
# The list is held, so its id cannot pass to another list while it is compared.
_memory: dict[str, Any] = {"filters": None, "content": None, "shown": set()}


def _shown_before(message: str, category: type[Warning], module: str, filename: str, lineno: int) -> bool:
    """Whether the filters' action for this warning shows it once (per location, module or process) and
    this memory holds it as shown; otherwise it is noted as shown now where that action says once."""
    filters = warnings.filters
    if _memory["filters"] is not filters or _memory["content"] != filters:
        _memory.update(filters=filters, content=list(filters), shown=set())
    action = warnings.defaultaction
    for act, msg, cat, mod, ln in filters:
        if ((msg is None or msg.match(message)) and issubclass(category, cat)
                and (mod is None or mod.match(module)) and (ln == 0 or ln == lineno)):
            action = act
            break
    key = {"default": (filename, lineno, message, category), "module": (filename, message, category),
           "once": (message, category)}.get(action)
    if key is None:
        return False
    if key in _memory["shown"]:
        return True
    _memory["shown"].add(key)
    return False


class TeacherError(RuntimeError):
    """The teacher raised, or answered with something that cannot be a prediction."""


class UnknownClassError(TeacherError):
    """A classifier teacher answered labels outside its known classes; ``labels`` holds the new ones."""

    def __init__(self, message: str, labels: tuple = ()) -> None:
        super().__init__(message)
        self.labels = tuple(labels)


class NonFiniteAnswerError(TeacherError):
    """The teacher answered NaN or infinity: ``count`` of the ``asked`` rows, the first shown as ``first``."""

    def __init__(self, message: str, count: int = 0, asked: int = 0, first: str = "") -> None:
        super().__init__(message)
        self.count, self.asked, self.first = count, asked, first


class DataError(ValueError):
    """Input rows do not fit the feature schema (width, NaN, unknown category, ...)."""


class ModelFormatError(ValueError):
    """A saved model (dict / JSON) is malformed or of an unknown kind or version."""


def exception_text(exc: BaseException, limit: int = 600) -> str:
    """``str(exc)`` on one line, for a message that quotes an exception raised by user code. The
    TorchScript interpreter's message is both of its tracebacks followed by the error: that last
    line (without the repeated type name) is kept; other line breaks become spaces. Beyond
    ``limit`` characters the middle goes (a list of thousands of values; the exception is chained)."""
    text = str(exc).strip()
    if "\n" in text:
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        text = " ".join(lines)
        if "TorchScript" in lines[0]:
            text = lines[-1]
            for name in (f"{type(exc).__name__}: ", "RuntimeError: "):
                text = text.removeprefix(name)
    if len(text) > limit:
        text = f"{text[:limit * 2 // 3]} ... {text[-(limit // 3):]}"
    return text


def require_extra(module: str, purpose: str, extra: str) -> Any:
    """Import the optional package ``module`` and return it; where it is not installed, an ImportError of
    one line: ``'{purpose}: pip install 'symdistill[{extra}]''``, naming the extra that installs it."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise ImportError(f"{purpose}: pip install 'symdistill[{extra}]'") from None


def nul_ended(label: Any) -> str:
    """For a string label ending in a NUL character (``'a\\x00'``), why it cannot be a label: NumPy's string
    arrays drop trailing NULs, so it would come back as another label (``'a'``); else ``''``.

    >>> print(nul_ended("a\\x00"))
    it ends in a NUL character, which NumPy's string arrays drop (it would be read as 'a'); strip it or use another label
    >>> nul_ended("a\\x00b")
    ''
    """
    if isinstance(label, str) and label.endswith("\x00"):
        return (f"it ends in a NUL character, which NumPy's string arrays drop (it would be read as "
                f"{str(label).rstrip(chr(0))!r}); strip it or use another label")
    return ""


def counted(n: int, noun: str) -> str:
    """``n`` and ``noun`` for messages, plural but for one: ``'1 missing value'``, ``'3 rows'``,
    ``'2 equivalence queries'``."""
    if n != 1 and noun.endswith("y") and noun[-2:-1] not in tuple("aeiou"):
        return f"{n} {noun[:-1]}ies"
    return f"{n} {noun}{'s' * (n != 1)}"


def flag_list(names: list[str]) -> str:
    """``names`` as a column flag (``--drop``) takes them, for a message that says what to write: separated
    by commas, or a JSON list where one holds a comma (which the flag would split the name at).

    >>> flag_list(["id", "y"])
    'id,y'
    >>> print(flag_list(["Income, USD", "id"]))
    '["Income, USD", "id"]'
    """
    import json

    return ",".join(names) if not any("," in n for n in names) else repr(json.dumps(names))


def refuse_set(name: str, value: Any, why: str, where: str = "") -> None:
    """Raise ``TypeError`` naming ``name`` where ``value``, taken as a list whose order ``why`` says
    decides the outcome, is a set: a set of strings is ordered by their hashes, which
    ``PYTHONHASHSEED`` changes from process to process, so the same call with the same
    ``random_state`` would give another outcome in another run. ``where`` opens the message
    (``"feature 'city': "``).

    >>> refuse_set("forms", {"tree"}, "the forms are fitted in that order")
    Traceback (most recent call last):
    ...
    TypeError: forms must be a list, got a set, whose order changes from run to run (with the hash seed) and the forms are fitted in that order: pass a list: forms=['tree']
    """
    if isinstance(value, (set, frozenset)):
        listed = f"{name}={sorted(value)!r}" if all(isinstance(v, str) for v in value) else f"{name}=[...]"
        raise TypeError(f"{where}{name} must be a list, got a {type(value).__name__}, whose order changes from run to run "
                        f"(with the hash seed) and {why}: pass a list: {listed}")

"""Base class shared by every symbolic model, and the registry that ``load`` dispatches on.

A symbolic model is a standalone object: it predicts, prints, serialises and exports without the
estimator that learned it or the teacher it imitates. Its one plain-data form is ``to_dict`` (JSON
types only); JSON, copying and equality are all built on it.
"""

from __future__ import annotations

import io
import json
import math
import os
import re
import sys
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, ClassVar, TypeVar, cast

import numpy as np

from .._errors import DataError, ModelFormatError, nul_ended
from ..domain import PRINTED_WORDS, Domain, escape_unprintable, number_text

if TYPE_CHECKING:
    from .automata import DFA, MooreMachine
    from .linear import LinearModel
    from .rules import RuleSet
    from .tree import Tree

FORMAT = "symdistill"
FORMAT_VERSION = 1
_ROUNDING = 1e-9  # shares this close to 0 or 1 are the rounding of weights summed in two orders
BLOCK_ROWS = 32768  # rows predicted together: a block's columns and node indices stay in cache

_REGISTRY: dict[str, type[SymbolicModel]] = {}
_Model = TypeVar("_Model", bound="SymbolicModel")


def encoded_rows(Z: Any, domain: Domain, where: str = "predict_encoded") -> np.ndarray:
    """``Z`` as the encoded rows ``where`` (``predict_encoded``, ...) takes: floats, one column per
    feature of ``domain``, each finite, as ``Domain.encode`` makes them. NaN and infinite values are
    refused, as ``predict`` refuses them, naming the row: unchecked, a NaN fails every test and gets
    the default rule's class or the right branch of every split. ``apply_encoded`` and a linear
    model's ``decision_function_encoded`` do not check: they compute what the exported code does."""
    try:
        raw = Z if isinstance(Z, np.ndarray) else np.asarray(Z)
    except (TypeError, ValueError):  # ragged rows: refused below, as floats
        raw = None
    text = None if raw is None or raw.dtype.kind not in "OUS" else \
        next((v for v in raw.ravel().tolist() if isinstance(v, (str, bytes))), None)
    if text is not None:  # NumPy reads '0.9' as 0.9, where predict and the exported code refuse text
        raise DataError(f"{where} takes encoded rows (numbers, categories as their codes), not text: it holds "
                        f"{text!r}; use predict for rows of labels")
    try:
        Z = np.asarray(Z, dtype=float)
    except (TypeError, ValueError):
        raise DataError(f"{where} takes encoded rows (numbers, categories as their codes): "
                        f"cannot read {type(Z).__name__} as floats; use predict for rows of labels") from None
    d = domain.n_features
    if Z.ndim != 2 or Z.shape[1] != d:
        raise DataError(f"{where} expected encoded rows of shape (n_rows, {d}), one column per feature, "
                        f"got shape {Z.shape}" + (" (one row: z.reshape(1, -1))" if Z.shape == (d,) else ""))
    cats = [j for j, f in enumerate(domain.features) if f.is_categorical]
    n_codes = np.array([len(domain.features[j].categories) for j in cats])
    # Checked a block of rows at a time: the whole matrix's temporaries (a copy of the categorical columns,
    # 64 MB for a million rows of 8) cost 0.07-0.26 s a million rows, mostly the memory's first touch. The
    # first problem is then named from the whole matrix, as before.
    for start in range(0, len(Z), BLOCK_ROWS):
        block = Z[start:start + BLOCK_ROWS]
        if not np.isfinite(block).all() or (cats and _wrong_codes(block[:, cats], n_codes).any()):
            break
    else:
        return Z
    bad = ~np.isfinite(Z)
    if bad.any():
        i, j = (int(k) for k in np.argwhere(bad)[0])
        raise DataError(f"{where}: row {i} has a non-finite value ({Z[i, j]}) for feature "
                        f"{domain.features[j].name!r}; fill or drop it first (predict refuses it too)")
    if cats:
        C = Z[:, cats]
        wrong = _wrong_codes(C, n_codes)
        bad = np.flatnonzero(wrong.any(axis=0))
        if bad.size:
            k = int(bad[0])
            f, i = domain.features[cats[k]], int(np.flatnonzero(wrong[:, k])[0])
            raise DataError(f"{where}: row {i} has {float(C[i, k])!r} for categorical feature {f.name!r}, which is no "
                            f"code of its {len(f.categories)} categories (0..{len(f.categories) - 1}); "
                            "predict takes the labels")
    return Z


def two_dimensional(Z: np.ndarray, who: str) -> np.ndarray:
    """``Z`` where it is a matrix of rows; else a DataError naming ``who`` (``Tree.apply_encoded``, ...) and,
    for one row given as a 1-D array, how to give it (NumPy's 'too many indices' named neither)."""
    if Z.ndim != 2:
        raise DataError(f"{who} takes encoded rows of shape (n_rows, n_features), got shape {Z.shape}"
                        + (" (one row: z.reshape(1, -1))" if Z.ndim == 1 else ""))
    return Z


def _wrong_codes(C: np.ndarray, n_codes: np.ndarray) -> np.ndarray:
    """Where the categorical columns ``C`` hold no code of their ``n_codes`` categories (0 .. n - 1)."""
    return (C != np.floor(C)) | (C < 0) | (C >= n_codes)


def concept_layer(model: Any) -> str | None:
    """The hidden layer whose activations ``model`` reads: a concept rule set's (distilled with
    ``layer=``), else None (a model of input rows)."""
    meta = getattr(model, "meta", None)
    if isinstance(meta, dict) and meta.get("method") == "decompositional" and isinstance(meta.get("layer"), str):
        return meta["layer"]
    return None


def register_model(cls: type[_Model]) -> type[_Model]:
    """Class decorator: make ``load`` able to rebuild models of ``cls.kind``."""
    if not getattr(cls, "kind", None):
        raise TypeError(f"{cls.__name__} must define a non-empty class attribute 'kind'")
    _REGISTRY[cls.kind] = cls
    return cls


def registered_kinds() -> list[str]:
    return sorted(_REGISTRY)


class SymbolicModel:
    """Common behaviour: JSON round trip, equality through ``to_dict``, size.

    Subclasses define ``kind``, ``_payload()`` (their own fields as JSON types) and
    ``_from_payload(payload)``.
    """

    kind: ClassVar[str] = ""
    fields: ClassVar[tuple[str, ...]] = ()  # the fields of its saved form besides format, version and kind

    # -- serialisation -------------------------------------------------------------------------
    def _payload(self) -> dict[str, Any]:  # pragma: no cover - abstract
        raise NotImplementedError

    @classmethod
    def _from_payload(cls, payload: dict[str, Any]) -> SymbolicModel:  # pragma: no cover - abstract
        raise NotImplementedError

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form (JSON types only), with the format name, version and model kind."""
        return {"format": FORMAT, "version": FORMAT_VERSION, "kind": self.kind, **_own_meta(self._payload())}

    def to_json(self, path: str | Path | IO[Any] | None = None, *, indent: int | None = 1) -> str:
        """JSON text of ``to_dict()``; also written to ``path`` when given, a file's path or a file
        object open for writing, text or binary (with a final newline, as text files end)."""
        text = json.dumps(self.to_dict(), indent=indent, allow_nan=False)
        if path is None:
            return text
        if isinstance(path, (str, os.PathLike)):
            Path(path).write_text(text + "\n", encoding="utf-8")
        elif callable(getattr(path, "write", None)):
            mode = getattr(path, "mode", "")  # tempfile's files are no io class, but say "w+b"
            binary = isinstance(path, (io.RawIOBase, io.BufferedIOBase)) or (isinstance(mode, str) and "b" in mode)
            path.write((text + "\n").encode("utf-8") if binary else text + "\n")
        else:
            raise TypeError("path must be a file's path (str or pathlib.Path) or a file object open for writing, "
                            f"got {type(path).__name__}")
        return text

    @classmethod
    def from_dict(cls: type[_Model], data: dict[str, Any]) -> _Model:
        model = load(data)
        if not isinstance(model, cls):
            raise ModelFormatError(f"expected a {cls.kind or cls.__name__} model, got kind {model.kind!r}")
        return model

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SymbolicModel):
            return NotImplemented
        return self.to_dict() == other.to_dict()

    __hash__ = None  # type: ignore[assignment]  # mutable learned arrays: not hashable

    def copy(self: _Model) -> _Model:
        return cast(_Model, load(self.to_dict()))

    @property
    def size(self) -> int:  # pragma: no cover - abstract
        raise NotImplementedError


def _own_meta(payload: dict[str, Any]) -> dict[str, Any]:
    """``payload`` with a copy of its ``meta`` (lists and objects inside too): a model's form and the
    model it is read into or written from share no ``meta``, so editing one (removing a field before
    saving, say) leaves the other as it was."""
    if isinstance(payload.get("meta"), dict):
        payload["meta"] = _plain_meta(payload["meta"], "meta")
    return payload


def _plain_meta(value: Any, where: str) -> Any:
    """A copy of ``value`` (at ``where`` in a model's ``meta``) in JSON types: a NumPy number, bool or
    text is its Python value, an array or a tuple a list (as JSON writes them, nothing lost); any other
    value JSON cannot hold (a set, an object, a non-finite number, a key that is not text) is a
    TypeError naming its key."""
    if isinstance(value, np.ndarray):
        value = value.tolist()
    elif isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, dict):
        for key in value:
            if not isinstance(key, str):
                raise TypeError(f"{where} has the key {key!r} ({type(key).__name__}), and JSON keys are text: a "
                                f"saved model would load it as another key; write it as text ({str(key)!r})")
        return {key: _plain_meta(v, f"{where}[{key!r}]") for key, v in value.items()}
    if isinstance(value, (list, tuple)):  # a tuple as the list JSON writes, so a loaded model is equal
        return [_plain_meta(v, f"{where}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, float) and not np.isfinite(value):
        raise TypeError(f"{where} is {value!r}, which JSON cannot hold: give a model's meta finite numbers")
    if value is None or isinstance(value, (str, int, float)):
        return value
    raise TypeError(f"{where} is of type {type(value).__name__} ({value!r:.60}), which JSON cannot hold: give a "
                    "model's meta text, numbers, true/false, null, lists and objects")


def load(source: str | Path | dict[str, Any] | bytes | bytearray | IO[Any]
         ) -> Tree | RuleSet | LinearModel | DFA | MooreMachine:
    """Rebuild a symbolic model from its JSON text, a path to a JSON file, a file object open for
    reading (its text), or its ``to_dict()``.

    Only JSON is read: loading a model never executes code. A string that starts with ``{`` or
    ``[`` is JSON text (unless it names a file); any other string is a path. A malformed model
    raises :class:`~symdistill.ModelFormatError` naming the field and the problem: no model loads
    that could not be saved again.

    >>> import symdistill as sd
    >>> sd.load('{"format": "symdistill", "version": 1, "kind": "nope"}')
    Traceback (most recent call last):
    ...
    symdistill._errors.ModelFormatError: unknown model kind 'nope'; known kinds: ...
    """
    from_file = not isinstance(source, (str, bytes, bytearray, Path, dict)) and callable(getattr(source, "read", None))
    if from_file:  # its text is the model, never a path
        source = source.read()
        if not isinstance(source, (str, bytes, bytearray)):
            raise ModelFormatError(f"the model file object read {_json_type(source)}, not JSON text")
    if isinstance(source, (bytes, bytearray)):
        source = _decode(bytes(source), "model")
    if isinstance(source, str) and source.startswith("\ufeff") and _is_json_text(source[1:]):
        source = source[1:]  # text read with its byte order mark, as utf-8 (not utf-8-sig) reads it
    if isinstance(source, str) and not source.lstrip("\ufeff").strip():  # else read as a path: the current folder
        raise ModelFormatError("the model text is empty: no JSON to read (to_json() writes it)")
    if isinstance(source, Path) or (isinstance(source, str) and not from_file and not _is_json_text(source)):
        source = _read_file(source)
    if isinstance(source, str):
        data = _parse(source)
    else:
        data = source
    if not isinstance(data, dict):
        raise ModelFormatError(f"model must be a JSON object, got {_json_type(data)}")
    _check_plain_json(data)
    if data.get("format") != FORMAT:
        raise ModelFormatError(f"not a symdistill model: 'format' is {_short(data.get('format'))}, expected {FORMAT!r}")
    version = data.get("version")
    if isinstance(version, bool) or version != FORMAT_VERSION:
        raise ModelFormatError(
            f"unsupported model format version {_short(version)}; this symdistill reads {FORMAT_VERSION}"
        )
    kind = data.get("kind")
    if not isinstance(kind, str) or kind not in _REGISTRY:
        raise ModelFormatError(f"unknown model kind {_short(kind)}; known kinds: {', '.join(registered_kinds())}")
    payload = _own_meta({k: v for k, v in data.items() if k not in ("format", "version", "kind")})
    check_fields(payload, _REGISTRY[kind].fields, f"the {kind} model")
    try:
        return cast("Tree | RuleSet | LinearModel | DFA | MooreMachine", _REGISTRY[kind]._from_payload(payload))
    except ModelFormatError:
        raise
    except (KeyError, TypeError, ValueError, IndexError, OverflowError) as exc:
        raise ModelFormatError(f"malformed {kind} model: {type(exc).__name__}: {exc}") from None


# -- reading JSON ---------------------------------------------------------------------------------
MAX_NESTING = 100  # models are a few levels deep; free-form 'meta' gets the rest
_ATOMS = {str, bool, type(None)}
_NUMBERS = {int, float, bool}


def _is_json_text(text: str) -> bool:
    # Text longer than a path can be (PATH_MAX, 4096 on Linux) names no file: the file system is not asked.
    return text.lstrip().startswith(("{", "[")) and (len(text) > 4096 or not _is_file(text))


def _is_file(text: str) -> bool:
    try:
        return Path(text).is_file()
    except (OSError, ValueError):  # a name too long for the file system, a NUL byte, ...
        return False


def _is_dir(text: str) -> bool:
    try:
        return Path(text).is_dir()
    except (OSError, ValueError):
        return False


def _read_file(source: str | Path) -> str:
    path = Path(source)
    if not _is_file(str(path)):
        if _is_dir(str(path)):
            raise ModelFormatError(f"{_path_text(source)} is a folder, not a model file (the JSON that to_json writes)")
        raise ModelFormatError(f"no such model file: {_path_text(source)} (expected JSON text or a path)")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ModelFormatError(f"cannot read model file {_path_text(source)}: {exc.strerror or exc}") from None
    text = _decode(raw, f"model file {_path_text(source)}")
    if not text.strip():
        raise ModelFormatError(f"model file {_path_text(source)} is empty: no JSON to read (to_json() writes it)")
    return text


def _decode(raw: bytes, what: str) -> str:
    from .._encoding import utf16_text

    # Windows PowerShell's `> model.json` writes UTF-16, whose NUL bytes are valid UTF-8 (but no JSON holds one)
    utf16 = utf16_text(raw, what)
    if utf16:
        raise ModelFormatError(utf16)
    try:
        return raw.decode("utf-8-sig")  # a byte order mark first (editors on Windows write one) is dropped
    except UnicodeDecodeError as exc:
        raise ModelFormatError(f"{what} is not UTF-8 JSON text: {exc.reason} at byte {exc.start}") from None


def _reject_constant(token: str) -> Any:
    raise ModelFormatError(f"model JSON holds {token}, which is not standard JSON: numbers must be finite")


def _once(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object, refused when it names a field twice: parsers differ on which one counts (Python's
    the last, others the first), so the file would be one model here and another elsewhere."""
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        twice = next(k for k, _ in pairs if k in seen or seen.add(k))
        raise ModelFormatError(f"model JSON has the field {_short(twice)} twice in one object; write each field once")
    return obj


def _parse(text: str) -> Any:
    try:
        return json.loads(text, parse_constant=_reject_constant, object_pairs_hook=_once)
    except ModelFormatError:
        raise
    except json.JSONDecodeError as exc:
        raise ModelFormatError(f"model is not valid JSON: {exc}") from None
    except RecursionError:
        raise ModelFormatError(f"model JSON is nested too deeply (more than {MAX_NESTING} levels)") from None
    except ValueError as exc:  # an integer of more digits than Python converts: no model field holds one
        digits = re.search(r"value has (\d+) digits", str(exc))
        if digits is None:
            raise ModelFormatError(f"model is not valid JSON: {exc}") from None
        raise ModelFormatError(f"model JSON holds an integer of {digits.group(1)} digits, more than can be read "
                               "(no model field holds such a number)") from None


def _check_plain_json(data: Any) -> None:
    """Raise ModelFormatError unless ``data`` is plain JSON that ``to_json`` can write back:
    objects with string keys, arrays, strings, booleans, null and finite numbers, nested at most
    ``MAX_NESTING`` levels. The error names the offending field."""
    stack: list[tuple[Any, Any, int]] = [(data, None, 0)]
    while stack:
        value, trail, depth = stack.pop()
        if isinstance(value, dict):
            if depth >= MAX_NESTING:
                raise ModelFormatError(f"model JSON is nested too deeply (more than {MAX_NESTING} levels, "
                                       f"at {_trail(trail)})")
            for k, v in value.items():
                if not isinstance(k, str):
                    raise ModelFormatError(f"malformed model: key {_short(k)} in {_trail(trail)} is not a string")
                stack.append((v, (k, trail), depth + 1))
        elif isinstance(value, (list, tuple)):
            if depth >= MAX_NESTING:
                raise ModelFormatError(f"model JSON is nested too deeply (more than {MAX_NESTING} levels, "
                                       f"at {_trail(trail)})")
            if _flat(value):  # fast paths for the long arrays of trees and linear models
                continue
            inline = depth + 1 < MAX_NESTING
            stack.extend((v, (i, trail), depth + 1) for i, v in enumerate(value)
                         if not (inline and type(v) is list and _flat(v)))
        elif isinstance(value, float):
            if not math.isfinite(value):  # NaN, or a number such as 1e400 read as inf
                raise ModelFormatError(f"malformed model: {_trail(trail)} holds a non-finite number ({value}); "
                                       "numbers must be finite")
        elif isinstance(value, int):
            if not isinstance(value, bool) and abs(value) > sys.float_info.max:
                raise ModelFormatError(f"malformed model: {_trail(trail)} holds an integer too large for a float "
                                       f"({len(str(abs(value)))} digits)")
        elif not (value is None or isinstance(value, str)):
            raise ModelFormatError(f"malformed model: {_trail(trail)} holds a {type(value).__name__}, "
                                   "not a JSON value")


def _flat(values: list | tuple) -> bool:
    """True when ``values`` holds only strings, booleans, nulls and finite numbers: nothing to look inside."""
    kinds = set(map(type, values))
    if kinds <= _ATOMS:
        return True
    if kinds <= _NUMBERS:
        try:
            return all(map(math.isfinite, values))
        except OverflowError:  # an integer too large for a float: the caller finds and names it
            return False
    return False


def _trail(trail: Any) -> str:
    keys: list[Any] = []
    while trail is not None:
        key, trail = trail
        keys.append(key)
    text = ""
    for key in reversed(keys):
        text += f"[{key}]" if isinstance(key, int) else (f".{key}" if text else key)
    return f"field {text!r}" if text else "the model"


def _json_type(value: Any) -> str:
    names = {dict: "object", list: "array", str: "string", bool: "boolean", int: "number", float: "number"}
    return "null" if value is None else names.get(type(value), type(value).__name__)


def _path_text(source: Any, limit: int = 300) -> str:
    """``repr`` of a model file's name, whole where it is at most ``limit`` characters, else its two ends: a
    path's end is the file's own name (text read as one may be a long JSON text)."""
    text = repr(str(source))
    return text if len(text) <= limit else text[:limit // 2] + "..." + text[-(limit // 2 - 3):]


def _short(value: Any, limit: int = 60) -> str:
    """``repr`` of a value from a model, cut to ``limit`` characters."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def require(payload: dict[str, Any], key: str, types: type | tuple[type, ...], where: str | None = None) -> Any:
    """Fetch ``payload[key]`` and check its JSON type, with an error that names the field (and ``where``
    in the model the object lies, ``condition 0 of rule 3``, where it is one of many)."""
    place = f"{where}: " if where else ""
    if key not in payload:
        raise ModelFormatError(f"malformed model: {place}missing field {key!r}")
    value = payload[key]
    if not isinstance(value, types):
        names = types.__name__ if isinstance(types, type) else "/".join(t.__name__ for t in types)
        raise ModelFormatError(f"malformed model: {place}field {key!r} should be {names}, got {type(value).__name__}")
    return value


def check_fields(obj: dict[str, Any], known: tuple[str, ...], where: str) -> None:
    """ModelFormatError naming the first field of ``obj`` (``where`` in a saved model) that the format
    does not have, or that is null, as the schema refuses them: read past, a misspelt field (``uper``,
    ``probas``) would leave its default in place (an upper bound of 1, no class probabilities), a
    silently other model. Only ``classes`` may be null (a regressor has none); other fields are left out."""
    for key, value in obj.items():
        if key not in known:
            raise ModelFormatError(f"malformed model: {where} has unknown field {_short(key)} "
                                   f"(its fields: {', '.join(known)})")
        if value is None and key != "classes":
            raise ModelFormatError(f"malformed model: {where} has null for {key!r}; leave the field out instead")


def labels_to_json(classes: np.ndarray | None) -> list | None:
    """Class labels as JSON values (numpy scalars become Python ones)."""
    if classes is None:
        return None
    return [c.item() if isinstance(c, np.generic) else c for c in classes]


_BACKSLASH = {"\\": "\\\\"}


def label_text(label: Any, ends: str = "") -> str:
    """A class label as printouts write it: its ``str``, with characters that do not print escaped
    (``\\n``), so a label holding a newline stays on its line and cannot forge another, and
    backslashes doubled, so that one (``yes\\n``, a backslash and an ``n``) is not read as an escape:
    each label prints its own way, as feature names in backticks do.

    A string label that would not read as one label where it stands (empty, spaces at an end or two
    together, a word the printouts write, ``ELSE``, or a quote first) prints quoted, as ``repr`` writes
    it and as counterexamples and Moore machines print labels: ``-> ''``, ``ELSE 'ELSE x'``. So does
    one holding a character of ``ends``, which closes the label where it stands (``]`` in a linear
    model's ``score[...]``): ``score['a] = 1']``, not ``score[a] = 1]``.

    >>> print(label_text("yes\\n-> no"), label_text(1), label_text("yes\\\\n"), label_text("C:\\\\data"))
    yes\\n-> no 1 yes\\\\n C:\\\\data
    >>> print(label_text(""), label_text(" a"), label_text("ELSE x"), label_text("'a'"), label_text("not sure"))
    '' ' a' 'ELSE x' "'a'" not sure
    >>> print(label_text("a] = 1", ends="]"), label_text("a]"))
    'a] = 1' a]

    A NumPy label prints as the Python value it is, as the JSON, the exports and constraints write it: a
    float32 ``0.1`` as ``0.10000000149011612`` (NumPy's own text, ``0.1``, names no class in a constraint).

    >>> print(label_text(np.float32(0.1)), label_text(np.int8(-3)), label_text(np.str_("a b")))
    0.10000000149011612 -3 a b
    """
    if isinstance(label, np.generic):
        label = label.item()
    if isinstance(label, str) and (label != label.strip(" ") or "  " in label or label[:1] in ("", "'", '"')
                                   or not PRINTED_WORDS.isdisjoint(label.split(" "))
                                   or any(c in label for c in ends)):
        return repr(str(label))  # str: NumPy's str_ has a repr of its own
    return escape_unprintable(str(label), _BACKSLASH)


def percent_text(share: float) -> str:
    """A share as a whole percentage, except that one strictly between 0 and 1 (or 99 and 100)
    percent does not read as 0% (or 100%): a rule or leaf deciding a rare region is not idle, and one
    the teacher disagrees with on a few rows is not exact. Shares within 1e-9 of 0 or 1 are rounding
    (a share of weights summed in two orders, as the learner's 0.9999999999999737) and read as such.

    >>> [percent_text(s) for s in (0.31, 0.0027, 0.9961, 1.0, 0.9999999999999737)]
    ['31%', '<1%', '>99%', '100%', '100%']
    """
    text = f"{100 * share:.0f}%"
    if text == "0%" and share > _ROUNDING:
        return "<1%"
    if text == "100%" and share < 1 - _ROUNDING:
        return ">99%"
    return text


# The last line of a printed tree or rule list whose thresholds are not all printed as they are.
ROUNDED_NOTE = ("# thresholds rounded down to the digits shown (exact: to_json()); a value of more digits just "
                "above one can go the other way")


VALUES_NOTE = "# values rounded to the digits shown (exact: to_json())"


def value_text(value: float, values: Any) -> str:
    """A regressor's ``value`` as printed among all its ``values`` (leaves, rule consequents):
    ``number_text`` against their spread, with the digits that keep it apart from each other value.

    >>> [value_text(v, [0, 1e6, 1000003]) for v in (1e6, 1000003)]
    ['1e+06', '1000003']
    """
    values = np.asarray(values, dtype=float).ravel()
    v = float(value)
    with np.errstate(over="ignore"):  # values +-1.7e308 apart: an infinite gap and spread, as they are
        apart = np.abs(values[values != v] - v)
        spread = float(np.ptp(values)) if values.size else 0.0
    return number_text(v, spread, float(apart.min()) if apart.size else math.inf)


def values_note(values: Any) -> list[str]:
    """``[VALUES_NOTE]`` when one of a regressor's ``values`` prints (``value_text``) as another
    number, else ``[]``."""
    return [VALUES_NOTE] if any(float(value_text(v, values)) != float(v) for v in values) else []


def rounded_note(cuts: Any, domain: Domain) -> list[str]:
    """``[ROUNDED_NOTE]`` when one of the ``(feature index, threshold)`` pairs ``cuts`` prints as
    another number (``Feature.threshold_text``), else ``[]``: the printout says that it is rounded.

    A threshold rounded down decides every number of at most as many digits as printed as the model
    does; a row with more digits between the printed threshold and the exact one does not."""
    features = domain.features
    return [ROUNDED_NOTE] if any(float(features[j].threshold_text(t)) != t for j, t in cuts) else []


# NumPy dtypes of class labels that JSON's values do not say by themselves (from the labels alone
# they load as int64, float64, str or bool): a classifier saves its labels' dtype as 'classes_dtype'.
CLASSES_DTYPES = ("int8", "int16", "int32", "uint8", "uint16", "uint32", "uint64", "float16", "float32", "object")


def classes_to_json(classes: np.ndarray | None) -> dict[str, Any]:
    """A classifier's saved ``classes`` (null for a regressor), and ``classes_dtype`` where the labels
    would load from JSON in another dtype than they have (int8, uint64, float32, strings in an object
    array): a loaded model predicts in the dtype that the saved one did (and the teacher answered
    in), and other models' files stay as they were."""
    saved: dict[str, Any] = {"classes": labels_to_json(classes)}
    if classes is None or classes.dtype.name not in CLASSES_DTYPES:
        return saved
    try:
        plain = labels_from_json(saved["classes"])
    except ModelFormatError:  # labels no file holds: loading says so
        return saved
    return saved if plain.dtype == classes.dtype else {**saved, "classes_dtype": classes.dtype.name}


def classes_from_json(payload: dict[str, Any]) -> np.ndarray | None:
    """The labels that ``classes_to_json`` saved, in their saved ``classes_dtype``."""
    return labels_from_json(payload.get("classes"), dtype=payload.get("classes_dtype"))


def labels_from_json(values: list | None, *, mixed: bool = False, dtype: Any = None) -> np.ndarray | None:
    """Class labels read from JSON: a non-empty list of distinct strings, numbers or booleans.

    Unless ``mixed``, the labels are all strings, all numbers or all booleans: NumPy would
    otherwise turn ``[0, "a"]`` into ``["0", "a"]``, a different model. ``dtype`` is the saved
    ``classes_dtype`` (None where the file has none), which must hold every label exactly.
    """
    if dtype is not None:
        if values is None:
            raise ModelFormatError("malformed model: 'classes_dtype' is the dtype of a classifier's classes; "
                                   "this model has none (leave the field out)")
        return _in_classes_dtype(labels_from_json(values, mixed=mixed), values, dtype)
    if values is None:
        return None
    if not isinstance(values, list) or not values:
        raise ModelFormatError("malformed model: 'classes' should be a non-empty list")
    for v in values:
        if not isinstance(v, (str, int, float, bool)):
            raise ModelFormatError(f"malformed model: class label {_short(v)} is not a string or number")
        if nul_ended(v):
            raise ModelFormatError(f"malformed model: class label {_short(v)}; {nul_ended(v)}")
    if not mixed:
        kinds = {_label_kind(v) for v in values}
        if len(kinds) > 1:
            raise ModelFormatError(f"malformed model: 'classes' mixes {' and '.join(sorted(kinds))} labels "
                                   f"({_short(values)}); labels must all be strings, all numbers or all booleans")
    check_distinct_labels(values)
    if mixed:
        return np.asarray(values, dtype=object)
    arr = np.asarray(values)
    if any(a != v for a, v in zip(labels_to_json(arr), values)):
        # Integers beyond float precision beside fractions (or beyond int64 beside negatives): NumPy would
        # round them to floats; a distilled model holds such labels as Python objects, and so does its load.
        return np.asarray(values, dtype=object)
    return arr


def _in_classes_dtype(labels: np.ndarray, values: list, name: Any) -> np.ndarray:
    """``labels`` (read from JSON's ``values``) in the dtype ``name`` of a saved ``classes_dtype``;
    a ModelFormatError naming the first label that the dtype would change (300 in int8, 0.1 in
    float32, a string in a number dtype), never a label cast into another."""
    if not isinstance(name, str) or name not in CLASSES_DTYPES:
        raise ModelFormatError(f"malformed model: 'classes_dtype' should be one of {', '.join(CLASSES_DTYPES)} "
                               f"(leave it out for labels that load as JSON writes them), got {_short(name)}")
    if name == "object":
        return np.asarray(values, dtype=object)
    for v in values:
        try:
            with np.errstate(over="ignore", invalid="ignore"):
                held = np.array(v, dtype=name).item()
        except (OverflowError, ValueError, TypeError):
            held = None
        if _label_kind(v) != "number" or held != v:
            article = "an" if name.startswith("int") else "a"
            raise ModelFormatError(f"malformed model: class label {_short(v)} is not {article} {name} value, as "
                                   "'classes_dtype' says the labels are; fix the label or the dtype")
    return labels.astype(name)


def _label_kind(v: Any) -> str:
    if isinstance(v, (bool, np.bool_)):
        return "boolean"
    return "string" if isinstance(v, str) else "number"


def check_distinct_labels(classes: Any, what: str = "'classes'") -> None:
    """ModelFormatError when a label repeats (``1``, ``1.0`` and ``True`` count as the same label)."""
    labels = labels_to_json(classes)
    seen: set[Any] = set()
    for c in labels:
        try:
            dup = c in seen
            seen.add(c)
        except TypeError:  # an unhashable label: not a JSON label at all
            raise ModelFormatError(f"malformed model: class label {_short(c)} is not a string or number") from None
        if dup:
            raise ModelFormatError(f"malformed model: {what} has repeated label {_short(c)}")


DOMAIN_FIELDS = ("features", "input_format", "column_dtypes", "column_labels", "array_dtype")
FEATURE_FIELDS = ("name", "kind", "lower", "upper", "categories")


def domain_from_json(payload: dict[str, Any]) -> Domain:
    """The model's ``domain`` field as a :class:`~symdistill.domain.Domain`, holding to the
    invariants that ``Domain.from_data`` gives every feature: number bounds (not strings), a
    categorical feature's codes run over ``0 .. n_categories - 1`` (absent bounds are taken as
    that) with distinct categories, a binary feature lies within 0..1, and only categorical
    features list categories."""
    raw = require(payload, "domain", dict)
    check_fields(raw, DOMAIN_FIELDS, "the domain")
    feats = raw.get("features")
    if feats == []:  # as distill refuses data without columns: no target exports a model of no features
        raise ModelFormatError("malformed domain: 'features' is empty; a model reads at least one feature")
    if isinstance(feats, list):
        fixed = []
        for j, f in enumerate(feats):
            if isinstance(f, dict) and isinstance(f.get("name"), str):
                check_fields(f, FEATURE_FIELDS, f"feature {_short(f['name'])}")
                _require_kind_and_bounds(f)
                f = _feature_json(f)
            elif isinstance(f, dict):
                check_fields(f, FEATURE_FIELDS, f"feature {j}")
            fixed.append(f)
        raw = {**raw, "features": fixed}
    domain = Domain.from_dict(raw)
    for f in domain.features:
        where = f"malformed domain: feature {f.name!r}"
        if f.is_categorical:
            if len(set(f.categories)) != len(f.categories):
                dup = next(c for i, c in enumerate(f.categories) if c in f.categories[:i])
                raise ModelFormatError(f"{where} has repeated category {_short(dup)} (1, 1.0 and true count as one)")
            if f.lower != 0 or f.upper != len(f.categories) - 1:
                raise ModelFormatError(f"{where}: a categorical feature's bounds are its codes 0 .. "
                                       f"{len(f.categories) - 1}, got lower {f.lower!r}, upper {f.upper!r}")
        elif f.categories:
            raise ModelFormatError(f"{where}: only categorical features have 'categories', this one is {f.kind!r}")
        elif f.kind == "binary" and not 0 <= f.lower <= f.upper <= 1:
            raise ModelFormatError(f"{where}: a binary feature's bounds lie within 0..1, "
                                   f"got lower {f.lower!r}, upper {f.upper!r}")
    return domain


def _require_kind_and_bounds(f: dict[str, Any]) -> None:
    """A feature entry names its kind and, unless categorical (whose bounds are its codes), its bounds:
    left out, they read as numeric and 0.0 .. 1.0, a domain the model was not distilled over."""
    needed = ("kind",) if f.get("kind") == "categorical" else ("kind", "lower", "upper")
    for key in needed:
        if key not in f:
            raise ModelFormatError(f"malformed domain: feature {f['name']!r} has no {key!r}: a model file gives each "
                                   "feature's kind and, but for a categorical one, its lower and upper bounds "
                                   "(to_json writes them)")


def _feature_json(f: dict[str, Any]) -> dict[str, Any]:
    """One feature entry checked for the types ``Feature.from_dict`` would convert silently."""
    name = f["name"]
    for key in ("lower", "upper"):
        if key in f and (isinstance(f[key], bool) or not isinstance(f[key], (int, float))):
            raise ModelFormatError(f"malformed domain: feature {name!r} field {key!r} should be a number, "
                                   f"got {_short(f[key])}")
    if "kind" in f and not isinstance(f["kind"], str):
        raise ModelFormatError(f"malformed domain: feature {name!r} field 'kind' should be a string, "
                               f"got {_short(f['kind'])}")
    cats = f.get("categories")
    if f.get("kind") == "categorical" and isinstance(cats, list) and cats:
        # Checked here, on the file's own values: Feature reads bounds (0, 1) as "its codes".
        where = f"malformed domain: feature {name!r}"
        seen: set[Any] = set()
        dup = None
        for c in cats:
            try:
                if c in seen:
                    dup = c
                    break
                seen.add(c)
            except TypeError:  # an unhashable category is Domain.from_dict's to name
                continue
        if dup is not None:
            raise ModelFormatError(f"{where} has repeated category {_short(dup)} (1, 1.0 and true count as one)")
        lower, upper = f.get("lower", 0), f.get("upper", len(cats) - 1)
        if lower != 0 or upper != len(cats) - 1:
            raise ModelFormatError(f"{where}: a categorical feature's bounds are its codes 0 .. {len(cats) - 1}, "
                                   f"got lower {lower!r}, upper {upper!r}")
        f = {"lower": 0, "upper": len(cats) - 1, **f}
    return f

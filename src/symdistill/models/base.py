"""Base class shared by every symbolic model, and the registry that ``load`` dispatches on.

A symbolic model is a standalone object: it predicts, prints, serialises and exports without the
estimator that learned it or the teacher it imitates. Its one plain-data form is ``to_dict`` (JSON
types only); JSON, copying and equality are all built on it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from .._errors import ModelFormatError

FORMAT = "symdistill"
FORMAT_VERSION = 1

_REGISTRY: dict[str, type[SymbolicModel]] = {}


def register_model(cls: type[SymbolicModel]) -> type[SymbolicModel]:
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

    # -- serialisation -------------------------------------------------------------------------
    def _payload(self) -> dict[str, Any]:  # pragma: no cover - abstract
        raise NotImplementedError

    @classmethod
    def _from_payload(cls, payload: dict[str, Any]) -> SymbolicModel:  # pragma: no cover - abstract
        raise NotImplementedError

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form (JSON types only), with the format name, version and model kind."""
        return {"format": FORMAT, "version": FORMAT_VERSION, "kind": self.kind, **self._payload()}

    def to_json(self, path: str | Path | None = None, *, indent: int | None = 1) -> str:
        """JSON text of ``to_dict()``; also written to ``path`` when given."""
        text = json.dumps(self.to_dict(), indent=indent, allow_nan=False)
        if path is not None:
            Path(path).write_text(text, encoding="utf-8")
        return text

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SymbolicModel:
        model = load(data)
        if not isinstance(model, cls):
            raise ModelFormatError(f"expected a {cls.kind or cls.__name__} model, got kind {model.kind!r}")
        return model

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SymbolicModel):
            return NotImplemented
        return self.to_dict() == other.to_dict()

    __hash__ = None  # type: ignore[assignment]  # mutable learned arrays: not hashable

    def copy(self) -> SymbolicModel:
        return load(self.to_dict())

    @property
    def size(self) -> int:  # pragma: no cover - abstract
        raise NotImplementedError


def load(source: str | Path | dict[str, Any] | bytes) -> SymbolicModel:
    """Rebuild a symbolic model from its JSON text, a path to a JSON file, or its ``to_dict()``.

    Only JSON is read: loading a model never executes code.

    >>> import symdistill as sd
    >>> sd.load('{"format": "symdistill", "version": 1, "kind": "nope"}')
    Traceback (most recent call last):
    ...
    symdistill._errors.ModelFormatError: unknown model kind 'nope'; known kinds: ...
    """
    if isinstance(source, (bytes, bytearray)):
        source = source.decode("utf-8")
    if isinstance(source, Path) or (isinstance(source, str) and not source.lstrip().startswith("{")):
        path = Path(source)
        if not path.is_file():
            raise ModelFormatError(f"no such model file: {str(source)!r} (expected JSON text or a path)")
        source = path.read_text(encoding="utf-8")
    if isinstance(source, str):
        try:
            data = json.loads(source)
        except json.JSONDecodeError as exc:
            raise ModelFormatError(f"model is not valid JSON: {exc}") from None
    else:
        data = source
    if not isinstance(data, dict):
        raise ModelFormatError(f"model must be a JSON object, got {type(data).__name__}")
    if data.get("format") != FORMAT:
        raise ModelFormatError(f"not a symdistill model: 'format' is {data.get('format')!r}, expected {FORMAT!r}")
    if data.get("version") != FORMAT_VERSION:
        raise ModelFormatError(
            f"unsupported model format version {data.get('version')!r}; this symdistill reads {FORMAT_VERSION}"
        )
    kind = data.get("kind")
    if kind not in _REGISTRY:
        raise ModelFormatError(f"unknown model kind {kind!r}; known kinds: {', '.join(registered_kinds())}")
    payload = {k: v for k, v in data.items() if k not in ("format", "version", "kind")}
    try:
        return _REGISTRY[kind]._from_payload(payload)
    except ModelFormatError:
        raise
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise ModelFormatError(f"malformed {kind} model: {type(exc).__name__}: {exc}") from None


def require(payload: dict[str, Any], key: str, types: type | tuple[type, ...]) -> Any:
    """Fetch ``payload[key]`` and check its JSON type, with an error that names the field."""
    if key not in payload:
        raise ModelFormatError(f"malformed model: missing field {key!r}")
    value = payload[key]
    if not isinstance(value, types):
        names = types.__name__ if isinstance(types, type) else "/".join(t.__name__ for t in types)
        raise ModelFormatError(f"malformed model: field {key!r} should be {names}, got {type(value).__name__}")
    return value


def labels_to_json(classes: np.ndarray | None) -> list | None:
    """Class labels as JSON values (numpy scalars become Python ones)."""
    if classes is None:
        return None
    return [c.item() if isinstance(c, np.generic) else c for c in classes]


def labels_from_json(values: list | None) -> np.ndarray | None:
    if values is None:
        return None
    if not isinstance(values, list) or not values:
        raise ModelFormatError("malformed model: 'classes' should be a non-empty list")
    for v in values:
        if not isinstance(v, (str, int, float, bool)):
            raise ModelFormatError(f"malformed model: class label {v!r} is not a string or number")
    return np.asarray(values)

"""Stable hashes of specs: the same spec gives the same hash in every process and on every machine.

The hash is taken over a canonical JSON description (class paths, attribute values, format,
options, source name), never over pickle bytes or ``repr``s, which change between Python
versions and carry memory addresses.
"""

from __future__ import annotations

import hashlib
import json
import math
from enum import Enum
from typing import Any

_MAX_DEPTH = 8


def _qualified_name(obj: Any) -> str:
    cls = obj if isinstance(obj, type) else type(obj)
    return f"{cls.__module__}.{cls.__qualname__}"


def _image_digest(img: Any) -> list[Any]:
    digest = hashlib.blake2b(img.tobytes(), digest_size=16).hexdigest()
    return ["PIL.Image", img.mode, list(img.size), digest]


def canonical(value: Any, depth: int = 0) -> Any:
    """A JSON-able description of ``value`` that depends only on its meaning."""
    if depth > _MAX_DEPTH:
        raise ValueError(f"cannot describe {_qualified_name(value)}: nested too deeply")
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else str(value)
    if isinstance(value, Enum):
        return [_qualified_name(value), canonical(value.value, depth + 1)]
    if isinstance(value, (bytes, bytearray, memoryview)):
        return ["bytes", hashlib.blake2b(bytes(value), digest_size=16).hexdigest()]
    if isinstance(value, (list, tuple)):
        return [canonical(item, depth + 1) for item in value]
    if isinstance(value, (set, frozenset)):
        return sorted((canonical(item, depth + 1) for item in value), key=json.dumps)
    if isinstance(value, dict):
        return sorted(
            ([str(key), canonical(item, depth + 1)] for key, item in value.items()),
            key=lambda pair: pair[0],
        )
    if isinstance(value, type):
        return ["class", _qualified_name(value)]
    if callable(value) and hasattr(value, "__qualname__"):
        return ["callable", f"{value.__module__}.{value.__qualname__}"]
    if hasattr(value, "tobytes") and hasattr(value, "mode"):
        return _image_digest(value)
    return [_qualified_name(value), canonical(_attributes(value), depth + 1)]


def _attributes(obj: Any) -> dict[str, Any]:
    """An object's public state: ``__dict__`` and ``__slots__`` without private names."""
    attrs: dict[str, Any] = {}
    for name in getattr(type(obj), "__slots__", ()):
        if hasattr(obj, name):
            attrs[name] = getattr(obj, name)
    attrs.update(getattr(obj, "__dict__", {}))
    return {name: value for name, value in attrs.items() if not name.startswith("_")}


def stable_hash(*parts: Any) -> str:
    """A 32-hex-digit digest of the canonical description of ``parts``."""
    text = json.dumps(canonical(list(parts)), separators=(",", ":"), sort_keys=True)
    return hashlib.md5(text.encode("utf-8"), usedforsecurity=False).hexdigest()

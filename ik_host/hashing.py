"""Spec hashes equal to django-imagekit's, so a switched site keeps its cache-file names (the
pickle and ``__ik_hash_state__``: docs/hooks.md, ``HashStateProcessor``)."""

from __future__ import annotations

import _compat_pickle
import copyreg
import hashlib
import io
import pickle
import types
from collections.abc import Hashable
from typing import Any

from ik_host.memo import ClearingMemo

# The protocol django-imagekit pickles with; its names are only reproducible with the same one.
PROTOCOL = 0


class _ClassName:
    # A stand-in for the class ``module.name``, one per name and pickler, so it memoises.

    __slots__ = ("module", "name")

    def __init__(self, dotted: str) -> None:
        module, _, name = dotted.rpartition(".")
        if not module or not name:
            raise ValueError(f"expected a dotted class name like 'pkg.mod.Class', got {dotted!r}")
        self.module = module
        self.name = name


class _CanonicalPickler(pickle._Pickler):  # type: ignore[name-defined,misc]
    dispatch = pickle._Pickler.dispatch.copy()  # type: ignore[attr-defined]

    def __init__(self, file: io.BytesIO) -> None:
        super().__init__(file, PROTOCOL)
        self._class_names: dict[str, _ClassName] = {}

    def save_dict(self, obj: dict[Any, Any]) -> None:
        # Protocol 0 has no EMPTY_DICT and no batching: MARK DICT, then one SETITEM per item.
        self.write(pickle.MARK + pickle.DICT)
        self.memoize(obj)
        for key, value in sorted(obj.items()):
            self.save(key)
            self.save(value)
            self.write(pickle.SETITEM)

    def save_set(self, obj: set[Any]) -> None:
        # Protocol 0 writes a set as set(list): the list sorted, so the order is the members'.
        self.save_reduce(set, (sorted(obj),), obj=obj)

    def save_global(self, obj: Any, name: str | None = None) -> None:
        try:
            super().save_global(obj, name)
        except pickle.PicklingError:
            # Not importable by its name (a class or function defined inside a function), where
            # django-imagekit fails: written by its module and qualified name all the same.
            qualname = name or getattr(obj, "__qualname__", None) or obj.__name__
            self._write_global(obj.__module__, qualname)
            self.memoize(obj)

    def save_class_name(self, obj: _ClassName) -> None:
        self._write_global(obj.module, obj.name)
        self.memoize(obj)

    def _write_global(self, module: str, name: str) -> None:
        # As pickle does for protocols 0-2, Python 3 module names are written as Python 2's.
        if (module, name) in _compat_pickle.REVERSE_NAME_MAPPING:
            module, name = _compat_pickle.REVERSE_NAME_MAPPING[(module, name)]
        elif module in _compat_pickle.REVERSE_IMPORT_MAPPING:
            module = _compat_pickle.REVERSE_IMPORT_MAPPING[module]
        try:
            self.write(pickle.GLOBAL + f"{module}\n{name}\n".encode("ascii"))
        except UnicodeEncodeError:
            raise pickle.PicklingError(f"{module}.{name} is not an ASCII name") from None

    dispatch[dict] = save_dict
    dispatch[set] = save_set
    dispatch[_ClassName] = save_class_name
    dispatch[types.FunctionType] = save_global

    def _class_name(self, dotted: str) -> _ClassName:
        known = self._class_names.get(dotted)
        if known is None:
            known = self._class_names[dotted] = _ClassName(dotted)
        return known

    def reducer_override(self, obj: Any) -> Any:
        method = getattr(type(obj), "__ik_hash_state__", None)
        if method is None:
            return NotImplemented
        cls, state, *base = method(obj)
        if not isinstance(cls, type):
            cls = self._class_name(cls)
        args = (cls, type(base[0]), base[0]) if base else (cls, object, None)
        # copyreg leaves an empty __dict__ out.
        return (copyreg._reconstructor, args, state) if state else (copyreg._reconstructor, args)


def canonical_pickle(obj: Any) -> bytes:
    """The protocol-0 pickle of ``obj`` with dicts and sets sorted."""
    buffer = io.BytesIO()
    _CanonicalPickler(buffer).dump(obj)
    return buffer.getvalue()


def spec_hash(obj: Any) -> str:
    """The md5 hex digest of ``canonical_pickle(obj)``: django-imagekit's spec hash."""
    return hashlib.md5(canonical_pickle(obj), usedforsecurity=False).hexdigest()


# The pickle of a spec's shaping list with a stand-in for the source name, split around it, by
# the spec's hash key: a new source name then costs one string's pickle, not the whole spec's.
_TEMPLATES: ClearingMemo[tuple[bytes, bytes, frozenset[str]] | None] = ClearingMemo(1024)
_STAND_IN = "\ue000ik-source-name\ue000"
_STRING_END = b"p0\n."  # a lone string's memo put and STOP, after its own opcode


def named_spec_hash(key: Hashable, name: Any, rest: list[Any]) -> str:
    """``spec_hash([name, *rest])``, pickling ``rest`` once per ``key`` (what shapes it)."""
    template = _TEMPLATES.get(key, _MISSING) if type(name) is str else None
    if template is _MISSING:
        template = _TEMPLATES.keep(key, _split_pickle(rest))
    # A name equal to a string inside ``rest`` could be memoised as one object: pickle it whole.
    if template is None or name in template[2]:
        return spec_hash([name, *rest])
    head, tail, _ = template
    # A lone string pickles alike in C and in ``_CanonicalPickler``, which is slower.
    named = pickle.dumps(name, 0)[: -len(_STRING_END)]
    return hashlib.md5(head + named + tail, usedforsecurity=False).hexdigest()


def _split_pickle(rest: list[Any]) -> tuple[bytes, bytes, frozenset[str]] | None:
    buffer = io.BytesIO()
    pickler = _CanonicalPickler(buffer)
    pickler.dump([_STAND_IN, *rest])
    marker = canonical_pickle(_STAND_IN)[: -len(_STRING_END)]
    whole = buffer.getvalue()
    if whole.count(marker) != 1:
        return None
    head, tail = whole.split(marker)
    strings = frozenset(obj for _, obj in pickler.memo.values() if isinstance(obj, str))
    return head, tail, strings


_MISSING: Any = object()


def exact_key(value: Any) -> Any:
    """``value`` as a dict key telling ``0``, ``False`` and ``0.0`` apart (paired with types)."""
    if type(value) is tuple:
        return (tuple, tuple(exact_key(item) for item in value))
    hash(value)
    return (type(value), value)

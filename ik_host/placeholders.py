"""Placeholders: a few hundred bytes standing in for a cache file's image while it loads
(docs/placeholders.md). The engine computes them while generating; the host keeps them in the
file's record, and computes one from the stored file only for a file recorded without it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ik_host.components import get_engine
from ik_host.config import get_config
from ik_host.memo import ClearingMemo
from ik_host.placeholder_values import NO_PLACEHOLDER, PLACEHOLDER_KINDS, Placeholder
from ik_host.protocols import PlaceholderEngine, RecordingBackend
from ik_host.registry import get_registry
from ik_host.state_records import CacheFileState, StateRecord

if TYPE_CHECKING:
    from ik_host.cachefile import CacheFile

__all__ = [
    "NO_PLACEHOLDER",
    "PLACEHOLDER_KINDS",
    "Placeholder",
    "placeholder_kind",
    "placeholder_of",
]


def placeholder_kind(kind: str | None = None) -> str | None:
    """``kind`` checked (None: the configured one); None for ``"none"``."""
    if kind is None:
        kind = get_config().placeholder
    if kind == NO_PLACEHOLDER:
        return None
    if kind not in PLACEHOLDER_KINDS:
        raise ValueError(
            f"placeholder {kind!r}: one of {', '.join(PLACEHOLDER_KINDS)} or {NO_PLACEHOLDER!r}"
        )
    return kind


def placeholder_of(file: CacheFile, kind: str | None = None) -> Placeholder | None:
    """The placeholder of ``file`` (made to exist first, as for its URL); None when the file is
    not made yet (scheduled) or ``kind`` is ``"none"``. ``kind`` None: the configured one."""
    kind = placeholder_kind(kind)
    if kind is None:
        return None
    record = _existing_record(file)
    if record is None:
        return None
    if record.placeholder is not None and record.placeholder.kind == kind:
        return record.placeholder
    return _from_stored_file(file, record, kind)


def _existing_record(file: CacheFile) -> StateRecord | None:
    record = file.existence_record
    if record is None:
        file._require_existence()
        record = file.state()
    return record if record.state is CacheFileState.EXISTS else None


# Placeholders of other kinds than the recorded one, computed from stored files; the size is
# in the key so that a file made again with other pixels is not answered from here.
_OTHER_KINDS: ClearingMemo[Placeholder | None] = ClearingMemo(4096)


def _from_stored_file(file: CacheFile, record: StateRecord, kind: str) -> Placeholder | None:
    key = (get_config(), file.name, record.size, kind)
    if key in _OTHER_KINDS:
        return _OTHER_KINDS[key]
    if record.placeholder is None:
        stored = _from_record_store(file)  # the state cache lost it; the record store may not
        if stored is not None and stored.kind == kind:
            _keep(file, record._replace(placeholder=stored))
            return stored
    engine = _placeholder_engine(getattr(file.generator, "engine", None))
    if engine is None:
        return None
    with file.storage.open(file.name, "rb") as handle:
        placeholder = engine.placeholder(handle, kind, name=file.name)
    if record.placeholder is None or kind == get_config().placeholder:
        # The first placeholder asked of a file made before they were recorded (or before the
        # configured kind changed) is kept in its record: the next access and process read it.
        _keep(file, record._replace(placeholder=placeholder), also_in_store=True)
    else:
        _OTHER_KINDS.keep(key, placeholder)
    return placeholder


def _from_record_store(file: CacheFile) -> Placeholder | None:
    store = get_config().record_store
    if store is None:
        return None
    record = store.get_many([file]).get(file.name)
    return None if record is None else record.placeholder


def _keep(file: CacheFile, record: StateRecord, also_in_store: bool = False) -> None:
    backend = file.cachefile_backend
    if isinstance(backend, RecordingBackend):
        backend.set_record(file, record)
    store = get_config().record_store
    # A backend writes records without sizes (the storage said the file exists) to its state
    # cache only; the store keeps the placeholder all the same, as decoding costs far more.
    if also_in_store and store is not None and record.size is None:
        store.save(file, record)


def _placeholder_engine(name: Any) -> PlaceholderEngine | None:
    # The engine that made the file if it computes placeholders, else any registered one that
    # does (the vips engine leaves them to the Pillow engine).
    engine = get_engine(name)
    if isinstance(engine, PlaceholderEngine):
        return engine
    for entry in get_registry("engine").entries():
        candidate = get_engine(entry.component.name)
        if isinstance(candidate, PlaceholderEngine):
            return candidate
    return None


def forget_placeholders() -> None:
    """Drop the placeholders of other kinds kept in this process (tests, after a change)."""
    _OTHER_KINDS.clear()

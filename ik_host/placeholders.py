"""Placeholders: a few hundred bytes standing in for a cache file's image while it loads
(docs/placeholders.md). The engine computes one while generating for a generator that asks
(a picture set's img rendition); the host keeps it in the file's record, and computes one from
the stored file, once, for a file recorded without it."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from ik_host.components import get_engine
from ik_host.config import get_config
from ik_host.errors import IKError
from ik_host.memo import ClearingMemo
from ik_host.placeholder_values import NO_PLACEHOLDER, PLACEHOLDER_KINDS, Placeholder
from ik_host.protocols import PlaceholderBackend, PlaceholderEngine, RecordingBackend
from ik_host.registry import get_registry
from ik_host.state_records import CacheFileState, StateRecord

if TYPE_CHECKING:
    from ik_host.cachefile import CacheFile

logger = logging.getLogger("ik_host.placeholders")


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


def wanted_placeholder(generator: Any) -> str:
    """The kind of placeholder generating with ``generator`` computes: its ``placeholder``
    attribute, a kind, or True for the configured one; ``"none"`` without it. Computing one
    costs every generation, and only a page showing it needs it in advance: any other file
    gets its own from the stored file on its first ``file.placeholder``."""
    wanted = getattr(generator, "placeholder", None)
    if wanted is None or wanted is False:
        return NO_PLACEHOLDER
    return placeholder_kind(None if wanted is True else wanted) or NO_PLACEHOLDER


def ask_placeholder(file: CacheFile, kind: str | None = None) -> None:
    """Have ``file``'s generation compute its ``kind`` placeholder (None: the configured
    kind) with its pixels, as a picture set does for its img rendition, which shows it."""
    kind = placeholder_kind(kind)
    if kind is None:
        return
    try:
        file.generator.placeholder = kind
    except AttributeError:  # a generator that cannot take it: its placeholder comes later
        logger.debug("generator %r of %r takes no placeholder", file.generator, file.name)


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
_MISSING: Any = object()


def _from_stored_file(file: CacheFile, record: StateRecord, kind: str) -> Placeholder | None:
    key = (get_config(), file.name, record.size, kind)
    known = _OTHER_KINDS.get(key, _MISSING)  # one lookup: a concurrent clear may come between
    if known is not _MISSING:
        return known
    if record.placeholder is None:
        stored = _from_record_store(file)  # the state cache lost it; the record store may not
        if stored is not None and stored.kind == kind:
            _keep(file, record._replace(placeholder=stored), also_in_store=False)
            return stored
    placeholder = _computed(file, kind)
    if placeholder is None:
        return None
    if record.placeholder is None or kind == get_config().placeholder:
        # The first placeholder asked of a file made without one (or before the configured
        # kind changed) is kept in its record: the next access and process read it.
        _keep(file, record._replace(placeholder=placeholder))
    else:
        _OTHER_KINDS.keep(key, placeholder)
    return placeholder


def _computed(file: CacheFile, kind: str) -> Placeholder | None:
    """The placeholder decoded from the stored file; None, with a warning, when that fails:
    a page shows its image without a placeholder rather than failing (the file may have
    been removed behind its record, or be no image), as ``{% thumbnail %}`` shows it."""
    engine = _placeholder_engine(getattr(file.generator, "engine", None))
    if engine is None:
        return None
    try:
        with file.storage.open(file.name, "rb") as handle:
            return engine.placeholder(handle, kind, name=file.name)
    except (OSError, IKError) as exc:
        logger.warning(
            "no %s placeholder for cache file %r: %s: %s", kind, file.name, type(exc).__name__, exc
        )
        return None


def _from_record_store(file: CacheFile) -> Placeholder | None:
    store = get_config().record_store
    if store is None:
        return None
    record = store.get_many([file]).get(file.name)
    return None if record is None else record.placeholder


def _keep(file: CacheFile, record: StateRecord, also_in_store: bool = True) -> None:
    backend = file.cachefile_backend
    if isinstance(backend, PlaceholderBackend):
        backend.set_placeholder(file, record)  # the file was not made again: its sizes stay
        return
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

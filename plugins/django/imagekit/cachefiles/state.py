"""A request-local layer over the shared state cache, and batched state lookups.

::

    with use_cachefile_state_cache():
        prefetch_cachefile_states([photo.thumbnail for photo in photos])   # one get_many
        ...render: each thumbnail's state comes from the mapping, not the shared cache

The layer is ``LayeredStateCache``, the state cache the host configuration is given (see
``imagekit.ik_plugin``): every backend that keeps its states in the configured cache (the
``CachedFileBackend`` family) consults the active mapping first, and what it reads from or writes
to the shared cache is remembered in the mapping. Outside the context manager it is a plain
pass-through.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, MutableMapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from ik_host.state import CacheFileState, StateRecord

logger = logging.getLogger("imagekit.cachefiles")

_active: ContextVar[MutableMapping[str, Any] | None] = ContextVar(
    "imagekit_cachefile_states", default=None
)


@contextmanager
def use_cachefile_state_cache(
    mapping: MutableMapping[str, Any] | None = None,
) -> Iterator[MutableMapping[str, Any]]:
    """Make ``mapping`` (a new dict by default) the request-local state cache inside the block.

    It holds state-cache keys to stored states; ``None`` for a key means "known to be absent
    from the shared cache", so that key is not asked again.
    """
    if mapping is None:
        mapping = {}
    token = _active.set(mapping)
    try:
        yield mapping
    finally:
        _active.reset(token)


def get_active_state_cache() -> MutableMapping[str, Any] | None:
    """The mapping of the innermost ``use_cachefile_state_cache`` block, if any."""
    return _active.get()


class LayeredStateCache:
    """``shared`` (a Django cache) seen through the active request-local mapping, if any."""

    def __init__(self, shared: Any) -> None:
        self.shared = shared

    def get(self, key: str, default: Any = None) -> Any:
        local = _active.get()
        if local is None:
            return self.shared.get(key, default)
        if key not in local:
            local[key] = self.shared.get(key)
        value = local[key]
        return default if value is None else value

    def get_many(self, keys: Iterable[str]) -> dict[str, Any]:
        keys = list(keys)
        local = _active.get()
        if local is None:
            return self.shared.get_many(keys)
        _fill(local, self.shared, [key for key in keys if key not in local])
        return {key: local[key] for key in keys if local[key] is not None}

    def set(self, key: str, value: Any, *args: Any, **kwargs: Any) -> None:
        self.shared.set(key, value, *args, **kwargs)
        local = _active.get()
        if local is not None:
            local[key] = value

    def add(self, key: str, value: Any, *args: Any, **kwargs: Any) -> bool:
        # Used for generation locks: always the shared cache's answer, never remembered.
        return self.shared.add(key, value, *args, **kwargs)

    def delete(self, key: str, *args: Any, **kwargs: Any) -> Any:
        local = _active.get()
        if local is not None:
            local.pop(key, None)
        return self.shared.delete(key, *args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        if name == "shared":  # not set yet (copying, unpickling): no recursion
            raise AttributeError(name)
        return getattr(self.shared, name)

    def __repr__(self) -> str:
        return f"<LayeredStateCache over {self.shared!r}>"


def _fill(local: MutableMapping[str, Any], cache: Any, keys: list[str]) -> None:
    """Put the shared cache's values for ``keys`` in ``local`` (``None`` for misses).

    A failing cache fills nothing: each file's backend then asks for its own state, and the
    backend is what tolerates the outage (falling back to the storage, warning once).
    """
    if not keys:
        return
    try:
        found = cache.get_many(keys) if hasattr(cache, "get_many") else {
            key: value for key in keys if (value := cache.get(key)) is not None
        }
    except Exception as exc:
        logger.debug("prefetching %d cache-file states failed: %r", len(keys), exc)
        return
    for key in keys:
        local[key] = found.get(key)


def prefetch_cachefile_states(
    files: Iterable[Any],
    cache: Any = None,
    state_cache: MutableMapping[str, Any] | None = None,
) -> MutableMapping[str, Any]:
    """Read the states of many cache files with one ``get_many`` per shared cache.

    ``state_cache`` is the mapping to fill (default: the active one, else a new dict);
    ``cache`` the shared cache to read (default: each file's backend's). Files without a name
    (no source) or whose backend keeps no keyed states are skipped. Returns the mapping.
    """
    if state_cache is None:
        state_cache = get_active_state_cache()
    if state_cache is None:
        state_cache = {}
    by_cache: dict[int, tuple[Any, list[str]]] = {}
    for file in files:
        backend = file.cachefile_backend
        if not file.name or not hasattr(backend, "get_key"):
            continue
        shared = cache if cache is not None else backend.cache
        # Read the shared cache itself: the mapping being filled may not be the active one.
        if isinstance(shared, LayeredStateCache):
            shared = shared.shared
        key = backend.get_key(file)
        if key not in state_cache:
            by_cache.setdefault(id(shared), (shared, []))[1].append(key)
    for shared, keys in by_cache.values():
        _fill(state_cache, shared, list(dict.fromkeys(keys)))
    return state_cache


__all__ = [
    "CacheFileState",
    "LayeredStateCache",
    "StateRecord",
    "get_active_state_cache",
    "prefetch_cachefile_states",
    "use_cachefile_state_cache",
]

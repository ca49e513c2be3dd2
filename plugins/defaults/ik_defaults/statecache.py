"""An in-process state cache with Django's cache signatures (``timeout=None`` is forever), and
the request-local layer ``CachedFileBackend`` consults before its state cache.

Inside ``with local_states():`` a backend answers each key from the block's mapping once it has
seen it (read, prefetched or written), so a page asks the shared cache at most once per file.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator, MutableMapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any


class MemoryStateCache:
    """A dict with expiry, safe across threads; ``add`` is atomic within this process."""

    def __init__(self) -> None:
        self._data: dict[str, tuple[Any, float | None]] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _expiry(timeout: float | None) -> float | None:
        return None if timeout is None else time.monotonic() + timeout

    def _live(self, key: str) -> tuple[bool, Any]:
        item = self._data.get(key)
        if item is None:
            return False, None
        value, expires = item
        if expires is not None and expires <= time.monotonic():
            self._data.pop(key, None)
            return False, None
        return True, value

    def get(self, key: str, default: Any = None) -> Any:
        found, value = self._live(key)
        return value if found else default

    def get_many(self, keys: Iterable[str]) -> dict[str, Any]:
        found = {}
        for key in keys:
            present, value = self._live(key)
            if present:
                found[key] = value
        return found

    def set(self, key: str, value: Any, timeout: float | None = None) -> None:
        with self._lock:
            self._data[key] = (value, self._expiry(timeout))

    def add(self, key: str, value: Any, timeout: float | None = None) -> bool:
        with self._lock:
            if self._live(key)[0]:
                return False
            self._data[key] = (value, self._expiry(timeout))
            return True

    def delete(self, key: str) -> bool:
        with self._lock:
            return self._data.pop(key, None) is not None

    def clear(self) -> None:
        with self._lock:
            self._data.clear()


# The request-local layer over the shared state cache: a mapping of state key to stored value
# (``None`` recording a known miss), consulted by ``CachedFileBackend`` before its cache.
_local_states: ContextVar[MutableMapping[str, Any] | None] = ContextVar(
    "ik_local_states", default=None
)


@contextmanager
def local_states(
    mapping: MutableMapping[str, Any] | None = None,
) -> Iterator[MutableMapping[str, Any]]:
    """Make ``mapping`` (a new dict by default) the request-local states inside the block."""
    if mapping is None:
        mapping = {}
    token = _local_states.set(mapping)
    try:
        yield mapping
    finally:
        _local_states.reset(token)


def active_local_states() -> MutableMapping[str, Any] | None:
    """The mapping of the innermost ``local_states`` block, if any."""
    return _local_states.get()


# Asked before a key missing from the request-local states goes to the shared cache: it fills
# the mapping with what it can read in one batch (the Django app: a page's other files) and
# says whether it added anything.
_local_filler: ContextVar[Callable[[], bool] | None] = ContextVar("ik_local_filler", default=None)


def open_local_states(
    mapping: MutableMapping[str, Any], filler: Callable[[], bool] | None = None
) -> None:
    """Make ``mapping`` the request-local states until ``close_local_states()``: for a scope
    that is not a block (a request, from its start signal to its end signal)."""
    _local_states.set(mapping)
    _local_filler.set(filler)


def close_local_states() -> None:
    _local_states.set(None)
    _local_filler.set(None)


@contextmanager
def local_filler(filler: Callable[[], bool]) -> Iterator[None]:
    """Make ``filler`` the one asked (see ``open_local_states``) inside the block."""
    token = _local_filler.set(filler)
    try:
        yield
    finally:
        _local_filler.reset(token)


def fill_local_states() -> bool:
    """Let the active filler add to the request-local states; whether it added anything."""
    filler = _local_filler.get()
    return filler is not None and filler()

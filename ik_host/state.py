"""What is known about a cache file, as kept in the state cache.

A record is stored as a plain tuple so any cache (in-process, Django's, Redis) can hold it and
older records stay readable when fields are added at the end.
"""

from __future__ import annotations

import functools
import hashlib
from enum import StrEnum
from typing import Any, NamedTuple


class CacheFileState(StrEnum):
    EXISTS = "exists"
    GENERATING = "generating"
    DOES_NOT_EXIST = "does_not_exist"
    SCHEDULED = "scheduled"
    FAILED = "failed"


class StateRecord(NamedTuple):
    state: CacheFileState
    width: int | None = None
    height: int | None = None
    size: int | None = None
    error: str | None = None

    def dump(self) -> tuple[Any, ...]:
        return (self.state.value, self.width, self.height, self.size, self.error)

    @classmethod
    def load(cls, value: Any) -> StateRecord | None:
        """A record from what the cache returned; None for a miss or something unreadable."""
        if isinstance(value, (tuple, list)) and value:
            state = _STATES.get(value[0])
            return None if state is None else cls(state, *value[1:5])
        if isinstance(value, str):  # a bare state, as a hand-written backend might store
            state = _STATES.get(value)
            return None if state is None else cls(state)
        return None


_STATES = {state.value: state for state in CacheFileState}


@functools.lru_cache(maxsize=8192)
def state_key(prefix: str, name: str) -> str:
    """A cache key for a cache file's state, valid for memcached and Redis whatever the name.

    Names may hold spaces, non-ASCII or be very long; a digest keeps keys short and plain.
    """
    digest = hashlib.blake2b(name.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
    return f"{prefix}state:{digest}"

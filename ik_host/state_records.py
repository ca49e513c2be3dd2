"""What is known about a cache file, kept in the state cache as a plain tuple (any cache holds
it; fields are only added at the end), or as a bare state string as django-imagekit stores it."""

from __future__ import annotations

import functools
import hashlib
import re
from enum import StrEnum
from typing import Any, NamedTuple

from ik_host.placeholder_values import Placeholder


class CacheFileState(StrEnum):
    EXISTS = "exists"
    GENERATING = "generating"
    DOES_NOT_EXIST = "does_not_exist"
    SCHEDULED = "scheduled"
    FAILED = "failed"
    # The stored file was made from a source since replaced under the same name: it is made
    # again, replacing the stored one, when the strategy next asks.
    STALE = "stale"


class StateRecord(NamedTuple):
    state: CacheFileState
    width: int | None = None
    height: int | None = None
    size: int | None = None
    error: str | None = None
    placeholder: Placeholder | None = None

    def dump(self) -> str | tuple[Any, ...]:
        if self.placeholder is not None:  # older readers take the first five
            return (self.state.value, *self[1:5], self.placeholder.dump())
        if self.width is None and self.height is None and self.size is None and not self.error:
            return self.state.value
        return (self.state.value, self.width, self.height, self.size, self.error)

    @classmethod
    def load(cls, value: Any) -> StateRecord | None:
        """A record from what the cache returned; None for a miss or something unreadable."""
        if isinstance(value, (tuple, list)) and value:
            state = _STATES.get(value[0])
            if state is None:
                return None
            placeholder = Placeholder.load(value[5]) if len(value) > 5 else None
            return cls(state, *value[1:5], placeholder=placeholder)
        if isinstance(value, str):  # a bare state, as a hand-written backend might store
            state = _STATES.get(value)
            return None if state is None else cls(state)
        return None


_STATES = {state.value: state for state in CacheFileState}


# What memcached refuses in a key: whitespace and control characters.
_UNSAFE_KEY_CHARS = re.compile(r"[\x00-\x1f\s]+")
# Keys from this length on are shortened, leaving room for a cache's own key prefix and
# version within memcached's 250 bytes.
MAX_KEY_LENGTH = 200


@functools.lru_cache(maxsize=8192)
def state_key(prefix: str, name: str) -> str:
    """The cache key of a cache file's state: django-imagekit's (``<prefix><name>-state``, hashed
    from 200 bytes on; docs/settings.md), so both share a state cache."""
    # django-imagekit counts characters: the same for ASCII names, while bytes keep a
    # non-ASCII key within memcached's limit.
    key = f"{prefix}{name}-state"
    safe = _UNSAFE_KEY_CHARS.sub("", key).encode("utf-8", "surrogatepass")
    if len(safe) < MAX_KEY_LENGTH:
        return safe.decode("utf-8", "surrogatepass")
    digest = hashlib.md5(key.encode("utf-8", "surrogatepass"), usedforsecurity=False).hexdigest()
    head = safe[: MAX_KEY_LENGTH - len(digest) - 1].decode("utf-8", "ignore")  # whole characters
    return f"{head}:{digest}"

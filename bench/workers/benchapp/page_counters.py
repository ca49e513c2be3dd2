"""A Redis cache and a file-system storage that count their calls, for the ``page`` section.

Both projects are configured with them (``CACHES`` and ``STORAGES``), so what a page render
asks of the cache and of the storage can be read off ``CALLS`` without touching either project.
"""

from __future__ import annotations

import collections
from typing import Any

from django.core.cache.backends.redis import RedisCache
from django.core.files.storage import FileSystemStorage

CALLS: collections.Counter[str] = collections.Counter()

# Each call of these is one request to Redis (``set_many`` and ``delete_many`` are pipelined).
CACHE_METHODS = (
    "get",
    "get_many",
    "set",
    "set_many",
    "add",
    "delete",
    "delete_many",
    "has_key",
    "touch",
    "incr",
    "clear",
)
# ``url`` and ``path`` are left alone: they do no I/O, and this project keeps the URLs of a
# storage whose ``url`` is Django's own, which a wrapper would turn off; ``save`` too, as this
# project saves atomically into a storage whose ``save`` is Django's own.
STORAGE_METHODS = (
    "exists",
    "open",
    "size",
    "delete",
    "listdir",
    "get_modified_time",
    "get_created_time",
    "get_accessed_time",
)


def _counted(base: type, prefix: str, name: str) -> Any:
    method = getattr(base, name)

    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        CALLS[f"{prefix}.{name}"] += 1
        return method(self, *args, **kwargs)

    wrapper.__name__ = name
    return wrapper


class CountingRedisCache(RedisCache):
    """Django's Redis cache, counting its round trips in ``CALLS`` (``cache.<method>``)."""


class CountingStorage(FileSystemStorage):
    """Django's file-system storage, counting its I/O calls in ``CALLS`` (``storage.<method>``)."""


for _name in CACHE_METHODS:
    setattr(CountingRedisCache, _name, _counted(RedisCache, "cache", _name))
for _name in STORAGE_METHODS:
    setattr(CountingStorage, _name, _counted(FileSystemStorage, "storage", _name))


def totals() -> dict[str, int]:
    """Cache round trips and storage calls counted since the last ``CALLS.clear()``."""
    return {
        "cache": sum(count for key, count in CALLS.items() if key.startswith("cache.")),
        "storage": sum(count for key, count in CALLS.items() if key.startswith("storage.")),
    }

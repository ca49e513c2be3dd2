"""A local-memory cache that counts the calls made to it."""

from collections import Counter

from django.core.cache.backends.locmem import LocMemCache


class CountingCache(LocMemCache):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.calls = Counter()
        self._batch = False

    def get(self, *args, **kwargs):
        if not self._batch:  # LocMemCache.get_many calls get per key: one call, not many
            self.calls["get"] += 1
        return super().get(*args, **kwargs)

    def get_many(self, *args, **kwargs):
        self.calls["get_many"] += 1
        self._batch = True
        try:
            return super().get_many(*args, **kwargs)
        finally:
            self._batch = False

    def set(self, *args, **kwargs):
        if not self._batch:
            self.calls["set"] += 1
        return super().set(*args, **kwargs)

    def set_many(self, *args, **kwargs):
        self.calls["set_many"] += 1
        self._batch = True
        try:
            return super().set_many(*args, **kwargs)
        finally:
            self._batch = False

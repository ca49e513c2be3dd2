"""A memo that forgets everything at once when full."""
# Warm-path values are cheap to recompute and a site uses far fewer than a memo holds between
# clears, so clearing when full needs no per-access bookkeeping, unlike an LRU order.

from __future__ import annotations

from collections.abc import Hashable
from typing import Generic, TypeVar

Value = TypeVar("Value")


class ClearingMemo(dict[Hashable, Value], Generic[Value]):
    """A dict of at most ``limit`` entries; ``keep`` empties it first when it is full."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def keep(self, key: Hashable, value: Value) -> Value:
        if len(self) >= self.limit:
            self.clear()
        self[key] = value
        return value


class Identity:
    """A key part that stands for one object, by identity, and keeps it alive: ``id()`` alone
    would be reused by a new object once the first is freed, and answer for it wrongly."""

    __slots__ = ("obj",)

    def __init__(self, obj: object) -> None:
        self.obj = obj

    def __hash__(self) -> int:
        return id(self.obj)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Identity) and other.obj is self.obj

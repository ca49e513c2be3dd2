"""How the host tells a cache-file strategy of events; each ``on_*`` method is optional."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

EVENTS = ("on_existence_required", "on_content_required", "on_source_saved")


class DictStrategy:
    """A strategy made from a mapping of event name to callable ``(file) -> None``."""

    def __init__(self, callbacks: dict[str, Callable[[Any], Any]]) -> None:
        unknown = set(callbacks) - set(EVENTS)
        if unknown:
            raise ValueError(f"unknown strategy events {sorted(unknown)}; known: {list(EVENTS)}")
        for event, callback in callbacks.items():
            setattr(self, event, callback)


def notify(strategy: Any, event: str, file: Any) -> None:
    """Call ``strategy.<event>(file)`` if the strategy defines it."""
    callback = getattr(strategy, event, None)
    if callback is not None:
        callback(file)

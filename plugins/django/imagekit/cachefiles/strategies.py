"""``imagekit.cachefiles.strategies``: when cache files are generated.

``JustInTime`` comes from the defaults plugin; ``Optimistic`` (and any strategy another plugin
registers) is looked up in the host's strategy registry on first use, so without its plugin the
error says what to ``pip install``.
"""

from __future__ import annotations

from typing import Any

from ik_defaults.justintime import JustInTime
from ik_host.components import get_strategy
from ik_host.strategy_events import EVENTS, DictStrategy, notify
from imagekit.registry import module_exports


def load_strategy(strategy: Any = None) -> Any:
    """A strategy object from a name, dotted path, class, dict of callbacks or instance."""
    return get_strategy(strategy)


class StrategyWrapper:
    """Any strategy with all three events: the ones it does not define do nothing."""

    def __init__(self, strategy: Any = None) -> None:
        self.strategy = load_strategy(strategy)

    def invoke(self, event: str, file: Any) -> None:
        if event not in EVENTS:
            raise ValueError(f"unknown strategy event {event!r}; known: {list(EVENTS)}")
        notify(self.strategy, event, file)

    def on_existence_required(self, file: Any) -> None:
        self.invoke("on_existence_required", file)

    def on_content_required(self, file: Any) -> None:
        self.invoke("on_content_required", file)

    def on_source_saved(self, file: Any) -> None:
        self.invoke("on_source_saved", file)

    def __repr__(self) -> str:
        return f"<StrategyWrapper {self.strategy!r}>"


# django-imagekit's name for the strategy a plugin provides, by registered name.
__getattr__ = module_exports(__name__, "strategy", {"Optimistic": "optimistic"})

__all__ = ["DictStrategy", "JustInTime", "StrategyWrapper", "load_strategy"]

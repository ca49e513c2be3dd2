"""Turn names from settings and specs into the objects that do the work (``None``: the configured
default); classes are instantiated once per configuration, so warm accesses resolve nothing."""

from __future__ import annotations

import functools
from typing import Any

from ik_host.config import Config, get_config
from ik_host.registry import resolve
from ik_host.strategy_events import DictStrategy


@functools.lru_cache(maxsize=256)
def _instance(kind: str, value: Any, config: Config) -> Any:
    obj = resolve(kind, value)
    return obj() if isinstance(obj, type) else obj


def component(kind: str, value: Any, default_field: str) -> Any:
    """The object for ``value`` of ``kind``, or the configured default's when it is None."""
    config = get_config()
    if value is None:
        value = getattr(config, default_field)
    if isinstance(value, dict) and kind == "strategy":
        return DictStrategy(value)
    try:
        return _instance(kind, value, config)
    except TypeError:  # unhashable values (e.g. a storage holding a dict) are not cached
        obj = resolve(kind, value)
        return obj() if isinstance(obj, type) else obj


def get_backend(value: Any = None) -> Any:
    return component("backend", value, "backend")


def get_strategy(value: Any = None) -> Any:
    return component("strategy", value, "strategy")


def get_storage(value: Any = None) -> Any:
    return component("storage", value, "storage")


def get_state_cache(value: Any = None) -> Any:
    return component("state_cache", value, "state_cache")


def get_namer(value: Any = None, *, for_spec: bool = False) -> Any:
    """A namer function; the default differs for specs (they have a source) and generators."""
    return component("namer", value, "spec_namer" if for_spec else "namer")


def get_engine(value: Any = None) -> Any:
    return component("engine", value, "engine")

"""``imagekit.register`` and ``imagekit.unregister``, and the registries under django-imagekit's
names.

The registries are the host's (``ik_host.generators``): a generator or source group registered
here is known to plain-Python code and Django-free workers alike.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ik_host.generators import (
    GeneratorRegistry,
    SourceGroupRegistry,
    generator_registry,
    source_group_registry,
)
from ik_host.registry import describe, get_registry, resolve
from imagekit.exceptions import NotRegistered

# Every (generator_id, group) pair, in registration order.
iter_source_groups = source_group_registry.items


class _Register:
    """``imagekit.register``: ``register.generator(...)`` and ``register.source_group(...)``."""

    def generator(self, id: str, cls: Any = None) -> Any:  # noqa: A002  (django-imagekit's name)
        """Register ``cls`` as ``id``; without ``cls``, a class decorator that does."""
        if cls is None:
            return lambda cls: self.generator(id, cls)
        generator_registry.register(id, cls)
        return cls

    def source_group(self, generator_id: str, group: Any) -> None:
        source_group_registry.register(generator_id, group)


class _Unregister:
    """``imagekit.unregister``: the reverse of each ``register`` method."""

    def generator(self, id: str, cls: Any = None) -> None:  # noqa: A002
        if cls is not None and generator_registry.get_class(id) is not cls:
            raise NotRegistered(f"{describe(cls)} is not the generator registered as {id!r}")
        generator_registry.unregister(id)

    def source_group(self, generator_id: str, group: Any) -> None:
        source_group_registry.unregister(generator_id, group)


def module_exports(module: str, kind: str, exported: Mapping[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` giving ``kind`` components by name: ``exported`` maps the names a
    django-imagekit module promises to registered names; any other registered public name works."""

    def __getattr__(name: str) -> Any:
        # Through resolve, so a promised name without its plugin says what to install.
        if name in exported:
            return resolve(kind, exported[name])
        if not name.startswith("_"):
            registry = get_registry(kind)
            if name in registry:
                return registry.get(name).obj
        # An AttributeError, which `from module import name` turns into an ImportError.
        raise AttributeError(
            f"module {module!r} has no attribute {name!r}; no installed plugin registers a "
            f"{kind} by that name (`python -m ik_host plugins` lists them)"
        )

    return __getattr__


register = _Register()
unregister = _Unregister()

__all__ = [
    "GeneratorRegistry",
    "SourceGroupRegistry",
    "generator_registry",
    "iter_source_groups",
    "register",
    "source_group_registry",
    "unregister",
]

"""Generators by id, and which source groups feed which generator.

``register.generator('myapp:thumbnail', Thumbnail)`` names a generator class so template tags,
``ImageSpecField(id=...)`` and ``generateimages`` can find it;
``register.source_group('myapp:thumbnail', group)`` says which sources it is used with. Source
groups reach the host through its ``ik_source_groups`` hook (this app's ``ik_plugin`` answers it
from ``source_group_registry``), so other plugins can contribute groups too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# Errors are formatted as the host registry's are.
from ik_host.registry import describe, listing

# Every (generator_id, group) pair any plugin knows of, through the host's ik_source_groups hook.
from ik_host.registry import iter_source_groups
from imagekit.exceptions import AlreadyRegistered, NotRegistered


class GeneratorRegistry:
    """Generator classes (or factories) by id.

    Ids are exact (``'myapp:thumbnail'``), unlike the host's component names, which are
    normalised; the errors are worded and formatted as the host's (``ik_host.registry``).
    """

    def __init__(self) -> None:
        self._generators: dict[str, Any] = {}

    def register(self, id: str, cls: Any) -> None:  # noqa: A002  (django-imagekit's name)
        """Name ``cls``; registering the same class again is harmless, another one is not."""
        existing = self._generators.get(id)
        if existing is not None and existing is not cls:
            raise AlreadyRegistered(
                f"the generator id {id!r} is already registered to {describe(existing)}; "
                f"unregister it first to register {describe(cls)}"
            )
        self._generators[id] = cls

    def unregister(self, id: str) -> None:  # noqa: A002
        self.get_class(id)  # the NotRegistered error, with the known ids
        del self._generators[id]

    def get_class(self, id: str) -> Any:  # noqa: A002
        """The class registered as ``id``, not instantiated."""
        try:
            return self._generators[id]
        except KeyError:
            raise NotRegistered(
                f"no generator is registered as {id!r}. Registered ids: "
                f"{listing(self._generators)}. Register one "
                "with imagekit.register.generator(id, cls), for example in an app's "
                "imagegenerators module."
            ) from None

    def get(self, id: str, *args: Any, **kwargs: Any) -> Any:  # noqa: A002
        """A new generator from the class registered as ``id``, made with the arguments."""
        return self.get_class(id)(*args, **kwargs)

    def get_ids(self) -> list[str]:
        return list(self._generators)

    def __contains__(self, id: str) -> bool:  # noqa: A002
        return id in self._generators


class SourceGroupRegistry:
    """Source groups by the generator id they feed; one group may feed several ids."""

    def __init__(self) -> None:
        self._groups: dict[str, list[Any]] = {}

    def register(self, generator_id: str, group: Any) -> None:
        groups = self._groups.setdefault(generator_id, [])
        if not any(existing is group for existing in groups):
            groups.append(group)

    def unregister(self, generator_id: str, group: Any) -> None:
        groups = self._groups.get(generator_id, [])
        remaining = [existing for existing in groups if existing is not group]
        if len(remaining) == len(groups):
            raise NotRegistered(f"{group!r} is not a source group of {generator_id!r}")
        if remaining:
            self._groups[generator_id] = remaining
        else:
            del self._groups[generator_id]

    def get_source_groups(self, generator_id: str) -> list[Any]:
        return list(self._groups.get(generator_id, ()))

    def items(self) -> list[tuple[str, Any]]:
        """Every ``(generator_id, group)`` pair, in registration order."""
        return [(gid, group) for gid, groups in self._groups.items() for group in groups]


generator_registry = GeneratorRegistry()
source_group_registry = SourceGroupRegistry()


class _Register:
    """``imagekit.register``: ``register.generator(...)`` and ``register.source_group(...)``."""

    def generator(self, id: str, cls: Any = None) -> Any:  # noqa: A002
        """Register ``cls`` as ``id``; without ``cls``, a class decorator that does."""
        if cls is None:
            return _decorator(id)
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


def _decorator(id: str) -> Callable[[Any], Any]:  # noqa: A002
    def register_class(cls: Any) -> Any:
        generator_registry.register(id, cls)
        return cls

    return register_class


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

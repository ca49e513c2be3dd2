"""Generators by id, the source groups that feed them, and id patterns (docs/quickstart.md):
one registry of each per process, shared by plain Python, Django-free workers and the Django
app (``imagekit.register``)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from ik_host.errors import AlreadyRegistered, NotRegistered
from ik_host.registry import describe, listing


class GeneratorRegistry:
    """Generator classes (or factories) by id; ids are exact, unlike component names."""

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
                f"{listing(self._generators)}. Register one with "
                "ik_host.generators.generator_registry.register(id, cls) (in Django, "
                "imagekit.register.generator(id, cls), for example in an app's "
                "imagegenerators module)."
            ) from None

    def get(self, id: str, *args: Any, **kwargs: Any) -> Any:  # noqa: A002
        """A new generator from the class registered as ``id``, made with the arguments."""
        return self.get_class(id)(*args, **kwargs)

    def get_ids(self) -> list[str]:
        return list(self._generators)

    def id_of(self, cls: Any) -> str | None:
        """The first id ``cls`` is registered under, if any."""
        return next((gid for gid, known in self._generators.items() if known is cls), None)

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


def generator_id_of(generator: Any) -> str | None:
    """The id ``generator``'s class is registered under (its spec field's first), or None."""
    cls = type(generator)
    return cls.__dict__.get("_ik_generator_id") or generator_registry.id_of(cls)


_WILDCARDS = {"**": ".*", "*": "[^:]*"}


def compile_pattern(pattern: str) -> re.Pattern[str]:
    """The regex of an id pattern: ``*`` within a segment, ``**`` across; a prefix selects ids."""
    pieces = re.split(r"(\*\*|\*)", pattern)
    parts = [_WILDCARDS.get(piece) or re.escape(piece) for piece in pieces]
    return re.compile("".join(parts) + r"(?::.*)?\Z")


def match_ids(patterns: Iterable[str], ids: Iterable[str]) -> tuple[list[str], list[str]]:
    """(the ids any pattern matches, in the order given; the patterns that match nothing)."""
    ids = list(ids)
    selected: dict[str, None] = {}
    unmatched = []
    for pattern in patterns:
        regex = compile_pattern(pattern)
        hits = [generator_id for generator_id in ids if regex.match(generator_id)]
        if not hits:
            unmatched.append(pattern)
        selected.update(dict.fromkeys(hits))
    return list(selected), unmatched

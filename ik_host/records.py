"""The records plugins hand to the host: one frozen dataclass per kind of component (names
and aliases: docs/hooks.md), and an engine's ``Job`` and ``GeneratedImage``."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any, ClassVar

from ik_host.config import DEFAULT_LIMITS, Limits
from ik_host.placeholder_values import NO_PLACEHOLDER, Placeholder


def normalize_name(name: str) -> str:
    """The key a name is looked up by: case, ``_`` and ``-`` do not matter."""
    return name.replace("_", "").replace("-", "").lower()


@dataclass(frozen=True)
class Component:
    """A named thing a plugin provides. Subclasses only set ``kind``."""

    kind: ClassVar[str] = "component"
    name: str
    obj: Any
    aliases: tuple[str, ...] = field(default=())
    description: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise ValueError(f"a {self.kind} needs a non-empty name, got {self.name!r}")
        if isinstance(self.aliases, str):
            object.__setattr__(self, "aliases", (self.aliases,))

    @property
    def key(self) -> str:
        return normalize_name(self.name)


@dataclass(frozen=True)
class Processor(Component):
    """A processor class or factory (contract: ``ik_host.protocols.Processor``)."""

    kind: ClassVar[str] = "processor"


@dataclass(frozen=True)
class Namer(Component):
    """A cache-file namer, the callable itself (contract: ``ik_host.protocols.Namer``)."""

    kind: ClassVar[str] = "namer"


@dataclass(frozen=True)
class Strategy(Component):
    """A cache-file strategy class (contract: ``ik_host.protocols.Strategy``)."""

    kind: ClassVar[str] = "strategy"


@dataclass(frozen=True)
class Backend(Component):
    """A cache-file backend class (contract: ``ik_host.protocols.Backend``)."""

    kind: ClassVar[str] = "backend"


@dataclass(frozen=True)
class Storage(Component):
    """A storage class for cache files (contract: ``ik_host.protocols.Storage``)."""

    kind: ClassVar[str] = "storage"


@dataclass(frozen=True)
class StateCache(Component):
    """A state cache class (contract: ``ik_host.protocols.StateCache``)."""

    kind: ClassVar[str] = "state_cache"


@dataclass(frozen=True)
class Engine(Component):
    """An image engine class (contract: ``ik_host.protocols.Engine``)."""

    kind: ClassVar[str] = "engine"


KINDS: dict[str, type[Component]] = {
    cls.kind: cls for cls in (Processor, Namer, Strategy, Backend, Storage, StateCache, Engine)
}


@dataclass(frozen=True)
class Job:
    """What an engine is asked to make: ``source`` through ``processors``, encoded in ``format``
    (None: the source's own) with save ``options``. ``name`` is the source's name for messages;
    ``placeholder`` the kind of placeholder to compute from the result (``"none"``: none)."""

    source: Any
    processors: tuple[Any, ...] | list[Any] = ()
    format: str | None = None
    options: dict[str, Any] | None = None
    autoconvert: bool = True
    limits: Limits = DEFAULT_LIMITS
    name: str | None = None
    placeholder: str = NO_PLACEHOLDER


class GeneratedImage(io.BytesIO):
    """An encoded image in memory, with what is known about it without decoding it again."""

    def __init__(
        self,
        data: bytes,
        *,
        format: str,
        width: int,
        height: int,
        placeholder: Placeholder | None = None,
    ) -> None:
        super().__init__(data)
        self.format = format
        self.width = width
        self.height = height
        self.placeholder = placeholder
        self.name: str | None = None

    @property
    def size(self) -> int:
        return len(self.getbuffer())

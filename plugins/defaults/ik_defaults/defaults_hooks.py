"""Registers the default components with the host, exactly as any third-party plugin would."""

from __future__ import annotations

from typing import Any

from ik_defaults import (
    cached_backends,
    cachefile_namers,
    filesystem_storage,
    justintime,
    local_sources,
    statecache,
)
from ik_host import hookimpl
from ik_host.records import Backend, Namer, StateCache, Storage, Strategy

_IK = "imagekit.cachefiles"


@hookimpl
def ik_register_strategies() -> list[Strategy]:
    return [
        Strategy(
            "just_in_time",
            justintime.JustInTime,
            aliases=(f"{_IK}.strategies.JustInTime",),
            description="generate on first access to the file's existence or content",
        )
    ]


@hookimpl
def ik_register_backends() -> list[Backend]:
    return [
        Backend(
            "simple",
            cached_backends.Simple,
            aliases=(f"{_IK}.backends.Simple",),
            description="generate synchronously, remembering states in the state cache",
        )
    ]


@hookimpl
def ik_register_namers() -> list[Namer]:
    return [
        Namer(name, getattr(cachefile_namers, name), aliases=(f"{_IK}.namers.{name}",))
        for name in ("hash", "source_name_as_path", "source_name_dot_hash")
    ]


@hookimpl
def ik_register_storages() -> list[Storage]:
    return [
        Storage(
            "filesystem", filesystem_storage.FileSystemStorage, description="local files, atomic"
        )
    ]


@hookimpl
def ik_register_state_caches() -> list[StateCache]:
    return [StateCache("memory", statecache.MemoryStateCache, description="in-process dict")]


@hookimpl
def ik_install_hint(kind: str, name: str) -> str | None:
    # The host's default engine is "pillow", which this plugin does not provide.
    if kind == "engine" and name.lower() == "pillow":
        return "pip install ik-processors-pilkit"
    return None


@hookimpl
def ik_storage_urls_are_stable(storage_class: type) -> bool | None:
    # The URL is the base URL and the quoted name: nothing signed, nothing expiring.
    return True if storage_class is filesystem_storage.FileSystemStorage else None


# Last: a plugin that knows where a file belongs (the Django app: a model's row, a shared
# storage) describes and reopens it better than a path on this machine's disk can.
@hookimpl(trylast=True)
def ik_describe_source(source: Any) -> dict[str, Any] | None:
    return local_sources.describe_local(source)


@hookimpl(trylast=True)
def ik_open_source(ref: dict[str, Any]) -> Any | None:
    return local_sources.open_local(ref)

"""Named registries of components, built from the registration hooks.

One generic ``Registry`` per kind gives every lookup and both errors: an unknown name lists the
names that exist and says which distribution to install; a name registered by two plugins for
different objects names both providers. Registering the same object again is harmless.

A name is a registered short name (``"simple"``, ``"ResizeToFill"``; case, ``_`` and ``-`` do not
matter), one of a component's aliases (``"imagekit.cachefiles.backends.Simple"``), or any other
dotted path, which is imported.
"""

from __future__ import annotations

import functools
import importlib
from dataclasses import dataclass
from typing import Any

from ik_host.errors import DuplicateComponentError, PluginLoadError, UnknownComponentError
from ik_host.plugins import IKPluginManager, get_plugin_manager
from ik_host.records import KINDS, Component, normalize_name

# Which distribution to suggest for a name nobody registered. Only a hint for the message:
# the host never imports a plugin by name.
_KNOWN_PROVIDERS: dict[str, dict[str, str]] = {
    "strategy": {"optimistic": "ik-strategy-optimistic"},
    "backend": {
        "celery": "ik-backends-async",
        "rq": "ik-backends-async",
        "dramatiq": "ik-backends-async",
        "async": "ik-backends-async",
    },
    "storage": {"s3": "ik-storage-s3", "s3boto3storage": "ik-storage-s3"},
    "engine": {"pillow": "ik-processors-pilkit", "vips": "ik-processors-vips"},
}
_DEFAULT_PROVIDER = {"processor": "ik-processors-pilkit"}


def install_hint(kind: str, name: str) -> str:
    key = normalize_name(name.rsplit(".", 1)[-1])
    dist = _KNOWN_PROVIDERS.get(kind, {}).get(key) or _DEFAULT_PROVIDER.get(kind, "ik-defaults")
    return f"pip install {dist}"


@dataclass(frozen=True)
class Entry:
    component: Component
    provider: str


class Registry:
    """The components of one kind, by normalised name and by alias."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._entries: dict[str, Entry] = {}
        self._aliases: dict[str, str] = {}

    def add(self, component: Component, provider: str = "<unknown>") -> None:
        if component.kind != self.kind:
            raise TypeError(f"a {component.kind} record cannot go in the {self.kind} registry")
        existing = self._entries.get(component.key)
        if existing is not None and existing.component.obj is not component.obj:
            raise DuplicateComponentError(
                f"the {self.kind} name {component.name!r} is registered twice: by "
                f"{existing.provider} ({_describe(existing.component.obj)}) and by "
                f"{provider} ({_describe(component.obj)})"
            )
        if existing is None:
            self._entries[component.key] = Entry(component, provider)
        for alias in component.aliases:
            self._aliases[alias] = component.key

    def names(self) -> list[str]:
        return sorted(entry.component.name for entry in self._entries.values())

    def entries(self) -> list[Entry]:
        return sorted(self._entries.values(), key=lambda entry: entry.component.name)

    def get(self, name: str) -> Component:
        """The record registered under ``name`` or one of its aliases."""
        key = self._aliases.get(name) or normalize_name(name)
        entry = self._entries.get(key)
        if entry is None:
            raise self._unknown(name)
        return entry.component

    def __contains__(self, name: str) -> bool:
        return (self._aliases.get(name) or normalize_name(name)) in self._entries

    def resolve(self, name: str) -> Any:
        """The object ``name`` stands for: a registered one, or a dotted path's target."""
        if name in self:
            return self.get(name).obj
        if "." in name:
            return self._import(name)
        raise self._unknown(name)

    def _import(self, path: str) -> Any:
        module_name, _, attribute = path.rpartition(".")
        try:
            module = importlib.import_module(module_name)
            return getattr(module, attribute)
        except (ImportError, AttributeError) as exc:
            raise self._unknown(path, cause=exc) from exc

    def _unknown(self, name: str, cause: Exception | None = None) -> UnknownComponentError:
        known = ", ".join(repr(n) for n in self.names()) or "none"
        because = f" (importing it failed: {cause})" if cause else ""
        return UnknownComponentError(
            f"no {self.kind} is registered as {name!r}{because}. Registered {self.kind}s: "
            f"{known}. If it comes from a plugin, install it: `{install_hint(self.kind, name)}`."
        )


def _describe(obj: Any) -> str:
    return f"{getattr(obj, '__module__', '?')}.{getattr(obj, '__qualname__', repr(obj))}"


_HOOK_FOR_KIND = {
    "processor": "ik_register_processors",
    "namer": "ik_register_namers",
    "strategy": "ik_register_strategies",
    "backend": "ik_register_backends",
    "storage": "ik_register_storages",
    "state_cache": "ik_register_state_caches",
    "engine": "ik_register_engines",
}


class Registries:
    """Every kind's registry, built from one plugin manager."""

    def __init__(self, pm: IKPluginManager) -> None:
        self.by_kind: dict[str, Registry] = {kind: Registry(kind) for kind in KINDS}
        # Which plugin registered which components, for `python -m ik_host plugins`.
        self.by_plugin: dict[str, list[Component]] = {}
        for kind, hook_name in _HOOK_FOR_KIND.items():
            hook = getattr(pm.hook, hook_name)
            for impl in hook.get_hookimpls():
                info = pm.info_for(impl.plugin)
                try:
                    records = impl.function() or []
                except Exception as exc:
                    raise PluginLoadError(
                        f"ik_host plugin {info.name!r} ({info.provider}) failed in {hook_name}: "
                        f"{type(exc).__name__}: {exc}"
                    ) from exc
                for record in records:
                    self.by_kind[kind].add(record, info.provider)
                    self.by_plugin.setdefault(info.name, []).append(record)

    def __getitem__(self, kind: str) -> Registry:
        return self.by_kind[kind]


@functools.lru_cache(maxsize=4)
def _registries_for(pm: IKPluginManager, generation: int) -> Registries:
    return Registries(pm)


def get_registry(kind: str | None = None) -> Any:
    """The registries of the plugin manager in use, or one kind's registry."""
    pm = get_plugin_manager()
    registries = _registries_for(pm, pm.generation)
    return registries if kind is None else registries[kind]


def resolve(kind: str, value: Any) -> Any:
    """``value`` itself unless it is a string; then the object that name stands for."""
    if isinstance(value, str):
        return get_registry(kind).resolve(value)
    return value

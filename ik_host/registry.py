"""Named registries of components, built from the registration hooks, and the one resolver,
``resolve(kind, value)``: an object is itself; then a framework alias (``ik_resolve_alias``),
a registered name or alias, a dotted path (docs/hooks.md)."""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from ik_host.errors import DuplicateComponentError, PluginLoadError, UnknownComponentError
from ik_host.plugins import IKPluginManager, get_plugin_manager
from ik_host.records import KINDS, Component, normalize_name


def import_path(path: str) -> Any:
    """The attribute a dotted path names; any failure is an ``ImportError``."""
    module_name, _, attribute = path.rpartition(".")
    if not module_name:
        raise ImportError(f"{path!r} is not a dotted path")
    module = importlib.import_module(module_name)
    try:
        return getattr(module, attribute)
    except AttributeError as exc:
        raise ImportError(f"module {module_name!r} has no attribute {attribute!r}") from exc


def describe(obj: Any) -> str:
    """``module.QualifiedName`` of a class or function, for error messages."""
    return f"{getattr(obj, '__module__', '?')}.{getattr(obj, '__qualname__', repr(obj))}"


def listing(names: Iterable[str]) -> str:
    """``'a', 'b'`` (sorted), or ``none``: the known names an error message offers."""
    return ", ".join(repr(name) for name in sorted(names)) or "none"


@dataclass(frozen=True)
class Entry:
    component: Component
    provider: str


class Registry:
    """The components of one kind by normalised name and alias; ``hooks``: aliases, hints."""

    def __init__(self, kind: str, hooks: Any = None) -> None:
        self.kind = kind
        self._hooks = hooks
        self._entries: dict[str, Entry] = {}
        self._aliases: dict[str, str] = {}

    def add(self, component: Component, provider: str = "<unknown>") -> None:
        if component.kind != self.kind:
            raise TypeError(f"a {component.kind} record cannot go in the {self.kind} registry")
        existing = self._entries.get(component.key)
        if existing is not None and existing.component.obj is not component.obj:
            raise DuplicateComponentError(
                f"the {self.kind} name {component.name!r} is registered twice: by "
                f"{existing.provider} ({describe(existing.component.obj)}) and by "
                f"{provider} ({describe(component.obj)})"
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
        """The object ``name`` stands for: registered, a framework alias, or a dotted path."""
        if self._hooks is not None:
            aliased = self._hooks.ik_resolve_alias(kind=self.kind, name=name)
            if aliased is not None:
                return aliased
        if name in self:
            return self.get(name).obj
        if "." in name:
            try:
                return import_path(name)
            except ImportError as exc:
                raise self._unknown(name, cause=exc) from exc
        raise self._unknown(name)

    def _unknown(self, name: str, cause: Exception | None = None) -> UnknownComponentError:
        because = f" (importing it failed: {cause})" if cause else ""
        message = (
            f"no {self.kind} is registered as {name!r}{because}. Registered {self.kind}s: "
            f"{listing(self.names())}."
        )
        hint = None
        if self._hooks is not None:
            hint = self._hooks.ik_install_hint(kind=self.kind, name=name)
        if hint:
            message += f" If it comes from a plugin, install it: `{hint}`."
        return UnknownComponentError(message)


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
        self.by_kind: dict[str, Registry] = {kind: Registry(kind, pm.hook) for kind in KINDS}
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

        # Told of every event a cache file's strategy is told of (the Django app's signals).
        self.listeners: list[Callable[..., None]] = [
            listener for answer in pm.hook.ik_cachefile_listeners() for listener in answer or ()
        ]
        self._urls_are_stable = pm.hook.ik_storage_urls_are_stable
        self._stable_by_class: dict[type, bool] = {}

    def __getitem__(self, kind: str) -> Registry:
        return self.by_kind[kind]

    def stable_urls(self, storage: Any) -> bool:
        """Whether a plugin says ``storage``'s URLs depend on the name alone (once per class)."""
        cls = storage.__class__  # not type(): a lazy object standing for a storage
        stable = self._stable_by_class.get(cls)
        if stable is None:
            stable = bool(self._urls_are_stable(storage_class=cls))
            self._stable_by_class[cls] = stable
        return stable


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

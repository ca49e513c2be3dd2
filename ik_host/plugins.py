"""The plugin manager: registers every ``ik_host`` entry point (the defaults' too) with pluggy;
``IK_HOST_DISABLE_PLUGINS`` and ``IK_HOST_LOAD_PLUGINS`` choose what loads (docs/settings.md)."""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import importlib_metadata
import pluggy

from ik_host import hookspecs
from ik_host.errors import PluginLoadError

ENTRY_POINT_GROUP = "ik_host"
DISABLE_ENV = "IK_HOST_DISABLE_PLUGINS"
LOAD_ENV = "IK_HOST_LOAD_PLUGINS"


@dataclass(frozen=True)
class PluginInfo:
    """Where a registered plugin came from."""

    name: str
    distribution: str | None = None
    version: str | None = None

    @property
    def provider(self) -> str:
        """``"ik-defaults 0.1.0"``, or the plugin name for one registered in code."""
        if self.distribution is None:
            return f"{self.name} (registered in code)"
        return f"{self.distribution} {self.version}"


class IKPluginManager(pluggy.PluginManager):
    """A pluggy manager that remembers each plugin's distribution and version."""

    def __init__(self) -> None:
        super().__init__(hookspecs.PROJECT)
        self.add_hookspecs(hookspecs)
        self.plugin_info: dict[str, PluginInfo] = {}
        # Bumped on every change, so registries and config built from this manager go stale.
        self.generation = 0

    def register(self, plugin: Any, name: str | None = None) -> str | None:
        registered = super().register(plugin, name)
        self.generation += 1
        if registered is not None and registered not in self.plugin_info:
            self.plugin_info[registered] = PluginInfo(registered)
        return registered

    def unregister(self, plugin: Any = None, name: str | None = None) -> Any:
        removed_name = name or self.get_name(plugin)
        result = super().unregister(plugin, name)
        self.plugin_info.pop(removed_name, None)
        self.generation += 1
        return result

    def info_for(self, plugin: Any) -> PluginInfo:
        name = self.get_name(plugin)
        return self.plugin_info.get(name, PluginInfo(str(name)))


def _names_from_env(variable: str) -> set[str] | None:
    value = os.environ.get(variable)
    if value is None:
        return None
    return {part.strip() for part in value.split(",") if part.strip()}


def _wanted(entry_point: Any, allowed: set[str] | None, blocked: set[str]) -> bool:
    names = {entry_point.name}
    if entry_point.dist is not None:
        names.add(entry_point.dist.name)
    if names & blocked:
        return False
    return allowed is None or bool(names & allowed)


def load_entry_points(pm: IKPluginManager) -> None:
    """Register every wanted ``ik_host`` entry point; a failure names the entry point."""
    allowed = _names_from_env(LOAD_ENV)
    blocked = _names_from_env(DISABLE_ENV) or set()
    for entry_point in importlib_metadata.entry_points(group=ENTRY_POINT_GROUP):
        if not _wanted(entry_point, allowed, blocked) or pm.has_plugin(entry_point.name):
            continue
        dist = entry_point.dist
        dist_name = dist.name if dist is not None else None
        version = dist.version if dist is not None else None
        try:
            plugin = entry_point.load()
            pm.register(plugin, name=entry_point.name)
        except Exception as exc:
            raise PluginLoadError(
                f"error loading ik_host plugin {entry_point.name!r} "
                f"({entry_point.value}) from distribution {dist_name} {version}: "
                f"{type(exc).__name__}: {exc}"
            ) from exc
        pm.plugin_info[entry_point.name] = PluginInfo(entry_point.name, dist_name, version)


def make_plugin_manager(
    *, load_entrypoints: bool = True, plugins: Iterable[Any] = ()
) -> IKPluginManager:
    """A new manager: entry points (unless told not to) plus ``plugins`` registered in code."""
    pm = IKPluginManager()
    if load_entrypoints:
        load_entry_points(pm)
    for plugin in plugins:
        pm.register(plugin)
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        raise PluginLoadError(f"an ik_host plugin implements an unknown hook: {exc}") from exc
    return pm


_active: IKPluginManager | None = None


@functools.cache
def _default_plugin_manager() -> IKPluginManager:
    return make_plugin_manager()


def get_plugin_manager() -> IKPluginManager:
    """The manager in use: ``use_plugin_manager``'s, else the process-wide one, built lazily."""
    # Registries and config are keyed on it, so swapping it swaps them.
    return _active if _active is not None else _default_plugin_manager()


def use_plugin_manager(pm: IKPluginManager | None) -> None:
    """Make ``pm`` the manager in use (``None``: back to the process-wide one)."""
    global _active
    _active = pm

"""An opt-in pytest plugin for plugin authors: ``pytest -p ik_host.testing``.

``ik_plugin_manager`` gives a test a fresh manager built from the installed entry points (and
makes it the one in use); ``register_plugin`` registers an object of hookimpls for one test.
Registries and configuration follow the manager in use, so nothing else needs resetting.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from ik_host.plugins import IKPluginManager, make_plugin_manager, use_plugin_manager


@pytest.fixture
def ik_plugin_manager() -> Iterator[IKPluginManager]:
    pm = make_plugin_manager()
    use_plugin_manager(pm)
    try:
        yield pm
    finally:
        use_plugin_manager(None)


@pytest.fixture
def register_plugin(ik_plugin_manager: IKPluginManager) -> Callable[..., Any]:
    """``register_plugin(obj)``: a fresh manager with ``obj``'s hookimpls added."""

    def register(plugin: Any, name: str | None = None) -> Any:
        ik_plugin_manager.register(plugin, name=name)
        return plugin

    return register

"""An opt-in pytest plugin for plugin authors (``pytest -p ik_host.testing``): plugin-manager
fixtures, ``only_plugins``, and ``Shrink``/``Thumbnail`` for cache-file tests on any engine."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from ik_host.plugins import IKPluginManager, make_plugin_manager, use_plugin_manager
from ik_host.specs import ImageSpec


@contextmanager
def _in_use(pm: IKPluginManager) -> Iterator[IKPluginManager]:
    use_plugin_manager(pm)
    try:
        yield pm
    finally:
        use_plugin_manager(None)


@pytest.fixture
def ik_plugin_manager() -> Iterator[IKPluginManager]:
    with _in_use(make_plugin_manager()) as pm:
        yield pm


@pytest.fixture
def register_plugin(ik_plugin_manager: IKPluginManager) -> Callable[..., Any]:
    """``register_plugin(obj)``: a fresh manager with ``obj``'s hookimpls added."""

    def register(plugin: Any, name: str | None = None) -> Any:
        ik_plugin_manager.register(plugin, name=name)
        return plugin

    return register


@contextmanager
def only_plugins(*plugins: Any) -> Iterator[IKPluginManager]:
    """A manager holding exactly ``plugins`` (no entry points), in use until the block ends."""
    with _in_use(make_plugin_manager(load_entrypoints=False, plugins=plugins)) as pm:
        yield pm


class Shrink:
    """A processor resizing to a fixed size (any image with ``resize``), counting its calls on the
    class; ``delay`` holds each call open, for concurrency tests."""

    calls = 0
    size_role = "rescale"  # its size_hint lets the Pillow engine decode JPEGs at a reduced scale

    def __init__(self, width: int = 40, height: int = 30, delay: float = 0) -> None:
        self.width, self.height, self.delay = width, height, delay

    def process(self, image: Any) -> Any:
        type(self).calls += 1
        time.sleep(self.delay)
        return image.resize((self.width, self.height))

    def size_hint(self, source_size: tuple[int, int]) -> tuple[int, int]:
        return (self.width, self.height)


class Thumbnail(ImageSpec):
    """A spec for cache-file tests: one ``Shrink``, saved as a JPEG."""

    processors = [Shrink()]
    format = "JPEG"
    options = {"quality": 60}

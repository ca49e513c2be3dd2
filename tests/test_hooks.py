"""Each hook, implemented by a plugin registered in code, changes what the host does. Only the
plugins a test registers are in use, with the fakes of ``tests/host_fakes.py`` for the rest."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from ik_host import hookimpl
from ik_host.cachefile import CacheFile
from ik_host.components import get_state_cache
from ik_host.config import Config, get_config
from ik_host.plugins import get_plugin_manager
from ik_host.records import Namer, StateCache, Storage
from ik_host.specs import ImageSpec
from ik_host.testing import only_plugins
from tests.host_fakes import FakeComponents, fake_config


class Spec(ImageSpec):
    format = "PNG"


def _source(name: str = "pics/cat.png") -> io.BytesIO:
    source = io.BytesIO(b"read by the engine, which is a fake")
    source.name = name
    return source


class DictStorage:
    """A storage holding files in a dict; enough for the host."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}

    def exists(self, name: str) -> bool:
        return name in self.files

    def save(self, name: str, content: Any, max_length: int | None = None) -> str:
        self.files[name] = content.read()
        return name

    def open(self, name: str, mode: str = "rb") -> io.BytesIO:
        return io.BytesIO(self.files[name])

    def url(self, name: str) -> str:
        return f"mem://{name}"

    def size(self, name: str) -> int:
        return len(self.files[name])

    def delete(self, name: str) -> None:
        self.files.pop(name, None)


class CountingCache(dict):
    gets = 0

    def get(self, key: str, default: Any = None) -> Any:
        type(self).gets += 1
        return super().get(key, default)

    def set(self, key: str, value: Any, timeout: float | None = None) -> None:
        self[key] = value

    def add(self, key: str, value: Any, timeout: float | None = None) -> bool:
        return self.setdefault(key, value) is value

    def delete(self, key: str) -> None:
        self.pop(key, None)


class FakeConfig:
    """Answers ``ik_config`` with the fakes for every component."""

    @hookimpl
    def ik_config(self) -> Config:
        return fake_config()


@pytest.fixture
def register_plugin() -> Iterator[Callable[..., Any]]:
    """``register_plugin(obj)``: ``obj``'s hookimpls added to a manager holding only the fakes."""
    with only_plugins(FakeComponents()) as pm:

        def register(plugin: Any) -> Any:
            pm.register(plugin)
            return plugin

        yield register


class Components:
    @hookimpl
    def ik_register_namers(self) -> list[Namer]:
        return [Namer("flat", lambda generator: f"flat/{generator.get_hash()}.png")]

    @hookimpl
    def ik_register_storages(self) -> list[Storage]:
        return [Storage("dict", DictStorage)]

    @hookimpl
    def ik_register_state_caches(self) -> list[StateCache]:
        return [StateCache("counting", CountingCache)]


def test_registered_namer_storage_and_state_cache_are_used_by_name(
    register_plugin: Callable[..., Any],
) -> None:
    register_plugin(FakeConfig())
    register_plugin(Components())

    class Flat(Spec):
        cachefile_namer = "flat"
        cachefile_storage = "dict"

    file = CacheFile(Flat(source=_source()))
    assert file.name.startswith("flat/") and file.url == f"mem://{file.name}"
    storage = file.storage
    assert isinstance(storage, DictStorage) and file.name in storage.files
    assert storage.files[file.name] == b"FAKE 64x48 PNG\n"  # what the fake engine made


def test_ik_config_answer_is_the_configuration(register_plugin: Callable[..., Any]) -> None:
    class Configured:
        @hookimpl
        def ik_config(self) -> Config:
            return fake_config(cachefile_dir="thumbs", storage="dict", state_cache="counting")

    register_plugin(Components())
    register_plugin(Configured())
    assert get_config().cachefile_dir == "thumbs"
    file = CacheFile(Spec(source=_source()))
    assert file.name.startswith("thumbs/pics/cat/")
    assert file.url.startswith("mem://thumbs/")
    assert isinstance(get_state_cache(), CountingCache)  # what backends are handed


def test_without_an_answer_the_host_defaults_apply(register_plugin: Callable[..., Any]) -> None:
    register_plugin(Components())
    assert get_config().cachefile_dir == "CACHE/images"
    assert get_config().backend == Config().backend == "simple"


def test_unregistering_removes_the_components(register_plugin: Callable[..., Any]) -> None:
    register_plugin(FakeConfig())
    plugin = register_plugin(Components())

    class Flat(Spec):
        cachefile_namer = "flat"

    assert Flat(source=_source()).cachefile_name.startswith("flat/")
    get_plugin_manager().unregister(plugin)
    with pytest.raises(LookupError, match="no namer is registered as 'flat'"):
        Flat(source=_source()).cachefile_name  # noqa: B018

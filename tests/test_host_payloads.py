"""The host's payload protocol: generators travel by their id in the host's registry, sources
by what a plugin says (a path included: the defaults' answer is tested with them)."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ik_host import hookimpl
from ik_host.cachefile import CacheFile
from ik_host.generators import generator_registry
from ik_host.payloads import (
    CacheFileNameMismatch,
    PayloadError,
    SourceGone,
    describe,
    describe_source,
    open_source,
    prepare_worker,
    rebuild,
)
from ik_host.plugins import make_plugin_manager, use_plugin_manager


class Remote:
    """A source only its plugin knows how to find again."""

    def __init__(self, key: str) -> None:
        self.key = key
        self.name = f"remote/{key}.jpg"


class Plain:
    """A generator with an argument besides its source, named without any namer."""

    def __init__(self, width: int, source: Any = None) -> None:
        self.width = width
        self.source = source

    @property
    def cachefile_name(self) -> str:
        return f"out/{self.source.name}.{self.width}.png"

    def get_generator_kwargs(self) -> dict[str, Any]:
        return {"width": self.width}

    def generate(self) -> Any:
        raise AssertionError("rebuilding never generates")


class PluginCacheFile(CacheFile):
    """The cache-file class a plugin's framework uses."""


class RemotePlugin:
    def __init__(self) -> None:
        self.prepared = 0

    @hookimpl
    def ik_describe_source(self, source: Any) -> dict[str, Any] | None:
        return {"remote": source.key, "name": source.name} if isinstance(source, Remote) else None

    @hookimpl
    def ik_open_source(self, ref: dict[str, Any]) -> Any | None:
        if "remote" not in ref:
            return None
        if ref["remote"] == "deleted":
            raise SourceGone("deleted")
        return Remote(ref["remote"])

    @hookimpl
    def ik_cachefile_for_payload(self, generator: Any) -> Any | None:
        return PluginCacheFile(generator)

    @hookimpl
    def ik_prepare_worker(self) -> None:
        self.prepared += 1


@pytest.fixture
def plugin() -> Iterator[RemotePlugin]:
    plugin = RemotePlugin()
    use_plugin_manager(make_plugin_manager(load_entrypoints=False, plugins=[plugin]))
    generator_registry.register("plain:wide", Plain)
    try:
        yield plugin
    finally:
        generator_registry.unregister("plain:wide")
        use_plugin_manager(None)


@pytest.fixture
def no_plugins() -> Iterator[None]:
    use_plugin_manager(make_plugin_manager(load_entrypoints=False))
    try:
        yield
    finally:
        use_plugin_manager(None)


def round_trip(payload: dict[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(payload))


def test_a_plugin_describes_and_reopens_its_sources_and_makes_the_cache_file(
    plugin: RemotePlugin,
) -> None:
    file = CacheFile(Plain(30, source=Remote("a")))
    payload = round_trip(describe(file, force=True))
    assert payload == {
        "version": 1,
        "generator_id": "plain:wide",
        "generator_kwargs": {"width": 30},
        "source": {"remote": "a", "name": "remote/a.jpg"},
        "cachefile": "out/remote/a.jpg.30.png",
        "force": True,
    }
    rebuilt = rebuild(payload)
    assert isinstance(rebuilt, PluginCacheFile)
    assert isinstance(rebuilt.generator, Plain) and rebuilt.generator.width == 30
    assert rebuilt.generator.source.key == "a"
    assert rebuilt.name == file.name
    prepare_worker()
    assert plugin.prepared == 1


def test_a_source_gone_and_a_name_that_differs_are_told_apart(plugin: RemotePlugin) -> None:
    payload = round_trip(describe(CacheFile(Plain(30, source=Remote("deleted")))))
    with pytest.raises(SourceGone):
        rebuild(payload)
    payload = round_trip(describe(CacheFile(Plain(30, source=Remote("b")))))
    with pytest.raises(CacheFileNameMismatch, match="IMAGEKIT_"):
        rebuild({**payload, "cachefile": "out/other.png"})
    with pytest.raises(PayloadError, match=r"no generator is registered as 'plain:gone'.*wide"):
        rebuild({**payload, "generator_id": "plain:gone"})


def test_a_generator_travels_by_the_id_it_is_given_even_if_unregistered_there(
    plugin: RemotePlugin,
) -> None:
    payload = round_trip(describe(CacheFile(Plain(10, source=Remote("a"))), generator_id="p:gone"))
    assert payload["generator_id"] == "p:gone"
    with pytest.raises(PayloadError, match=r"'p:gone'.*register the same generators"):
        rebuild(payload)


def test_without_plugins_no_source_leaves_nor_comes_back(no_plugins: None, tmp_path: Path) -> None:
    path = tmp_path / "a.jpg"
    path.write_bytes(b"not really a jpeg")
    for source in (str(path), path):  # the defaults describe paths, not the host
        with pytest.raises(PayloadError, match="cannot leave this process"):
            describe_source(source)
    with pytest.raises(PayloadError, match="has no name"):
        describe_source(io.BytesIO(b"in memory"))
    assert describe_source(None) is None
    with pytest.raises(PayloadError, match="no plugin here can open"):
        open_source({"path": str(path), "name": str(path)})


def test_a_source_nobody_can_find_again_is_refused(no_plugins: None) -> None:
    with pytest.raises(PayloadError, match="cannot leave this process"):
        describe(CacheFile(Plain(10, source=Remote("a"))), generator_id="plain:wide")

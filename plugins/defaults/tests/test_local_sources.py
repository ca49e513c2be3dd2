"""The defaults' part of the payload protocol: a path or a file on this machine's disk travels
as ``{"path", "name"}`` and is reopened lazily (``ik_defaults.local_sources``), after every
other plugin has had its say; a rebuilt file is made in the worker (``ik_defaults.make_here``)."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from ik_defaults import defaults_hooks
from ik_defaults.local_sources import LazySource
from ik_defaults.make_here import EXISTED, GENERATED, cachefile_exists, generate_here
from ik_host import hookimpl
from ik_host.cachefile import CacheFile
from ik_host.generators import generator_registry
from ik_host.payloads import PayloadError, describe, describe_source, open_source, rebuild
from ik_host.plugins import make_plugin_manager, use_plugin_manager
from ik_host.state_records import CacheFileState, StateRecord
from ik_host.testing import Thumbnail


class Claims:
    """A plugin that knows every named source better than a path does."""

    @hookimpl
    def ik_describe_source(self, source: Any) -> dict[str, Any] | None:
        return {"claimed": True, "name": getattr(source, "name", "?")}

    @hookimpl
    def ik_open_source(self, ref: dict[str, Any]) -> Any | None:
        return "claimed"


@pytest.fixture
def defaults_only() -> Iterator[None]:
    use_plugin_manager(make_plugin_manager(load_entrypoints=False, plugins=[defaults_hooks]))
    try:
        yield
    finally:
        use_plugin_manager(None)


@pytest.fixture
def photo(tmp_path: Path) -> Path:
    path = tmp_path / "photos" / "a.jpg"
    path.parent.mkdir()
    path.write_bytes(b"not really a jpeg")
    return path


def test_a_path_travels_absolute_under_the_name_it_was_given(
    defaults_only: None, photo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(photo.parent.parent)
    assert describe_source("photos/a.jpg") == {"path": str(photo), "name": "photos/a.jpg"}
    assert describe_source(Path("photos/a.jpg")) == {"path": str(photo), "name": "photos/a.jpg"}
    assert describe_source(str(photo)) == {"path": str(photo), "name": str(photo)}


def test_a_file_object_travels_by_where_its_file_is_on_disk(
    defaults_only: None, photo: Path
) -> None:
    with open(photo, "rb") as handle:
        assert describe_source(handle) == {"path": str(photo), "name": str(photo)}
    root = photo.parent.parent

    class Stored:
        def __init__(self, storage: Any) -> None:
            self.name = "photos/a.jpg"
            self.storage = storage

    class Local:
        def path(self, name: str) -> str:
            return str(root / name)

    class Remote:
        def path(self, name: str) -> str:
            raise NotImplementedError

    assert describe_source(Stored(Local())) == {"path": str(photo), "name": "photos/a.jpg"}
    # A storage without paths, and a name that is no file here: only this process has it.
    with pytest.raises(PayloadError, match="cannot leave this process"):
        describe_source(Stored(Remote()))
    in_memory = io.BytesIO(b"bytes")
    in_memory.name = "nowhere/a.jpg"
    with pytest.raises(PayloadError, match="cannot leave this process"):
        describe_source(in_memory)


@pytest.mark.parametrize("order", ["defaults first", "defaults last"])
def test_another_plugin_answers_before_the_defaults(order: str, photo: Path) -> None:
    plugins = [defaults_hooks, Claims()]
    use_plugin_manager(
        make_plugin_manager(
            load_entrypoints=False, plugins=plugins if order == "defaults first" else plugins[::-1]
        )
    )
    try:
        with open(photo, "rb") as handle:
            assert describe_source(handle) == {"claimed": True, "name": str(photo)}
        assert open_source({"path": str(photo), "name": "a.jpg"}) == "claimed"
    finally:
        use_plugin_manager(None)


def test_a_path_reference_reopens_lazily(defaults_only: None, photo: Path) -> None:
    source = open_source({"path": str(photo), "name": "photos/a.jpg"})
    assert isinstance(source, LazySource)
    assert source.name == "photos/a.jpg" and source.closed
    assert source.readline() == b"not really a jpeg"  # any file method opens it
    assert source.seek(4) == 4 and source.read(6) == b"really"
    with source.open() as again:  # reopening an open source rewinds it
        assert again.tell() == 0
    assert source.closed
    with pytest.raises(PayloadError, match="no plugin here can open"):
        open_source({"somewhere": "else", "name": "a.jpg"})


@pytest.fixture
def registered_thumbnail() -> Iterator[str]:
    generator_registry.register("defaults-tests:thumbnail", Thumbnail)
    try:
        yield "defaults-tests:thumbnail"
    finally:
        generator_registry.unregister("defaults-tests:thumbnail")


def test_a_local_file_is_described_rebuilt_and_made_here(
    media: Path, jpeg_path: Path, registered_thumbnail: str
) -> None:
    payload = json.loads(json.dumps(describe(CacheFile(Thumbnail(source=str(jpeg_path))))))
    assert payload["generator_id"] == registered_thumbnail
    assert payload["source"] == {"path": str(jpeg_path), "name": str(jpeg_path)}
    rebuilt = rebuild(payload)
    assert isinstance(rebuilt.generator.source, LazySource)
    assert not cachefile_exists(rebuilt)
    assert generate_here(rebuilt) == GENERATED
    assert (media / payload["cachefile"]).is_file()
    assert generate_here(rebuild(payload)) == EXISTED
    assert generate_here(rebuild(payload), force=True) == GENERATED


def test_cachefile_exists_asks_the_storage_when_the_state_says_nothing_of_it(
    media: Path, jpeg_path: Path
) -> None:
    file = CacheFile(Thumbnail(source=str(jpeg_path)))
    generate_here(file)
    backend = file.cachefile_backend
    backend.set_record(file, StateRecord(CacheFileState.SCHEDULED))
    assert cachefile_exists(file)  # the storage has it
    assert backend.get_record(file).state is CacheFileState.EXISTS


def test_a_backend_without_states_or_single_flight_is_asked_plainly() -> None:
    made: list[bool] = []
    backend = SimpleNamespace(exists=lambda file: bool(made))
    file = SimpleNamespace(cachefile_backend=backend, generate=lambda force: made.append(force))
    assert not cachefile_exists(file)
    assert generate_here(file) == GENERATED and made == [False]
    assert generate_here(file) == EXISTED
    assert generate_here(file, force=True) == GENERATED and made == [False, True]

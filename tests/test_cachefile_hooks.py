"""What a plugin adapts of a cache file without subclassing the host: how a new file is saved
into a storage it knows (``ik_save_cachefile``), whether a storage's URLs can be remembered
(``ik_storage_urls_are_stable``), and who else is told what the strategy is told
(``ik_cachefile_listeners``)."""

from __future__ import annotations

from typing import Any

import pytest

from ik_host import hookimpl
from ik_host.cachefile import CacheFile
from ik_host.errors import MissingSource
from ik_host.specs import ImageSpec
from tests.host_fakes import Fakes, MemoryStorage


class Same:
    def process(self, img: Any) -> Any:
        return img


class Spec(ImageSpec):
    processors = [Same()]
    format = "PNG"


class KnowsMemoryStorage:
    """Saves MemoryStorage files itself and vouches for their URLs; listens to every event."""

    def __init__(self) -> None:
        self.saved: list[tuple[str, bool]] = []
        self.heard: list[tuple[str, str]] = []
        self.details: list[dict[str, Any]] = []

    @hookimpl
    def ik_save_cachefile(self, storage: Any, name: str, content: Any, replace: bool) -> Any:
        if not isinstance(storage, MemoryStorage):
            return None
        self.saved.append((name, replace))
        storage.files[name] = content.read()
        return name

    @hookimpl
    def ik_storage_urls_are_stable(self, storage_class: type) -> bool | None:
        return True if issubclass(storage_class, MemoryStorage) else None

    @hookimpl
    def ik_cachefile_listeners(self) -> list[Any]:
        return [self.listen]

    def listen(self, file: Any, event: str, **details: Any) -> None:
        self.heard.append((event, file.name))
        self.details.append(details)


@pytest.fixture
def plugin(ik_fakes: Fakes) -> KnowsMemoryStorage:
    plugin = KnowsMemoryStorage()
    ik_fakes.pm.register(plugin)
    return plugin


def test_a_plugin_saves_files_into_storages_it_knows(plugin: KnowsMemoryStorage) -> None:
    file = CacheFile(Spec(source="a.jpg"))
    file.generate()
    file.generate(force=True)  # a forced generation asks the storage to replace the file
    assert plugin.saved == [(file.name, False), (file.name, True)]


def test_without_an_answer_a_forced_file_replaces_the_old_one(ik_fakes: Fakes) -> None:
    file = CacheFile(Spec(source="a.jpg"))
    file.generate()
    ik_fakes.storage.files[file.name] = b"stale"
    file.generate(force=True)
    assert ik_fakes.storage.files[file.name] != b"stale"
    assert list(ik_fakes.storage.files) == [file.name]  # replaced, not saved beside


def test_urls_are_remembered_only_for_storages_a_plugin_vouches_for(
    ik_fakes: Fakes, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    original = MemoryStorage.url

    def counting(self: MemoryStorage, name: str) -> str:
        calls.append(name)
        return original(self, name)

    monkeypatch.setattr(MemoryStorage, "url", counting)
    file = CacheFile(Spec(source="a.jpg"))
    url = file.url
    assert file.url == url and len(calls) == 2  # nobody vouches: asked each time
    ik_fakes.pm.register(KnowsMemoryStorage())
    again = CacheFile(Spec(source="a.jpg"))
    assert again.url == again.url == url
    assert len(calls) == 3


def test_listeners_hear_what_the_strategy_hears(
    ik_fakes: Fakes, plugin: KnowsMemoryStorage
) -> None:
    file = CacheFile(Spec(source="a.jpg"))
    file.url  # noqa: B018
    file.read()
    required = [heard for heard in plugin.heard if heard[0].startswith("on_")]
    assert required == ik_fakes.strategy.events
    assert [event for event, _ in required] == ["on_existence_required", "on_content_required"]


def test_listeners_hear_each_generation_with_its_time_and_bytes(
    ik_fakes: Fakes, plugin: KnowsMemoryStorage
) -> None:
    file = CacheFile(Spec(source="a.jpg"))
    file.generate()
    file.generate()  # exists: nothing made, nothing heard
    assert plugin.heard == [("generated", file.name)]
    [details] = plugin.details
    assert details["size"] == len(ik_fakes.storage.files[file.name])
    assert 0 <= details["seconds"] < 60


def test_listeners_hear_a_failed_generation_with_its_exception(
    ik_fakes: Fakes, plugin: KnowsMemoryStorage
) -> None:
    ik_fakes.engine.fail = OSError("cannot read a.jpg")
    file = CacheFile(Spec(source="a.jpg"))
    with pytest.raises(OSError):
        file.generate()
    assert plugin.heard == [("failed", file.name)]
    assert plugin.details == [{"exception": ik_fakes.engine.fail}]


def test_a_file_without_a_source_has_no_name_and_refuses_to_be_used(
    ik_fakes: Fakes, plugin: KnowsMemoryStorage
) -> None:
    file = CacheFile(Spec(source=None))
    assert file.name is None and not file and repr(file) == "<CacheFile: None>"
    with pytest.raises(MissingSource):
        file.url  # noqa: B018
    with pytest.raises(MissingSource):
        file.generate()
    assert plugin.heard == [] and ik_fakes.strategy.events == []


def test_a_copy_reads_its_own_source_and_copies_the_generator_only_when_used(
    ik_fakes: Fakes,
) -> None:
    kept = CacheFile(Spec(source="a.jpg"))
    kept.resolve()
    twin = kept.copy(source="a-again.jpg")
    assert twin.name == kept.name and twin._generator is kept.generator  # nothing copied yet
    assert twin.generator.source == "a-again.jpg" and kept.generator.source == "a.jpg"


class SavesBeside(MemoryStorage):
    """Never overwrites: a taken name is saved under a free one, as Django's storages do."""

    def save(self, name: str, content: Any, max_length: int | None = None) -> str:
        free = name
        while free in self.files:
            free = "_" + free
        return super().save(free, content)


def test_a_storage_that_saves_beside_gets_the_forced_file_under_its_name(ik_fakes: Fakes) -> None:
    storage = SavesBeside()
    file = CacheFile(Spec(source="a.jpg"), storage=storage)
    file.generate()
    storage.files[file.name] = b"stale"
    file.generate(force=True)
    assert list(storage.files) == [file.name] and storage.files[file.name] != b"stale"


def test_a_forced_file_whose_save_fails_keeps_the_old_one(
    ik_fakes: Fakes, monkeypatch: pytest.MonkeyPatch
) -> None:
    file = CacheFile(Spec(source="a.jpg"))
    file.generate()
    old = ik_fakes.storage.files[file.name]

    def failing(name: str, content: Any, max_length: int | None = None) -> str:
        raise OSError("disk full")

    monkeypatch.setattr(ik_fakes.storage, "save", failing)
    with pytest.raises(Exception, match="disk full"):
        file.generate(force=True)
    assert ik_fakes.storage.files[file.name] == old

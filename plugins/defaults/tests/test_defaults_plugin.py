"""ik-defaults is found through its entry point and its components behave as documented."""

from __future__ import annotations

import io
import threading
import time
from pathlib import Path

import pytest

from ik_defaults import FileSystemStorage, JustInTime, MemoryStateCache, Simple
from ik_defaults import cachefile_namers as default_namers
from ik_host.cachefile import save_cachefile
from ik_host.cli import plugin_report
from ik_host.registry import get_registry


def test_discovered_through_its_entry_point_with_every_component() -> None:
    report = {entry["name"]: entry for entry in plugin_report()}
    defaults = report["defaults"]
    assert defaults["distribution"] == "ik-defaults"
    assert defaults["components"] == {
        "backend": ["simple"],
        "namer": ["hash", "source_name_as_path", "source_name_dot_hash"],
        "state_cache": ["memory"],
        "storage": ["filesystem"],
        "strategy": ["just_in_time"],
    }


@pytest.mark.parametrize(
    ("kind", "name", "obj"),
    [
        ("backend", "imagekit.cachefiles.backends.Simple", Simple),
        ("strategy", "imagekit.cachefiles.strategies.JustInTime", JustInTime),
        ("strategy", "JustInTime", JustInTime),
        (
            "namer",
            "imagekit.cachefiles.namers.source_name_as_path",
            default_namers.source_name_as_path,
        ),
        ("storage", "filesystem", FileSystemStorage),
        ("state_cache", "memory", MemoryStateCache),
    ],
)
def test_django_imagekit_names_resolve_without_importing_imagekit(
    kind: str, name: str, obj: object
) -> None:
    assert get_registry(kind).resolve(name) is obj


def test_storage_writes_atomically_and_overwrites(tmp_path: Path) -> None:
    storage = FileSystemStorage(str(tmp_path), "/m/")
    assert storage.save("a/b c.jpg", b"one") == "a/b c.jpg"
    assert storage.save("a/b c.jpg", b"two") == "a/b c.jpg"  # replaced, not renamed
    assert (tmp_path / "a" / "b c.jpg").read_bytes() == b"two"
    assert storage.url("a/b c.jpg") == "/m/a/b%20c.jpg"
    assert storage.size("a/b c.jpg") == 3 and storage.exists("a/b c.jpg")
    storage.delete("a/b c.jpg")
    storage.delete("a/b c.jpg")  # deleting twice is fine
    assert not storage.exists("a/b c.jpg")


def test_storage_leaves_nothing_when_the_content_fails_mid_way(tmp_path: Path) -> None:
    class Failing:
        def chunks(self):
            yield b"partial"
            raise OSError("connection reset")

    storage = FileSystemStorage(str(tmp_path))
    with pytest.raises(OSError, match="connection reset"):
        storage.save("x/y.jpg", Failing())
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == []


def test_memory_cache_expiry_and_atomic_add() -> None:
    cache = MemoryStateCache()
    cache.set("k", 1, timeout=0.05)
    assert cache.get("k") == 1 and cache.get_many(["k", "z"]) == {"k": 1}
    time.sleep(0.06)
    assert cache.get("k", "gone") == "gone"
    winners = []
    threads = [
        threading.Thread(target=lambda i=i: cache.add("lock", i) and winners.append(i))
        for i in range(20)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(winners) == 1
    assert cache.delete("lock") and not cache.delete("lock")


def test_the_filesystem_storages_urls_are_remembered_but_not_a_subclasss(tmp_path: Path) -> None:
    class Signed(FileSystemStorage):
        def url(self, name: str) -> str:
            return super().url(name) + "?signature=..."

    registries = get_registry()
    assert registries.stable_urls(FileSystemStorage(str(tmp_path))) is True
    assert registries.stable_urls(Signed(str(tmp_path))) is False


def test_a_forced_file_is_overwritten_in_place_never_deleted_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    storage = FileSystemStorage(str(tmp_path))
    storage.save("a.jpg", io.BytesIO(b"old"))
    monkeypatch.setattr(storage, "delete", lambda name: pytest.fail(f"deleted {name}"))
    assert save_cachefile(storage, "a.jpg", io.BytesIO(b"new"), replace=True) == "a.jpg"
    assert (tmp_path / "a.jpg").read_bytes() == b"new"

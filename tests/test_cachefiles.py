"""Cache files as the host makes them, with the in-memory fakes of ``tests/host_fakes.py`` in
every role: what a cache file asks of its strategy, backend, storage and engine, the records it
keeps, the spec hash and the state keys. (The defaults and the Pillow engine end to end:
``plugins/defaults/tests/test_cachefiles_end_to_end.py``.)"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from ik_host.cachefile import CacheFile
from ik_host.config import DEFAULT_LIMITS
from ik_host.errors import CacheFileError, MissingSource
from ik_host.records import Job
from ik_host.state_records import CacheFileState, StateRecord, state_key
from ik_host.testing import Shrink, Thumbnail
from tests.host_fakes import Fakes, MemoryStorage

SOURCE = "photos/bulldog.jpg"


@pytest.fixture(autouse=True)
def _count_from_zero() -> None:
    Shrink.calls = 0


def test_first_access_asks_the_strategy_then_the_backend_and_keeps_the_record(
    ik_fakes: Fakes,
) -> None:
    file = CacheFile(Thumbnail(source=SOURCE))
    assert "not computed" in repr(file) and ik_fakes.engine.jobs == []  # repr does nothing
    url = file.url
    name = file.name
    assert name == f"CACHE/images/photos/bulldog/{Thumbnail(source=SOURCE).get_hash()}.jpeg"
    assert url == f"/media/{name}" and name in ik_fakes.storage.files
    assert ik_fakes.strategy.events == [("on_existence_required", name)]
    assert ik_fakes.backend.calls[0] == ("generate", name)
    (job,) = ik_fakes.engine.jobs
    assert job == Job(
        SOURCE, job.processors, "JPEG", {"quality": 60}, True, DEFAULT_LIMITS, SOURCE, "none"
    )  # a plain spec asks for no placeholder: it is computed on its first read
    assert list(job.processors) == Thumbnail.processors
    record = file.state()
    size = len(ik_fakes.storage.files[name])
    assert record == StateRecord(CacheFileState.EXISTS, 40, 30, size)
    assert (file.width, file.height) == (40, 30) and file.size == size
    assert ik_fakes.engine.sized == []  # the sizes came from the record, not the stored file
    assert file.read() == b"FAKE 40x30 JPEG\n"
    file.close()
    assert Shrink.calls == 1  # nothing above generated twice


def test_content_is_announced_to_the_strategy_before_it_is_read(ik_fakes: Fakes) -> None:
    file = CacheFile(Thumbnail(source=SOURCE))
    with file.open() as handle:
        assert handle.read().startswith(b"FAKE")
    assert ik_fakes.strategy.events == [("on_content_required", file.name)]


def test_a_strategy_vouching_for_existence_spares_the_backend(ik_fakes: Fakes) -> None:
    class Vouching:
        def should_verify_existence(self, file: Any) -> bool:
            return False

    file = CacheFile(Thumbnail(source=SOURCE), cachefile_strategy=Vouching())
    assert bool(file) is True
    assert ik_fakes.backend.calls == [] and ik_fakes.engine.jobs == []
    assert bool(CacheFile(Thumbnail(source=SOURCE))) is True  # the fake strategy generates
    assert ("exists", file.name) in ik_fakes.backend.calls


def test_sizes_missing_from_the_record_are_read_by_the_engine_and_recorded(
    ik_fakes: Fakes,
) -> None:
    file = CacheFile(Thumbnail(source=SOURCE))
    ik_fakes.storage.save(file.name, b"FAKE 7x5 PNG\n")  # made elsewhere: no record
    assert file.dimensions == (7, 5)
    assert ik_fakes.engine.sized == [file.name]
    assert ik_fakes.backend.records[file.name] == StateRecord(CacheFileState.EXISTS, 7, 5)
    assert CacheFile(Thumbnail(source=SOURCE)).dimensions == (7, 5)
    assert ik_fakes.engine.sized == [file.name]  # asked once, then known


def test_a_failed_save_names_the_file_and_the_storage(ik_fakes: Fakes) -> None:
    class ExplodingStorage(MemoryStorage):
        def save(self, name: str, content: Any, max_length: int | None = None) -> str:
            raise OSError("disk full")

    file = CacheFile(Thumbnail(source=SOURCE), storage=ExplodingStorage())
    named = r"storing cache file 'CACHE/images/\S+\.jpeg' in ExplodingStorage failed: .*disk full"
    with pytest.raises(CacheFileError, match=named):
        file.generate()
    assert file.state().state is CacheFileState.FAILED


def test_a_copy_shares_the_components_but_not_the_open_file_or_known_state(
    ik_fakes: Fakes,
) -> None:
    file = CacheFile(Thumbnail(source=SOURCE))
    file.resolve()
    file.read()
    file.existence_record = file.state()
    twin = file.copy()
    assert twin.name == file.name and twin.storage is file.storage
    assert twin.cachefile_backend is file.cachefile_backend
    assert twin._file is None and twin.existence_record is None


def test_state_keys_are_short_and_plain() -> None:
    key = state_key("imagekit:", "CACHE/images/ a very long name with spaces " * 20 + "ü.jpg")
    assert len(key) < 250 and key.isascii() and " " not in key


def test_hash_is_stable_across_processes() -> None:
    code = (
        "from tests.test_cachefiles import Thumbnail; "
        f"print(Thumbnail(source={SOURCE!r}).get_hash())"
    )
    root = Path(__file__).resolve().parents[1]
    hashes = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            cwd=root,
            env={"PYTHONHASHSEED": seed, "PATH": ""},
            check=True,
        ).stdout.strip()
        for seed in ("1", "2")
    }
    assert len(hashes) == 1
    assert hashes == {Thumbnail(source=SOURCE).get_hash()}


def test_hash_changes_with_anything_that_shapes_the_output() -> None:
    base = Thumbnail(source=SOURCE).get_hash()

    class Bigger(Thumbnail):
        processors = [Shrink(41, 30)]

    class Png(Thumbnail):
        format = "PNG"

    class Better(Thumbnail):
        options = {"quality": 61}

    others = {
        Bigger(source=SOURCE).get_hash(),
        Png(source=SOURCE).get_hash(),
        Better(source=SOURCE).get_hash(),
        Thumbnail(source="other.jpg").get_hash(),
    }
    assert base not in others and len(others) == 4


def test_hash_is_computed_once_per_source(ik_fakes: Fakes, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = Thumbnail(source=SOURCE)
    first = spec.get_hash()
    monkeypatch.setattr("ik_host.specs.spec_hash", lambda *a: pytest.fail("hashed again"))
    assert spec.get_hash() == first
    assert spec.cachefile_name == spec.cachefile_name


def test_missing_source_is_a_clear_error() -> None:
    with pytest.raises(MissingSource, match="Thumbnail has no source"):
        Thumbnail().cachefile_name  # noqa: B018


def test_dict_strategy(ik_fakes: Fakes) -> None:
    seen: list[str] = []

    class Custom(Thumbnail):
        cachefile_strategy = {"on_existence_required": lambda f: seen.append(f.name)}

    file = CacheFile(Custom(source=SOURCE))
    file.url  # noqa: B018
    assert seen == [file.name] and Shrink.calls == 0


def test_state_records_survive_a_round_trip() -> None:
    record = StateRecord(CacheFileState.EXISTS, 10, 20, 300)
    assert StateRecord.load(record.dump()) == record
    assert StateRecord.load("exists") == StateRecord(CacheFileState.EXISTS)
    assert StateRecord.load(None) is None and StateRecord.load(("bogus",)) is None

"""The request-local states ``CachedFileBackend`` consults before its state cache."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from types import SimpleNamespace
from unittest import mock

from ik_defaults import FileSystemStorage, MemoryStateCache, Simple
from ik_defaults.cached_backends import prefetch_states
from ik_defaults.statecache import active_local_states, local_states
from ik_host.state_records import CacheFileState, StateRecord


def make(tmp_path: Path) -> tuple[MemoryStateCache, Simple, SimpleNamespace]:
    cache = MemoryStateCache()
    backend = Simple(cache=cache, prefix="t:", timeout=None, missing_timeout=5, lock_timeout=5)
    file = SimpleNamespace(
        name="x.jpg", storage=FileSystemStorage(str(tmp_path)), _generate=mock.Mock()
    )
    return cache, backend, file


def test_reads_and_writes_are_kept_for_the_block(tmp_path: Path) -> None:
    cache, backend, file = make(tmp_path)
    key = backend.get_key(file)
    cache.set(key, "exists")
    with local_states() as states:
        assert backend.get_state(file) is CacheFileState.EXISTS
        cache.delete(key)  # the block keeps what it has seen
        assert backend.get_state(file) is CacheFileState.EXISTS
        backend.set_state(file, CacheFileState.GENERATING)
        assert states == {key: "generating"} and cache.get(key) == "generating"
    assert active_local_states() is None


def test_prefetch_fills_hits_and_misses_and_skips_known_keys(tmp_path: Path) -> None:
    cache, backend, file = make(tmp_path)
    other = SimpleNamespace(name="y.jpg", cachefile_backend=backend)
    file.cachefile_backend = backend
    cache.set(backend.get_key(file), "exists")
    states: dict[str, object] = {}
    prefetch_states([file, other, SimpleNamespace(name="z", cachefile_backend=None)], states)
    assert states == {backend.get_key(file): "exists", backend.get_key(other): None}
    with mock.patch.object(cache, "get_many") as get_many:
        prefetch_states([file, other], states)
    assert get_many.call_count == 0


def test_a_waiting_generation_sees_the_holder_finish_despite_the_block(tmp_path: Path) -> None:
    cache, backend, file = make(tmp_path)
    key = backend.get_key(file)
    cache.add(key + ":lock", "held elsewhere")

    def holder() -> None:
        time.sleep(0.2)
        cache.set(key, StateRecord(CacheFileState.EXISTS, 4, 3).dump())
        cache.delete(key + ":lock")

    thread = threading.Thread(target=holder)
    with local_states({key: None}):  # a miss seen before the holder finished
        thread.start()
        record = backend.generate_now(file)
    thread.join()
    assert (record.state, record.width) == (CacheFileState.EXISTS, 4)
    assert not file._generate.called

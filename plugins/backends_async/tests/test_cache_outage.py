"""The async backends while the state cache is down: the request path does not fail.

What happens instead, as ``Simple`` does it without its lock: the outage is logged once and each
file is still scheduled, without the shared "scheduled" marker. This process remembers what it
scheduled meanwhile (for the schedule timeout), so a page viewed again enqueues nothing new;
another process may enqueue a file once more, which costs a worker one look at the storage (it
finds the file made; files are written atomically). Enqueueing that fails is still an
``EnqueueError``, then not tried again in this process for the missing-state timeout. A worker
makes and stores the file whatever the state cache does.
"""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path
from typing import Any

import pytest
from django.db import connections

from ik_backends_async import AsyncBackend, EnqueueError
from ik_backends_async import queue_backends as backends_module
from ik_backends_async.worker import generate_from_payload
from ik_host.config import get_config, set_config
from ik_host.errors import SourceImageError
from ik_host.payloads import PayloadError, describe
from ik_host.state_records import CacheFileState
from ik_testproject.asyncapp.models import AsyncPhoto
from ik_testproject.images import image_bytes, image_content
from imagekit.cachefiles import ImageCacheFile
from imagekit.registry import generator_registry
from tests import services

BACKEND_LOGGER = "ik_defaults.cached_backends"


class StateCache:
    """A dict-backed state cache that fails on every call while ``down``, as a Redis client
    does while Redis is unreachable."""

    def __init__(self, down: bool = True) -> None:
        self.down = down
        self.data: dict[str, Any] = {}
        self.calls = 0

    def _call(self) -> None:
        self.calls += 1
        if self.down:
            raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    def get(self, key: str, default: Any = None) -> Any:
        self._call()
        return self.data.get(key, default)

    def set(self, key: str, value: Any, timeout: Any = None) -> None:
        self._call()
        self.data[key] = value

    def add(self, key: str, value: Any, timeout: Any = None) -> bool:
        self._call()
        if key in self.data:
            return False
        self.data[key] = value
        return True

    def delete(self, key: str) -> None:
        self._call()
        self.data.pop(key, None)


class Recording(AsyncBackend):
    """An async backend whose queue is a list; ``broker_down`` makes enqueueing fail."""

    name = "recording"
    label = "Recording"
    library = "json"
    extra = "recording"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.enqueued: list[dict[str, Any]] = []
        self.attempts = 0
        self.broker_down = False

    def enqueue(self, payload: dict[str, Any], options: Any) -> None:
        self.attempts += 1
        if self.broker_down:
            raise ConnectionError("the broker refused the connection")
        self.enqueued.append(json.loads(json.dumps(payload)))


@pytest.fixture
def source(tmp_path: Path) -> str:
    path = tmp_path / "photos" / "cat.jpg"
    path.parent.mkdir()
    path.write_bytes(image_bytes((120, 80)))
    return str(path)


def square(source: Any, backend: Any = None) -> ImageCacheFile:
    """A new request's cache file of the test app's ``testapp:square`` spec."""
    return ImageCacheFile(
        generator_registry.get("testapp:square", source=source), cachefile_backend=backend
    )


def outage_warnings(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == BACKEND_LOGGER and r.levelno == logging.WARNING]


def dead_redis_cache() -> dict[str, Any]:
    """A Django cache on a 127.0.0.1 port where nothing listens."""
    return {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": f"redis://127.0.0.1:{services.free_port()}/0",
    }


# -- the request path ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_during_an_outage_the_url_is_returned_and_the_file_scheduled_once_here(source, caplog):
    backend = Recording(cache=StateCache(down=True))
    file = square(source, backend)

    assert file.url == file.storage.url(file.name)
    assert backend.enqueued == [describe(file)]
    # The same page again, in this process: nothing new on the queue.
    assert not file
    assert square(source, backend).url == file.url
    assert not square(source, backend)
    assert len(backend.enqueued) == 1
    [warning] = outage_warnings(caplog)
    assert "failed (ConnectionError" in warning.getMessage()


@pytest.mark.django_db
def test_another_process_during_the_outage_schedules_the_file_once_too(source):
    cache = StateCache(down=True)
    here, there = Recording(cache=cache), Recording(cache=cache)
    assert here.generate(square(source, here)) is True
    assert there.generate(square(source, there)) is True
    assert there.generate(square(source, there)) is False
    assert [len(here.enqueued), len(there.enqueued)] == [1, 1]


@pytest.mark.django_db
def test_schedule_says_whether_it_enqueued_and_force_still_enqueues(source):
    backend = Recording(cache=StateCache(down=True))
    file = square(source, backend)
    assert backend.schedule(file) is True
    assert backend.schedule(file) is False
    assert backend.schedule(file, force=True) is True
    assert backend.generate(file) is False
    assert [payload["force"] for payload in backend.enqueued] == [False, True]


@pytest.mark.django_db
def test_this_process_schedules_the_file_again_once_its_own_marker_expires(source):
    backend = Recording(cache=StateCache(down=True), schedule_timeout=0.2)
    assert backend.generate(square(source, backend)) is True
    assert backend.generate(square(source, backend)) is False
    time.sleep(0.3)  # a lost task is made good, as the shared marker's expiry would
    assert backend.generate(square(source, backend)) is True
    assert len(backend.enqueued) == 2


@pytest.mark.django_db
def test_what_this_process_remembers_in_a_long_outage_is_bounded(monkeypatch, tmp_path):
    monkeypatch.setattr(backends_module, "LOCAL_MARKERS_MAX", 2)
    backend = Recording(cache=StateCache(down=True))
    first = "first.jpg"
    for name in (first, "second.jpg", "third.jpg"):
        (tmp_path / name).write_bytes(image_bytes((40, 30)))
        assert backend.generate(square(str(tmp_path / name), backend)) is True
    assert len(backend._scheduled_here) == 1
    # Forgotten with the rest: scheduled once more, never on every access.
    assert backend.generate(square(str(tmp_path / first), backend)) is True
    assert backend.generate(square(str(tmp_path / first), backend)) is False


@pytest.mark.django_db
def test_once_the_cache_answers_again_the_shared_marker_is_used(source, caplog):
    caplog.set_level(logging.INFO, logger=BACKEND_LOGGER)
    cache = StateCache(down=True)
    backend = Recording(cache=cache)
    backend.cache_retry_seconds = 0
    assert backend.generate(square(source, backend)) is True

    cache.down = False
    # Scheduled again, once for everyone: the first enqueue left no state anyone could see.
    assert backend.generate(square(source, backend)) is True
    assert square(source, backend).state().state is CacheFileState.SCHEDULED
    assert cache.data[backend.schedule_key(square(source, backend))] == "scheduled"
    other = Recording(cache=cache)
    assert other.generate(square(source, other)) is False
    assert backend.generate(square(source, backend)) is False
    assert len(backend.enqueued) == 2 and other.enqueued == []
    assert any("answers again" in r.getMessage() for r in caplog.records)


@pytest.mark.django_db
def test_a_source_that_cannot_leave_the_process_is_still_an_error_during_an_outage():
    backend = Recording(cache=StateCache(down=True))
    spec = generator_registry.get("testapp:square", source=_InMemory())
    file = ImageCacheFile(spec, cachefile_backend=backend)
    for _ in range(2):  # not taken as scheduled the second time
        with pytest.raises(PayloadError, match="cannot leave this process"):
            file.generate()
    assert backend.enqueued == []


class _InMemory:
    name = "memory/only.jpg"

    def read(self) -> bytes:
        return b""


@pytest.mark.django_db
def test_a_broker_down_during_the_outage_is_an_enqueue_error_then_a_short_pause(source):
    backend = Recording(cache=StateCache(down=True))
    backend.broker_down = True
    set_config(get_config().replace(missing_timeout=0.2))
    try:
        with pytest.raises(EnqueueError, match=r"could not enqueue .*ConnectionError: the broker"):
            square(source, backend).url  # noqa: B018
        assert not square(source, backend)  # not tried again on every access
        assert backend.attempts == 1
        time.sleep(0.3)
        backend.broker_down = False
        assert square(source, backend).url
        assert backend.attempts == 2 and len(backend.enqueued) == 1
    finally:
        set_config(None)


@pytest.mark.django_db
def test_unschedule_during_the_outage_lets_this_process_schedule_again(source):
    backend = Recording(cache=StateCache(down=True))
    file = square(source, backend)
    assert backend.schedule(file) is True
    backend.unschedule(file)
    assert backend.schedule(file) is True
    assert len(backend.enqueued) == 2


# -- a real Redis that is down, a real queue -----------------------------------------------------


@pytest.mark.django_db(transaction=True, databases=["default", "async"])
def test_redis_state_cache_down_rq_still_enqueues_and_the_worker_still_stores(
    use_broker, settings, caplog
):
    broker = use_broker("rq")  # the queue's Redis is up; the state cache's is not
    queue = f"{broker.queue}-outage"
    settings.IMAGEKIT_ASYNC_QUEUE = queue
    settings.CACHES = {**settings.CACHES, "ikasync": dead_redis_cache()}
    photo = AsyncPhoto()
    photo.image.save("outage.jpg", image_content("outage.jpg", (300, 200)))
    try:
        file = photo.rq_thumb
        assert file.url == file.storage.url(file.name)
        assert broker.count(queue) == 1
        again = AsyncPhoto.objects.get(pk=photo.pk).rq_thumb
        assert again.url == file.url and not again
        assert broker.count(queue) == 1
        [payload] = broker.payloads(queue)
        assert payload == describe(file)

        # The worker's side, here, with the same dead state cache.
        assert generate_from_payload(payload) == {"status": "generated", "cachefile": file.name}
        assert file.storage.exists(file.name)
        assert AsyncPhoto.objects.get(pk=photo.pk).rq_thumb  # the storage says so
        [warning] = outage_warnings(caplog)
        assert "ConnectionError" in warning.getMessage()
    finally:
        broker.delete(queue)
        connections.close_all()


@pytest.mark.django_db
def test_a_failing_generation_in_a_worker_during_the_outage_raises_its_own_error(
    settings, tmp_path
):
    settings.CACHES = {**settings.CACHES, "ik_dead": dead_redis_cache()}
    settings.IMAGEKIT_CACHE_BACKEND = "ik_dead"
    settings.IMAGEKIT_DEFAULT_CACHEFILE_BACKEND = "rq"
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(image_bytes((300, 200))[:400])
    payload = describe(square(str(broken)))

    with pytest.raises(SourceImageError, match="as a source image"):
        generate_from_payload(payload)


@pytest.mark.django_db
def test_a_worker_during_the_outage_stores_the_file(settings, source):
    settings.CACHES = {**settings.CACHES, "ik_dead": dead_redis_cache()}
    settings.IMAGEKIT_CACHE_BACKEND = "ik_dead"
    settings.IMAGEKIT_DEFAULT_CACHEFILE_BACKEND = "rq"
    file = square(source)
    payload = describe(file)

    assert generate_from_payload(payload)["status"] == "generated"
    assert Path(file.storage.path(file.name)).stat().st_size > 0
    assert generate_from_payload(payload)["status"] == "existed"  # asked of the storage

"""The async backends without a worker: registration, names, options, scheduling rules, errors.

(The worker processes are in ``test_queues``.)
"""

from __future__ import annotations

import json
import sys
import time
import warnings
from pathlib import Path

import pytest
from django.test import override_settings
from PIL import Image

import ik_backends_async
from ik_backends_async import RQ, Async, AsyncBackend, Celery, Dramatiq, EnqueueError
from ik_backends_async.queue_backends import MissingQueueLibrary
from ik_backends_async.queue_options import AsyncOptions, current_options
from ik_backends_async.worker import generate_from_payload
from ik_host.components import get_backend
from ik_host.config import Config, get_config, set_config
from ik_host.payloads import PayloadError, describe
from ik_host.registry import get_registry
from ik_host.state_records import CacheFileState, StateRecord, state_key
from ik_testproject.images import image_bytes
from imagekit.cachefiles import ImageCacheFile, backends
from imagekit.registry import generator_registry

pytestmark = pytest.mark.django_db


class Recording(AsyncBackend):
    """An async backend whose queue is a list (its "library" is always installed)."""

    name = "recording"
    label = "Recording"
    library = "json"
    extra = "recording"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.enqueued = []

    def enqueue(self, payload, options):
        self.enqueued.append(json.loads(json.dumps(payload)))  # what a JSON queue would carry


@pytest.fixture
def source(tmp_path: Path) -> str:
    path = tmp_path / "photos" / "dog.jpg"
    path.parent.mkdir()
    path.write_bytes(image_bytes((120, 80)))
    return str(path)


def square(source, backend) -> ImageCacheFile:
    """The cache file of the test app's registered ``testapp:square`` spec."""
    return ImageCacheFile(generator_registry.get("testapp:square", source=source),
                          cachefile_backend=backend)


# -- names ---------------------------------------------------------------------------------------


def test_the_backends_are_registered_by_short_name_and_imagekit_path():
    registry = get_registry("backend")
    for name, cls in (("celery", Celery), ("rq", RQ), ("dramatiq", Dramatiq), ("async", Async)):
        assert registry.get(name).obj is cls
        assert getattr(backends, cls.__name__) is cls
        assert registry.resolve(f"imagekit.cachefiles.backends.{cls.__name__}") is cls
    assert registry.get("Dramatiq").obj is Dramatiq  # names are case-insensitive


@pytest.mark.parametrize(
    ("setting", "cls"),
    [("celery", Celery), ("rq", RQ), ("dramatiq", Dramatiq),
     ("imagekit.cachefiles.backends.Celery", Celery), ("imagekit.cachefiles.backends.RQ", RQ),
     ("imagekit.cachefiles.backends.Dramatiq", Dramatiq)],
)
def test_the_default_backend_setting_takes_either_name(setting, cls):
    with override_settings(IMAGEKIT_DEFAULT_CACHEFILE_BACKEND=setting):
        assert type(get_backend()) is cls


def test_async_is_the_celery_backend_and_says_it_is_deprecated():
    with pytest.warns(DeprecationWarning, match=r"Async' is deprecated.*backends\.Celery"):
        backend = Async()
    assert isinstance(backend, Celery)
    with override_settings(IMAGEKIT_DEFAULT_CACHEFILE_BACKEND="imagekit.cachefiles.backends.Async"):
        with pytest.warns(DeprecationWarning):
            assert isinstance(get_backend(), Celery)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Celery()  # the new name does not warn


@pytest.mark.parametrize(("cls", "module"), [(Celery, "celery"), (RQ, "rq"),
                                             (Dramatiq, "dramatiq")])
def test_a_missing_library_is_named_with_what_to_install(cls, module, monkeypatch):
    monkeypatch.setitem(sys.modules, module, None)  # as if it were not installed
    with pytest.raises(MissingQueueLibrary) as info:
        cls()
    assert f"pip install 'ik-backends-async[{module}]'" in str(info.value)
    assert isinstance(info.value, ImportError)


def test_a_library_that_breaks_on_import_is_reported_when_enqueueing(monkeypatch, source):
    backend = RQ()
    monkeypatch.delitem(sys.modules, "ik_backends_async.rq_jobs", raising=False)
    monkeypatch.setitem(sys.modules, "rq", None)
    with pytest.raises(MissingQueueLibrary, match=r"ik-backends-async\[rq\]"):
        square(source, backend).generate()


# -- options -------------------------------------------------------------------------------------


def test_options_come_from_arguments_then_the_config_then_defaults(settings):
    assert current_options() == AsyncOptions()
    settings.IMAGEKIT_ASYNC_QUEUE = "from-settings"
    settings.IMAGEKIT_ASYNC_RETRY_AFTER = 7
    # The Django app hands its settings on through the host configuration.
    assert get_config().extra["async"] == {"queue": "from-settings", "retry_after": 7}
    assert current_options() == AsyncOptions(queue="from-settings", retry_after=7)
    set_config(get_config().replace(extra={"async": {"queue": "from-config"}}))
    try:
        assert current_options() == AsyncOptions(queue="from-config")
        assert Recording(queue="from-argument").options.queue == "from-argument"
        set_config(Config(extra={"async": {"queu": "typo"}}))
        with pytest.raises(TypeError, match=r"unknown options.*'queu'"):
            current_options()
    finally:
        set_config(None)
    settings.IMAGEKIT_ASYNC_QUEU = "typo"
    with pytest.raises(TypeError, match="IMAGEKIT_ASYNC_QUEU"):
        current_options()


def test_states_kept_for_their_options_timeouts(settings):
    settings.IMAGEKIT_ASYNC_SCHEDULE_TIMEOUT = 11
    settings.IMAGEKIT_ASYNC_RETRY_AFTER = 22
    settings.IMAGEKIT_ASYNC_LOCK_TIMEOUT = 33
    backend = Recording()
    assert backend.timeout_for(CacheFileState.SCHEDULED) == 11
    assert backend.timeout_for(CacheFileState.FAILED) == 22
    assert backend.lock_timeout == 33
    assert backend.timeout_for(CacheFileState.EXISTS) is get_config().cache_timeout
    settings.IMAGEKIT_ASYNC_LOCK_TIMEOUT = None
    assert backend.lock_timeout == get_config().lock_timeout


# -- scheduling ----------------------------------------------------------------------------------


def test_a_missing_file_is_scheduled_once_with_a_json_payload(source):
    backend = Recording()
    file = square(source, backend)

    assert not file
    assert not file  # scheduled: asking again enqueues nothing
    assert backend.enqueued == [describe(file)]
    [payload] = backend.enqueued
    assert payload == {
        "version": 1,
        "generator_id": "testapp:square",
        "source": {"path": source, "name": source},
        "cachefile": file.name,
        "force": False,
    }
    assert file.state().state is CacheFileState.SCHEDULED
    assert not Path(file.storage.path(file.name)).exists()


def test_existing_and_failed_files_are_not_scheduled_unless_forced(source):
    backend = Recording()
    file = square(source, backend)
    backend.set_record(file, StateRecord(CacheFileState.FAILED, error="boom"))
    assert not file
    assert backend.enqueued == []
    backend.set_record(file, StateRecord(CacheFileState.EXISTS))
    assert file
    assert backend.enqueued == []

    assert backend.generate(file, force=True) is True
    assert backend.generate(file, force=True) is True  # forced: even when scheduled
    assert [payload["force"] for payload in backend.enqueued] == [True, True]


def test_a_source_that_cannot_leave_the_process_is_a_clear_error(source):
    backend = Recording()
    spec = generator_registry.get("testapp:square", source=_InMemory())
    file = ImageCacheFile(spec, cachefile_backend=backend)
    with pytest.raises(PayloadError, match="cannot leave this process"):
        file.generate()
    assert backend.enqueued == []
    assert backend.cache.get(backend.schedule_key(file)) is None  # free to try again


class _InMemory:
    name = "memory/only.jpg"

    def read(self):
        return b""


def test_a_broker_that_is_down_is_a_clear_error_and_is_tried_again_soon(settings, source):
    settings.IMAGEKIT_ASYNC_RQ_REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    settings.IMAGEKIT_ASYNC_QUEUE = "nowhere"
    backend = RQ()
    file = square(source, backend)

    with pytest.raises(EnqueueError, match=r"RQ backend could not enqueue .* 'nowhere'"):
        file.generate()
    record = file.state()
    assert record.state is CacheFileState.FAILED
    assert record.error.startswith("enqueueing failed: ConnectionError")
    assert backend.cache.get(backend.schedule_key(file)) is None
    assert not file  # failed, briefly: no new attempt on every access


# -- the worker's side, in this process -----------------------------------------------------------


def test_a_lost_task_is_scheduled_again_once_its_mark_expires(source, settings):
    settings.IMAGEKIT_ASYNC_SCHEDULE_TIMEOUT = 1
    backend = Recording()
    file = square(source, backend)
    assert not file  # scheduled; the task is then lost: no worker ever runs it
    assert not square(source, backend)
    assert len(backend.enqueued) == 1  # while the mark stands, nothing is enqueued twice

    deadline = time.monotonic() + 5
    while square(source, backend).state().state is CacheFileState.SCHEDULED:
        assert time.monotonic() < deadline, "the scheduled mark never expired"
        time.sleep(0.1)
    assert not square(source, backend)  # the next request schedules it again

    assert backend.enqueued == [describe(file)] * 2
    with override_settings(IMAGEKIT_DEFAULT_CACHEFILE_BACKEND="simple"):
        # Both tasks arrive after all: one makes the file, the other finds it made.
        statuses = [generate_from_payload(payload)["status"] for payload in backend.enqueued]
    assert statuses == ["generated", "existed"]


def test_the_worker_function_makes_the_file_once(source):
    backend = Recording()
    file = square(source, backend)
    file.generate()
    [payload] = backend.enqueued

    with override_settings(IMAGEKIT_DEFAULT_CACHEFILE_BACKEND="simple"):
        # The worker names no backend (the spec does not): it generates with the default one.
        result = generate_from_payload(payload)
        assert result == {"status": "generated", "cachefile": file.name}
        assert generate_from_payload(payload)["status"] == "existed"

    assert backend.get_record(file).state is CacheFileState.EXISTS
    with Image.open(file.storage.path(file.name)) as img:
        assert img.size == (32, 21)


def test_the_worker_records_a_payload_whose_name_it_cannot_reproduce(source):
    backend = Recording()
    file = square(source, backend)
    file.generate()
    [payload] = backend.enqueued
    payload = {**payload, "cachefile": "CACHE/images/made-by-other-code.png"}

    with pytest.raises(PayloadError, match="same code and IMAGEKIT_"):
        generate_from_payload(payload)
    key = state_key(get_config().cache_prefix, "CACHE/images/made-by-other-code.png")
    record = StateRecord.load(backend.cache.get(key))
    assert record.state is CacheFileState.FAILED
    assert "CacheFileNameMismatch" in record.error


def test_the_package_exports():
    assert ik_backends_async.Celery is Celery
    assert ik_backends_async.generate_from_payload is generate_from_payload

"""Deferred generation end to end: real worker processes on real brokers.

Each test drives a Django model whose ImageSpecFields use the ``celery``, ``rq`` and
``dramatiq`` backends; the workers (see ``conftest``) share the session's Redis state cache,
media directory and database with this process. Nothing runs eagerly: a file exists only once
a worker process has made it.
"""

from __future__ import annotations

import io
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connections
from PIL import Image

from ik_host.cachefile import CacheFile
from ik_host.payloads import describe
from ik_host.state_records import CacheFileState
from ik_testproject.asyncapp.models import SPECS, AsyncPhoto, SizedAsyncPhoto
from ik_testproject.asyncapp.sharedsettings import RETRY_AFTER
from ik_testproject.asyncapp.storages import ARM, STARTED
from ik_testproject.images import image_bytes, image_content
from imagekit.cachefiles import ImageCacheFile
from tests.waiting import wait_for

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "async"])

ALL_BROKERS = ["celery", "celery-amqp", "rq", "dramatiq"]
QUEUE_KINDS = ["celery", "rq", "dramatiq"]


def spec_of(kind: str) -> tuple[str, tuple[int, int], str]:
    """(field name, size, format) of the AsyncPhoto field whose backend enqueues for ``kind``."""
    return SPECS[kind.removesuffix("-amqp")]


def new_photo(name: str, content: Any = None, size: tuple[int, int] = (300, 200)) -> AsyncPhoto:
    photo = AsyncPhoto()
    photo.image.save(name, content or image_content(name, size))
    return photo


def requested(photo: AsyncPhoto, field: str) -> ImageCacheFile:
    """The cache file as a new request sees it: the row read again, nothing remembered."""
    return getattr(type(photo).objects.get(pk=photo.pk), field)


def decoded(file: ImageCacheFile) -> Image.Image:
    """The stored bytes as a fully decoded image (a truncated file fails here)."""
    with file.storage.open(file.name, "rb") as handle:
        img = Image.open(io.BytesIO(handle.read()))
        img.load()
    return img


def refuse_to_make(file, replace=False):
    raise AssertionError(f"the requesting process made {file.name} instead of scheduling it")


# -- a worker makes the file ---------------------------------------------------------------------


@pytest.mark.parametrize("kind", ALL_BROKERS)
def test_the_file_is_made_by_a_worker_not_by_the_request(kind, ready, monkeypatch):
    worker = ready(kind)
    field, size, format = spec_of(kind)
    photo = new_photo(f"{kind}.jpg")

    file = getattr(photo, field)
    with monkeypatch.context() as patch:
        patch.setattr(CacheFile, "make", refuse_to_make)  # this process never generates
        bool(file)  # scheduled: falsy until a worker made it, which may already be done
    assert file.state().state in (CacheFileState.SCHEDULED, CacheFileState.EXISTS)

    made = wait_for(lambda: requested(photo, field) or None, what=f"the {kind} worker")
    img = decoded(made)
    assert (img.format, img.size) == (format, size)
    assert (made.width, made.height) == size  # recorded by the worker with the state
    # The worker logs after it has recorded the state the test just saw: wait for the line.
    wait_for(lambda: f"generated {made.name}" in worker.log(), what=f"the {kind} worker's log")


def test_a_spec_that_reads_its_model_sees_the_row_in_the_worker(ready, monkeypatch):
    ready("dramatiq")
    photos = []
    monkeypatch.setattr(CacheFile, "make", refuse_to_make)  # only the worker makes them
    for name, size in (("wide.jpg", (48, 16)), ("tall.jpg", (12, 30))):
        photo = SizedAsyncPhoto(thumbnail_width=size[0], thumbnail_height=size[1])
        photo.image.save(name, image_content(name, (300, 200)))
        photos.append((photo, size))
        bool(photo.thumbnail)  # scheduled

    for photo, size in photos:
        made = wait_for(lambda photo=photo: requested(photo, "thumbnail") or None)
        assert decoded(made).size == size


# -- scheduling once -----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ALL_BROKERS)
def test_twenty_concurrent_requests_enqueue_one_task(kind, use_broker, settings):
    broker = use_broker(kind)
    queue = f"{broker.queue}-count"  # no worker listens here: tasks stay to be counted
    settings.IMAGEKIT_ASYNC_QUEUE = queue
    field, _, _ = spec_of(kind)
    photo = new_photo(f"crowd-{kind}.jpg")
    barrier = threading.Barrier(20)
    answers: list[bool] = []

    def request() -> None:
        try:
            row = AsyncPhoto.objects.get(pk=photo.pk)
            barrier.wait()
            answers.append(bool(getattr(row, field)))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=request) for _ in range(20)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert answers == [False] * 20
        assert broker.count(queue) == 1
        file = getattr(photo, field)
        assert file.state().state is CacheFileState.SCHEDULED
        # The task is plain JSON: the payload describe() makes, through the queue's serializer.
        [payload] = broker.payloads(queue)
        assert payload == describe(file)
        assert payload["source"] == {
            "model": "asyncapp.asyncphoto", "pk": photo.pk, "field": "image",
            "name": photo.image.name,
        }
        # Until the schedule expires, further requests still enqueue nothing.
        assert not requested(photo, field)
        assert broker.count(queue) == 1
    finally:
        broker.delete(queue)


# -- a worker dies mid-generation ----------------------------------------------------------------


@pytest.mark.parametrize("kind", QUEUE_KINDS)
def test_a_worker_killed_mid_write_leaves_nothing_and_the_file_is_made_later(
    kind, ready, settings
):
    worker = ready(kind)
    field, size, _ = spec_of(kind)
    media = Path(settings.MEDIA_ROOT)
    started = media / STARTED
    started.unlink(missing_ok=True)
    (media / ARM).touch()  # the next save writes half the file, then hangs
    photo = new_photo(f"killed-{kind}.jpg")
    file = getattr(photo, field)
    target = Path(file.storage.path(file.name))

    assert not file
    wait_for(started.exists, what="the worker to be half-way through writing")
    part = Path(started.read_text())
    assert part.exists() and part.stat().st_size > 0  # half a file, under a temporary name
    assert not target.exists()
    worker.kill()
    assert not target.exists()

    ready(kind)  # a new worker; the dead one's task is lost, its lock and schedule expire

    def made() -> ImageCacheFile | None:
        if target.exists():  # whenever anything is at the name, it is a whole image
            with Image.open(target) as img:
                img.load()
        return requested(photo, field) or None

    result = wait_for(made, timeout=40, what="the file to be made again")
    assert decoded(result).size == size
    assert worker.starts >= 2


# -- a source that fails -------------------------------------------------------------------------


@pytest.mark.parametrize("kind", QUEUE_KINDS)
def test_a_failing_source_is_recorded_and_retried_once_fixed(kind, ready):
    worker = ready(kind)
    pid = worker.process.pid
    field, size, _ = spec_of(kind)
    broken = new_photo(f"broken-{kind}.jpg", ContentFile(image_bytes((300, 200))[:400]))

    assert not getattr(broken, field)
    record = wait_for(
        lambda: (r := requested(broken, field).state()).state is CacheFileState.FAILED and r,
        what="the failure to be recorded",
    )
    assert f"cannot use '{broken.image.name}' as a source image" in record.error
    assert "truncated" in record.error
    assert not requested(broken, field)  # failed: falsy, and not generating forever

    # The worker goes on serving other tasks.
    good = new_photo(f"good-{kind}.jpg")
    assert not getattr(good, field)
    assert decoded(wait_for(lambda: requested(good, field) or None)).size == size

    # Fixed in place, the source is scheduled again once the failure expires, and made.
    Path(broken.image.path).write_bytes(image_bytes((300, 200)))
    time.sleep(RETRY_AFTER)
    made = wait_for(lambda: requested(broken, field) or None, what="the fixed source's file")
    assert decoded(made).size == size
    assert worker.alive and worker.process.pid == pid  # the same worker all along


# -- generateimages --async ----------------------------------------------------------------------


def run_command(*args: str) -> str:
    out = io.StringIO()
    call_command("generateimages", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.mark.parametrize("kind", ["celery", "rq"])
def test_generateimages_async_enqueues_every_file_once(kind, use_broker, settings):
    broker = use_broker(kind)
    queue = f"{broker.queue}-command"
    settings.IMAGEKIT_ASYNC_QUEUE = queue
    field, _, _ = spec_of(kind)
    generator_id = f"asyncapp:asyncphoto:{field}"
    photos = [new_photo(f"command-{kind}-{n}.jpg") for n in range(3)]
    try:
        out = run_command(generator_id, "--async")
        assert out.splitlines()[-1] == "3 enqueued, 0 failed"
        assert broker.count(queue) == 3
        assert {p["source"]["pk"] for p in broker.payloads(queue)} == {
            photo.pk for photo in photos
        }

        out = run_command(generator_id, "--async")
        assert out.splitlines()[-1] == "0 enqueued, 0 failed, 3 already scheduled"
        assert broker.count(queue) == 3
    finally:
        broker.delete(queue)


def test_generateimages_async_files_are_made_by_the_worker(ready):
    ready("rq")
    photos = [new_photo(f"command-made-{n}.jpg") for n in range(3)]

    out = run_command("asyncapp:asyncphoto:rq_thumb", "--async")
    assert out.splitlines()[-1] == "3 enqueued, 0 failed"
    for photo in photos:
        wait_for(lambda photo=photo: requested(photo, "rq_thumb") or None)

    out = run_command("asyncapp:asyncphoto:rq_thumb", "--async")
    assert out.splitlines()[-1] == "0 enqueued, 0 failed, 3 already existed"

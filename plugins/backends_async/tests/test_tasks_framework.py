"""The Tasks backend end to end: Django's Tasks framework (the ``django-tasks`` backport before
Django 6) with django-tasks-db's database backend and a real ``manage.py db_worker`` process.

The task rows live in the test project's async SQLite database, which the worker (started by
``conftest``'s fixtures, with the session's settings) reads as this process writes it. Nothing
runs eagerly: a file exists only once the worker process has made it.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.db import connections, transaction
from django_tasks_db.models import DBTaskResult
from PIL import Image

from ik_backends_async import EnqueueError, MissingQueueLibrary, Tasks, tasks_framework
from ik_host.components import get_backend
from ik_host.payloads import describe
from ik_host.state_records import CacheFileState
from ik_testproject.asyncapp.models import SPECS, TasksPhoto
from ik_testproject.images import image_bytes, image_content
from imagekit.cachefiles import ImageCacheFile, backends
from tests.waiting import wait_for

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "async"])

FIELD, SIZE, FORMAT = SPECS["tasks"]


class Rollback(Exception):
    pass


def new_photo(name: str, content: Any = None) -> TasksPhoto:
    photo = TasksPhoto()
    photo.image.save(name, content or image_content(name, (300, 200)))
    return photo


def requested(photo: TasksPhoto) -> ImageCacheFile:
    """The thumbnail as a new request sees it: the row read again, nothing remembered."""
    return TasksPhoto.objects.get(pk=photo.pk).thumbnail


def rows_of(file: ImageCacheFile) -> list[DBTaskResult]:
    """The task rows whose payload names ``file``, on any queue, oldest first."""
    return [
        row
        for row in DBTaskResult.objects.order_by("enqueued_at")
        if row.args_kwargs["args"][0]["cachefile"] == file.name
    ]


def finished(row: DBTaskResult, status: str, attempts: int) -> DBTaskResult | None:
    """``row`` read again, if the worker has left it in ``status`` after ``attempts`` runs."""
    row.refresh_from_db()
    return row if row.status == status and len(row.worker_ids) == attempts else None


def raw_arguments(queue: str) -> list[dict[str, Any]]:
    """The task rows' arguments on ``queue``, parsed from the text the database holds."""
    table = DBTaskResult._meta.db_table
    with connections["async"].cursor() as cursor:
        cursor.execute(f"SELECT args_kwargs FROM {table} WHERE queue_name = %s", [queue])
        return [json.loads(raw) for (raw,) in cursor.fetchall()]


def stored_size(file: ImageCacheFile) -> tuple[str, tuple[int, int]]:
    with file.storage.open(file.name, "rb") as handle:
        with Image.open(handle) as img:
            img.load()
            return img.format, img.size


# -- the worker makes the files ------------------------------------------------------------------


def test_ten_json_tasks_make_ten_files_on_the_worker(ready):
    worker = ready("tasks")
    queue = worker.broker.queue
    photos = [new_photo(f"tasks-{n}.jpg") for n in range(10)]
    files = [photo.thumbnail for photo in photos]
    assert not any(files)  # scheduled, not made: this process never generates

    for photo in photos:
        wait_for(lambda photo=photo: requested(photo) or None, what="the db_worker")
    for file in files:
        assert stored_size(file) == (FORMAT, SIZE)

    # One task per file, each the JSON payload describe() makes, stored as JSON text.
    assert sorted(raw_arguments(queue), key=lambda a: a["args"][0]["cachefile"]) == sorted(
        ({"args": [describe(file)], "kwargs": {}} for file in files),
        key=lambda a: a["args"][0]["cachefile"],
    )
    for photo, file in zip(photos, files, strict=True):
        [row] = rows_of(file)
        wait_for(lambda row=row: finished(row, "SUCCESSFUL", 1), what="the task's result")
        assert row.queue_name == queue
        assert row.task_path == tasks_framework.TASK
        assert row.args_kwargs == {"args": [describe(file)], "kwargs": {}}
        assert row.args_kwargs["args"][0]["source"] == {
            "model": "asyncapp.tasksphoto",
            "pk": photo.pk,
            "field": "image",
            "name": photo.image.name,
        }
        assert row.return_value == {"status": "generated", "cachefile": file.name, "attempt": 1}
    wait_for(
        lambda: all(f"generated {file.name}" in worker.log() for file in files),
        what="the worker's log",
    )


# -- on commit -----------------------------------------------------------------------------------


@pytest.mark.parametrize("databases", [["async"], ["default"], ["default", "async"]])
def test_the_task_is_enqueued_only_once_the_transactions_commit(databases, ready):
    worker = ready("tasks")
    with transaction.atomic(using=databases[0]):
        with transaction.atomic(using=databases[-1]):
            photo = new_photo(f"commit-{'-'.join(databases)}.jpg")
            file = photo.thumbnail
            assert not file
            assert file.state().state is CacheFileState.SCHEDULED
            time.sleep(0.5)  # the worker polls every 0.1 s: it would have found a task by now
            assert rows_of(file) == []
        assert rows_of(file) == []  # an inner block's commit is not the transaction's
    [row] = rows_of(file)
    assert row.queue_name == worker.broker.queue
    made = wait_for(lambda: requested(photo) or None, what="the file made after commit")
    assert stored_size(made) == (FORMAT, SIZE)


def test_a_rolled_back_transaction_enqueues_nothing(ready):
    ready("tasks")
    with pytest.raises(Rollback), transaction.atomic(using="async"):
        photo = new_photo("rolled-back.jpg")
        file = photo.thumbnail
        assert not file
        raise Rollback
    time.sleep(0.5)
    assert rows_of(file) == []
    assert not TasksPhoto.objects.filter(pk=photo.pk).exists()
    assert not file.storage.exists(file.name)


def test_outside_a_transaction_the_task_is_enqueued_at_once(use_broker, settings):
    broker = use_broker("tasks")
    settings.IMAGEKIT_ASYNC_QUEUE = f"{broker.queue}-now"  # no worker listens here
    photo = new_photo("at-once.jpg")
    file = photo.thumbnail
    assert not file
    [row] = rows_of(file)
    assert row.status == "READY"


class Refusing:
    def enqueue(self, payload: dict[str, Any]) -> None:
        raise ConnectionError("the task database is gone")


def test_a_task_that_cannot_be_enqueued_after_commit_is_recorded_failed(use_broker, monkeypatch):
    use_broker("tasks")
    monkeypatch.setattr(tasks_framework, "bound_task", lambda options: Refusing())
    with transaction.atomic(using="async"):
        photo = new_photo("refused.jpg")
        file = photo.thumbnail
        assert not file
        assert file.state().state is CacheFileState.SCHEDULED
    # The commit went through (nothing raised): the failure is the file's, recorded briefly.
    assert TasksPhoto.objects.filter(pk=photo.pk).exists()
    record = file.state()
    assert record.state is CacheFileState.FAILED
    assert "enqueueing failed: ConnectionError: the task database is gone" in record.error
    assert rows_of(file) == []


# -- failures and retries ------------------------------------------------------------------------


def test_a_failure_is_recorded_and_a_retry_knows_its_attempt(ready):
    worker = ready("tasks")
    broken = new_photo("broken-tasks.jpg", ContentFile(image_bytes((300, 200))[:400]))
    file = broken.thumbnail
    assert not file

    record = wait_for(
        lambda: (r := requested(broken).state()).state is CacheFileState.FAILED and r,
        what="the failure to be recorded",
    )
    assert f"cannot use '{broken.image.name}' as a source image" in record.error
    assert "truncated" in record.error

    [row] = rows_of(file)
    wait_for(lambda: finished(row, "FAILED", 1), what="the task's result to fail")
    assert row.exception_class_path.endswith("Error")
    wait_for(lambda: f"attempt 1, failed for {file.name}" in worker.log(), what="the log")

    # django-tasks-db retries nothing itself: the row is made ready again, as a task backend
    # that retries does; the worker runs the same task, as its second attempt.
    row.status = "READY"
    row.save(update_fields=["status"])
    wait_for(lambda: finished(row, "FAILED", 2), what="the second attempt to fail")
    wait_for(lambda: f"attempt 2, failed for {file.name}" in worker.log(), what="the log")
    assert requested(broken).state().state is CacheFileState.FAILED

    Path(broken.image.path).write_bytes(image_bytes((300, 200)))
    row.status = "READY"
    row.save(update_fields=["status"])
    wait_for(lambda: finished(row, "SUCCESSFUL", 3), what="the third attempt to succeed")
    assert row.return_value == {"status": "generated", "cachefile": file.name, "attempt": 3}
    assert stored_size(requested(broken)) == (FORMAT, SIZE)
    assert len(rows_of(file)) == 1  # one task, three attempts


# -- the queue and the task backend --------------------------------------------------------------


def test_the_queue_comes_from_the_setting(use_broker, settings):
    broker = use_broker("tasks")
    named = f"{broker.queue}-named"
    settings.IMAGEKIT_ASYNC_QUEUE = named
    first = new_photo("named-queue.jpg").thumbnail
    assert not first
    settings.IMAGEKIT_ASYNC_QUEUE = None  # the default queue
    second = new_photo("default-queue.jpg").thumbnail
    assert not second

    assert [row.queue_name for row in rows_of(first)] == [named]
    assert [row.queue_name for row in rows_of(second)] == ["default"]
    assert broker.count(named) == 1
    assert broker.payloads(named) == [describe(first)]


def test_an_unknown_task_backend_fails_in_the_request(use_broker, settings):
    use_broker("tasks")
    settings.IMAGEKIT_ASYNC_TASKS_BACKEND = "nowhere"
    photo = new_photo("no-backend.jpg")
    with pytest.raises(EnqueueError, match="nowhere"):
        bool(photo.thumbnail)
    assert rows_of(photo.thumbnail) == []


# -- the library -----------------------------------------------------------------------------------


def test_the_backend_is_known_by_its_names():
    assert backends.Tasks is Tasks
    assert isinstance(get_backend("tasks"), Tasks)
    assert isinstance(get_backend("imagekit.cachefiles.backends.Tasks"), Tasks)
    assert Tasks.library_installed()
    assert Tasks.missing_library() is None


def test_a_missing_backport_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "django.tasks", None)  # Django < 6 ...
    monkeypatch.setitem(sys.modules, "django_tasks", None)  # ... without the backport
    assert not Tasks.library_installed()
    with pytest.raises(MissingQueueLibrary) as info:
        Tasks()
    assert "pip install 'ik-backends-async[tasks]'" in str(info.value)
    assert Tasks.missing_library() == str(info.value)

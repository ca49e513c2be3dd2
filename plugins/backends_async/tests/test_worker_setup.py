"""What a project gets told, and what ``imagekit.tasks`` declares, depending on which queue
libraries are installed (a missing one simulated by ``sys.modules[name] = None``)."""

from __future__ import annotations

import sys

import dramatiq.broker
import pytest
from django.core.checks import run_checks
from django.test import override_settings

from imagekit import tasks

IK = "imagekit.cachefiles.backends"


def queue_errors(backend: str) -> list[tuple[str, str]]:
    with override_settings(IMAGEKIT_DEFAULT_CACHEFILE_BACKEND=backend):
        return [(m.id, m.msg) for m in run_checks() if m.id == "imagekit.E004"]


@pytest.mark.parametrize(
    ("backend", "library", "label"),
    [
        (f"{IK}.Celery", "celery", "Celery"),
        ("celery", "celery", "Celery"),
        (f"{IK}.RQ", "rq", "RQ"),
        (f"{IK}.Dramatiq", "dramatiq", "Dramatiq"),
    ],
)
def test_check_names_the_missing_queue_library(backend, library, label, monkeypatch):
    assert queue_errors(backend) == []  # installed here
    monkeypatch.setitem(sys.modules, library, None)
    [(check_id, message)] = queue_errors(backend)
    assert check_id == "imagekit.E004"
    assert message.startswith(f"IMAGEKIT_DEFAULT_CACHEFILE_BACKEND = {backend!r}: ")
    assert f"needs {label}, which is not installed" in message
    assert f"pip install 'ik-backends-async[{library}]'" in message


def test_check_is_quiet_for_backends_without_a_queue(monkeypatch):
    monkeypatch.setitem(sys.modules, "celery", None)
    assert queue_errors("simple") == []


def test_tasks_declares_the_celery_task_and_the_dramatiq_actor():
    assert {"celery", "dramatiq"} <= set(tasks.register_worker_tasks())
    assert "ik_backends_async.celery_tasks" in sys.modules
    assert "ik_backends_async.dramatiq_actors" in sys.modules


def test_tasks_leaves_a_missing_library_alone(monkeypatch):
    for library in ("celery", "dramatiq"):
        monkeypatch.setitem(sys.modules, library, None)
    monkeypatch.delitem(sys.modules, "ik_backends_async.celery_tasks", raising=False)
    declared = tasks.register_worker_tasks()  # no ImportError
    assert {"celery", "async", "dramatiq"}.isdisjoint(declared)
    assert "rq" in declared
    assert "ik_backends_async.celery_tasks" not in sys.modules


def test_no_actor_before_the_project_sets_a_dramatiq_broker(monkeypatch):
    # Declared now, the actor would make Dramatiq build a default broker of its own.
    monkeypatch.setattr(dramatiq.broker, "global_broker", None)
    monkeypatch.delitem(sys.modules, "ik_backends_async.dramatiq_actors", raising=False)
    assert "dramatiq" not in tasks.register_worker_tasks()
    assert dramatiq.broker.global_broker is None
    assert "ik_backends_async.dramatiq_actors" not in sys.modules

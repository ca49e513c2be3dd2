"""The Celery task. A worker finds it through ``app.autodiscover_tasks()``, which imports the
``imagekit`` app's ``tasks`` module, which imports this one; nothing to add to ``include``.

Its name is ours, not django-imagekit's (``imagekit.cachefiles.backends._generate_file``, whose
messages carry pickled objects): a worker drops such leftover messages as unregistered, and the
next request for each of those files schedules it again."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from ik_backends_async.worker import generate_from_payload

TASK_NAME = "ik_backends_async.generate"


@shared_task(name=TASK_NAME, ignore_result=True)
def generate(payload: dict[str, Any]) -> dict[str, Any]:
    return generate_from_payload(payload)


__all__ = ["TASK_NAME", "generate"]

"""The Celery task. A worker must import this module: add it to the app's ``include`` (or
``imports``), e.g. ``app.conf.include = ["ik_backends_async.celery_tasks"]``."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from ik_backends_async.worker import generate_from_payload

TASK_NAME = "ik_backends_async.generate"


@shared_task(name=TASK_NAME, ignore_result=True)
def generate(payload: dict[str, Any]) -> dict[str, Any]:
    return generate_from_payload(payload)


__all__ = ["TASK_NAME", "generate"]

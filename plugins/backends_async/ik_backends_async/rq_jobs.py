"""The RQ job. A job names its function by path (``JOB``), which any worker of the project
imports; nothing to register. Jobs are serialized as JSON, so workers run with
``--serializer rq.serializers.JSONSerializer`` (``rq worker`` and django-rq's
``manage.py rqworker`` alike), and the first job readies the process (``ik_prepare_worker``:
in a Django project, Django is set up from ``DJANGO_SETTINGS_MODULE`` if the worker has not
done it)."""

from __future__ import annotations

import functools
from typing import Any

from redis import Redis
from rq import Queue
from rq.serializers import JSONSerializer

from ik_backends_async.queue_options import AsyncOptions
from ik_backends_async.worker import generate_from_payload

JOB = "ik_backends_async.rq_jobs.generate"
DEFAULT_QUEUE = "default"


def generate(payload: dict[str, Any]) -> dict[str, Any]:
    return generate_from_payload(payload)


@functools.lru_cache(maxsize=8)
def connection(url: str) -> Redis:
    return Redis.from_url(url)


def get_queue(options: AsyncOptions) -> Queue:
    return Queue(
        options.queue or DEFAULT_QUEUE,
        connection=connection(options.rq_redis_url),
        serializer=JSONSerializer,
    )


def enqueue(payload: dict[str, Any], options: AsyncOptions) -> None:
    get_queue(options).enqueue(JOB, payload)


__all__ = ["DEFAULT_QUEUE", "JOB", "enqueue", "generate", "get_queue"]

"""Deferred image generation: cache-file backends that leave the work to Celery, RQ, Dramatiq
or Django Tasks workers, with plain-JSON tasks."""

from __future__ import annotations

from ik_backends_async.queue_backends import (
    RQ,
    Async,
    AsyncBackend,
    Celery,
    Dramatiq,
    EnqueueError,
    MissingQueueLibrary,
    Tasks,
)
from ik_backends_async.queue_options import AsyncOptions, current_options
from ik_backends_async.worker import generate_from_payload

__all__ = [
    "RQ",
    "Async",
    "AsyncBackend",
    "AsyncOptions",
    "Celery",
    "Dramatiq",
    "EnqueueError",
    "MissingQueueLibrary",
    "Tasks",
    "current_options",
    "generate_from_payload",
]

"""Registers the async backends with the host: ``celery``, ``rq``, ``dramatiq``, ``tasks`` and
``async``."""

from __future__ import annotations

from ik_backends_async.queue_backends import RQ, Async, Celery, Dramatiq, Tasks
from ik_host import hookimpl
from ik_host.records import Backend

_IK = "imagekit.cachefiles.backends"


@hookimpl
def ik_register_backends() -> list[Backend]:
    return [
        Backend(
            "celery",
            Celery,
            aliases=(f"{_IK}.Celery", "ik_backends_async.Celery"),
            description="generate on Celery workers",
        ),
        Backend(
            "rq",
            RQ,
            aliases=(f"{_IK}.RQ", "ik_backends_async.RQ"),
            description="generate on RQ workers",
        ),
        Backend(
            "dramatiq",
            Dramatiq,
            aliases=(f"{_IK}.Dramatiq", "ik_backends_async.Dramatiq"),
            description="generate on Dramatiq workers",
        ),
        Backend(
            "tasks",
            Tasks,
            aliases=(f"{_IK}.Tasks", "ik_backends_async.Tasks"),
            description="generate on the workers of Django's Tasks framework",
        ),
        Backend(
            "async",
            Async,
            aliases=(f"{_IK}.Async",),
            description="deprecated name of the Celery backend",
        ),
    ]

"""The task of Django's Tasks framework: Django 6's ``django.tasks``, or before Django 6 the
``django-tasks`` backport (the same API under ``django_tasks``).

A Tasks worker (``manage.py db_worker`` of django-tasks-db, say) imports a task by the path it
was enqueued under (``TASK``), so nothing is registered or discovered. The task takes the
framework's context: the attempt it is (``context.attempt``) is logged with a failure and
returned with the outcome, so a task result says which attempt made the file. The framework
retries nothing by itself; as for the other queues, a failure is recorded in the state cache
and the backend schedules the file again after ``retry_after``. A task backend that does retry
runs the same payload again, which makes the file unless it was made meanwhile.

Unlike the other queues' modules, this one needs Django (with settings): the framework's task
backends come from the ``TASKS`` setting.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from django.db import connections, transaction

try:
    from django.tasks.base import (
        DEFAULT_TASK_BACKEND_ALIAS,
        DEFAULT_TASK_QUEUE_NAME,
        TaskContext,
        task,
    )
except ImportError:  # before Django 6
    from django_tasks.base import (  # type: ignore[no-redef]
        DEFAULT_TASK_BACKEND_ALIAS,
        DEFAULT_TASK_QUEUE_NAME,
        TaskContext,
        task,
    )

from ik_backends_async.queue_options import AsyncOptions, current_options
from ik_backends_async.worker import generate_from_payload
from ik_host.payloads import prepare_worker

logger = logging.getLogger("ik_backends_async.worker")

TASK = "ik_backends_async.tasks_framework.generate"
DEFAULT_QUEUE = DEFAULT_TASK_QUEUE_NAME

prepare_worker()  # the task backend's alias may come from the framework's settings (Django's)


@task(takes_context=True, backend=current_options().tasks_backend or DEFAULT_TASK_BACKEND_ALIAS)
def generate(context: TaskContext, payload: dict[str, Any]) -> dict[str, Any]:
    attempt = context.attempt
    try:
        made = generate_from_payload(payload)
    except Exception as exc:
        logger.error(
            "task %s, attempt %d, failed for %s: %s: %s",
            context.task_result.id,
            attempt,
            payload.get("cachefile"),
            type(exc).__name__,
            exc,
        )
        raise
    return {**made, "attempt": attempt}


def bound_task(options: AsyncOptions) -> Any:
    """The task on the options' queue and task backend. The framework checks both here: a queue
    its backend does not have is an error now, in the request, not at commit."""
    return generate.using(
        queue_name=options.queue or DEFAULT_QUEUE,
        backend=options.tasks_backend or DEFAULT_TASK_BACKEND_ALIAS,
    )


def open_transactions() -> list[str]:
    """The aliases of the databases with a transaction open in this thread."""
    return [alias for alias in connections if connections[alias].in_atomic_block]


def after_commits(aliases: list[str], callback: Callable[[], None]) -> None:
    """Call ``callback`` once the transactions of ``aliases`` have all committed (each in turn:
    Django's ``on_commit`` knows one database); never, if one rolls back."""
    still_open = [alias for alias in aliases if connections[alias].in_atomic_block]
    if not still_open:
        callback()
        return
    first, rest = still_open[0], still_open[1:]
    transaction.on_commit(functools.partial(after_commits, rest, callback), using=first)


def enqueue(
    payload: dict[str, Any], options: AsyncOptions, failed: Callable[[Exception], None]
) -> None:
    """Enqueue ``payload``'s task now, outside of any transaction (an error is raised), or once
    the open transactions have committed (an error is logged and handed to ``failed``: the
    transaction that scheduled the file has committed, and is not to blame)."""
    bound = bound_task(options)
    pending = open_transactions()
    if not pending:
        bound.enqueue(payload)
        return

    def enqueue_committed() -> None:
        try:
            bound.enqueue(payload)
        except Exception as exc:
            logger.error(
                "enqueueing %s after commit failed: %s: %s",
                payload.get("cachefile"),
                type(exc).__name__,
                exc,
            )
            failed(exc)

    after_commits(pending, enqueue_committed)


__all__ = [
    "DEFAULT_QUEUE",
    "TASK",
    "after_commits",
    "bound_task",
    "enqueue",
    "generate",
    "open_transactions",
]

"""The Dramatiq actor, declared on the project's broker when this module is imported.

Set the broker first (``dramatiq.set_broker``, or django_dramatiq), then import this module.
Workers import it through the ``imagekit`` app's ``tasks`` module, which django_dramatiq's
``manage.py rundramatiq`` discovers; a plain ``dramatiq`` command names it:
``dramatiq myproject.broker imagekit.tasks``. Dramatiq's own retries are off: a failure is
recorded and scheduled again by the backend.
"""

from __future__ import annotations

from typing import Any

import dramatiq
from dramatiq.middleware import Retries

from ik_backends_async.queue_options import AsyncOptions, current_options
from ik_backends_async.worker import generate_from_payload
from ik_host.payloads import prepare_worker

ACTOR_NAME = "ik_backends_async_generate"
DEFAULT_QUEUE = "default"


def _generate(payload: dict[str, Any]) -> None:
    generate_from_payload(payload)


def _retry_options() -> dict[str, Any]:
    # A broker without the Retries middleware rejects the option (and retries nothing anyway).
    retrying = any(isinstance(m, Retries) for m in dramatiq.get_broker().middleware)
    return {"max_retries": 0} if retrying else {}


prepare_worker()  # the queue name may come from the framework's settings (Django's)
generate = dramatiq.actor(
    _generate,
    actor_name=ACTOR_NAME,
    queue_name=current_options().queue or DEFAULT_QUEUE,
    **_retry_options(),
)


def enqueue(payload: dict[str, Any], options: AsyncOptions) -> None:
    message = generate.message(payload)
    queue = options.queue or DEFAULT_QUEUE
    if queue != message.queue_name:
        message = message.copy(queue_name=queue)
    generate.broker.enqueue(message)


__all__ = ["ACTOR_NAME", "enqueue", "generate"]

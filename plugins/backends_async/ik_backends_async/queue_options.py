"""The async backends' options: which queue, how long a schedule or a failure is trusted.

Each option is taken, first found, from the backend's constructor arguments, then the host
configuration's ``Config.extra["async"]``, then the default below. In a Django project the
Django app fills ``extra["async"]`` from the settings ``IMAGEKIT_ASYNC_<NAME>``; plain Python
calls ``set_config(Config(extra={"async": {...}}))``. They are read when a file is scheduled or
a task runs, never on a warm access, so a changed setting (``override_settings``) is seen at
once. Nothing here imports Django: a worker may run without it.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from ik_host.config import get_config

# The Django settings the Django app reads into Config.extra["async"].
SETTING_PREFIX = "IMAGEKIT_ASYNC_"


@dataclass(frozen=True)
class AsyncOptions:
    # The queue tasks go to; None is the library's default ("celery" for Celery, "default" for
    # RQ, Dramatiq and Django's Tasks).
    queue: str | None = None
    # Seconds a "scheduled" state stands: within it a second request does not enqueue again;
    # after it (a lost task, a dead worker) the next request schedules the file anew.
    schedule_timeout: float = 120
    # Seconds a recorded failure stands before a request schedules the file again.
    retry_after: float = 300
    # Seconds a worker's generation may hold the generation lock; None: the host's lock_timeout.
    lock_timeout: float | None = None
    # The Redis server RQ queues live on.
    rq_redis_url: str = "redis://127.0.0.1:6379/0"
    # The alias in Django's TASKS setting the Tasks backend enqueues with; None: "default".
    tasks_backend: str | None = None


OPTION_NAMES = tuple(field.name for field in fields(AsyncOptions))


def setting_name(option: str) -> str:
    """The Django setting that gives ``option``."""
    return SETTING_PREFIX + option.upper()


def current_options(**overrides: Any) -> AsyncOptions:
    """The options in force; ``overrides`` that are not None win."""
    values = dict(get_config().extra.get("async") or {})
    unknown = set(values) - set(OPTION_NAMES)
    if unknown:
        raise TypeError(
            f"Config.extra['async'] has unknown options {sorted(unknown)} (in Django: "
            f"{sorted(setting_name(name) for name in unknown)}); known: {list(OPTION_NAMES)}"
        )
    values.update({key: value for key, value in overrides.items() if value is not None})
    return AsyncOptions(**values)


__all__ = ["OPTION_NAMES", "AsyncOptions", "current_options", "setting_name"]

"""Cache-file backends that leave generation to workers: Celery, RQ, Dramatiq and Django's
Tasks framework.

A request never generates. A missing file is scheduled once: the first request to win the
state cache's atomic ``add`` on the file's schedule key (which expires) records the state
``scheduled`` and puts a plain-JSON payload on the queue; every other request, meanwhile, sees
the state and enqueues nothing. The file stays falsy until a worker has made it
(``ik_backends_async.worker``). A lost task or a dead worker is made good by the expiry: once
the scheduled state is gone, the next request schedules the file again. A failed generation is
recorded (``failed``, with the exception's text) and scheduled again after ``retry_after``.

The state cache goes through the failure-tolerant calls of ``CachedFileBackend``: while it is
down (one warning per outage), a missing file is still scheduled, without the shared marker.
This process then remembers what it scheduled, for the schedule timeout, so it does not enqueue
a file on every access; other processes may enqueue it once each, which is harmless (the worker
finds the file made, and writes it atomically). An enqueueing that failed is not tried again
in this process for ``missing_timeout``, as the failed state would say if it could be kept.

Each backend needs its queue library only when it is used, and says what to install if it is
missing. The state cache must be shared with the workers (Redis, memcached).
"""

from __future__ import annotations

import importlib
import importlib.util
import threading
import time
import warnings
from types import ModuleType, SimpleNamespace
from typing import Any, ClassVar

from ik_backends_async.queue_options import AsyncOptions, current_options
from ik_defaults.cached_backends import CachedFileBackend
from ik_host.config import get_config
from ik_host.errors import CacheFileError, IKError
from ik_host.payloads import PayloadError, describe
from ik_host.state_records import CacheFileState, StateRecord

SCHEDULE_SUFFIX = ":scheduled"
# How many files one process remembers having scheduled while the state cache is down.
LOCAL_MARKERS_MAX = 10_000


class MissingQueueLibrary(IKError, ImportError):
    """The queue library a backend needs is not installed."""


class EnqueueError(CacheFileError):
    """Putting a task on the queue failed (the broker is down, say)."""


class AsyncBackend(CachedFileBackend):
    """Schedules missing files on a queue; workers generate them. Subclasses say which queue.

    ``queue``, ``schedule_timeout``, ``retry_after`` and ``lock_timeout`` override the options
    (see ``ik_backends_async.queue_options``); the other arguments are ``CachedFileBackend``'s.
    """

    name: ClassVar[str] = ""  # the registered short name
    label: ClassVar[str] = ""  # the library's name, for messages
    library: ClassVar[str] = ""  # the module that must be importable
    extra: ClassVar[str] = ""  # ik-backends-async[<extra>] installs it
    tasks_module: ClassVar[str] = ""  # our module that talks to the library

    def __init__(
        self,
        *,
        queue: str | None = None,
        schedule_timeout: float | None = None,
        retry_after: float | None = None,
        lock_timeout: float | None = None,
        **kwargs: Any,
    ) -> None:
        if not self.library_installed():
            raise self._missing_library()
        super().__init__(**kwargs)
        self._overrides = {
            "queue": queue,
            "schedule_timeout": schedule_timeout,
            "retry_after": retry_after,
            "lock_timeout": lock_timeout,
        }
        # While the state cache fails: schedule key -> monotonic time this process's own
        # marker expires (None: until the cache answers again).
        self._scheduled_here: dict[str, float | None] = {}
        self._scheduled_here_lock = threading.Lock()

    # -- options ---------------------------------------------------------------------------------

    @property
    def options(self) -> AsyncOptions:
        return current_options(**self._overrides)

    @property
    def lock_timeout(self) -> float:
        value = self.options.lock_timeout
        return value if value is not None else get_config().lock_timeout

    def timeout_for(self, state: CacheFileState) -> float | None:
        if state is CacheFileState.SCHEDULED:
            return self.options.schedule_timeout
        if state is CacheFileState.FAILED:
            return self.options.retry_after
        return super().timeout_for(state)

    # -- scheduling ------------------------------------------------------------------------------

    def schedule_key(self, file: Any) -> str:
        return self.get_key(file) + SCHEDULE_SUFFIX

    def generate(self, file: Any, force: bool = False) -> bool:
        """Schedule ``file`` unless it exists, is scheduled or failed lately (or ``force``).

        Returns whether this call put a task on the queue.
        """
        if not force and self.get_state(file) is not CacheFileState.DOES_NOT_EXIST:
            return False
        return self.schedule(file, force)

    def schedule(self, file: Any, force: bool = False) -> bool:
        """Put ``file``'s task on the queue, once for everyone sharing the state cache until
        the schedule expires (``force`` enqueues even so). Returns whether it enqueued."""
        if self.tasks_module:
            self.tasks()  # a missing library is a setup error, not a failed file
        options = self.options
        key = self.schedule_key(file)
        if not self._claim(key, options.schedule_timeout) and not force:
            return False
        try:
            payload = describe(file, force=force)
        except PayloadError:
            self._release(key)
            raise
        # Recorded before the task exists, so a quick worker's "exists" is never overwritten.
        self.set_record(file, StateRecord(CacheFileState.SCHEDULED))
        try:
            self.enqueue(payload, options)
        except Exception as exc:
            self._enqueue_failed(file, key, exc)
            raise EnqueueError(
                f"the {self.label} backend could not enqueue {file.name!r} on queue "
                f"{options.queue or '(default)'!r}: {type(exc).__name__}: {exc}"
            ) from exc
        return True

    def unschedule(self, file: Any) -> None:
        """Let the next request schedule ``file`` again at once (after a failure)."""
        self._release(self.schedule_key(file))

    def _claim(self, key: str, timeout: float | None) -> bool:
        """Take the shared schedule marker ``key``; while the cache fails, this process's."""
        taken = self.cache_add(key, "scheduled", timeout)
        if taken is not None:
            if self._scheduled_here:
                with self._scheduled_here_lock:
                    self._scheduled_here.clear()  # the shared markers stand again
            return bool(taken)
        now = time.monotonic()
        with self._scheduled_here_lock:
            if key in self._scheduled_here:
                expires = self._scheduled_here[key]
                if expires is None or expires > now:
                    return False
            if len(self._scheduled_here) >= LOCAL_MARKERS_MAX:
                # Bounded in a long outage: forgetting costs at most one more task per file.
                self._scheduled_here.clear()
            self._scheduled_here[key] = None if timeout is None else now + timeout
        return True

    def _release(self, key: str) -> None:
        self.cache_delete(key)
        with self._scheduled_here_lock:
            self._scheduled_here.pop(key, None)

    def _enqueue_failed(self, file: Any, key: str, exc: Exception) -> None:
        """Record the failure, kept only briefly: the broker may be back in a moment."""
        retry = get_config().missing_timeout
        self.cache_delete(key)
        with self._scheduled_here_lock:
            if key in self._scheduled_here:  # the cache is down: this process waits alone
                self._scheduled_here[key] = time.monotonic() + retry
        failed = StateRecord(
            CacheFileState.FAILED, error=f"enqueueing failed: {type(exc).__name__}: {exc}"
        )
        self.cache_set(self.get_key(file), failed.dump(), retry)

    def enqueue(self, payload: dict[str, Any], options: AsyncOptions) -> None:
        raise NotImplementedError

    # -- the library ------------------------------------------------------------------------------

    @classmethod
    def library_installed(cls) -> bool:
        """Whether this backend's queue library is importable here (nothing is imported)."""
        return importlib.util.find_spec(cls.library) is not None

    @classmethod
    def missing_library(cls) -> str | None:
        """What to install, when this backend's queue library is not importable here."""
        if not cls.library_installed():
            return str(cls._missing_library())
        return None

    @classmethod
    def register_worker_tasks(cls) -> bool:
        """Declare our task with the queue library, so a worker that imports the project's
        ``tasks`` modules knows it. Returns whether it did (not without the library)."""
        if not cls.tasks_module or not cls.library_installed():
            return False
        importlib.import_module(cls.tasks_module)
        return True

    def tasks(self) -> ModuleType:
        """Our module for this library, imported on first use."""
        try:
            return importlib.import_module(self.tasks_module)
        except ImportError as exc:
            raise self._missing_library() from exc

    @classmethod
    def _missing_library(cls) -> MissingQueueLibrary:
        return MissingQueueLibrary(
            f"the {cls.label} cache-file backend ({cls.name!r}) needs {cls.label}, which is "
            f"not installed here: pip install 'ik-backends-async[{cls.extra}]'"
        )

    def __repr__(self) -> str:
        return f"<{type(self).__name__} cache-file backend>"


class Celery(AsyncBackend):
    """Generate on Celery workers. The Celery app is the project's (``current_app``)."""

    name = "celery"
    label = "Celery"
    library = "celery"
    extra = "celery"
    tasks_module = "ik_backends_async.celery_tasks"

    def enqueue(self, payload: dict[str, Any], options: AsyncOptions) -> None:
        self.tasks().generate.apply_async(args=(payload,), queue=options.queue, serializer="json")


class RQ(AsyncBackend):
    """Generate on RQ workers (started with ``--serializer rq.serializers.JSONSerializer``)."""

    name = "rq"
    label = "RQ"
    library = "rq"
    extra = "rq"
    tasks_module = "ik_backends_async.rq_jobs"

    def enqueue(self, payload: dict[str, Any], options: AsyncOptions) -> None:
        self.tasks().enqueue(payload, options)


class Dramatiq(AsyncBackend):
    """Generate on Dramatiq workers. The broker is the project's (``dramatiq.set_broker``)."""

    name = "dramatiq"
    label = "Dramatiq"
    library = "dramatiq"
    extra = "dramatiq"
    tasks_module = "ik_backends_async.dramatiq_actors"

    @classmethod
    def register_worker_tasks(cls) -> bool:
        """Declare the actor only on a broker the project has set (django_dramatiq sets it when
        its app loads): declared earlier, the actor would make Dramatiq build its default
        broker in a project that does not use Dramatiq at all."""
        if not cls.library_installed():
            return False
        from dramatiq import broker  # noqa: PLC0415  (only with the library installed)

        if broker.global_broker is None:
            return False
        return super().register_worker_tasks()

    def enqueue(self, payload: dict[str, Any], options: AsyncOptions) -> None:
        self.tasks().enqueue(payload, options)


class Tasks(AsyncBackend):
    """Generate on the workers of Django's Tasks framework: Django 6's ``django.tasks``, or the
    ``django-tasks`` backport before it. The task backend is the project's (``TASKS``).

    A task is enqueued once every database transaction open in this thread has committed (at
    once outside of one), so its worker never looks for a row or a file that is not committed
    yet; if one rolls back, nothing is enqueued, and the file is scheduled again by the first
    request after the schedule expires, as for a lost task.
    """

    name = "tasks"
    label = "Django Tasks"
    library = "django.tasks"
    # Before Django 6, the backport.
    backport = "django_tasks"
    extra = "tasks"
    tasks_module = "ik_backends_async.tasks_framework"

    @classmethod
    def library_installed(cls) -> bool:
        try:
            return any(importlib.util.find_spec(name) for name in (cls.library, cls.backport))
        except ImportError:  # no Django: find_spec imports the parent package
            return False

    @classmethod
    def register_worker_tasks(cls) -> bool:
        """Nothing to declare: a Tasks worker imports each task by the path the task names."""
        return False

    def enqueue(self, payload: dict[str, Any], options: AsyncOptions) -> None:
        named = SimpleNamespace(name=payload["cachefile"])

        def failed_at_commit(exc: Exception) -> None:
            self._enqueue_failed(named, self.schedule_key(named), exc)

        self.tasks().enqueue(payload, options, failed_at_commit)

    @classmethod
    def _missing_library(cls) -> MissingQueueLibrary:
        return MissingQueueLibrary(
            f"the {cls.label} cache-file backend ({cls.name!r}) needs Django 6's django.tasks "
            f"or, before Django 6, the django-tasks backport, which is not installed here: "
            f"pip install 'ik-backends-async[{cls.extra}]'"
        )


class Async(Celery):
    """django-imagekit's name for the Celery backend; deprecated."""

    name = "async"

    def __init__(self, **kwargs: Any) -> None:
        warnings.warn(
            "the cache-file backend 'imagekit.cachefiles.backends.Async' is deprecated: it is "
            "the Celery backend; name it 'imagekit.cachefiles.backends.Celery' (or 'celery')",
            DeprecationWarning,
            stacklevel=1,  # not the host's frame: the setting is to blame, not ik_host
        )
        super().__init__(**kwargs)


__all__ = [
    "RQ",
    "Async",
    "AsyncBackend",
    "Celery",
    "Dramatiq",
    "EnqueueError",
    "MissingQueueLibrary",
    "Tasks",
]

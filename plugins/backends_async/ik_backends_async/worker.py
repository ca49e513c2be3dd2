"""What a worker does with a task, whichever queue brought it.

``generate_from_payload(payload)`` readies the process (``ik_prepare_worker``: the Django app
sets Django up there), rebuilds the cache file (its generator, its source: a plugin reopens the
sources it described, the Django app reads a model's row again) and makes it here
(``ik_defaults.make_here``: through the file's backend's single-flight ``generate_now``). A file
that already exists is left alone. A failure is recorded in the shared state cache
(``failed``, with the exception's text, until ``retry_after``) and raised again, so the queue's
own bookkeeping sees it too; the worker goes on with other tasks. Nothing here imports Django:
the payload protocol is the host's (``ik_host.payloads``).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from types import SimpleNamespace
from typing import Any

from ik_defaults.make_here import generate_here
from ik_host.payloads import CacheFileNameMismatch, SourceGone, prepare_worker, rebuild
from ik_host.state_records import CacheFileState, StateRecord

logger = logging.getLogger("ik_backends_async.worker")

GONE = "gone"


def generate_from_payload(payload: Mapping[str, Any]) -> dict[str, Any]:
    """Make the cache file ``payload`` describes; ``{"status": ..., "cachefile": name}`` with
    status ``generated``, ``existed`` or ``gone`` (its source, a model row say, was deleted)."""
    prepare_worker()
    name = payload.get("cachefile")
    try:
        file = rebuild(payload)
    except SourceGone as exc:
        logger.info("not generating %s: %s", name, exc)
        return {"status": GONE, "cachefile": name}
    except CacheFileNameMismatch as exc:
        _record_failure(exc.file.cachefile_backend, name, exc)
        raise
    backend = file.cachefile_backend
    try:
        status = generate_here(file, bool(payload.get("force", False)))
    except Exception as exc:
        logger.error("generating %s failed: %s: %s", file.name, type(exc).__name__, exc)
        unschedule = getattr(backend, "unschedule", None)
        if unschedule is not None:
            unschedule(file)  # the failed state now says when to try again
        raise
    logger.info("%s %s", status, file.name)
    return {"status": status, "cachefile": file.name}


def _record_failure(backend: Any, name: str | None, exc: Exception) -> None:
    """Record ``exc`` as the state of the cache file named ``name`` (not the rebuilt one)."""
    set_record = getattr(backend, "set_record", None)
    if name and set_record is not None:
        named = SimpleNamespace(name=name)
        set_record(named, StateRecord(CacheFileState.FAILED, error=f"{type(exc).__name__}: {exc}"))


__all__ = ["GONE", "generate_from_payload"]

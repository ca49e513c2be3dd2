"""Making a picture set's missing renditions together: one call of an engine that can
(``ik_host.protocols.SetEngine``), then each image stored as if it had been made alone, through
its backend's ``generate_now`` (its lock, its record, the ``generated``/``failed`` events)."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from typing import Any

from ik_host.cachefile import CacheFile
from ik_host.components import get_engine
from ik_host.protocols import ImmediateBackend, RequestBackend, SetEngine
from ik_host.records import Job
from ik_host.specs import is_closed, makes_jobs

logger = logging.getLogger("ik_pictures.rendition_sets")


def makes_here(file: CacheFile) -> bool:
    """Whether ``file``'s backend makes missing files in the requesting process (``Simple``)
    rather than putting them on a queue: it says so (``RequestBackend``), and can be asked to
    store each file made together (``ImmediateBackend``)."""
    backend = file.cachefile_backend
    kind = type(backend)
    known = _REQUEST_BACKENDS.get(kind)
    if known is None:  # Protocol checks are slow and every warm picture asks, per file
        known = isinstance(backend, RequestBackend) and isinstance(backend, ImmediateBackend)
        _REQUEST_BACKENDS[kind] = known
    return known and backend.makes_in_request is True


# Backend class -> whether it is both a ``RequestBackend`` and an ``ImmediateBackend``.
_REQUEST_BACKENDS: dict[type, bool] = {}


def make_together(files: Sequence[CacheFile]) -> None:
    """Make ``files``, missing renditions of one source, in this process with one engine call.

    Each image is then stored by its backend's ``generate_now``; a file another process made
    meanwhile is left as it is. When a rendition fails, the others are stored and the first
    failure is raised. Fewer than two files, an engine without ``generate_set`` or a generator
    that does more than hand its job to the engine: nothing is done here, and each file is made
    alone when its strategy asks.
    """
    plan = _plan(files)
    if plan is None:
        return
    engine, jobs = plan
    started = time.perf_counter()
    try:
        outcomes = _generate_set(engine, jobs)
    except Exception as exc:  # nothing made: each file is made (and fails) on its own
        logger.debug("making %d renditions together failed: %r", len(jobs), exc)
        return
    share = (time.perf_counter() - started) / len(files)
    failure: Exception | None = None
    for file, outcome in zip(files, outcomes, strict=True):
        file.generated_ahead(outcome, share)
        try:
            file.cachefile_backend.generate_now(file)
        except Exception as exc:  # stored as failed by the backend; the others go on
            failure = failure or exc
        finally:
            file.generated_ahead(None)  # unused when another process made it first
    if failure is not None:
        raise failure


def _plan(files: Sequence[CacheFile]) -> tuple[SetEngine, list[Job]] | None:
    """The engine and the jobs of ``files``, when they can be made together."""
    if len(files) < 2:
        return None
    generators = [file.generator for file in files]
    if not all(makes_jobs(generator) for generator in generators):
        return None
    engines = {id(engine): engine for engine in map(get_engine, (g.engine for g in generators))}
    engine = engines.popitem()[1] if len(engines) == 1 else None
    if not isinstance(engine, SetEngine):
        return None
    try:
        return engine, [generator.job() for generator in generators]
    except Exception as exc:  # e.g. no source: each file says so when made alone
        logger.debug("the renditions' jobs cannot be made together: %r", exc)
        return None


def _generate_set(engine: SetEngine, jobs: list[Job]) -> list[Any]:
    # A closed source file (a Django field's) the engine opens is closed again, as
    # ``ImageSpec.generate`` does for one.
    closed = {id(job.source): job.source for job in jobs if is_closed(job.source)}
    try:
        outcomes = list(engine.generate_set(jobs))
    finally:
        for source in closed.values():
            if not is_closed(source):
                source.close()
    if len(outcomes) != len(jobs):
        name = type(engine).__name__
        raise ValueError(f"{name}.generate_set gave {len(outcomes)} results for {len(jobs)} jobs")
    return outcomes


__all__ = ["make_together", "makes_here"]

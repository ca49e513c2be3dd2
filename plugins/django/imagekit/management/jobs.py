"""The work of ``generateimages``: one source at a time here, or many in worker processes.

Worker processes are forked from the command once Django is set up, so each starts ready (no
per-process or per-file setup), unless a library in use here cannot survive a fork
(``ik_host.forking``, libvips for one): then they are fresh interpreters that set Django up
from ``DJANGO_SETTINGS_MODULE``. Either way they are sent payloads
(``imagekit.management.django_sources``), never pickled files: each chunk of work reads its
model rows with one query per model, keeps each source open across the specs that use it, and
generates through the cache files' backends.
"""

from __future__ import annotations

import contextlib
import functools
import json
import multiprocessing
import signal
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from typing import Any

import django
from django.conf import settings
from django.core.cache import caches
from django.db import connections

from ik_defaults.make_here import generate_here
from ik_host.config import get_config, set_config, usable_cores
from ik_host.errors import IKError
from ik_host.forking import fork_unsafe
from ik_host.paths import source_key, source_name
from ik_host.payloads import PAYLOAD_VERSION, PayloadError, describe_source
from ik_processors_pilkit.pillow_engine import decode_once
from imagekit.cachefiles import ImageCacheFile
from imagekit.management.django_sources import Rebuilder
from imagekit.registry import generator_registry

FAILED = "failed"


@dataclass(frozen=True)
class Item:
    """One cache file to make: a generator id and a source from one of its source groups."""

    generator_id: str
    source: Any


@dataclass(frozen=True)
class Outcome:
    """What became of one item: ``generated``, ``existed`` (or another status) or ``failed``."""

    status: str
    name: str | None = None
    cause: str | None = None
    details: str | None = None  # a traceback, when asked for


def describe_error(exc: BaseException) -> str:
    """The project's own messages already say what went wrong; others get their type too."""
    if isinstance(exc, IKError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


def display_source(source: Any) -> str:
    return repr(source_name(source) or source)


def failure(exc: BaseException, with_traceback: bool) -> Outcome:
    details = traceback.format_exc() if with_traceback else None
    return Outcome(FAILED, cause=describe_error(exc), details=details)


def cachefile_of(item: Item) -> ImageCacheFile:
    return ImageCacheFile(generator_registry.get(item.generator_id, source=item.source))


def generate_items(
    items: Sequence[Item], force: bool, with_traceback: bool = False
) -> Iterator[tuple[int, Outcome]]:
    """Make the items' cache files in this process, each source's together (one decode)."""
    groups: dict[Any, list[tuple[int, Callable[[], ImageCacheFile]]]] = {}
    for index, item in enumerate(items):
        key = source_key(item.source, source_name(item.source)) or ("item", index)
        groups.setdefault(key, []).append((index, functools.partial(cachefile_of, item)))
    for builders in groups.values():
        yield from generate_together(builders, force, with_traceback)


def generate_together(
    builders: Sequence[tuple[int, Callable[[], Any]]], force: bool, with_traceback: bool
) -> list[tuple[int, Outcome]]:
    """Build and make the cache files of specs of one source, decoding it once for them all
    (``decode_once`` of ``ik_processors_pilkit.pillow_engine``). Each gets its own outcome: one
    failing spec (or one that cannot be built) does not stop the others."""
    results = []
    files = []
    for index, build in builders:
        try:
            files.append((index, build()))
        except Exception as exc:  # reported per source and in the exit status, never dropped
            results.append((index, failure(exc, with_traceback)))
    with decode_once([file.generator for _, file in files]):
        for index, file in files:
            try:
                results.append((index, Outcome(generate_here(file, force), file.name)))
            except Exception as exc:
                results.append((index, failure(exc, with_traceback)))
    return results


# -- in worker processes -------------------------------------------------------------------------


def start_method() -> str:
    """How to start worker processes: ``"fork"``, or ``"spawn"`` (fresh interpreters) when a
    library in use here would hang in a forked child."""
    return "spawn" if fork_unsafe() else "fork"


def why_not_parallel() -> str | None:
    """Why worker processes could not do the work (None when they can)."""
    if start_method() == "spawn":
        if not getattr(settings, "SETTINGS_MODULE", None):
            libraries = ", ".join(f"{name} ({why})" for name, why in fork_unsafe().items())
            return (
                f"{libraries} is in use in this process, so workers cannot be forked, and "
                "Django was configured in code (settings.configure()), so fresh workers "
                "could not set it up again"
            )
    elif "fork" not in multiprocessing.get_all_start_methods():
        return "this platform cannot fork worker processes"
    for connection in connections.all():
        if connection.in_atomic_block:
            return (
                f"database {connection.alias!r} is inside a transaction, whose rows other "
                "processes cannot see"
            )
    return None


def payload_for(item: Item, force: bool) -> dict[str, Any]:
    """The payload of one item (no cache-file name: the worker computes it, as we would)."""
    return {
        "version": PAYLOAD_VERSION,
        "generator_id": item.generator_id,
        "source": describe_source(item.source),
        "force": force,
    }


def _init_worker(fresh: bool, threads: int) -> None:
    # Ctrl-C is the command's to handle: it lets running chunks finish and stops the rest.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if fresh:  # a spawned interpreter: DJANGO_SETTINGS_MODULE came with the environment
        django.setup()
    share_cores(threads)


def share_cores(threads: int) -> None:
    """Let each image of this worker resample on ``threads`` threads, its share of the cores,
    unless ``IMAGEKIT_IMAGE_THREADS`` says how many: the workers already keep every core busy,
    and more threads would only take turns on them."""
    config = get_config()
    if config.image_threads is None:
        set_config(config.replace(image_threads=threads))


def run_chunk(
    chunk: Sequence[tuple[int, dict[str, Any]]], force: bool, with_traceback: bool
) -> list[tuple[int, Outcome]]:
    """Generate a chunk of payloads in a worker process."""
    rebuilder = Rebuilder()
    with contextlib.suppress(Exception):  # each payload reports its own error below
        rebuilder.prefetch(payload for _, payload in chunk)
    opened: dict[int, Any] = {}

    def build(payload: dict[str, Any]) -> ImageCacheFile:
        file = rebuilder.cachefile(payload, check_name=False)
        # Opened once for all the specs of this chunk that use it, closed at the end.
        source = getattr(file.generator, "source", None)
        if source is not None and id(source) not in opened and getattr(source, "closed", False):
            with contextlib.suppress(Exception):  # generating will report it, naming the source
                source.open("rb")
                opened[id(source)] = source
        return file

    results = []
    try:
        for group in _source_groups(chunk):
            builders = [(index, functools.partial(build, payload)) for index, payload in group]
            results.extend(generate_together(builders, force, with_traceback))
    finally:
        for source in opened.values():
            source.close()
    return results


def _record(finished: Iterable[Future[Any]], done: Callable[[int, Outcome], None]) -> None:
    for future in finished:
        for index, outcome in future.result():
            done(index, outcome)


Entry = tuple[int, dict[str, Any]]


def _source_groups(payloads: Iterable[Entry]) -> list[list[Entry]]:
    """The payloads grouped by source, in order of first appearance."""
    groups: dict[str, list[Entry]] = {}
    for index, payload in payloads:
        key = json.dumps(payload["source"], sort_keys=True)
        groups.setdefault(key, []).append((index, payload))
    return list(groups.values())


def chunks(entries: list[Entry], jobs: int) -> Iterator[list[Entry]]:
    """``entries`` grouped by source, in chunks that keep each source's specs together, so a
    worker decodes each source once."""
    # Small enough to share the work out evenly and keep the progress bar moving, big enough
    # that sending a chunk costs little next to generating it.
    size = max(1, min(16, len(entries) // (jobs * 4)))
    chunk: list[Entry] = []
    for group in _source_groups(entries):
        if chunk and len(chunk) + len(group) > size:
            yield chunk
            chunk = []
        chunk.extend(group)
    if chunk:
        yield chunk


def run_parallel(
    items: Sequence[Item],
    force: bool,
    jobs: int,
    done: Callable[[int, Outcome], None],
    with_traceback: bool = False,
) -> None:
    """Generate ``items`` in ``jobs`` worker processes, calling ``done(index, outcome)`` for
    each as it completes. Sources that cannot leave this process are generated here."""
    payloads = []
    local = []
    for index, item in enumerate(items):
        try:
            payloads.append((index, payload_for(item, force)))
        except PayloadError:
            local.append(index)  # in memory, say: only this process can read it
            continue
        if not getattr(item.source, "closed", True):
            item.source.close()  # a file a source group opened: the worker opens its own
    if payloads:
        # Forked children must not share the parent's sockets: they reconnect on first use.
        connections.close_all()
        caches.close_all()
        method = start_method()
        context = multiprocessing.get_context(method)
        with ProcessPoolExecutor(
            jobs,
            mp_context=context,
            initializer=_init_worker,
            initargs=(method == "spawn", max(1, usable_cores() // jobs)),
        ) as pool:
            pending: set[Future[list[tuple[int, Outcome]]]] = {
                pool.submit(run_chunk, chunk, force, with_traceback)
                for chunk in chunks(payloads, jobs)
            }
            try:
                while pending:
                    finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                    _record(finished, done)
            except KeyboardInterrupt:
                # Chunks not started are dropped; running ones finish (their files are whole)
                # and are counted, so the summary says what this run made.
                running = {future for future in pending if not future.cancel()}
                _record(wait(running).done, done)
                raise
    here = [items[index] for index in local]
    for position, outcome in generate_items(here, force, with_traceback):
        done(local[position], outcome)

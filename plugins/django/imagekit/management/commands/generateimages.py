"""``manage.py generateimages [id-or-glob ...] [--jobs N] [--async] [--force] [--dry-run]
[--fail-on-error]``.

Makes the cache file of every source in every registered source group, for the generator ids
given (all ids with source groups when none are):

- here, in ``--jobs`` processes (default: one per core);
- or, with ``--async``, by putting a task for each file on the queue of the configured
  deferring backend (``celery``, ``rq``, ``dramatiq``, ``tasks``) for workers to make.

Files that exist are left alone unless ``--force``, so a run that was interrupted is finished by
running it again. ``--dry-run`` lists what would be made. A progress bar (count, rate, ETA) is
drawn when stderr is a terminal. One failing source does not stop the rest: each failure gets a
line naming the generator id, the source and the cause on stderr, as does each id or glob that
matches no registered id. Like django-imagekit, the command still exits 0 then; with
``--fail-on-error`` (for CI) it exits 1 at the end if anything failed or went unmatched.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ik_defaults.make_here import EXISTED, GENERATED, cachefile_exists
from ik_host.components import get_backend
from ik_host.config import usable_cores
from ik_host.forking import fork_unsafe
from ik_host.generators import match_ids
from imagekit.management.jobs import (
    FAILED,
    Item,
    Outcome,
    cachefile_of,
    display_source,
    failure,
    generate_items,
    run_parallel,
    start_method,
    why_not_parallel,
)
from imagekit.management.progress import make_progress
from imagekit.registry import generator_registry, iter_source_groups

ENQUEUED = "enqueued"
ALREADY_SCHEDULED = "scheduled"
WOULD_GENERATE = "would generate"

logger = logging.getLogger("imagekit.management.generateimages")


def positive_int(value: str) -> int:
    number = int(value)
    if number < 1:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = (
        "Generate cache files for every source of the registered source groups. Give generator "
        "ids to limit it; in them '*' matches within one colon-separated segment and '**' "
        "across segments (e.g. 'myapp:*:thumbnail', 'myapp:**')."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "generator_ids",
            nargs="*",
            metavar="id-or-glob",
            help="generator ids or patterns (default: every id that has a source group)",
        )
        parser.add_argument(
            "--force", action="store_true", help="regenerate files that already exist"
        )
        parser.add_argument(
            "-j", "--jobs", type=positive_int, metavar="N",
            help="generate in N processes (default: one per core)",
        )
        parser.add_argument(
            "--async",
            action="store_true",
            dest="enqueue",
            help="put a task for each file on the configured async backend's queue instead "
            "of generating here",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="list the files that would be generated"
        )
        parser.add_argument(
            "--fail-on-error",
            action="store_true",
            help="exit with status 1 if any file could not be generated or any id or glob "
            "matched nothing (by default these are reported on stderr and the status is 0)",
        )

    def handle(
        self,
        *args: Any,
        generator_ids: list[str],
        force: bool,
        jobs: int | None,
        enqueue: bool,
        dry_run: bool,
        verbosity: int,
        fail_on_error: bool = False,
        **options: Any,
    ) -> None:
        self.started = time.perf_counter()
        self.verbosity = verbosity
        self.fail_on_error = fail_on_error
        self.unmatched: list[str] = []
        groups = groups_by_id()
        self.items = self.collect(self.selected_ids(generator_ids, groups), groups)
        self.outcomes: dict[int, Outcome] = {}
        self.interrupted = False
        if dry_run:
            self.dry_run(force)
            self.report(WOULD_GENERATE, "to generate")
        elif enqueue:
            self.enqueue(force)
            self.report(ENQUEUED, "enqueued")
        else:
            self.generate(force, jobs or usable_cores())
            self.report(GENERATED, "generated")

    # -- what to make ------------------------------------------------------------------------------

    def selected_ids(self, patterns: list[str], groups: dict[str, list[Any]]) -> list[str]:
        if not patterns:
            return sorted(groups)
        known = sorted(set(generator_registry.get_ids()) | set(groups))
        selected, unmatched = match_ids(patterns, known)
        self.unmatched = unmatched
        for pattern in unmatched:
            self.stderr.write(
                f"no registered generator id matches {pattern!r}. "
                f"Registered ids: {', '.join(known) or 'none'}"
            )
        return selected

    def collect(self, generator_ids: list[str], groups: dict[str, list[Any]]) -> list[Item]:
        items = []
        for generator_id in generator_ids:
            if not groups.get(generator_id):
                self.log(1, f"{generator_id}: no source groups, nothing to generate")
            for group in groups.get(generator_id, ()):
                self.log(2, f"{generator_id}: {group!r}")
                items.extend(Item(generator_id, source) for source in group.files())
        return items

    # -- the three modes ---------------------------------------------------------------------------

    def generate(self, force: bool, jobs: int) -> None:
        with_traceback = self.verbosity >= 3
        parallel = jobs > 1 and len(self.items) > 1
        reason = why_not_parallel() if parallel else None
        if reason:
            self.log(2, f"generating in this process only: {reason}")
        elif parallel and start_method() == "spawn":
            libraries = ", ".join(fork_unsafe())
            self.log(2, f"starting fresh worker processes: {libraries} cannot be forked")
        with self.progress("generating") as done:
            if parallel and reason is None:
                run_parallel(self.items, force, min(jobs, len(self.items)), done, with_traceback)
            else:
                for index, outcome in generate_items(self.items, force, with_traceback):
                    done(index, outcome)

    def enqueue(self, force: bool) -> None:
        default = get_backend()

        def schedule(item: Item, file: Any) -> str:
            backend = file.cachefile_backend
            if not hasattr(backend, "schedule"):
                backend = default
            if not hasattr(backend, "schedule"):
                raise CommandError(
                    f"--async needs a backend that enqueues, but {item.generator_id} "
                    f"uses {backend!r} and IMAGEKIT_DEFAULT_CACHEFILE_BACKEND is "
                    f"{default!r}; set it to 'celery', 'rq', 'dramatiq' or 'tasks' "
                    "(pip install ik-backends-async)"
                )
            if not force and cachefile_exists(file):
                return EXISTED
            return ENQUEUED if backend.schedule(file, force) else ALREADY_SCHEDULED

        with self.progress("enqueueing") as done:
            for index, outcome in self.each_file(schedule, self.verbosity >= 3):
                done(index, outcome)

    def dry_run(self, force: bool) -> None:
        def plan(item: Item, file: Any) -> str:
            if not force and cachefile_exists(file):
                return EXISTED
            self.stdout.write(f"{item.generator_id} {display_source(item.source)} -> {file.name}")
            return WOULD_GENERATE

        for index, outcome in self.each_file(plan, with_traceback=False):
            self.outcomes[index] = outcome

    def each_file(
        self, status_of: Callable[[Item, Any], str], with_traceback: bool
    ) -> Iterator[tuple[int, Outcome]]:
        """Each item's outcome: the status ``status_of`` gives its cache file, or its failure.
        A ``CommandError`` is the whole run's, not the item's: it ends the command."""
        for index, item in enumerate(self.items):
            try:
                file = cachefile_of(item)
                outcome = Outcome(status_of(item, file), file.name)
            except CommandError:
                raise
            except Exception as exc:
                outcome = failure(exc, with_traceback)
            yield index, outcome

    # -- output ------------------------------------------------------------------------------------

    @contextmanager
    def progress(self, description: str) -> Iterator[Callable[[int, Outcome], None]]:
        """Records outcomes and moves the progress bar; Ctrl-C ends the work, not the report."""
        stream = getattr(self.stderr, "_out", self.stderr)  # the raw stream, unwrapped
        bar = make_progress(len(self.items), stream, description)

        def done(index: int, outcome: Outcome) -> None:
            with bar.printing():
                self.outcomes[index] = outcome
                if outcome.status in (GENERATED, ENQUEUED) and self.verbosity >= 2:
                    source = display_source(self.items[index].source)
                    self.stdout.write(f"  {source} -> {outcome.name}")
            bar.update(1)

        try:
            yield done
        except KeyboardInterrupt:
            self.interrupted = True  # the summary is still written, then the command fails
        finally:
            bar.close()

    def report(self, made: str, label: str) -> None:
        """Each failure on stderr, then how many were ``made`` (called ``label``) and why not."""
        counts = Counter(outcome.status for outcome in self.outcomes.values())
        for index, outcome in sorted(self.outcomes.items()):
            if outcome.status == FAILED:
                item = self.items[index]
                self.stderr.write(
                    f"FAILED {item.generator_id} {display_source(item.source)}: {outcome.cause}"
                )
                if outcome.details:
                    self.stderr.write(outcome.details)
        parts = [f"{counts[made]} {label}", f"{counts[FAILED]} failed"]
        if counts[EXISTED]:
            parts.append(f"{counts[EXISTED]} already existed")
        if counts[ALREADY_SCHEDULED]:
            parts.append(f"{counts[ALREADY_SCHEDULED]} already scheduled")
        summary = ", ".join(parts)
        self.stdout.write(summary)
        seconds = time.perf_counter() - self.started
        rate = f", {len(self.outcomes) / seconds:.1f} files/s" if seconds and self.outcomes else ""
        logger.info(
            "generateimages: %s in %.2f s (%d files%s)", summary, seconds, len(self.items), rate
        )
        if self.interrupted:
            raise CommandError(
                f"interrupted after {len(self.outcomes)} of {len(self.items)} files; run the "
                "command again to make the rest (files already made are kept)"
            )
        problems = []
        if counts[FAILED]:
            problems.append(f"{counts[FAILED]} cache file(s) could not be generated")
        if self.unmatched:
            problems.append(f"{len(self.unmatched)} id(s) or glob(s) matched nothing")
        if self.fail_on_error and problems:
            raise CommandError(f"{' and '.join(problems)}; see above")

    def log(self, level: int, message: str) -> None:
        if self.verbosity >= level:
            self.stdout.write(message)


def groups_by_id() -> dict[str, list[Any]]:
    """The registered source groups, by generator id, in registration order.

    Asked afresh on each run: apps register groups as they load.
    """
    groups: dict[str, list[Any]] = {}
    for generator_id, group in iter_source_groups():
        groups.setdefault(generator_id, []).append(group)
    return groups


__all__ = ["Command", "groups_by_id"]

"""``manage.py imagekit_cleanup [--dry-run] [--include-unrecorded]``.

Deletes the cache files that no current spec and source produce, listing each:

- a recorded file of a generator with source groups (an ``ImageSpecField``, a registered spec)
  that is not among the files those groups produce now: its row was deleted, its source
  replaced, or its spec changed;
- a recorded file of another generator (a template tag's) whose source no longer exists;
- with ``--include-unrecorded``, a file in the cache directory that has no record and that no
  source group produces (files made before records were kept, by a tag, are among them: hence
  only on request).

Each file is deleted with its record and its cached state. ``--dry-run`` lists them only.
"""

from __future__ import annotations

import logging
import posixpath
from collections.abc import Iterator
from typing import Any

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandParser

from ik_host.config import get_config
from imagekit.cachefiles.record_table import record_key
from imagekit.management.cachefile_census import (
    Expected,
    discard,
    expected_files,
    record_rows,
)

logger = logging.getLogger("imagekit.management.cleanup")


class Command(BaseCommand):
    help = "Delete the cache files that no current spec and source produce."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="list, delete nothing")
        parser.add_argument(
            "--include-unrecorded",
            action="store_true",
            help="also delete files in the cache directory that have no record and that no "
            "source group produces",
        )

    def handle(self, *args: Any, dry_run: bool, include_unrecorded: bool, **options: Any) -> None:
        expected = expected_files()
        orphans = dict(recorded_orphans(expected))
        if include_unrecorded:
            orphans.update(unrecorded_orphans(expected))
        verb = "would delete" if dry_run else "deleted"
        for name, reason in sorted(orphans.items()):
            if not dry_run:
                discard(name)
            self.stdout.write(f"{verb} {name} ({reason})")
        summary = f"{verb} {len(orphans)} cache files"
        self.stdout.write(summary)
        logger.info("imagekit_cleanup: %s", summary)


def recorded_orphans(expected: Expected) -> Iterator[tuple[str, str]]:
    """(name, why) of each recorded file no current spec and source produce."""
    sources_present: dict[str, bool] = {}
    for row in record_rows():
        produced = expected.names.get(row.generator_id)
        if produced is not None:
            if row.name not in produced:
                yield row.name, f"{row.generator_id} no longer makes it"
            continue
        source = row.source_name
        if not source or source in expected.sources:
            continue
        if source not in sources_present:
            sources_present[source] = default_storage.exists(source)
        if not sources_present[source]:
            yield row.name, f"its source {source} is gone"


def unrecorded_orphans(expected: Expected) -> Iterator[tuple[str, str]]:
    """(name, why) of each file in the cache directory without a record or a producer."""
    wanted = expected.all_names()
    recorded = {row.key for row in record_rows()}
    for name in _walk(get_config().storage, get_config().cachefile_dir):
        if name not in wanted and record_key(name) not in recorded:
            yield name, "no record, and no source group makes it"


def _walk(storage: Any, directory: str) -> Iterator[str]:
    try:
        directories, files = storage.listdir(directory)
    except (FileNotFoundError, NotImplementedError):
        return
    for file in files:
        yield posixpath.join(directory, file)
    for sub in directories:
        yield from _walk(storage, posixpath.join(directory, sub))

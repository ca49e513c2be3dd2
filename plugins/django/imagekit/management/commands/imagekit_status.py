"""``manage.py imagekit_status [--format json] [--check-storage] [--fail-on-missing]``.

Per generator id, from the cache-file records: how many files exist, are missing, failed or
are scheduled, and the bytes they take. "Missing" counts the files the registered source groups
should have (what ``generateimages`` makes) that no record says exist; ``--check-storage`` asks
the storage about those and records the ones it has (files made before the records were kept).
``--fail-on-missing`` exits 1 when any file is missing, for CI.
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count, Sum

from ik_host.state_records import CacheFileState, StateRecord
from imagekit.cachefiles.record_table import record_store
from imagekit.management.cachefile_census import existing_names, expected_files, records

COLUMNS = ("existing", "missing", "failed", "scheduled", "bytes")
COLUMN_OF_STATE = {"exists": "existing", "failed": "failed", "scheduled": "scheduled"}

logger = logging.getLogger("imagekit.management.status")
UNKNOWN = "(no generator id)"


class Command(BaseCommand):
    help = (
        "Count the cache files per generator id from their records: existing, missing, failed, "
        "scheduled, and bytes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=("table", "json"), default="table")
        parser.add_argument(
            "--check-storage",
            action="store_true",
            help="ask the storage about the files no record says exist, and record those found",
        )
        parser.add_argument(
            "--fail-on-missing",
            action="store_true",
            help="exit with status 1 if any file the source groups should have is missing",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        counts = recorded_counts()
        expected = expected_files()
        missing_total = 0
        for generator_id, names in expected.names.items():
            missing = names - existing_names(names)
            if missing and options["check_storage"]:
                missing -= found_in_storage([expected.files[name] for name in missing])
                counts[generator_id]["existing"] = len(names) - len(missing)
            counts[generator_id]["missing"] = len(missing)
            missing_total += len(missing)
        total = {column: sum(row[column] for row in counts.values()) for column in COLUMNS}
        if options["format"] == "json":
            self.stdout.write(json.dumps({"generators": counts, "total": total}, indent=2))
        else:
            self.stdout.write(table(counts, total))
        logger.info(
            "imagekit_status: %s",
            ", ".join(f"{total[column]} {column}" for column in COLUMNS),
        )
        if options["fail_on_missing"] and missing_total:
            raise CommandError(f"{missing_total} cache files are missing")


def recorded_counts() -> dict[str, dict[str, int]]:
    """Files and bytes per generator id and state, from the records: one query."""
    counts: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COLUMNS, 0))
    rows = records().values("generator_id", "state")
    for row in rows.annotate(files=Count("key"), size=Sum("size")).order_by():
        column = COLUMN_OF_STATE.get(row["state"])
        counts_of = counts[row["generator_id"] or UNKNOWN]
        if column is not None:
            counts_of[column] += row["files"]
        counts_of["bytes"] += row["size"] or 0
    return counts


def found_in_storage(files: list[Any]) -> set[str]:
    """The names of those of ``files`` their storage has, each recorded as existing."""
    found = set()
    for file in files:
        if file.storage.exists(file.name):
            record_store.save(file, StateRecord(CacheFileState.EXISTS))
            found.add(file.name)
    return found


def table(counts: dict[str, dict[str, int]], total: dict[str, int]) -> str:
    """The counts as aligned columns, one generator id per line, and the total."""
    rows = [*sorted(counts.items()), ("total", total)]
    lines = [(label, *(str(row[column]) for column in COLUMNS)) for label, row in rows]
    header = ("generator id", *COLUMNS)
    widths = [max(len(line[i]) for line in [header, *lines]) for i in range(len(header))]

    def format_line(line: tuple[str, ...]) -> str:
        cells = [cell.rjust(width) for cell, width in zip(line, widths, strict=True)]
        return "  ".join([line[0].ljust(widths[0]), *cells[1:]])

    return "\n".join(format_line(line) for line in [header, *lines])

"""Cache-file records kept in the imagekit app's table (``imagekit.models.CacheFileRecord``).

The defaults' backends ask the table after the state cache and before the storage, and tell it
every record they set (``ik_host.protocols.RecordStore``), so a new process with an empty cache
learns that a file exists, and its size, without asking the storage.

The table is an addition, never a point of failure. Before it is migrated it is not used (the
system check ``imagekit.W006`` says so); when the database fails, one warning is logged, lookups
are misses and writes are dropped for ``retry_seconds``, and the backends go on with the storage.
Inside a transaction a statement that could fail the caller's transaction runs in a savepoint.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from collections.abc import Iterable
from contextlib import nullcontext
from typing import Any

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, router, transaction
from django.utils import timezone

from ik_host.errors import IKError
from ik_host.formats import extension_to_format
from ik_host.generators import generator_id_of
from ik_host.placeholders import Placeholder
from ik_host.state_records import CacheFileState, StateRecord

logger = logging.getLogger("imagekit.cachefiles.record_table")

# Updated on every save; a record without sizes (the storage said the file exists) leaves
# the sizes a row already holds alone, and a file known by its name alone its source.
_ALWAYS = ("name", "state", "error", "failed_at", "updated_at")
_SIZES = ("width", "height", "size")
_SOURCE = ("format", "generator_id", "source_name", "source_key")


def record_key(name: str) -> str:
    """The primary key of a cache file's row: the SHA-1 of its name."""
    return hashlib.sha1(name.encode("utf-8", "surrogatepass"), usedforsecurity=False).hexdigest()


def record_model() -> Any:
    """``imagekit.models.CacheFileRecord``, looked up once the app registry is ready (this
    module is imported before it is)."""
    return apps.get_model("imagekit", "CacheFileRecord")


class DatabaseRecordStore:
    """Reads and writes ``CacheFileRecord`` rows, on the database the routers choose."""

    # Seconds the database is left alone after it failed, before it is tried again.
    retry_seconds: float = 2.0

    def __init__(self) -> None:
        self._tables: dict[str, bool] = {}
        self._down_until = 0.0
        self._lock = threading.Lock()

    # -- reading ---------------------------------------------------------------------------------

    def get_many(self, files: Iterable[Any]) -> dict[str, StateRecord]:
        """The records of ``files`` found in the table, by file name: one query (per 500)."""
        return self._select("key__in", {record_key(file.name) for file in files if file.name})

    def records_from_sources(self, source_names: Iterable[str]) -> dict[str, StateRecord]:
        """The records of every file made from ``source_names``, by file name: one query."""
        return self._select("source_key__in", {record_key(name) for name in source_names if name})

    def _select(self, lookup: str, keys: set[str]) -> dict[str, StateRecord]:
        model = record_model()
        alias = router.db_for_read(model) or DEFAULT_DB_ALIAS
        if not keys or not self._usable(alias):
            return {}
        wanted = sorted(keys)
        found: dict[str, StateRecord] = {}
        for start in range(0, len(wanted), CHUNK):  # within every database's parameter limit
            query = model.objects.using(alias).filter(**{lookup: wanted[start : start + CHUNK]})
            found.update(_records(self._run(alias, lambda q=query: list(q.values_list(*_ROW)))))
        return found

    def names_from_source(self, source_name: str) -> list[str]:
        """The names of the recorded files made from ``source_name``: one query."""
        model = record_model()
        alias = router.db_for_read(model) or DEFAULT_DB_ALIAS
        if not self._usable(alias):
            return []
        query = model.objects.using(alias).filter(source_key=record_key(source_name))
        return self._run(alias, lambda: list(query.values_list("name", flat=True))) or []

    # -- writing ---------------------------------------------------------------------------------

    def save(self, file: Any, record: StateRecord) -> None:
        """Keep ``record`` as the row of ``file`` (a cache file, or anything with a ``name``)."""
        name = file.name
        model = record_model()
        alias = router.db_for_write(model) or DEFAULT_DB_ALIAS
        if not name or not self._usable(alias):
            return
        now = timezone.now()
        failed = record.state is CacheFileState.FAILED
        row = model(
            key=record_key(name),
            name=name,
            state=record.state.value,
            error=record.error or "",
            failed_at=now if failed else None,
            updated_at=now,
        )
        fields = list(_ALWAYS)
        generator = getattr(file, "generator", None)
        if generator is not None:
            _describe(row, generator, name)
            fields += _SOURCE
        if record.size is not None or record.width is not None:
            row.width, row.height, row.size = record.width, record.height, record.size
            row.made_at = now
            fields += [*_SIZES, "made_at"]
        elif not failed:
            fields.remove("failed_at")  # a failure's time stays until the file is made
        if record.placeholder is not None or "made_at" in fields:
            # A file made again loses the placeholder of its old pixels, if it brings none.
            row.placeholder = record.placeholder.dump() if record.placeholder else ""
            fields.append("placeholder")
        connection = connections[alias]
        target = ["key"] if connection.features.supports_update_conflicts_with_target else None
        self._run(
            alias,
            lambda: model.objects.using(alias).bulk_create(
                [row], update_conflicts=True, unique_fields=target, update_fields=fields
            ),
            write=True,
        )

    # -- the database, tolerating its failures ---------------------------------------------------

    def _usable(self, alias: str) -> bool:
        if self._down_until and time.monotonic() < self._down_until:
            return False
        known = self._tables.get(alias)
        if known is None:
            missing = self._run(alias, lambda: missing_parts(alias))
            if missing is None:
                return False
            known = self._tables[alias] = not missing
            if not known:
                logger.info(
                    "imagekit's cache-file record table in database %r lacks %s: no record is "
                    "kept until `manage.py migrate imagekit` (imagekit.W006)",
                    alias,
                    ", ".join(missing),
                )
        return known

    def forget_tables(self, **kwargs: Any) -> None:
        """Look for the table again on next use (connected to ``post_migrate``)."""
        self._tables.clear()

    def _run(self, alias: str, query: Any, write: bool = False) -> Any:
        """``query()``'s result, or None when the database fails (then left alone a while).

        In a transaction, a write runs in a savepoint, and so does a read on PostgreSQL (where
        one failed statement aborts the whole transaction): the caller's transaction survives."""
        connection = connections[alias]
        guarded = connection.in_atomic_block and (write or connection.vendor == "postgresql")
        guard = transaction.atomic(using=alias) if guarded else nullcontext()
        try:
            with guard:
                result = query()
        except Exception as exc:  # any driver's error, or a test run's blocked database
            self._failed(alias, exc)
            return None
        if self._down_until:
            with self._lock:
                self._down_until = 0.0
            logger.info("the cache-file record table answers again")
        return result

    def _failed(self, alias: str, exc: Exception) -> None:
        with self._lock:
            first = not self._down_until
            self._down_until = time.monotonic() + self.retry_seconds
        if first:
            logger.warning(
                "the cache-file record table (database %r) failed (%s: %s); until it answers "
                "again, cache files are looked up in the state cache and the storage",
                alias,
                type(exc).__name__,
                exc,
            )


def missing_parts(alias: str) -> list[str]:
    """What the record table lacks in database ``alias``: ``["table imagekit_cachefile"]``, or
    the columns of a later migration not applied (the table is then not used, as if missing)."""
    connection = connections[alias]
    meta = record_model()._meta
    try:
        present = _columns(connection, meta.db_table)
    except DatabaseError:
        if meta.db_table not in connection.introspection.table_names():
            return [f"table {meta.db_table}"]
        raise
    return [
        f"column {field.column}" for field in meta.concrete_fields if field.column not in present
    ]


def _columns(connection: Any, table: str) -> set[str]:
    # One query on every database (SQLite's table description costs one per column); in a
    # transaction, in a savepoint, so that a missing table leaves the transaction usable.
    guard = (
        transaction.atomic(using=connection.alias) if connection.in_atomic_block else nullcontext()
    )
    with guard, connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)} WHERE 1 = 0")
        return {column[0] for column in cursor.description}


_STATES = {state.value: state for state in CacheFileState}
CHUNK = 500
# The columns a record is read from (``_records``).
_ROW = ("name", "state", "width", "height", "size", "error", "placeholder")


def _records(rows: Iterable[tuple[Any, ...]] | None) -> dict[str, StateRecord]:
    """Records by file name, from rows of the ``_ROW`` columns."""
    found = {}
    for name, state, width, height, size, error, placeholder in rows or ():
        if state in _STATES:
            found[name] = StateRecord(
                _STATES[state], width, height, size, error or None, Placeholder.load(placeholder)
            )
    return found


def _describe(row: Any, generator: Any, name: str) -> None:
    """Fill the row's facts about what the file was made from, and how."""
    row.format = _format(generator, name)
    row.generator_id = generator_id_of(generator) or ""
    source = getattr(generator, "source_name", None) or getattr(
        getattr(generator, "source", None), "name", None
    )
    row.source_name = source if isinstance(source, str) else ""
    row.source_key = record_key(row.source_name) if row.source_name else ""


def _format(generator: Any, name: str) -> str:
    """The format the file was written in: its name's extension says, as the namers chose it."""
    try:
        return extension_to_format(os.path.splitext(name)[1])
    except IKError:
        return (getattr(generator, "format", None) or "")[:16].upper()


record_store = DatabaseRecordStore()

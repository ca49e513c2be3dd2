"""What cache files the project should have, what its records say it has, and discarding one.

Shared by ``imagekit_status`` and ``imagekit_cleanup``. The files a project should have are the
cache files of every source in every registered source group (what ``generateimages`` makes);
the records are the rows of ``imagekit.models.CacheFileRecord``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import DEFAULT_DB_ALIAS, router

from ik_defaults.cached_backends import CachedFileBackend
from ik_host.components import get_backend
from ik_host.config import get_config
from ik_host.state_records import CacheFileState
from imagekit.cachefiles.record_table import CHUNK, record_key, record_model
from imagekit.management.jobs import Item, cachefile_of
from imagekit.registry import iter_source_groups


@dataclass
class Expected:
    """The cache files the registered source groups produce, by generator id, and their
    sources' names."""

    names: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    sources: set[str] = field(default_factory=set)
    files: dict[str, Any] = field(default_factory=dict)  # by name

    def all_names(self) -> set[str]:
        return set().union(*self.names.values()) if self.names else set()


def expected_files() -> Expected:
    """Every cache file of every source of every registered source group."""
    expected = Expected()
    for generator_id, group in iter_source_groups():
        for source in group.files():
            file = cachefile_of(Item(generator_id, source))
            if file.name:
                expected.names[generator_id].add(file.name)
                expected.sources.add(source.name)
                expected.files[file.name] = file
    return expected


def record_rows(**filters: Any) -> Iterator[Any]:
    """The records (``CacheFileRecord`` rows) matching ``filters``, in name order."""
    model = record_model()
    alias = router.db_for_read(model) or DEFAULT_DB_ALIAS
    yield from model.objects.using(alias).filter(**filters).order_by("name").iterator()


def existing_names(names: Iterable[str]) -> set[str]:
    """Those of ``names`` whose record says the file exists."""
    model = record_model()
    alias = router.db_for_read(model) or DEFAULT_DB_ALIAS
    by_key = {record_key(name): name for name in names}
    keys = list(by_key)
    found: set[str] = set()
    for start in range(0, len(keys), CHUNK):
        rows = model.objects.using(alias).filter(
            key__in=keys[start : start + CHUNK], state=CacheFileState.EXISTS.value
        )
        found.update(rows.values_list("name", flat=True))
    return found


def discard(name: str, storage: Any = None) -> None:
    """Delete cache file ``name`` from ``storage`` (the configured one by default), its record
    and its state: the next access makes it again, if anything still asks for it."""
    config = get_config()
    storage = storage if storage is not None else config.storage
    storage.delete(name)
    model = record_model()
    alias = router.db_for_write(model) or DEFAULT_DB_ALIAS
    model.objects.using(alias).filter(key=record_key(name)).delete()
    backend = _cached_backend()
    if backend is not None:
        backend.cache_delete(backend.get_key(Named(name)))


@dataclass(frozen=True)
class Named:
    """A cache file known by its name only (``ik_host.protocols.NamedFile``)."""

    name: str


def _cached_backend() -> CachedFileBackend | None:
    """The configured backend when it keeps states in a state cache, else None."""
    backend = get_backend()
    return backend if isinstance(backend, CachedFileBackend) else None

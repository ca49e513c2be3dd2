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


def records(*, write: bool = False) -> Any:
    """The records (``CacheFileRecord`` rows), on the database the routers choose."""
    model = record_model()
    route = router.db_for_write if write else router.db_for_read
    return model.objects.using(route(model) or DEFAULT_DB_ALIAS)


def record_rows() -> Iterator[Any]:
    """The records, in name order."""
    yield from records().order_by("name").iterator()


def existing_names(names: Iterable[str]) -> set[str]:
    """Those of ``names`` whose record says the file exists."""
    keys = [record_key(name) for name in names]
    found: set[str] = set()
    for start in range(0, len(keys), CHUNK):
        rows = records().filter(
            key__in=keys[start : start + CHUNK], state=CacheFileState.EXISTS.value
        )
        found.update(rows.values_list("name", flat=True))
    return found


def discard(name: str, storage: Any = None) -> None:
    """Delete cache file ``name`` from ``storage`` (the configured one by default), its record
    and its state: the next access makes it again, if anything still asks for it."""
    storage = storage if storage is not None else get_config().storage
    storage.delete(name)
    records(write=True).filter(key=record_key(name)).delete()
    backend = get_backend()
    if isinstance(backend, CachedFileBackend):  # it keeps states in a state cache
        backend.cache_delete(backend.get_key(Named(name)))


@dataclass(frozen=True)
class Named:
    """A cache file known by its name only (``ik_host.protocols.NamedFile``)."""

    name: str

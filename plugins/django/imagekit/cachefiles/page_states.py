"""A page's cache-file states, read in one batch with no code in views or templates.

From a request's start to its end (Django's ``request_started``/``request_finished``), the
states are request-local (``ik_defaults.statecache``), and every model instance loaded with an
image that feeds cache files (a source group's row) is noted. The first state the page asks
for that is not known yet triggers one batch for every instance noted so far:

1. one query for the records of every file made from their images (the spec fields' files
   and the ``{% thumbnail %}`` files alike: ``CacheFileRecord.source_key``);
2. one ``get_many`` on the state cache for the spec fields' files that have no record.

Every later lookup of those files is answered from the request's mapping, so a page of N rows
costs one query and at most one cache round trip, whether the process is new or warm. A file
the batch did not cover (a tag's file never recorded) is looked up alone, as before. Instances
loaded later in the request are batched at the next unknown lookup.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from contextvars import ContextVar
from typing import Any

from ik_defaults.cached_backends import CachedFileBackend, prefetch_states
from ik_defaults.statecache import close_local_states, open_local_states
from ik_host.components import get_backend
from ik_host.config import get_config
from ik_host.state_records import CacheFileState, state_key
from imagekit.cachefiles import ImageCacheFile
from imagekit.cachefiles.record_table import DatabaseRecordStore
from imagekit.conf import settings
from imagekit.registry import generator_registry, iter_source_groups


class PageStates:
    """The states of one request, and the instances loaded since the last batch."""

    def __init__(self) -> None:
        self.mapping: dict[str, Any] = {}
        self.pending: list[tuple[Any, Any]] = []

    def note(self, group: Any, instance: Any) -> None:
        self.pending.append((group, instance))

    def fill(self, into: MutableMapping[str, Any] | None = None) -> bool:
        """Read the states of the pending instances' files into the page's mapping (or
        ``into``: a ``use_cachefile_state_cache`` block's); whether anything was read."""
        if not self.pending:
            return False
        mapping = self.mapping if into is None else into
        pending, self.pending = self.pending, []
        before = len(mapping)
        ids_of: dict[int, list[str]] = {}
        for generator_id, group in iter_source_groups():
            ids_of.setdefault(id(group), []).append(generator_id)
        sources = {}
        for group, instance in pending:
            source = getattr(instance, group.image_field)
            if source:
                sources.setdefault(source.name, []).extend(
                    (generator_id, source) for generator_id in ids_of.get(id(group), ())
                )
        self._fill_from_records(sources, mapping)
        unknown = []
        for pairs in sources.values():
            for generator_id, source in pairs:
                file = _named_file(generator_id, source)
                if file is not None and _key(file) not in mapping:
                    unknown.append(file)
        prefetch_states(unknown, mapping, records=False)
        return len(mapping) > before

    @staticmethod
    def _fill_from_records(sources: dict[str, Any], mapping: MutableMapping[str, Any]) -> None:
        store = get_config().record_store
        backend = get_backend()
        if not isinstance(store, DatabaseRecordStore) or not isinstance(backend, CachedFileBackend):
            return
        prefix = backend.prefix
        for name, record in store.records_from_sources(sources).items():
            # A row without sizes (a file found, not made, since records were kept): the state
            # cache may know them, read back from the file once.
            if record.state is not CacheFileState.EXISTS or record.width is not None:
                mapping[state_key(prefix, name)] = record.dump()


def _named_file(generator_id: str, source: Any) -> Any:
    """The cache file of ``generator_id`` for ``source``, named; None when it cannot be (a bad
    source name): the batch leaves it to its own lookup, which raises where the page uses it."""
    try:
        file = ImageCacheFile(generator_registry.get(generator_id, source=source))
        return file if file.name else None
    except Exception:
        return None


def _key(file: Any) -> str | None:
    backend = file.cachefile_backend
    return backend.get_key(file) if isinstance(backend, CachedFileBackend) else None


_page: ContextVar[PageStates | None] = ContextVar("imagekit_page_states", default=None)


def start_page(**kwargs: Any) -> None:
    """``request_started``: a new page, unless ``IMAGEKIT_PAGE_PREFETCH`` is off."""
    if not settings.IMAGEKIT_PAGE_PREFETCH:
        return
    page = PageStates()
    _page.set(page)
    open_local_states(page.mapping, page.fill)


def end_page(**kwargs: Any) -> None:
    """``request_finished``: the page's states are forgotten."""
    if _page.get() is not None:
        _page.set(None)
        close_local_states()


def active_page() -> PageStates | None:
    return _page.get()


def note_loaded(group: Any, instance: Any) -> None:
    """A source group's row was loaded (``post_init``): batched with the page, if any."""
    page = _page.get()
    if page is not None:
        page.note(group, instance)

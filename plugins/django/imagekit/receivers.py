"""The receivers connected in ``ImagekitConfig.ready()``.

(Cache files tell their strategy of ``existence_required``/``content_required`` themselves and
send those signals for the project's own listeners.) The receivers here turn ``source_saved`` into
``on_source_saved`` for every generator fed by the group that sent it, and rebuild the host
configuration when a setting it is made from changes (``override_settings`` in tests).
"""

from __future__ import annotations

from typing import Any

from django.core.signals import request_finished, request_started, setting_changed
from django.db.models.signals import post_migrate

from ik_defaults.cached_backends import CachedFileBackend
from ik_host.components import get_backend
from ik_host.config import get_config, reset_config
from ik_host.state_records import CacheFileState, StateRecord
from ik_host.strategy_events import notify
from ik_pictures.source_facts import forget_source_facts
from ik_processors_pilkit.pillow_engine import decode_once
from imagekit.cachefiles import ImageCacheFile, page_states
from imagekit.cachefiles.record_table import DatabaseRecordStore, record_store
from imagekit.conf import WATCHED, settings
from imagekit.management.cachefile_census import Named, discard
from imagekit.registry import generator_registry, iter_source_groups
from imagekit.signals import source_deleted, source_saved
from imagekit.specs.sourcegroups import loaded_listeners
from imagekit.templatetags._generators import forget_tag_files


def spec_files(group: Any, source: Any) -> list[ImageCacheFile]:
    """The cache files of ``source`` for every generator fed by ``group``."""
    return [
        ImageCacheFile(generator_registry.get(generator_id, source=source))
        for generator_id, fed_by in iter_source_groups()
        if fed_by is group
    ]


def on_source_saved(sender: Any, source: Any, replaced: bool = False, **kwargs: Any) -> None:
    files = spec_files(sender, source)
    if replaced:
        mark_stale(files, source.name)
        forget_source_facts(source)  # its size and orientation may have changed too
    # A strategy that generates on save (Optimistic) makes every spec of the new file here:
    # it is decoded once for all of them.
    with decode_once([file.generator for file in files]):
        for file in files:
            notify(file.cachefile_strategy, "on_source_saved", file)


def mark_stale(files: list[Any], source_name: str) -> None:
    """Record ``files``, and every recorded file made from ``source_name`` (a template tag's),
    as stale: made again, replacing the stored file, when next asked for."""
    stale = StateRecord(CacheFileState.STALE)
    named = {file.name: file for file in files if file.name}
    for name in recorded_from(source_name):
        named.setdefault(name, Named(name))
    for file in named.values():
        backend = file.cachefile_backend if isinstance(file, ImageCacheFile) else get_backend()
        if isinstance(backend, CachedFileBackend):
            backend.set_record(file, stale)


def on_source_deleted(sender: Any, source: Any, **kwargs: Any) -> None:
    """With ``IMAGEKIT_DELETE_CACHEFILES_WITH_ROW``, delete the cache files of a deleted row's
    image: its spec fields' and every recorded one made from it (a template tag's)."""
    if not settings.IMAGEKIT_DELETE_CACHEFILES_WITH_ROW:
        return
    for file in spec_files(sender, source):
        if file.name:
            discard(file.name, file.storage)
    for name in recorded_from(source.name):
        discard(name)


def recorded_from(source_name: str) -> list[str]:
    """The recorded cache files made from ``source_name``, when records are kept."""
    store = get_config().record_store
    if not isinstance(store, DatabaseRecordStore):
        return []
    return store.names_from_source(source_name)


def on_setting_changed(setting: str, **kwargs: Any) -> None:
    if setting in WATCHED or setting.startswith("IMAGEKIT_"):
        reset_config(keep_override=True)  # a set_config() made in code stays in force
        forget_tag_files()


def connect() -> None:
    """Connect every receiver once (``dispatch_uid`` makes a second call harmless)."""
    source_saved.connect(on_source_saved, dispatch_uid="imagekit.source_saved")
    source_deleted.connect(on_source_deleted, dispatch_uid="imagekit.source_deleted")
    request_started.connect(page_states.start_page, dispatch_uid="imagekit.page_start")
    request_finished.connect(page_states.end_page, dispatch_uid="imagekit.page_end")
    if page_states.note_loaded not in loaded_listeners:
        loaded_listeners.append(page_states.note_loaded)
    setting_changed.connect(on_setting_changed, dispatch_uid="imagekit.settings")
    post_migrate.connect(record_store.forget_tables, dispatch_uid="imagekit.record_table")

"""The receivers connected in ``ImagekitConfig.ready()``.

(Cache files tell their strategy of ``existence_required``/``content_required`` themselves and
send those signals for the project's own listeners.) The receivers here turn ``source_saved`` into
``on_source_saved`` for every generator fed by the group that sent it, and rebuild the host
configuration when a setting it is made from changes (``override_settings`` in tests).
"""

from __future__ import annotations

from typing import Any

from django.core.signals import setting_changed
from django.db.models.signals import post_migrate

from ik_host.config import reset_config
from ik_host.strategy_events import notify
from ik_processors_pilkit.pillow_engine import decode_once
from imagekit.cachefiles import ImageCacheFile
from imagekit.cachefiles.record_table import record_store
from imagekit.conf import WATCHED
from imagekit.registry import generator_registry, iter_source_groups
from imagekit.signals import source_saved
from imagekit.templatetags._generators import forget_tag_files


def on_source_saved(sender: Any, source: Any, **kwargs: Any) -> None:
    files = [
        ImageCacheFile(generator_registry.get(generator_id, source=source))
        for generator_id, group in iter_source_groups()
        if group is sender
    ]
    # A strategy that generates on save (Optimistic) makes every spec of the new file here:
    # it is decoded once for all of them.
    with decode_once([file.generator for file in files]):
        for file in files:
            notify(file.cachefile_strategy, "on_source_saved", file)


def on_setting_changed(setting: str, **kwargs: Any) -> None:
    if setting in WATCHED or setting.startswith("IMAGEKIT_"):
        reset_config(keep_override=True)  # a set_config() made in code stays in force
        forget_tag_files()


def connect() -> None:
    """Connect every receiver once (``dispatch_uid`` makes a second call harmless)."""
    source_saved.connect(on_source_saved, dispatch_uid="imagekit.source_saved")
    setting_changed.connect(on_setting_changed, dispatch_uid="imagekit.settings")
    post_migrate.connect(record_store.forget_tables, dispatch_uid="imagekit.record_table")

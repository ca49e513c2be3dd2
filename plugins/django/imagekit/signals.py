"""The signals between cache files, source groups and strategies, and of generation.

``existence_required`` and ``content_required`` are sent for a cache file (sender: its class,
``file``: the cache file) when its file must exist or its bytes are needed;
``cachefile_generated`` after each generation (``file``, the ``seconds`` it took, its ``size``
in bytes) and ``cachefile_failed`` after each failed one (``file``, ``exception``). All four
are sent by ``imagekit.cachefiles.send_cachefile_signal``, which the app hands the host as a
cache-file listener.

``source_saved`` is sent by a source group (sender: the group, ``source``: the saved file) when
a source image is created or changed (with ``replaced=True`` when a new file took the old
one's name), ``source_deleted`` (same arguments) when its row is deleted. The receivers that
hand them on are connected in ``ImagekitConfig.ready()`` (``imagekit.receivers``); projects may
add their own.
"""

from __future__ import annotations

from django.dispatch import Signal

# Sent on every access of a cache file: cache receivers per sender class.
existence_required = Signal(use_caching=True)
content_required = Signal(use_caching=True)
cachefile_generated = Signal()
cachefile_failed = Signal()
source_saved = Signal()
source_deleted = Signal()

__all__ = [
    "cachefile_failed",
    "cachefile_generated",
    "content_required",
    "existence_required",
    "source_deleted",
    "source_saved",
]

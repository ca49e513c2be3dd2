"""``imagekit.cachefiles.namers``: the cache-file namers, from the defaults plugin.

Settings may name them by these dotted paths (``IMAGEKIT_SPEC_CACHEFILE_NAMER =
'imagekit.cachefiles.namers.source_name_dot_hash'``) or by their short names.
"""

from __future__ import annotations

from ik_defaults.cachefile_namers import hash, source_name_as_path, source_name_dot_hash

__all__ = ["hash", "source_name_as_path", "source_name_dot_hash"]

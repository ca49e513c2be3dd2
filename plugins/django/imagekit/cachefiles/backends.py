"""``imagekit.cachefiles.backends``: the cache-file backends under their django-imagekit names.

``Simple`` and ``CachedFileBackend`` come from the defaults plugin. The deferring backends
(``Celery``, ``RQ``, ``Dramatiq``, ``Tasks``, ``Async``) belong to an async plugin: they are
looked up in the host's backend registry on first use, and without such a plugin the error says
what to ``pip install``.
"""

from __future__ import annotations

from typing import Any

from ik_defaults.cached_backends import CachedFileBackend, Simple
from ik_host.components import get_backend
from ik_host.state_records import CacheFileState
from imagekit.registry import module_exports

# django-imagekit's names for the backends only a plugin provides, by registered name.
PLUGIN_BACKENDS = {
    "Celery": "celery",
    "RQ": "rq",
    "Dramatiq": "dramatiq",
    "Tasks": "tasks",
    "Async": "async",
}


def get_default_cachefile_backend() -> Any:
    """The backend ``IMAGEKIT_DEFAULT_CACHEFILE_BACKEND`` names, as the host resolved it."""
    return get_backend()


__getattr__ = module_exports(__name__, "backend", PLUGIN_BACKENDS)

__all__ = [
    "CacheFileState",
    "CachedFileBackend",
    "Simple",
    "get_default_cachefile_backend",
]

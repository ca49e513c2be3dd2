"""``imagekit.cachefiles.backends``: the cache-file backends under their django-imagekit names.

``Simple`` and ``CachedFileBackend`` come from the defaults plugin. The deferring backends
(``Celery``, ``RQ``, ``Dramatiq``, ``Async``) belong to an async plugin: they are looked up in
the host's backend registry on first use, and without such a plugin the error says what to
``pip install``.
"""

from __future__ import annotations

from typing import Any

from ik_defaults.backends import CachedFileBackend, Simple
from ik_host.components import get_backend
from ik_host.registry import get_registry
from ik_host.state import CacheFileState

# Names django-imagekit settings use for backends that only a plugin provides.
PLUGIN_BACKENDS = frozenset({"Celery", "RQ", "Dramatiq", "Async"})


def get_default_cachefile_backend() -> Any:
    """The backend ``IMAGEKIT_DEFAULT_CACHEFILE_BACKEND`` names, as the host resolved it."""
    return get_backend()


def __getattr__(name: str) -> Any:
    registry = get_registry("backend")
    if name in PLUGIN_BACKENDS:
        return registry.get(name).obj  # an unknown one raises with the install hint
    if not name.startswith("_") and name in registry:
        return registry.get(name).obj
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "CacheFileState",
    "CachedFileBackend",
    "Simple",
    "get_default_cachefile_backend",
]

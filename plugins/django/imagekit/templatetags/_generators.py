"""From tag arguments to cache files, through the generator registry."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Mapping
from typing import Any

from imagekit.cachefiles import ImageCacheFile
from imagekit.registry import generator_registry
from imagekit.templatetags._sizes import scale


def cache_file(generator_id: str, kwargs: Mapping[str, Any]) -> ImageCacheFile:
    """The cache file of the generator registered as ``generator_id``, made with ``kwargs``."""
    return ImageCacheFile(generator_registry.get(generator_id, **kwargs))


def thumbnail_file(
    generator_id: str,
    source: Any,
    width: int | None,
    height: int | None,
    kwargs: Mapping[str, Any],
    density: float = 1.0,
) -> ImageCacheFile:
    """The cache file for a ``thumbnail`` tag, at ``density`` times the size asked for.

    A generator that takes no ``width``/``height`` (a spec of fixed size, like the documented
    ``myapp:thumbnail``) is not given them: it makes the size it was written for, and the
    ``<img>`` reports that size. It cannot make other densities, so ``srcset`` is refused.
    """
    size = {"width": scale(width, density), "height": scale(height, density)}
    if not accepts_size(generator_id):
        if density != 1:
            raise ValueError(
                f"srcset needs a generator that takes width and height; {generator_id!r} "
                "makes one fixed size"
            )
        size = {}
    return cache_file(generator_id, {**kwargs, **size, "source": source})


def accepts_size(generator_id: str) -> bool:
    """Whether the generator registered as ``generator_id`` takes ``width`` and ``height``."""
    return _factory_accepts_size(generator_registry.get_class(generator_id))


@functools.lru_cache(maxsize=256)
def _factory_accepts_size(factory: Any) -> bool:
    try:
        parameters = inspect.signature(factory).parameters.values()
    except (TypeError, ValueError):  # no signature to read: assume it takes them
        return True
    names = {p.name for p in parameters}
    takes_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters)
    return takes_any or {"width", "height"} <= names

"""From tag arguments to cache files, through the generator registry."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Hashable, Mapping
from typing import Any

from django.db.models.fields.files import FieldFile

from ik_host.cachefile import forget_warm_cachefiles, warm_cachefile
from ik_host.errors import IKError
from ik_host.hashing import exact_key
from ik_host.paths import source_key
from imagekit.cachefiles import ImageCacheFile
from imagekit.registry import generator_registry
from imagekit.templatetags._sizes import SizeError, max_size, scale


def cache_file(generator_id: str, kwargs: Mapping[str, Any]) -> ImageCacheFile:
    """The cache file of the generator registered as ``generator_id``, made with ``kwargs``.

    Kept between renders by the host's warm-path memo (``ik_host.cachefile.warm_cachefile``).
    """
    return warm_cachefile(
        _memo_key(generator_id, kwargs),
        lambda: ImageCacheFile(generator_registry.get(generator_id, **kwargs)),
        kwargs.get("source"),
    )


def forget_tag_files() -> None:
    """Drop what the tags keep between renders (after a settings change)."""
    forget_warm_cachefiles()
    max_size.cache_clear()


def _memo_key(generator_id: str, kwargs: Mapping[str, Any]) -> Hashable | None:
    """What decides the cache file a tag gets, or None when it cannot be told cheaply.

    The source is a stored file, counted by ``ik_host.paths.source_key`` (its storage and
    name, as the cache file's name does); the registered generator by identity, so a generator
    registered anew is a new key (``warm_cachefile`` adds the configuration).
    """
    arguments = []
    for name, value in kwargs.items():
        if name == "source":
            if not isinstance(value, FieldFile) or not value.name:
                return None
            value = source_key(value, value.name)
        elif type(value) is tuple:
            value = exact_key(value)
        # Typed, as the names are: crop=0 and crop=False make differently named files.
        arguments.append((name, type(value), value))
    key = (generator_registry.get_class(generator_id), generator_id, tuple(arguments))
    try:
        hash(key)
    except TypeError:  # an argument that cannot be a key (a list, say): made anew each time
        return None
    return key


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
    A generator's refusal of the tag's options (an anchor it cannot read, say) is reported as
    the tag's error rather than a bare ValueError.
    """
    try:
        size = {"width": scale(width, density), "height": scale(height, density)}
        if not accepts_size(generator_id):
            if density != 1:
                raise ValueError(
                    f"srcset needs a generator that takes width and height; {generator_id!r} "
                    "makes one fixed size"
                )
            size = {}
        return cache_file(generator_id, {**kwargs, **size, "source": source})
    except IKError:
        raise
    except (TypeError, ValueError) as exc:
        raise SizeError(f"'thumbnail' tag: {exc}") from exc


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

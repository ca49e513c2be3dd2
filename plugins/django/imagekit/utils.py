"""Helpers django-imagekit users import from ``imagekit.utils``, plus the Django objects the
host configuration is built from (the state cache and the cache-file storage)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

from django.conf import DEFAULT_STORAGE_ALIAS
from django.core.cache import caches
from django.core.cache.backends.base import BaseCache
from django.core.files import File
from django.core.files.storage import storages

from ik_host.registry import resolve
from ik_processors_pilkit.pilkit_utils import (  # pilkit.utils' public names, re-exported
    DEFAULT_EXTENSIONS,
    PALETTE_TRANSPARENCY_FORMATS,
    RGBA_TRANSPARENCY_FORMATS,
    FileWrapper,
    UnknownExtension,
    UnknownFormat,
    extension_to_format,
    extension_to_mimetype,
    format_to_extension,
    format_to_mimetype,
    img_to_fobj,
    open_image,
    prepare_image,
    process_image,
    quiet,
    save_image,
    suggest_extension,
)
from imagekit.conf import settings


def get_field_info(field_file: Any) -> tuple[Any, str | None]:
    """``(model_instance, field_name)`` of a model's file (a FieldFile); ``(None, None)`` else.

    This is how a spec reaches the model its source belongs to (see "Specs That Change").
    """
    field = getattr(field_file, "field", None)
    return getattr(field_file, "instance", None), getattr(field, "name", None)


def get_cache(name: Any = None) -> Any:
    """The Django cache named by ``IMAGEKIT_CACHE_BACKEND`` (or ``name``).

    A ``CACHES`` alias gives that cache, looked up per thread as ``django.core.cache.cache``
    is; a dotted backend path (the DEBUG default names ``DummyCache``) gives a new instance of
    that backend with no options. Names resolve through the host (``ik_host.registry``), which
    asks this app's ``ik_resolve_alias`` about ``CACHES`` aliases.
    """
    value = settings.IMAGEKIT_CACHE_BACKEND if name is None else name
    if not isinstance(value, str):
        return value
    obj = resolve("state_cache", value)
    if isinstance(obj, type) and issubclass(obj, BaseCache):
        return obj("", {})  # Django's cache backends take (location, params)
    return obj() if isinstance(obj, type) else obj


class PerThreadCache:
    """The ``CACHES[alias]`` cache of the calling thread, as ``django.core.cache.cache`` is.

    Django hands each thread its own cache object (some clients are not thread-safe). Its proxy
    finds it through asgiref's context-aware ``Local`` on every call, which costs more than a
    local-memory ``get`` itself; a thread-local attribute is enough for the state cache.
    """

    def __init__(self, alias: str) -> None:
        self.alias = alias
        self._local = threading.local()

    def _cache(self) -> Any:
        try:
            return self._local.cache
        except AttributeError:
            self._local.cache = caches[self.alias]
            return self._local.cache

    def get(self, key: str, default: Any = None) -> Any:
        return self._cache().get(key, default)

    def get_many(self, keys: Any) -> dict[str, Any]:
        return self._cache().get_many(keys)

    def set(self, key: str, value: Any, *args: Any, **kwargs: Any) -> None:
        self._cache().set(key, value, *args, **kwargs)

    def add(self, key: str, value: Any, *args: Any, **kwargs: Any) -> bool:
        return self._cache().add(key, value, *args, **kwargs)

    def delete(self, key: str, *args: Any, **kwargs: Any) -> Any:
        return self._cache().delete(key, *args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self._cache(), name)

    def __repr__(self) -> str:
        return f"<PerThreadCache {self.alias!r}>"


def get_storage(value: Any = None) -> Any:
    """The storage cache files go to by default: ``IMAGEKIT_DEFAULT_FILE_STORAGE`` (or ``value``).

    It may be a ``STORAGES`` alias or a dotted storage class path (resolved by the host, which
    asks this app's ``ik_resolve_alias`` about aliases); unset, it is Django's
    default storage (the object ``default_storage`` stands for: the host resolves it again after
    a change of ``STORAGES``, and every call through the stand-in is a proxy call).
    """
    value = settings.IMAGEKIT_DEFAULT_FILE_STORAGE if value is None else value
    if value is None:
        return storages[DEFAULT_STORAGE_ALIAS]
    value = resolve("storage", value)
    return value() if isinstance(value, type) else value


def generate(generator: Any) -> File:
    """Run ``generator`` and return its image as a Django File."""
    content = generator.generate()
    if isinstance(content, File):
        return content
    return File(content, name=getattr(content, "name", None))


def get_nonabstract_descendants(model: Any) -> Iterator[Any]:
    """``model`` unless it is abstract, then each of its non-abstract subclasses, depth first."""
    if not model._meta.abstract:
        yield model
    for subclass in model.__subclasses__():
        yield from get_nonabstract_descendants(subclass)


__all__ = [
    "DEFAULT_EXTENSIONS",
    "PALETTE_TRANSPARENCY_FORMATS",
    "RGBA_TRANSPARENCY_FORMATS",
    "FileWrapper",
    "UnknownExtension",
    "UnknownFormat",
    "extension_to_format",
    "extension_to_mimetype",
    "format_to_extension",
    "format_to_mimetype",
    "generate",
    "get_cache",
    "get_field_info",
    "get_nonabstract_descendants",
    "get_storage",
    "img_to_fobj",
    "open_image",
    "prepare_image",
    "process_image",
    "quiet",
    "save_image",
    "suggest_extension",
]

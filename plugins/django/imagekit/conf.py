"""``imagekit.conf.settings``: the ``IMAGEKIT_*`` settings with their documented defaults.

Every read goes to ``django.conf.settings``, so ``override_settings`` is seen at once. Names that
are not ``IMAGEKIT_*`` settings fall through to Django's settings, as they always did here.
"""

from __future__ import annotations

from typing import Any

from django.conf import DEFAULT_STORAGE_ALIAS
from django.conf import settings as django_settings

from ik_host.config import DEFAULT_LIMITS

DUMMY_CACHE = "django.core.cache.backends.dummy.DummyCache"


def _default_cache_backend() -> str:
    # Documented: no state caching while developing, the project's default cache otherwise.
    return DUMMY_CACHE if django_settings.DEBUG else "default"


DEFAULTS: dict[str, Any] = {
    "IMAGEKIT_CACHEFILE_DIR": "CACHE/images",
    "IMAGEKIT_DEFAULT_FILE_STORAGE": None,
    "IMAGEKIT_DEFAULT_CACHEFILE_BACKEND": "imagekit.cachefiles.backends.Simple",
    "IMAGEKIT_DEFAULT_CACHEFILE_STRATEGY": "imagekit.cachefiles.strategies.JustInTime",
    "IMAGEKIT_CACHE_BACKEND": _default_cache_backend,
    "IMAGEKIT_CACHE_PREFIX": "imagekit:",
    # Seconds a cache file's known state is kept; None keeps it for as long as the cache does.
    "IMAGEKIT_CACHE_TIMEOUT": None,
    "IMAGEKIT_CACHEFILE_NAMER": "imagekit.cachefiles.namers.hash",
    "IMAGEKIT_SPEC_CACHEFILE_NAMER": "imagekit.cachefiles.namers.source_name_as_path",
    # The image engine of specs that do not name one: "pillow", or "vips" (ik-processors-vips).
    "IMAGEKIT_DEFAULT_ENGINE": "pillow",
    # Threads one image's resample may use (Pillow engine); None: the usable cores, at most 4.
    "IMAGEKIT_IMAGE_THREADS": None,
    # The largest source accepted, checked before decoding (see ik_host.config.Limits for why
    # these defaults); None removes a limit. A spec's own ``limits`` replaces all three.
    "IMAGEKIT_MAX_SOURCE_PIXELS": DEFAULT_LIMITS.max_pixels,
    "IMAGEKIT_MAX_SOURCE_BYTES": DEFAULT_LIMITS.max_bytes,
    "IMAGEKIT_MAX_SOURCE_FRAMES": DEFAULT_LIMITS.max_frames,
    # The largest width or height the thumbnail tag makes (srcset densities included): sizes
    # come from templates, possibly from variables, and a typo must not allocate gigabytes.
    "IMAGEKIT_MAX_THUMBNAIL_SIZE": 4096,
    # Keep a record of every cache file in the imagekit app's table (imagekit.models.
    # CacheFileRecord), consulted when the state cache does not know a file.
    "IMAGEKIT_CACHEFILE_RECORDS": True,
    # Delete a row's cache files (its spec fields' and its image's recorded ones) with the row.
    "IMAGEKIT_DELETE_CACHEFILES_WITH_ROW": False,
    # Read the states of a page's cache files in one batch per request (request_started to
    # request_finished): imagekit.cachefiles.page_states.
    "IMAGEKIT_PAGE_PREFETCH": True,
    # A file scheduled but not made yet gives its source's URL (with its own width and
    # height) instead of a URL that is not found until a worker makes it.
    "IMAGEKIT_SOURCE_WHILE_PENDING": False,
    # The modern formats {% picture %} offers as <source>s, in the order browsers should try.
    "IMAGEKIT_PICTURE_FORMATS": ["AVIF", "WEBP"],
    # The placeholder computed with every cache file and kept in its record:
    # "thumbhash", "blurhash", "color" or "none" (docs/placeholders.md).
    "IMAGEKIT_PLACEHOLDER": "thumbhash",
    # Save options per output format, under a spec's own options and over the engine's
    # defaults (AVIF and WebP only): {"AVIF": {"quality": 60}} (docs/formats.md).
    "IMAGEKIT_FORMAT_OPTIONS": {},
    # Convert sources with a non-sRGB ICC profile to sRGB (False: django-imagekit's way, the
    # pixels left unconverted, so colours shift wherever the profile is lost).
    "IMAGEKIT_COLOR_MANAGEMENT": True,
}

# Read only where used, with None when unset, and never written into ``django.conf.settings``:
# django-imagekit reads these two with ``getattr`` too.
OPTIONAL: dict[str, Any] = {
    "IMAGEKIT_DEFAULT_THUMBNAIL_FORMAT": None,
    "IMAGEKIT_DEFAULT_THUMBNAIL_SRCSET_SCALES": None,
}

# Settings whose change must rebuild the host configuration.
WATCHED = frozenset(DEFAULTS) | {"STORAGES", "CACHES", "DEBUG", "MEDIA_ROOT", "MEDIA_URL"}

_MISSING = object()


class _LiveDefault(str):
    """A computed default written into Django's settings: read through ``settings`` below, it is
    computed again, so ``override_settings(DEBUG=...)`` still changes it."""


def install_defaults() -> None:
    """Write the ``IMAGEKIT_*`` defaults a project did not set into ``django.conf.settings``, as
    django-imagekit (through django-appconf) does once the app is loaded."""
    for name, default in DEFAULTS.items():
        if not hasattr(django_settings, name):
            value = _LiveDefault(default()) if callable(default) else default
            setattr(django_settings, name, value)


class ImageKitConf:
    """django-imagekit's ``ImageKitConf``: ``conf.CACHE_BACKEND`` and the like, each setting
    passed through its ``configure_<name>`` method when there is one."""

    prefix = "IMAGEKIT"

    def __getattr__(self, name: str) -> Any:
        full = f"{self.prefix}_{name}"
        if full not in DEFAULTS:
            raise AttributeError(name)
        value = getattr(settings, full)
        configure = getattr(self, f"configure_{name.lower()}", None)
        return configure(value) if configure is not None else value

    def configure_cache_backend(self, value: Any) -> Any:
        return settings.IMAGEKIT_CACHE_BACKEND if value is None else value

    def configure_default_file_storage(self, value: Any) -> Any:
        # Unset means Django's default storage, named by its STORAGES alias.
        return DEFAULT_STORAGE_ALIAS if value is None else value


class ImageKitSettings:
    """Django's settings, with the ``IMAGEKIT_*`` defaults filled in."""

    def __getattr__(self, name: str) -> Any:
        if name not in DEFAULTS:
            return getattr(django_settings, name)
        value = getattr(django_settings, name, _MISSING)
        if value is _MISSING or isinstance(value, _LiveDefault):
            default = DEFAULTS[name]
            value = default() if callable(default) else default
        return value

    # django-imagekit's ``imagekit.conf.settings`` is Django's own: writes go through too.
    def __setattr__(self, name: str, value: Any) -> None:
        setattr(django_settings, name, value)

    def __delattr__(self, name: str) -> None:
        delattr(django_settings, name)

    def __dir__(self) -> list[str]:
        return sorted(DEFAULTS)


settings = ImageKitSettings()

__all__ = ["DEFAULTS", "ImageKitConf", "install_defaults", "settings"]

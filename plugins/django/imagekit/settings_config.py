"""The host configuration (``ik_host.config.Config``) built from the Django settings."""

from __future__ import annotations

from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured

from ik_host.config import Config, Limits
from imagekit.cachefiles.record_table import record_store
from imagekit.conf import settings
from imagekit.utils import get_cache, get_storage

# The settings of the deferring backends (ik-backends-async), handed on as its options
# (Config.extra["async"]) by name: IMAGEKIT_ASYNC_QUEUE is the option "queue".
ASYNC_PREFIX = "IMAGEKIT_ASYNC_"


def settings_available() -> bool:
    """Whether Django settings are configured (reading one configures from the environment)."""
    try:
        django_settings.DEBUG  # noqa: B018
    except ImproperlyConfigured:
        return False
    return True


def build_config() -> Config:
    """A host ``Config`` from the ``IMAGEKIT_*`` settings, with Django's cache and storage.

    Component settings are passed on as written (short names or dotted paths): the host's
    registry resolves them, so there is one resolver.
    """
    options = {
        name[len(ASYNC_PREFIX) :].lower(): getattr(django_settings, name)
        for name in dir(django_settings)
        if name.startswith(ASYNC_PREFIX)
    }
    image_output = {  # what the image engines read
        "format_options": settings.IMAGEKIT_FORMAT_OPTIONS or {},
        "color_management": settings.IMAGEKIT_COLOR_MANAGEMENT,
    }
    return Config(
        cachefile_dir=settings.IMAGEKIT_CACHEFILE_DIR,
        backend=settings.IMAGEKIT_DEFAULT_CACHEFILE_BACKEND,
        strategy=settings.IMAGEKIT_DEFAULT_CACHEFILE_STRATEGY,
        namer=settings.IMAGEKIT_CACHEFILE_NAMER,
        spec_namer=settings.IMAGEKIT_SPEC_CACHEFILE_NAMER,
        engine=settings.IMAGEKIT_DEFAULT_ENGINE,
        image_threads=settings.IMAGEKIT_IMAGE_THREADS,
        storage=get_storage(),
        state_cache=get_cache(),
        cache_prefix=settings.IMAGEKIT_CACHE_PREFIX,
        cache_timeout=settings.IMAGEKIT_CACHE_TIMEOUT,
        record_store=record_store if settings.IMAGEKIT_CACHEFILE_RECORDS else None,
        source_while_pending=settings.IMAGEKIT_SOURCE_WHILE_PENDING,
        placeholder=settings.IMAGEKIT_PLACEHOLDER,
        limits=Limits(
            max_pixels=settings.IMAGEKIT_MAX_SOURCE_PIXELS,
            max_bytes=settings.IMAGEKIT_MAX_SOURCE_BYTES,
            max_frames=settings.IMAGEKIT_MAX_SOURCE_FRAMES,
        ),
        extra={"image_output": image_output, **({"async": options} if options else {})},
    )


"""System checks (``manage.py check``) for the ``IMAGEKIT_*`` settings.

- ``imagekit.E001``: a component setting (backend, strategy, namer) resolves to nothing; the
  message is the host registry's, which lists the names that exist and what to install.
- ``imagekit.W002``: a django-imagekit 2.x setting that no longer has any effect. A warning,
  not an error: it changes nothing, so ``migrate`` and ``runserver`` should still run.
- ``imagekit.E003``: the cache-file storage or the state cache cannot be found.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings as django_settings
from django.core import checks
from django.core.checks import CheckMessage, Error

from ik_host.errors import IKError
from ik_host.registry import resolve
from imagekit.conf import settings
from imagekit.utils import get_cache, get_storage

COMPONENT_SETTINGS = {
    "IMAGEKIT_DEFAULT_CACHEFILE_BACKEND": "backend",
    "IMAGEKIT_DEFAULT_CACHEFILE_STRATEGY": "strategy",
    "IMAGEKIT_CACHEFILE_NAMER": "namer",
    "IMAGEKIT_SPEC_CACHEFILE_NAMER": "namer",
    "IMAGEKIT_DEFAULT_ENGINE": "engine",
}

RETIRED_SETTINGS = {
    "IMAGEKIT_DEFAULT_IMAGE_CACHE_BACKEND": (
        "Image cache backends were split in two: set IMAGEKIT_DEFAULT_CACHEFILE_BACKEND (how "
        "cache files are generated) and IMAGEKIT_DEFAULT_CACHEFILE_STRATEGY (when)."
    ),
}


def check_component_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    for setting, kind in COMPONENT_SETTINGS.items():
        value = getattr(settings, setting)
        try:
            resolve(kind, value)
        except IKError as exc:
            errors.append(Error(f"{setting} = {value!r}: {exc}", id="imagekit.E001"))
    return errors


def check_retired_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    return [
        checks.Warning(
            f"{setting} is a django-imagekit 2.x setting and is ignored.",
            hint=hint,
            id="imagekit.W002",
        )
        for setting, hint in RETIRED_SETTINGS.items()
        if hasattr(django_settings, setting)
    ]


def check_storage_and_cache(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    for setting, find in (
        ("IMAGEKIT_DEFAULT_FILE_STORAGE", get_storage),
        ("IMAGEKIT_CACHE_BACKEND", get_cache),
    ):
        value = getattr(settings, setting)
        try:
            find()
        except Exception as exc:  # any failure to build it is the message to show
            errors.append(
                Error(
                    f"{setting} = {value!r} cannot be used: {type(exc).__name__}: {exc}",
                    hint="Give an alias from STORAGES / CACHES or a dotted class path.",
                    id="imagekit.E003",
                )
            )
    return errors


def register_checks() -> None:
    for check in (check_component_settings, check_retired_settings, check_storage_and_cache):
        checks.register(check, "imagekit")

"""System checks (``manage.py check``) for the ``IMAGEKIT_*`` settings.

- ``imagekit.E001``: a component setting (backend, strategy, namer) resolves to nothing; the
  message is the host registry's, which lists the names that exist and what to install.
- ``imagekit.W002``: a django-imagekit 2.x setting that no longer has any effect. A warning,
  not an error: it changes nothing, so ``migrate`` and ``runserver`` should still run.
- ``imagekit.E003``: the cache-file storage or the state cache cannot be found.
- ``imagekit.E004``: the default cache-file backend needs a queue library (Celery, RQ,
  Dramatiq) that is not installed; the message says what to ``pip install``.
- ``imagekit.W006`` (with ``check --database``): the imagekit app's migrations are not all
  applied, so no cache-file record is kept; everything else works as before.
- ``imagekit.E005``: django-imagekit is installed next to ik-django. Both ship the ``imagekit``
  package, so one overwrote the other's files. Outside ``manage.py check`` the app refuses to
  load at all (``refuse_mixed_install``): a web or worker process never runs the checks.
"""

from __future__ import annotations

import functools
import sys
from importlib import metadata
from typing import Any

from django.conf import settings as django_settings
from django.core import checks
from django.core.checks import CheckMessage, Error
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, router

from ik_host.errors import IKError
from ik_host.registry import resolve
from imagekit.cachefiles.record_table import missing_parts, record_model
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


def check_queue_library(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    value = settings.IMAGEKIT_DEFAULT_CACHEFILE_BACKEND
    try:
        backend = resolve("backend", value)
    except IKError:
        return []  # imagekit.E001 reports it
    # A backend that needs a library says so (ik-backends-async's do); others have no such need.
    probe = getattr(backend, "missing_library", None)
    missing = probe() if probe is not None else None
    if missing is None:
        return []
    return [Error(f"IMAGEKIT_DEFAULT_CACHEFILE_BACKEND = {value!r}: {missing}", id="imagekit.E004")]


CONFLICTING_DISTRIBUTION = "django-imagekit"


@functools.cache
def mixed_install() -> str | None:
    """The problem, when django-imagekit is installed too: one metadata lookup per process."""
    try:
        found = metadata.distribution(CONFLICTING_DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return None
    return (
        f"{CONFLICTING_DISTRIBUTION} {found.version} is installed next to ik-django. Both ship "
        f"the 'imagekit' package, so pip overwrote one's files with the other's and what is "
        f"imported is a mix of the two. Fix: pip uninstall {CONFLICTING_DISTRIBUTION}, then "
        f"pip install --force-reinstall ik-django (uninstalling removed files ik-django needs)."
    )


def check_mixed_install(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    problem = mixed_install()
    return [Error(problem, id="imagekit.E005")] if problem else []


def refuse_mixed_install() -> None:
    """Stop a process that would run on a mixed install, except ``check``, which reports it."""
    problem = mixed_install()
    if problem and sys.argv[1:2] != ["check"]:
        raise ImproperlyConfigured(f"{problem} (imagekit.E005)")


def check_record_table(
    app_configs: Any = None, databases: Any = None, **kwargs: Any
) -> list[CheckMessage]:
    if not databases or not settings.IMAGEKIT_CACHEFILE_RECORDS:
        return []
    model = record_model()
    alias = router.db_for_write(model) or DEFAULT_DB_ALIAS
    if alias not in databases:
        return []
    missing = missing_parts(alias)
    if not missing:
        return []
    return [
        checks.Warning(
            f"the table of imagekit's cache-file records lacks {', '.join(missing)} in database "
            f"{alias!r}, so none are kept and a process with an empty cache asks the storage "
            "for every file.",
            hint="Run: python manage.py migrate imagekit",
            id="imagekit.W006",
        )
    ]


def register_checks() -> None:
    checks.register(check_record_table, "imagekit", checks.Tags.database)
    for check in (
        check_component_settings,
        check_retired_settings,
        check_storage_and_cache,
        check_queue_library,
        check_mixed_install,
    ):
        checks.register(check, "imagekit")

"""The Django app's answers to the host's hooks: the configuration, Django's sources in
payloads, Django's own names for storages and caches (``STORAGES`` and ``CACHES`` aliases),
and what to install for the components this distribution's extras and dependencies provide.

The host loads this module through the ``ik_host`` entry point ``django``, possibly outside any
Django project (``python -m ik_host plugins``, a worker without Django settings). So it holds
only functions (pluggy inspects every module attribute, and a lazy settings object here would
demand configured settings), and each answer needing a project gives way (None) without one.
The payload machinery is imported on first use: loading the plugin stays cheap.
"""

from __future__ import annotations

from typing import Any

import django
from django.apps import apps
from django.core.files.storage import storages

from ik_host import hookimpl
from ik_host.config import Config
from ik_host.records import normalize_name
from imagekit import django_storages, settings_config, utils

# Components that ik-django's extras (or its own dependencies) install, by (kind, short name).
_EXTRA = "pip install 'ik-django[{}]'"
_INSTALL_HINTS: dict[tuple[str, str], str] = {
    ("backend", "celery"): _EXTRA.format("celery"),
    ("backend", "rq"): _EXTRA.format("rq"),
    ("backend", "dramatiq"): _EXTRA.format("dramatiq"),
    ("backend", "tasks"): _EXTRA.format("tasks"),
    ("backend", "async"): "pip install ik-backends-async",
    ("storage", "s3"): _EXTRA.format("s3"),
    ("storage", "s3storage"): _EXTRA.format("s3"),
    ("storage", "s3boto3storage"): _EXTRA.format("s3"),
    ("engine", "vips"): _EXTRA.format("vips"),
    ("engine", "pillow"): "pip install ik-processors-pilkit",
    ("strategy", "optimistic"): "pip install ik-strategy-optimistic",
}


@hookimpl
def ik_config() -> Config | None:
    if not settings_config.settings_available():
        return None  # not in a Django project: let the defaults answer
    return settings_config.build_config()


@hookimpl
def ik_describe_source(source: Any) -> dict[str, Any] | None:
    from imagekit.management.django_sources import django_reference  # noqa: PLC0415  (see above)

    return django_reference(source)


@hookimpl
def ik_open_source(ref: dict[str, Any]) -> Any | None:
    from imagekit.management import django_sources  # noqa: PLC0415  (see above)

    if not django_sources.is_django_reference(ref) or not settings_config.settings_available():
        return None  # a local file (the defaults'), or no project to read it from
    return django_sources.Rebuilder().source(ref)


@hookimpl
def ik_cachefile_for_payload(generator: Any) -> Any | None:
    if not settings_config.settings_available():
        return None
    from imagekit.cachefiles import ImageCacheFile  # noqa: PLC0415  (see above)

    return ImageCacheFile(generator)


@hookimpl
def ik_prepare_worker() -> None:
    # A plain ``rq worker`` or ``dramatiq`` process has settings (DJANGO_SETTINGS_MODULE) but
    # no loaded apps; ``celery -A proj worker`` and the manage.py commands have set Django up.
    if not apps.ready and settings_config.settings_available():
        django.setup()


@hookimpl
def ik_resolve_alias(kind: str, name: str) -> Any | None:
    if kind not in ("storage", "state_cache") or not settings_config.settings_available():
        return None
    if kind == "storage":
        return storages[name] if name in storages.backends else None
    from django.conf import settings as django_settings  # noqa: PLC0415  (lazy: see above)

    return utils.PerThreadCache(name) if name in django_settings.CACHES else None


@hookimpl
def ik_install_hint(kind: str, name: str) -> str | None:
    # A dotted path (``imagekit.cachefiles.backends.Celery``) is known by its last part.
    return _INSTALL_HINTS.get((kind, normalize_name(name.rsplit(".", 1)[-1])))


@hookimpl
def ik_save_cachefile(storage: Any, name: str, content: Any, replace: bool) -> str | None:
    # Any other storage is the host's to save into (it deletes the old file when replacing).
    if not django_storages.writes_in_place(storage):
        return None
    return django_storages.save_atomically(storage, name, content, replace=replace)


@hookimpl
def ik_storage_urls_are_stable(storage_class: type) -> bool | None:
    return True if django_storages.has_pure_urls(storage_class) else None


@hookimpl
def ik_cachefile_listeners() -> list[Any]:
    from imagekit.cachefiles import send_cachefile_signal  # noqa: PLC0415  (see above)

    return [send_cachefile_signal]

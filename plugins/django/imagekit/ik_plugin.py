"""The Django app's answers to the host's hooks: the configuration, the generators and source
groups registered with ``imagekit.register``, and Django's sources in payloads.

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

from ik_host import hookimpl
from ik_host.config import Config
from imagekit import hostconfig, registry


@hookimpl
def ik_config() -> Config | None:
    if not hostconfig.settings_available():
        return None  # not in a Django project: let the defaults answer
    return hostconfig.build_config()


@hookimpl
def ik_source_groups() -> list[tuple[str, Any]]:
    return registry.source_group_registry.items()


@hookimpl
def ik_generators() -> list[tuple[str, Any]]:
    generators = registry.generator_registry
    return [
        (generator_id, generators.get_class(generator_id)) for generator_id in generators.get_ids()
    ]


@hookimpl
def ik_describe_source(source: Any) -> dict[str, Any] | None:
    from imagekit.management.payloads import django_reference  # noqa: PLC0415  (see above)

    return django_reference(source)


@hookimpl
def ik_open_source(ref: dict[str, Any]) -> Any | None:
    from imagekit.management import payloads  # noqa: PLC0415  (see above)

    if not payloads.is_django_reference(ref) or not hostconfig.settings_available():
        return None  # a local file (the host's), or no project to read it from
    return payloads.Rebuilder().source(ref)


@hookimpl
def ik_cachefile_for_payload(generator: Any, force: bool) -> Any | None:
    if not hostconfig.settings_available():
        return None
    from imagekit.management.payloads import cachefile_for_payload  # noqa: PLC0415

    return cachefile_for_payload(generator, force)


@hookimpl
def ik_prepare_worker() -> None:
    # A plain ``rq worker`` or ``dramatiq`` process has settings (DJANGO_SETTINGS_MODULE) but
    # no loaded apps; ``celery -A proj worker`` and the manage.py commands have set Django up.
    if not apps.ready and hostconfig.settings_available():
        django.setup()

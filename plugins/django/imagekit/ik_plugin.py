"""The Django app's answers to the host's hooks: the configuration and the source groups.

The host loads this module through the ``ik_host`` entry point ``django``, possibly outside any
Django project (``python -m ik_host plugins``). So it holds only functions: pluggy inspects
every module attribute, and a lazy settings object here would demand configured settings.
"""

from __future__ import annotations

from typing import Any

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

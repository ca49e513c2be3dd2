"""Source groups: which sources each generator is used with (for pre-generation)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ik_host.plugins import get_plugin_manager


def iter_source_groups() -> Iterator[tuple[str, Any]]:
    """Every ``(generator_id, source_group)`` pair all plugins know of, asked afresh each time."""
    for answer in get_plugin_manager().hook.ik_source_groups():
        yield from answer or ()


def iter_sources(generator_id: str) -> Iterator[Any]:
    """Every source file of every group registered for ``generator_id``."""
    for group_id, group in iter_source_groups():
        if group_id == generator_id:
            yield from group.files()

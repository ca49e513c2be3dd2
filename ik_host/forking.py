"""Libraries a forked process cannot use once this process started them: plugins mark them,
and code starting worker processes asks ``fork_unsafe()`` and spawns instead of forking."""
# libvips, for one, runs threads: a child forked after they started inherits their locks but
# not the threads, and hangs on its first operation.

from __future__ import annotations

_live: dict[str, str] = {}


def mark_fork_unsafe(library: str, why: str) -> None:
    """Record that ``library`` is in use in this process and cannot survive ``fork()``."""
    _live[library] = why


def fork_unsafe() -> dict[str, str]:
    """The libraries in use here that a forked child could not use, with why."""
    return dict(_live)

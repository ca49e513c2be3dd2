"""Making a cache file in this process, whichever backend it names: what a queue's worker and
``generateimages`` do with each file they are given.

A backend that makes files on request (``ik_host.protocols.ImmediateBackend``: this plugin's
``CachedFileBackend`` family, deferring ones included) makes it through its single-flight
``generate_now``; any other is asked to ``generate``.
"""

from __future__ import annotations

from typing import Any

from ik_host.state_records import CacheFileState, StateRecord

# What ``generate_here`` did.
GENERATED = "generated"
EXISTED = "existed"


def generate_here(file: Any, force: bool = False) -> str:
    """Make ``file`` in this process unless it exists (or ``force``): ``EXISTED`` or
    ``GENERATED``."""
    backend = file.cachefile_backend
    if not force and cachefile_exists(file):
        return EXISTED
    generate_now = getattr(backend, "generate_now", None)
    if generate_now is None:
        file.generate(force=force)
    else:
        generate_now(file, force)
    return GENERATED


def cachefile_exists(file: Any) -> bool:
    """Whether ``file`` exists, asking the storage when its state does not say."""
    backend = file.cachefile_backend
    get_state = getattr(backend, "get_state", None)
    if get_state is None:
        return bool(backend.exists(file))
    state = get_state(file)
    if state is CacheFileState.EXISTS:
        return True
    if state in (CacheFileState.DOES_NOT_EXIST, CacheFileState.STALE):
        return False  # an answer from the storage itself (or one about to be), or outdated
    # Scheduled, failed or generating: states that say nothing of the storage. Ask it.
    if file.storage.exists(file.name):
        set_record = getattr(backend, "set_record", None)
        if set_record is not None:
            set_record(file, StateRecord(CacheFileState.EXISTS))
        return True
    return False


__all__ = ["EXISTED", "GENERATED", "cachefile_exists", "generate_here"]

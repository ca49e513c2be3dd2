"""Test support for plugins whose tests run on the defaults: not imported by the plugin itself,
so it adds nothing to what an installed site loads."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ik_defaults.filesystem_storage import FileSystemStorage
from ik_defaults.statecache import MemoryStateCache
from ik_host.config import Config, set_config


@contextmanager
def media_root(root: Path) -> Iterator[Path]:
    """``root`` as the file-system storage's folder, with a fresh in-process state cache, as the
    configuration in force until the block ends."""
    set_config(Config(storage=FileSystemStorage(str(root)), state_cache=MemoryStateCache()))
    try:
        yield root
    finally:
        set_config(None)

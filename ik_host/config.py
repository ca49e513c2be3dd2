"""The configuration components fall back on when a spec does not say: ``set_config``'s, else
the ``ik_config`` hook's (the Django app's from ``IMAGEKIT_*``, the defaults' last)."""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field, replace
from typing import Any

from ik_host.placeholder_values import NO_PLACEHOLDER, PLACEHOLDER_KINDS
from ik_host.plugins import IKPluginManager, get_plugin_manager


@dataclass(frozen=True)
class Limits:
    """The largest source accepted, checked before decoding; ``None``: no limit. The defaults suit
    public uploads (docs/settings.md)."""

    max_pixels: int | None = 178_956_970  # 2 * PIL.Image.MAX_IMAGE_PIXELS: Pillow's bomb error
    max_bytes: int | None = 50 * 1024 * 1024
    max_frames: int | None = 1000


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True, eq=False)
class Config:
    """Defaults for cache files; a component is a registered name, a dotted path or an object.
    Compared by identity: components built from one Config are reused until it is replaced."""

    cachefile_dir: str = "CACHE/images"
    backend: Any = "simple"
    strategy: Any = "just_in_time"
    namer: Any = "hash"
    spec_namer: Any = "source_name_as_path"
    storage: Any = "filesystem"
    state_cache: Any = "memory"
    engine: Any = "pillow"
    cache_prefix: str = "imagekit:"
    # Seconds a known-good state is kept; None keeps it for as long as the cache does.
    cache_timeout: float | None = None
    # Seconds a "does not exist" answer from the storage is trusted (the spec's 5 seconds).
    missing_timeout: float = 5
    # Seconds a generation may hold its lock before another process may take over.
    lock_timeout: float = 60
    limits: Limits = DEFAULT_LIMITS
    # Where every cache file's record is kept beyond the state cache (an object filling
    # ik_host.protocols.RecordStore, as the Django app's table); None: nowhere.
    record_store: Any = None
    # A file asked for but not made yet (scheduled on a queue) gives its source's URL and the
    # size it will have, instead of a URL that is not found until a worker makes it.
    source_while_pending: bool = False
    # Threads one image's resample may use (the Pillow engine); None: the cores, at most 4.
    image_threads: int | None = None
    # The placeholder computed with each cache file: "thumbhash", "blurhash", "color" or "none".
    placeholder: str = "thumbhash"
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        threads = self.image_threads
        if threads is not None and (type(threads) is not int or threads < 1):
            raise ValueError(
                f"image_threads = {threads!r}: a number of threads (1 or more) or None"
            )
        if self.placeholder not in (*PLACEHOLDER_KINDS, NO_PLACEHOLDER):
            raise ValueError(
                f"placeholder = {self.placeholder!r}: one of "
                f"{', '.join(PLACEHOLDER_KINDS)} or {NO_PLACEHOLDER!r}"
            )

    def replace(self, **changes: Any) -> Config:
        return replace(self, **changes)


def usable_cores() -> int:
    """The CPU cores this process may run on (its affinity where the system tells it)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


_override: Config | None = None


@functools.lru_cache(maxsize=4)
def _config_for(pm: IKPluginManager, generation: int) -> Config:
    return pm.hook.ik_config() or Config()


def get_config() -> Config:
    """The configuration in force: ``set_config``'s, else the ``ik_config`` hook's answer."""
    if _override is not None:
        return _override
    pm = get_plugin_manager()
    return _config_for(pm, pm.generation)


def set_config(config: Config | None) -> None:
    """Use ``config`` from now on (``None`` returns to the hook's answer)."""
    global _override
    _override = config
    reset_config(keep_override=True)


def reset_config(keep_override: bool = False) -> None:
    """Ask the ``ik_config`` hook again on next use (after settings change, for example)."""
    global _override
    if not keep_override:
        _override = None
    _config_for.cache_clear()

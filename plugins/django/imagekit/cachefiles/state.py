"""Request-local cache-file states and batched state lookups.

::

    with use_cachefile_state_cache():
        prefetch_cachefile_states([photo.thumbnail for photo in photos])   # one get_many
        ...render: each thumbnail's state comes from the mapping, not the shared cache

Inside the block, every backend of the ``CachedFileBackend`` family looks a state up in the
block's mapping first, and keeps there what it reads from or writes to its state cache. The
mapping holds state-cache keys to stored values (a state, or a state with what is known of the
file); ``None`` means "known to be absent from the shared cache", so that key is not asked again.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, MutableMapping
from contextlib import contextmanager, nullcontext
from typing import Any

from ik_defaults.cached_backends import prefetch_states
from ik_defaults.statecache import active_local_states, local_filler, local_states
from ik_host.state_records import CacheFileState, StateRecord
from imagekit.cachefiles.page_states import active_page


@contextmanager
def use_cachefile_state_cache(
    state_cache: MutableMapping[str, Any] | None = None,
) -> Iterator[MutableMapping[str, Any]]:
    """Make ``state_cache`` (a new dict by default) the request-local states inside the block.

    Inside a request the block is filled as the page is (``imagekit.cachefiles.page_states``):
    the rows loaded so far are batched into it at its first unknown state."""
    page = active_page()
    with local_states(state_cache) as mapping:
        filler = nullcontext() if page is None else local_filler(lambda: page.fill(mapping))
        with filler:
            yield mapping


def get_active_state_cache() -> MutableMapping[str, Any] | None:
    """The mapping of the innermost ``use_cachefile_state_cache`` block, if any."""
    return active_local_states()


def prefetch_cachefile_states(
    files: Iterable[Any],
    *,
    state_cache: MutableMapping[str, Any] | None = None,
    cache: Any = None,
) -> MutableMapping[str, Any] | None:
    """Read the states of many cache files with one ``get_many`` per state cache.

    ``state_cache`` is the mapping to fill (default: the active one; with neither, nothing is
    done); ``cache`` is read instead of each file's backend's cache. Returns the mapping filled.
    """
    if state_cache is None:
        state_cache = get_active_state_cache()
        if state_cache is None:
            return None
    prefetch_states(files, state_cache, cache)
    return state_cache


__all__ = [
    "CacheFileState",
    "StateRecord",
    "get_active_state_cache",
    "prefetch_cachefile_states",
    "use_cachefile_state_cache",
]

"""Cache-file backends that keep each file's state in a state cache.

``CachedFileBackend`` knows states; ``Simple`` generates at once, in the calling process.
Generation is single-flight: a lock taken with the state cache's atomic ``add`` (with an expiry,
so a crashed holder cannot block forever) lets one caller generate while the others wait for the
file to appear. The lock is only as shared as the cache: use a shared cache (Redis, memcached)
when several processes serve the same files.

The state cache is a convenience, never a point of failure. When it raises (Redis stopped, a
network fault), one warning is logged, its answers are taken as misses (so existence is asked of
the storage), writes are dropped and generation goes ahead without the lock. It is left alone for
``cache_retry_seconds`` after a failure, then tried again; once it answers, it is used as before.

Inside ``ik_defaults.statecache.local_states()`` states are first looked up in the block's
mapping, and what is read from or written to the state cache is kept there (see
``prefetch_states`` to fill it with one ``get_many``).
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Iterable, MutableMapping
from typing import Any

from ik_defaults.statecache import active_local_states, fill_local_states
from ik_host.components import get_state_cache
from ik_host.config import get_config
from ik_host.state_records import CacheFileState, StateRecord, state_key

_UNSET: Any = object()
_EXISTS = CacheFileState.EXISTS
LOCK_POLL_SECONDS = 0.05

logger = logging.getLogger("ik_defaults.cached_backends")


class CachedFileBackend:
    """Knows whether cache files exist, remembering the answer in a state cache.

    ``cache`` is any object with ``get/set/add/delete``; the other arguments default to the
    configuration (``ik_host.config``). Failures of the cache are tolerated (see the module).
    """

    # Seconds the state cache is left alone after it failed, before it is tried again.
    cache_retry_seconds: float = 2.0

    def __init__(
        self,
        cache: Any = None,
        prefix: str | None = None,
        timeout: float | None = _UNSET,
        missing_timeout: float | None = None,
        lock_timeout: float | None = None,
    ) -> None:
        self._cache = cache
        self._prefix = prefix
        self._timeout = timeout
        self._missing_timeout = missing_timeout
        self._lock_timeout = lock_timeout
        # While the cache is failing: the monotonic time before which it is not tried again.
        self._cache_down_until = 0.0
        self._outage_lock = threading.Lock()

    @property
    def cache(self) -> Any:
        return self._cache if self._cache is not None else get_state_cache()

    @property
    def prefix(self) -> str:
        return self._prefix if self._prefix is not None else get_config().cache_prefix

    def timeout_for(self, state: CacheFileState) -> float | None:
        config = get_config()
        if state in (CacheFileState.EXISTS, CacheFileState.STALE):  # both last until replaced
            return config.cache_timeout if self._timeout is _UNSET else self._timeout
        if self._missing_timeout is not None:
            return self._missing_timeout
        return config.missing_timeout

    @property
    def lock_timeout(self) -> float:
        return self._lock_timeout if self._lock_timeout is not None else get_config().lock_timeout

    def get_key(self, file: Any) -> str:
        return state_key(self.prefix, file.name)

    def get_record(self, file: Any, check_if_unknown: bool = True) -> StateRecord:
        """The cached record; on a miss, ask the storage (once) and remember its answer.

        A cache file that was seen to exist keeps that record (``file.existence_record``), so
        repeated accesses on one cache file object cost one lookup in all.
        """
        known = getattr(file, "existence_record", None)
        if known is not None:
            return known
        key = self.get_key(file)
        record = StateRecord.load(self.cache_get(key))
        if record is None:
            record = self._recorded(file, key)
        if record is None:
            record = StateRecord(CacheFileState.DOES_NOT_EXIST)
            if check_if_unknown:
                if file.storage.exists(file.name):
                    record = StateRecord(CacheFileState.EXISTS)
                    self._keep_record(file, record)
                # The storage's answer only fills a miss: a state another caller recorded
                # meanwhile (scheduled, generated, failed) is newer than what we saw.
                timeout = self.timeout_for(record.state)
                if self.cache_add(key, record.dump(), timeout) is False:
                    self._forget_locally(key)
                    record = StateRecord.load(self.cache_get(key)) or record
                else:
                    self._keep_locally(key, record.dump())
        self._remember(file, record)
        return record

    @staticmethod
    def _remember(file: Any, record: StateRecord) -> None:
        if hasattr(file, "existence_record"):
            file.existence_record = record if record.state is CacheFileState.EXISTS else None

    def set_record(self, file: Any, record: StateRecord) -> None:
        self.cache_set(self.get_key(file), record.dump(), self.timeout_for(record.state))
        self._remember(file, record)
        store = get_config().record_store
        # Sizes read back from a stored file (``CacheFile.dimensions``) stay in the cache: the
        # store learns a file's sizes when it is made, not on every access of an uncached file.
        if store is not None and (record.size is not None or record.state is not _EXISTS):
            store.save(file, record)

    def set_placeholder(self, file: Any, record: StateRecord) -> None:
        """Keep ``record``, whose placeholder was computed after the file was made: whole in
        the state cache; without its sizes in the record store, which then leaves the row's
        sizes and made time alone (the file was not made again)."""
        self.cache_set(self.get_key(file), record.dump(), self.timeout_for(record.state))
        self._remember(file, record)
        store = get_config().record_store
        if store is not None:
            store.save(file, record._replace(width=None, height=None, size=None))

    # -- the record store, between the state cache and the storage -------------------------------

    def _recorded(self, file: Any, key: str) -> StateRecord | None:
        """The record store's record of ``file``, put in the state cache; None when it has
        none. Asked only for remote storages: a local one answers ``exists`` faster."""
        store = self._store_for(file)
        if store is None:
            return None
        record = store.get_many([file]).get(file.name)
        if record is not None:
            if self.cache_add(key, record.dump(), self.timeout_for(record.state)) is False:
                self._forget_locally(key)
                return StateRecord.load(self.cache_get(key)) or record
            self._keep_locally(key, record.dump())
        return record

    def _keep_record(self, file: Any, record: StateRecord) -> None:
        """Tell the record store what the storage said, where the store was asked first."""
        store = self._store_for(file)
        if store is not None:
            store.save(file, record)

    @staticmethod
    def _store_for(file: Any) -> Any:
        store = get_config().record_store
        if store is None or is_local_storage(file.storage):
            return None
        return store

    # -- the request-local states, then the state cache ------------------------------------------

    @staticmethod
    def _keep_locally(key: str, value: Any) -> None:
        local = active_local_states()
        if local is not None:
            local[key] = value

    @staticmethod
    def _forget_locally(key: str) -> None:
        local = active_local_states()
        if local is not None:
            local.pop(key, None)

    def cache_get(self, key: str) -> Any:
        """The value of the active request-local states, else the state cache's (then kept
        locally): None for a miss or while the cache is failing."""
        local = active_local_states()
        if local is not None:
            if key in local or (fill_local_states() and key in local):
                return local[key]
        value = self._shared_get(key)
        if local is not None:
            local[key] = value
        return value

    # -- the state cache, tolerating its failures -----------------------------------------------

    def _shared_get(self, key: str) -> Any:
        if self._cache_down_until and time.monotonic() < self._cache_down_until:
            return None
        try:
            value = self.cache.get(key)
        except Exception as exc:  # any cache client's own error: ConnectionError, timeouts...
            self._cache_failed(exc)
            return None
        if self._cache_down_until:
            self._cache_recovered()
        return value

    def cache_set(self, key: str, value: Any, timeout: float | None) -> None:
        """Store ``value`` (also in the request-local states); dropped while the cache fails."""
        self._cache_call("set", key, value, timeout)
        self._keep_locally(key, value)

    def cache_add(self, key: str, value: Any, timeout: float | None) -> bool | None:
        """``add``'s answer (True when the key was free), or None while the cache is failing."""
        return self._cache_call("add", key, value, timeout)

    def cache_delete(self, key: str) -> None:
        self._cache_call("delete", key)

    def _cache_call(self, method: str, *args: Any) -> Any:
        if self._cache_down_until and time.monotonic() < self._cache_down_until:
            return None
        try:
            result = getattr(self.cache, method)(*args)
        except Exception as exc:
            self._cache_failed(exc)
            return None
        if self._cache_down_until:
            self._cache_recovered()
        return result

    def _cache_failed(self, exc: Exception) -> None:
        with self._outage_lock:
            first = not self._cache_down_until
            self._cache_down_until = time.monotonic() + self.cache_retry_seconds
        if first:  # one warning per outage, however many calls fail during it
            logger.warning(
                "the state cache %r failed (%s: %s); until it answers again, cache files are "
                "checked in the storage and generated without a shared lock",
                self.cache,
                type(exc).__name__,
                exc,
            )

    def _cache_recovered(self) -> None:
        with self._outage_lock:
            if not self._cache_down_until:
                return
            self._cache_down_until = 0.0
        logger.info("the state cache %r answers again", self.cache)

    def get_state(self, file: Any, check_if_unknown: bool = True) -> CacheFileState:
        return self.get_record(file, check_if_unknown).state

    def set_state(self, file: Any, state: CacheFileState) -> None:
        self.set_record(file, StateRecord(CacheFileState(state)))

    def exists(self, file: Any) -> bool:
        return self.get_state(file) is CacheFileState.EXISTS

    def generate(self, file: Any, force: bool = False) -> Any:
        raise NotImplementedError

    def generate_now(self, file: Any, force: bool = False) -> StateRecord:
        """Generate ``file`` here, once across everyone sharing the state cache.

        Without a working cache there is no shared lock: the file is generated anyway (the
        storage writes it atomically, so concurrent writers cannot leave it half-written).
        """
        key = self.get_key(file)
        lock_key = key + ":lock"
        lock_timeout = self.lock_timeout
        deadline = time.monotonic() + lock_timeout
        if force:
            self._remember(file, StateRecord(CacheFileState.DOES_NOT_EXIST))
        locked = self.cache_add(lock_key, uuid.uuid4().hex, lock_timeout)
        waited = locked is False
        while locked is False:
            time.sleep(LOCK_POLL_SECONDS)
            # The holder's progress is only in the state cache, never in a request-local copy.
            self._forget_locally(key)
            record = self.get_record(file, check_if_unknown=False)
            if record.state is CacheFileState.EXISTS and not force:
                return record
            if time.monotonic() > deadline:
                break  # the holder is stuck or gone; its lock expires now anyway
            locked = self.cache_add(lock_key, uuid.uuid4().hex, lock_timeout)
        # Another caller may have generated the file and released the lock between our
        # existence check and taking the lock. Without the cache, only the storage can tell.
        if waited:
            self._forget_locally(key)
        record = self.get_record(file, check_if_unknown=locked is None)
        if record.state is CacheFileState.EXISTS and not force:
            if locked:
                self.cache_delete(lock_key)
            return record
        try:
            record = file.make(replace=force or record.state is CacheFileState.STALE)
            # Recorded before the lock goes: a waiter that takes the free lock must find the
            # file known to exist, or it would generate it a second time.
            self.set_record(file, record)
        except Exception as exc:
            failed = StateRecord(CacheFileState.FAILED, error=f"{type(exc).__name__}: {exc}")
            self.set_record(file, failed)
            raise
        finally:
            if locked:
                self.cache_delete(lock_key)
        return record


class Simple(CachedFileBackend):
    """Generate missing cache files immediately and synchronously."""

    # ``generate`` makes a missing file in the calling process (``RequestBackend``): a picture
    # set's missing renditions may then be made together.
    makes_in_request = True

    def generate(self, file: Any, force: bool = False) -> StateRecord | None:
        if force or not self.exists(file):
            return self.generate_now(file, force)
        return None


def prefetch_states(
    files: Iterable[Any],
    state_cache: MutableMapping[str, Any],
    cache: Any = None,
    records: bool = True,
) -> None:
    """Put the stored states of ``files`` in ``state_cache``, one ``get_many`` per state cache,
    then one read of the record store for the files the caches did not know.

    ``cache`` replaces each file's backend's state cache. Only files of a ``CachedFileBackend``
    with a name count; keys already in the mapping are not asked again; misses are kept as
    ``None``. What the record store knows is put in the state cache too (one ``set_many``);
    ``records=False`` leaves the store out (its answers are in the mapping already). A failing
    cache fills nothing: each backend then copes with it on its own lookup.
    """
    by_cache: dict[int, tuple[Any, set[str]]] = {}
    wanted: dict[str, tuple[Any, Any]] = {}
    for file in files:
        backend = getattr(file, "cachefile_backend", None)
        if not isinstance(backend, CachedFileBackend) or not file.name:
            continue
        key = backend.get_key(file)
        if key not in state_cache:
            shared = cache if cache is not None else backend.cache
            by_cache.setdefault(id(shared), (shared, set()))[1].add(key)
            wanted[key] = (file, shared)
    for shared, keys in by_cache.values():
        try:
            found = _get_many(shared, keys)
        except Exception as exc:  # the cache client's own errors
            logger.debug("prefetching %d cache-file states failed: %r", len(keys), exc)
            for key in keys:
                wanted.pop(key)
            continue
        for key in keys:
            state_cache[key] = found.get(key)
    if records:
        missed = {key: pair for key, pair in wanted.items() if state_cache.get(key) is None}
        _prefetch_records(missed, state_cache)


def _prefetch_records(
    missed: dict[str, tuple[Any, Any]], state_cache: MutableMapping[str, Any]
) -> None:
    """Fill ``state_cache`` and the state caches with what the record store knows of ``missed``
    (state key -> (file, its state cache))."""
    store = get_config().record_store
    if store is None or not missed:
        return
    records = store.get_many(file for file, _ in missed.values())
    if not records:
        return
    fill: dict[tuple[int, Any], tuple[Any, dict[str, Any]]] = {}
    for key, (file, shared) in missed.items():
        record = records.get(file.name)
        if record is not None:
            state_cache[key] = record.dump()
            if record.state is CacheFileState.EXISTS:
                timeout = file.cachefile_backend.timeout_for(record.state)
                fill.setdefault((id(shared), timeout), (shared, {}))[1][key] = record.dump()
    for (_, timeout), (shared, values) in fill.items():
        try:
            if hasattr(shared, "set_many"):
                shared.set_many(values, timeout)
            else:
                for key, value in values.items():
                    shared.set(key, value, timeout)
        except Exception as exc:  # the cache client's own errors: the states stay local
            logger.debug("filling %d cache-file states failed: %r", len(values), exc)


_LOCAL_STORAGES: dict[type, bool] = {}


def is_local_storage(storage: Any) -> bool:
    """Whether ``storage`` keeps files on this machine's disk: it has a working ``path()``, as
    Django says a storage without local files must not. Asked once per storage class."""
    cls = storage.__class__  # not type(): a lazy object standing for a storage
    local = _LOCAL_STORAGES.get(cls)
    if local is None:
        try:
            storage.path("ik-probe")
            local = True
        except (NotImplementedError, AttributeError):
            local = False
        except Exception:  # a path check refusing the probe's name: still a local storage
            local = True
        _LOCAL_STORAGES[cls] = local
    return local


def _get_many(cache: Any, keys: set[str]) -> dict[str, Any]:
    if hasattr(cache, "get_many"):
        return cache.get_many(keys)
    return {key: value for key in keys if (value := cache.get(key)) is not None}

"""A cache file: the generated image of a generator, which may or may not exist yet.

The strategy decides *when* it is generated (told of existence or content being needed), the
backend decides *how* (now, later, not at all) and keeps its state; the storage holds the bytes.
A warm access is one name (computed once), one state lookup and one storage call.
"""

from __future__ import annotations

import logging
from typing import Any

from ik_host.components import get_backend, get_engine, get_namer, get_storage, get_strategy
from ik_host.errors import CacheFileError, IKError
from ik_host.state_records import CacheFileState, StateRecord
from ik_host.strategy_events import notify

logger = logging.getLogger("ik_host.cachefile")


class CacheFile:
    """The cache file of ``generator``; components default to the generator's, then config's."""

    def __init__(
        self,
        generator: Any,
        name: str | None = None,
        storage: Any = None,
        cachefile_backend: Any = None,
        cachefile_strategy: Any = None,
    ) -> None:
        self.generator = generator
        self._name = name
        self._storage = storage or getattr(generator, "cachefile_storage", None)
        self._backend = cachefile_backend or getattr(generator, "cachefile_backend", None)
        self._strategy = cachefile_strategy or getattr(generator, "cachefile_strategy", None)
        self._file: Any = None
        self._resolved: dict[str, Any] = {}
        # The last record the backend saw saying this file exists; see ``known_state``.
        self.known_state: StateRecord | None = None

    # -- the components, resolved on first use -------------------------------------------------

    @property
    def name(self) -> str:
        if self._name is None:
            name = getattr(self.generator, "cachefile_name", None)
            self._name = name or get_namer(None)(self.generator)
        return self._name

    @name.setter
    def name(self, value: str) -> None:
        self._name = value

    # Resolved once per cache file: a cache file lives for one access (or one model instance),
    # far shorter than any configuration.

    @property
    def storage(self) -> Any:
        if "storage" not in self._resolved:
            self._resolved["storage"] = get_storage(self._storage)
        return self._resolved["storage"]

    @property
    def cachefile_backend(self) -> Any:
        if "backend" not in self._resolved:
            self._resolved["backend"] = get_backend(self._backend)
        return self._resolved["backend"]

    @property
    def cachefile_strategy(self) -> Any:
        if "strategy" not in self._resolved:
            self._resolved["strategy"] = get_strategy(self._strategy)
        return self._resolved["strategy"]

    def resolve(self) -> None:
        """Compute the name and resolve the components now, for a cache file kept to be copied."""
        self.name  # noqa: B018
        self.storage  # noqa: B018
        self.cachefile_backend  # noqa: B018
        self.cachefile_strategy  # noqa: B018

    def copy(self) -> CacheFile:
        """Another cache file for the same generator, sharing what this one has resolved but
        none of its per-access state (its open file, the last state it saw)."""
        twin = object.__new__(type(self))
        twin.__dict__.update(self.__dict__)
        twin._file = None
        twin._resolved = dict(self._resolved)
        twin.known_state = None
        return twin

    # -- what the strategy is told ---------------------------------------------------------------

    def _require_existence(self) -> None:
        notify(self.cachefile_strategy, "on_existence_required", self)

    def _require_content(self) -> None:
        notify(self.cachefile_strategy, "on_content_required", self)

    # -- generation ------------------------------------------------------------------------------

    def generate(self, force: bool = False) -> Any:
        """Ask the backend to make the file (now, or later for a deferring backend)."""
        return self.cachefile_backend.generate(self, force)

    def _generate(self) -> StateRecord:
        """Actually generate and store the file; called by backends. Returns its new state."""
        name = self.name
        content = self.generator.generate()
        storage = self.storage
        try:
            actual = self._store(storage, name, content)
        except IKError:
            raise
        except Exception as exc:
            raise CacheFileError(
                f"storing cache file {name!r} in {type(storage).__name__} failed: "
                f"{type(exc).__name__}: {exc}"
            ) from exc
        if actual != name:
            # The arguments are django-imagekit's (storage, name, saved name, backend): projects
            # filter on them.
            logger.warning(
                "storage %r saved cache file %r as %r instead, probably because a file of that "
                "name existed: generated twice (a race in backend %r, or a plain generation "
                "where a forced one was meant); the saved file is not used",
                storage,
                name,
                actual,
                self.cachefile_backend,
            )
        return StateRecord(
            CacheFileState.EXISTS,
            getattr(content, "width", None),
            getattr(content, "height", None),
            getattr(content, "size", None),
        )

    def _store(self, storage: Any, name: str, content: Any) -> str:
        """Save ``content`` as ``name``; returns the name the storage used. A subclass may save
        through a temporary name where the storage would write in place (see the Django app)."""
        return storage.save(name, content)

    def state(self) -> StateRecord:
        """What the backend knows of this file (may ask the storage on a cache miss)."""
        return self.cachefile_backend.get_record(self)

    # -- file-like behaviour ---------------------------------------------------------------------

    @property
    def url(self) -> str:
        self._require_existence()
        return self._storage_url(self.storage, self.name)

    def _storage_url(self, storage: Any, name: str) -> str:
        """The storage's URL for ``name``. A subclass may remember the URLs of storages whose
        URLs are a pure function of the name (see the Django app)."""
        return storage.url(name)

    @property
    def path(self) -> str:
        self._require_existence()
        return self.storage.path(self.name)

    @property
    def size(self) -> int:
        self._require_content()
        record = self.state()
        return record.size if record.size is not None else self.storage.size(self.name)

    @property
    def dimensions(self) -> tuple[int, int]:
        """(width, height) from the state recorded at generation, else read from the file."""
        record = self.known_state  # already made to exist by this object (e.g. for its url)
        if record is None:
            self._require_existence()
            record = self.state()
        if record.width is not None and record.height is not None:
            return record.width, record.height
        self._require_content()
        engine = get_engine(getattr(self.generator, "engine", None))  # the one that made it
        with self.storage.open(self.name, "rb") as handle:
            width, height = engine.image_size(handle, name=self.name)
        backend = self.cachefile_backend
        if hasattr(backend, "set_record"):
            backend.set_record(self, record._replace(width=width, height=height))
        return width, height

    @property
    def width(self) -> int:
        return self.dimensions[0]

    @property
    def height(self) -> int:
        return self.dimensions[1]

    @property
    def file(self) -> Any:
        if self._file is None:
            self._require_content()
            self._file = self.storage.open(self.name, "rb")
        return self._file

    def open(self, mode: str = "rb") -> CacheFile:
        if self._file is not None and not getattr(self._file, "closed", False):
            self._file.seek(0)
        else:
            self._file = None
        return self

    def read(self, *args: Any) -> bytes:
        return self.file.read(*args)

    def chunks(self, chunk_size: int = 64 * 1024) -> Any:
        handle = self.file
        handle.seek(0)
        while chunk := handle.read(chunk_size):
            yield chunk

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def __enter__(self) -> CacheFile:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    def __bool__(self) -> bool:
        if not self.name:
            return False
        self._require_existence()
        # A strategy may vouch for existence (Optimistic does): then truth costs no lookup.
        verify = getattr(self.cachefile_strategy, "should_verify_existence", None)
        if verify is not None and not verify(self):
            return True
        return bool(self.cachefile_backend.exists(self))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CacheFile) and other.name == self.name

    def __hash__(self) -> int:
        return hash(self.name)

    def __repr__(self) -> str:
        # Must not generate anything, nor even compute a name.
        return f"<{type(self).__name__}: {self._name or 'name not computed yet'}>"

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state["_file"] = None  # open handles do not travel
        state["_resolved"] = {}  # nor resolved components: the receiving side resolves its own
        state["known_state"] = None
        return state

"""A cache file: a generator's image, which may not exist yet. The strategy decides *when* it is
generated, the backend *how* (and keeps its state), the storage holds the bytes; a warm access
is one name, one state lookup and one storage call."""

from __future__ import annotations

import copy
import logging
import time
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Any

from ik_host.components import get_backend, get_engine, get_namer, get_storage, get_strategy
from ik_host.config import get_config
from ik_host.errors import CacheFileError, IKError, MissingSource
from ik_host.memo import ClearingMemo
from ik_host.placeholders import placeholder_of
from ik_host.plugins import get_plugin_manager
from ik_host.protocols import PlaceholderImage, SizedGenerator
from ik_host.registry import get_registry
from ik_host.specs import ImageSpec
from ik_host.state_records import CacheFileState, StateRecord
from ik_host.strategy_events import notify

if TYPE_CHECKING:
    from ik_host.placeholder_values import Placeholder

logger = logging.getLogger("ik_host.cachefile")


class CacheFile:
    """The cache file of ``generator``; components default to the generator's, then config's."""

    # What ``make`` stores instead of generating (image or its failure, seconds taken); set by
    # ``generated_ahead``. On the class: most files never have one, old pickles included.
    _ahead: tuple[Any, float] | None = None

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
        self._forced = False
        self._resolved: dict[str, Any] = {}
        # The last record the backend saw saying this file exists (RememberingCacheFile).
        self.existence_record: StateRecord | None = None

    # -- the generator, and the name it gives ----------------------------------------------------

    @property
    def generator(self) -> Any:
        source = self._reads_from
        if source is not None:
            self._reads_from = None
            self._generator = _with_source(self._generator, source)
        return self._generator

    @generator.setter
    def generator(self, value: Any) -> None:
        self._generator = value
        self._reads_from = None

    @property
    def name(self) -> str | None:
        """The storage-relative name; None without a source (an empty file field)."""
        if self._name is None:
            generator = self.generator
            if not has_source(generator):
                return None
            name = getattr(generator, "cachefile_name", None)
            self._name = name or get_namer(None)(generator)
        return self._name

    @name.setter
    def name(self, value: str) -> None:
        self._name = value
        self._resolved.pop("url", None)

    def _check_source(self) -> None:
        if self._name is None and self.name is None:
            raise MissingSource(
                f"{type(self.generator).__name__} has no source image (the field is empty), "
                "so there is no cache file to use"
            )

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
        name = self.name
        if name is not None and urls_are_stable(self.storage):
            self._resolved["url"] = (get_config(), name, self.storage.url(name))

    def copy(self, source: Any = None) -> CacheFile:
        """Another cache file for the same generator, sharing what this one resolved but no
        per-access state; with ``source`` (the same stored file), it generates from that object."""
        # A kept file copied for one render must not read another render's file object; the
        # generator is copied only when used, which an existing file never needs.
        twin = object.__new__(type(self))
        twin.__dict__.update(self.__dict__)
        twin._file = None
        twin._resolved = dict(self._resolved)
        twin.existence_record = None
        twin._ahead = None
        if source is not None:
            twin._reads_from = source
        return twin

    # -- what the strategy (and any listener) is told --------------------------------------------

    def _require_existence(self) -> None:
        self._check_source()
        notify(self.cachefile_strategy, "on_existence_required", self)
        for listener in get_registry().listeners:
            listener(self, "on_existence_required")

    def _require_content(self) -> None:
        self._check_source()
        notify(self.cachefile_strategy, "on_content_required", self)
        for listener in get_registry().listeners:
            listener(self, "on_content_required")

    # -- generation ------------------------------------------------------------------------------

    def generate(self, force: bool = False) -> Any:
        """Ask the backend to make the file (now or later); ``force`` makes it even if it exists."""
        self._check_source()  # before the backend needs a name
        self._forced = force  # for a django-imagekit backend calling _generate()
        return self.cachefile_backend.generate(self, force)

    def generated_ahead(self, outcome: Any, seconds: float = 0.0) -> None:
        """Give ``make`` the image generated with others (a picture set's, ik-pictures), or the
        exception generating it raised: the next ``make`` stores or raises it, through the
        backend's usual locks, records and events, instead of generating it again. None
        forgets an outcome not used."""
        self._ahead = None if outcome is None else (outcome, seconds)

    def make(self, replace: bool = False) -> StateRecord:
        """Generate and store the image in this process; ``replace`` overwrites (forced runs)."""
        name = self.name
        started = time.perf_counter()
        ahead, self._ahead = self._ahead, None
        try:
            if ahead is None:
                content = self.generator.generate()
            elif isinstance(ahead[0], BaseException):
                raise ahead[0]
            else:
                content = ahead[0]
                started -= ahead[1]
            actual = self._store(name, content, replace)
        except Exception as exc:
            self._tell("failed", exception=exc)
            raise
        if actual != name:
            # The arguments are django-imagekit's (storage, name, saved name, backend): projects
            # filter on them.
            logger.warning(
                "storage %r saved cache file %r as %r instead, probably because a file of that "
                "name existed: generated twice (a race in backend %r, or a plain generation "
                "where a forced one was meant); the saved file is not used",
                self.storage,
                name,
                actual,
                self.cachefile_backend,
            )
        record = StateRecord(
            CacheFileState.EXISTS,
            getattr(content, "width", None),
            getattr(content, "height", None),
            getattr(content, "size", None),
            placeholder=content.placeholder if isinstance(content, PlaceholderImage) else None,
        )
        self._tell("generated", seconds=time.perf_counter() - started, size=record.size)
        return record

    def _store(self, name: str, content: Any, replace: bool) -> str:
        storage = self.storage
        try:
            return save_cachefile(storage, name, content, replace)
        except IKError:
            raise
        except Exception as exc:
            raise CacheFileError(
                f"storing cache file {name!r} in {type(storage).__name__} failed: "
                f"{type(exc).__name__}: {exc}"
            ) from exc

    def _tell(self, event: str, **details: Any) -> None:
        for listener in get_registry().listeners:
            listener(self, event, **details)

    def _generate(self) -> StateRecord:
        """django-imagekit's name for ``make()`` (custom backends call it); replaces when forced."""
        return self.make(replace=self._forced)

    def _pending(self) -> bool:
        """Whether the file is not made yet, though asked for (a deferring backend's)."""
        if self.existence_record is not None:
            return False
        return self.state().state is not CacheFileState.EXISTS

    def state(self) -> StateRecord:
        """What the backend knows of this file (may ask the storage on a cache miss)."""
        return self.cachefile_backend.get_record(self)

    # -- file-like behaviour ---------------------------------------------------------------------

    @property
    def url(self) -> str:
        self._require_existence()
        # Remembered per cache file (which lives for one access, one model instance or one
        # kept tag) while the configuration stands, for storages whose URLs depend on the name
        # alone: building a URL costs as much as the rest of a warm access.
        config = get_config()
        if config.source_while_pending and self._pending():
            url = _source_url(self.generator)
            if url is not None:
                return url
        name = self.name
        kept = self._resolved.get("url")
        if kept is not None and kept[0] is config and kept[1] == name:
            return kept[2]
        storage = self.storage
        url = storage.url(name)
        if urls_are_stable(storage):
            self._resolved["url"] = (config, name, url)
        return url

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
        record = self.existence_record  # already made to exist by this object (e.g. for its url)
        if record is None:
            self._require_existence()
            record = self.state()
        if record.width is not None and record.height is not None:
            return record.width, record.height
        if record.state is not CacheFileState.EXISTS and get_config().source_while_pending:
            expected = _expected_size(self.generator)
            if expected is not None:  # the rendition's, while the source's URL stands in
                return expected
        self._require_content()
        engine = get_engine(getattr(self.generator, "engine", None))  # the one that made it
        with self.storage.open(self.name, "rb") as handle:
            width, height = engine.image_size(handle, name=self.name)
        backend = self.cachefile_backend
        if hasattr(backend, "set_record"):
            backend.set_record(self, record._replace(width=width, height=height))
        return width, height

    @property
    def placeholder(self) -> Placeholder | None:
        """The configured kind's placeholder (docs/placeholders.md); None while not made."""
        return placeholder_of(self)

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
        if self._name is None and not has_source(self.generator):
            return f"<{type(self).__name__}: None>"
        return f"<{type(self).__name__}: {self._name or 'name not computed yet'}>"

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state["_file"] = None  # open handles do not travel
        state["_resolved"] = {}  # nor resolved components: the receiving side resolves its own
        state["existence_record"] = None
        state["_ahead"] = None
        return state


def has_source(generator: Any) -> bool:
    """Whether ``generator`` has an image to read (one without ``source`` makes its own)."""
    source = getattr(generator, "source", _OWN_IMAGE)
    return source is _OWN_IMAGE or (source is not None and bool(source))


_OWN_IMAGE = object()


def _with_source(generator: Any, source: Any) -> Any:
    if getattr(generator, "source", None) is source:
        return generator
    twin = copy.copy(generator)
    twin.source = source
    return twin


def save_cachefile(storage: Any, name: str, content: Any, replace: bool) -> str:
    """Store ``content`` as ``name`` in ``storage`` (a plugin's ``ik_save_cachefile`` first);
    returns the name used. ``replace`` saves first, then replaces the old file if saved beside."""
    # Saving first means a storage that overwrites never has the file missing (docs/hooks.md).
    saved = get_plugin_manager().hook.ik_save_cachefile(
        storage=storage, name=name, content=content, replace=replace
    )
    if saved is not None:
        return saved
    actual = storage.save(name, content)
    if replace and actual != name:
        storage.delete(name)
        content.seek(0)
        saved = storage.save(name, content)
        storage.delete(actual)
        return saved
    return actual


def _source_url(generator: Any) -> str | None:
    # Only a source that has a URL of its own (a Django file field's) can stand in.
    try:
        return generator.source.url
    except Exception:
        return None


def _expected_size(generator: Any) -> tuple[int, int] | None:
    """The size ``generator`` makes, from its source's size and its processors' geometry."""
    if not isinstance(generator, SizedGenerator):
        return None
    try:
        source = generator.source
        return generator.output_size((source.width, source.height))
    except Exception:  # no size known without decoding
        return None


def urls_are_stable(storage: Any) -> bool:
    """Whether ``storage``'s URLs depend on the name alone (``ik_storage_urls_are_stable``)."""
    return get_registry().stable_urls(storage)


# The warm path's one memo: cache files with their name and components resolved, by
# (configuration, generator, source); each use gets its own copy.
_WARM: ClearingMemo[CacheFile] = ClearingMemo(1024)


def warm_cachefile(key: Hashable | None, make: Callable[[], CacheFile], source: Any) -> CacheFile:
    """The cache file ``make()`` builds, made once per ``key`` (generator and source; None: not
    shareable) and configuration; each use gets a copy reading ``source``."""
    # Pages render the same few files from fresh sources each request. A generator shaped or
    # named per instance (``_shareable``) is made every time.
    if key is None:
        return make()
    key = (get_config(), key)
    kept = _WARM.get(key)
    if kept is not None:
        return kept.copy(source=source)
    file = make()
    if _shareable(file.generator) and _named(file):
        kept = file.copy()
        # What the first use resolves (components, URL), the later copies share.
        kept._resolved = file._resolved
        _WARM.keep(key, kept)
    return file


def _named(file: CacheFile) -> bool:
    # Named now, from the source as it is: a later rename of the caller's source in place
    # (``FieldFile.save``) must not rename the kept file.
    try:
        return file.name is not None
    except Exception:  # not kept; the error comes again where the caller uses its file
        return False


def _shareable(generator: Any) -> bool:
    # Whether every generator like this one makes the same file under the same name: it has a
    # ``hash_key`` and a registered spec namer (a dotted-path namer may read the model instance).
    hash_key = getattr(generator, "hash_key", None)
    if hash_key is None or hash_key() is None:
        return False
    if getattr(type(generator), "cachefile_name", None) is not ImageSpec.cachefile_name:
        return False
    namer = get_namer(generator.cachefile_namer, for_spec=True)
    return any(entry.component.obj is namer for entry in get_registry("namer").entries())


def forget_warm_cachefiles() -> None:
    """Drop the memo of ``warm_cachefile`` (after a change its keys do not show)."""
    _WARM.clear()

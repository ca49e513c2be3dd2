"""The contracts: what a plugin's objects must (and may) do for the host and the other plugins.

Each role has one *required* Protocol (what is always called) and optional ones, one per
capability that only some objects have; ``ROLES`` lists them. All are ``runtime_checkable``
(``isinstance`` checks that members exist, not their signatures). ``docs/hooks.md`` documents
every member, and a test keeps the two in step.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import IO, Any, Protocol, runtime_checkable

from ik_host.placeholder_values import Placeholder
from ik_host.records import Job
from ik_host.state_records import CacheFileState, StateRecord

Size = tuple[int, int]

# -- what strategies and backends are handed ------------------------------------------------------


@runtime_checkable
class NamedFile(Protocol):
    """The least a backend's state methods need of a file: its storage-relative name."""

    name: str


@runtime_checkable
class CacheFileLike(NamedFile, Protocol):
    """A cache file as strategies and backends see it (``ik_host.cachefile.CacheFile``)."""

    storage: Storage
    generator: Generator
    cachefile_backend: Backend
    cachefile_strategy: Strategy

    def generate(self, force: bool = False) -> Any:
        """Called by strategies: ask the file's backend to make it (now or later)."""

    def make(self, replace: bool = False) -> StateRecord:
        """Called by in-process backends, with ``replace=force``: store the file now; its record."""


@runtime_checkable
class RememberingCacheFile(CacheFileLike, Protocol):
    """Optional: a cache file that keeps the last record saying it exists."""

    existence_record: StateRecord | None


# -- strategies: when to generate -------------------------------------------------------------


@runtime_checkable
class Strategy(Protocol):
    """A cache-file strategy: *when* a file is generated. Every method is optional."""


@runtime_checkable
class ExistenceStrategy(Protocol):
    """Optional: a strategy told when a cache file's existence is needed."""

    def on_existence_required(self, file: CacheFileLike) -> None:
        """Called by the cache file before its ``url``, ``path``, truth and ``dimensions``."""


@runtime_checkable
class ContentStrategy(Protocol):
    """Optional: a strategy told when a cache file's bytes are needed."""

    def on_content_required(self, file: CacheFileLike) -> None:
        """Called by the cache file before its ``size``, its ``file`` and stored dimensions."""


@runtime_checkable
class SourceSavedStrategy(Protocol):
    """Optional: a strategy told when a cache file's source was saved."""

    def on_source_saved(self, file: CacheFileLike) -> None:
        """Called by a framework integration for each cache file fed by the saved source."""


@runtime_checkable
class VerifyingStrategy(Protocol):
    """Optional: a strategy that may vouch for existence, sparing a state lookup."""

    def should_verify_existence(self, file: CacheFileLike) -> bool:
        """Called by the cache file's truth test: False takes the file to exist unasked."""


# -- backends: how to generate, and what is known -------------------------------------------------


@runtime_checkable
class Backend(Protocol):
    """A cache-file backend: *how* a file is generated (now, later) and whether it exists."""

    def generate(self, file: CacheFileLike, force: bool = False) -> Any:
        """Called by ``CacheFile.generate``: make the file exist; returns the backend's own."""

    def exists(self, file: CacheFileLike) -> bool:
        """Called by the cache file's truth test and the management commands."""

    def get_record(self, file: CacheFileLike) -> StateRecord:
        """Called by ``CacheFile.state()``: the file's state and sizes (None when unknown)."""


@runtime_checkable
class RecordingBackend(Protocol):
    """Optional: a backend that stores records (``ik_defaults``' ``CachedFileBackend`` does)."""

    def set_record(self, file: NamedFile, record: StateRecord) -> None:
        """Called by the cache file, ``generateimages`` and queue workers: store ``record``."""


@runtime_checkable
class PlaceholderBackend(Protocol):
    """Optional: a backend that keeps a placeholder computed after its file was made."""

    def set_placeholder(self, file: NamedFile, record: StateRecord) -> None:
        """Called by ``placeholder_of``: ``record`` is the file's with its new placeholder;
        the record store learns the placeholder alone (the file was not made again)."""


@runtime_checkable
class StateBackend(Protocol):
    """Optional: django-imagekit's ``get_state``, the bare state without the record."""

    def get_state(self, file: CacheFileLike) -> CacheFileState:
        """Called by ``generateimages`` to tell "missing" from "scheduled" or "failed"."""


@runtime_checkable
class ImmediateBackend(Protocol):
    """Optional: a backend that can generate in the calling process, whatever it defers."""

    def generate_now(self, file: CacheFileLike, force: bool = False) -> StateRecord:
        """Called by ``generateimages`` and queue workers: make the file here; its new record."""


@runtime_checkable
class RequestBackend(Protocol):
    """Optional, with ``ImmediateBackend``: a backend that says whether its ``generate`` makes
    files where asked; picture sets then make renditions together through ``generate_now``."""

    makes_in_request: bool


@runtime_checkable
class SchedulingBackend(Protocol):
    """Optional: a backend that puts generation on a queue (``ik_backends_async``)."""

    def schedule(self, file: CacheFileLike, force: bool = False) -> bool:
        """Called by ``generateimages --async`` and ``generate``: whether this call enqueued."""

    def unschedule(self, file: CacheFileLike) -> None:
        """Called by a queue worker after a failed generation: forget the schedule."""


@runtime_checkable
class KeyedBackend(Protocol):
    """Optional: a backend whose records live in a state cache under a key per file."""

    def get_key(self, file: NamedFile) -> str:
        """Called by the state prefetch: the file's state-cache key."""


@runtime_checkable
class QueueLibraryBackend(Protocol):
    """Optional, on the registered *class*: a backend that needs a queue library."""

    @classmethod
    def missing_library(cls) -> str | None:
        """Called by the Django app's system check: what to install, else None."""

    @classmethod
    def register_worker_tasks(cls) -> bool:
        """Called when a worker imports the Django app's ``tasks``: whether it declared the task."""


# -- where the bytes and the states live ----------------------------------------------------------


@runtime_checkable
class Storage(Protocol):
    """Where cache files are kept: the part of Django's ``Storage`` API the host uses."""

    def exists(self, name: str) -> bool:
        """Called by a backend on a state-cache miss: whether ``name`` is stored."""

    def open(self, name: str, mode: str = "rb") -> IO[Any]:
        """Called by the cache file to read it."""

    def save(self, name: str, content: Any, max_length: int | None = None) -> str:
        """Called when the cache file is generated: the name used (never a partial file)."""

    def url(self, name: str) -> str:
        """Called by the cache file's ``url``, on every warm access."""

    def path(self, name: str) -> str:
        """Called by the cache file's ``path``: a local path (remote storages raise)."""

    def delete(self, name: str) -> None:
        """Called to replace a file and by cleanup; a missing file is no error."""

    def size(self, name: str) -> int:
        """Called by the cache file's ``size`` when its record does not know it."""


@runtime_checkable
class StateCache(Protocol):
    """Where backends keep cache-file records, with Django's cache signatures."""

    def get(self, key: str, default: Any = None) -> Any:
        """Called by a backend for a file's record: the stored value, else ``default``."""

    def set(self, key: str, value: Any, timeout: float | None = None) -> None:
        """Called by a backend to store a record."""

    def add(self, key: str, value: Any, timeout: float | None = None) -> bool:
        """Called to take a lock or fill a miss: store only if ``key`` is free; whether it did."""

    def delete(self, key: str) -> Any:
        """Called by a backend to release a lock or a schedule."""


@runtime_checkable
class BulkStateCache(Protocol):
    """Optional: a state cache that reads many keys in one round trip."""

    def get_many(self, keys: Iterable[str]) -> Mapping[str, Any]:
        """Called by the state prefetch: the found keys and their values."""


@runtime_checkable
class BulkWriteStateCache(Protocol):
    """Optional: a state cache that writes many keys in one round trip."""

    def set_many(self, data: Mapping[str, Any], timeout: float | None = None) -> Any:
        """Called by the state prefetch to store what the record store knew, in one call."""


@runtime_checkable
class RecordStore(Protocol):
    """Where every cache file's record is kept beyond the state cache (``Config.record_store``)."""

    def get_many(self, files: Iterable[NamedFile]) -> Mapping[str, StateRecord]:
        """Called by a backend after a state-cache miss: the known records, by file name."""

    def save(self, file: NamedFile, record: StateRecord) -> None:
        """Called by a backend for every record it sets: keep it as the file's."""


# -- making pixels ---------------------------------------------------------------------------------


@runtime_checkable
class EncodedImage(Protocol):
    """What an engine returns: an encoded image in memory, as a readable file object."""

    format: str
    width: int
    height: int
    size: int

    def read(self, size: int = -1, /) -> bytes:
        """Called by the storage that saves it."""


@runtime_checkable
class PlaceholderImage(Protocol):
    """Optional: an encoded image that brings the placeholder its engine computed."""

    placeholder: Placeholder | None


@runtime_checkable
class Engine(Protocol):
    """Decodes a source, runs processors, encodes."""

    def generate(self, job: Job) -> EncodedImage:
        """Called by ``ImageSpec.generate``: the job's source through its processors, encoded."""

    def image_size(self, file: IO[bytes], *, name: str | None = None) -> tuple[int, int]:
        """Called by ``CacheFile.dimensions``: ``(width, height)`` from the file's header."""


@runtime_checkable
class PlaceholderEngine(Protocol):
    """Optional: an engine that computes placeholders of stored files (the Pillow engine)."""

    def placeholder(self, file: IO[bytes], kind: str, *, name: str | None = None) -> Placeholder:
        """Called by ``placeholder_of`` for a file recorded without one of ``kind``."""


@runtime_checkable
class SetEngine(Protocol):
    """Optional: an engine that makes several jobs of one source together (the Pillow engine)."""

    def generate_set(self, jobs: Sequence[Job]) -> list[EncodedImage | Exception]:
        """Called for a picture set's missing renditions (ik-pictures' ``rendition_sets``): each
        job's image, or the exception making it raised, in job order."""


@runtime_checkable
class Processor(Protocol):
    """One step of a spec's pipeline. Registered by class (or factory)."""

    def process(self, image: Any) -> Any:
        """Called by the engine, in list order: the image made from ``image``."""


@runtime_checkable
class SizeHintProcessor(Protocol):
    """Optional: a processor that tells the engine how small the source may be decoded."""

    size_role: str

    def size_hint(self, source_size: Size) -> Size | None:
        """Called by the Pillow engine before decoding: the smallest equivalent source size."""


@runtime_checkable
class RescalingProcessor(Protocol):
    """Optional: a rescaling processor that states its output size."""

    sizes_from_extent: bool

    def output_size(self, source_size: Size) -> Size:
        """Called by the Pillow engine: the size made from a ``source_size`` image."""


@runtime_checkable
class HashStateProcessor(Protocol):
    """Optional, on the class: stand for a class not installed here in spec hashes."""

    def __ik_hash_state__(self) -> tuple[Any, ...]:
        """Called by ``ik_host.hashing``: ``(class or dotted name, state[, base_value])``."""


@runtime_checkable
class Namer(Protocol):
    """Names a cache file. Registered as the callable itself."""

    def __call__(self, generator: Generator) -> str:
        """Called once per cache file: the storage-relative name of its cache file."""


# -- generators --------------------------------------------------------------------------------


@runtime_checkable
class Generator(Protocol):
    """What a cache file is made from (``ik_host.specs.ImageSpec`` is one)."""

    def generate(self) -> Any:
        """Called when the cache file is generated: the image as a file object."""

    def get_hash(self) -> str:
        """Called by the namers: a digest of everything that shapes the output."""


@runtime_checkable
class ConfiguredGenerator(Protocol):
    """Optional: a generator naming its cache file's name and components."""

    cachefile_name: str | None
    cachefile_storage: Any
    cachefile_backend: Any
    cachefile_strategy: Any


@runtime_checkable
class SourcedGenerator(Protocol):
    """Optional: a generator made from a source file (``ImageSpec``)."""

    source: Any
    source_name: str | None


@runtime_checkable
class ProcessingGenerator(Protocol):
    """Optional: a generator that states its processors and output format (``ImageSpec``)."""

    processors: Any
    format: str | None
    options: Mapping[str, Any] | None


@runtime_checkable
class SizedGenerator(Protocol):
    """Optional: a generator that tells the size it makes without making it (``ImageSpec``)."""

    def output_size(self, source_size: Size) -> Size | None:
        """Called by picture sets (ik-pictures) for each rendition's width and height, and by the
        cache file for a pending file's: the size made from a ``source_size`` source, None if
        unknown."""


@runtime_checkable
class HashKeyedGenerator(Protocol):
    """Optional: a generator whose equal instances share one hash computation."""

    def hash_key(self) -> Any:
        """Called by ``ImageSpec.get_hash`` and ``warm_cachefile``: a hashable key, or None."""


@runtime_checkable
class ArgumentsGenerator(Protocol):
    """Optional: a generator rebuilt in a worker from JSON arguments."""

    def get_generator_kwargs(self) -> dict[str, Any]:
        """Called when a cache file is described for a queue: its JSON keyword arguments."""


ROLES: dict[str, tuple[type, tuple[type, ...]]] = {
    "strategy": (
        Strategy,
        (ExistenceStrategy, ContentStrategy, SourceSavedStrategy, VerifyingStrategy),
    ),
    "backend": (
        Backend,
        (
            RecordingBackend,
            PlaceholderBackend,
            StateBackend,
            ImmediateBackend,
            RequestBackend,
            SchedulingBackend,
            KeyedBackend,
            QueueLibraryBackend,
        ),
    ),
    "storage": (Storage, ()),
    "state_cache": (StateCache, (BulkStateCache, BulkWriteStateCache)),
    "record_store": (RecordStore, ()),
    "engine": (Engine, (PlaceholderEngine, SetEngine)),
    "image": (EncodedImage, (PlaceholderImage,)),
    "processor": (Processor, (SizeHintProcessor, RescalingProcessor, HashStateProcessor)),
    "namer": (Namer, ()),
    "generator": (
        Generator,
        (
            ConfiguredGenerator,
            SourcedGenerator,
            ProcessingGenerator,
            SizedGenerator,
            HashKeyedGenerator,
            ArgumentsGenerator,
        ),
    ),
    "cachefile": (CacheFileLike, (RememberingCacheFile,)),
    "named_file": (NamedFile, ()),
}
"""Role -> (its required Protocol, its optional Protocols)."""

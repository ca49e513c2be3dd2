"""The contracts: what a plugin's objects must (and may) do for the host and the other plugins.

Every role a plugin can fill has one *required* Protocol, naming what is always called, and may
have *optional* Protocols, one per capability: a method that some objects of the role have and
others lack (today found with ``hasattr``/``getattr(x, name, None)``; tomorrow with
``isinstance(x, TheOptionalProtocol)``). Optional members never appear in a required Protocol,
so ``isinstance(obj, Backend)`` holds for every backend and says nothing about extras.
``ROLES`` lists, per role, its required Protocol and its optional ones.

All Protocols are ``runtime_checkable``: ``isinstance`` checks that the members exist (not their
signatures; ``signature_problems`` compares those). ``docs/hooks.md`` documents every member of
every Protocol here, and a test keeps the two in step.

The cache files that strategies and backends are handed are described by ``NamedFile`` and
``CacheFileLike``; the generators a cache file is made from by ``Generator``.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable, Mapping
from typing import IO, Any, Protocol, runtime_checkable

from ik_host.records import Job
from ik_host.state_records import CacheFileState, StateRecord

Size = tuple[int, int]

# -- what strategies and backends are handed ------------------------------------------------------


@runtime_checkable
class NamedFile(Protocol):
    """The least a backend's state methods need of a file: its storage-relative name.

    A worker that cannot rebuild a cache file still records its failure, handing
    ``RecordingBackend.set_record`` an object with only ``name``.
    """

    name: str


@runtime_checkable
class CacheFileLike(NamedFile, Protocol):
    """A cache file as strategies and backends see it (``ik_host.cachefile.CacheFile``)."""

    storage: Storage
    generator: Generator
    cachefile_backend: Backend
    cachefile_strategy: Strategy

    def generate(self, force: bool = False) -> Any:
        """Ask the file's backend to make it (now or later). Called by strategies."""

    def make(self, replace: bool = False) -> StateRecord:
        """Generate and store the file here and now; its new record (``EXISTS``, sizes).

        Called by a backend that makes files in process (``ik_defaults``' ``generate_now``),
        with ``replace=force``: a forced generation overwrites the stored file.
        """


@runtime_checkable
class RememberingCacheFile(CacheFileLike, Protocol):
    """Optional: a cache file that keeps the last record saying it exists.

    ``ik_defaults``' backends read and set it, so repeated accesses to one cache file object
    cost one state lookup in all; a file without it is looked up every time.
    """

    existence_record: StateRecord | None


# -- strategies: when to generate -------------------------------------------------------------


@runtime_checkable
class Strategy(Protocol):
    """A cache-file strategy: *when* a file is generated. Registered by class, instantiated
    with no arguments. Every method is optional (see the four Protocols below): a strategy
    without one does nothing at that moment, so any object is a strategy."""


@runtime_checkable
class ExistenceStrategy(Protocol):
    """Optional: a strategy told when a cache file's existence is needed."""

    def on_existence_required(self, file: CacheFileLike) -> None:
        """Called by the cache file before its ``url``, ``path``, truth and ``dimensions``
        (when not already known). ``JustInTime`` generates the file here."""


@runtime_checkable
class ContentStrategy(Protocol):
    """Optional: a strategy told when a cache file's bytes are needed."""

    def on_content_required(self, file: CacheFileLike) -> None:
        """Called by the cache file before its ``size``, its ``file`` (reads) and a
        ``dimensions`` read from the stored image. ``JustInTime`` generates the file here."""


@runtime_checkable
class SourceSavedStrategy(Protocol):
    """Optional: a strategy told when a cache file's source was saved."""

    def on_source_saved(self, file: CacheFileLike) -> None:
        """Called by a framework integration (the Django app's ``source_saved`` receiver) for
        each cache file fed by the saved source. ``Optimistic`` generates the file here."""


@runtime_checkable
class VerifyingStrategy(Protocol):
    """Optional: a strategy that may vouch for existence, sparing a state lookup."""

    def should_verify_existence(self, file: CacheFileLike) -> bool:
        """Called by the cache file's truth test (``bool(file)``) after
        ``on_existence_required``. False: the file is taken to exist without asking the
        backend; True: the backend's ``exists`` decides."""


# -- backends: how to generate, and what is known -------------------------------------------------


@runtime_checkable
class Backend(Protocol):
    """A cache-file backend: *how* a file is generated (now, later) and whether it exists.
    Registered by class, instantiated once with no arguments and shared by every cache file."""

    def generate(self, file: CacheFileLike, force: bool = False) -> Any:
        """Called by ``CacheFile.generate`` (so by strategies). Makes the file exist, now or
        later; ``force`` makes it again even if it exists. The return value is the backend's
        own (``Simple``: the new record or None; a queue backend: whether it enqueued)."""

    def exists(self, file: CacheFileLike) -> bool:
        """Called by the cache file's truth test (unless the strategy vouches for it) and by
        the Django management commands. Whether the file exists."""

    def get_record(self, file: CacheFileLike) -> StateRecord:
        """Called by ``CacheFile.state()``, for ``size`` and ``dimensions``. What is known of the
        file: its state and, once generated, width, height and size (None when unknown)."""


@runtime_checkable
class RecordingBackend(Protocol):
    """Optional: a backend that stores records (``ik_defaults``' ``CachedFileBackend`` does)."""

    def set_record(self, file: NamedFile, record: StateRecord) -> None:
        """Store ``record`` as the file's state. Called by the cache file after reading the
        dimensions of a file generated without them, by ``generateimages`` when the storage
        shows a file its record did not, and by a queue worker recording a failure (with a
        file that may have only a ``name``)."""


@runtime_checkable
class StateBackend(Protocol):
    """Optional: django-imagekit's ``get_state``, the bare state without the record."""

    def get_state(self, file: CacheFileLike) -> CacheFileState:
        """Called by ``generateimages`` (``cachefile_exists``) to tell "does not exist" from
        "scheduled" or "failed"; a backend without it is asked ``exists``."""


@runtime_checkable
class ImmediateBackend(Protocol):
    """Optional: a backend that can generate in the calling process, whatever it defers."""

    def generate_now(self, file: CacheFileLike, force: bool = False) -> StateRecord:
        """Called by ``generateimages`` and by queue workers (``generate_here``) to make the file
        here, once across everyone sharing the state (single-flight). Returns its new record;
        raises what generation raised, after recording the failure. A backend without it is
        asked ``generate``."""


@runtime_checkable
class SchedulingBackend(Protocol):
    """Optional: a backend that puts generation on a queue (``ik_backends_async``)."""

    def schedule(self, file: CacheFileLike, force: bool = False) -> bool:
        """Called by ``generateimages --async`` (and by the backend's own ``generate``): enqueue
        the file once until the schedule expires, ``force`` enqueueing even so. Returns
        whether this call enqueued."""

    def unschedule(self, file: CacheFileLike) -> None:
        """Called by a queue worker after a failed generation: forget the schedule, so the
        recorded failure alone says when to try again."""


@runtime_checkable
class KeyedBackend(Protocol):
    """Optional: a backend whose records live in a state cache under a key per file."""

    def get_key(self, file: NamedFile) -> str:
        """The file's state-cache key. Called by the state prefetch (one ``get_many`` for a
        page of files: ``ik_defaults.cached_backends.prefetch_states``, the Django app's
        ``prefetch_cachefile_states``)."""


@runtime_checkable
class QueueLibraryBackend(Protocol):
    """Optional, on the registered *class*: a backend that needs a queue library."""

    @classmethod
    def missing_library(cls) -> str | None:
        """Called by the Django app's system check on the configured backend class: what to
        install when the library is missing here, else None."""

    @classmethod
    def register_worker_tasks(cls) -> bool:
        """Called when a worker imports the Django app's ``tasks`` module: declare the task with
        the queue library. Returns whether it did (not without the library)."""


# -- where the bytes and the states live ----------------------------------------------------------


@runtime_checkable
class Storage(Protocol):
    """Where cache files are kept: the subset of Django's ``Storage`` API the host and the
    default backends use, with Django's signatures (so a Django storage is one). Registered by
    class, instantiated once with no arguments."""

    def exists(self, name: str) -> bool:
        """Called by a backend on a state-cache miss: whether ``name`` is stored."""

    def open(self, name: str, mode: str = "rb") -> IO[Any]:
        """Called by the cache file to read it (``file``, ``read``, ``dimensions``)."""

    def save(self, name: str, content: Any, max_length: int | None = None) -> str:
        """Called by the cache file when it is generated. Stores ``content`` (a file object)
        under ``name`` and returns the name it used; readers must never see a partial file."""

    def url(self, name: str) -> str:
        """Called by the cache file's ``url``, on every warm access."""

    def path(self, name: str) -> str:
        """Called by the cache file's ``path``. A local path; a remote storage raises
        ``NotImplementedError`` as Django's do."""

    def delete(self, name: str) -> None:
        """Called to replace a file (forced generation) and by cleanup; a missing file is no
        error."""

    def size(self, name: str) -> int:
        """Called by the cache file's ``size`` when its record does not know it."""


@runtime_checkable
class StateCache(Protocol):
    """Where backends keep cache-file records: Django's cache signatures (so a Django cache
    is one); ``timeout=None`` keeps a value forever. Registered by class, instantiated with no
    arguments. Any method may raise: ``ik_defaults``' backends then fall back on the storage."""

    def get(self, key: str, default: Any = None) -> Any:
        """Called by a backend for a file's record: the stored value, else ``default``."""

    def set(self, key: str, value: Any, timeout: float | None = None) -> None:
        """Called by a backend to store a record."""

    def add(self, key: str, value: Any, timeout: float | None = None) -> bool:
        """Called by a backend to take a lock or fill a miss: store only if ``key`` is free,
        atomically for everyone sharing the cache. Whether it stored."""

    def delete(self, key: str) -> Any:
        """Called by a backend to release a lock or a schedule."""


@runtime_checkable
class BulkStateCache(Protocol):
    """Optional: a state cache that reads many keys in one round trip."""

    def get_many(self, keys: Iterable[str]) -> Mapping[str, Any]:
        """Called by the state prefetch for a page of files: the found keys and their values
        (misses left out). Without it, the prefetch asks ``get`` per key."""


# -- making pixels ---------------------------------------------------------------------------------


@runtime_checkable
class EncodedImage(Protocol):
    """What an engine returns: an encoded image in memory, a readable file object, with what
    is known of it without decoding it again. The cache file stores it and records the sizes
    (the engines return a ``GeneratedImage``)."""

    format: str
    width: int
    height: int
    size: int

    def read(self, size: int = -1, /) -> bytes:
        """Called by the storage that saves it."""


@runtime_checkable
class Engine(Protocol):
    """Decodes a source, runs processors, encodes. Registered by class, instantiated once with
    no arguments; a spec picks one by its ``engine`` attribute, else the configured default."""

    def generate(self, job: Job) -> EncodedImage:
        """Called by ``ImageSpec.generate`` with a ``Job``: its source (a file object or path)
        through its processors, saved as its format (None: the source's) with the encoder
        options; its limits bound what may be decoded; its name names the source in errors.
        Raises ``ik_host.errors`` errors for bad input. An engine that cannot run a processor
        hands the whole job to the Pillow engine."""

    def image_size(self, file: IO[bytes], *, name: str | None = None) -> tuple[int, int]:
        """Called by ``CacheFile.dimensions`` for a stored file whose sizes were not recorded:
        ``(width, height)`` from its header, without decoding the pixels; ``name`` names the
        file in errors."""


@runtime_checkable
class Processor(Protocol):
    """One step of a spec's pipeline. Registered by class (or factory); specs hold instances."""

    def process(self, image: Any) -> Any:
        """Called by the engine, in list order: the image made from ``image`` (the engine's
        image type: a Pillow image for the Pillow engine)."""


@runtime_checkable
class SizeHintProcessor(Protocol):
    """Optional: a processor that tells the engine how small the source may be decoded."""

    size_role: str

    def size_hint(self, source_size: Size) -> Size | None:
        """Called by the Pillow engine before decoding: the smallest source size giving the
        same result, or None when it cannot say. ``size_role`` (``"neutral"``, ``"upright"``,
        ``"rescale"`` or ``"other"``) says how hints chain through the list."""


@runtime_checkable
class RescalingProcessor(Protocol):
    """Optional: a rescaling processor that states its output size, so the engine can check
    that a reduced decode gives the same size."""

    sizes_from_extent: bool

    def output_size(self, source_size: Size) -> Size:
        """Called by the Pillow engine: the size made from a ``source_size`` image. A true
        ``sizes_from_extent`` says the processor sizes from the source's exact extent."""


@runtime_checkable
class HashStateProcessor(Protocol):
    """Optional, on the class: stand for a class not installed here in spec hashes."""

    def __ik_hash_state__(self) -> tuple[Any, ...]:
        """Called by ``ik_host.hashing`` while hashing a spec: ``(class or dotted name, state)``
        or ``(class or dotted name, state, base_value)``; see that module."""


@runtime_checkable
class Namer(Protocol):
    """Names a cache file. Registered as the callable itself."""

    def __call__(self, generator: Generator) -> str:
        """Called once per cache file (the host memoises): the storage-relative name of the
        generator's cache file."""


# -- generators --------------------------------------------------------------------------------


@runtime_checkable
class Generator(Protocol):
    """What a cache file is made from (``ik_host.specs.ImageSpec`` is one)."""

    def generate(self) -> Any:
        """Called by the cache file when it is generated: the image as a file object (an
        ``EncodedImage`` gives the record its sizes)."""

    def get_hash(self) -> str:
        """Called by the namers: a digest of everything that shapes the output."""


@runtime_checkable
class ConfiguredGenerator(Protocol):
    """Optional: a generator naming its cache file's name and components (None: the
    configured default). Read by the cache file when it is made."""

    cachefile_name: str | None
    cachefile_storage: Any
    cachefile_backend: Any
    cachefile_strategy: Any


@runtime_checkable
class SourcedGenerator(Protocol):
    """Optional: a generator made from a source file (``ImageSpec``), read by the namers, the
    engines and the payloads a queue carries."""

    source: Any
    source_name: str | None


@runtime_checkable
class ProcessingGenerator(Protocol):
    """Optional: a generator that states its processors and output format (``ImageSpec``):
    read by the namers (the format gives the extension) and by the Pillow engine, to decode
    one source once for several generators."""

    processors: Any
    format: str | None


@runtime_checkable
class HashKeyedGenerator(Protocol):
    """Optional: a generator whose equal instances share one hash computation."""

    def hash_key(self) -> Any:
        """Called by ``ImageSpec.get_hash`` and by ``ik_host.cachefile.warm_cachefile``: a
        hashable stand-in for what shapes the output, or None when there is none (a generator
        without it, or answering None, is named anew for every use)."""


@runtime_checkable
class ArgumentsGenerator(Protocol):
    """Optional: a generator rebuilt in a worker from JSON arguments."""

    def get_generator_kwargs(self) -> dict[str, Any]:
        """Called when a cache file is described for a queue: the keyword arguments (JSON
        types only) that rebuild the generator from its registered id."""


ROLES: dict[str, tuple[type, tuple[type, ...]]] = {
    "strategy": (
        Strategy,
        (ExistenceStrategy, ContentStrategy, SourceSavedStrategy, VerifyingStrategy),
    ),
    "backend": (
        Backend,
        (
            RecordingBackend,
            StateBackend,
            ImmediateBackend,
            SchedulingBackend,
            KeyedBackend,
            QueueLibraryBackend,
        ),
    ),
    "storage": (Storage, ()),
    "state_cache": (StateCache, (BulkStateCache,)),
    "engine": (Engine, ()),
    "image": (EncodedImage, ()),
    "processor": (Processor, (SizeHintProcessor, RescalingProcessor, HashStateProcessor)),
    "namer": (Namer, ()),
    "generator": (
        Generator,
        (
            ConfiguredGenerator,
            SourcedGenerator,
            ProcessingGenerator,
            HashKeyedGenerator,
            ArgumentsGenerator,
        ),
    ),
    "cachefile": (CacheFileLike, (RememberingCacheFile,)),
    "named_file": (NamedFile, ()),
}
"""Role -> (its required Protocol, its optional Protocols)."""

# Names every class body has, which are not members of a contract.
_NOT_MEMBERS = frozenset(
    {
        "__abstractmethods__",
        "__annotations__",
        "__dict__",
        "__doc__",
        "__init__",
        "__module__",
        "__orig_bases__",
        "__parameters__",
        "__protocol_attrs__",
        "__qualname__",
        "__slots__",
        "__subclasshook__",
        "__weakref__",
        "__non_callable_proto_members__",
        "__type_params__",
        "__firstlineno__",
        "__static_attributes__",
        "_is_protocol",
        "_is_runtime_protocol",
    }
)


def is_protocol(obj: Any) -> bool:
    """Whether ``obj`` is a Protocol class (not a class implementing one)."""
    return isinstance(obj, type) and bool(obj.__dict__.get("_is_protocol", False))


def protocols() -> dict[str, type]:
    """Every Protocol of this module, by name."""
    return {
        name: obj
        for name, obj in globals().items()
        if is_protocol(obj) and obj.__module__ == __name__
    }


def members(protocol: type) -> tuple[str, ...]:
    """The member names ``protocol`` declares itself (not those of the Protocols it extends)."""
    names = [*vars(protocol).get("__annotations__", {}), *vars(protocol)]
    return tuple(dict.fromkeys(n for n in names if n not in _NOT_MEMBERS and "_abc_" not in n))


def all_members(protocol: type) -> tuple[str, ...]:
    """The member names of ``protocol``, including those of the Protocols it extends."""
    found: dict[str, None] = {}
    for cls in reversed(protocol.__mro__):
        if is_protocol(cls) and cls is not Protocol:
            found.update(dict.fromkeys(members(cls)))
    return tuple(found)


def _method(protocol: type, name: str) -> Any:
    for cls in protocol.__mro__:
        if name in vars(cls):
            return vars(cls)[name]
    return None


def member_signature(protocol: type, name: str) -> inspect.Signature | None:
    """The signature callers use for method ``name`` (without self or cls); None for data."""
    raw = _method(protocol, name)
    if raw is None:
        return None
    if isinstance(raw, classmethod):  # bound to the Protocol, so without cls
        return inspect.signature(getattr(protocol, name))
    signature = inspect.signature(raw)
    return signature.replace(parameters=list(signature.parameters.values())[1:])


_ABSENT = object()
_POSITIONAL = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)


def _call_problems(spec: inspect.Signature, impl: inspect.Signature) -> list[str]:
    """How a call made as ``spec`` says could fail on ``impl``."""
    params = list(impl.parameters.values())
    kinds = {p.kind for p in params}
    star_args = inspect.Parameter.VAR_POSITIONAL in kinds
    star_kwargs = inspect.Parameter.VAR_KEYWORD in kinds
    positional = [p for p in params if p.kind in _POSITIONAL]
    problems: list[str] = []
    passed: set[str] = set()
    spec_positional = [p for p in spec.parameters.values() if p.kind in _POSITIONAL]
    for index, want in enumerate(spec_positional):
        got = positional[index] if index < len(positional) else None
        if got is None:
            if not star_args:
                problems.append(f"takes no positional parameter {index + 1} ({want.name})")
            continue
        passed.add(got.name)
        keyword_too = want.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
        if keyword_too and got.name != want.name and not star_kwargs:
            problems.append(f"names parameter {index + 1} {got.name!r}, not {want.name!r}")
        if want.default is not inspect.Parameter.empty and got.default is inspect.Parameter.empty:
            problems.append(f"needs {got.name!r}, which callers may leave out")
    for want in spec.parameters.values():
        if want.kind is not inspect.Parameter.KEYWORD_ONLY:
            continue
        got = impl.parameters.get(want.name)
        if got is None or got.kind not in (inspect.Parameter.KEYWORD_ONLY, *_POSITIONAL):
            if not star_kwargs:
                problems.append(f"does not take the keyword {want.name!r}")
            continue
        passed.add(got.name)
        if want.default is not inspect.Parameter.empty and got.default is inspect.Parameter.empty:
            problems.append(f"needs {got.name!r}, which callers may leave out")
    for param in params:
        required = param.default is inspect.Parameter.empty
        variadic = param.kind in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
        if required and not variadic and param.name not in passed:
            problems.append(f"needs {param.name!r}, which callers never pass")
    return problems


def signature_problems(obj: Any, protocol: type) -> list[str]:
    """What keeps ``obj`` from filling ``protocol``: missing members, and methods that a call
    made as the Protocol says would fail on. Empty when it conforms.

    Data members are looked up without running properties (a cache file's ``storage`` would
    resolve the configured storage), falling back on ``hasattr`` for proxies that forward
    every attribute (Django's ``default_storage``)."""
    problems: list[str] = []
    for name in all_members(protocol):
        if inspect.getattr_static(obj, name, _ABSENT) is _ABSENT and not hasattr(obj, name):
            problems.append(f"{name}: missing")
            continue
        spec = member_signature(protocol, name)
        if spec is None:
            continue
        implementation = getattr(obj, name)
        try:
            impl = inspect.signature(implementation)
        except (TypeError, ValueError):  # a builtin without a signature: nothing to compare
            continue
        problems.extend(f"{name}: {problem}" for problem in _call_problems(spec, impl))
    return problems


__all__ = [
    "ROLES",
    "ArgumentsGenerator",
    "Backend",
    "BulkStateCache",
    "CacheFileLike",
    "ConfiguredGenerator",
    "ContentStrategy",
    "EncodedImage",
    "Engine",
    "ExistenceStrategy",
    "Generator",
    "HashKeyedGenerator",
    "HashStateProcessor",
    "ImmediateBackend",
    "KeyedBackend",
    "NamedFile",
    "Namer",
    "ProcessingGenerator",
    "Processor",
    "QueueLibraryBackend",
    "RecordingBackend",
    "RememberingCacheFile",
    "RescalingProcessor",
    "SchedulingBackend",
    "SizeHintProcessor",
    "SourceSavedStrategy",
    "SourcedGenerator",
    "StateBackend",
    "StateCache",
    "Storage",
    "Strategy",
    "VerifyingStrategy",
    "all_members",
    "is_protocol",
    "member_signature",
    "members",
    "protocols",
    "signature_problems",
]

"""Cache files described as plain JSON, and rebuilt from it in another process.

A worker (a queue's, or one of ``generateimages --jobs``) receives such a description and makes
the file. A payload names the generator, its source and the cache file, with JSON types only
(no pickle: every queue's default serializer carries it)::

    {"version": 1,
     "generator_id": "myapp:profile:avatar_thumbnail",
     "source": {"path": "/srv/media/avatars/a.jpg", "name": "avatars/a.jpg"},
     "cachefile": "CACHE/images/avatars/a/5f1c0e....jpg",
     "force": false}

The generator is its registered id (``ik_host.generators``), or, for an unregistered class,
``"generator_path"``, its importable path; ``"generator_kwargs"`` holds arguments besides the
source, from the generator's ``get_generator_kwargs()`` when it has one.

The source is ``null`` for generators without one, ``{"path", "name"}`` for a file on the local
disk, or whatever reference a plugin gives for it (``ik_describe_source``) and reopens
(``ik_open_source``): the Django app describes a model's file field by its row, and a file in a
Django storage by the storage's alias. ``"name"`` is always the name the requester knew the
source by, so the rebuilt generator computes the same cache-file name; ``rebuild`` checks it.

Nothing here imports a framework or an image library: a worker that knows neither Django nor
Pillow rebuilds payloads of plain files, and a Django worker learns Django's sources through
the hooks (``ik_prepare_worker`` first sets Django up).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from typing import IO, Any

from ik_host.cachefile import CacheFile
from ik_host.errors import IKError, NotRegistered
from ik_host.generators import generator_registry
from ik_host.paths import source_name
from ik_host.plugins import get_plugin_manager
from ik_host.registry import import_path
from ik_host.state_records import CacheFileState, StateRecord

PAYLOAD_VERSION = 1

# What ``generate_here`` did.
GENERATED = "generated"
EXISTED = "existed"


class PayloadError(IKError):
    """A cache file cannot be described as a payload, or a payload cannot be rebuilt."""


class SourceGone(PayloadError):
    """The source a payload names no longer exists (its model row was deleted): nothing to make."""


class CacheFileNameMismatch(PayloadError):
    """The rebuilt cache file is not the one the requester named (code or settings differ)."""

    def __init__(self, message: str, file: Any) -> None:
        super().__init__(message)
        self.file = file


def _imported(path: str) -> Any:
    try:
        return import_path(path)
    except (ImportError, ValueError) as exc:
        raise ImportError(f"{path!r} is not importable here: {exc}") from exc


# -- describing ----------------------------------------------------------------------------------


def describe(file: Any, *, force: bool = False, generator_id: str | None = None) -> dict[str, Any]:
    """The payload of cache file ``file``; ``generator_id`` saves looking the generator up."""
    generator = file.generator
    payload: dict[str, Any] = {"version": PAYLOAD_VERSION}
    payload.update(describe_generator(generator, generator_id))
    payload["source"] = describe_source(getattr(generator, "source", None))
    payload["cachefile"] = file.name
    payload["force"] = bool(force)
    try:
        json.dumps(payload)
    except (TypeError, ValueError) as exc:
        raise PayloadError(
            f"the payload for {file.name!r} is not plain JSON ({exc}); a generator's "
            "get_generator_kwargs() must return JSON types only"
        ) from exc
    return payload


def describe_generator(generator: Any, generator_id: str | None = None) -> dict[str, Any]:
    """``{"generator_id": ...}`` or ``{"generator_path": ...}``, with any ``generator_kwargs``."""
    cls = type(generator)
    described: dict[str, Any] = {}
    generator_id = generator_id or cls.__dict__.get("_ik_generator_id")
    generator_id = generator_id or generator_registry.id_of(cls)
    if generator_id is not None:
        described["generator_id"] = generator_id
    else:
        path = f"{cls.__module__}.{cls.__qualname__}"
        try:
            importable = _imported(path) is cls
        except ImportError:
            importable = False
        if not importable:
            raise PayloadError(
                f"{path} is neither registered (ik_host.generators, imagekit.register.generator "
                "in Django) nor importable by that path, so another process cannot make it"
            )
        described["generator_path"] = path
    get_kwargs = getattr(generator, "get_generator_kwargs", None)
    kwargs = dict(get_kwargs()) if get_kwargs is not None else {}
    if kwargs:
        described["generator_kwargs"] = kwargs
    return described


def describe_source(source: Any) -> dict[str, Any] | None:
    """How another process finds ``source``; ``PayloadError`` when it cannot (in memory)."""
    if source is None:
        return None
    if isinstance(source, (str, os.PathLike)):
        path = os.fspath(source)
        return {"path": os.path.abspath(path), "name": path}
    name = source_name(source)
    if not name:
        raise PayloadError(f"the source {source!r} has no name, so no other process can find it")
    reference = get_plugin_manager().hook.ik_describe_source(source=source)
    if reference is not None:
        return dict(reference)
    local = _local_path(source, name)
    if local is not None:
        return {"path": local, "name": name}
    raise PayloadError(
        f"the source {name!r} ({type(source).__name__}) is neither a file a plugin can describe "
        "(a model's file, a file in a shared storage), nor a local file; it cannot leave this "
        "process"
    )


def _local_path(source: Any, name: str) -> str | None:
    """The absolute path of ``source`` on this machine's disk, if it is a file there."""
    storage = getattr(source, "storage", None)
    if storage is not None:
        try:
            path = storage.path(name)
        except (AttributeError, NotImplementedError):
            path = None
        if path is not None and os.path.isfile(path):
            return os.path.abspath(path)
    # Only a plain attribute: on a Django FieldFile, ``file`` is a property that opens the file.
    inner = getattr(getattr(source, "__dict__", {}).get("file"), "name", None)
    for candidate in (name, inner if isinstance(inner, str) else None):
        if candidate and os.path.isfile(candidate):
            return os.path.abspath(candidate)
    return None


# -- rebuilding ----------------------------------------------------------------------------------


class LazySource:
    """A source known by the name the requester used, opened (by ``opener``) only when read.

    A binary file-like object: ``open()`` (re)opens it; reads, seeks and the rest of the file
    API (``readline``, ``readinto``...) go to the open file, opening it first.
    """

    def __init__(self, name: str, opener: Callable[[], IO[bytes]]) -> None:
        self.name = name
        self.file: IO[bytes] | None = None
        self._opener = opener

    @property
    def closed(self) -> bool:
        return self.file is None or self.file.closed

    def open(self, mode: str = "rb") -> LazySource:
        if self.closed:
            self.file = self._opener()
        else:
            self.seek(0)
        return self

    def _opened(self) -> IO[bytes]:
        if self.closed:
            self.open()
        assert self.file is not None  # opened just above
        return self.file

    def read(self, size: int = -1) -> bytes:
        return self._opened().read(size)

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        return self._opened().seek(offset, whence)

    def tell(self) -> int:
        return self._opened().tell()

    def seekable(self) -> bool:
        return self._opened().seekable()

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):  # copy and pickle probe before __init__ has run
            raise AttributeError(name)
        return getattr(self._opened(), name)

    def close(self) -> None:
        if self.file is not None:
            self.file.close()
            self.file = None

    def __enter__(self) -> LazySource:
        return self.open()

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<LazySource {self.name!r}>"


def open_source(ref: Mapping[str, Any]) -> Any:
    """The source ``ref`` (a payload's ``"source"``) stands for, reopened in this process."""
    source = get_plugin_manager().hook.ik_open_source(ref=dict(ref))
    if source is not None:
        return source
    if "path" in ref:
        path = ref["path"]
        return LazySource(ref["name"], lambda: open(path, "rb"))
    raise PayloadError(
        f"no plugin here can open the payload's source {dict(ref)!r}: is the plugin that "
        "described it (the Django app, for a model's file or a storage) installed and set up?"
    )


def rebuild(
    payload: Mapping[str, Any],
    *,
    check_name: bool = True,
    opener: Callable[[Mapping[str, Any]], Any] = open_source,
) -> Any:
    """The cache file ``payload`` describes, its source reopened by ``opener``. Raises
    ``SourceGone`` when its source no longer exists, ``CacheFileNameMismatch`` when the rebuilt
    name is not the payload's (unless ``check_name`` is false)."""
    version = payload.get("version")
    if version != PAYLOAD_VERSION:
        raise PayloadError(
            f"payload version {version!r} is not understood here (this code reads version "
            f"{PAYLOAD_VERSION}); run the same version of ik-host everywhere"
        )
    kwargs = dict(payload.get("generator_kwargs") or {})
    source_ref = payload.get("source")
    if source_ref is not None:
        kwargs["source"] = opener(source_ref)
    if "generator_id" in payload:
        try:
            factory = generator_registry.get_class(payload["generator_id"])
        except NotRegistered as exc:
            raise PayloadError(
                f"{exc} Does this process register the same generators as the requester?"
            ) from exc
        generator = factory(**kwargs)
    elif "generator_path" in payload:
        try:
            generator = _imported(payload["generator_path"])(**kwargs)
        except ImportError as exc:
            raise PayloadError(f"the payload's generator: {exc}") from exc
    else:
        raise PayloadError(f"the payload names no generator: {dict(payload)!r}")
    hook = get_plugin_manager().hook.ik_cachefile_for_payload
    file = hook(generator=generator)
    if file is None:  # not ``or``: a cache file's truth asks whether it exists
        file = CacheFile(generator)
    expected = payload.get("cachefile")
    if check_name and expected is not None and file.name != expected:
        raise CacheFileNameMismatch(
            f"this process names the cache file {file.name!r}, the requester named it "
            f"{expected!r}: do both run the same code and IMAGEKIT_* settings (or Config)?",
            file,
        )
    return file


def prepare_worker() -> None:
    """Let every plugin ready this process for work (the Django app sets Django up)."""
    get_plugin_manager().hook.ik_prepare_worker()


# -- generating here -----------------------------------------------------------------------------


def generate_here(file: Any, force: bool = False) -> str:
    """Make ``file`` in this process, whichever backend it names: ``EXISTED`` or ``GENERATED``.

    Backends that make files on request (``ImmediateBackend``: the ``CachedFileBackend`` family,
    deferring ones included) make it through their single-flight ``generate_now``; others are
    asked to ``generate``.
    """
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
    if state is CacheFileState.DOES_NOT_EXIST:
        return False  # an answer from the storage itself (or one about to be)
    # Scheduled, failed or generating: states that say nothing of the storage. Ask it.
    if file.storage.exists(file.name):
        set_record = getattr(backend, "set_record", None)
        if set_record is not None:
            set_record(file, StateRecord(CacheFileState.EXISTS))
        return True
    return False


__all__ = [
    "EXISTED",
    "GENERATED",
    "PAYLOAD_VERSION",
    "CacheFileNameMismatch",
    "LazySource",
    "PayloadError",
    "SourceGone",
    "cachefile_exists",
    "describe",
    "describe_generator",
    "describe_source",
    "generate_here",
    "open_source",
    "prepare_worker",
    "rebuild",
]

"""Cache files described as plain JSON, and rebuilt from it in another process.

``generateimages --jobs`` hands such descriptions to its worker processes; the async
cache-file backends (``ik-backends-async``) put them on their queues. A payload names the
generator, its source and the cache file, with JSON types only (no pickle: every queue's
default serializer carries it)::

    {"version": 1,
     "generator_id": "myapp:profile:avatar_thumbnail",
     "source": {"model": "myapp.profile", "pk": 7, "field": "avatar", "name": "avatars/a.jpg"},
     "cachefile": "CACHE/images/avatars/a/5f1c0e....jpg",
     "force": false}

The generator is its registered id, or (for an unregistered class) ``"generator_path"``, its
importable path; ``"generator_kwargs"`` holds arguments besides the source, from the
generator's ``get_generator_kwargs()`` when it has one. The source is one of:

- a model's file field, ``{"model", "pk", "field", "name"}``: the row is read again, so specs
  that look at their model (``get_field_info``) see it;
- a file in a storage, ``{"storage", "name"}``: a ``STORAGES`` alias or, for a storage that
  can be deconstructed, ``{"class", "args", "kwargs"}``;
- a file on the local disk, ``{"path", "name"}``;
- ``null`` for generators without a source.

``"name"`` is always the name the requester knew the source by, so the rebuilt spec computes the
same cache-file name; ``rebuild`` checks that it does.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import IO, Any

from django.apps import apps
from django.core.files import File
from django.core.files.storage import default_storage, storages
from django.utils.module_loading import import_string

from ik_host.errors import IKError
from ik_host.paths import source_name
from ik_host.state import CacheFileState, StateRecord
from imagekit.cachefiles import ImageCacheFile
from imagekit.registry import generator_registry

PAYLOAD_VERSION = 1

# What ``generate_here`` did.
GENERATED = "generated"
EXISTED = "existed"


class PayloadError(IKError):
    """A cache file cannot be described as a payload, or a payload cannot be rebuilt."""


class SourceGone(PayloadError):
    """The model row a payload's source belongs to no longer exists: nothing to make."""


class CacheFileNameMismatch(PayloadError):
    """The rebuilt cache file is not the one the requester named (code or settings differ)."""

    def __init__(self, message: str, file: Any) -> None:
        super().__init__(message)
        self.file = file


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
    generator_id = generator_id or cls.__dict__.get("_ik_generator_id") or _registered_id(cls)
    if generator_id is not None:
        described["generator_id"] = generator_id
    else:
        path = f"{cls.__module__}.{cls.__qualname__}"
        try:
            importable = import_string(path) is cls
        except ImportError:
            importable = False
        if not importable:
            raise PayloadError(
                f"{path} is neither registered (imagekit.register.generator) nor importable "
                "by that path, so another process cannot make it"
            )
        described["generator_path"] = path
    get_kwargs = getattr(generator, "get_generator_kwargs", None)
    kwargs = dict(get_kwargs()) if get_kwargs is not None else {}
    if kwargs:
        described["generator_kwargs"] = kwargs
    return described


def _registered_id(cls: type) -> str | None:
    for generator_id in generator_registry.get_ids():
        if generator_registry.get_class(generator_id) is cls:
            return generator_id
    return None


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
    model_ref = _model_reference(source, name)
    if model_ref is not None:
        return model_ref
    storage = getattr(source, "storage", None)
    if storage is not None:
        reference = storage_reference(storage)
        if reference is not None:
            return {"storage": reference, "name": name}
        local = _storage_path(storage, name)
        if local is not None:
            return {"path": local, "name": name}
    for candidate in (name, _inner_file_name(source)):
        if candidate and os.path.isfile(candidate):
            return {"path": os.path.abspath(candidate), "name": name}
    raise PayloadError(
        f"the source {name!r} ({type(source).__name__}) is neither a model's file, nor in a "
        "storage another process can open, nor a local file; it cannot leave this process"
    )


def _model_reference(source: Any, name: str) -> dict[str, Any] | None:
    instance = getattr(source, "instance", None)
    field = getattr(source, "field", None)
    meta = getattr(instance, "_meta", None)
    if meta is None or field is None or getattr(instance, "pk", None) is None:
        return None
    pk = instance.pk
    if not isinstance(pk, (int, str)):
        pk = str(pk)  # a UUID, say; the field turns it back on the other side
    return {"model": meta.label_lower, "pk": pk, "field": field.name, "name": name}


def storage_reference(storage: Any) -> str | dict[str, Any] | None:
    """A ``STORAGES`` alias for ``storage``, else its deconstruction if that is plain JSON."""
    if storage is default_storage or storage is getattr(default_storage, "_wrapped", None):
        return "default"
    for alias in storages.backends:
        try:
            if storages[alias] is storage:
                return alias
        except Exception:  # a misconfigured alias is not this storage; ignore it here
            continue
    deconstruct = getattr(storage, "deconstruct", None)
    if deconstruct is None:
        return None
    path, args, kwargs = deconstruct()
    reference = {"class": path, "args": list(args), "kwargs": dict(kwargs)}
    try:
        json.dumps(reference)
    except (TypeError, ValueError):
        return None
    return reference


def _storage_path(storage: Any, name: str) -> str | None:
    try:
        path = storage.path(name)
    except (AttributeError, NotImplementedError):
        return None
    return path if os.path.isfile(path) else None


def _inner_file_name(source: Any) -> str | None:
    # Only a plain attribute: on a FieldFile, ``file`` is a property that opens the file.
    inner = getattr(source, "__dict__", {}).get("file")
    name = getattr(inner, "name", None)
    return name if isinstance(name, str) else None


# -- rebuilding ----------------------------------------------------------------------------------


class LazySource(File):
    """A source known by the name the requester used, opened only when read.

    A Django ``File`` (reads, seeks and lines go to the open file) that ``open()`` opens with
    ``opener`` rather than by its name, which is not a path here.
    """

    def __init__(self, name: str, opener: Callable[[], IO[bytes]], storage: Any = None) -> None:
        super().__init__(None, name)
        self.storage = storage
        self._opener = opener

    def open(self, mode: str = "rb") -> LazySource:
        if self.closed:
            self.file = self._opener()
        else:
            self.seek(0)
        return self

    def __repr__(self) -> str:
        return f"<LazySource {self.name!r}>"


class Rebuilder:
    """Rebuilds cache files from payloads, reading each model row and storage once."""

    def __init__(self) -> None:
        self._rows: dict[tuple[str, Any], Any] = {}
        self._storages: dict[str, Any] = {}

    def prefetch(self, payloads: Iterable[Mapping[str, Any]]) -> None:
        """Read the rows of every model source in ``payloads``, one query per model."""
        wanted: dict[str, set[Any]] = defaultdict(set)
        for payload in payloads:
            source = payload.get("source") or {}
            if "model" in source:
                model = self._model(source["model"])
                wanted[source["model"]].add(model._meta.pk.to_python(source["pk"]))
        for label, pks in wanted.items():
            pks -= {pk for (known, pk) in self._rows if known == label}
            if not pks:
                continue
            found = self._model(label)._base_manager.in_bulk(list(pks))
            for pk in pks:
                self._rows[(label, pk)] = found.get(pk)

    def cachefile(self, payload: Mapping[str, Any], *, check_name: bool = True) -> ImageCacheFile:
        """The cache file ``payload`` describes. Raises ``SourceGone`` when its model row is
        gone, ``CacheFileNameMismatch`` when the rebuilt name is not the payload's."""
        version = payload.get("version")
        if version != PAYLOAD_VERSION:
            raise PayloadError(
                f"payload version {version!r} is not understood here (this code reads version "
                f"{PAYLOAD_VERSION}); run the same version of ik-django everywhere"
            )
        kwargs = dict(payload.get("generator_kwargs") or {})
        source_ref = payload.get("source")
        if source_ref is not None:
            kwargs["source"] = self.source(source_ref)
        if "generator_id" in payload:
            generator = generator_registry.get(payload["generator_id"], **kwargs)
        elif "generator_path" in payload:
            generator = import_string(payload["generator_path"])(**kwargs)
        else:
            raise PayloadError(f"the payload names no generator: {dict(payload)!r}")
        file = ImageCacheFile(generator)
        expected = payload.get("cachefile")
        if check_name and expected is not None and file.name != expected:
            raise CacheFileNameMismatch(
                f"this process names the cache file {file.name!r}, the requester named it "
                f"{expected!r}: do both run the same code and IMAGEKIT_* settings?",
                file,
            )
        return file

    def source(self, ref: Mapping[str, Any]) -> Any:
        name = ref["name"]
        if "model" in ref:
            return self._field_file(ref)
        if "storage" in ref:
            storage = self._storage(ref["storage"])
            return LazySource(name, lambda: storage.open(name, "rb"), storage)
        if "path" in ref:
            path = ref["path"]
            return LazySource(name, lambda: open(path, "rb"))
        raise PayloadError(f"the payload's source says neither model, storage nor path: {ref!r}")

    def _model(self, label: str) -> Any:
        try:
            return apps.get_model(label)
        except (LookupError, ValueError) as exc:
            raise PayloadError(f"the payload's model {label!r} is not installed here") from exc

    def _field_file(self, ref: Mapping[str, Any]) -> Any:
        label = ref["model"]
        model = self._model(label)
        pk = model._meta.pk.to_python(ref["pk"])
        if (label, pk) not in self._rows:
            self._rows[(label, pk)] = model._base_manager.filter(pk=pk).first()
        instance = self._rows[(label, pk)]
        if instance is None:
            raise SourceGone(f"{model._meta.label} {pk!r} no longer exists")
        field = model._meta.get_field(ref["field"])
        current = getattr(instance, field.attname)
        if current.name == ref["name"]:
            return current
        # The row now holds another file; make what was asked for, from the file asked for.
        return field.attr_class(instance, field, ref["name"])

    def _storage(self, ref: str | Mapping[str, Any]) -> Any:
        key = ref if isinstance(ref, str) else json.dumps(ref, sort_keys=True)
        if key not in self._storages:
            if isinstance(ref, str):
                self._storages[key] = storages[ref]
            else:
                cls = import_string(ref["class"])
                self._storages[key] = cls(*ref.get("args", ()), **ref.get("kwargs", {}))
        return self._storages[key]


def rebuild(payload: Mapping[str, Any], *, check_name: bool = True) -> ImageCacheFile:
    """The cache file ``payload`` describes (see ``Rebuilder.cachefile``)."""
    return Rebuilder().cachefile(payload, check_name=check_name)


# -- generating here -----------------------------------------------------------------------------


def generate_here(file: Any, force: bool = False) -> str:
    """Make ``file`` in this process, whichever backend it names: ``EXISTED`` or ``GENERATED``.

    Backends that keep states (the ``CachedFileBackend`` family, deferring ones included)
    generate through their single-flight ``generate_now``; others are asked to ``generate``.
    """
    backend = file.cachefile_backend
    if not force and cachefile_exists(file):
        return EXISTED
    generate_now = getattr(backend, "generate_now", None)
    if generate_now is None:
        file.generate(force=force)
        return GENERATED
    if force and hasattr(file, "_replace_existing"):
        file._replace_existing = True  # an ImageCacheFile deletes the old file just before saving
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
    "Rebuilder",
    "SourceGone",
    "cachefile_exists",
    "describe",
    "describe_generator",
    "describe_source",
    "generate_here",
    "rebuild",
    "storage_reference",
]

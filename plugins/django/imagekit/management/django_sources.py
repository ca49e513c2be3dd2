"""Django's sources in the host's payloads (``ik_host.payloads``).

The payload protocol (describe a cache file as plain JSON, rebuild it in another process) is the
host's, so a worker without Django can use it. This module teaches it Django's sources, through
the hooks this app answers (``imagekit.django_hooks``):

- a model's file field, ``{"model", "pk", "field", "name"}``: the row is read again, so specs
  that look at their model (``get_field_info``) see it;
- a file in a Django storage, ``{"storage", "name"}``: a ``STORAGES`` alias or, for a storage
  that can be deconstructed, ``{"class", "args", "kwargs"}``.

``Rebuilder`` reads each model row and storage once for many payloads (``generateimages
--jobs``); describing and rebuilding are the host's (``ik_host.payloads``), making is the
defaults' (``ik_defaults.make_here``).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import IO, Any

from django.apps import apps
from django.core.files import File
from django.core.files.storage import default_storage, storages

from ik_host import payloads as host
from ik_host.paths import source_name
from ik_host.payloads import PayloadError, SourceGone
from ik_host.registry import import_path
from imagekit.cachefiles import ImageCacheFile
from imagekit.settings_config import settings_available

# -- describing ----------------------------------------------------------------------------------


def django_reference(source: Any) -> dict[str, Any] | None:
    """A model's file field by its row, a file in a Django storage by the storage; else None
    (a path or a local file is the defaults' to describe)."""
    name = source_name(source)
    if not name:
        return None
    model_ref = _model_reference(source, name)
    if model_ref is not None:
        return model_ref
    storage = getattr(source, "storage", None)
    if storage is None or not settings_available():
        return None
    reference = storage_reference(storage)
    return None if reference is None else {"storage": reference, "name": name}


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


# -- rebuilding ----------------------------------------------------------------------------------


class LazySource(File):
    """A file of a Django storage, known by the name the requester used, opened only when read.

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


def is_django_reference(ref: Mapping[str, Any]) -> bool:
    return "model" in ref or "storage" in ref


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
                label = source["model"]
                pk = self._model(label)._meta.pk.to_python(source["pk"])
                if (label, pk) not in self._rows:
                    wanted[label].add(pk)
        for label, pks in wanted.items():
            found = self._model(label)._base_manager.in_bulk(list(pks))
            for pk in pks:
                self._rows[(label, pk)] = found.get(pk)

    def cachefile(self, payload: Mapping[str, Any], *, check_name: bool = True) -> ImageCacheFile:
        """The cache file ``payload`` describes. Raises ``SourceGone`` when its model row is
        gone, ``CacheFileNameMismatch`` when the rebuilt name is not the payload's."""
        return host.rebuild(payload, check_name=check_name, opener=self.source)

    def source(self, ref: Mapping[str, Any]) -> Any:
        """The source ``ref`` stands for: Django's here, any other through the host's hooks (a
        local file: the defaults')."""
        if "model" in ref:
            return self._field_file(ref)
        if "storage" in ref:
            name = ref["name"]
            storage = self._storage(ref["storage"])
            return LazySource(name, lambda: storage.open(name, "rb"), storage)
        return host.open_source(ref)

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
                cls = import_path(ref["class"])
                self._storages[key] = cls(*ref.get("args", ()), **ref.get("kwargs", {}))
        return self._storages[key]


def rebuild(payload: Mapping[str, Any], *, check_name: bool = True) -> ImageCacheFile:
    """The cache file ``payload`` describes (see ``Rebuilder.cachefile``)."""
    return Rebuilder().cachefile(payload, check_name=check_name)

"""Django storages as the host sees them: how to save a cache file into one, and whether its
URLs can be remembered. Answered to the host through ``django_hooks``."""

from __future__ import annotations

import os
import posixpath
import uuid
from typing import Any

from django.core.files.storage import FileSystemStorage


def writes_in_place(storage: Any) -> bool:
    """Whether ``storage`` saves as Django's ``FileSystemStorage`` does: in place, under the
    name given (or a free variant of it). A subclass choosing names or writing its own way is
    left to do so."""
    cls = storage.__class__  # not type(): default_storage is a LazyObject standing for one
    return isinstance(storage, FileSystemStorage) and all(
        getattr(cls, method) is getattr(FileSystemStorage, method)
        for method in ("save", "_save", "get_available_name")
    )


def has_pure_urls(storage_class: type) -> bool:
    """Whether the URLs of ``storage_class`` are Django's ``FileSystemStorage.url``: a pure
    function of ``base_url`` and the name (not signed, not expiring)."""
    if not issubclass(storage_class, FileSystemStorage):
        return False
    return storage_class.url is FileSystemStorage.url


def save_atomically(
    storage: FileSystemStorage, name: str, content: Any, replace: bool = False
) -> str:
    """Save ``content`` as ``name`` in a Django ``FileSystemStorage`` so that it appears whole;
    returns the name saved under.

    Django's ``FileSystemStorage`` writes in place: a reader could see half a file, and a write
    that fails midway would leave that half behind, to be served as if complete. The storage
    writes a temporary file in the same directory instead (with its own permissions and
    directory handling), which then appears as ``name`` in one step. With ``replace`` it is
    renamed over an existing file; otherwise, as the storage itself would, a taken name is left
    alone and the file saved under a free variant of it.
    """
    temp_name = posixpath.join(posixpath.dirname(name), f".ik-{uuid.uuid4().hex}.part")
    try:
        saved = storage.save(temp_name, content)
        if replace:
            os.replace(storage.path(saved), storage.path(name))
            return name
        return _link_under_free_name(storage, saved, name)
    finally:
        storage.delete(temp_name)  # gone after a rename; a FileSystemStorage does not mind


def _link_under_free_name(storage: FileSystemStorage, saved: str, name: str) -> str:
    # A hard link fails rather than replace, so no other writer's file is overwritten.
    candidate = name
    for _ in range(100):
        try:
            os.link(storage.path(saved), storage.path(candidate))
            return candidate
        except FileExistsError:
            candidate = storage.get_available_name(name)
        except OSError:  # no hard links here (some network or FUSE file systems)
            if storage.exists(candidate):
                candidate = storage.get_available_name(name)
            os.replace(storage.path(saved), storage.path(candidate))
            return candidate
    raise FileExistsError(f"no free name like {name!r} in {storage!r}")

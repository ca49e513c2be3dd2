"""Cache files as Django Files: ``ImageCacheFile`` and ``LazyImageCacheFile``.

The host's ``CacheFile`` does the work (naming, state, generation through the backend, the
storage calls); this module makes it a Django ``ImageFile`` and routes the strategy's events
through Django signals, so a project can listen to them.
"""

from __future__ import annotations

import copy
import os
import posixpath
import uuid
from typing import Any

from django.core.files.images import ImageFile
from django.core.files.storage import FileSystemStorage
from django.db.models.fields.files import FieldFile
from django.utils.functional import SimpleLazyObject, empty

from ik_host.cachefile import CacheFile
from ik_host.config import get_config
from ik_host.errors import MissingSource
from ik_host.memo import ClearingMemo
from imagekit.registry import generator_registry
from imagekit.signals import content_required, existence_required


def _has_no_source(generator: Any) -> bool:
    """A spec made from an empty file field (nothing uploaded yet) has no file to make."""
    if not hasattr(generator, "source"):
        return False
    source = generator.source
    return source is None or (isinstance(source, FieldFile) and not source)


class ImageCacheFile(CacheFile, ImageFile):
    """The generated image of ``generator``, usable wherever Django expects an image file.

    ``url``, ``path``, ``width``, ``height``, ``size``, ``read()``, ``chunks()``... behave as on a
    stored file, making it first when the strategy says so. It is falsy while the file does not
    exist (e.g. an asynchronous backend has not made it yet) and when the spec has no source.
    """

    def __init__(
        self,
        generator: Any,
        name: str | None = None,
        storage: Any = None,
        cachefile_backend: Any = None,
        cachefile_strategy: Any = None,
    ) -> None:
        # Django's File.__init__ would assign ``file`` and ``name``: both are computed here.
        CacheFile.__init__(self, generator, name, storage, cachefile_backend, cachefile_strategy)
        self._replace_existing = False

    # The generator, rebound on first use to the source a copy was made for (see read_from).

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

    def read_from(self, source: Any) -> None:
        """Generate from ``source`` (the same stored file as the generator's source, in another
        file object): a copy of a kept cache file, used by one render, in one thread, must not
        read the file object of the render it was copied from. The generator is copied only if
        it is used, which a file that exists never needs."""
        self._reads_from = source

    @property
    def name(self) -> str | None:  # type: ignore[override]
        if self._name is None and _has_no_source(self.generator):
            return None
        return CacheFile.name.fget(self)

    @name.setter
    def name(self, value: str) -> None:
        self._name = value
        self._resolved.pop("url", None)

    def __repr__(self) -> str:
        if self._name is None and _has_no_source(self.generator):
            return f"<{type(self).__name__}: None>"  # no source: there is no name to compute
        return super().__repr__()

    def _check_source(self) -> None:
        if self._name is None and self.name is None:
            raise MissingSource(
                f"{type(self.generator).__name__} has no source image (the field is empty), "
                "so there is no cache file to use"
            )

    # The strategy is told directly (the host's way); the signals are sent only when a project
    # listens to them, since dispatching costs more than the rest of a warm access.

    def _require_existence(self) -> None:
        self._check_source()
        super()._require_existence()
        if existence_required.receivers:
            existence_required.send(sender=type(self), file=self)

    def _require_content(self) -> None:
        self._check_source()
        super()._require_content()
        if content_required.receivers:
            content_required.send(sender=type(self), file=self)

    def generate(self, force: bool = False) -> Any:
        # Django storages never overwrite: given a taken name they save under another one. A
        # forced regeneration must replace the file, so _store removes it just before saving
        # (only then: an extra existence check on every generation would cost a round trip).
        self._check_source()  # no source: MissingSource, before the backend needs a name
        self._replace_existing = force
        return super().generate(force)

    def _store(self, storage: Any, name: str, content: Any) -> str:
        if writes_in_place(storage):
            return save_atomically(storage, name, content, replace=self._replace_existing)
        if self._replace_existing:
            storage.delete(name)
        return super()._store(storage, name, content)

    def resolve(self) -> None:
        super().resolve()
        if self.name is not None and has_pure_urls(self.storage):
            self._resolved["url"] = (get_config(), storage_url(self.storage, self.name))

    def _storage_url(self, storage: Any, name: str) -> str:
        # Known for the copies of a kept file (see resolve()), and remembered for the next
        # access to this one (a cache file lives for one access or one model instance), while
        # the configuration (MEDIA_URL, STORAGES...) stays the same.
        config = get_config()
        kept = self._resolved.get("url")
        if kept is not None and kept[0] is config:
            return kept[1]
        url = storage_url(storage, name)
        if has_pure_urls(storage):
            self._resolved["url"] = (config, url)
        return url

    @property
    def closed(self) -> bool:
        return self._file is None or bool(getattr(self._file, "closed", False))


def _with_source(generator: Any, source: Any) -> Any:
    """``generator`` reading ``source``: itself if it already does, else a copy that does."""
    if getattr(generator, "source", None) is source:
        return generator
    twin = copy.copy(generator)
    twin.source = source
    return twin


def writes_in_place(storage: Any) -> bool:
    """Whether ``storage`` saves as Django's ``FileSystemStorage`` does: in place, under the
    name given (or a free variant of it). A subclass choosing names or writing its own way is
    left to do so."""
    cls = storage.__class__  # not type(): default_storage is a LazyObject standing for one
    return isinstance(storage, FileSystemStorage) and all(
        getattr(cls, method) is getattr(FileSystemStorage, method)
        for method in ("save", "_save", "get_available_name")
    )


# URLs of FileSystemStorage files, by (base_url, name): Django's url() quotes and joins on
# every call, which costs as much as the rest of a warm access.
_FILESYSTEM_URLS: ClearingMemo[str] = ClearingMemo(8192)


def has_pure_urls(storage: Any) -> bool:
    """Whether ``storage``'s URLs are Django's ``FileSystemStorage.url``: a pure function of
    ``base_url`` and the name (not signed, not expiring)."""
    cls = storage.__class__  # not type(): default_storage is a LazyObject standing for one
    return issubclass(cls, FileSystemStorage) and cls.url is FileSystemStorage.url


def storage_url(storage: Any, name: str) -> str:
    """``storage.url(name)``, remembered for storages with ``has_pure_urls``."""
    if not has_pure_urls(storage):
        return storage.url(name)
    key = (storage.base_url, name)
    url = _FILESYSTEM_URLS.get(key)
    if url is None:
        url = _FILESYSTEM_URLS.keep(key, storage.url(name))
    return url


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


class LazyImageCacheFile(SimpleLazyObject):
    """The cache file of the generator registered as ``generator_id``, built on first use.

    ``LazyImageCacheFile('myapp:profile:avatar_thumbnail', source=source_file).generate()``
    """

    def __init__(self, generator_id: str, *args: Any, **kwargs: Any) -> None:
        def build() -> ImageCacheFile:
            return ImageCacheFile(generator_registry.get(generator_id, *args, **kwargs))

        super().__init__(build)
        self.__dict__["generator_id"] = generator_id

    def __repr__(self) -> str:
        # Shown as the cache file it stands for (as django-imagekit does): building it only
        # looks the generator up, and the file's repr computes no name.
        if self._wrapped is empty:
            self._setup()
        return repr(self._wrapped)


__all__ = ["ImageCacheFile", "LazyImageCacheFile"]

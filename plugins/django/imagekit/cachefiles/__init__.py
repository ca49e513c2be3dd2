"""Cache files as Django Files: ``ImageCacheFile`` and ``LazyImageCacheFile``.

The host's ``CacheFile`` does the work (naming, state, generation through the backend, the
storage calls); this module makes it a Django ``ImageFile``.
"""

from __future__ import annotations

from typing import Any

from django.core.files.images import ImageFile
from django.utils.functional import SimpleLazyObject, empty

from ik_host.cachefile import CacheFile
from imagekit.registry import generator_registry
from imagekit.signals import (
    cachefile_failed,
    cachefile_generated,
    content_required,
    existence_required,
)


class ImageCacheFile(CacheFile, ImageFile):
    """The generated image of ``generator``, usable wherever Django expects an image file.

    ``url``, ``path``, ``width``, ``height``, ``size``, ``read()``, ``chunks()``... behave as on a
    stored file, making it first when the strategy says so. It is falsy while the file does not
    exist (e.g. an asynchronous backend has not made it yet) and when the spec has no source.
    Everything is the host's ``CacheFile``; this class adds Django's ``File`` API. The app
    adapts Django's storages and signals to the host through hooks (``django_hooks``).
    """

    # CacheFile comes first so that its __init__ runs and Django's File.__init__ does not: that
    # one would assign ``file`` and ``name``, which CacheFile computes.

    @property
    def closed(self) -> bool:
        return self._file is None or bool(getattr(self._file, "closed", False))


_SIGNALS = {
    "on_existence_required": existence_required,
    "on_content_required": content_required,
    "generated": cachefile_generated,
    "failed": cachefile_failed,
}


def send_cachefile_signal(file: Any, event: str, **details: Any) -> None:
    """Send ``event``'s signal for ``file`` when a receiver listens (dispatching costs more than
    the rest of a warm access); the host calls it after the strategy and after each generation
    (``django_hooks``)."""
    signal = _SIGNALS[event]
    if signal.receivers:
        signal.send(sender=type(file), file=file, **details)


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

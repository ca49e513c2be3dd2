"""Generators this app registers itself: ``imagekit:thumbnail``, used by ``{% thumbnail %}``, and
``imagekit:picture``, by ``{% picture %}``.

Imported by ``ImagekitConfig.ready()``; an app may unregister and replace it in its own
``imagegenerators`` module.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from django.conf import settings

from ik_host.hashing import exact_key
from ik_processors_pilkit.pilkit_base import Anchor
from ik_processors_pilkit.pilkit_resize import Thumbnail as ThumbnailProcessor
from imagekit.registry import register
from imagekit.specs import ImageSpec

# A format argument left out, as opposed to None given.
_SETTING = object()


class Thumbnail(ImageSpec):
    """A thumbnail of ``source``: cropped to ``width`` x ``height`` when both are given (and
    ``crop`` is not False), else fitted inside them. See pilkit's ``Thumbnail`` processor.

    Without a ``format`` argument the format is ``IMAGEKIT_DEFAULT_THUMBNAIL_FORMAT`` (None, the
    default: the source's), as in django-imagekit.
    """

    def __init__(
        self,
        width: int | None = None,
        height: int | None = None,
        anchor: Any = None,
        crop: bool | None = None,
        upscale: bool | None = None,
        format: Any = _SETTING,
        **kwargs: Any,
    ) -> None:
        if format is _SETTING:
            format = getattr(settings, "IMAGEKIT_DEFAULT_THUMBNAIL_FORMAT", None)
        if anchor and anchor != ThumbnailProcessor.AUTO:
            # The processor, like pilkit's, checks an anchor only when it runs; a tag's anchor
            # is checked before anything is decoded, as its other arguments are.
            Anchor.get_tuple(anchor)
        self.processors = [
            ThumbnailProcessor(width, height, anchor=anchor, crop=crop, upscale=upscale)
        ]
        self.format = format
        self._arguments = (width, height, anchor, crop, upscale, format)
        # The processors are made from these arguments alone, so equal arguments give equal
        # hashes: a page of thumbnail tags hashes each size once, not once per render.
        # Typed: crop=0 and crop=False hash apart (django-imagekit pickles them apart).
        try:
            self._key: Hashable | None = (type(self), exact_key(self._arguments))
        except TypeError:  # e.g. an anchor given as a list
            self._key = None
        super().__init__(**kwargs)

    def hash_key(self) -> Hashable | None:
        return self._key


class PictureRendition(Thumbnail):
    """A rendition of ``{% picture %}``: a ``Thumbnail`` of a source first turned upright from
    its EXIF orientation (the engine's ``exif_transpose``), so a phone photo is not on its side
    and its width and height are the upright ones."""

    options = {"exif_transpose": True}


register.generator("imagekit:thumbnail", Thumbnail)
register.generator("imagekit:picture", PictureRendition)

__all__ = ["PictureRendition", "Thumbnail"]

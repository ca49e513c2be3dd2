"""Generators this app registers itself: ``imagekit:thumbnail``, used by ``{% thumbnail %}``.

Imported by ``ImagekitConfig.ready()``; an app may unregister and replace it in its own
``imagegenerators`` module.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from ik_processors_pilkit.resize import Thumbnail as ThumbnailProcessor
from imagekit.registry import register
from imagekit.specs import ImageSpec


class Thumbnail(ImageSpec):
    """A thumbnail of ``source``: cropped to ``width`` x ``height`` when both are given (and
    ``crop`` is not False), else fitted inside them. See pilkit's ``Thumbnail`` processor."""

    def __init__(
        self,
        width: int | None = None,
        height: int | None = None,
        anchor: Any = None,
        crop: bool | None = None,
        upscale: bool | None = None,
        format: str | None = None,
        **kwargs: Any,
    ) -> None:
        self.processors = [
            ThumbnailProcessor(width, height, anchor=anchor, crop=crop, upscale=upscale)
        ]
        self.format = format
        self._arguments = (width, height, anchor, crop, upscale, format)
        super().__init__(**kwargs)

    def hash_key(self) -> Hashable | None:
        # The processors are made from these arguments alone, so equal arguments give equal
        # hashes: a page of thumbnail tags hashes each size once, not once per render.
        try:
            hash(self._arguments)
        except TypeError:  # e.g. an anchor given as a list
            return None
        return (type(self), self._arguments)


register.generator("imagekit:thumbnail", Thumbnail)

__all__ = ["Thumbnail"]

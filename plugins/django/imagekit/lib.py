"""``imagekit.lib``: the Pillow modules django-imagekit code imports from here."""

from __future__ import annotations

from PIL import (
    Image,
    ImageChops,
    ImageColor,
    ImageDraw,
    ImageEnhance,
    ImageFile,
    ImageFilter,
    ImageOps,
    ImageStat,
)

__all__ = [
    "Image",
    "ImageChops",
    "ImageColor",
    "ImageDraw",
    "ImageEnhance",
    "ImageFile",
    "ImageFilter",
    "ImageOps",
    "ImageStat",
]

"""``imagekit.models``: ``ImageSpecField`` and ``ProcessedImageField``, and the app's one model,
``CacheFileRecord`` (the persistent record of every cache file)."""

from __future__ import annotations

from imagekit.models.cachefile_records import CacheFileRecord
from imagekit.models.fields import ImageSpecField, ProcessedImageField

__all__ = ["CacheFileRecord", "ImageSpecField", "ProcessedImageField"]

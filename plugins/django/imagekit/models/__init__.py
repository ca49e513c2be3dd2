"""``imagekit.models``: ``ImageSpecField`` and ``ProcessedImageField``. The app has no models."""

from __future__ import annotations

from imagekit.models.fields import ImageSpecField, ProcessedImageField

__all__ = ["ImageSpecField", "ProcessedImageField"]

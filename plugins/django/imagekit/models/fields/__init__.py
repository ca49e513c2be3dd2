"""``imagekit.models.fields``: the model fields (the path migrations refer to)."""

from __future__ import annotations

from imagekit.models.fields.processed_field import ProcessedImageField, ProcessedImageFieldFile
from imagekit.models.fields.spec_field import ImageSpecField, ImageSpecFileDescriptor

__all__ = [
    "ImageSpecField",
    "ImageSpecFileDescriptor",
    "ProcessedImageField",
    "ProcessedImageFieldFile",
]

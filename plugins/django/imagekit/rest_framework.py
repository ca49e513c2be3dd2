"""``PictureField``: a Django REST framework serializer field for an ``ImageSpecField`` or a
picture of an image field (``pip install ik-django[drf]``), with its OpenAPI schema when
drf-spectacular is installed.

::

    class PhotoSerializer(serializers.ModelSerializer):
        thumbnail = PictureField()                                   # an ImageSpecField
        picture = PictureField("640x480", source="original", formats="avif webp")

Each gives ``{"url", "width", "height", "placeholder", "sources": {mime: [{"url", "width"}]}}``
(null for an empty image), URLs absolute when the serializer has the request.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from ik_pictures.picture_json import (
    PICTURE_SCHEMA,
    cachefile_json,
    picture_json,
    placeholder_json,
)
from imagekit.picture_sets import django_picture_set
from imagekit.templatetags._html import dimensions


class PictureField(serializers.Field):
    """Read-only. Without ``size``, the attribute is a cache file (an ``ImageSpecField``) and
    ``sources`` holds that one file; with ``size`` (``'640x480'``), the attribute is an image
    field's file and the field gives its picture set, as ``{% picture %}`` makes it."""

    def __init__(
        self,
        size: str | None = None,
        *,
        generator: str | None = None,
        widths: Any = None,
        formats: Any = None,
        placeholder: str | None = None,
        options: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs["read_only"] = True
        super().__init__(**kwargs)
        self.size = size
        self.picture_arguments = {
            "generator_id": generator,
            "widths": widths,
            "formats": formats,
            "placeholder": placeholder,
            "options": options,
        }

    def to_representation(self, value: Any) -> dict[str, Any] | None:
        if not getattr(value, "name", None):
            return None  # an empty image field, or a spec field without a source
        if self.size is None:
            return cachefile_json(value, dimensions(value), self._absolute)
        pictures = django_picture_set(value, self.size, **self.picture_arguments)
        return picture_json(pictures, self._absolute)

    def _absolute(self, url: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url


try:
    from drf_spectacular.utils import extend_schema_field
except ImportError:  # the schema is drf-spectacular's to give; the field works without it
    pass
else:
    PictureField = extend_schema_field(PICTURE_SCHEMA)(PictureField)  # type: ignore[misc]

__all__ = ["PICTURE_SCHEMA", "PictureField", "placeholder_json"]

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

import os
from typing import Any

from rest_framework import serializers

from ik_host.errors import IKError
from ik_host.formats import extension_to_format, format_to_mimetype
from ik_host.placeholder_values import PLACEHOLDER_KINDS, Placeholder
from ik_pictures.pictures import Candidate, PictureSet
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
            return self._of_cache_file(value)
        return self._of_picture(django_picture_set(value, self.size, **self.picture_arguments))

    def _of_cache_file(self, file: Any) -> dict[str, Any]:
        url = self._absolute(file.url)
        width, height = dimensions(file)
        mime = _mime_of(file.name)
        return {
            "url": url,
            "width": width,
            "height": height,
            "placeholder": placeholder_json(getattr(file, "placeholder", None)),
            "sources": {mime: [{"url": url, "width": width}]},
        }

    def _of_picture(self, pictures: PictureSet) -> dict[str, Any]:
        sources = {mime: self._entries(candidates) for mime, candidates in pictures.sources.items()}
        sources[pictures.img.mime] = self._entries(pictures.img_srcset)
        return {
            "url": self._absolute(pictures.img.url),
            "width": pictures.width,
            "height": pictures.height,
            "placeholder": placeholder_json(pictures.placeholder),
            "sources": sources,
        }

    def _entries(self, candidates: list[Candidate]) -> list[dict[str, Any]]:
        return [{"url": self._absolute(each.url), "width": each.width} for each in candidates]

    def _absolute(self, url: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url


def placeholder_json(placeholder: Placeholder | None) -> dict[str, str] | None:
    """``{"kind", "value", "css"}``: the hash or colour, and the CSS background to show it."""
    if placeholder is None:
        return None
    return {"kind": placeholder.kind, "value": placeholder.value, "css": placeholder.css()}


def _mime_of(name: str) -> str:
    try:
        return format_to_mimetype(extension_to_format(os.path.splitext(name)[1]))
    except IKError:
        return "application/octet-stream"


_ENTRY = {
    "type": "object",
    "properties": {"url": {"type": "string", "format": "uri"}, "width": {"type": "integer"}},
    "required": ["url", "width"],
}
PICTURE_SCHEMA = {
    "type": "object",
    "nullable": True,
    "description": "An image in several formats and widths; null when there is no image.",
    "properties": {
        "url": {"type": "string", "format": "uri", "description": "the fallback rendition"},
        "width": {"type": "integer"},
        "height": {"type": "integer"},
        "placeholder": {
            "type": "object",
            "nullable": True,
            "properties": {
                "kind": {"type": "string", "enum": list(PLACEHOLDER_KINDS)},
                "value": {"type": "string"},
                "css": {"type": "string", "description": "a CSS background value"},
            },
            "required": ["kind", "value", "css"],
        },
        "sources": {
            "type": "object",
            "description": "by MIME type, the renditions made so far, widths ascending",
            "additionalProperties": {"type": "array", "items": _ENTRY},
        },
    },
    "required": ["url", "width", "height", "placeholder", "sources"],
}

try:
    from drf_spectacular.utils import extend_schema_field
except ImportError:  # the schema is drf-spectacular's to give; the field works without it
    pass
else:
    PictureField = extend_schema_field(PICTURE_SCHEMA)(PictureField)  # type: ignore[misc]

__all__ = ["PICTURE_SCHEMA", "PictureField", "placeholder_json"]

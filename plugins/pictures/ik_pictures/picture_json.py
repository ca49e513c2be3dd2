"""A picture set as JSON for APIs: ``{"url", "width", "height", "placeholder", "sources":
{mime: [{"url", "width"}]}}``, and its OpenAPI schema. Django REST framework's ``PictureField``
gives this shape; any other framework can give the same."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from ik_host.errors import IKError
from ik_host.formats import extension_to_format, format_to_mimetype
from ik_host.placeholder_values import PLACEHOLDER_KINDS, Placeholder
from ik_pictures.pictures import Candidate, PictureSet

# What a URL becomes in the JSON: itself, or absolute (a request's ``build_absolute_uri``).
UrlMaker = Callable[[str], str]


def picture_json(pictures: PictureSet, absolute: UrlMaker = str) -> dict[str, Any]:
    """The set's JSON; the img's family is listed among the sources with its own srcset."""

    def entries(candidates: list[Candidate]) -> list[dict[str, Any]]:
        return [{"url": absolute(each.url), "width": each.width} for each in candidates]

    sources = {mime: entries(candidates) for mime, candidates in pictures.sources.items()}
    sources[pictures.img.mime] = entries(pictures.img_srcset)
    return {
        "url": absolute(pictures.img.url),
        "width": pictures.width,
        "height": pictures.height,
        "placeholder": placeholder_json(pictures.placeholder),
        "sources": sources,
    }


def cachefile_json(file: Any, size: tuple[int, int], absolute: UrlMaker = str) -> dict[str, Any]:
    """One cache file (``size``: its width and height) in the same shape, as its one source."""
    url = absolute(file.url)
    width, height = size
    return {
        "url": url,
        "width": width,
        "height": height,
        "placeholder": placeholder_json(getattr(file, "placeholder", None)),
        "sources": {_mime_of(file.name): [{"url": url, "width": width}]},
    }


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

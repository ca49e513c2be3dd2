"""``imagekit.processors.utils``: pilkit's image helpers (from ``ik-processors-pilkit``)."""

from __future__ import annotations

from ik_processors_pilkit.pilkit_utils import (
    UnknownExtension,
    UnknownFormat,
    extension_to_format,
    format_to_extension,
    format_to_mimetype,
    image_to_bytes,
    img_to_fobj,
    open_image,
    save_image,
    suggest_extension,
)

__all__ = [
    "UnknownExtension",
    "UnknownFormat",
    "extension_to_format",
    "format_to_extension",
    "format_to_mimetype",
    "image_to_bytes",
    "img_to_fobj",
    "open_image",
    "save_image",
    "suggest_extension",
]

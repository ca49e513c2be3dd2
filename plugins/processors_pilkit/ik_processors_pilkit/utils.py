"""The image helpers pilkit users import from ``pilkit.utils``.

Opening, saving and the format tables have one implementation, in ``ik_host.imageio``; this
module only re-exports it under the names pilkit code expects.
"""

from __future__ import annotations

import io
from typing import Any

from PIL import Image

from ik_host.errors import UnknownExtension, UnknownFormat
from ik_host.imageio import (
    extension_to_format,
    format_to_extension,
    format_to_mimetype,
    image_to_bytes,
    open_image,
    save_image,
    suggest_extension,
)


def img_to_fobj(
    img: Image.Image, format: str, autoconvert: bool = True, **options: Any
) -> io.BytesIO:
    """pilkit's name for ``image_to_bytes``, with pilkit's argument order.

    pilkit took save options as keyword arguments and ``autoconvert`` third, where
    ``image_to_bytes`` takes an ``options`` dict third; a bare alias would read
    ``img_to_fobj(img, "JPEG", False)`` as options.
    """
    return image_to_bytes(img, format, options or None, autoconvert)


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

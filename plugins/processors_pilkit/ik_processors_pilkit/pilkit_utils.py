"""The image helpers pilkit users import from ``pilkit.utils``.

Opening and saving have one implementation, in ``pillow_io``, and the format lookups one, in
``ik_host.formats`` (over this plugin's ``ik_image_formats`` answer, Pillow's registry); this
module only re-exports them under the names pilkit code expects.
"""

from __future__ import annotations

import io
import mimetypes
import os
import sys
from typing import Any

from PIL import Image

from ik_host.errors import UnknownExtension, UnknownFormat
from ik_host.formats import (
    extension_to_format,
    format_to_extension,
    format_to_mimetype,
    normalize_format,
    suggest_extension,
)
from ik_processors_pilkit.pilkit_base import ProcessorPipeline
from ik_processors_pilkit.pillow_io import autoconvert_for, image_to_bytes, open_image, save_image

# Formats that keep a full alpha channel, and formats that keep one transparent palette index.
RGBA_TRANSPARENCY_FORMATS = ["PNG", "WEBP"]
PALETTE_TRANSPARENCY_FORMATS = ["PNG", "GIF"]
# The extension ``format_to_extension`` prefers where Pillow lists several.
DEFAULT_EXTENSIONS = {"JPEG": ".jpg", "PNG": ".png"}


def img_to_fobj(
    img: Image.Image, format: str, autoconvert: bool = True, **options: Any
) -> io.BytesIO:
    """pilkit's name for ``image_to_bytes``, with pilkit's argument order.

    pilkit took save options as keyword arguments and ``autoconvert`` third, where
    ``image_to_bytes`` takes an ``options`` dict third; a bare alias would read
    ``img_to_fobj(img, "JPEG", False)`` as options.
    """
    return image_to_bytes(img, format, options or None, autoconvert)


def extension_to_mimetype(ext: str | None) -> str | None:
    """``'.png'`` -> ``'image/png'``, from the ``mimetypes`` table; None when it has none."""
    return mimetypes.guess_type(f"file{ext or ''}")[0]


class FileWrapper:
    """A proxy for a file whose ``fileno()`` raises AttributeError when the file has none.

    Some encoders probe ``fileno`` and only expect AttributeError; in-memory files raise
    ``io.UnsupportedOperation`` instead.
    """

    def __init__(self, wrapped: Any) -> None:
        object.__setattr__(self, "_wrapped", wrapped)

    def fileno(self) -> int:
        try:
            return self._wrapped.fileno()
        except io.UnsupportedOperation as exc:
            raise AttributeError("fileno") from exc

    def __getattr__(self, name: str) -> Any:
        return getattr(self._wrapped, name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._wrapped, name, value)

    def __delattr__(self, name: str) -> None:
        delattr(self._wrapped, name)


class quiet:
    """Silences writes to the process's stderr (C libraries' chatter) inside the block.

    Does nothing where stderr has no file descriptor or the null device cannot be opened.
    """

    def __enter__(self) -> quiet:
        self._saved: int | None = None
        try:
            self._fd = sys.__stderr__.fileno()  # type: ignore[union-attr]
            null = os.open(os.devnull, os.O_RDWR)
        except (AttributeError, OSError, ValueError):
            return self
        try:
            self._saved = os.dup(self._fd)
            os.dup2(null, self._fd)
        except OSError:
            self._saved = None
        finally:
            os.close(null)
        return self

    def __exit__(self, *exc_info: Any) -> None:
        if self._saved is not None:
            os.dup2(self._saved, self._fd)
            os.close(self._saved)
            self._saved = None


def prepare_image(img: Image.Image, format: str) -> tuple[Image.Image, dict[str, Any]]:
    """``(image, save_options)``: ``img`` converted for ``format`` as ``save_image`` does, and
    the options that keep its transparency (and optimize JPEGs).

    RGBA saved as GIF becomes a palette image whose index 255 is transparent, for pixels
    more transparent than not.
    """
    fmt = normalize_format(format)
    options: dict[str, Any] = {}
    if fmt == "GIF" and img.mode == "RGBA":
        clear = img.getchannel("A").point(lambda a: 255 if a < 128 else 0)
        img = img.convert("RGB").convert("P", palette=Image.Palette.ADAPTIVE, colors=255)
        img.paste(255, mask=clear)
        options["transparency"] = 255
    else:
        img = autoconvert_for(img, fmt)
        if (
            fmt in PALETTE_TRANSPARENCY_FORMATS
            and img.mode == "P"
            and "transparency" in img.info
        ):
            options["transparency"] = img.info["transparency"]
    if fmt == "JPEG":
        options["optimize"] = True
    return img, options


def process_image(
    img: Image.Image,
    processors: Any = None,
    format: str | None = None,
    autoconvert: bool = True,
    options: dict[str, Any] | None = None,
) -> io.BytesIO:
    """``img`` run through ``processors`` and saved in ``format`` (else its own, else JPEG)."""
    original = img.format
    img = ProcessorPipeline(processors or []).process(img)
    format = format or img.format or original or "JPEG"
    return img_to_fobj(img, format, autoconvert, **(options or {}))


__all__ = [
    "DEFAULT_EXTENSIONS",
    "PALETTE_TRANSPARENCY_FORMATS",
    "RGBA_TRANSPARENCY_FORMATS",
    "FileWrapper",
    "UnknownExtension",
    "UnknownFormat",
    "extension_to_format",
    "extension_to_mimetype",
    "format_to_extension",
    "format_to_mimetype",
    "image_to_bytes",
    "img_to_fobj",
    "open_image",
    "prepare_image",
    "process_image",
    "quiet",
    "save_image",
    "suggest_extension",
]

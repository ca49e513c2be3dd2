"""The source's bytes and what its header says, read without decoding a single pixel.

Pillow reads the header (format, size, mode, frames, EXIF orientation): it is the library the
Pillow engine judges sources with, so both engines agree on what a source is. A header that
Pillow cannot read raises here; the engine then hands the job to the Pillow engine, which
raises the host's own ``SourceImageError`` naming the file.
"""

from __future__ import annotations

import io
import os
import warnings
from dataclasses import dataclass
from typing import Any

from PIL import Image

from ik_host.config import Limits
from ik_processors_pilkit.pillow_io import readable_stream

ORIENTATION_TAG = 0x0112


@dataclass(frozen=True)
class Source:
    """Where the encoded image is (a file ``path`` or in-memory ``data``) and its header."""

    path: str | None
    data: bytes | None
    format: str | None
    size: tuple[int, int]
    mode: str
    frames: int
    orientation: int | None  # EXIF orientation 1..8; None where the header does not say
    nbytes: int
    colour_key: bool  # an RGB/L image with a "transparency" colour (PNG tRNS)
    icc_profile: bytes | None = None

    def within(self, limits: Limits) -> bool:
        """Whether the host's limits accept this source (else the Pillow engine refuses it)."""
        width, height = self.size
        return not (
            (limits.max_bytes is not None and self.nbytes > limits.max_bytes)
            or (limits.max_pixels is not None and width * height > limits.max_pixels)
            or (limits.max_frames is not None and self.frames > limits.max_frames)
        )


def locate(source: Any) -> tuple[str | None, bytes | None]:
    """``(path, None)`` for a file path vips can open itself, else ``(None, bytes)``."""
    if isinstance(source, (str, os.PathLike)):
        path = os.fspath(source)
        # vips reads "name[options]" as options for the loader; such names are read here.
        if isinstance(path, str) and not path.endswith("]"):
            return path, None
        with open(path, "rb") as handle:
            return None, handle.read()
    if isinstance(source, (bytes, bytearray, memoryview)):
        return None, bytes(source)
    return None, readable_stream(source).read()


def read_header(path: str | None, data: bytes | None) -> Source:
    """The header of the source at ``path`` (or in ``data``); raises whatever Pillow raises on
    bad input."""
    nbytes = os.path.getsize(path) if path is not None else len(data or b"")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        with Image.open(path if path is not None else io.BytesIO(data or b"")) as img:
            orientation = None
            if img.format in ("JPEG", "MPO"):  # EXIF sits before the pixels only in these
                orientation = img.getexif().get(ORIENTATION_TAG, 1)
                orientation = orientation if orientation in range(1, 9) else 1
            return Source(
                path=path,
                data=data,
                format=img.format,
                size=img.size,
                mode=img.mode,
                frames=getattr(img, "n_frames", 1),
                orientation=orientation,
                nbytes=nbytes,
                colour_key="transparency" in img.info,
                icc_profile=img.info.get("icc_profile") or None,
            )

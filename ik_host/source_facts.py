"""What a picture needs to know of its source before anything is decoded: its size, its format
and whether it may be transparent, from the size the source declares or its first bytes."""

from __future__ import annotations

import io
import os
import struct
from dataclasses import dataclass, replace
from typing import IO, Any

from ik_host.components import get_engine
from ik_host.errors import SourceImageError, UnknownExtension
from ik_host.formats import extension_to_format
from ik_host.memo import ClearingMemo
from ik_host.paths import source_key, source_name

# Enough for every header read here: a PNG's chunks before its pixels (an ICC profile included)
# or a WebP's first chunk.
HEAD_BYTES = 64 * 1024
# Formats that cannot carry transparency: their pictures' fallback is a JPEG.
OPAQUE_FORMATS = frozenset({"JPEG", "BMP"})


@dataclass(frozen=True)
class SourceFacts:
    """A source's size in pixels as stored, its format (None: not told), whether it may have
    alpha, and its EXIF orientation (1: upright as stored; 5 to 8 turn it a quarter)."""

    width: int
    height: int
    format: str | None
    alpha: bool
    orientation: int = 1

    def upright_size(self) -> tuple[int, int]:
        """The size once turned upright by its EXIF orientation."""
        if self.orientation in (5, 6, 7, 8):
            return self.height, self.width
        return self.width, self.height


# By source (its storage and name): a page renders the same sources each request.
_KNOWN: ClearingMemo[SourceFacts] = ClearingMemo(4096)


def source_facts(
    source: Any, size: tuple[int, int] | None = None, engine: Any = None
) -> SourceFacts:
    """The facts of ``source``; ``size`` when the caller knows it, else the source's own
    ``width``/``height``, else its header. Raises ``SourceImageError`` naming the source."""
    name = source_name(source)
    key = source_key(source, name)
    if key is not None and key[0] == "object":
        key = None  # an object's id is reused once it is freed: not a lasting key
    known = _KNOWN.get(key) if key is not None else None
    if known is None:
        size = size or _declared_size(source)
        known = _read_facts(source, name, size, engine)
        if key is not None:
            _KNOWN.keep(key, known)
    elif size is not None and size != (known.width, known.height):
        known = replace(known, width=size[0], height=size[1])
    return known


def forget_source_facts() -> None:
    """Drop what ``source_facts`` remembers (a source replaced under the same name)."""
    _KNOWN.clear()


def _declared_size(source: Any) -> tuple[int, int] | None:
    # A Django image field's file knows its size (from the model's columns when it has them).
    try:
        width, height = source.width, source.height
    except Exception:  # no such attributes, or a file that cannot tell
        return None
    if type(width) is int and type(height) is int and width > 0 and height > 0:
        return width, height
    return None


def _read_facts(
    source: Any, name: str | None, size: tuple[int, int] | None, engine: Any
) -> SourceFacts:
    stream, owned = _stream(source, name)
    try:
        head = stream.read(HEAD_BYTES)
        if size is None:
            stream.seek(0)
            size = get_engine(engine).image_size(stream, name=name)
        stream.seek(0)
    except SourceImageError:
        raise
    except OSError as exc:
        raise SourceImageError(name, f"its header cannot be read: {exc}") from exc
    finally:
        if owned:
            stream.close()
    format = sniff_format(head) or _format_of_name(name)
    orientation = exif_orientation(head) if format == "JPEG" else 1
    return SourceFacts(size[0], size[1], format, may_have_alpha(head, format), orientation)


def _stream(source: Any, name: str | None) -> tuple[IO[bytes], bool]:
    """A readable stream at the source's start, and whether it is ours to close."""
    if isinstance(source, (str, os.PathLike)):
        try:
            return open(source, "rb"), True
        except OSError as exc:
            raise SourceImageError(name, f"it cannot be opened: {exc}") from exc
    if isinstance(source, (bytes, bytearray, memoryview)):
        return io.BytesIO(source), True
    if getattr(source, "closed", False) and hasattr(source, "open"):
        source.open("rb")  # a closed Django File reopens through its storage
    source.seek(0)
    return source, False


def _format_of_name(name: str | None) -> str | None:
    try:
        return extension_to_format(os.path.splitext(name or "")[1]) if name else None
    except UnknownExtension:
        return None


def sniff_format(head: bytes) -> str | None:
    """The format the first bytes of a file say it is, for the common web formats."""
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "GIF"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    if head[4:8] == b"ftyp" and head[8:12] in (b"avif", b"avis"):
        return "AVIF"
    if head.startswith(b"BM"):
        return "BMP"
    return None


def may_have_alpha(head: bytes, format: str | None) -> bool:
    """Whether an image of ``format`` starting with ``head`` may be transparent; True when
    the header cannot tell (a transparent source must not lose its alpha)."""
    if format in OPAQUE_FORMATS:
        return False
    if format == "PNG":
        return _png_alpha(head)
    if format == "WEBP":
        return _webp_alpha(head)
    return True


def _png_alpha(head: bytes) -> bool:
    # Colour types 4 and 6 carry alpha; any other is transparent only with a tRNS chunk,
    # which comes before the first IDAT.
    if len(head) < 26:
        return True
    if head[25] in (4, 6):
        return True
    offset = 8
    while offset + 8 <= len(head):
        length, kind = struct.unpack(">I4s", head[offset : offset + 8])
        if kind == b"tRNS":
            return True
        if kind == b"IDAT":
            return False
        offset += 12 + length
    return True  # the chunks before the pixels run past what was read


def _webp_alpha(head: bytes) -> bool:
    kind = head[12:16]
    if kind == b"VP8 ":
        return False  # lossy without an alpha chunk
    if kind == b"VP8X" and len(head) > 20:
        return bool(head[20] & 0x10)
    if kind == b"VP8L" and len(head) >= 25:
        bits = int.from_bytes(head[21:25], "little")
        return bool(bits >> 28 & 1)
    return True


def exif_orientation(head: bytes) -> int:
    """The EXIF orientation (1 to 8) in a JPEG's first bytes; 1 when it has none."""
    offset = 2
    while offset + 4 <= len(head) and head[offset] == 0xFF:
        marker = head[offset + 1]
        length = int.from_bytes(head[offset + 2 : offset + 4], "big")
        if marker == 0xDA:  # the pixels start: no EXIF after them
            break
        segment = head[offset + 4 : offset + 2 + length]
        if marker == 0xE1 and segment.startswith(b"Exif\0\0"):
            return _tiff_orientation(segment[6:])
        offset += 2 + length
    return 1


def _tiff_orientation(tiff: bytes) -> int:
    order = {b"II": "little", b"MM": "big"}.get(tiff[:2])
    if order is None or len(tiff) < 8:
        return 1
    ifd = int.from_bytes(tiff[4:8], order)
    count = int.from_bytes(tiff[ifd : ifd + 2], order)
    for entry in range(ifd + 2, ifd + 2 + 12 * count, 12):
        if tiff[entry : entry + 2] == (0x0112).to_bytes(2, order):
            value = int.from_bytes(tiff[entry + 8 : entry + 10], order)
            return value if 1 <= value <= 8 else 1
    return 1

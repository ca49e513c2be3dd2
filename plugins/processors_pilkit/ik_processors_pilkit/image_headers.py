"""What an image file's first bytes say, read without an image library: its format, its size
(JPEG, PNG, GIF), whether it may be transparent, and a JPEG's EXIF orientation.

The one reader of headers in the project, public for that reason: picture sets (ik-pictures)
ask it what a picture needs of its source, and the Pillow engine asks it a cache file's size
before paying for Pillow's open (which parses every marker into tables) and which Pillow plugin
to try. Each
question reads on from the stream only as far as its answer lies, a few KB at most for the
common files. Anything not recognised, or damaged, is answered "unknown" (None, or the safe
guess) and left to the engine, which says what is wrong.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from typing import IO

# Formats that cannot carry transparency: their pictures' fallback is a JPEG.
OPAQUE_FORMATS = frozenset({"JPEG", "BMP"})
# How far into a file a header may reach; a frame or an IDAT further in is left to the engine.
MAX_SCAN = 1 << 20
# Reads are in blocks: a walker asking for a few bytes at a time costs one read per block.
_BLOCK = 4096
# JPEG markers that stand alone, without a length: TEM, RST0-7, SOI, EOI.
_STANDALONE = {0x01, *range(0xD0, 0xDA)}
# Start-of-frame markers (every coding process); C4 (DHT), C8 (JPG) and CC (DAC) are not frames.
_FRAMES = {*range(0xC0, 0xD0)} - {0xC4, 0xC8, 0xCC}
_START_OF_SCAN = 0xDA
_APP1 = 0xE1
_ORIENTATION_TAG = 0x0112


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
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return "TIFF"
    if head.startswith(b"BM"):
        return "BMP"
    return None


class ImageHeader:
    """The first bytes of a file (a binary stream, or bytes), read on only as far as asked.

    A stream is read from where it stands and left wherever the last answer needed; callers
    that go on reading it rewind it.
    """

    def __init__(self, source: IO[bytes] | bytes) -> None:
        if isinstance(source, (bytes, bytearray, memoryview)):
            self._stream: IO[bytes] | None = None
            self.data = bytes(source)
        else:
            self._stream = source
            self.data = b""

    def has(self, end: int) -> bool:
        """Whether the file is at least ``end`` bytes long, reading on until it knows."""
        while len(self.data) < end:
            more = self._stream.read(max(_BLOCK, end - len(self.data))) if self._stream else b""
            if not more:
                return False
            self.data += more
        return True

    def format(self) -> str | None:
        """The format its first bytes say (``sniff_format``)."""
        self.has(16)
        return sniff_format(self.data[:16])

    def size(self) -> tuple[int, int] | None:
        """``(width, height)`` of a JPEG, PNG or GIF this reader is sure of; else None."""
        self.has(24)
        data = self.data
        if data.startswith(b"\xff\xd8"):
            return self._jpeg_size()
        if data.startswith(b"\x89PNG\r\n\x1a\n") and data[12:16] == b"IHDR" and len(data) >= 24:
            return _positive(*struct.unpack(">II", data[16:24]))
        if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
            return _positive(*struct.unpack("<HH", data[6:10]))
        return None

    def orientation(self) -> int:
        """A JPEG's EXIF orientation (1 to 8); 1 when it has none or is not a JPEG."""
        if not (self.has(2) and self.data.startswith(b"\xff\xd8")):
            return 1
        for marker, start, length in self.jpeg_segments():
            if marker == _APP1 and self.has(start + length):
                segment = self.data[start : start + length]
                if segment.startswith(b"Exif\0\0"):
                    return _tiff_orientation(segment[6:])
        return 1

    def may_have_alpha(self, format: str | None) -> bool:
        """Whether an image of ``format`` with this header may be transparent; True when the
        header cannot tell (a transparent source must not lose its alpha)."""
        if format in OPAQUE_FORMATS:
            return False
        if format == "PNG":
            return self._png_alpha()
        if format == "WEBP":
            return self._webp_alpha()
        return True

    def jpeg_segments(self) -> Iterator[tuple[int, int, int]]:
        """``(marker, start, length)`` of each marker segment of a JPEG (after its SOI) up to
        its scan: where the segment's payload starts in ``data`` and how long it is. A damaged
        marker, the end of the file or ``MAX_SCAN`` ends the walk."""
        position = 2
        while position < MAX_SCAN and self.has(position + 4):
            if self.data[position] != 0xFF:
                return
            marker = self.data[position + 1]
            if marker == 0xFF:  # fill bytes before a marker
                position += 1
            elif marker in _STANDALONE:
                position += 2
            elif marker == _START_OF_SCAN:
                return
            else:
                length = struct.unpack(">H", self.data[position + 2 : position + 4])[0]
                yield marker, position + 4, length - 2
                position += 2 + length

    def _jpeg_size(self) -> tuple[int, int] | None:
        for marker, start, _ in self.jpeg_segments():
            if marker in _FRAMES:
                if not self.has(start + 5):
                    return None
                height, width = struct.unpack(">HH", self.data[start + 1 : start + 5])
                return _positive(width, height)
        return None  # the scan starts before any frame header: damaged

    def _png_alpha(self) -> bool:
        # Colour types 4 and 6 carry alpha; any other is transparent only with a tRNS chunk,
        # which comes before the first IDAT.
        if not self.has(26):
            return True
        if self.data[25] in (4, 6):
            return True
        offset = 8
        while offset < MAX_SCAN and self.has(offset + 8):
            length, kind = struct.unpack(">I4s", self.data[offset : offset + 8])
            if kind == b"tRNS":
                return True
            if kind == b"IDAT":
                return False
            offset += 12 + length
        return True  # the chunks before the pixels run past the file or what is read

    def _webp_alpha(self) -> bool:
        self.has(25)
        data = self.data
        kind = data[12:16]
        if kind == b"VP8 ":
            return False  # lossy without an alpha chunk
        if kind == b"VP8X" and len(data) > 20:
            return bool(data[20] & 0x10)
        if kind == b"VP8L" and len(data) >= 25:
            bits = int.from_bytes(data[21:25], "little")
            return bool(bits >> 28 & 1)
        return True


def header_size(stream: IO[bytes]) -> tuple[int, int] | None:
    """``(width, height)`` from the header of ``stream`` (rewound to its start afterwards), or
    None when it is not a JPEG, PNG or GIF this reader is sure of."""
    try:
        return ImageHeader(stream).size()
    except (OSError, ValueError, struct.error):
        return None
    finally:
        stream.seek(0)


def may_have_alpha(head: bytes, format: str | None) -> bool:
    """Whether an image of ``format`` starting with ``head`` may be transparent (see
    ``ImageHeader.may_have_alpha``)."""
    return ImageHeader(head).may_have_alpha(format)


def _tiff_orientation(tiff: bytes) -> int:
    order = {b"II": "little", b"MM": "big"}.get(tiff[:2])
    if order is None or len(tiff) < 8:
        return 1
    ifd = int.from_bytes(tiff[4:8], order)
    count = int.from_bytes(tiff[ifd : ifd + 2], order)
    for entry in range(ifd + 2, ifd + 2 + 12 * count, 12):
        if tiff[entry : entry + 2] == _ORIENTATION_TAG.to_bytes(2, order):
            value = int.from_bytes(tiff[entry + 8 : entry + 10], order)
            return value if 1 <= value <= 8 else 1
    return 1


def _positive(width: int, height: int) -> tuple[int, int] | None:
    # A zero height (defined later by a DNL marker) or width is left to the engine.
    return (width, height) if width > 0 and height > 0 else None


__all__ = ["OPAQUE_FORMATS", "ImageHeader", "header_size", "may_have_alpha", "sniff_format"]

"""Width and height read straight from a JPEG, PNG or GIF header, without Pillow.

``pillow_io.image_size`` asks here first: a cache file's size is read on the first
``{% thumbnail %}`` of each file in a process, and Pillow's open (plugin lookup, warning filters,
parsing every marker into tables) costs several times the read itself. Anything this reader does
not recognise, or finds damaged, is answered None and left to Pillow, which says what is wrong.
"""

from __future__ import annotations

import struct
from typing import IO

# JPEG markers that stand alone, without a length: TEM, RST0-7, SOI, EOI.
_STANDALONE = {0x01, *range(0xD0, 0xDA)}
# Start-of-frame markers (every coding process); C4 (DHT), C8 (JPG) and CC (DAC) are not frames.
_FRAMES = {*range(0xC0, 0xD0)} - {0xC4, 0xC8, 0xCC}
# A JPEG whose frame header lies further in than this is unusual: Pillow reads it.
_MAX_JPEG_SCAN = 1 << 20


def header_size(stream: IO[bytes]) -> tuple[int, int] | None:
    """``(width, height)`` from the header of ``stream`` (rewound to its start afterwards), or
    None when it is not a JPEG, PNG or GIF this reader is sure of."""
    try:
        head = stream.read(26)
        if head.startswith(b"\xff\xd8"):
            return _jpeg_size(stream, head)
        if head.startswith(b"\x89PNG\r\n\x1a\n") and head[12:16] == b"IHDR":
            return _positive(*struct.unpack(">II", head[16:24]))
        if head[:6] in (b"GIF87a", b"GIF89a") and len(head) >= 10:
            return _positive(*struct.unpack("<HH", head[6:10]))
        return None
    except (OSError, ValueError, struct.error):
        return None
    finally:
        stream.seek(0)


def _jpeg_size(stream: IO[bytes], head: bytes) -> tuple[int, int] | None:
    data = head
    position = 2
    while position < _MAX_JPEG_SCAN:
        if len(data) < position + 9:  # a marker, its length and a frame header's sizes
            more = stream.read(max(4096, position + 9 - len(data)))
            if not more:
                return None
            data += more
            continue
        if data[position] != 0xFF:
            return None
        marker = data[position + 1]
        if marker == 0xFF:  # fill bytes before a marker
            position += 1
        elif marker in _STANDALONE:
            position += 2
        elif marker in _FRAMES:
            height, width = struct.unpack(">HH", data[position + 5 : position + 9])
            return _positive(width, height)
        elif marker == 0xDA:  # the scan starts before any frame header: damaged
            return None
        else:
            position += 2 + struct.unpack(">H", data[position + 2 : position + 4])[0]
    return None


def _positive(width: int, height: int) -> tuple[int, int] | None:
    # A zero height (defined later by a DNL marker) or width is left to Pillow.
    return (width, height) if width > 0 and height > 0 else None

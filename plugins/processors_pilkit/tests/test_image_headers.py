"""The header reader (``ik_processors_pilkit.image_headers``) on files written here byte by
byte: the size, the EXIF orientation and the transparency a header states, read only as far as
each answer lies, and "unknown" for anything damaged. (Files Pillow wrote:
test_pillow_sizes_from_headers.)"""

from __future__ import annotations

import io
import struct

import pytest

from ik_processors_pilkit.image_headers import (
    ImageHeader,
    header_size,
    may_have_alpha,
    sniff_format,
)
from plugins.processors_pilkit.tests.pilkit_cases import CountingStream


def segment(marker: int, payload: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


def exif(orientation: int, order: str = "big") -> bytes:
    mark, pack = (b"MM", ">") if order == "big" else (b"II", "<")
    entry = struct.pack(pack + "HHIHH", 0x0112, 3, 1, orientation, 0)
    tiff = mark + struct.pack(pack + "HIH", 42, 8, 1) + entry + bytes(4)
    return segment(0xE1, b"Exif\0\0" + tiff)


def jpeg(width: int, height: int, *before_frame: bytes, pixels: int = 0) -> bytes:
    """A JPEG's markers: SOI, the segments given, a baseline frame header, a scan."""
    frame = segment(0xC0, struct.pack(">BHHB", 8, height, width, 1) + b"\x01\x11\x00")
    scan = segment(0xDA, b"\x01\x01\x00\x00\x3f\x00") + bytes(pixels) + b"\xff\xd9"
    return b"\xff\xd8" + b"".join(before_frame) + frame + scan


def png(*chunks: tuple[bytes, bytes], colour_type: int = 2) -> bytes:
    ihdr = struct.pack(">IIBBBBB", 640, 480, 8, colour_type, 0, 0, 0)
    listed = [(b"IHDR", ihdr), *chunks, (b"IDAT", b"\0" * 10), (b"IEND", b"")]
    body = b"".join(struct.pack(">I", len(data)) + kind + data + b"CRC!" for kind, data in listed)
    return b"\x89PNG\r\n\x1a\n" + body


JFIF = segment(0xE0, b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0")
COMMENT = segment(0xFE, b"x" * 20000)  # the frame lies past the first blocks read


SIZES = {
    "jpeg": (jpeg(37, 23, JFIF), (37, 23)),
    "jpeg with exif": (jpeg(640, 480, exif(6)), (640, 480)),
    "jpeg frame past a long comment": (jpeg(3000, 2, JFIF, COMMENT), (3000, 2)),
    "jpeg fill bytes and a standalone marker": (
        b"\xff\xd8\xff\xff" + b"\xff\x01" + jpeg(5, 7)[2:],
        (5, 7),
    ),
    "png": (png(), (640, 480)),
    "gif": (b"GIF89a" + struct.pack("<HH", 65535, 3) + bytes(16), (65535, 3)),
}


@pytest.mark.parametrize(("data", "size"), SIZES.values(), ids=SIZES.keys())
def test_sizes_from_the_header_and_the_stream_rewound(data: bytes, size: tuple[int, int]) -> None:
    stream = io.BytesIO(data)
    assert header_size(stream) == size
    assert stream.tell() == 0


UNKNOWN = {
    "webp": b"RIFF\0\0\0\0WEBPVP8 " + bytes(20),
    "text": b"just some text, not an image at all",
    "empty": b"",
    "jpeg cut before its frame": jpeg(20, 10, JFIF, COMMENT)[:3000],
    "jpeg scan before its frame": b"\xff\xd8" + segment(0xDA, bytes(6)) + bytes(40),
    "jpeg zero height": jpeg(20, 0),
    "jpeg damaged marker": b"\xff\xd8\x00\x00" + jpeg(20, 10)[2:],
    "png cut": png()[:20],
}


@pytest.mark.parametrize("data", UNKNOWN.values(), ids=UNKNOWN.keys())
def test_anything_else_is_left_to_the_engine(data: bytes) -> None:
    stream = io.BytesIO(data)
    assert header_size(stream) is None
    assert stream.tell() == 0


def test_a_size_reads_the_first_block_not_the_file() -> None:
    stream = CountingStream(jpeg(800, 600, JFIF, exif(1), pixels=500_000))
    assert header_size(stream) == (800, 600)
    assert stream.read_bytes <= 4096


@pytest.mark.parametrize("orientation", range(1, 9))
@pytest.mark.parametrize("order", ["big", "little"])
def test_the_exif_orientation_of_a_jpeg(orientation: int, order: str) -> None:
    data = jpeg(40, 30, JFIF, exif(orientation, order))
    assert ImageHeader(io.BytesIO(data)).orientation() == orientation
    assert ImageHeader(data).orientation() == orientation


def test_size_and_orientation_walk_the_same_segments() -> None:
    # The EXIF past a long comment and fill bytes: both answers need the same walk.
    data = b"\xff\xd8" + COMMENT + b"\xff\xff" + exif(8) + jpeg(9, 4)[2:]
    header = ImageHeader(io.BytesIO(data))
    assert (header.size(), header.orientation()) == ((9, 4), 8)
    markers = [marker for marker, _, _ in header.jpeg_segments()]
    assert markers == [0xFE, 0xE1, 0xC0]


@pytest.mark.parametrize(
    "data",
    [jpeg(40, 30), jpeg(40, 30, exif(0)), jpeg(40, 30, exif(9)), png(), b"\xff\xd8" + exif(6)[:9]],
    ids=["no exif", "orientation 0", "orientation 9", "not a jpeg", "exif cut"],
)
def test_no_orientation_or_a_wrong_one_is_upright(data: bytes) -> None:
    assert ImageHeader(io.BytesIO(data)).orientation() == 1


TRANSPARENCY = {
    "jpeg": (jpeg(4, 4), "JPEG", False),
    "png rgb": (png(), "PNG", False),
    "png rgba": (png(colour_type=6), "PNG", True),
    "png grey and alpha": (png(colour_type=4), "PNG", True),
    "png rgb with trns": (png((b"tRNS", bytes(6))), "PNG", True),
    "png trns past a big text chunk": (
        png((b"tEXt", b"k\0" + b"v" * 30000), (b"tRNS", bytes(6))),
        "PNG",
        True,
    ),
    "png opaque past a big text chunk": (png((b"tEXt", b"k\0" + b"v" * 30000)), "PNG", False),
    "webp lossy": (b"RIFF\0\0\0\0WEBPVP8 " + bytes(16), "WEBP", False),
    "webp extended with alpha": (
        b"RIFF\0\0\0\0WEBPVP8X" + bytes([0, 0, 0, 0, 0x10]) + bytes(8),
        "WEBP",
        True,
    ),
    "webp extended": (b"RIFF\0\0\0\0WEBPVP8X" + bytes([0, 0, 0, 0, 0]) + bytes(8), "WEBP", False),
    "gif": (b"GIF89a" + bytes(10), "GIF", True),
    "tiff": (b"II*\x00" + bytes(12), "TIFF", True),
}


@pytest.mark.parametrize(
    ("data", "format", "alpha"), TRANSPARENCY.values(), ids=TRANSPARENCY.keys()
)
def test_format_and_transparency_from_the_header(data: bytes, format: str, alpha: bool) -> None:
    header = ImageHeader(io.BytesIO(data))
    assert header.format() == sniff_format(data) == format
    assert header.may_have_alpha(format) is alpha
    assert may_have_alpha(data, format) is alpha


def test_a_png_cut_before_its_pixels_may_be_transparent() -> None:
    assert may_have_alpha(png()[:40], "PNG") is True

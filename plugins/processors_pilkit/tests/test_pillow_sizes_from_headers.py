"""The header reader (``ik_processors_pilkit.image_headers``) on files Pillow wrote: it gives
Pillow's size for the files it knows and None for anything else, so ``image_size`` answers as
Pillow would without Pillow's open for the common formats; it reads Pillow's EXIF orientation and
transparency; and a cache file's size costs a read of a few KB, not of the file."""

from __future__ import annotations

import io
import random
import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageCms

from ik_host.errors import SourceImageError, SourceTooLarge
from ik_processors_pilkit.image_headers import ImageHeader, header_size
from ik_processors_pilkit.pillow_io import image_size
from plugins.processors_pilkit.tests.pilkit_cases import CountingStream


def encoded(size: tuple[int, int], format: str, mode: str = "RGB", **options) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, "red" if mode in ("RGB", "RGBA") else 128).save(buffer, format, **options)
    return buffer.getvalue()


def exif_with_orientation(orientation: int) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = orientation
    return exif.tobytes()


SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()

CASES = {
    "jpeg baseline": encoded((37, 23), "JPEG"),
    "jpeg progressive optimized": encoded((640, 480), "JPEG", progressive=True, optimize=True),
    "jpeg grayscale": encoded((5, 900), "JPEG", mode="L"),
    "jpeg cmyk": encoded((31, 17), "JPEG", mode="CMYK"),
    "jpeg exif rotated": encoded((40, 30), "JPEG", exif=exif_with_orientation(6)),
    "jpeg icc profile": encoded((12, 34), "JPEG", icc_profile=SRGB),
    "jpeg big comment": encoded((9, 8), "JPEG", comment=b"x" * 60000),
    "png rgba": encoded((300, 2), "PNG", mode="RGBA"),
    "png palette": encoded((17, 19), "PNG", mode="P"),
    "gif": encoded((65535, 3), "GIF", mode="L"),
}


@pytest.mark.parametrize("data", CASES.values(), ids=CASES.keys())
def test_sizes_are_pillows(data: bytes) -> None:
    stream = io.BytesIO(data)
    assert header_size(stream) == Image.open(io.BytesIO(data)).size
    assert stream.tell() == 0


@settings(max_examples=40, deadline=None)
@given(
    width=st.integers(1, 3000),
    height=st.integers(1, 3000),
    format=st.sampled_from(["JPEG", "PNG", "GIF"]),
)
def test_any_size_is_read_as_pillow_reads_it(width: int, height: int, format: str) -> None:
    data = encoded((width, height), format, mode="L")
    assert header_size(io.BytesIO(data)) == (width, height)


def zero_height_jpeg() -> bytes:
    data = bytearray(encoded((20, 10), "JPEG"))
    frame = data.index(b"\xff\xc0")
    data[frame + 5 : frame + 7] = struct.pack(">H", 0)  # height given later by a DNL marker
    return bytes(data)


UNKNOWN = {
    "webp": encoded((10, 10), "WEBP"),
    "bmp": encoded((10, 10), "BMP"),
    "text": b"just some text, not an image at all",
    "empty": b"",
    "jpeg cut in its header": encoded((20, 10), "JPEG", icc_profile=SRGB)[:300],
    "jpeg scan before frame": b"\xff\xd8\xff\xda\x00\x08" + b"\x00" * 40,
    "jpeg zero height": zero_height_jpeg(),
    "png cut": encoded((20, 10), "PNG")[:20],
}


@pytest.mark.parametrize("data", UNKNOWN.values(), ids=UNKNOWN.keys())
def test_anything_else_is_left_to_pillow(data: bytes) -> None:
    stream = io.BytesIO(data)
    assert header_size(stream) is None
    assert stream.tell() == 0


def test_image_size_still_names_a_damaged_file() -> None:
    with pytest.raises(SourceImageError, match=r"notes\.jpg"):
        image_size(io.BytesIO(UNKNOWN["jpeg cut in its header"]), name="notes.jpg")


def test_image_size_still_refuses_a_bomb(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100)
    data = encoded((30, 30), "PNG")  # 900 pixels: over twice the limit
    with pytest.raises(SourceTooLarge, match=r"bomb\.png"):
        image_size(io.BytesIO(data), name="bomb.png")


@pytest.mark.parametrize("orientation", range(1, 9))
def test_the_orientation_is_the_one_pillow_wrote(orientation: int) -> None:
    data = encoded((40, 30), "JPEG", exif=exif_with_orientation(orientation), icc_profile=SRGB)
    assert ImageHeader(io.BytesIO(data)).orientation() == orientation
    assert ImageHeader(encoded((40, 30), "JPEG")).orientation() == 1


def translucent(format: str, **options) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGBA", (8, 8), (200, 0, 0, 100)).save(buffer, format, **options)
    return buffer.getvalue()


TRANSPARENCY = {
    "png rgb": (encoded((8, 8), "PNG"), False),
    "png rgba": (translucent("PNG"), True),
    "png palette with a transparent index": (
        encoded((8, 8), "PNG", mode="P", transparency=0),
        True,
    ),
    "png palette": (encoded((8, 8), "PNG", mode="P"), False),
    "png with an icc profile": (encoded((8, 8), "PNG", icc_profile=SRGB), False),
    "webp lossy": (encoded((8, 8), "WEBP"), False),
    "webp lossy translucent": (translucent("WEBP"), True),
    "webp lossless translucent": (translucent("WEBP", lossless=True), True),
    "webp lossless rgb": (encoded((8, 8), "WEBP", lossless=True), False),
    "jpeg": (encoded((8, 8), "JPEG"), False),
}


@pytest.mark.parametrize(("data", "alpha"), TRANSPARENCY.values(), ids=TRANSPARENCY.keys())
def test_transparency_is_read_as_pillow_wrote_it(data: bytes, alpha: bool) -> None:
    header = ImageHeader(io.BytesIO(data))
    assert header.may_have_alpha(header.format()) is alpha


def test_a_cache_files_size_reads_a_few_kb_of_it() -> None:
    buffer = io.BytesIO()
    noise = Image.frombytes("RGB", (600, 400), random.Random(7).randbytes(600 * 400 * 3))
    noise.save(buffer, "JPEG", quality=90, icc_profile=SRGB)
    data = buffer.getvalue()
    stream = CountingStream(data)
    assert image_size(stream, name="big.jpg") == (600, 400)
    assert len(data) > 64 * 1024 and stream.read_bytes <= 8 * 1024

"""A corpus of broken and hostile image files, made here byte by byte (nothing is downloaded).

::

    python -m tests.badinput OUTDIR    # writes every file into OUTDIR and lists them

Each ``Sample`` says what the project must make of it as the source of a spec: an error of the
given class whose cause matches ``cause``, or, for the valid but unusual images (CMYK, 16 bits
per channel, corrupt EXIF), a generated image. The red-left, blue-right layout of the valid
ones lets a test check that their colours survived.
"""

from __future__ import annotations

import functools
import io
import struct
import sys
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from ik_host.errors import SourceImageError, SourceTooLarge

RED = (220, 30, 30)
BLUE = (30, 30, 220)


@dataclass(frozen=True)
class Sample:
    name: str  # the file name, with the extension an upload would carry
    make: Callable[[], bytes]
    error: type[SourceImageError] | None  # None: a valid image, which must generate
    cause: str  # a regular expression the error's cause matches (or what a valid one is)
    description: str


# -- building blocks -----------------------------------------------------------------------------


def two_halves(size: tuple[int, int] = (400, 300), mode: str = "RGB") -> Image.Image:
    """Red on the left, blue on the right, with a little texture so encoders have work to do."""
    img = Image.new("RGB", size, RED)
    img.paste(BLUE, (size[0] // 2, 0, size[0], size[1]))
    noise = Image.effect_noise(size, 12).convert("RGB")
    img = Image.blend(img, noise, 0.08)
    return img.convert(mode)


def encode(img: Image.Image, format: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    img.save(buffer, format, **options)
    return buffer.getvalue()


def cut(data: bytes, fraction: float) -> bytes:
    return data[: int(len(data) * fraction)]


def png_chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def png(width: int, height: int, bit_depth: int, color_type: int, idat: bytes) -> bytes:
    header = struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", idat)
        + png_chunk(b"IEND", b"")
    )


# -- the samples ---------------------------------------------------------------------------------


def truncated(format: str, fraction: float) -> Callable[[], bytes]:
    return lambda: cut(encode(two_halves(), format), fraction)


def html() -> bytes:
    return b"<!DOCTYPE html>\n<html><head><title>404</title></head><body>Not found</body></html>\n"


def text() -> bytes:
    return "Just some notes, saved as a .jpg by mistake.\nÜnïcödé too.\n".encode()


def svg() -> bytes:
    return (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<svg xmlns="http://www.w3.org/2000/svg" width="400" height="300">'
        b'<rect width="200" height="300" fill="red"/><script>alert(1)</script></svg>\n'
    )


def declares_huge_png() -> bytes:
    """A PNG whose header says 100000x100000 pixels (10 gigapixels), with almost no data."""
    return png(100_000, 100_000, 8, 2, zlib.compress(b"\x00" * 64))


def declares_huge_jpeg() -> bytes:
    """A real JPEG with its frame header (SOF0) rewritten to say 65500x65500 pixels."""
    data = bytearray(encode(two_halves((64, 48)), "JPEG"))
    sof = data.index(b"\xff\xc0")
    struct.pack_into(">HH", data, sof + 5, 65500, 65500)  # after marker, length, precision
    return bytes(data)


def declares_huge_gif() -> bytes:
    """A GIF whose logical screen is 65535x65535 with one 1x1 frame."""
    screen = struct.pack("<HHBBB", 65535, 65535, 0x80, 0, 0)
    frame = b"\x2c" + struct.pack("<HHHHB", 0, 0, 1, 1, 0) + bytes([2, 2, 0x44, 0x01, 0])
    return b"GIF89a" + screen + bytes([0, 0, 0, 255, 255, 255]) + frame + b";"


def bomb() -> bytes:
    """A real 14000x14000 one-bit PNG: about 24 kB on disk, 196 MB once decoded as RGB."""
    side = 14_000
    compressor = zlib.compressobj(9)
    row = b"\x00" * (1 + side // 8)  # filter byte, then the row's bits
    idat = b"".join(compressor.compress(row) for _ in range(side)) + compressor.flush()
    return png(side, side, 1, 0, idat)


def many_frames(frames: int = 5000) -> bytes:
    """An animated GIF of ``frames`` one-pixel frames on a 16x16 screen, written by hand."""
    out = [b"GIF89a", struct.pack("<HHBBB", 16, 16, 0x80, 0, 0), bytes([0, 0, 0, 255, 255, 255])]
    out.append(b"\x21\xff\x0bNETSCAPE2.0\x03\x01\x00\x00\x00")  # loop forever
    for index in range(frames):
        out.append(b"\x21\xf9\x04\x04\x02\x00\x00\x00")  # 20 ms, keep the previous frame
        out.append(b"\x2c" + struct.pack("<HHHHB", index % 16, index // 16 % 16, 1, 1, 0))
        # LZW, minimum code size 2: clear (4), the pixel (0 or 1), end (5), in 3-bit codes.
        pixel = index % 2
        out.append(bytes([2, 2, 0x44 | pixel << 3, 0x01, 0]))
    out.append(b";")
    return b"".join(out)


def corrupt_data_png() -> bytes:
    """A PNG of the right length whose compressed data is garbled (its checksum made to fit)."""
    img = two_halves((64, 48))
    raw = b"".join(b"\x00" + img.crop((0, y, 64, y + 1)).tobytes() for y in range(48))
    idat = bytearray(zlib.compress(raw))
    for index in range(20, len(idat) - 8, 7):
        idat[index] ^= 0x5A
    return png(64, 48, 8, 2, bytes(idat))


def cmyk_jpeg() -> bytes:
    return encode(two_halves(mode="CMYK"), "JPEG", quality=90)


def gray16_png() -> bytes:
    """16-bit gray (Pillow mode I;16): 12000 of 65535 on the left, 52000 on the right, values
    that an 8-bit conversion clipping instead of scaling would turn all white."""
    img = Image.new("I", (400, 300), 12000)
    img.paste(52000, (200, 0, 400, 300))
    return encode(img.convert("I;16"), "PNG")


def rgb48_png() -> bytes:
    """16 bits per channel RGB, which Pillow cannot write: encoded here row by row."""
    img = two_halves((120, 90))
    raw = bytearray()
    for y in range(img.height):
        raw.append(0)
        for x in range(img.width):
            for channel in img.getpixel((x, y)):
                raw += struct.pack(">H", channel * 257)
    return png(img.width, img.height, 16, 2, zlib.compress(bytes(raw)))


def corrupt_exif_jpeg() -> bytes:
    """A good JPEG whose EXIF block lies: an IFD claiming 65535 entries, offsets past the end,
    and an EXIF sub-IFD pointing back at itself."""
    tiff = (
        b"MM\x00\x2a\x00\x00\x00\x08"  # big-endian TIFF header, first IFD at 8
        + b"\xff\xff"  # 65535 entries (there are three)
        + b"\x01\x12\x00\x03\x00\x00\x00\x01\x00\x09\x00\x00"  # orientation = 9 (no such)
        + b"\x87\x69\x00\x04\x00\x00\x00\x01\x00\x00\x00\x08"  # EXIF IFD at 8: a loop
        + b"\x01\x0f\x00\x02\x7f\xff\xff\xff\x7f\xff\xff\xf0"  # a 2 GB make, past the end
    )
    exif = b"Exif\x00\x00" + tiff
    app1 = b"\xff\xe1" + struct.pack(">H", len(exif) + 2) + exif
    jpeg = encode(two_halves(), "JPEG", quality=90)
    return jpeg[:2] + app1 + jpeg[2:]


CORPUS: tuple[Sample, ...] = (
    Sample(
        "truncated.jpg",
        truncated("JPEG", 0.6),
        SourceImageError,
        r"JPEG image data is broken or truncated",
        "a JPEG cut at 60%",
    ),
    Sample(
        "truncated-header.jpg",
        truncated("JPEG", 0.03),
        SourceImageError,
        r"JPEG .*(broken or truncated|damaged or truncated)",
        "a JPEG cut inside its headers",
    ),
    Sample(
        "truncated.png",
        truncated("PNG", 0.5),
        SourceImageError,
        r"PNG image data is broken or truncated",
        "a PNG cut at 50%",
    ),
    Sample(
        "truncated.gif",
        truncated("GIF", 0.5),
        SourceImageError,
        r"GIF image data is broken or truncated",
        "a GIF cut at 50%",
    ),
    Sample(
        "truncated.webp",
        truncated("WEBP", 0.5),
        SourceImageError,
        r"WebP .*broken or truncated",
        "a WebP cut at 50%",
    ),
    Sample("empty.jpg", lambda: b"", SourceImageError, r"empty \(0 bytes\)", "zero bytes"),
    Sample("notes.jpg", text, SourceImageError, r"a text file, not an image", "text as .jpg"),
    Sample("page.jpg", html, SourceImageError, r"an HTML document, not an image", "HTML as .jpg"),
    Sample(
        "drawing.svg",
        svg,
        SourceImageError,
        r"an SVG drawing; vector images are not supported",
        "an SVG (with a script)",
    ),
    Sample(
        "declares-100000x100000.png",
        declares_huge_png,
        SourceTooLarge,
        r"declares 10000000000 pixels, over the limit of 178956970 pixels",
        "a PNG header declaring 100000x100000",
    ),
    Sample(
        "declares-65500x65500.jpg",
        declares_huge_jpeg,
        SourceTooLarge,
        r"declares 4290250000 pixels, over the limit of 178956970 pixels",
        "a JPEG header declaring 65500x65500",
    ),
    Sample(
        "declares-65535x65535.gif",
        declares_huge_gif,
        SourceTooLarge,
        r"declares 4294836225 pixels, over the limit of 178956970 pixels",
        "a GIF screen of 65535x65535",
    ),
    Sample(
        "bomb.png",
        bomb,
        SourceTooLarge,
        r"declares 196000000 pixels, over the limit of 178956970 pixels",
        "a decompression bomb: 24 kB, 196 megapixels",
    ),
    Sample(
        "frames-5000.gif",
        many_frames,
        SourceTooLarge,
        r"5000 frames is over the limit of 1000",
        "an animated GIF of 5000 frames",
    ),
    Sample(
        "corrupt-data.png",
        corrupt_data_png,
        SourceImageError,
        r"PNG image data is broken or truncated",
        "a PNG whose compressed pixels are garbled",
    ),
    Sample("cmyk.jpg", cmyk_jpeg, None, "CMYK", "a CMYK JPEG (valid)"),
    Sample("gray16.png", gray16_png, None, "I;16", "16-bit grayscale PNG (valid)"),
    Sample("rgb48.png", rgb48_png, None, "RGB", "16-bit-per-channel RGB PNG (valid)"),
    Sample(
        "corrupt-exif.jpg",
        corrupt_exif_jpeg,
        None,
        "RGB",
        "a good JPEG with a lying EXIF block (valid pixels; the EXIF is ignored)",
    ),
)

BAD = tuple(sample for sample in CORPUS if sample.error is not None)
VALID = tuple(sample for sample in CORPUS if sample.error is None)


@functools.cache
def data(name: str) -> bytes:
    """The bytes of the sample called ``name`` (made once per process)."""
    [sample] = [sample for sample in CORPUS if sample.name == name]
    return sample.make()


def write(directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for sample in CORPUS:
        path = directory / sample.name
        path.write_bytes(data(sample.name))
        paths.append(path)
    return paths


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m tests.badinput OUTDIR", file=sys.stderr)
        return 2
    for sample, path in zip(CORPUS, write(Path(argv[0])), strict=True):
        expected = sample.error.__name__ if sample.error else "generates"
        print(f"{path}  {path.stat().st_size:>8} bytes  {expected:<16}  {sample.description}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

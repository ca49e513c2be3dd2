"""AVIF and WebP outputs keep the source's transparency (django-imagekit flattens AVIF onto
white): RGBA, LA and palette-with-transparency sources, alpha read back after a round trip."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from ik_processors_pilkit.pilkit_resize import ResizeToFit
from ik_processors_pilkit.pillow_engine import process

# AVIF codes alpha lossily; WebP's alpha plane is lossless unless alpha_quality is lowered.
ALPHA_TOLERANCE = {"AVIF": 12, "WEBP": 0}


def alpha_ramp(size: tuple[int, int] = (64, 48)) -> Image.Image:
    """Alpha 0 on the left rising to 255 on the right, in 8 flat bands (lossy codecs keep
    flat areas close)."""
    ramp = Image.new("L", size)
    band = size[0] // 8
    for index in range(8):
        ramp.paste(index * 255 // 7, (index * band, 0, (index + 1) * band, size[1]))
    return ramp


def rgba_source() -> Image.Image:
    img = Image.new("RGBA", (64, 48), (200, 40, 30, 255))
    img.putalpha(alpha_ramp())
    return img


def la_source() -> Image.Image:
    img = Image.new("LA", (64, 48), (90, 255))
    img.putalpha(alpha_ramp())
    return img


def palette_source() -> Image.Image:
    """A palette image whose index 0 is transparent: the left half."""
    img = Image.new("P", (64, 48), 1)
    img.putpalette([0, 0, 0, 20, 120, 220] + [0, 0, 0] * 254)
    img.paste(0, (0, 0, 32, 48))
    img.info["transparency"] = 0
    return img


def png_bytes(img: Image.Image) -> bytes:
    buffer = io.BytesIO()
    img.save(buffer, "PNG")
    return buffer.getvalue()


def round_trip(source: Image.Image, fmt: str, processors=()) -> Image.Image:
    result = process(png_bytes(source), processors, fmt, name="alpha.png")
    assert result.format == fmt
    decoded = Image.open(io.BytesIO(result.getvalue()))
    decoded.load()
    return decoded


def max_alpha_error(decoded: Image.Image, expected_alpha: Image.Image) -> int:
    got = decoded.getchannel("A").get_flattened_data()
    return max(abs(a - b) for a, b in zip(got, expected_alpha.get_flattened_data(), strict=True))


@pytest.mark.parametrize("fmt", ["AVIF", "WEBP"])
@pytest.mark.parametrize("make", [rgba_source, la_source], ids=["RGBA", "LA"])
def test_alpha_survives_the_round_trip(fmt: str, make) -> None:
    decoded = round_trip(make(), fmt)
    assert decoded.mode == "RGBA"
    assert max_alpha_error(decoded, alpha_ramp()) <= ALPHA_TOLERANCE[fmt]


@pytest.mark.parametrize("fmt", ["AVIF", "WEBP"])
def test_a_palette_transparency_becomes_alpha(fmt: str) -> None:
    decoded = round_trip(palette_source(), fmt)
    assert decoded.mode == "RGBA"
    left, right = decoded.getpixel((8, 24)), decoded.getpixel((56, 24))
    assert left[3] <= ALPHA_TOLERANCE[fmt]
    assert right[3] >= 255 - ALPHA_TOLERANCE[fmt]
    assert all(abs(a - b) <= 12 for a, b in zip(right[:3], (20, 120, 220), strict=True))


@pytest.mark.parametrize("fmt", ["AVIF", "WEBP"])
def test_alpha_survives_a_resize(fmt: str) -> None:
    decoded = round_trip(rgba_source(), fmt, [ResizeToFit(32, 24)])
    assert decoded.size == (32, 24)
    assert decoded.getpixel((1, 12))[3] <= ALPHA_TOLERANCE[fmt] + 2  # the transparent band
    assert decoded.getpixel((30, 12))[3] >= 253 - ALPHA_TOLERANCE[fmt]


@pytest.mark.parametrize("fmt", ["AVIF", "WEBP"])
def test_an_opaque_source_stays_opaque(fmt: str) -> None:
    decoded = round_trip(Image.new("RGB", (32, 32), (10, 200, 30)), fmt)
    assert decoded.mode == "RGB"


def test_jpeg_output_still_flattens_onto_white() -> None:
    decoded = round_trip(rgba_source(), "JPEG")
    assert decoded.mode == "RGB"
    assert min(decoded.getpixel((2, 24))) >= 245  # transparent: white

"""Every image mode through the main processors: mode, alpha, bit depth and ICC profile kept."""

from __future__ import annotations

import pytest
from PIL import Image, ImageCms

from ik_processors_pilkit import (
    AddBorder,
    Adjust,
    ColorOverlay,
    Crop,
    GaussianBlur,
    MakeOpaque,
    Reflection,
    Resize,
    ResizeCanvas,
    ResizeToCover,
    ResizeToFill,
    ResizeToFit,
    SetOpacity,
    SmartCrop,
    SmartResize,
    Thumbnail,
    Transpose,
    TrimBorderColor,
)

MODES = ["1", "L", "LA", "P+t", "RGB", "RGBA", "CMYK", "I;16"]
RESAMPLING = [
    Resize(10, 7),
    ResizeToCover(10, 10),
    ResizeToFill(10, 10),
    SmartResize(10, 10),
    ResizeToFit(10, 10),
    Thumbnail(10, 10),
]
GEOMETRY = [Crop(10, 7), SmartCrop(10, 7), Transpose(Transpose.ROTATE_90), TrimBorderColor()]
# Padding with a transparent colour needs an alpha channel where the mode has none.
TRANSPARENT_CANVAS = {
    "1": "LA",
    "L": "LA",
    "LA": "LA",
    "P+t": "RGBA",
    "RGB": "RGBA",
    "RGBA": "RGBA",
    "CMYK": "RGBA",
    "I;16": "I;16",
}
OPAQUE_CANVAS = [ResizeToFit(30, 30, mat_color=(0, 0, 0)), AddBorder(2, color="white")]


def base_mode(mode: str) -> str:
    return "P" if mode == "P+t" else mode


def resampled_mode(mode: str) -> str:
    return "RGBA" if mode == "P+t" else mode


def assert_alpha_kept(images, source, out):
    if not images.has_alpha(source):
        return
    assert images.has_alpha(out)
    # The sample's middle rows are transparent; they must still be (mostly) transparent.
    assert out.convert("RGBA").getpixel((out.width // 2, out.height // 2))[3] < 64


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("processor", RESAMPLING, ids=lambda p: type(p).__name__)
def test_resampling_keeps_mode_and_alpha(images, mode, processor):
    source = images.sample(mode)
    out = processor.process(source)
    assert out.size == processor.output_size(source.size)
    assert out.mode == resampled_mode(mode)
    assert_alpha_kept(images, source, out)
    if mode == "I;16":
        assert out.getextrema()[1] > 255  # still 16-bit data, not squashed to 8 bits


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("processor", GEOMETRY, ids=lambda p: type(p).__name__)
def test_geometry_keeps_mode_palette_and_transparency(images, mode, processor):
    source = images.sample(mode)
    out = processor.process(source)
    assert out.mode == base_mode(mode)
    if mode == "P+t":
        assert out.info["transparency"] == source.info["transparency"]
        assert out.getpalette() == source.getpalette()
    if not isinstance(processor, Transpose):
        assert out.size[0] <= source.size[0] and out.size[1] <= source.size[1]


@pytest.mark.parametrize("mode", MODES)
def test_transparent_canvas_mode(images, mode):
    source = images.sample(mode)
    out = ResizeCanvas(30, 20).process(source)
    assert out.size == (30, 20)
    assert out.mode == TRANSPARENT_CANVAS[mode]
    if images.has_alpha(out):
        assert out.convert("RGBA").getpixel((0, 0))[3] == 0


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("processor", OPAQUE_CANVAS, ids=lambda p: type(p).__name__)
def test_opaque_canvas_keeps_mode(images, mode, processor):
    source = images.sample(mode)
    out = processor.process(source)
    assert out.mode == resampled_mode(mode)
    assert out.size == processor.output_size(source.size)


@pytest.mark.parametrize("mode", MODES)
def test_colour_processors_accept_every_mode(images, mode):
    source = images.sample(mode)
    for processor in (Adjust(0.5, 1.1, 0.9, 1.2), ColorOverlay("red"), GaussianBlur(1)):
        out = processor.process(source)
        assert out.size == source.size
        assert_alpha_kept(images, source, out)
    assert SetOpacity(0.5).process(source).mode in ("LA", "RGBA")
    assert not images.has_alpha(MakeOpaque().process(source))
    assert Reflection(size=0.5).process(source).size == (24, 24)


SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def fake_profile(space: bytes) -> bytes:
    """A stand-in profile: only the header's colour-space field matters to the processors."""
    header = bytearray(128)
    header[16:20] = space
    return bytes(header)


EVERY = [
    *RESAMPLING,
    *GEOMETRY,
    *OPAQUE_CANVAS,
    ResizeCanvas(30, 20),
    Adjust(color=0.3),
    ColorOverlay("blue"),
    GaussianBlur(1),
    MakeOpaque(),
    SetOpacity(0.4),
    Reflection(size=0.3),
    Transpose(),
]


@pytest.mark.parametrize("mode", ["RGB", "RGBA", "P+t"])
@pytest.mark.parametrize("processor", EVERY, ids=lambda p: type(p).__name__)
def test_rgb_icc_profile_is_kept(images, mode, processor):
    source = images.sample(mode)
    source.info["icc_profile"] = SRGB
    assert processor.process(source).info.get("icc_profile") == SRGB


def test_profile_is_dropped_where_it_would_mislabel_pixels(images):
    cmyk = images.sample("CMYK")
    cmyk.info["icc_profile"] = fake_profile(b"CMYK")
    assert Resize(10, 10).process(cmyk).info["icc_profile"] == cmyk.info["icc_profile"]
    assert Crop(5, 5).process(cmyk).info["icc_profile"] == cmyk.info["icc_profile"]
    assert "icc_profile" not in Adjust(color=0).process(cmyk).info
    assert "icc_profile" not in ResizeCanvas(30, 30).process(cmyk).info
    gray = images.sample("LA")
    gray.info["icc_profile"] = fake_profile(b"GRAY")
    assert ResizeToFit(10, 10).process(gray).info["icc_profile"] == gray.info["icc_profile"]
    assert MakeOpaque().process(gray).info["icc_profile"] == gray.info["icc_profile"]
    assert "icc_profile" not in ColorOverlay("red").process(gray).info


def test_colour_keyed_rgb_gains_real_alpha_when_resampled():
    img = Image.new("RGB", (20, 20), (0, 255, 0))
    img.paste((1, 2, 3), (0, 0, 10, 20))
    img.info["transparency"] = (1, 2, 3)
    out = Resize(10, 10).process(img)
    assert out.mode == "RGBA"
    assert out.getpixel((1, 5))[3] == 0
    assert out.getpixel((8, 5)) == (0, 255, 0, 255)

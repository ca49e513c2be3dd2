"""Every image mode through the main processors: the modes pilkit gives, alpha, bit depth and
ICC profile kept where the mode is. (tests/differential holds the pixels to pilkit's.)"""

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
from plugins.processors_pilkit.tests.pilkit_cases import MODES

RESAMPLING = [
    Resize(10, 7),
    ResizeToCover(10, 10),
    ResizeToFill(10, 10),
    SmartResize(10, 10),
    ResizeToFit(10, 10),
    Thumbnail(10, 10),
]
GEOMETRY = [SmartCrop(10, 7), Transpose(Transpose.ROTATE_90), TrimBorderColor()]
# What crops or pads goes onto an RGBA canvas, as in pilkit.
CANVASES = (ResizeToFill, Crop, ResizeCanvas, AddBorder)
OPAQUE_CANVAS = [ResizeToFit(30, 30, mat_color=(0, 0, 0)), AddBorder(2, color="white")]


def base_mode(mode: str) -> str:
    return "P" if mode == "P+t" else mode


def resampled_mode(mode: str) -> str:
    # pilkit resolves a palette to its palette's mode: the transparent index becomes a key.
    return "RGB" if mode == "P+t" else mode


def has_alpha(images, img: Image.Image) -> bool:
    return images.has_alpha(img) or "transparency" in img.info


def assert_alpha_kept(images, source, out):
    if not images.has_alpha(source):
        return
    assert has_alpha(images, out)
    # The sample's middle rows are transparent; they must still be (mostly) transparent.
    assert out.convert("RGBA").getpixel((out.width // 2, out.height // 2))[3] < 64


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("processor", RESAMPLING, ids=lambda p: type(p).__name__)
def test_resampling_gives_pilkits_mode_and_keeps_alpha(images, mode, processor):
    source = images.sample(mode)
    out = processor.process(source)
    assert out.size == processor.output_size(source.size)
    assert out.mode == ("RGBA" if isinstance(processor, CANVASES) else resampled_mode(mode))
    if mode != "P+t":  # a colour key does not survive resampling pixel for pixel
        assert_alpha_kept(images, source, out)
    if mode == "I;16" and out.mode == "I;16":
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
    assert out.mode == "RGBA"
    assert out.getpixel((0, 0)) == (255, 255, 255, 0)
    cropped = Crop(10, 7).process(source)
    assert (cropped.mode, cropped.size) == ("RGBA", (10, 7))


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("processor", OPAQUE_CANVAS, ids=lambda p: type(p).__name__)
def test_opaque_canvas_is_rgba(images, mode, processor):
    source = images.sample(mode)
    out = processor.process(source)
    assert out.mode == "RGBA"
    assert out.size == processor.output_size(source.size)


@pytest.mark.parametrize("mode", MODES)
def test_colour_processors_accept_every_mode(images, mode):
    source = images.sample(mode)
    for processor in (Adjust(0.5, 1.1, 0.9, 1.2), GaussianBlur(1)):
        out = processor.process(source)
        assert out.size == source.size
        assert_alpha_kept(images, source, out)
    assert Adjust().process(source).mode == "RGBA"
    assert ColorOverlay("red").process(source).mode == "RGB"  # pilkit drops alpha here
    assert SetOpacity(0.5).process(source).mode in ("LA", "RGBA")
    assert MakeOpaque().process(source).mode == "RGBA"
    reflected = Reflection(size=0.5).process(source)
    assert (reflected.mode, reflected.size) == ("RGBA", (24, 24))


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
    assert SmartCrop(5, 5).process(cmyk).info["icc_profile"] == cmyk.info["icc_profile"]
    assert "icc_profile" not in Crop(5, 5).process(cmyk).info  # RGBA now
    assert "icc_profile" not in Adjust(color=0).process(cmyk).info
    assert "icc_profile" not in ResizeCanvas(30, 30).process(cmyk).info
    gray = images.sample("LA")
    gray.info["icc_profile"] = fake_profile(b"GRAY")
    assert ResizeToFit(10, 10).process(gray).info["icc_profile"] == gray.info["icc_profile"]
    assert "icc_profile" not in MakeOpaque().process(gray).info  # RGBA
    assert "icc_profile" not in ColorOverlay("red").process(gray).info


def test_colour_keyed_rgb_keeps_its_key_when_resampled():
    # As in pilkit: resampled as RGB, the key kept in info, so flat keyed areas stay clear.
    img = Image.new("RGB", (20, 20), (0, 255, 0))
    img.paste((1, 2, 3), (0, 0, 10, 20))
    img.info["transparency"] = (1, 2, 3)
    out = Resize(10, 10).process(img)
    assert out.mode == "RGB" and out.info["transparency"] == (1, 2, 3)
    assert out.convert("RGBA").getpixel((1, 5))[3] == 0
    assert out.getpixel((8, 5)) == (0, 255, 0)

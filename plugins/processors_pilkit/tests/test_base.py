"""Transpose (all EXIF orientations), Adjust, Reflection, MakeOpaque, SetOpacity, GaussianBlur,
Convert and ProcessorPipeline, checked on real pixels."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageFilter

from ik_processors_pilkit import (
    Adjust,
    Convert,
    Crop,
    GaussianBlur,
    MakeOpaque,
    ProcessorPipeline,
    Reflection,
    Resize,
    ResizeToFit,
    SetOpacity,
    Transpose,
)

ORIENTATION = 0x0112
T = Image.Transpose
# What turns the upright picture into the pixels a camera stores with each EXIF orientation
# (the inverse of what a viewer applies: 6 is shown rotated 90 degrees clockwise, and so on).
STORED_AS = {
    1: None,
    2: T.FLIP_LEFT_RIGHT,
    3: T.ROTATE_180,
    4: T.FLIP_TOP_BOTTOM,
    5: T.TRANSPOSE,
    6: T.ROTATE_90,
    7: T.TRANSVERSE,
    8: T.ROTATE_270,
}


def upright() -> Image.Image:
    """48x32, blue, with a red top-left and a green top-right 16x16 corner."""
    img = Image.new("RGB", (48, 32), (0, 0, 255))
    img.paste((255, 0, 0), (0, 0, 16, 16))
    img.paste((0, 255, 0), (32, 0, 48, 16))
    return img


def oriented(orientation: int, fmt: str) -> Image.Image:
    stored = upright()
    if STORED_AS[orientation] is not None:
        stored = stored.transpose(STORED_AS[orientation])
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    buffer = io.BytesIO()
    stored.save(buffer, fmt, exif=exif.tobytes(), **({"quality": 95} if fmt == "JPEG" else {}))
    buffer.seek(0)
    return Image.open(buffer)


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
@pytest.mark.parametrize("orientation", range(1, 9))
def test_transpose_auto_every_exif_orientation(images, orientation, fmt):
    source = oriented(orientation, fmt)
    assert source.getexif()[ORIENTATION] == orientation
    out = Transpose(Transpose.AUTO).process(source)
    assert out.size == (48, 32)
    assert images.close(out.getpixel((8, 8)), images.RED, 12)
    assert images.close(out.getpixel((40, 8)), images.GREEN, 12)
    assert images.close(out.getpixel((8, 24)), images.BLUE, 12)
    assert out.getexif().get(ORIENTATION, 1) == 1
    again = Transpose().process(out)
    assert again.size == out.size and again.tobytes() == out.tobytes()


def test_transpose_auto_without_exif_changes_nothing():
    img = upright()
    assert Transpose().process(img).tobytes() == img.tobytes()
    assert Transpose().methods == (Transpose.AUTO,)


def test_transpose_explicit_methods_in_order(images):
    img = upright()
    rotated = Transpose(Transpose.ROTATE_90).process(img)  # counter-clockwise
    assert rotated.size == (32, 48)
    assert rotated.getpixel((8, 40)) == images.RED
    assert rotated.getpixel((8, 8)) == images.GREEN
    flipped = Transpose(Transpose.FLIP_HORIZONTAL).process(img)
    assert flipped.getpixel((40, 8)) == images.RED
    assert Transpose(Transpose.FLIP_VERTICAL).process(img).getpixel((8, 24)) == images.RED
    assert Transpose(Transpose.ROTATE_180).process(img).getpixel((40, 24)) == images.RED
    assert Transpose(Transpose.ROTATE_270).process(img).getpixel((24, 8)) == images.RED
    both = Transpose(Transpose.ROTATE_90, Transpose.FLIP_VERTICAL).process(img)
    assert both.getpixel((8, 8)) == images.RED
    assert Transpose(Transpose.FLIP_HORIZONTAL, Transpose.AUTO).methods[-1] == Transpose.AUTO


def test_transpose_keeps_palette_and_transparency(images):
    img = images.sample("P+t")
    out = Transpose(Transpose.ROTATE_270).process(img)
    assert out.mode == "P"
    assert out.info["transparency"] == img.info["transparency"]
    assert out.getpalette() == img.getpalette()


def test_adjust_each_factor(images):
    img = images.sample("RGBA")
    gray = Adjust(color=0).process(img)
    assert gray.mode == "RGBA"
    red, green, blue, _ = gray.getpixel((20, 2))
    assert red == green == blue
    assert gray.getchannel("A").tobytes() == img.getchannel("A").tobytes()
    dark = Adjust(brightness=0).process(img.convert("RGB"))
    assert dark.getextrema() == ((0, 0), (0, 0), (0, 0), (255, 255))
    flat = Adjust(contrast=0).process(img.convert("L"))
    low, high = flat.getextrema()[0]
    assert high - low <= 1
    sharp = Adjust(sharpness=2).process(img.convert("RGB"))
    assert sharp.size == img.size and sharp.tobytes() != img.convert("RGBA").tobytes()
    # As pilkit's, the result is RGBA even when no factor changes anything.
    assert Adjust().process(img.convert("L")).mode == "RGBA"


def test_adjust_keeps_gray_alpha(images):
    img = images.sample("LA")
    out = Adjust(brightness=0.5, contrast=1.5).process(img)
    assert out.mode == "RGBA"
    assert out.getchannel("A").tobytes() == img.getchannel("A").tobytes()


def test_reflection_adds_fading_mirror(images):
    img = Image.new("RGB", (20, 10), images.RED)
    out = Reflection(size=0.5).process(img)
    assert out.mode == "RGBA"
    assert out.size == (20, 15)
    assert out.getpixel((5, 5)) == (*images.RED, 255)
    # The first reflected row is about 60% red over white, the last almost white (pilkit's
    # 255-step ramp, resized to the image's height).
    assert images.close(out.getpixel((5, 10)), (255, 117, 117, 255), 2)
    assert images.close(out.getpixel((5, 14)), (255, 240, 240, 255), 3)
    assert Reflection().process(img).size == (20, 10)
    clear = Reflection("#00000000", size=1.0).process(img)
    assert clear.mode == "RGBA" and clear.size == (20, 20)


def test_make_opaque(images):
    half = Image.new("RGBA", (4, 4), (255, 0, 0, 128))
    out = MakeOpaque().process(half)
    # RGBA, as pilkit's: Pillow's paste blends the alpha too, so half transparent stays a bit.
    assert out.mode == "RGBA"
    assert images.close(out.getpixel((0, 0)), (255, 127, 127, 191), 1)
    on_black = MakeOpaque(background_color=(0, 0, 0)).process(half)
    assert images.close(on_black.getpixel((0, 0)), (128, 0, 0, 191), 1)
    assert MakeOpaque().process(Image.new("RGB", (4, 4))).getpixel((0, 0)) == (0, 0, 0, 255)
    palette = images.sample("P+t")
    flat = MakeOpaque(background_color="#00ff00").process(palette)
    assert flat.mode == "RGBA" and flat.getpixel((0, 8)) == (0, 255, 0, 255)
    gray = MakeOpaque(background_color=(255, 255, 255)).process(images.sample("LA"))
    assert gray.getpixel((0, 8)) == (255, 255, 255, 255)


def test_set_opacity(images):
    img = Image.new("RGBA", (2, 2), (1, 2, 3, 200))
    assert SetOpacity(0.5).process(img).getpixel((0, 0)) == (1, 2, 3, 100)
    assert img.getpixel((0, 0)) == (1, 2, 3, 200)
    assert SetOpacity(max_alpha=100).process(img).getpixel((0, 0)) == (1, 2, 3, 100)
    opaque = SetOpacity(0.5).process(Image.new("RGB", (2, 2)))
    assert opaque.mode == "RGBA" and opaque.getpixel((0, 0))[3] == 128
    with pytest.raises(ValueError):
        SetOpacity(1.5)
    with pytest.raises(ValueError):
        SetOpacity(max_alpha=300)


def test_gaussian_blur_spreads_in_the_images_own_mode():
    dot = Image.new("L", (21, 21), 0)
    dot.putpixel((10, 10), 255)
    blurred = GaussianBlur(2).process(dot)
    assert 0 < blurred.getpixel((10, 10)) < 255
    assert blurred.getpixel((12, 10)) > 0
    # Alpha is blurred as one more channel, not premultiplied: as Pillow's filter (and pilkit).
    img = Image.new("RGBA", (20, 10), (255, 0, 0, 0))
    img.paste((0, 0, 255, 255), (10, 0, 20, 10))
    out = GaussianBlur(3).process(img)
    assert out.mode == "RGBA"
    assert out.tobytes() == img.filter(ImageFilter.GaussianBlur(3)).tobytes()
    # Modes Pillow cannot filter (pilkit fails on them) are converted first.
    assert GaussianBlur(2).process(dot.convert("P")).mode == "RGB"


def test_gaussian_blur_modes_pillow_cannot_filter(images):
    assert GaussianBlur(1).process(images.sample("P+t")).mode == "RGBA"
    assert GaussianBlur(1).process(images.sample("1")).mode == "L"
    assert GaussianBlur(1).process(images.sample("I;16")).mode == "L"
    assert GaussianBlur(1).process(images.sample("CMYK")).mode == "CMYK"


def test_convert_is_pillows_convert_as_in_pilkit():
    img = Image.new("I;16", (3, 1))
    for x, value in enumerate((0, 32896, 65535)):
        img.putpixel((x, 0), value)
    out = Convert("L").process(img)
    assert out.tobytes() == img.convert("L").tobytes()
    assert Convert("RGB").process(Image.new("L", (2, 2), 9)).getpixel((0, 0)) == (9, 9, 9)


def test_pipeline_runs_in_order(images):
    pipeline = ProcessorPipeline([Crop(10, 10, anchor="tl"), Resize(5, 4)])
    assert pipeline.process(images.coordinates((40, 40))).size == (5, 4)
    reverse = ProcessorPipeline([Resize(5, 4), Crop(10, 10, anchor="tl")])
    assert reverse.process(images.coordinates((40, 40))).size == (5, 4)
    assert ProcessorPipeline().process(upright()).size == (48, 32)


def test_pipeline_size_hint_chains():
    fit = ResizeToFit(100, 100)
    source = (4000, 3000)
    expected = fit.size_hint(source)
    assert expected == (100, 75)
    assert ProcessorPipeline([fit]).size_hint(source) == expected
    assert ProcessorPipeline([Adjust(color=0), Convert("RGB"), fit]).size_hint(source) == expected
    flipped = ProcessorPipeline([Transpose(Transpose.FLIP_HORIZONTAL), fit])
    assert flipped.size_hint(source) == expected
    nested = ProcessorPipeline([ProcessorPipeline([MakeOpaque()]), ProcessorPipeline([fit])])
    assert nested.size_hint(source) == expected
    assert ProcessorPipeline([fit, Crop(10, 10)]).size_hint(source) == expected
    for blocker in (Crop(10, 10), Transpose(), Adjust(sharpness=2), GaussianBlur(1), object()):
        assert ProcessorPipeline([blocker, fit]).size_hint(source) is None
    assert ProcessorPipeline([Adjust(color=0)]).size_hint(source) == source

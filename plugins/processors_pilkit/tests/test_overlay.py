"""ColorOverlay and ImageOverlay."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageChops

from ik_processors_pilkit import Anchor, ColorOverlay, ImageOverlay


def test_color_overlay_blends_and_drops_alpha_as_pilkit(images):
    blue = Image.new("RGB", (4, 4), images.BLUE)
    half = ColorOverlay(images.RED).process(blue)
    assert half.mode == "RGB"
    assert images.close(half.getpixel((0, 0)), (128, 0, 128), 1)
    assert ColorOverlay("red", overlay_opacity=0).process(blue).getpixel((0, 0)) == images.BLUE
    assert ColorOverlay("red", overlay_opacity=1).process(blue).getpixel((0, 0)) == images.RED
    clear = Image.new("RGBA", (4, 4), (0, 0, 255, 40))
    out = ColorOverlay("#ff0000", 0.25).process(clear)
    assert out.mode == "RGB"
    assert images.close(out.getpixel((0, 0)), (64, 0, 191), 1)
    with pytest.raises(ValueError):
        ColorOverlay("red", 2)


def red_square(size: int = 4) -> Image.Image:
    return Image.new("RGBA", (size, size), (255, 0, 0, 255))


def red_box(img: Image.Image) -> tuple[int, int, int, int] | None:
    blue = Image.new("RGB", img.size, (0, 0, 255))
    return ImageChops.difference(img.convert("RGB"), blue).convert("L").getbbox()


@pytest.mark.parametrize(
    ("anchor", "box"),
    [
        (Anchor.BOTTOM_RIGHT, (16, 6, 20, 10)),
        (Anchor.TOP_LEFT, (0, 0, 4, 4)),
        (Anchor.CENTER, (8, 3, 12, 7)),
        ((0.5, 1), (8, 6, 12, 10)),
        (None, (8, 3, 12, 7)),
    ],
)
def test_image_overlay_anchor(images, anchor, box):
    base = Image.new("RGB", (20, 10), images.BLUE)
    out = ImageOverlay(red_square(), anchor=anchor).process(base)
    assert out.mode == "RGB" and out.size == (20, 10)
    assert red_box(out) == box


def test_image_overlay_sources_coordinates_and_opacity(images, tmp_path):
    base = Image.new("RGB", (20, 10), images.BLUE)
    path = tmp_path / "mark.png"
    red_square().save(path)
    from_path = ImageOverlay(path, x=2, y=3)
    assert from_path.overlay == str(path)
    assert red_box(from_path.process(base)) == (2, 3, 6, 7)
    buffer = io.BytesIO()
    red_square().save(buffer, "PNG")
    from_bytes = ImageOverlay(buffer.getvalue(), x=-2, y=8)
    assert red_box(from_bytes.process(base)) == (0, 8, 2, 10)
    buffer.seek(5)
    assert ImageOverlay(buffer).overlay == buffer.getvalue()
    faint = ImageOverlay(red_square(), x=0, y=0, opacity=0.5).process(base)
    assert images.close(faint.getpixel((0, 0)), (128, 0, 127), 1)
    assert faint.getpixel((10, 5)) == images.BLUE
    with pytest.raises(ValueError):
        ImageOverlay(red_square(), anchor=Anchor.TOP, x=1)
    with pytest.raises(TypeError):
        ImageOverlay(42)


def test_image_overlay_keeps_base_alpha_and_state_is_plain_data():
    base = Image.new("RGBA", (10, 10), (0, 0, 255, 0))
    processor = ImageOverlay(red_square(20))
    out = processor.process(base)
    assert out.mode == "RGBA"
    assert out.getpixel((5, 5)) == (255, 0, 0, 255)
    assert not any(isinstance(value, Image.Image) for value in vars(processor).values())

"""TrimBorderColor and SmartCrop on images with known borders and known busy regions."""

from __future__ import annotations

import random

import pytest
from PIL import Image

from ik_processors_pilkit import Side, SmartCrop, TrimBorderColor


def framed(border: tuple[int, int, int] = (255, 255, 255)) -> Image.Image:
    """40x30 of ``border`` with content in the box (5, 3, 31, 24)."""
    img = Image.new("RGB", (40, 30), border)
    img.paste((0, 0, 200), (5, 3, 31, 24))
    img.paste((200, 0, 0), (10, 8, 20, 12))
    return img


def test_trim_detects_and_trims_a_known_border():
    out = TrimBorderColor().process(framed())
    assert out.size == (26, 21)
    assert out.getpixel((0, 0)) == (0, 0, 200)
    assert out.getpixel((25, 20)) == (0, 0, 200)


def test_trim_only_the_chosen_sides():
    img = framed()
    assert TrimBorderColor(sides=(Side.TOP, Side.LEFT)).process(img).size == (35, 27)
    assert TrimBorderColor(sides=[Side.BOTTOM]).process(img).size == (40, 24)
    assert TrimBorderColor(sides=(Side.RIGHT,)).process(img).size == (31, 30)
    with pytest.raises(ValueError):
        TrimBorderColor(sides=("x",))


def test_trim_tolerance_and_explicit_colour():
    img = framed((250, 250, 250))
    assert TrimBorderColor(color=(255, 255, 255), tolerance=0).process(img).size == (40, 30)
    assert TrimBorderColor(color=(255, 255, 255), tolerance=0.1).process(img).size == (26, 21)
    assert TrimBorderColor(color="#fafafa", tolerance=0).process(img).size == (26, 21)
    with pytest.raises(ValueError):
        TrimBorderColor(tolerance=2)


def test_trim_all_border_image_is_returned_whole():
    img = Image.new("RGB", (10, 10), (9, 9, 9))
    assert TrimBorderColor().process(img) is img
    assert TrimBorderColor(tolerance=1).process(framed()).size == (40, 30)


def test_trim_keeps_mode_palette_and_transparency_border():
    palette = framed().quantize(colors=4)
    out = TrimBorderColor().process(palette)
    assert out.mode == "P" and out.size == (26, 21)
    clear = Image.new("RGBA", (20, 20), (0, 0, 0, 0))
    clear.paste((9, 9, 9, 255), (4, 5, 10, 12))
    out = TrimBorderColor().process(clear)
    assert out.mode == "RGBA" and out.size == (6, 7)


def noisy(size: tuple[int, int], box: tuple[int, int, int, int], seed: int = 7) -> Image.Image:
    """A flat gray image with random noise inside ``box``."""
    img = Image.new("L", size, 128)
    rng = random.Random(seed)
    width, height = box[2] - box[0], box[3] - box[1]
    noise = Image.new("L", (width, height))
    noise.putdata([rng.randrange(256) for _ in range(width * height)])
    img.paste(noise, box[:2])
    return img


@pytest.mark.parametrize(
    ("size", "box", "target"),
    [
        ((200, 50), (150, 0, 200, 50), (50, 50)),
        ((200, 50), (0, 0, 50, 50), (50, 50)),
        ((50, 200), (0, 75, 50, 125), (50, 50)),
        ((333, 17), (200, 0, 240, 17), (40, 17)),
    ],
)
def test_smart_crop_keeps_the_high_entropy_region(size, box, target):
    img = noisy(size, box)
    out = SmartCrop(*target).process(img)
    assert out.size == target
    assert out.tobytes() == img.crop(box).tobytes()


def test_smart_crop_never_enlarges_and_keeps_mode():
    img = noisy((30, 20), (0, 0, 10, 10)).convert("P")
    out = SmartCrop(100, 10).process(img)
    assert out.size == (30, 10) and out.mode == "P"
    assert SmartCrop().process(img).size == (30, 20)
    assert SmartCrop(1, 1).process(Image.new("RGB", (1, 1))).size == (1, 1)

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


def clear_framed(border: tuple[int, int, int, int] = (255, 255, 255, 0)) -> Image.Image:
    """``framed()`` whose border is transparent: pilkit trims by alpha alone (see there)."""
    img = framed().convert("RGBA")
    img.paste(border, (0, 0, 40, 3))
    img.paste(border, (0, 24, 40, 30))
    img.paste(border, (0, 0, 5, 30))
    img.paste(border, (31, 0, 40, 30))
    return img


def test_trim_detects_and_trims_a_known_transparent_border():
    out = TrimBorderColor(tolerance=0).process(clear_framed())
    assert out.size == (26, 21)
    assert out.getpixel((0, 0)) == (0, 0, 200, 255)
    assert out.getpixel((25, 20)) == (0, 0, 200, 255)
    assert TrimBorderColor(tolerance=1).process(clear_framed()).size == (26, 21)


def test_trim_sees_only_alpha_and_no_tolerance_between_0_and_1_as_pilkit():
    # pilkit takes the bounding box with Pillow's getbbox(), which on RGBA reads alpha alone,
    # after subtracting the tolerance from every channel, alpha included.
    assert TrimBorderColor(tolerance=0).process(framed()).size == (40, 30)
    assert TrimBorderColor().process(clear_framed()).size == (40, 30)
    assert TrimBorderColor(tolerance=0.1).process(clear_framed()).size == (40, 30)


def test_trim_only_the_chosen_sides():
    img = clear_framed()
    trim = TrimBorderColor(tolerance=0, sides=(Side.TOP, Side.LEFT))
    assert trim.process(img).size == (35, 27)
    assert TrimBorderColor(tolerance=0, sides=[Side.BOTTOM]).process(img).size == (40, 24)
    assert TrimBorderColor(tolerance=0, sides=(Side.RIGHT,)).process(img).size == (31, 30)
    with pytest.raises(ValueError):
        TrimBorderColor(sides=("x",))


def test_trim_explicit_colour():
    img = clear_framed()
    assert TrimBorderColor(color=(9, 9, 9, 0), tolerance=0).process(img).size == (26, 21)
    assert TrimBorderColor(color=(0, 0, 200, 255), tolerance=0).process(img).size == (40, 30)
    with pytest.raises(ValueError):
        TrimBorderColor(tolerance=2)


def test_trim_all_border_image_is_returned_whole():
    img = Image.new("RGB", (10, 10), (9, 9, 9))
    assert TrimBorderColor(tolerance=0).process(img) is img


def test_trim_keeps_mode_palette_and_transparency_border():
    palette = framed().quantize(colors=4)
    palette.info["transparency"] = palette.getpixel((0, 0))
    out = TrimBorderColor(tolerance=0).process(palette)
    assert out.mode == "P" and out.size == (26, 21)
    clear = Image.new("RGBA", (20, 20), (0, 0, 0, 0))
    clear.paste((9, 9, 9, 255), (4, 5, 10, 12))
    out = TrimBorderColor(tolerance=0).process(clear)
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
        ((50, 200), (0, 150, 50, 200), (50, 50)),
        ((50, 200), (0, 0, 50, 50), (50, 50)),
        ((333, 17), (293, 0, 333, 17), (40, 17)),
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

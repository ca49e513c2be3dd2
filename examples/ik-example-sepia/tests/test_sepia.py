"""The plugin's own tests: it is discovered, registers Sepia, and Sepia does what it says."""

from __future__ import annotations

from pathlib import Path

import pytest
from ik_host.registry import resolve
from ik_processors_pilkit.pillow_engine import RESCALE, draft_size, process
from PIL import Image

from ik_example_sepia import Sepia


def test_registered_under_its_name_and_alias() -> None:
    assert resolve("processor", "Sepia") is Sepia
    assert resolve("processor", "sepia") is Sepia  # case does not matter
    assert resolve("processor", "ik_example_sepia.Sepia") is Sepia


def test_full_strength_is_warm_monochrome() -> None:
    img = Image.new("RGB", (8, 8), (20, 120, 240))  # a cold blue
    r, g, b = Sepia().process(img).getpixel((0, 0))
    assert r > g > b  # brown: red over green over blue


def test_zero_strength_leaves_the_colours() -> None:
    img = Image.new("RGB", (8, 8), (20, 120, 240))
    assert Sepia(strength=0.0).process(img).getpixel((0, 0)) == (20, 120, 240)


def test_transparency_is_kept() -> None:
    img = Image.new("RGBA", (8, 8), (200, 0, 0, 0))
    img.putpixel((1, 1), (200, 0, 0, 255))
    out = Sepia().process(img)
    assert out.mode == "RGBA"
    assert out.getpixel((0, 0))[3] == 0 and out.getpixel((1, 1))[3] == 255


def test_bad_strength_is_refused() -> None:
    with pytest.raises(ValueError, match=r"between 0\.0 and 1\.0"):
        Sepia(strength=2)


class Shrink:
    """A stand-in resize processor that rescales to a fixed size."""

    size_role = RESCALE

    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = width, height

    def size_hint(self, source_size: tuple[int, int]) -> tuple[int, int]:
        return (self.width, self.height)

    def process(self, img: Image.Image) -> Image.Image:
        return img.resize((self.width, self.height))


def test_a_resize_after_it_still_shrinks_on_load(tmp_path: Path) -> None:
    # Sepia is size-neutral, so the resize behind it decides how small the JPEG is decoded.
    assert draft_size([Sepia(), Shrink(160, 120)], (1600, 1200)) == (400, 300)  # 1/4 scale
    source = tmp_path / "big.jpg"
    Image.new("RGB", (1600, 1200), (10, 90, 200)).save(source, quality=90)
    out = process(str(source), [Sepia(), Shrink(160, 120)], "JPEG")
    assert (out.width, out.height) == (160, 120)
    with Image.open(out) as img:
        r, g, b = img.convert("RGB").getpixel((80, 60))
    assert r > g > b

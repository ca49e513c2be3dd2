"""Anchors place boxes pixel-exactly: Crop, ResizeToFill, ResizeCanvas and ResizeToFit(mat)."""

from __future__ import annotations

from fractions import Fraction
from math import floor

import pytest
from PIL import Image, ImageChops

from ik_processors_pilkit import Anchor, Crop, ResizeCanvas, ResizeToFill, ResizeToFit

NAMED = {
    Anchor.TOP_LEFT: (0, 0),
    Anchor.TOP: (Fraction(1, 2), 0),
    Anchor.TOP_RIGHT: (1, 0),
    Anchor.LEFT: (0, Fraction(1, 2)),
    Anchor.CENTER: (Fraction(1, 2), Fraction(1, 2)),
    Anchor.RIGHT: (1, Fraction(1, 2)),
    Anchor.BOTTOM_LEFT: (0, 1),
    Anchor.BOTTOM: (Fraction(1, 2), 1),
    Anchor.BOTTOM_RIGHT: (1, 1),
}
TUPLE = (0.25, 0.7)
ANCHORS = [*NAMED, TUPLE]


def fractions(anchor) -> tuple[Fraction, Fraction]:
    if isinstance(anchor, str):
        x, y = NAMED[anchor]
    else:
        x, y = (Fraction(str(value)) for value in anchor)
    return Fraction(x), Fraction(y)


def offset(spare: int, fraction: Fraction) -> int:
    """Expected placement: floor of the spare pixels times the fraction (odd pixel after)."""
    return floor(spare * fraction)


def bbox_of_not(img: Image.Image, color: tuple[int, ...]) -> tuple[int, int, int, int] | None:
    """Bounding box of the pixels that clearly differ from ``color``."""
    flat = Image.new(img.mode, img.size, color)
    difference = ImageChops.difference(img, flat).convert("L")
    return difference.point(lambda v: 255 if v > 40 else 0).getbbox()


def test_get_tuple_names_and_tuples():
    for name, (x, y) in NAMED.items():
        assert Anchor.get_tuple(name) == (x, y)
    assert Anchor.get_tuple((0.25, 0.7)) == (0.25, 0.7)
    assert Anchor.get_tuple([1, 0]) == (1, 0)
    for bad in ("middle", (0.5,), (1.5, 0), ("a", "b"), None):
        with pytest.raises(ValueError):
            Anchor.get_tuple(bad)


@pytest.mark.parametrize("anchor", ANCHORS)
@pytest.mark.parametrize("source", [(50, 40), (40, 50), (333, 17), (17, 333)])
def test_crop_box_for_every_anchor(images, anchor, source):
    img = images.coordinates(source)
    width, height = min(20, source[0]), min(10, source[1])
    out = Crop(20, 10, anchor=anchor).process(img)
    fx, fy = fractions(anchor)
    left, top = offset(source[0] - width, fx), offset(source[1] - height, fy)
    assert out.size == (width, height)
    assert images.decode(out.getpixel((0, 0))) == (left, top)
    assert images.decode(out.getpixel((width - 1, height - 1))) == (
        left + width - 1,
        top + height - 1,
    )


def test_crop_odd_centre_puts_extra_pixel_after(images):
    out = Crop(2, 2).process(images.coordinates((5, 5)))
    assert images.decode(out.getpixel((0, 0))) == (1, 1)


def test_crop_coordinates_place_the_image_on_the_result_as_pilkit_does(images):
    # pilkit's x, y put the image's top-left corner there: negative values cut into it.
    img = images.coordinates((30, 20))
    assert images.decode(Crop(10, 5, x=-4, y=-3).process(img).getpixel((0, 0))) == (4, 3)
    shifted = Crop(10, 5, x=4, y=3).process(img)
    assert shifted.getpixel((0, 0)) == (255, 255, 255, 0)  # uncovered: transparent white
    assert images.decode(shifted.getpixel((4, 3))) == (0, 0)
    assert images.decode(Crop(10, 5, y=-7).process(img).getpixel((0, 0))) == (0, 7)
    with pytest.raises(ValueError):
        Crop(10, 5, anchor=Anchor.TOP, x=1)


def test_crop_never_enlarges_and_missing_dimensions_keep_source(images):
    img = images.coordinates((30, 20))
    assert Crop(100, 100).process(img).size == (30, 20)
    assert Crop(width=10).process(img).size == (10, 20)
    assert Crop(height=10).process(img).size == (30, 10)
    assert Crop(1, 1).process(images.coordinates((1, 1))).size == (1, 1)


@pytest.mark.parametrize("anchor", ANCHORS)
def test_resize_to_fill_anchor_box_without_resampling(images, anchor):
    # Covering 60x20 with a 60x40 source needs no scaling, so the crop box is exact.
    fx, fy = fractions(anchor)
    landscape = ResizeToFill(60, 20, anchor=anchor).process(images.coordinates((60, 40)))
    assert landscape.size == (60, 20)
    assert images.decode(landscape.getpixel((0, 0))) == (0, offset(20, fy))
    portrait = ResizeToFill(20, 60, anchor=anchor).process(images.coordinates((40, 60)))
    assert portrait.size == (20, 60)
    assert images.decode(portrait.getpixel((0, 0))) == (offset(20, fx), 0)


def stripes(size: tuple[int, int], vertical: bool) -> Image.Image:
    """Three equal stripes, red / green / blue, across the long axis."""
    img = Image.new("RGB", size)
    third = (size[0] if vertical else size[1]) // 3
    for index, color in enumerate(((255, 0, 0), (0, 255, 0), (0, 0, 255))):
        if vertical:
            img.paste(color, (index * third, 0, (index + 1) * third, size[1]))
        else:
            img.paste(color, (0, index * third, size[0], (index + 1) * third))
    return img


@pytest.mark.parametrize(
    ("anchor", "stripe"),
    [(Anchor.LEFT, 0), (Anchor.CENTER, 1), (Anchor.RIGHT, 2), (Anchor.TOP_LEFT, 0), ((1, 0), 2)],
)
def test_resize_to_fill_keeps_the_anchored_stripe(images, anchor, stripe):
    expected = ((255, 0, 0), (0, 255, 0), (0, 0, 255))[stripe]
    landscape = ResizeToFill(50, 50, anchor=anchor).process(stripes((300, 100), vertical=True))
    assert landscape.size == (50, 50)
    assert images.close(landscape.getpixel((25, 25)), (*expected, 255))
    transposed = anchor if isinstance(anchor, tuple) else Anchor.get_tuple(anchor)
    portrait = ResizeToFill(50, 50, anchor=transposed[::-1]).process(
        stripes((100, 300), vertical=False)
    )
    assert portrait.size == (50, 50)
    assert images.close(portrait.getpixel((25, 25)), (*expected, 255))


@pytest.mark.parametrize("anchor", ANCHORS)
def test_resize_canvas_places_image_at_anchor(images, anchor):
    img = Image.new("RGB", (10, 6), images.GREEN)
    out = ResizeCanvas(31, 20, color=images.RED, anchor=anchor).process(img)
    fx, fy = fractions(anchor)
    x, y = offset(21, fx), offset(14, fy)
    assert out.mode == "RGBA"  # every canvas is, as in pilkit
    assert out.size == (31, 20)
    assert bbox_of_not(out, images.RED) == (x, y, x + 10, y + 6)


@pytest.mark.parametrize("anchor", ANCHORS)
def test_resize_canvas_smaller_than_image_crops_at_anchor(images, anchor):
    img = images.coordinates((30, 21))
    out = ResizeCanvas(10, 6, anchor=anchor).process(img)
    fx, fy = fractions(anchor)
    assert out.mode == "RGBA"
    assert images.decode(out.getpixel((0, 0))) == (offset(20, fx), offset(15, fy))


def test_resize_canvas_coordinates_may_be_negative(images):
    img = Image.new("RGB", (10, 6), images.GREEN)
    out = ResizeCanvas(20, 20, color=images.RED, x=-4, y=15).process(img)
    assert bbox_of_not(out, images.RED) == (0, 15, 6, 20)
    only_x = ResizeCanvas(20, 20, color=images.RED, x=3).process(img)
    assert bbox_of_not(only_x, images.RED) == (3, 0, 13, 6)
    with pytest.raises(ValueError):
        ResizeCanvas(20, 20, anchor=Anchor.TOP, y=2)


@pytest.mark.parametrize("anchor", ANCHORS)
def test_resize_to_fit_mat_places_image_at_anchor(images, anchor):
    fx, fy = fractions(anchor)
    green = images.GREEN
    landscape = ResizeToFit(30, 30, mat_color=images.RED, anchor=anchor)
    out = landscape.process(Image.new("RGB", (40, 20), green))
    assert out.size == (30, 30)
    y = offset(15, fy)
    assert bbox_of_not(out, images.RED) == (0, y, 30, y + 15)
    portrait = ResizeToFit(30, 30, mat_color="#ff0000", anchor=anchor)
    out = portrait.process(Image.new("RGB", (20, 40), green))
    x = offset(15, fx)
    assert bbox_of_not(out, images.RED) == (x, 0, x + 15, 30)

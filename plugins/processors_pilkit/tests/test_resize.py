"""Sizes, pixels and options of the resize processors."""

from __future__ import annotations

import pytest
from PIL import Image, ImageChops, ImageDraw, ImageStat

from ik_processors_pilkit import (
    AddBorder,
    Anchor,
    Crop,
    Resize,
    ResizeCanvas,
    ResizeToCover,
    ResizeToFill,
    ResizeToFit,
    SmartResize,
    Thumbnail,
)
from ik_processors_pilkit import pilkit_resize as resize_module
from ik_processors_pilkit._modes import resample
from ik_processors_pilkit.pilkit_resize import BOX_BELOW, BOX_MODES


def rgb(size: tuple[int, int]) -> Image.Image:
    return Image.new("RGB", size, (10, 120, 200))


@pytest.mark.parametrize(
    ("source", "upscale", "expected"),
    [
        ((200, 100), True, (60, 40)),
        ((100, 200), True, (60, 40)),
        ((30, 20), True, (60, 40)),
        ((30, 20), False, (30, 20)),
        ((60, 30), False, (60, 30)),  # height would grow: keep the source
        ((200, 100), False, (60, 40)),
        ((1, 1), True, (60, 40)),
    ],
)
def test_resize_exact_size(source, upscale, expected):
    assert Resize(60, 40, upscale=upscale).process(rgb(source)).size == expected


@pytest.mark.parametrize(
    ("source", "box", "upscale", "expected"),
    [
        ((200, 100), (100, 100), True, (100, 50)),
        ((100, 200), (100, 100), True, (50, 100)),
        ((200, 100), (100, None), True, (100, 50)),
        ((200, 100), (None, 25), True, (50, 25)),
        ((50, 20), (100, 100), True, (100, 40)),
        ((50, 20), (100, 100), False, (50, 20)),
        ((333, 17), (100, 100), True, (100, 5)),
        ((17, 333), (100, 100), True, (5, 100)),
        ((1000, 1), (100, 100), True, (100, 1)),
        ((1, 1), (7, 9), True, (7, 7)),
        ((3, 2), (2, 2), True, (2, 1)),  # 1.33 rounds down
        ((4, 3), (2, 2), True, (2, 2)),  # 1.5 rounds half up
    ],
)
def test_resize_to_fit_sizes(source, box, upscale, expected):
    out = ResizeToFit(*box, upscale=upscale).process(rgb(source))
    assert out.size == expected


def test_resize_to_fit_needs_a_bound():
    with pytest.raises(ValueError):
        ResizeToFit()
    with pytest.raises(ValueError):
        ResizeToFit(0, 10)


def test_resize_to_fit_mat_with_one_bound_and_no_upscale():
    out = ResizeToFit(100, 100, upscale=False, mat_color=(0, 0, 0)).process(rgb((40, 20)))
    assert out.size == (100, 100)
    assert out.getpixel((0, 0)) == (0, 0, 0, 255)  # a mat is RGBA, as in pilkit
    assert out.getpixel((50, 50)) == (10, 120, 200, 255)
    assert ResizeToFit(width=50, mat_color=0).process(rgb((100, 30))).size == (50, 15)


@pytest.mark.parametrize(
    ("source", "expected"),
    [((95, 95), (28, 28)), ((200, 100), (56, 28)), ((100, 200), (28, 56)), ((333, 17), (548, 28))],
)
def test_resize_to_cover_sizes(source, expected):
    assert ResizeToCover(28, 28).process(rgb(source)).size == expected


@pytest.mark.parametrize(
    ("source", "upscale", "expected"),
    [
        ((95, 95), True, (28, 28)),
        ((200, 100), True, (28, 28)),
        ((100, 200), True, (28, 28)),
        ((333, 17), True, (28, 28)),
        ((17, 333), True, (28, 28)),
        ((1, 1), True, (28, 28)),
        ((10, 10), False, (10, 10)),
        ((10, 100), False, (10, 28)),
        ((100, 10), False, (28, 10)),
    ],
)
def test_resize_to_fill_and_smart_resize_sizes(source, upscale, expected):
    for cls in (ResizeToFill, SmartResize):
        assert cls(28, 28, upscale=upscale).process(rgb(source)).size == expected


def test_resize_to_fill_needs_both_dimensions():
    with pytest.raises(ValueError):
        ResizeToFill(width=10)


def test_smart_resize_keeps_the_busy_part():
    img = Image.new("L", (300, 100), 200)
    draw = ImageDraw.Draw(img)
    for x in range(200, 300, 8):
        draw.rectangle((x, 0, x + 3, 99), fill=0)
    out = SmartResize(50, 50).process(img)
    assert out.size == (50, 50)
    low, high = out.getextrema()
    assert high - low > 100  # the striped third survived, not the flat two thirds


def test_resize_antialiases_palette_images():
    img = Image.new("P", (200, 200), 1)
    img.putpalette([0, 0, 0, 255, 255, 255, 0, 0, 255])
    ImageDraw.Draw(img).ellipse((40, 40, 160, 160), fill=2)
    out = Resize(50, 50).process(img)
    assert out.mode == "RGB"
    assert len(out.getcolors(maxcolors=1 << 16)) > 3


def test_bilevel_resize_stays_bilevel_with_edges_in_place():
    # Pillow (so pilkit) resamples "1" by nearest neighbour: values are kept as they are.
    img = Image.new("1", (8, 8), 1)
    img.paste(0, (0, 0, 4, 8))
    out = Resize(4, 4).process(img)
    assert out.mode == "1"
    rows = [[out.getpixel((x, y)) for x in range(4)] for y in range(4)]
    assert all(row == [0, 0, 1, 1] for row in rows)


def test_sixteen_bit_resize_keeps_its_range():
    img = Image.new("I;16", (400, 40), 40000)  # big enough for a reducing step
    out = ResizeToFit(10, 10).process(img)
    assert out.mode == "I;16"
    assert out.getextrema() == (40000, 40000)


def test_resize_canvas_default_is_transparent_white_and_rgba():
    out = ResizeCanvas(20, 10).process(Image.new("RGB", (10, 10), (1, 2, 3)))
    assert out.mode == "RGBA"
    assert out.getpixel((0, 0)) == (255, 255, 255, 0)
    assert out.getpixel((10, 5)) == (1, 2, 3, 255)
    gray = ResizeCanvas(20, 10).process(Image.new("L", (10, 10), 7))
    assert gray.mode == "RGBA"  # every canvas is, as in pilkit
    assert gray.getpixel((0, 0))[3] == 0
    colored = ResizeCanvas(20, 10, color="blue").process(Image.new("L", (10, 10), 7))
    assert colored.getpixel((0, 0)) == (0, 0, 255, 255)
    assert colored.getpixel((10, 5)) == (7, 7, 7, 255)
    inside = ResizeCanvas(4, 4).process(Image.new("L", (10, 10), 7))
    assert (inside.mode, inside.getpixel((0, 0))) == ("RGBA", (7, 7, 7, 255))


def test_add_border_uniform_and_per_side():
    img = Image.new("RGB", (10, 6), (0, 255, 0))
    out = AddBorder(2, color=(255, 0, 0)).process(img)
    assert out.size == (14, 10)
    assert out.getpixel((0, 0)) == (255, 0, 0, 255)
    assert out.getpixel((1, 5)) == (255, 0, 0, 255)
    assert out.getpixel((2, 2)) == (0, 255, 0, 255)
    assert out.getpixel((11, 7)) == (0, 255, 0, 255)
    assert out.getpixel((12, 7)) == (255, 0, 0, 255)
    sides = AddBorder((1, 2, 3, 4), color="#ff0000")
    assert (sides.top, sides.right, sides.bottom, sides.left) == (1, 2, 3, 4)
    out = sides.process(img)
    assert out.size == (16, 10)
    assert out.getpixel((4, 1)) == (0, 255, 0, 255)
    assert out.getpixel((3, 1)) == (255, 0, 0, 255)
    assert out.getpixel((4, 0)) == (255, 0, 0, 255)
    assert out.getpixel((13, 6)) == (0, 255, 0, 255)
    assert out.getpixel((14, 6)) == (255, 0, 0, 255)
    assert out.getpixel((13, 7)) == (255, 0, 0, 255)
    with pytest.raises(ValueError):
        AddBorder((1, 2))


def test_thumbnail_choices():
    both = Thumbnail(30, 20)
    assert both.crop is True and both.anchor == "auto"
    assert isinstance(both.delegate(), SmartResize)
    anchored = Thumbnail(30, 20, anchor=Anchor.TOP)
    assert anchored.crop is True
    assert isinstance(anchored.delegate(), ResizeToFill)
    assert isinstance(Thumbnail(30, 20, crop=True).delegate(), ResizeToFill)
    assert isinstance(Thumbnail(30, 20, crop=False).delegate(), ResizeToFit)
    assert isinstance(Thumbnail(width=30).delegate(), ResizeToFit)
    with pytest.raises(ValueError):
        Thumbnail(30, 20, anchor=Anchor.TOP, crop=False)
    with pytest.raises(ValueError):
        Thumbnail(width=30, crop=True)
    with pytest.raises(ValueError):
        Thumbnail()


def test_thumbnail_sizes_and_default_no_upscale():
    assert Thumbnail(30, 20).process(rgb((300, 100))).size == (30, 20)
    assert Thumbnail(30, 20, crop=False).process(rgb((300, 100))).size == (30, 10)
    assert Thumbnail(height=20).process(rgb((100, 200))).size == (10, 20)
    assert Thumbnail(300, 200).process(rgb((30, 20))).size == (30, 20)
    assert Thumbnail(300, 200, upscale=True).process(rgb((30, 20))).size == (300, 200)


def _photo_like(size: tuple[int, int]) -> Image.Image:
    """Smooth gradients with hard edges: what a resampling difference would show on."""
    img = Image.linear_gradient("L").resize(size).convert("RGB")
    draw = ImageDraw.Draw(img)
    width, height = size
    draw.ellipse((width // 5, height // 4, width * 3 // 4, height * 4 // 5), fill=(200, 30, 60))
    draw.line((0, size[1] - 1, size[0] - 1, 0), fill=(20, 220, 40), width=3)
    return img


@pytest.mark.parametrize("mode", ["RGB", "RGBA", "L", "LA", "CMYK", "I;16", "P", "1"])
@pytest.mark.parametrize("anchor", [None, Anchor.TOP_LEFT, Anchor.BOTTOM_RIGHT, (0.3, 0.8)])
@pytest.mark.parametrize(("source", "box"), [((1061, 707), (300, 300)), ((500, 900), (240, 300)),
                                             ((120, 90), (200, 200)), ((2000, 900), (300, 250)),
                                             ((3000, 1200), (300, 250))])
def test_resize_to_fill_is_cover_then_crop(monkeypatch, mode, anchor, source, box):
    """Resampling only the region kept gives the pixels of resizing all, then cropping."""
    img = _photo_like(source).convert(mode) if mode != "I;16" else (
        _photo_like(source).convert("I").point(lambda v: v * 200).convert("I;16"))
    fill = ResizeToFill(*box, anchor=anchor)
    boxes = []

    def recording(img, size, box=None, reduce=True, exact=False):
        boxes.append(box is not None)  # a region, not the whole image
        return resample(img, size, box=box, reduce=reduce, exact=exact)

    monkeypatch.setattr(resize_module, "resample", recording)
    ours = fill.process(img)
    monkeypatch.undo()
    covered = ResizeToCover(*box).output_size(source)
    shrink = max(s / c for s, c in zip(source, covered, strict=True))
    boxed = mode in BOX_MODES and shrink < BOX_BELOW
    # Boxed, nothing is reduced first: compare with a cover that reduces nothing either.
    theirs = Crop(*box, anchor=anchor).process(resample(img, covered, reduce=not boxed))
    assert ours.size == theirs.size and ours.mode == theirs.mode
    if mode == "I;16":
        assert ours.tobytes() == theirs.tobytes()
    else:
        difference = ImageStat.Stat(ImageChops.difference(ours.convert("RGBA"),
                                                          theirs.convert("RGBA"))).mean
        assert max(difference) < 0.05
    assert any(boxes) == boxed


@pytest.mark.parametrize(("source", "reduced"), [((1500, 1000), False), ((3000, 2000), True)])
def test_resize_to_fill_reduces_first_only_from_four_times_the_size(monkeypatch, source, reduced):
    """A drafted 24 MP photo (1500x1000 at 1/4) to a 300 px crop shrinks 3.3x: reducing it by
    whole factors first moved it 0.5 grey levels from a fair resample, for little time."""
    img, gaps = _photo_like(source), []
    original = Image.Image.resize

    def recording(self, size, resample=None, box=None, reducing_gap=None):
        gaps.append(reducing_gap)
        return original(self, size, resample, box, reducing_gap)

    monkeypatch.setattr(Image.Image, "resize", recording)
    ResizeToFill(300, 300).process(img)
    assert (gaps[0] is not None) == reduced


@pytest.mark.parametrize("size", [(1, 2), (2, 1), (1, 3)])
def test_fit_without_upscale_rounding_a_side_to_zero_still_fits_in_one_pixel(size) -> None:
    # pilkit rounds the 1 px side to 0 and fails; the bound is kept here with a 1 px side.
    bound = min(size)
    out = ResizeToFit(None, bound, upscale=False).process(Image.new("RGB", size))
    assert out.height <= bound and out.size == ResizeToFit(None, bound).output_size(size)
    out = ResizeToFit(bound, None, upscale=False).process(Image.new("RGB", size))
    assert out.width <= bound

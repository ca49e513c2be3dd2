"""Processors that cut part of the image away, without resampling it.

``Crop`` puts what it keeps on an RGBA canvas, as pilkit's does; ``SmartCrop`` and
``TrimBorderColor`` keep the source's mode, palette, transparency and ICC profile.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import ClassVar

from PIL import Image, ImageChops, ImageDraw, ImageStat

from ik_processors_pilkit._geometry import Size, anchor_offset
from ik_processors_pilkit._modes import carry_icc
from ik_processors_pilkit.colors import TRANSPARENT_WHITE, ColorLike, parse_color
from ik_processors_pilkit.pilkit_base import (
    Anchor,
    AnchorLike,
    check_dimension,
    check_fraction,
    normalize_anchor,
)
from ik_processors_pilkit.pillow_engine import OTHER

Box = tuple[int, int, int, int]


class Side:
    """The sides ``TrimBorderColor`` may trim."""

    TOP = "t"
    RIGHT = "r"
    BOTTOM = "b"
    LEFT = "l"
    ALL = (TOP, RIGHT, BOTTOM, LEFT)


def crop_to(img: Image.Image, box: Box) -> Image.Image:
    """``img`` cut to ``box``; the image itself when the box is all of it."""
    if box == (0, 0, *img.size):
        return img
    return img.crop(box)


def on_canvas(img: Image.Image, box: Box, color: ColorLike = None) -> Image.Image:
    """The ``box`` of ``img`` (it may reach past the image's edges) as an RGBA image, what
    lies outside the image filled with ``color`` (transparent white when false, as in pilkit).
    """
    left, top, right, bottom = box
    if left >= 0 and top >= 0 and right <= img.width and bottom <= img.height:
        # Converting only the part kept is quicker, and the pixels are the same.
        part = img.crop(box)
        return carry_icc(img, part if part.mode == "RGBA" else part.convert("RGBA"))
    canvas = Image.new("RGBA", (right - left, bottom - top), color or TRANSPARENT_WHITE)
    canvas.paste(img, (-left, -top))
    return carry_icc(img, canvas)


def detect_border_color(img: Image.Image) -> tuple[int, int, int, int]:
    """The per-channel median (RGBA) of the image's outermost ring of pixels."""
    rgba = img.convert("RGBA")
    ring = Image.new("L", rgba.size, 255)
    if rgba.width > 2 and rgba.height > 2:
        ImageDraw.Draw(ring).rectangle((1, 1, rgba.width - 2, rgba.height - 2), fill=0)
    red, green, blue, alpha = (int(value) for value in ImageStat.Stat(rgba, ring).median)
    return (red, green, blue, alpha)


class TrimBorderColor:
    """Trims a border of one colour from the chosen sides, as pilkit 3.0 does on current Pillow.

    ``color`` is the border colour (any form ``parse_color`` takes); None detects it as the
    median colour of the outermost pixels. pilkit takes the bounding box of the difference from
    that colour with Pillow's ``getbbox()``, which on an RGBA image looks at alpha alone: so
    only pixels whose opacity differs from the border's count as content, and a ``tolerance``
    strictly between 0 and 1 (subtracted from the alpha difference too) leaves none, trimming
    nothing. An image that is all border is returned as is.
    """

    size_role: ClassVar[str] = OTHER

    def __init__(
        self, color: ColorLike = None, tolerance: float = 0.3, sides: Iterable[str] = Side.ALL
    ) -> None:
        if color is not None:
            parse_color(color)
        self.color = tuple(color) if isinstance(color, list) else color
        self.tolerance = check_fraction(tolerance, "tolerance")
        self.sides = tuple(sides)
        unknown = set(self.sides) - set(Side.ALL)
        if unknown:
            raise ValueError(f"unknown sides {sorted(unknown)}; use the Side constants")

    def process(self, img: Image.Image) -> Image.Image:
        box = self.content_box(img)
        if box is None:
            return img
        left, top, right, bottom = box
        width, height = img.size
        return crop_to(
            img,
            (
                left if Side.LEFT in self.sides else 0,
                top if Side.TOP in self.sides else 0,
                right if Side.RIGHT in self.sides else width,
                bottom if Side.BOTTOM in self.sides else height,
            ),
        )

    def content_box(self, img: Image.Image) -> Box | None:
        """The bounding box of the pixels that are not border, or None if all of them are."""
        rgba = img.convert("RGBA")
        border = self.color or detect_border_color(rgba)
        difference = ImageChops.difference(rgba, Image.new("RGBA", rgba.size, border))
        if 0 < self.tolerance < 1:
            level = int(self.tolerance * 255)
            margin = Image.new("RGBA", rgba.size, (level, level, level, 255))
            difference = ImageChops.subtract(difference, margin)
        return difference.getbbox()

    def size_hint(self, source_size: Size) -> Size | None:
        return None


class Crop:
    """Cuts a ``width`` x ``height`` box out of the image, on an RGBA canvas as in pilkit.

    A missing or too large dimension keeps the source's. The box is placed by ``anchor``
    (default centre; see ``_geometry`` for the rounding) or, as pilkit does, by putting the
    image's top-left corner at ``x``, ``y`` on the result (so ``x=-10`` cuts from source
    column 10); what the image does not cover is transparent white.
    """

    size_role: ClassVar[str] = OTHER

    def __init__(
        self,
        width: int | None = None,
        height: int | None = None,
        anchor: AnchorLike | None = None,
        x: int | None = None,
        y: int | None = None,
    ) -> None:
        if anchor is not None and (x is not None or y is not None):
            raise ValueError("give either an anchor or x/y coordinates, not both")
        self.width = check_dimension(width, "width")
        self.height = check_dimension(height, "height")
        self.anchor = normalize_anchor(anchor)
        self.x = x
        self.y = y

    def output_size(self, source_size: Size) -> Size:
        width, height = source_size
        return (min(width, self.width or width), min(height, self.height or height))

    def box(self, source_size: Size) -> Box:
        width, height = self.output_size(source_size)
        if self.x is not None or self.y is not None:
            left, top = -(self.x or 0), -(self.y or 0)
        else:
            fraction_x, fraction_y = Anchor.get_tuple(self.anchor or Anchor.CENTER)
            left = -anchor_offset(width - source_size[0], fraction_x)
            top = -anchor_offset(height - source_size[1], fraction_y)
        return (left, top, left + width, top + height)

    def process(self, img: Image.Image) -> Image.Image:
        return on_canvas(img, self.box(img.size))

    def size_hint(self, source_size: Size) -> Size | None:
        # The box is in source pixels: a smaller decode would cut a different region.
        return tuple(source_size)


class SmartCrop:
    """Crops to ``width`` x ``height`` (never enlarging), keeping the busiest part.

    Along each axis in turn (columns, then rows), it compares the histogram entropy of a strip
    at each end and cuts the duller one, as pilkit does; strips within 1% of each other are
    both cut (each half of the strip when less than two strips remain to cut). A strip is a
    fifth of what remains to be cut, at least 10 pixels (and at most what remains).
    """

    size_role: ClassVar[str] = OTHER

    def __init__(self, width: int | None = None, height: int | None = None) -> None:
        self.width = check_dimension(width, "width")
        self.height = check_dimension(height, "height")

    def output_size(self, source_size: Size) -> Size:
        width, height = source_size
        return (min(width, self.width or width), min(height, self.height or height))

    def process(self, img: Image.Image) -> Image.Image:
        width, height = self.output_size(img.size)
        left, right = _trim_axis(
            lambda start, end: img.crop((start, 0, end, img.height)), img.width, img.width - width
        )
        top, bottom = _trim_axis(
            lambda start, end: img.crop((0, start, img.width, end)), img.height, img.height - height
        )
        return img.crop((left, top, right, bottom))

    def size_hint(self, source_size: Size) -> Size | None:
        return None


def _trim_axis(
    strip: Callable[[int, int], Image.Image], length: int, excess: int
) -> tuple[int, int]:
    """``(start, end)`` left on an axis of ``length`` after cutting ``excess`` dull pixels."""
    start, end = 0, length
    while excess > 0:
        step = min(excess, max(excess // 5, 10))
        head = strip(start, start + step).entropy()
        tail = strip(end - step, end).entropy()
        if tail and abs(head / tail - 1) < 0.01:
            # No clear winner: cut both ends, each by half a strip when that is all that is left.
            head_cut = step if excess >= 2 * step else step // 2
            tail_cut = step if excess >= 2 * step else step - head_cut
        elif head > tail:
            head_cut, tail_cut = 0, step
        else:
            head_cut, tail_cut = step, 0
        start += head_cut
        end -= tail_cut
        excess -= head_cut + tail_cut
    return start, end

"""Processors that cut part of the image away. None of them resamples or converts the image:
the result has the source's mode, palette, transparency and ICC profile."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import ClassVar

from PIL import Image, ImageChops, ImageDraw, ImageStat

from ik_host.pipeline import OTHER
from ik_processors_pilkit._geometry import Size, anchor_offset
from ik_processors_pilkit._modes import ColorLike, colour_work, parse_color, with_alpha
from ik_processors_pilkit.base import (
    Anchor,
    AnchorLike,
    check_dimension,
    check_fraction,
    normalize_anchor,
)

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


def _analysis_image(img: Image.Image) -> Image.Image:
    """An RGBA copy to measure with: every mode compares alike, alpha included."""
    return with_alpha(colour_work(img)).convert("RGBA")


def detect_border_color(img: Image.Image) -> tuple[int, int, int, int]:
    """The per-channel median (RGBA) of the image's outermost ring of pixels."""
    rgba = _analysis_image(img)
    ring = Image.new("L", rgba.size, 255)
    if rgba.width > 2 and rgba.height > 2:
        ImageDraw.Draw(ring).rectangle((1, 1, rgba.width - 2, rgba.height - 2), fill=0)
    red, green, blue, alpha = (int(value) for value in ImageStat.Stat(rgba, ring).median)
    return (red, green, blue, alpha)


class TrimBorderColor:
    """Trims a border of (nearly) one colour from the chosen sides.

    ``color`` is the border colour (any form ``parse_color`` takes); None detects it as the
    median colour of the outermost pixels. A pixel is border when every RGBA channel is within
    ``tolerance * 255`` of it (``tolerance`` 0 = exact match, 1 = everything, which trims
    nothing since nothing would be left). An image that is all border is returned as is.
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
        rgba = _analysis_image(img)
        if self.color is None:
            border = detect_border_color(rgba)
        else:
            border = parse_color(self.color)
        difference = ImageChops.difference(rgba, Image.new("RGBA", rgba.size, border))
        threshold = int(self.tolerance * 255)
        content = difference.point([255 if level > threshold else 0 for level in range(256)] * 4)
        return content.getbbox(alpha_only=False)

    def size_hint(self, source_size: Size) -> Size | None:
        return None


class Crop:
    """Cuts a ``width`` x ``height`` box out of the image; never enlarges it.

    A missing or too large dimension keeps the source's. The box is placed by ``anchor``
    (default centre; see ``_geometry`` for the rounding) or by ``x``/``y``, the box's top-left
    corner in source pixels, moved inwards as needed so the box stays inside the image.
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
        spare_x, spare_y = source_size[0] - width, source_size[1] - height
        if self.x is not None or self.y is not None:
            left = min(max(self.x or 0, 0), spare_x)
            top = min(max(self.y or 0, 0), spare_y)
        else:
            fraction_x, fraction_y = Anchor.get_tuple(self.anchor or Anchor.CENTER)
            left = anchor_offset(spare_x, fraction_x)
            top = anchor_offset(spare_y, fraction_y)
        return (left, top, left + width, top + height)

    def process(self, img: Image.Image) -> Image.Image:
        return crop_to(img, self.box(img.size))

    def size_hint(self, source_size: Size) -> Size | None:
        # The box is in source pixels: a smaller decode would cut a different region.
        return tuple(source_size)


class SmartCrop:
    """Crops to ``width`` x ``height`` (never enlarging), keeping the busiest part.

    Along each axis in turn, it compares the entropy of a strip at each end of what is left and
    cuts the duller one; strips whose entropies are within 1% of each other are both cut by
    half. A strip is a quarter of what remains to be cut (at least one pixel), so a large cut
    takes a few dozen comparisons, not one per pixel.
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
        analysis = _analysis_image(img)
        left, right = _trim_axis(
            lambda start, end: analysis.crop((start, 0, end, analysis.height)),
            img.width,
            img.width - width,
        )
        top, bottom = _trim_axis(
            lambda start, end: analysis.crop((left, start, right, end)),
            img.height,
            img.height - height,
        )
        return crop_to(img, (left, top, right, bottom))

    def size_hint(self, source_size: Size) -> Size | None:
        return None


def _trim_axis(
    strip: Callable[[int, int], Image.Image], length: int, excess: int
) -> tuple[int, int]:
    """``(start, end)`` left on an axis of ``length`` after cutting ``excess`` dull pixels."""
    start, end = 0, length
    while excess > 0:
        # Big strips first for speed, single rows at the end so no busy pixel is cut for want
        # of a finer step.
        step = max(excess // 4, 1)
        head = strip(start, start + step).entropy()
        tail = strip(end - step, end).entropy()
        if math.isclose(head, tail, rel_tol=0.01):
            # No clear winner: cut both ends, the odd pixel from the end cut less so far.
            head_cut = step // 2 + (step % 2 if start < length - end else 0)
            start += head_cut
            end -= step - head_cut
        elif head < tail:
            start += step
        else:
            end -= step
        excess -= step
    return start, end

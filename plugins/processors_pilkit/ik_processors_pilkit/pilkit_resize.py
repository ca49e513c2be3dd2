"""Processors that resample the image or change its canvas size.

Resampling is LANCZOS in the image's own mode, palette images resolved to their palette's mode
first (see ``_modes.resample``); whatever is cropped or padded comes out RGBA, as in pilkit.
Sizes and boxes are rounded as pilkit rounds them (see ``_geometry``).

``upscale=False`` means the image is resampled only when that makes it smaller on both axes;
otherwise it is kept as it is (a crop may still follow), as pilkit does.

``size_hint(source_size)`` on the rescaling processors is the smallest downscaled copy of the
source (dimensions rounded up, as JPEG DCT scaling does) that still has at least as many
pixels as the resample step needs on each axis and that gives the same output size. It is
the source size itself where no smaller copy qualifies (upscaling, or no-op).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from PIL import Image

from ik_processors_pilkit._geometry import (
    Size,
    anchor_offset,
    cover_size,
    fit_ratio,
    fit_size,
    shrinks,
    smallest_source,
)
from ik_processors_pilkit._modes import carry_icc, resample
from ik_processors_pilkit.colors import ColorLike, parse_color
from ik_processors_pilkit.pilkit_base import (
    Anchor,
    AnchorLike,
    check_dimension,
    normalize_anchor,
)
from ik_processors_pilkit.pilkit_crop import Crop, SmartCrop, on_canvas
from ik_processors_pilkit.pillow_engine import OTHER, RESCALE, source_box, source_extent


def _required(value: int | None, name: str, processor: str) -> int:
    checked = check_dimension(value, name)
    if checked is None:
        raise ValueError(f"{processor} needs a {name}")
    return checked


def _color(color: ColorLike) -> ColorLike:
    """``color`` validated, lists made tuples so equal specs hash equally."""
    if color is not None:
        parse_color(color)
    return tuple(color) if isinstance(color, list) else color


class Resize:
    """Resizes to exactly ``width`` x ``height``, ignoring the aspect ratio."""

    size_role: ClassVar[str] = RESCALE

    def __init__(self, width: int, height: int, upscale: bool = True) -> None:
        self.width = _required(width, "width", "Resize")
        self.height = _required(height, "height", "Resize")
        self.upscale = upscale

    def output_size(self, source_size: Size) -> Size:
        target = (self.width, self.height)
        return target if self.upscale or shrinks(target, source_size) else tuple(source_size)

    def process(self, img: Image.Image) -> Image.Image:
        target = (self.width, self.height)
        return resample(img, target) if self.upscale or shrinks(target, img.size) else img

    def size_hint(self, source_size: Size) -> Size | None:
        return smallest_source(source_size, (self.width, self.height), self.output_size)


class ResizeToCover:
    """Resizes, keeping the aspect ratio, to the smallest size covering ``width`` x ``height``."""

    size_role: ClassVar[str] = RESCALE
    sizes_from_extent: ClassVar[bool] = True  # see pillow_engine.source_extent

    def __init__(self, width: int, height: int, upscale: bool = True) -> None:
        self.width = _required(width, "width", "ResizeToCover")
        self.height = _required(height, "height", "ResizeToCover")
        self.upscale = upscale

    def resamples(self, source_size: Size) -> bool:
        """Whether the image is resampled at all (not with ``upscale=False`` and a cover
        that is not smaller on both axes)."""
        return self.upscale or shrinks(cover_size(source_size, self.width, self.height),
                                       source_size)

    def output_size(self, source_size: Size) -> Size:
        if not self.resamples(source_size):
            return tuple(source_size)
        return cover_size(source_size, self.width, self.height)

    def process(self, img: Image.Image, exact: bool = False) -> Image.Image:
        extent = source_extent(img)
        if not self.resamples(extent):
            return img
        return resample(img, self.output_size(extent), exact=exact)

    def size_hint(self, source_size: Size) -> Size | None:
        needed = cover_size(source_size, self.width, self.height)
        return smallest_source(source_size, needed, self.output_size)


class _CoverThenCrop:
    """Resizes to cover ``width`` x ``height``, then crops to exactly that (subclasses say how)."""

    size_role: ClassVar[str] = RESCALE
    sizes_from_extent: ClassVar[bool] = True  # see pillow_engine.source_extent
    width: int
    height: int
    upscale: bool

    def _crop(self) -> Any:
        raise NotImplementedError

    def _steps(self) -> tuple[ResizeToCover, Any]:
        return ResizeToCover(self.width, self.height, upscale=self.upscale), self._crop()

    def output_size(self, source_size: Size) -> Size:
        cover, crop = self._steps()
        return crop.output_size(cover.output_size(source_size))

    def process(self, img: Image.Image) -> Image.Image:
        cover, crop = self._steps()
        return crop.process(cover.process(img))

    def size_hint(self, source_size: Size) -> Size | None:
        needed = cover_size(source_size, self.width, self.height)
        return smallest_source(source_size, needed, self.output_size)


# ResizeToFill resamples only the kept region, with no reduce() first, when shrinking by less
# than this, in these modes (see process). Drafted JPEGs shrink by 2-4: there a reduce()
# costs up to 0.5 grey levels (a 24 MP photo to a 300 px crop) and saves no more time than
# the smaller region does.
BOX_BELOW = 4.0
BOX_MODES = frozenset({"RGB", "RGBA", "RGBX", "L", "LA", "CMYK"})


class ResizeToFill(_CoverThenCrop):
    """Resizes to cover ``width`` x ``height``, then crops to exactly that at ``anchor``.

    With ``upscale=False`` a source smaller than the box is only cropped, so the result may be
    smaller than asked.
    """

    def __init__(
        self,
        width: int | None = None,
        height: int | None = None,
        anchor: AnchorLike | None = None,
        upscale: bool = True,
    ) -> None:
        self.width = _required(width, "width", "ResizeToFill")
        self.height = _required(height, "height", "ResizeToFill")
        self.anchor = normalize_anchor(anchor)
        self.upscale = upscale

    def _crop(self) -> Crop:
        return Crop(self.width, self.height, anchor=self.anchor)

    def process(self, img: Image.Image) -> Image.Image:
        cover, crop = self._steps()
        extent = source_extent(img)
        covered = cover.output_size(extent)
        x0, y0, x1, y1 = source_box(img)
        scale_x, scale_y = (x1 - x0) / covered[0], (y1 - y0) / covered[1]
        shrink = max(scale_x, scale_y)
        if (
            not cover.resamples(extent)
            or covered == tuple(img.size)
            or shrink >= BOX_BELOW
            or img.mode not in BOX_MODES
        ):
            return super().process(img)
        # Resample only the region the crop keeps: the pixels of covering, then cropping
        # (Pillow samples a box at the same positions, its filter reading past the box's
        # edges; rounding differs by a level here and there), without computing the part
        # that would be cut away. Not in modes resampled through another or (I;16) otherwise
        # in a box.
        left, top, right, bottom = crop.box(covered)
        region = (
            x0 + left * scale_x, y0 + top * scale_y, x0 + right * scale_x, y0 + bottom * scale_y
        )
        kept = resample(img, (right - left, bottom - top), box=region, reduce=False)
        return carry_icc(img, kept if kept.mode == "RGBA" else kept.convert("RGBA"))


class SmartResize(_CoverThenCrop):
    """Like ``ResizeToFill``, but the crop keeps the busiest region (``SmartCrop``)."""

    def __init__(self, width: int, height: int, upscale: bool = True) -> None:
        self.width = _required(width, "width", "SmartResize")
        self.height = _required(height, "height", "SmartResize")
        self.upscale = upscale

    def _crop(self) -> SmartCrop:
        return SmartCrop(self.width, self.height)

    def process(self, img: Image.Image) -> Image.Image:
        # The crop follows the entropy of the resampled pixels, which a level here and there
        # can tip: so they are resampled exactly as pilkit resamples them.
        cover, crop = self._steps()
        return crop.process(cover.process(img, exact=True))


class ResizeCanvas:
    """Puts the image on a ``width`` x ``height`` RGBA canvas of ``color`` without resampling it.

    The image is placed by ``anchor`` (default centre) or with its top-left corner at ``x``,
    ``y`` (either may be negative); whatever falls outside the canvas is cut off. ``color``
    None (or any false value, as in pilkit) is transparent white. The result is RGBA whatever
    the image's mode, as pilkit's is.
    """

    size_role: ClassVar[str] = OTHER

    def __init__(
        self,
        width: int,
        height: int,
        color: ColorLike = None,
        anchor: AnchorLike | None = None,
        x: int | None = None,
        y: int | None = None,
    ) -> None:
        if anchor is not None and (x is not None or y is not None):
            raise ValueError("give either an anchor or x/y coordinates, not both")
        self.width = _required(width, "width", "ResizeCanvas")
        self.height = _required(height, "height", "ResizeCanvas")
        self.color = _color(color)
        if x is None and y is None:
            self.anchor = normalize_anchor(anchor) or Anchor.CENTER
            self.x = self.y = None
        else:
            self.anchor = None
            self.x, self.y = x or 0, y or 0

    def position(self, source_size: Size) -> tuple[int, int]:
        """Where the image's top-left corner lands on the canvas."""
        if self.anchor is None:
            return (self.x or 0, self.y or 0)
        fraction_x, fraction_y = Anchor.get_tuple(self.anchor)
        return (
            anchor_offset(self.width - source_size[0], fraction_x),
            anchor_offset(self.height - source_size[1], fraction_y),
        )

    def output_size(self, source_size: Size) -> Size:
        return (self.width, self.height)

    def process(self, img: Image.Image) -> Image.Image:
        x, y = self.position(img.size)
        return on_canvas(img, (-x, -y, self.width - x, self.height - y), self.color)

    def size_hint(self, source_size: Size) -> Size | None:
        # Padding is counted in source pixels, so the whole source is needed.
        return tuple(source_size)


class AddBorder:
    """Adds a border of ``color`` (None: transparent) around the image.

    ``thickness`` is one int for every side or a ``(top, right, bottom, left)`` tuple.
    """

    size_role: ClassVar[str] = OTHER

    def __init__(self, thickness: int | Sequence[int], color: ColorLike = None) -> None:
        sides = (thickness,) * 4 if isinstance(thickness, int) else tuple(thickness)
        if len(sides) != 4 or not all(isinstance(side, int) and side >= 0 for side in sides):
            raise ValueError(f"thickness must be an int >= 0 or 4 of them, got {thickness!r}")
        self.thickness = thickness if isinstance(thickness, int) else sides
        self.color = _color(color)

    @property
    def top(self) -> int:
        return self._sides()[0]

    @property
    def right(self) -> int:
        return self._sides()[1]

    @property
    def bottom(self) -> int:
        return self._sides()[2]

    @property
    def left(self) -> int:
        return self._sides()[3]

    def _sides(self) -> tuple[int, int, int, int]:
        if isinstance(self.thickness, int):
            return (self.thickness,) * 4
        top, right, bottom, left = self.thickness
        return (top, right, bottom, left)

    def _canvas(self, source_size: Size) -> ResizeCanvas:
        top, right, bottom, left = self._sides()
        width, height = source_size[0] + left + right, source_size[1] + top + bottom
        return ResizeCanvas(width, height, color=self.color, x=left, y=top)

    def output_size(self, source_size: Size) -> Size:
        return self._canvas(source_size).output_size(source_size)

    def process(self, img: Image.Image) -> Image.Image:
        return self._canvas(img.size).process(img)

    def size_hint(self, source_size: Size) -> Size | None:
        return tuple(source_size)


class ResizeToFit:
    """Resizes, keeping the aspect ratio, to the largest size inside ``width`` x ``height``.

    Either bound may be None. With ``mat_color`` the result is padded to exactly the bounds
    with that colour, the resized image placed at ``anchor``.
    """

    size_role: ClassVar[str] = RESCALE
    sizes_from_extent: ClassVar[bool] = True  # see pillow_engine.source_extent

    def __init__(
        self,
        width: int | None = None,
        height: int | None = None,
        upscale: bool = True,
        mat_color: ColorLike = None,
        anchor: AnchorLike | None = Anchor.CENTER,
    ) -> None:
        self.width = check_dimension(width, "width")
        self.height = check_dimension(height, "height")
        if self.width is None and self.height is None:
            raise ValueError("ResizeToFit needs a width, a height or both")
        self.upscale = upscale
        self.mat_color = _color(mat_color)
        self.anchor = normalize_anchor(anchor)

    def resamples(self, source_size: Size) -> bool:
        """Whether the image is resampled: always with ``upscale``, else as pilkit decides,
        when its size rounded before any clamping is smaller on both axes (a side it rounds to
        0, where pilkit fails, becomes 1 px here)."""
        if self.upscale:
            return True
        ratio = fit_ratio(source_size, self.width, self.height)
        return all(round(side * ratio) < side for side in source_size)

    def fitted_size(self, source_size: Size) -> Size:
        """The size the image is resampled to, before any mat."""
        if not self.resamples(source_size):
            return tuple(source_size)
        return fit_size(source_size, self.width, self.height)

    def output_size(self, source_size: Size) -> Size:
        fitted = self.fitted_size(source_size)
        if self.mat_color is None:
            return fitted
        return (self.width or fitted[0], self.height or fitted[1])

    def process(self, img: Image.Image) -> Image.Image:
        extent = source_extent(img)
        if self.resamples(extent):
            img = resample(img, fit_size(extent, self.width, self.height))
        if self.mat_color is None:
            return img
        width, height = self.output_size(img.size)
        anchor = self.anchor or Anchor.CENTER
        return ResizeCanvas(width, height, color=self.mat_color, anchor=anchor).process(img)

    def size_hint(self, source_size: Size) -> Size | None:
        needed = fit_size(source_size, self.width, self.height)
        return smallest_source(source_size, needed, self.output_size)


class Thumbnail:
    """A thumbnail: ``ResizeToFill`` / ``SmartResize`` when cropping, else ``ResizeToFit``.

    ``crop`` defaults to True when both dimensions are given. Cropping without an anchor uses
    ``SmartResize`` (entropy decides what is kept; ``anchor`` is then stored as ``"auto"``); with
    an anchor, ``ResizeToFill``. An anchor with ``crop=False`` is an error. ``upscale`` defaults
    to None, which does not enlarge.
    """

    size_role: ClassVar[str] = RESCALE
    sizes_from_extent: ClassVar[bool] = True  # see pillow_engine.source_extent
    AUTO = "auto"

    def __init__(
        self,
        width: int | None = None,
        height: int | None = None,
        anchor: AnchorLike | None = None,
        crop: bool | None = None,
        upscale: bool | None = None,
    ) -> None:
        if anchor:
            if crop is False:
                raise ValueError("You can't specify an anchor point if crop is False.")
            crop = True
        elif crop is None:
            crop = width is not None and height is not None
            anchor = self.AUTO if crop else anchor
        self.width = check_dimension(width, "width")
        self.height = check_dimension(height, "height")
        if crop and (self.width is None or self.height is None):
            raise ValueError("You must provide both a width and height when cropping.")
        if self.width is None and self.height is None:
            raise ValueError("Thumbnail needs a width, a height or both")
        # Not validated here: pilkit passes any anchor on to ResizeToFill, which fails on a
        # bad one when it runs.
        self.anchor = tuple(anchor) if isinstance(anchor, list) else anchor
        self.crop = crop
        self.upscale = upscale

    def delegate(self) -> Any:
        """The processor this thumbnail amounts to.

        The classes are looked up in this module's globals on each call, with keyword
        arguments as pilkit passes them, so a patched ``SmartResize`` etc. is the one used.
        """
        upscale = self.upscale
        if self.crop and self.anchor == self.AUTO:
            return SmartResize(width=self.width, height=self.height, upscale=upscale)
        if self.crop:
            return ResizeToFill(
                width=self.width, height=self.height, anchor=self.anchor, upscale=upscale
            )
        return ResizeToFit(width=self.width, height=self.height, upscale=upscale)

    def output_size(self, source_size: Size) -> Size:
        return self.delegate().output_size(source_size)

    def process(self, img: Image.Image) -> Image.Image:
        return self.delegate().process(img)

    def size_hint(self, source_size: Size) -> Size | None:
        return self.delegate().size_hint(source_size)

"""Pipelines, anchors and the processors that keep the image's size (or only flip it).

Every processor here has ``process(img) -> img`` and ``size_hint(source_size)``. A processor's
``size_role`` (a class attribute, so it never enters ``vars()``) tells ``ProcessorPipeline``
how its hint chains:

* ``"neutral"``: per-pixel work that commutes with downscaling; the hint is the source size,
  or None where the instance is not neutral after all (sharpening, EXIF rotation).
* ``"rescale"``: the processor fixes the output scale (the resize processors); its hint is the
  smallest source it needs.
* ``"other"``: anything depending on exact source pixels (crops, canvases, blurs).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from PIL import Image, ImageChops, ImageEnhance, ImageFilter, ImageOps

from ik_host.pipeline import NEUTRAL, OTHER, UPRIGHT, chained_size_hint
from ik_processors_pilkit._geometry import Size, as_fraction
from ik_processors_pilkit._modes import (
    HIGH_BIT_GRAY,
    ColorLike,
    carry_icc,
    colour_work,
    expand_transparency,
    has_transparency,
    is_gray,
    luminance,
    parse_color,
    to_8bit_gray,
    with_alpha,
)

OPAQUE_WHITE = (255, 255, 255, 255)
AnchorLike = str | Sequence[float]


def check_fraction(value: float, name: str) -> float:
    """``value`` if it lies in 0..1, else a ValueError naming the argument."""
    if not 0 <= value <= 1:
        raise ValueError(f"{name} must be between 0 and 1, got {value!r}")
    return value


def check_dimension(value: int | None, name: str) -> int | None:
    """``value`` if it is None or a positive int, else a ValueError naming the argument."""
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
        raise ValueError(f"{name} must be a positive int or None, got {value!r}")
    return value


class ProcessorPipeline(list):
    """A list of processors that is itself a processor: runs them in order.

    ``size_hint`` chains: it is the hint of the first rescaling processor, provided every
    processor before it is size-neutral; otherwise None.
    """

    def process(self, img: Image.Image) -> Image.Image:
        for processor in self:
            img = processor.process(img)
        return img

    def size_hint(self, source_size: Size) -> Size | None:
        return chained_size_hint(self, tuple(source_size))[0]


class Anchor:
    """Where a box sits inside another: named points or ``(x, y)`` fractions in 0..1.

    ``(0, 0)`` is top left, ``(0.5, 0.5)`` the centre and ``(1, 1)`` bottom right, like
    percentages in a CSS ``background-position``.
    """

    TOP_LEFT = "tl"
    TOP = "t"
    TOP_RIGHT = "tr"
    BOTTOM_LEFT = "bl"
    BOTTOM = "b"
    BOTTOM_RIGHT = "br"
    CENTER = "c"
    LEFT = "l"
    RIGHT = "r"

    _POINTS: ClassVar[dict[str, tuple[float, float]]] = {
        TOP_LEFT: (0, 0),
        TOP: (0.5, 0),
        TOP_RIGHT: (1, 0),
        LEFT: (0, 0.5),
        CENTER: (0.5, 0.5),
        RIGHT: (1, 0.5),
        BOTTOM_LEFT: (0, 1),
        BOTTOM: (0.5, 1),
        BOTTOM_RIGHT: (1, 1),
    }

    @staticmethod
    def get_tuple(anchor: AnchorLike) -> tuple[float, float]:
        """``anchor`` (a name above or an ``(x, y)`` pair of fractions) as an ``(x, y)`` pair."""
        if isinstance(anchor, str):
            try:
                return Anchor._POINTS[anchor]
            except KeyError:
                raise ValueError(f"unknown anchor {anchor!r}") from None
        try:
            x, y = anchor
        except (TypeError, ValueError):
            raise ValueError(f"an anchor is a name or an (x, y) pair, got {anchor!r}") from None
        for value in (x, y):
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"anchor fractions must be numbers, got {anchor!r}")
            check_fraction(value, "an anchor fraction")
        return (x, y)


def normalize_anchor(anchor: AnchorLike | None) -> AnchorLike | None:
    """``anchor`` validated, with lists turned into tuples so equal specs hash equally."""
    if anchor is None:
        return None
    Anchor.get_tuple(anchor)
    return anchor if isinstance(anchor, str) else tuple(anchor)


class Adjust:
    """Colour (saturation), brightness, contrast and sharpness, as ``PIL.ImageEnhance`` factors.

    1.0 leaves a property unchanged, 0 gives gray / black / flat gray / blurred. Alpha is kept;
    work happens in L(A) or RGB(A) (see ``_modes.colour_work``).
    """

    size_role: ClassVar[str] = NEUTRAL
    _ENHANCERS: ClassVar[tuple[tuple[str, Any], ...]] = (
        ("color", ImageEnhance.Color),
        ("brightness", ImageEnhance.Brightness),
        ("contrast", ImageEnhance.Contrast),
        ("sharpness", ImageEnhance.Sharpness),
    )

    def __init__(
        self,
        color: float = 1.0,
        brightness: float = 1.0,
        contrast: float = 1.0,
        sharpness: float = 1.0,
    ) -> None:
        self.color = color
        self.brightness = brightness
        self.contrast = contrast
        self.sharpness = sharpness

    def process(self, img: Image.Image) -> Image.Image:
        steps = [(cls, getattr(self, name)) for name, cls in self._ENHANCERS]
        steps = [(cls, factor) for cls, factor in steps if factor != 1.0]
        if not steps:
            return img
        work = colour_work(img)
        for enhancer, factor in steps:
            work = enhancer(work).enhance(factor)
        return carry_icc(img, work)

    def size_hint(self, source_size: Size) -> Size | None:
        # Sharpening works on a pixel neighbourhood, so it does not commute with downscaling.
        return tuple(source_size) if self.sharpness == 1.0 else None


class Reflection:
    """Adds a mirrored, fading copy of the image below it, over ``background_color``.

    ``size`` is the reflection's height as a fraction of the image's; ``opacity`` is the
    reflection's opacity at its top edge, fading linearly to nothing at its bottom edge.
    The result is RGBA if the image or the background has transparency, else RGB.
    """

    size_role: ClassVar[str] = OTHER

    def __init__(
        self, background_color: ColorLike = "#FFFFFF", size: float = 0.0, opacity: float = 0.6
    ) -> None:
        self.background_color = background_color
        self.size = check_fraction(size, "size")
        self.opacity = check_fraction(opacity, "opacity")
        parse_color(background_color)

    def process(self, img: Image.Image) -> Image.Image:
        background = parse_color(self.background_color, OPAQUE_WHITE)
        work = colour_work(img).convert("RGBA")
        width, height = work.size
        part = as_fraction(self.size)
        reflection_height = height * part.numerator // part.denominator
        canvas = Image.new("RGBA", (width, height + reflection_height), background)
        canvas.paste(work, (0, 0))
        if reflection_height:
            mirrored = work.transpose(Image.Transpose.FLIP_TOP_BOTTOM)
            mirrored = mirrored.crop((0, 0, width, reflection_height))
            mask = ImageChops.multiply(mirrored.getchannel("A"), self._fade(width, mirrored.height))
            canvas.paste(mirrored.convert("RGB"), (0, height), mask)
        if not has_transparency(img) and background[3] == 255:
            canvas = canvas.convert("RGB")
        return carry_icc(img, canvas)

    def _fade(self, width: int, height: int) -> Image.Image:
        opacity = as_fraction(self.opacity)
        column = Image.new("L", (1, height))
        for row in range(height):
            level = 255 * opacity * (height - row) / height
            column.putpixel((0, row), round(level))
        return column.resize((width, height), Image.Resampling.NEAREST)

    def size_hint(self, source_size: Size) -> Size | None:
        return None


class Transpose:
    """Rotates and/or flips the image.

    ``Transpose()`` or ``Transpose(Transpose.AUTO)`` rotates according to the EXIF orientation
    (all eight values) and removes the orientation tag, so nothing downstream applies it a second
    time. Otherwise the given methods run in order.
    """

    AUTO = "auto"
    FLIP_HORIZONTAL = Image.Transpose.FLIP_LEFT_RIGHT
    FLIP_VERTICAL = Image.Transpose.FLIP_TOP_BOTTOM
    ROTATE_90 = Image.Transpose.ROTATE_90
    ROTATE_180 = Image.Transpose.ROTATE_180
    ROTATE_270 = Image.Transpose.ROTATE_270

    methods: tuple[str | Image.Transpose, ...] = (AUTO,)

    def __init__(self, *methods: str | Image.Transpose | int) -> None:
        normalized = tuple(
            self.AUTO if method == self.AUTO else Image.Transpose(method) for method in methods
        )
        self.methods = normalized or (self.AUTO,)

    def process(self, img: Image.Image) -> Image.Image:
        if self.AUTO in self.methods:
            return ImageOps.exif_transpose(img)
        for method in self.methods:
            img = img.transpose(method)
        return img

    @property
    def size_role(self) -> str:
        # The host reads the EXIF orientation before decoding, so it can chain hints through
        # an automatic turn; a property, so that it never enters vars() (the spec's hash).
        return UPRIGHT if self.methods == (self.AUTO,) else NEUTRAL

    def size_hint(self, source_size: Size) -> Size | None:
        # AUTO may swap width and height (orientations 5-8), which only the EXIF data can tell.
        swapping = {Image.Transpose.ROTATE_90, Image.Transpose.ROTATE_270}
        swapping |= {Image.Transpose.TRANSPOSE, Image.Transpose.TRANSVERSE}
        if self.AUTO in self.methods or swapping.intersection(self.methods):
            return None
        return tuple(source_size)


class MakeOpaque:
    """Flattens transparency onto ``background_color``. Images without any are returned as is.

    The result is L for a gray image on a gray background, else RGB.
    """

    size_role: ClassVar[str] = NEUTRAL

    def __init__(self, background_color: ColorLike = (255, 255, 255)) -> None:
        self.background_color = background_color
        parse_color(background_color)

    def process(self, img: Image.Image) -> Image.Image:
        if not has_transparency(img):
            return img
        background = parse_color(self.background_color, OPAQUE_WHITE)
        work = with_alpha(colour_work(img))
        if work.mode == "LA" and is_gray(background):
            flat = Image.new("L", work.size, luminance(background))
        else:
            flat = Image.new("RGB", work.size, background[:3])
        flat.paste(work.convert(flat.mode), (0, 0), work.getchannel("A"))
        return carry_icc(img, flat)

    def size_hint(self, source_size: Size) -> Size | None:
        return tuple(source_size)


class SetOpacity:
    """Scales the alpha channel, adding one (fully opaque) to images that have none.

    ``SetOpacity(0.5)`` halves every pixel's opacity. ``SetOpacity(max_alpha=128)`` scales so
    that the most opaque pixel ends at alpha 128 (the form pilkit's SetOpacity took).
    """

    size_role: ClassVar[str] = NEUTRAL

    def __init__(self, opacity: float = 1.0, max_alpha: int | None = None) -> None:
        self.opacity = check_fraction(opacity, "opacity")
        if max_alpha is not None and (not isinstance(max_alpha, int) or not 0 <= max_alpha <= 255):
            raise ValueError(f"max_alpha must be an int in 0..255, got {max_alpha!r}")
        self.max_alpha = max_alpha

    def process(self, img: Image.Image) -> Image.Image:
        work = with_alpha(colour_work(img))
        alpha = work.getchannel("A")
        factor = self._factor(alpha)
        if factor != 1:
            work = work.copy()  # putalpha works in place; the caller's image must not change
            work.putalpha(alpha.point([min(255, round(a * factor)) for a in range(256)]))
        return carry_icc(img, work)

    def _factor(self, alpha: Image.Image) -> float:
        if self.max_alpha is None:
            return self.opacity
        highest = alpha.getextrema()[1]
        return self.max_alpha / highest if highest else 1.0

    def size_hint(self, source_size: Size) -> Size | None:
        return tuple(source_size)


class GaussianBlur:
    """Gaussian blur of ``radius`` pixels.

    Alpha images are blurred premultiplied, so colours hidden under transparent pixels do not
    bleed into visible ones. Modes Pillow cannot filter are converted first: palette to RGB(A),
    "1" to L, 16-bit gray to 8-bit L, other colour spaces to RGB.
    """

    size_role: ClassVar[str] = OTHER
    _FILTERABLE: ClassVar[frozenset[str]] = frozenset({"L", "RGB", "CMYK"})

    def __init__(self, radius: float) -> None:
        if radius < 0:
            raise ValueError(f"radius must not be negative, got {radius!r}")
        self.radius = radius

    def process(self, img: Image.Image) -> Image.Image:
        work = expand_transparency(img)
        if work.mode not in self._FILTERABLE | {"LA", "RGBA"}:
            work = colour_work(work)
        blur = ImageFilter.GaussianBlur(self.radius)
        if work.mode in ("LA", "RGBA"):
            premultiplied = "La" if work.mode == "LA" else "RGBa"
            blurred = work.convert(premultiplied).filter(blur).convert(work.mode)
        else:
            blurred = work.filter(blur)
        return carry_icc(img, blurred)

    def size_hint(self, source_size: Size) -> Size | None:
        # The radius is in source pixels: blurring a smaller decode would blur relatively more.
        return None


class Convert:
    """Converts to ``mode`` (any Pillow mode), as ``Image.convert`` does.

    16/32-bit gray converted to an 8-bit mode is scaled down rather than clipped at 255.
    """

    size_role: ClassVar[str] = NEUTRAL

    def __init__(self, mode: str) -> None:
        self.mode = mode

    def process(self, img: Image.Image) -> Image.Image:
        if img.mode == self.mode:
            return img
        work = img
        if img.mode in HIGH_BIT_GRAY and self.mode not in HIGH_BIT_GRAY:
            work = to_8bit_gray(img)
        return carry_icc(img, work.convert(self.mode))

    def size_hint(self, source_size: Size) -> Size | None:
        return tuple(source_size)

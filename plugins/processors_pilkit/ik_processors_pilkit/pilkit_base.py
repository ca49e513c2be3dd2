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

from PIL import Image, ImageEnhance, ImageFilter, ImageOps

from ik_processors_pilkit._geometry import Size
from ik_processors_pilkit._modes import carry_icc, colour_work, with_alpha
from ik_processors_pilkit.colors import ColorLike, parse_color
from ik_processors_pilkit.pillow_engine import NEUTRAL, OTHER, UPRIGHT, chained_size_hint

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

    1.0 leaves a property unchanged, 0 gives gray / black / flat gray / blurred. The result is
    RGBA, alpha kept, whatever the factors (as pilkit's); an enhancement Pillow refuses is
    skipped, as pilkit skips it.
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
        original = work = img.convert("RGBA")
        for name, enhancer in self._ENHANCERS:
            factor = getattr(self, name)
            if factor == 1.0:
                continue
            try:
                work = enhancer(work).enhance(factor)
            except ValueError:
                continue
            if name in ("color", "contrast"):
                # These blend with a gray image and lose the alpha: pilkit puts it back.
                work = Image.merge("RGBA", (*work.split()[:3], original.getchannel("A")))
        return carry_icc(img, work)

    def size_hint(self, source_size: Size) -> Size | None:
        # Sharpening works on a pixel neighbourhood, so it does not commute with downscaling.
        return tuple(source_size) if self.sharpness == 1.0 else None


class Reflection:
    """Adds a mirrored, fading copy of the image below it, over ``background_color``.

    ``size`` is the reflection's height as a fraction of the image's; ``opacity`` is the
    reflection's opacity at its top edge, fading to nothing at its bottom edge along pilkit's
    ramp (255 steps resized to the image's height). The result is RGBA, as pilkit's is.
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
        work = img.convert("RGBA")
        width, height = work.size
        reflection_height = int(height * self.size)
        canvas = Image.new("RGBA", (width, height + reflection_height), background)
        canvas.paste(work, (0, 0))
        if reflection_height:
            mirrored = work.transpose(Image.Transpose.FLIP_TOP_BOTTOM)
            fade = self._background_share().resize(work.size, Image.Resampling.BICUBIC)
            shown = Image.composite(Image.new("RGBA", work.size, background), mirrored, fade)
            canvas.paste(shown.crop((0, 0, width, reflection_height)), (0, height))
        return carry_icc(img, canvas)

    def _background_share(self) -> Image.Image:
        """A 255-row column: how much background shows through the reflection, row by row.

        From ``255 * (1 - opacity)`` at the top it climbs in equal steps to 255 at row
        ``255 * size``, and stays there.
        """
        start = int(255 - 255 * self.opacity)
        steps = int(255 * self.size)
        column = Image.new("L", (1, 255), 255)
        if steps:
            increment = (255 - start) / steps
            for row in range(min(steps, 255)):
                column.putpixel((0, row), int(row * increment + start))
        return column

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
    """Pastes the image onto ``background_color`` through its own alpha, as pilkit does.

    The result is RGBA. Pillow's paste blends the alpha channel too, so a pixel that was
    partly transparent stays a little transparent (alpha 128 ends at 191); opaque and fully
    transparent pixels become opaque.
    """

    size_role: ClassVar[str] = NEUTRAL

    def __init__(self, background_color: ColorLike = (255, 255, 255)) -> None:
        self.background_color = background_color
        parse_color(background_color)

    def process(self, img: Image.Image) -> Image.Image:
        work = img.convert("RGBA")
        flat = Image.new("RGBA", work.size, parse_color(self.background_color, OPAQUE_WHITE))
        flat.paste(work, (0, 0), work)
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

    The image is filtered in its own mode, as pilkit does. Modes Pillow cannot filter (where
    pilkit fails) are converted first: palette to RGB(A), "1" to L, 16-bit gray to 8-bit L.
    """

    size_role: ClassVar[str] = OTHER

    def __init__(self, radius: float) -> None:
        if radius < 0:
            raise ValueError(f"radius must not be negative, got {radius!r}")
        self.radius = radius

    def process(self, img: Image.Image) -> Image.Image:
        blur = ImageFilter.GaussianBlur(self.radius)
        try:
            return img.filter(blur)
        except ValueError:  # "image has wrong mode"
            return carry_icc(img, colour_work(img).filter(blur))

    def size_hint(self, source_size: Size) -> Size | None:
        # The radius is in source pixels: blurring a smaller decode would blur relatively more.
        return None


class Convert:
    """Converts to ``mode`` (any Pillow mode), with ``Image.convert`` as pilkit does."""

    size_role: ClassVar[str] = NEUTRAL

    def __init__(self, mode: str) -> None:
        self.mode = mode

    def process(self, img: Image.Image) -> Image.Image:
        if img.mode == self.mode:
            return img
        return carry_icc(img, img.convert(self.mode))

    def size_hint(self, source_size: Size) -> Size | None:
        return tuple(source_size)

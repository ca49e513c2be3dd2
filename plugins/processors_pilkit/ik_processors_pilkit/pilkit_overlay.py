"""Processors that paint over the image: a flat colour or another image.

``ColorOverlay`` gives RGB, as pilkit's does; ``ImageOverlay`` (ours alone) works in RGB(A)
and keeps the image's own alpha.
"""

from __future__ import annotations

import os
from typing import IO, ClassVar

from PIL import Image

from ik_processors_pilkit._geometry import Size, anchor_offset
from ik_processors_pilkit._modes import carry_icc, colour_work
from ik_processors_pilkit.colors import ColorLike, parse_color
from ik_processors_pilkit.pilkit_base import (
    Anchor,
    AnchorLike,
    check_fraction,
    normalize_anchor,
)
from ik_processors_pilkit.pillow_engine import NEUTRAL, OTHER
from ik_processors_pilkit.pillow_io import image_to_bytes, open_image

OverlaySource = str | os.PathLike[str] | bytes | bytearray | IO[bytes] | Image.Image


class ColorOverlay:
    """Blends a flat ``color`` over the image: ``overlay_opacity`` 0 changes nothing, 1 gives
    the flat colour. The result is RGB: like pilkit, it drops the image's alpha."""

    size_role: ClassVar[str] = NEUTRAL

    def __init__(self, color: ColorLike, overlay_opacity: float = 0.5) -> None:
        parse_color(color)
        self.color = tuple(color) if isinstance(color, list) else color
        self.overlay_opacity = check_fraction(overlay_opacity, "overlay_opacity")

    def process(self, img: Image.Image) -> Image.Image:
        base = img.convert("RGB")
        flat = Image.new("RGB", base.size, parse_color(self.color)[:3])
        # The image's share, in whole levels as pilkit's mask has it.
        mask = Image.new("L", base.size, int((1.0 - self.overlay_opacity) * 255))
        return carry_icc(img, Image.composite(base, flat, mask))

    def size_hint(self, source_size: Size) -> Size | None:
        return tuple(source_size)


def _overlay_data(overlay: OverlaySource) -> str | bytes:
    """What ``ImageOverlay`` keeps: a path as a string, anything else as encoded bytes."""
    if isinstance(overlay, (str, os.PathLike)):
        return os.fspath(overlay)
    if isinstance(overlay, (bytes, bytearray)):
        return bytes(overlay)
    if isinstance(overlay, Image.Image):
        # An image is kept encoded so the processor's state is plain data the host can hash.
        return image_to_bytes(overlay, "PNG").getvalue()
    if hasattr(overlay, "read"):
        if hasattr(overlay, "seek"):
            overlay.seek(0)
        return overlay.read()
    raise TypeError(f"an overlay is a path, bytes, a binary file or an image, not {overlay!r}")


class ImageOverlay:
    """Composites another image (a watermark, a frame) over the image.

    ``overlay`` is a path, bytes, a binary file or a PIL image; a path is stored and opened at
    each ``process`` (so the file may change), anything else is stored as encoded bytes.
    The overlay is placed by ``anchor`` (default centre) or with its top-left corner at
    ``x``, ``y`` (negative values are allowed; what falls outside is cut off), and its own
    alpha is multiplied by ``opacity``. The overlay is not resized.
    """

    size_role: ClassVar[str] = OTHER

    def __init__(
        self,
        overlay: OverlaySource,
        anchor: AnchorLike | None = None,
        x: int | None = None,
        y: int | None = None,
        opacity: float = 1.0,
    ) -> None:
        if anchor is not None and (x is not None or y is not None):
            raise ValueError("give either an anchor or x/y coordinates, not both")
        self.overlay = _overlay_data(overlay)
        self.anchor = normalize_anchor(anchor)
        self.x = x
        self.y = y
        self.opacity = check_fraction(opacity, "opacity")

    def load_overlay(self) -> Image.Image:
        """The overlay as RGBA, its alpha scaled by ``opacity``."""
        layer = colour_work(open_image(self.overlay)).convert("RGBA")
        if self.opacity < 1:
            alpha = layer.getchannel("A").point([round(a * self.opacity) for a in range(256)])
            layer.putalpha(alpha)
        return layer

    def position(self, image_size: Size, overlay_size: Size) -> tuple[int, int]:
        """Where the overlay's top-left corner lands on the image."""
        if self.x is not None or self.y is not None:
            return (self.x or 0, self.y or 0)
        fraction_x, fraction_y = Anchor.get_tuple(self.anchor or Anchor.CENTER)
        return (
            anchor_offset(image_size[0] - overlay_size[0], fraction_x),
            anchor_offset(image_size[1] - overlay_size[1], fraction_y),
        )

    def process(self, img: Image.Image) -> Image.Image:
        layer = self.load_overlay()
        base = colour_work(img)
        opaque = base.mode in ("L", "RGB")
        base = base.convert("RGBA")
        sheet = Image.new("RGBA", base.size, (0, 0, 0, 0))
        sheet.paste(layer, self.position(base.size, layer.size))
        result = Image.alpha_composite(base, sheet)
        return carry_icc(img, result.convert("RGB") if opaque else result)

    def size_hint(self, source_size: Size) -> Size | None:
        # The overlay is placed and sized in source pixels.
        return None

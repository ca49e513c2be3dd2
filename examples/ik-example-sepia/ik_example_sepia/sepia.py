"""``Sepia``: turns an image into brown tones, like an old photographic print."""

from __future__ import annotations

from typing import ClassVar

from ik_processors_pilkit.pillow_engine import NEUTRAL
from PIL import Image, ImageOps

RGB = tuple[int, int, int]


class Sepia:
    """Map the image's lightness onto a ramp from ``shadow`` through ``midtone`` to
    ``highlight``, then blend that with the original: ``strength`` 1.0 is full sepia, 0.0 leaves
    the colours as they were. Transparency is kept.

    Its attributes are the whole of its configuration: the host hashes them into the
    cache-file name, so changing one makes new files instead of serving stale ones.
    """

    # Per-pixel work that commutes with scaling: a resize after it may decode the source at a
    # reduced size (JPEG shrink-on-load), exactly as if Sepia were not there.
    size_role: ClassVar[str] = NEUTRAL

    def __init__(
        self,
        strength: float = 1.0,
        shadow: RGB = (38, 24, 12),
        midtone: RGB = (150, 110, 70),
        highlight: RGB = (255, 241, 212),
    ) -> None:
        if not 0.0 <= strength <= 1.0:
            raise ValueError(f"Sepia strength must be between 0.0 and 1.0, got {strength!r}")
        self.strength = float(strength)
        self.shadow = tuple(shadow)
        self.midtone = tuple(midtone)
        self.highlight = tuple(highlight)

    def size_hint(self, source_size: tuple[int, int]) -> tuple[int, int]:
        """Sepia needs no more pixels than it is given: the source size itself."""
        return (source_size[0], source_size[1])

    def process(self, img: Image.Image) -> Image.Image:
        alpha = img.getchannel("A") if img.mode in ("RGBA", "LA", "PA") else None
        if img.mode == "P" and "transparency" in img.info:
            alpha = img.convert("RGBA").getchannel("A")
        rgb = img.convert("RGB")
        toned = ImageOps.colorize(
            ImageOps.grayscale(rgb), black=self.shadow, white=self.highlight, mid=self.midtone
        )
        if self.strength < 1.0:
            toned = Image.blend(rgb, toned, self.strength)
        if alpha is not None:
            toned.putalpha(alpha)
        return toned

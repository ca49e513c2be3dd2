"""Image factories shared by the tests, handed out as fixtures (test modules are imported in
importlib mode, so they cannot import each other)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from PIL import Image

RED = (255, 0, 0)
GREEN = (0, 255, 0)
BLUE = (0, 0, 255)
WHITE = (255, 255, 255)


def coordinates(size: tuple[int, int]) -> Image.Image:
    """RGB image whose pixel (x, y) encodes x and y, so any crop box can be read back."""
    width, height = size
    img = Image.new("RGB", size)
    img.putdata(
        [
            (x % 256, y % 256, (x // 256) * 16 + y // 256)
            for y in range(height)
            for x in range(width)
        ]
    )
    return img


def decode(pixel: tuple[int, ...]) -> tuple[int, int]:
    """The (x, y) a ``coordinates`` pixel encodes."""
    red, green, blue = pixel[:3]
    return (red + (blue // 16) * 256, green + (blue % 16) * 256)


def sample(mode: str, size: tuple[int, int] = (24, 16)) -> Image.Image:
    """A small image in ``mode`` with structure (a gradient and a red block) and, for the alpha
    modes, a transparent band across the middle rows (so every crop keeps some of it).
    ``"P+t"`` is a palette image with a transparent index."""
    width, height = size
    rgba = Image.new("RGBA", size)
    rgba.putdata(
        [
            (x * 255 // max(width - 1, 1), y * 255 // max(height - 1, 1), 128, 255)
            for y in range(height)
            for x in range(width)
        ]
    )
    rgba.paste((255, 0, 0, 255), (width // 2, 0, width, height // 2))
    rgba.paste((0, 0, 0, 0), (0, height * 3 // 8, width, max(height * 5 // 8, 1)))
    if mode == "P+t":
        pal = rgba.convert("RGB").quantize(colors=15)
        transparent = 15
        alpha = rgba.getchannel("A")
        pal.paste(transparent, (0, 0), alpha.point(lambda a: 255 if a == 0 else 0))
        pal.info["transparency"] = transparent
        return pal
    if mode == "I;16":
        gray = rgba.convert("L")
        return gray.convert("I").point(lambda v: v * 257).convert("I;16")
    if mode in ("LA", "RGBA"):
        return rgba.convert(mode)
    return rgba.convert("RGB").convert(mode)


def has_alpha(img: Image.Image) -> bool:
    if img.mode in ("LA", "RGBA", "PA"):
        return True
    return img.mode == "P" and "transparency" in img.info


def close(actual: tuple[int, ...], expected: tuple[int, ...], tolerance: int = 3) -> bool:
    return len(actual) == len(expected) and all(
        abs(a - b) <= tolerance for a, b in zip(actual, expected, strict=True)
    )


@pytest.fixture
def images() -> SimpleNamespace:
    return SimpleNamespace(
        coordinates=coordinates,
        decode=decode,
        sample=sample,
        has_alpha=has_alpha,
        close=close,
        RED=RED,
        GREEN=GREEN,
        BLUE=BLUE,
        WHITE=WHITE,
    )


@pytest.fixture
def decodes(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int]]:
    """The size of every image the Pillow engine decodes, in order."""
    from ik_processors_pilkit import pillow_engine  # noqa: PLC0415 - the module patched

    sizes: list[tuple[int, int]] = []
    original = pillow_engine.open_image

    def counting(*args: object, **kwargs: object) -> Image.Image:
        img = original(*args, **kwargs)
        sizes.append(img.size)
        return img

    monkeypatch.setattr(pillow_engine, "open_image", counting)
    return sizes

"""Photo-like sample images and the measures the tests compare engines with, as fixtures
(test modules are imported in importlib mode, so they cannot import each other)."""

from __future__ import annotations

import io
import random
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from PIL import Image, ImageChops, ImageDraw, ImageStat

from ik_defaults.defaults_testing import media_root


def photo(size: tuple[int, int], mode: str = "RGB", seed: int = 7) -> Image.Image:
    """Smooth colour fields, a few hard edges and fine grain: what downscaling meets in photos.

    Deterministic for a given seed. The alpha modes get a soft-edged transparent ellipse.
    """
    rng = random.Random(seed)
    width, height = size
    fields = Image.frombytes("RGB", (6, 5), rng.randbytes(6 * 5 * 3))
    img = fields.resize(size, Image.Resampling.BICUBIC)
    draw = ImageDraw.Draw(img)
    draw.rectangle((width // 5, height // 4, width // 2, height // 2), fill=(230, 200, 40))
    draw.line((0, height - 1, width - 1, 0), fill=(20, 20, 90), width=max(width // 100, 2))
    grain = Image.frombytes("L", size, rng.randbytes(width * height)).convert("RGB")
    img = Image.blend(img, grain, 0.05)
    if mode in ("RGBA", "LA"):
        alpha = Image.new("L", size, 255)
        ImageDraw.Draw(alpha).ellipse((width // 3, height // 3, width - 10, height - 10), fill=0)
        img.putalpha(alpha.resize((max(width // 8, 1), max(height // 8, 1))).resize(size))
    return img.convert(mode)


def encode(img: Image.Image, format: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    img.save(buffer, format, **options)
    return buffer.getvalue()


def decoded(data: bytes | io.BytesIO) -> Image.Image:
    raw = data.getvalue() if isinstance(data, io.BytesIO) else data
    img = Image.open(io.BytesIO(raw))
    img.load()
    return img


def mad(first: Image.Image, second: Image.Image) -> float:
    """Mean absolute difference over every pixel and band, in grey levels (0..255)."""
    assert first.size == second.size and first.mode == second.mode
    stat = ImageStat.Stat(ImageChops.difference(first, second))
    return sum(stat.mean) / len(stat.mean)


@pytest.fixture(scope="session")
def images() -> SimpleNamespace:
    return SimpleNamespace(photo=photo, encode=encode, decoded=decoded, mad=mad)


@pytest.fixture
def media(tmp_path: Path) -> Iterator[Path]:
    """A fresh media root and state cache as the configuration in force."""
    with media_root(tmp_path / "media") as root:
        yield root

"""Fixtures for the host's tests: sample images made here, and a temporary media directory."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from ik_defaults import FileSystemStorage, MemoryStateCache
from ik_host.config import Config, set_config


def make_image(mode: str = "RGB", size: tuple[int, int] = (64, 48)) -> Image.Image:
    """An image whose left half is red-ish and right half blue-ish, so crops are visible."""
    img = Image.new("RGB", size, (220, 30, 30))
    img.paste((30, 30, 220), (size[0] // 2, 0, size[0], size[1]))
    return img.convert(mode)


def image_bytes(img: Image.Image, format: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    img.save(buffer, format, **options)
    return buffer.getvalue()


@pytest.fixture
def media(tmp_path: Path) -> Iterator[Path]:
    """A fresh media root and state cache as the configuration in force."""
    root = tmp_path / "media"
    set_config(Config(storage=FileSystemStorage(str(root)), state_cache=MemoryStateCache()))
    try:
        yield root
    finally:
        set_config(None)


@pytest.fixture
def jpeg_path(tmp_path: Path) -> Path:
    path = tmp_path / "photos" / "bulldog.jpg"
    path.parent.mkdir(parents=True)
    path.write_bytes(image_bytes(make_image(size=(400, 300)), "JPEG", quality=90))
    return path

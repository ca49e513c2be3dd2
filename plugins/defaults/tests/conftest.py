"""Fixtures for the defaults' end-to-end tests: a temporary media directory and a sample JPEG."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from ik_defaults.defaults_testing import media_root


@pytest.fixture
def media(tmp_path: Path) -> Iterator[Path]:
    """A fresh media root and state cache as the configuration in force."""
    with media_root(tmp_path / "media") as root:
        yield root


@pytest.fixture
def jpeg_path(tmp_path: Path) -> Path:
    """A 400x300 JPEG, red on the left and blue on the right."""
    path = tmp_path / "photos" / "bulldog.jpg"
    path.parent.mkdir(parents=True)
    img = Image.new("RGB", (400, 300), (220, 30, 30))
    img.paste((30, 30, 220), (200, 0, 400, 300))
    img.save(path, "JPEG", quality=90)
    return path

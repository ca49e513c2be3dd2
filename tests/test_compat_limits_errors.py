"""django-imagekit compatibility: big camera photos pass, bad sources raise ``OSError``s."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image, UnidentifiedImageError

from ik_host.cachefile import CacheFile
from ik_host.config import DEFAULT_LIMITS
from ik_host.errors import SourceImageError, SourceNotFound
from ik_host.specs import ImageSpec
from ik_processors_pilkit import ResizeToFill
from ik_processors_pilkit.pillow_io import open_image


class Thumb(ImageSpec):
    processors = [ResizeToFill(100, 75)]
    format = "JPEG"


def test_the_pixel_limit_is_pillows_own() -> None:
    assert DEFAULT_LIMITS.max_pixels is not None
    assert DEFAULT_LIMITS.max_pixels >= 2 * Image.MAX_IMAGE_PIXELS


def test_a_61_megapixel_photo_gets_a_thumbnail(media: Path, tmp_path: Path) -> None:
    path = tmp_path / "camera.jpg"
    Image.new("RGB", (9000, 6800), (40, 90, 160)).save(path, "JPEG", quality=10)
    cache = CacheFile(Thumb(source=str(path)))
    cache.generate()
    with Image.open(media / cache.name) as thumb:
        assert (thumb.format, thumb.size) == ("JPEG", (100, 75))


def test_a_missing_source_is_a_file_not_found_error(tmp_path: Path) -> None:
    missing = tmp_path / "gone.jpg"
    with pytest.raises(FileNotFoundError) as info:
        open_image(str(missing))
    assert isinstance(info.value, SourceNotFound)
    assert isinstance(info.value, SourceImageError)
    assert "gone.jpg" in str(info.value)
    assert "does not exist" in str(info.value)


def test_a_non_image_source_is_an_os_error() -> None:
    with pytest.raises(OSError) as info:
        open_image(io.BytesIO(b"just some text, not an image"), name="notes.jpg")
    assert isinstance(info.value, SourceImageError)
    assert "notes.jpg" in str(info.value)
    assert issubclass(UnidentifiedImageError, OSError)  # what django-imagekit lets through

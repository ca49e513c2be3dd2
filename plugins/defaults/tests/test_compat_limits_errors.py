"""django-imagekit compatibility: big camera photos pass. (That bad sources raise ``OSError``s
is checked with the engine: ``plugins/processors_pilkit/tests/test_pillow_limits.py``.)
Through the defaults and the Pillow engine together, so it lives with the defaults."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from ik_host.cachefile import CacheFile
from ik_host.specs import ImageSpec
from ik_processors_pilkit import ResizeToFill


class Thumb(ImageSpec):
    processors = [ResizeToFill(100, 75)]
    format = "JPEG"


def test_a_61_megapixel_photo_gets_a_thumbnail(media: Path, tmp_path: Path) -> None:
    path = tmp_path / "camera.jpg"
    Image.new("RGB", (9000, 6800), (40, 90, 160)).save(path, "JPEG", quality=10)
    cache = CacheFile(Thumb(source=str(path)))
    cache.generate()
    with Image.open(media / cache.name) as thumb:
        assert (thumb.format, thumb.size) == ("JPEG", (100, 75))

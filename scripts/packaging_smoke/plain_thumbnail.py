"""A thumbnail from plain Python, without Django: run in a fresh virtualenv by the check."""

import sys

from PIL import Image

from ik_host.cachefile import CacheFile
from ik_host.specs import ImageSpec
from ik_processors_pilkit import ResizeToFill

Image.new("RGB", (640, 480), (200, 40, 40)).save("photo.jpg")


class Thumbnail(ImageSpec):
    processors = [ResizeToFill(100, 50)]
    format = "JPEG"
    options = {"quality": 60}


with open("photo.jpg", "rb") as source:
    thumb = CacheFile(Thumbnail(source=source))
    print(thumb.url, thumb.width, thumb.height)
    assert (thumb.width, thumb.height) == (100, 50)
    with Image.open(thumb.path) as image:
        assert image.size == (100, 50) and image.format == "JPEG", (image.size, image.format)
assert "django" not in sys.modules, "the host imported Django"
print("ok plain")

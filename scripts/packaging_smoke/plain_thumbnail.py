"""A thumbnail and a picture set from plain Python, without Django: run in a fresh virtualenv
by the check."""

import sys

from PIL import Image

from ik_host.cachefile import CacheFile
from ik_host.specs import ImageSpec
from ik_pictures.picture_json import picture_json
from ik_pictures.picture_markup import picture_html
from ik_pictures.pictures import picture_set
from ik_processors_pilkit import ResizeToFill, ResizeToFit

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


class Rendition(ImageSpec):
    """What a picture set asks of its generator: a width, a height and a format."""

    def __init__(self, source=None, width=None, height=None, format=None, **options):
        super().__init__(source=source)
        self.processors = [ResizeToFit(width, height)]
        self.format = format


with open("photo.jpg", "rb") as source:
    pictures = picture_set(source, 200, None, generator=Rendition, formats=["WEBP"])
    sources = picture_json(pictures)["sources"]
    made = {mime: [entry["width"] for entry in listed] for mime, listed in sources.items()}
    print(made)
    assert made == {"image/webp": [200, 300, 400], "image/jpeg": [200, 300, 400]}, made
    with Image.open(pictures.sources["image/webp"][-1].file.path) as image:
        assert image.size == (400, 300) and image.format == "WEBP", (image.size, image.format)
    assert picture_html(pictures).startswith('<picture><source type="image/webp"')
assert "django" not in sys.modules, "the host imported Django"
print("ok plain")

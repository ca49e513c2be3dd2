"""The demo's sample photos, made at first run from images that an installed package ships.

The photographs come from scikit-image's bundled data files (public-domain and CC0 pictures:
an astronaut, a cup of coffee, a cat, a rocket...), read straight from the installed package:
nothing is downloaded. Without scikit-image, a few pictures are drawn with Pillow instead.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from importlib.resources import files
from importlib.util import find_spec
from typing import NamedTuple

from PIL import Image, ImageDraw, ImageOps

# (title, file in skimage/data). Sizes run from 451x300 to 1411x1411, so the 1024 px display
# size is seen both as a reduction and as "never enlarged".
SKIMAGE_PHOTOS = [
    ("Retina", "retina.jpg"),
    ("Astronaut", "astronaut.png"),
    ("Coffee", "coffee.png"),
    ("Chelsea the cat", "chelsea.png"),
    ("Rocket launch", "rocket.jpg"),
    ("Motorcycle", "motorcycle_left.png"),
    ("Hubble deep field", "hubble_deep_field.jpg"),  # added last: the newest, so featured
]


class Sample(NamedTuple):
    title: str
    filename: str
    image: Image.Image


def have_skimage() -> bool:
    return find_spec("skimage") is not None


def skimage_photos() -> Iterator[Sample]:
    data = files("skimage") / "data"
    for title, name in SKIMAGE_PHOTOS:
        resource = data / name
        if not resource.is_file():  # a future scikit-image without this picture
            continue
        with resource.open("rb") as stream, Image.open(stream) as img:
            img.load()
            yield Sample(title, name.rsplit(".", 1)[0] + ".jpg", img.convert("RGB"))


def drawn_pictures() -> Iterator[Sample]:
    """A few pictures drawn here, for when scikit-image is not installed."""
    yield Sample("Badge", "badge.jpg", _badge((150, 100)))
    yield Sample("Checkerboard", "checkerboard.jpg", _checkerboard((1000, 1000), 125))
    yield Sample("Tower", "tower.jpg", _tower((800, 1200)))
    yield Sample("Sunset", "sunset.jpg", _sunset((1600, 900)))  # added last: featured


def samples() -> Iterator[Sample]:
    yield from skimage_photos() if have_skimage() else drawn_pictures()


def to_jpeg(img: Image.Image, quality: int = 92) -> bytes:
    buffer = io.BytesIO()
    img.convert("RGB").save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


# -- drawn pictures --------------------------------------------------------------------------

Colour = tuple[int, int, int]


def _gradient(size: tuple[int, int], start: Colour, end: Colour, angle: int = 0) -> Image.Image:
    ramp = Image.linear_gradient("L").rotate(angle, resample=Image.Resampling.BICUBIC)
    return ImageOps.colorize(ramp.resize(size), start, end)


def _sunset(size: tuple[int, int]) -> Image.Image:
    img = _gradient(size, (255, 140, 60), (40, 20, 90))
    draw = ImageDraw.Draw(img)
    width, height = size
    radius = height // 5
    draw.ellipse(
        (width // 2 - radius, height // 2, width // 2 + radius, height // 2 + 2 * radius),
        fill=(255, 220, 120),
    )
    draw.rectangle((0, height * 3 // 4, width, height), fill=(20, 30, 60))
    return img


def _tower(size: tuple[int, int]) -> Image.Image:
    img = _gradient(size, (120, 190, 255), (240, 250, 255), angle=180)
    draw = ImageDraw.Draw(img)
    width, height = size
    for floor in range(12):
        top = height - (floor + 1) * height // 14
        draw.rectangle((width // 3, top, width * 2 // 3, top + height // 16), fill=(90, 90, 110))
    return img


def _checkerboard(size: tuple[int, int], square: int) -> Image.Image:
    img = Image.new("RGB", size, (250, 250, 250))
    draw = ImageDraw.Draw(img)
    for top in range(0, size[1], square):
        for left in range(0, size[0], square):
            if (top // square + left // square) % 2:
                draw.rectangle((left, top, left + square - 1, top + square - 1), fill=(30, 90, 60))
    return img


def _badge(size: tuple[int, int]) -> Image.Image:
    """Smaller than the 200x200 thumbnail: ResizeToFill scales it up, ResizeToFit does not."""
    img = _gradient(size, (200, 30, 80), (255, 200, 0), angle=90)
    width, height = size
    triangle = [(width // 2, height // 10), (width - 10, height - 10), (10, height - 10)]
    ImageDraw.Draw(img).polygon(triangle, outline=(255, 255, 255), width=4)
    return img

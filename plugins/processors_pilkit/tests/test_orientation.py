"""The engine option ``exif_transpose``: the source is turned upright from its EXIF orientation
before the processors, for all eight orientations, and the reported size is the upright one."""

from __future__ import annotations

import io

import pytest
from PIL import ExifTags, Image

from ik_host.records import Job
from ik_host.specs import ImageSpec
from ik_processors_pilkit.pilkit_base import Transpose
from ik_processors_pilkit.pilkit_resize import ResizeToFill, ResizeToFit
from ik_processors_pilkit.pillow_engine import PillowEngine, decode_once, process

RED, BLUE, GREEN = (255, 0, 0), (0, 0, 255), (0, 255, 0)
# How a camera stores the upright picture for each orientation: the inverse of what
# ImageOps.exif_transpose applies (2-5 and 7 undo themselves; 6 and 8 undo each other).
STORED_AS = {
    1: None,
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_90,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_270,
}


def upright(size: tuple[int, int] = (80, 40)) -> Image.Image:
    """Landscape, red top-left quarter, blue bottom-right quarter, green elsewhere."""
    width, height = size
    img = Image.new("RGB", size, GREEN)
    img.paste(RED, (0, 0, width // 2, height // 2))
    img.paste(BLUE, (width // 2, height // 2, width, height))
    return img


def stored(orientation: int, fmt: str = "PNG", size: tuple[int, int] = (80, 40)) -> bytes:
    img = upright(size)
    if STORED_AS[orientation] is not None:
        img = img.transpose(STORED_AS[orientation])
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    buffer = io.BytesIO()
    img.save(buffer, fmt, exif=exif.tobytes(), **({"quality": 95} if fmt == "JPEG" else {}))
    return buffer.getvalue()


def decoded(data: bytes) -> Image.Image:
    img = Image.open(io.BytesIO(data))
    img.load()
    return img


def close(pixel: tuple[int, ...], colour: tuple[int, int, int], tolerance: int = 24) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel[:3], colour, strict=True))


def assert_upright(img: Image.Image) -> None:
    width, height = img.size
    assert close(img.getpixel((width // 8, height // 8)), RED)
    assert close(img.getpixel((width * 7 // 8, height * 7 // 8)), BLUE)
    assert close(img.getpixel((width * 7 // 8, height // 8)), GREEN)


@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_orientation_comes_out_upright(orientation: int) -> None:
    result = process(stored(orientation), [], "PNG", {"exif_transpose": True}, name="o.png")
    assert (result.width, result.height) == (80, 40)
    img = decoded(result.getvalue())
    assert img.size == (80, 40)
    assert_upright(img)
    assert img.getexif().get(ExifTags.Base.Orientation, 1) == 1  # never turned twice


@pytest.mark.parametrize("orientation", range(1, 9))
def test_a_drafted_jpeg_is_resized_upright(orientation: int) -> None:
    # 800x400 to 100x50: decoded at a reduced DCT scale, turned, then resized.
    source = stored(orientation, "JPEG", (800, 400))
    result = process(source, [ResizeToFill(100, 50)], "JPEG", {"exif_transpose": True})
    assert (result.width, result.height) == (100, 50)
    img = decoded(result.getvalue())
    assert img.size == (100, 50)
    assert_upright(img)


@pytest.mark.parametrize("orientation", [5, 6, 7, 8])
def test_the_reported_size_is_the_upright_one(orientation: int) -> None:
    job = Job(stored(orientation), [ResizeToFit(40, 40)], "WEBP", {"exif_transpose": True})
    result = PillowEngine().generate(job)
    assert (result.width, result.height) == (40, 20)
    assert decoded(result.getvalue()).size == (40, 20)


def test_without_the_option_the_stored_pixels_are_kept() -> None:
    # django-imagekit's behaviour: only a Transpose() processor turns the image.
    result = process(stored(6), [], "PNG", name="o.png")
    assert (result.width, result.height) == (40, 80)


def test_a_spec_transpose_is_not_applied_twice() -> None:
    options = {"exif_transpose": True}
    result = process(stored(6), [Transpose(), ResizeToFit(40, 40)], "PNG", options)
    assert (result.width, result.height) == (40, 20)
    assert_upright(decoded(result.getvalue()))


def test_the_option_never_reaches_the_encoder() -> None:
    with_option = process(stored(1), [], "PNG", {"exif_transpose": True})
    without = process(stored(1), [], "PNG", {"exif_transpose": False})
    assert decoded(with_option.getvalue()).tobytes() == decoded(without.getvalue()).tobytes()


def spec_class(*processors, options=None) -> type:
    class Spec(ImageSpec):
        pass

    Spec.processors, Spec.format, Spec.options = list(processors), "PNG", options
    return Spec


def test_a_shared_decode_is_fine_enough_for_the_upright_spec(tmp_path, decodes) -> None:
    path = tmp_path / "turned.jpg"
    path.write_bytes(stored(6, "JPEG", (1600, 800)))  # stored 800x1600, upright 1600x800
    # Upright, 400x200 needs the decode at 1/2; read without its turn it would be 100x200 and
    # take 1/4; the other spec (50x100 from the stored pixels) takes 1/8 alone.
    specs = [
        spec_class(ResizeToFit(400, 200), options={"exif_transpose": True})(source=str(path)),
        spec_class(ResizeToFit(100, 100))(source=str(path)),
    ]
    with decode_once(specs):
        upright_one, plain = (spec.generate() for spec in specs)
    assert decodes == [(400, 800)]
    assert (upright_one.width, upright_one.height) == (400, 200)
    assert (plain.width, plain.height) == (50, 100)
    assert_upright(decoded(upright_one.getvalue()))

"""Placeholders computed by the Pillow engine: each kind decodes back to an image of the right
aspect and colours, stays under 1 KB as a data URL, keeps alpha (ThumbHash), and comes from the
processed image while generating or from a stored file."""

from __future__ import annotations

import base64
import io

import blurhash_rs
import pytest
import thumbhash
from PIL import Image, ImageStat

from ik_host.errors import SourceImageError
from ik_host.placeholders import PLACEHOLDER_KINDS, Placeholder
from ik_host.records import Job
from ik_processors_pilkit.pillow_engine import PillowEngine
from ik_processors_pilkit.pillow_placeholders import (
    DATA_URL_LIMIT,
    file_placeholder,
    image_placeholder,
    small_rendition,
)

RED = (220, 30, 40)
BLUE = (20, 60, 210)


def halves(size: tuple[int, int], left: tuple[int, ...], right: tuple[int, ...]) -> Image.Image:
    """An image whose left half is ``left`` and right half ``right`` (RGB, or RGBA if 4-tuples)."""
    img = Image.new("RGBA" if len(left) == 4 else "RGB", size, left)
    img.paste(right, (size[0] // 2, 0, size[0], size[1]))
    return img


def noisy(size: tuple[int, int], seed: int = 0) -> Image.Image:
    """A photo-like worst case for compression: gradients under per-pixel noise."""
    gradient = Image.linear_gradient("L").resize(size)
    return Image.merge(
        "RGB",
        (gradient, Image.radial_gradient("L").resize(size), Image.effect_noise(size, 60 + seed)),
    )


def drawn(placeholder: Placeholder) -> Image.Image:
    """The PNG of ``placeholder``'s data URL."""
    header, data = placeholder.data_url.split(",", 1)
    assert header == "data:image/png;base64"
    return Image.open(io.BytesIO(base64.b64decode(data)))


def thumbhash_image(placeholder: Placeholder) -> Image.Image:
    width, height, pixels = thumbhash.thumb_hash_to_rgba(base64.b64decode(placeholder.value))
    return Image.frombytes("RGBA", (width, height), pixels)


def near(color: tuple[int, ...], expected: tuple[int, ...], tolerance: int) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(color, expected, strict=False))


@pytest.mark.parametrize("size", [(1200, 800), (600, 900), (40, 40)])
def test_thumbhash_decodes_to_the_aspect_and_colours_of_the_image(size: tuple[int, int]) -> None:
    placeholder = image_placeholder(halves(size, RED, BLUE), "thumbhash", name="halves.png")
    assert placeholder is not None and placeholder.kind == "thumbhash"
    value = base64.b64decode(placeholder.value)
    ratio = thumbhash.thumb_hash_to_approximate_aspect_ratio(value)
    assert ratio == pytest.approx(size[0] / size[1], rel=0.15)
    average = [round(channel * 255) for channel in thumbhash.thumb_hash_to_average_rgba(value)]
    assert near(
        average,
        ((RED[0] + BLUE[0]) // 2, (RED[1] + BLUE[1]) // 2, (RED[2] + BLUE[2]) // 2, 255),
        12,
    )
    image = thumbhash_image(placeholder).convert("RGB")
    left, right = (
        image.getpixel((1, image.height // 2)),
        image.getpixel((image.width - 2, image.height // 2)),
    )
    assert left[0] > left[2] + 80 and right[2] > right[0] + 80  # red on the left, blue on the right


def test_blurhash_decodes_to_the_colours_of_the_image() -> None:
    placeholder = image_placeholder(halves((900, 600), RED, BLUE), "blurhash", name="halves.png")
    assert placeholder is not None and placeholder.kind == "blurhash"
    image = blurhash_rs.blurhash_decode(placeholder.value, 30, 20)
    left, right = image.getpixel((1, 10)), image.getpixel((28, 10))
    assert left[0] > left[2] + 80 and right[2] > right[0] + 80
    mean = ImageStat.Stat(image).mean
    assert near(
        [round(x) for x in mean],
        ((RED[0] + BLUE[0]) // 2, (RED[1] + BLUE[1]) // 2, (RED[2] + BLUE[2]) // 2),
        15,
    )
    png = drawn(placeholder)
    assert png.width / png.height == pytest.approx(1.5, rel=0.1)


def test_color_is_the_average_colour() -> None:
    assert (
        image_placeholder(Image.new("RGB", (300, 200), (10, 200, 30)), "color").value == "#0ac81e"
    )
    placeholder = image_placeholder(halves((300, 200), (200, 0, 0), (0, 0, 100)), "color")
    assert placeholder == Placeholder("color", "#640032")
    assert placeholder.css() == "#640032"


def test_transparent_pixels_do_not_bleed_into_the_colour() -> None:
    # Transparent black beside opaque red: the visible colour is red, not a dark red.
    image = halves((400, 300), (0, 0, 0, 0), (255, 0, 0, 255))
    assert image_placeholder(image, "color").value == "#ff0000"


def test_thumbhash_keeps_alpha() -> None:
    placeholder = image_placeholder(
        halves((600, 400), (0, 0, 0, 0), (0, 120, 255, 255)), "thumbhash"
    )
    image = thumbhash_image(placeholder)
    assert image.getpixel((0, image.height // 2))[3] < 60  # transparent on the left
    assert image.getpixel((image.width - 1, image.height // 2))[3] > 200  # opaque on the right
    average_alpha = thumbhash.thumb_hash_to_average_rgba(base64.b64decode(placeholder.value))[3]
    assert average_alpha == pytest.approx(0.5, abs=0.1)
    assert drawn(placeholder).mode == "RGBA"  # the data URL keeps it too


def test_an_opaque_image_is_drawn_without_alpha() -> None:
    placeholder = image_placeholder(noisy((800, 600)), "thumbhash")
    assert drawn(placeholder).mode == "RGB"


@pytest.mark.parametrize("kind", ["thumbhash", "blurhash"])
@pytest.mark.parametrize("size", [(1200, 800), (800, 1200), (3000, 200), (5, 5)])
def test_data_urls_stay_under_a_kilobyte(kind: str, size: tuple[int, int]) -> None:
    placeholder = image_placeholder(noisy(size), kind)
    assert len(placeholder.data_url) < DATA_URL_LIMIT
    assert placeholder.css() == f"url({placeholder.data_url}) center / cover no-repeat"
    png = drawn(placeholder)
    assert max(png.size) <= 16


def test_a_large_image_is_sampled_close_to_its_full_average() -> None:
    # The point-sampled path (large images) against the exact average of every pixel.
    image = noisy((4000, 3000), seed=3)
    exact = [round(x) for x in ImageStat.Stat(image).mean]
    small = small_rendition(image)
    assert max(small.size) <= 48
    sampled = [round(x) for x in ImageStat.Stat(small).mean]
    assert near(sampled, exact, 2)


@pytest.mark.parametrize("mode", ["L", "LA", "P", "P+t", "CMYK", "I;16", "I", "F", "1", "RGBa"])
def test_every_mode_gives_each_kind(mode: str) -> None:
    base = halves((120, 80), (250, 250, 250, 255), (10, 10, 10, 255))
    if mode == "P+t":
        image = base.convert("RGB").convert("P")
        image.info["transparency"] = 0
    elif mode in ("I;16", "I", "F"):
        image = base.convert("L").convert(mode)
    else:
        image = base.convert(mode)
    for kind in PLACEHOLDER_KINDS:
        placeholder = image_placeholder(image, kind, name=f"{mode}.png")
        assert placeholder is not None and placeholder.kind == kind


def test_none_gives_no_placeholder_and_an_unknown_kind_says_which_exist() -> None:
    assert image_placeholder(noisy((50, 50)), "none") is None
    with pytest.raises(ValueError, match="thumbhash, blurhash, color"):
        image_placeholder(noisy((50, 50)), "dominant")


def jpeg(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def test_a_stored_file_gives_the_placeholder_its_pixels_give() -> None:
    image = halves((1600, 1000), RED, BLUE)
    stored = file_placeholder(io.BytesIO(jpeg(image)), "color", name="CACHE/a.jpg")
    in_memory = image_placeholder(image, "color")
    assert in_memory.value == "#782d7d"  # (RED + BLUE) / 2
    assert near(bytes.fromhex(stored.value[1:]), bytes.fromhex(in_memory.value[1:]), 4)
    hashed = file_placeholder(io.BytesIO(jpeg(image)), "thumbhash", name="CACHE/a.jpg")
    ratio = thumbhash.thumb_hash_to_approximate_aspect_ratio(base64.b64decode(hashed.value))
    assert ratio == pytest.approx(1.6, rel=0.15)


def test_a_stored_file_that_is_not_an_image_names_the_file() -> None:
    with pytest.raises(SourceImageError, match=r"CACHE/broken\.jpg"):
        file_placeholder(io.BytesIO(b"not an image at all"), "thumbhash", name="CACHE/broken.jpg")


def test_the_engine_computes_the_jobs_kind_while_generating() -> None:
    engine = PillowEngine()
    source = io.BytesIO(jpeg(halves((1200, 800), RED, BLUE)))
    made = engine.generate(Job(source, [], "PNG", placeholder="color"))
    assert made.placeholder is not None and made.placeholder.kind == "color"
    assert near(bytes.fromhex(made.placeholder.value[1:]), (120, 45, 125), 4)
    source.seek(0)
    assert engine.generate(Job(source, [], "PNG")).placeholder is None  # the job's default: none


def test_the_engine_computes_a_placeholder_from_a_stored_file() -> None:
    placeholder = PillowEngine().placeholder(
        io.BytesIO(jpeg(halves((300, 200), RED, BLUE))), "blurhash", name="CACHE/b.jpg"
    )
    assert placeholder.kind == "blurhash" and len(placeholder.value) == 28  # 4x3 components


def png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def test_a_placeholder_shows_the_image_as_its_format_stores_it() -> None:
    # Transparent on the left: a JPEG flattens it onto white, a PNG keeps it.
    source = png(halves((600, 400), (0, 0, 0, 0), (200, 0, 0, 255)))
    as_jpeg = PillowEngine().generate(Job(io.BytesIO(source), [], "JPEG", placeholder="thumbhash"))
    flat = thumbhash_image(as_jpeg.placeholder)
    assert flat.getpixel((0, flat.height // 2))[3] == 255  # opaque...
    assert min(flat.getpixel((0, flat.height // 2))[:3]) > 200  # ...and white, as the JPEG is
    as_png = PillowEngine().generate(Job(io.BytesIO(source), [], "PNG", placeholder="thumbhash"))
    kept = thumbhash_image(as_png.placeholder)
    assert kept.getpixel((0, kept.height // 2))[3] < 60


@pytest.mark.parametrize("format", ["JPEG", "PNG", "WEBP"])
def test_generation_and_the_stored_file_give_the_same_colour(format: str) -> None:
    source = png(halves((600, 400), (0, 0, 0, 0), (200, 0, 0, 255)))
    made = PillowEngine().generate(Job(io.BytesIO(source), [], format, placeholder="color"))
    stored = file_placeholder(io.BytesIO(made.getvalue()), "color", name=f"CACHE/x.{format}")
    assert near(bytes.fromhex(made.placeholder.value[1:]), bytes.fromhex(stored.value[1:]), 6)


def _no_placeholder_code(*args: object, **kwargs: object) -> None:
    raise AssertionError("placeholder code ran for a job that asked for none")


def test_a_job_asking_for_none_runs_no_placeholder_code(monkeypatch: pytest.MonkeyPatch) -> None:
    # Every plain spec and thumbnail: only a picture's img rendition asks while generating.
    monkeypatch.setattr(
        "ik_processors_pilkit.pillow_engine.image_placeholder", _no_placeholder_code
    )
    source = io.BytesIO()
    halves((64, 48), RED, BLUE).save(source, "PNG")
    engine = PillowEngine()
    for format in ("JPEG", "PNG", "WEBP"):
        source.seek(0)
        made = engine.generate(Job(source, [], format))
        assert made.placeholder is None and made.width == 64
    source.seek(0)
    together = engine.generate_set([Job(source, [], "JPEG"), Job(source, [], "WEBP")])
    assert [each.placeholder for each in together] == [None, None]


def test_in_a_set_only_the_job_asking_gets_a_placeholder() -> None:
    source = io.BytesIO()
    halves((64, 48), RED, BLUE).save(source, "PNG")
    jobs = [Job(source, [], "WEBP"), Job(source, [], "JPEG", placeholder="color")]
    webp, jpeg = PillowEngine().generate_set(jobs)
    assert webp.placeholder is None
    assert jpeg.placeholder is not None and jpeg.placeholder.kind == "color"

"""A JPEG drafted at a reduced DCT scale is resampled from the region that shows its source.

Its size rounds up, so its last column and row stand for only part of a pixel's worth of the
source; resampling the whole image would stretch the output by that part, which on sharp
detail costs several grey levels against a full decode.
"""

from __future__ import annotations

import io

import pytest
from PIL import ExifTags, Image, ImageChops, ImageDraw, ImageOps, ImageStat

from ik_host.specs import ImageSpec
from ik_processors_pilkit import ResizeToFill, ResizeToFit, Transpose, pillow_engine
from ik_processors_pilkit.pillow_engine import (
    decode_once,
    draft_size,
    process,
    source_box,
    upright_box,
)
from ik_processors_pilkit.pillow_io import exif_orientation, open_image

# 2001 x 1335: not a multiple of 8 at any DCT scale, so every drafted decode has a part pixel.
SIZE = (2001, 1335)


def lines(size: tuple[int, int]) -> Image.Image:
    """Sharp, slanted lines coarse enough to survive the downscale: where they land shows."""
    img = Image.new("L", size, 128)
    draw = ImageDraw.Draw(img)
    for x in range(0, size[0], 61):
        draw.line([(x, 0), (x + size[1] // 3, size[1])], fill=230, width=13)
    for y in range(0, size[1], 47):
        draw.line([(0, y), (size[0], y + 40)], fill=20, width=9)
    return img.convert("RGB")


def jpeg(img: Image.Image, orientation: int = 1) -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    buffer = io.BytesIO()
    img.save(buffer, "JPEG", quality=92, exif=exif.tobytes())
    return buffer.getvalue()


def difference(a: Image.Image, b: Image.Image) -> float:
    # ResizeToFill gives RGBA (as pilkit's), opaque here: compare the colours.
    assert a.size == b.size
    a, b = a.convert("RGB"), b.convert("RGB")
    return sum(ImageStat.Stat(ImageChops.difference(a, b)).mean) / len(a.getbands())


def generated(data: bytes, processors: list) -> Image.Image:
    return Image.open(io.BytesIO(process(data, processors, "PNG").getvalue())).convert("RGB")


def whole_image_result(data: bytes, processors: list) -> Image.Image:
    """The drafted decode processed as if it all showed the source (before this was fixed)."""
    drafted = open_image(
        data, draft=lambda img: draft_size(processors, img.size, exif_orientation(img))
    )
    assert drafted.size[0] < SIZE[0] and drafted.size[0] < max(SIZE)
    for processor in processors:
        drafted = processor.process(drafted)
    return drafted


@pytest.mark.parametrize(
    "processor",
    [ResizeToFill(150, 150), ResizeToFill(300, 300), ResizeToFit(200, 200)],
    ids=["fill-quarter", "fill-half", "fit-half"],
)
def test_a_drafted_decode_lands_where_a_full_decode_does(processor):
    data = jpeg(lines(SIZE))
    full = processor.process(open_image(data))
    ours = generated(data, [processor])
    stretched = whole_image_result(data, [processor])
    assert difference(ours, full) < difference(stretched, full) / 2
    assert difference(ours, full) < 2  # grey levels


@pytest.mark.parametrize("orientation", [3, 6, 8])
def test_the_region_follows_an_automatic_transpose(orientation):
    data = jpeg(lines(SIZE), orientation)
    processors = [Transpose(), ResizeToFill(300, 300)]
    full = ResizeToFill(300, 300).process(ImageOps.exif_transpose(open_image(data)))
    ours = generated(data, processors)
    stretched = whole_image_result(data, processors)
    assert difference(ours, full) < difference(stretched, full) / 2


def test_a_shared_decode_reduced_for_a_spec_is_resampled_from_its_region(tmp_path, monkeypatch):
    path = tmp_path / "lines.jpg"
    path.write_bytes(jpeg(lines(SIZE)))
    decoded = []
    opener = pillow_engine.open_image
    monkeypatch.setattr(
        pillow_engine, "open_image", lambda *a, **k: decoded.append(1) or opener(*a, **k)
    )

    class Spec(ImageSpec):
        format = "PNG"

    fine, coarse = Spec(source=str(path)), Spec(source=str(path))
    fine.processors = [ResizeToFit(400, 400)]  # needs the decode at 1/2
    coarse.processors = [ResizeToFill(150, 150)]  # gets it reduced to 1/4
    with decode_once([fine, coarse]):
        fine.generate()
        shared = Image.open(io.BytesIO(coarse.generate().getvalue())).convert("RGB")
    assert len(decoded) == 1
    full = coarse.processors[0].process(opener(str(path)))
    half = opener(str(path), draft=lambda img: (img.width // 2, img.height // 2))
    stretched = coarse.processors[0].process(half.reduce(2))
    assert difference(shared, full) < difference(stretched, full) / 2


def test_images_outside_a_drafted_pipeline_are_whole():
    img = Image.new("RGB", (101, 57))
    assert source_box(img) == (0.0, 0.0, 101.0, 57.0)


@pytest.mark.parametrize("orientation", range(1, 9))
def test_upright_box_moves_a_region_as_exif_transpose_moves_its_pixels(orientation):
    size, box = (40, 30), (5, 7, 17, 12)
    img = Image.new("L", size)
    img.paste(255, box)
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    img.info["exif"] = exif.tobytes()
    turned = ImageOps.exif_transpose(img)
    assert upright_box(tuple(map(float, box)), size, orientation) == turned.getbbox()


def test_upright_box_of_an_unknown_orientation_is_unknown():
    assert upright_box((0.0, 0.0, 1.0, 1.0), (1, 1), None) is None


@pytest.mark.parametrize(
    ("processor", "size", "drafted_size"),
    [
        (ResizeToFill(300, 300), (1732, 1155), (866, 578)),
        (ResizeToFit(300, 300, mat_color="white"), (1700, 1107), (850, 554)),
    ],
    ids=["fill", "fit-in-a-mat"],
)
def test_sizes_inside_a_drafted_pipeline_are_those_of_the_source(processor, size, drafted_size):
    """Sizes computed from the rounded-up decode can differ from the source's by a pixel:
    covered from 866x578, a 300 px crop would come from 449x300, not 450x300, a pixel to the
    left; fitted from 850x554, 300x196 would sit in its mat where 300x195 should."""
    data = jpeg(lines(size))
    drafted = open_image(data, draft=lambda img: draft_size([processor], img.size))
    assert drafted.size == drafted_size
    full = processor.process(open_image(data))
    ours = generated(data, [processor])
    assert difference(ours, full) < 2

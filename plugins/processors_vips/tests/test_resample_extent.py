"""A JPEG decoded at a reduced DCT scale, whose size that scale does not divide, is resampled
by vips from the source's exact extent, its samples where Pillow's engine puts them."""

from __future__ import annotations

import io
import random
from types import SimpleNamespace
from typing import Any

import pytest
from PIL import Image

from ik_host.records import Job
from ik_processors_pilkit import Anchor, ResizeToFill, ResizeToFit
from ik_processors_pilkit.pillow_engine import PillowEngine
from ik_processors_vips import VipsEngine, _vips


def grain(size: tuple[int, int], mode: str, seed: int) -> Image.Image:
    """Random blobs a few pixels wide: where a sample lands a fraction of a pixel off, the
    value it reads is a different one."""
    rng = random.Random(seed)
    small = (size[0] // 3, size[1] // 3)
    bands = len(mode)
    noise = Image.frombytes(mode, small, rng.randbytes(small[0] * small[1] * bands))
    return noise.resize(size, Image.Resampling.BICUBIC)


def as_pillow(img: Any) -> Image.Image:
    mode = {1: "L", 3: "RGB"}[img.bands]
    return Image.frombytes(mode, (img.width, img.height), img.write_to_memory())


@pytest.mark.parametrize(
    ("pixels", "extent", "size"),
    [
        ((1055, 712), (1054.25, 711.5), (445, 300)),  # a 4217x2846 JPEG at 1/4
        ((817, 613), (816.5, 612.5), (400, 300)),  # 1633x1225 at 1/2
        ((1000, 750), (1000.0, 750.0), (400, 300)),  # divisible: the plain resample
    ],
)
def test_samples_land_where_pillows_box_resize_puts_them(
    pixels: tuple[int, int],
    extent: tuple[float, float],
    size: tuple[int, int],
    images: SimpleNamespace,
) -> None:
    source = grain(pixels, "L", seed=pixels[0])
    theirs = source.resize(size, Image.Resampling.LANCZOS, box=(0, 0, *extent))
    img = _vips.vips().Image.new_from_memory(source.tobytes(), *pixels, 1, "uchar")
    ours = as_pillow(_vips.resample_extent(img, extent, size))
    assert ours.size == size
    # What is left is rounding: vips reduces rows first (cheaper), Pillow columns first.
    assert images.mad(ours, theirs) <= 0.6
    if extent != pixels:  # what stretching the whole decode costs, for scale
        stretched = as_pillow(img.thumbnail_image(size[0], height=size[1], size="force"))
        assert images.mad(stretched, theirs) >= 5


@pytest.mark.parametrize(
    "processors",
    [
        [ResizeToFill(300, 300)],
        [ResizeToFit(500, 500)],
        [ResizeToFill(211, 157, anchor=Anchor.BOTTOM_RIGHT)],
    ],
    ids=["fill", "fit", "fill-corner"],
)
def test_engine_on_a_jpeg_the_scale_does_not_divide(
    processors: list[Any], images: SimpleNamespace
) -> None:
    data = io.BytesIO()
    grain((2403, 1601), "RGB", seed=5).save(data, "JPEG", quality=95)
    ours = images.decoded(VipsEngine().generate(Job(data.getvalue(), processors, "PNG")))
    theirs = images.decoded(PillowEngine().generate(Job(data.getvalue(), processors, "PNG")))
    assert ours.size == theirs.size
    assert images.mad(ours, theirs) <= 1.5  # 4.3-7.8 when vips stretched the decode


@pytest.mark.parametrize("pixels", [301, 1055, 1201, 4001])
@pytest.mark.parametrize("out", [97, 300, 445])
def test_exact_axis_never_misses_more_than_the_partial_pixel(pixels: int, out: int) -> None:
    for partial in (0.0, 0.25, 0.5, 0.75):
        extent = pixels - partial
        if extent < out:
            continue
        extra, added = _vips._exact_axis(pixels, extent, out)
        assert 0 <= extra <= _vips._MAX_EXTRA_OUTPUT and added >= -1
        miss = abs(added + partial - extra * extent / out)
        assert miss <= min(partial, 1 - partial) + 1e-9
        assert pixels + added >= out + extra  # a reduce, never an enlargement

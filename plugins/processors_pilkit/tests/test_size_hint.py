"""size_hint: processing a source of exactly the hinted size gives the same output size."""

from __future__ import annotations

import io
import random

import pytest
from PIL import ExifTags, Image, ImageChops, ImageStat

from ik_processors_pilkit import (
    AddBorder,
    Adjust,
    Anchor,
    ColorOverlay,
    Convert,
    Crop,
    GaussianBlur,
    ImageOverlay,
    MakeOpaque,
    ProcessorPipeline,
    Reflection,
    Resize,
    ResizeCanvas,
    ResizeToCover,
    ResizeToFill,
    ResizeToFit,
    SetOpacity,
    SmartCrop,
    SmartResize,
    Thumbnail,
    Transpose,
    TrimBorderColor,
)
from ik_processors_pilkit.pillow_engine import (
    chained_size_hint,
    draft_scale,
    draft_size,
    jpeg_draft_scale,
    process,
    run_processors,
)
from ik_processors_pilkit.pillow_io import exif_orientation, open_image

RESCALERS = [
    Resize(100, 80),
    Resize(100, 80, upscale=False),
    ResizeToCover(100, 100),
    ResizeToFill(100, 100),
    ResizeToFill(64, 48, anchor=Anchor.BOTTOM_RIGHT, upscale=False),
    SmartResize(90, 60),
    ResizeToFit(100, 100),
    ResizeToFit(100, 100, upscale=False),
    ResizeToFit(width=120),
    ResizeToFit(height=50),
    ResizeToFit(100, 100, mat_color="red"),
    Thumbnail(80, 80),
    Thumbnail(width=80),
    Thumbnail(70, 30, anchor=Anchor.TOP),
]
SOURCES = [(1200, 800), (800, 1200), (333, 17), (17, 333), (1, 1), (101, 99), (641, 479), (50, 40)]


def textured(size: tuple[int, int]) -> Image.Image:
    """Grain (the same for the same size: Pillow's effect_noise cannot be seeded, and a smart
    crop of fresh noise can land elsewhere at another decode scale) under a red block."""
    grain = random.Random(size[0] * 100_003 + size[1]).randbytes(size[0] * size[1])
    img = Image.frombytes("L", size, grain).point(lambda v: 74 + v * 108 // 255).convert("RGB")
    img.paste((200, 40, 40), (0, 0, size[0] // 2, size[1] // 2))
    return img


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("processor", RESCALERS, ids=lambda p: type(p).__name__)
def test_hinted_source_gives_the_same_output_size(processor, source):
    hint = processor.size_hint(source)
    assert hint is not None
    assert hint[0] <= source[0] and hint[1] <= source[1]
    expected = processor.process(textured(source)).size
    assert processor.process(textured(hint)).size == expected
    assert ProcessorPipeline([Adjust(color=0.5), processor]).size_hint(source) == hint


@pytest.mark.parametrize(
    ("processor", "source", "hint"),
    [
        (ResizeToFit(100, 100), (1200, 800), (100, 67)),
        (ResizeToFit(100, 100), (800, 1200), (67, 100)),
        (ResizeToFill(100, 100), (1200, 800), (150, 100)),
        (ResizeToCover(100, 100), (800, 1200), (100, 150)),
        (Resize(100, 80), (1200, 800), (119, 80)),  # 119 * 800 / 1200 rounds up to 80
        (Thumbnail(width=80), (1200, 800), (81, 54)),  # (80, 54) would fit to 80x54
        (ResizeToFit(100, 100), (50, 40), (50, 40)),  # upscaling needs the whole source
        (Resize(100, 80, upscale=False), (90, 800), (90, 800)),
    ],
)
def test_hint_is_the_smallest_useful_source(processor, source, hint):
    assert processor.size_hint(source) == hint


def test_non_rescaling_processors():
    source = (640, 480)
    for needs_all in (Crop(10, 10), ResizeCanvas(10, 10), AddBorder(3)):
        assert needs_all.size_hint(source) == source
    for neutral in (
        Adjust(color=0),
        Convert("L"),
        MakeOpaque(),
        SetOpacity(0.5),
        ColorOverlay("red"),
        Transpose(Transpose.FLIP_HORIZONTAL),
    ):
        assert neutral.size_hint(source) == source
    overlay = ImageOverlay(Image.new("RGBA", (2, 2)))
    unknown = (
        SmartCrop(10, 10),
        TrimBorderColor(),
        GaussianBlur(2),
        Reflection(size=0.5),
        overlay,
        Transpose(),
        Transpose(Transpose.ROTATE_90),
    )
    for processor in unknown:
        assert processor.size_hint(source) is None


@pytest.mark.parametrize(
    "processor", [ResizeToFill(150, 100), ResizeToFit(150, 150), Thumbnail(120, 90)]
)
def test_jpeg_draft_decoding_from_the_hint(processor):
    buffer = io.BytesIO()
    textured((1200, 800)).save(buffer, "JPEG", quality=90)
    full = open_image(buffer.getvalue())
    pipeline = ProcessorPipeline([Transpose(Transpose.FLIP_VERTICAL), processor])
    draft = open_image(buffer.getvalue(), draft=lambda img: pipeline.size_hint(img.size))
    hint = pipeline.size_hint((1200, 800))
    assert draft.size[0] < 1200
    assert draft.size[0] >= hint[0] and draft.size[1] >= hint[1]
    assert pipeline.process(draft).size == pipeline.process(full).size


@pytest.mark.parametrize("processor", RESCALERS, ids=lambda p: type(p).__name__)
def test_draft_never_changes_the_output_size(processor):
    """Whatever DCT scale the Pillow engine drafts a JPEG at, processing the decode (its
    size rounded up, its source box the exact extent) gives the output size of the full
    source: swept over odd camera-like sizes."""
    for width in range(3991, 4031, 3):
        for size in ((width, width * 9 // 16), (width * 9 // 16, width), (width, width * 3 // 4)):
            wanted = draft_size([processor], size)
            if wanted is None:
                continue
            scale = jpeg_draft_scale(size, wanted)
            decode = Image.new("L", (-(-size[0] // scale), -(-size[1] // scale)))
            box = (0.0, 0.0, size[0] / scale, size[1] / scale)
            made = run_processors(decode, [processor], "sweep", box=box)
            assert made.size == processor.output_size(size), (size, scale)


@pytest.mark.parametrize(
    ("processor", "size", "expected", "rounded_up"),
    [
        # 1/8 decodes 4001x2251 to 501x282, which alone would fit to 175x99.
        (ResizeToFit(175, 175), (4001, 2251), (175, 98), (175, 99)),
        # 1/2 decodes 4243x2828 to 2122x1414, which alone would fit to 1024x682.
        (ResizeToFit(1024, 1024), (4243, 2828), (1024, 683), (1024, 682)),
    ],
)
def test_draft_keeps_the_sources_output_size_where_the_rounded_decode_would_not(
    processor, size, expected, rounded_up
):
    """A rescaler that sizes from the exact extent is drafted at the scale the margin asks
    for, even where the rounded-up decode would tip the size by a pixel, and the result has
    the full source's size."""
    buffer = io.BytesIO()
    textured(size).save(buffer, "JPEG", quality=90)
    scale = jpeg_draft_scale(size, draft_size([processor], size))
    assert scale == draft_scale(size, processor.size_hint(size)) > 1
    assert processor.output_size((-(-size[0] // scale), -(-size[1] // scale))) == rounded_up
    assert processor.output_size(size) == expected
    made = process(buffer.getvalue(), [processor], "JPEG")
    assert (made.width, made.height) == expected


class _SizesFromDecode:
    """A third-party rescaler that sizes from the decode it is given, as ``ResizeToFit``
    would without ``source_extent``."""

    size_role = ResizeToFit.size_role

    def __init__(self) -> None:
        self.fit = ResizeToFit(175, 175)

    def output_size(self, size):
        return self.fit.output_size(size)

    def size_hint(self, size):
        return self.fit.size_hint(size)

    def process(self, img):
        return img.resize(self.output_size(img.size))


def test_draft_steps_down_a_scale_that_would_tip_a_decode_sized_rescaler():
    buffer = io.BytesIO()
    textured((4001, 2251)).save(buffer, "JPEG", quality=90)
    processor = _SizesFromDecode()
    assert processor.output_size((501, 282)) == (175, 99)  # what 1/8 would decode to
    assert jpeg_draft_scale((4001, 2251), draft_size([processor], (4001, 2251))) == 4
    assert process(buffer.getvalue(), [processor], "JPEG").height == 98


def oriented_jpeg(size: tuple[int, int], orientation: int) -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    buffer = io.BytesIO()
    textured(size).save(buffer, "JPEG", quality=90, exif=exif.tobytes())
    return buffer.getvalue()


@pytest.mark.parametrize("orientation", range(1, 9))
@pytest.mark.parametrize(
    "processor", [ResizeToFill(150, 100), ResizeToFit(150, 150), Thumbnail(120, 90)]
)
def test_auto_transpose_still_drafts_and_stays_exact(orientation, processor):
    """``Transpose()`` before the rescaler: the EXIF orientation, read before decoding, says
    whether the turn swaps the axes, so the JPEG is still decoded at a reduced scale and the
    result matches the one from a full decode."""
    data = oriented_jpeg((1203, 801), orientation)
    processors = [Transpose(), processor]

    def draft(img: Image.Image) -> tuple[int, int] | None:
        return draft_size(processors, img.size, exif_orientation(img))

    drafted = open_image(data, draft=draft)
    assert drafted.size[0] <= -(-1203 // 2)  # decoded at 1/2 or less
    ours = ProcessorPipeline(processors).process(drafted)
    theirs = ProcessorPipeline(processors).process(open_image(data))
    assert ours.size == theirs.size
    difference = ImageStat.Stat(ImageChops.difference(ours, theirs)).mean
    assert max(difference) < 3  # grey levels


def test_orientation_decides_the_hint_through_an_automatic_turn():
    processors = [Transpose(), ResizeToFit(100, 100)]
    assert chained_size_hint(processors, (1200, 800))[0] is None  # orientation unknown
    upright, _ = chained_size_hint(processors, (1200, 800), orientation=1)
    turned, _ = chained_size_hint(processors, (1200, 800), orientation=6)
    assert upright == (100, 67)
    # Turned a quarter, the 800x1200 image fits in 67x100; the source, as stored, 100x67.
    assert turned == (100, 67)
    assert draft_size(processors, (1200, 800), orientation=None) is None
    # The turned image needs 134x200 for a 67x100 fit, so 1/4: asked as stored, 300x200.
    assert draft_size(processors, (1200, 800), orientation=6) == (300, 200)
    assert jpeg_draft_scale((1200, 800), (300, 200)) == 4


def test_draft_scale_keeps_nearly_twice_what_is_needed():
    assert draft_scale((4243, 2828), (1024, 683)) == 2
    assert draft_scale((4000, 3000), (300, 225)) == 4
    assert draft_scale((4000, 3000), (240, 180)) == 8
    assert draft_scale((2000, 1500), (1024, 768)) == 1  # 1000 < 1.9 x 1024: decoded in full
    assert draft_scale((1500, 1000), (450, 300)) == 1  # 750 < 1.9 x 450
    assert draft_scale((1733, 1155), (450, 300)) == 2  # 578 >= 1.9 x 300, though < 2 x 300


def test_draft_scale_keeps_less_margin_when_the_decode_would_be_large():
    # In full (12 MP, over DRAFT_LARGE_PIXELS): halved, since 2000 >= 1.4 x 1024.
    assert draft_scale((4000, 3000), (1024, 768)) == 2
    assert draft_size([ResizeToFit(1024, 1024)], (4000, 3000)) == (2000, 1500)
    # 24 MP at 1/2 is still 6 MP: a quarter keeps 1500 >= 1.4 x 1024.
    assert draft_scale((6000, 4000), (1024, 683)) == 4
    # ...but never below the smaller margin.
    assert draft_scale((4000, 3000), (1500, 1125)) == 1
    assert draft_scale((6000, 4000), (2200, 1467)) == 1  # 3000 < 1.4 x 2200
    assert draft_scale((6000, 4000), (2100, 1400)) == 2

"""Animated GIF and WebP sources stay animated with ``options={'save_all': True}``: every frame
through the processors, timing kept, under the frame and pixel limits."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageSequence

from ik_host.config import Limits
from ik_host.errors import SourceImageError, SourceTooLarge
from ik_processors_pilkit.pilkit_resize import ResizeToFill
from ik_processors_pilkit.pillow_engine import process

COLOURS = [(255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 0), (0, 255, 255)]


def animation(
    fmt: str = "GIF", frames: int = 3, size: tuple[int, int] = (60, 40), transparent: bool = False
) -> bytes:
    """``frames`` flat frames, each its own colour and duration; with ``transparent``, each has
    a transparent left third."""
    images = []
    for colour in COLOURS[:frames]:
        frame = Image.new("RGBA", size, (*colour, 255))
        if transparent:
            frame.paste((0, 0, 0, 0), (0, 0, size[0] // 3, size[1]))
        images.append(frame)
    buffer = io.BytesIO()
    durations = [100 + 20 * index for index in range(frames)]
    images[0].save(
        buffer,
        fmt,
        save_all=True,
        append_images=images[1:],
        duration=durations,
        loop=0,
        **({"disposal": 2} if fmt == "GIF" else {"lossless": True}),
    )
    return buffer.getvalue()


def frames_of(data: bytes) -> tuple[list[Image.Image], list[int]]:
    img = Image.open(io.BytesIO(data))
    frames, durations = [], []
    for frame in ImageSequence.Iterator(img):
        frames.append(frame.convert("RGBA"))
        durations.append(frame.info.get("duration"))
    return frames, durations


def near(got, want, tolerance: int = 10) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(got, want, strict=True))


@pytest.mark.parametrize(
    ("source_format", "output"),
    [("GIF", "GIF"), ("GIF", "WEBP"), ("WEBP", "WEBP"), ("WEBP", "GIF")],
)
def test_every_frame_is_processed_and_kept(source_format: str, output: str) -> None:
    source = animation(source_format)
    result = process(source, [ResizeToFill(30, 20)], output, {"save_all": True}, name="a.gif")
    assert (result.format, result.width, result.height) == (output, 30, 20)
    frames, durations = frames_of(result.getvalue())
    assert len(frames) == 3
    assert durations == [100, 120, 140]
    for frame, colour in zip(frames, COLOURS, strict=False):
        assert frame.size == (30, 20)
        assert near(frame.getpixel((15, 10))[:3], colour)


@pytest.mark.parametrize("output", ["GIF", "WEBP", "AVIF", "PNG"])
def test_transparency_is_kept_in_every_frame(output: str) -> None:
    source = animation("GIF", transparent=True)
    result = process(source, [], output, {"save_all": True})
    frames, _ = frames_of(result.getvalue())
    assert len(frames) == 3
    for frame, colour in zip(frames, COLOURS, strict=False):
        assert frame.getpixel((5, 20))[3] == 0  # no earlier frame shows through
        assert near(frame.getpixel((50, 20)), (*colour, 255))


def test_without_save_all_the_first_frame_is_kept() -> None:
    result = process(animation("GIF"), [ResizeToFill(30, 20)], "GIF")
    img = Image.open(io.BytesIO(result.getvalue()))
    assert getattr(img, "n_frames", 1) == 1  # django-imagekit's behaviour


def test_a_format_that_cannot_animate_gets_the_first_frame() -> None:
    result = process(animation("GIF"), [ResizeToFill(30, 20)], "JPEG", {"save_all": True})
    img = Image.open(io.BytesIO(result.getvalue()))
    assert img.format == "JPEG" and img.size == (30, 20)
    assert near(img.getpixel((15, 10)), COLOURS[0], 12)


def test_a_still_source_with_save_all_is_saved_once() -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), COLOURS[1]).save(buffer, "GIF")
    result = process(buffer.getvalue(), [], "GIF", {"save_all": True})
    assert getattr(Image.open(io.BytesIO(result.getvalue())), "n_frames", 1) == 1


def test_over_the_frame_limit_the_source_is_refused_by_name() -> None:
    with pytest.raises(SourceTooLarge) as caught:
        process(
            animation("GIF", frames=5),
            [],
            "GIF",
            {"save_all": True},
            limits=Limits(max_frames=4),
            name="party.gif",
        )
    message = str(caught.value)
    assert "party.gif" in message and "5 frames" in message and "limit of 4" in message
    assert isinstance(caught.value, SourceImageError)  # what django-imagekit users catch


def test_under_the_frame_limit_it_is_made() -> None:
    result = process(
        animation("GIF", frames=4), [], "GIF", {"save_all": True}, limits=Limits(max_frames=4)
    )
    assert len(frames_of(result.getvalue())[0]) == 4


def test_over_the_pixel_limit_for_all_frames_together_it_is_refused() -> None:
    # 3 frames of 60x40 = 7200 pixels; one frame alone (2400) is under the limit.
    with pytest.raises(SourceTooLarge) as caught:
        process(
            animation("GIF"),
            [],
            "GIF",
            {"save_all": True},
            limits=Limits(max_pixels=5000),
            name="party.gif",
        )
    assert "party.gif" in str(caught.value) and "7200 pixels" in str(caught.value)
    still = process(animation("GIF"), [], "GIF", limits=Limits(max_pixels=5000))
    assert (still.width, still.height) == (60, 40)

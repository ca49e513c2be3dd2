"""The Pillow engine's limits and errors, from ``open_image`` itself: checked before reading or
decoding, named in the host's terms, and the errors django-imagekit callers catch (moved here
from the host's ``test_bad_input.py`` and ``test_compat_limits_errors.py``)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image, UnidentifiedImageError

from ik_host.config import DEFAULT_LIMITS, Limits
from ik_host.errors import SourceImageError, SourceNotFound, SourceTooLarge
from ik_processors_pilkit.pillow_io import open_image
from tests import badinput


def test_the_byte_limit_is_checked_before_reading_an_unseekable_stream() -> None:
    class Pipe(io.RawIOBase):
        """An endless stream that cannot seek, counting what is read of it."""

        read_so_far = 0

        def readable(self) -> bool:
            return True

        def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
            buffer[:] = b"\xff" * len(buffer)
            self.read_so_far += len(buffer)
            return len(buffer)

    pipe = Pipe()
    with pytest.raises(SourceTooLarge, match=r"1001 bytes is over the limit of 1000"):
        open_image(io.BufferedReader(pipe), name="pipe", limits=Limits(max_bytes=1000))
    assert pipe.read_so_far < 10_000


def test_frames_are_counted_only_under_a_frame_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    from PIL import GifImagePlugin  # noqa: PLC0415

    gif = badinput.data("frames-5000.gif")
    monkeypatch.setattr(
        GifImagePlugin.GifImageFile,
        "n_frames",
        property(lambda self: pytest.fail("frames counted without a frame limit")),
    )
    assert open_image(gif, limits=Limits(max_frames=None)).size == (16, 16)


def test_no_limit_at_all_still_refuses_what_pillow_refuses() -> None:
    no_limits = Limits(None, None, None)
    with pytest.raises(SourceTooLarge, match=r"declares 10000000000 pixels, over the limit of 17"):
        open_image(badinput.data("declares-100000x100000.png"), limits=no_limits)


def test_the_pixel_limit_is_pillows_own() -> None:
    assert DEFAULT_LIMITS.max_pixels is not None
    assert DEFAULT_LIMITS.max_pixels >= 2 * Image.MAX_IMAGE_PIXELS


def test_a_missing_source_is_a_file_not_found_error(tmp_path: Path) -> None:
    missing = tmp_path / "gone.jpg"
    with pytest.raises(FileNotFoundError) as info:
        open_image(str(missing))
    assert isinstance(info.value, SourceNotFound)
    assert isinstance(info.value, SourceImageError)
    assert "gone.jpg" in str(info.value)
    assert "does not exist" in str(info.value)


def test_a_non_image_source_is_an_os_error() -> None:
    with pytest.raises(OSError) as info:
        open_image(io.BytesIO(b"just some text, not an image"), name="notes.jpg")
    assert isinstance(info.value, SourceImageError)
    assert "notes.jpg" in str(info.value)
    assert issubclass(UnidentifiedImageError, OSError)  # what django-imagekit lets through

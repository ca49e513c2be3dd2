"""The vips engine and {% picture %}'s renditions: the ``exif_transpose`` option runs on vips (as
``Transpose(AUTO)`` does) instead of sending every rendition to Pillow, and a job asking for a
placeholder gets the Pillow engine's, computed from the vips result; a job asking for none
computes none."""

from __future__ import annotations

import io
from types import SimpleNamespace
from typing import Any

import pytest
from PIL import Image

from ik_host.records import Job
from ik_processors_pilkit import ResizeToFill, Thumbnail
from ik_processors_pilkit.pillow_engine import PillowEngine
from ik_processors_vips.vips_engine import VipsEngine

MAX_MAD = 2.0  # as the engine tests allow between the two engines
PICTURE = {"exif_transpose": True}  # the picture generator's options


def _refuse(*args: Any, **kwargs: Any) -> Any:
    raise AssertionError("the vips engine handed this to Pillow")


def _oriented(images: SimpleNamespace, orientation: int) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = orientation
    return images.encode(images.photo((801, 601)), "JPEG", quality=92, exif=exif.tobytes())


@pytest.mark.parametrize("orientation", range(1, 9))
@pytest.mark.parametrize(
    "processors",
    # A width alone, and a fill with an anchor: the thumbnails vips has versions of (a
    # picture's width and height without an anchor is an entropy crop, left to Pillow).
    [[Thumbnail(200, None)], [Thumbnail(200, 150, anchor="c")]],
    ids=["width", "fill"],
)
def test_exif_transpose_runs_on_vips_as_on_pillow(
    orientation: int,
    processors: list[Any],
    images: SimpleNamespace,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = _oriented(images, orientation)
    engine = VipsEngine()
    monkeypatch.setattr(engine.fallback, "generate", _refuse)
    made = engine.generate(Job(data, processors, "JPEG", dict(PICTURE, quality=95)))
    theirs = PillowEngine().generate(Job(data, processors, "JPEG", dict(PICTURE, quality=95)))
    ours, pillows = images.decoded(made), images.decoded(theirs)
    assert (made.width, made.height) == ours.size == pillows.size
    upright = (601, 801) if orientation >= 5 else (801, 601)  # 5-8 swap the sides
    fitted = (200, round(200 * upright[1] / upright[0]))
    assert (made.width, made.height) == (fitted if processors[0].height is None else (200, 150))
    assert images.mad(ours, pillows) <= MAX_MAD
    assert not ours.getexif()  # no orientation left to be applied twice


def test_a_job_asking_for_a_placeholder_gets_the_pillow_engines_of_the_result(
    images: SimpleNamespace, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = images.encode(images.photo((800, 600)), "JPEG", quality=92)
    engine = VipsEngine()
    monkeypatch.setattr(engine.fallback, "generate", _refuse)
    made = engine.generate(Job(data, [ResizeToFill(320, 240)], "JPEG", placeholder="thumbhash"))
    assert made.placeholder is not None and made.placeholder.kind == "thumbhash"
    # What a later read of the stored file computes: the same placeholder.
    stored = PillowEngine().placeholder(io.BytesIO(made.getvalue()), "thumbhash", name="x.jpg")
    assert made.placeholder == stored


def test_a_job_asking_for_none_computes_none(
    images: SimpleNamespace, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = images.encode(images.photo((800, 600)), "JPEG", quality=92)
    engine = VipsEngine()
    monkeypatch.setattr(engine.fallback, "generate", _refuse)
    monkeypatch.setattr(engine.fallback, "placeholder", _refuse)
    made = engine.generate(Job(data, [ResizeToFill(320, 240)], "PNG"))
    assert made.placeholder is None and (made.width, made.height) == (320, 240)

"""A picture set's placeholder: only its img rendition asks for one, computed from the pixels
in memory (the host's fakes; no image library)."""

from __future__ import annotations

import io
from typing import Any

from ik_host.testing import Thumbnail
from ik_pictures.pictures import picture_set
from tests.host_fakes import Fakes


class Sized(Thumbnail):
    """A generator taking what ``imagekit:thumbnail`` takes (its size is the fake engine's)."""

    def __init__(self, source: Any = None, width: Any = None, height: Any = None, **kw: Any):
        self.format = kw.get("format")
        self.options = {"width": width}  # one file per width
        super().__init__(source=source)


def test_a_picture_set_asks_only_its_img_rendition_for_a_placeholder(ik_fakes: Fakes) -> None:
    source = io.BytesIO(b"FAKE 1200x800 JPEG\n")
    source.name = "photos/a.jpg"
    pictures = picture_set(source, 400, None, generator=Sized, formats=["WEBP"])
    asked = {(job.format, job.options["width"]): job.placeholder for job in ik_fakes.engine.jobs}
    assert asked == {
        ("WEBP", 400): "none",
        ("WEBP", 600): "none",
        ("WEBP", 800): "none",
        ("JPEG", 400): "thumbhash",  # the img, shown with it
        ("JPEG", 600): "none",
        ("JPEG", 800): "none",
    }
    assert pictures.placeholder == pictures.img.file.state().placeholder is not None
    assert ik_fakes.engine.placeheld == []  # computed with the pixels, not decoded again

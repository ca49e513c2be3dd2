"""A picture set made in one decode: the Pillow engine's ``generate_set``, and the host storing
its renditions through the ``Simple`` backend as if each had been made alone."""

from __future__ import annotations

import io
import random
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageChops, ImageStat

from ik_defaults.filesystem_storage import FileSystemStorage
from ik_defaults.statecache import MemoryStateCache
from ik_host import hookimpl
from ik_host.cachefile import CacheFile
from ik_host.config import Config, set_config
from ik_host.errors import EncodingError
from ik_host.plugins import get_plugin_manager
from ik_host.specs import ImageSpec
from ik_host.state_records import CacheFileState
from ik_pictures.pictures import picture_set
from ik_pictures.source_facts import forget_source_facts
from ik_processors_pilkit import pillow_engine, pillow_picture_sets
from ik_processors_pilkit.pilkit_resize import ResizeToFit, Thumbnail
from ik_processors_pilkit.pillow_engine import PillowEngine

WIDTHS = [200, 400, 600]
FORMATS = ["AVIF", "WEBP", "JPEG"]


def photo_like(size: tuple[int, int]) -> Image.Image:
    """Soft gradients with a seeded grain and a hard edge: detail a resample can get wrong."""
    grain = random.Random(11).randbytes(size[0] * size[1])
    noise = Image.frombytes("L", size, grain).point(lambda v: 60 + v * 120 // 255)
    img = Image.merge("RGB", (noise, Image.linear_gradient("L").resize(size), noise))
    img.paste((30, 80, 190), (0, 0, size[0] // 3, size[1] // 2))
    return img


class Rendition(ImageSpec):
    """What ``imagekit:picture`` is: a thumbnail of the upright source."""

    options = {"exif_transpose": True}

    def __init__(self, source=None, width=None, height=None, format=None, **options: Any):
        self.processors = [Thumbnail(width, height, **options)]
        self.format = format
        super().__init__(source)


@pytest.fixture
def photo(tmp_path: Path) -> Path:
    path = tmp_path / "photo.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6  # on its side, as phones store portraits
    photo_like((3000, 2000)).save(path, "JPEG", quality=90, exif=exif)
    return path


def jobs_of(photo: Path, formats=FORMATS, widths=WIDTHS, **options: Any) -> list[Any]:
    return [
        Rendition(str(photo), width, None, format, **options).job()
        for format in formats
        for width in widths
    ]


def opened(made: Any) -> Image.Image:
    img = Image.open(io.BytesIO(made.getvalue()))
    img.load()
    return img


def mean_difference(a: Image.Image, b: Image.Image) -> float:
    assert a.size == b.size
    return max(ImageStat.Stat(ImageChops.difference(a.convert("RGB"), b.convert("RGB"))).mean)


def test_a_whole_set_decodes_its_source_once_at_the_scale_its_largest_width_needs(
    photo, decodes, monkeypatch
):
    fitted = []  # the size of each image a ResizeToFit is given
    original = ResizeToFit.process
    monkeypatch.setattr(
        ResizeToFit, "process", lambda self, img: fitted.append(img.size) or original(self, img)
    )
    jobs = [replace(job, placeholder="color") for job in jobs_of(photo)]
    made = PillowEngine().generate_set(jobs)

    assert decodes == [(1500, 1000)]  # one decode, at 1/2: as the 600 px width's alone
    assert fitted == [(1000, 1500)]  # upright once; the smaller widths from the larger ones
    for job, image in zip(jobs, made, strict=True):
        width = job.processors[0].width
        assert (image.format, image.width, image.height) == (job.format, width, width * 3 // 2)
        stored = opened(image)
        assert (stored.format, stored.size) == (job.format, (image.width, image.height))
        assert image.placeholder is not None  # computed from the pixels still in memory


def test_each_rendition_matches_the_one_made_alone(photo, decodes):
    # PNG: the pixels themselves, no lossy encoder between them.
    together = PillowEngine().generate_set(jobs_of(photo, formats=["PNG"]))
    assert len(decodes) == 1
    for job, image in zip(jobs_of(photo, formats=["PNG"]), together, strict=True):
        alone = PillowEngine().generate(job)
        assert mean_difference(opened(image), opened(alone)) < 1.0  # grey levels of 255


def test_a_cropped_set_matches_too(photo):
    jobs = [
        Rendition(str(photo), width, width // 2, "PNG", anchor="c").job() for width in (300, 600)
    ]
    together = PillowEngine().generate_set(jobs)
    for job, image in zip(jobs, together, strict=True):
        alone = opened(PillowEngine().generate(job))
        assert (
            opened(image).size == alone.size == (job.processors[0].width, job.processors[0].height)
        )
        assert mean_difference(opened(image), alone) < 1.0


def test_encodes_on_several_threads_give_the_bytes_of_one_thread(photo, monkeypatch):
    jobs = jobs_of(photo, formats=["WEBP", "JPEG", "PNG"])
    try:
        set_config(Config(image_threads=3))
        with monkeypatch.context() as one_thread:  # the encodes only: resamples as before
            one_thread.setattr(pillow_picture_sets, "image_threads", lambda: 1)
            one = [each.getvalue() for each in PillowEngine().generate_set(jobs)]
        for _ in range(3):  # formats of one width encoded at once, each with its own options
            assert [each.getvalue() for each in PillowEngine().generate_set(jobs)] == one
    finally:
        set_config(None)


def test_one_failing_encode_leaves_the_others(photo):
    jobs = jobs_of(photo, formats=["WEBP", "JPEG"], widths=[200, 400])
    broken = Rendition(str(photo), 400, None, "WEBP")
    broken.options = {"exif_transpose": True, "method": "fastest"}  # not a WebP method
    jobs[1] = broken.job()

    made = PillowEngine().generate_set(jobs)

    assert isinstance(made[1], EncodingError) and "photo.jpg" in str(made[1])
    assert [opened(each).format for i, each in enumerate(made) if i != 1] == [
        "WEBP",
        "JPEG",
        "JPEG",
    ]


# -- the host: one decode for a picture's missing files, each stored as if made alone --------


class Heard:
    """Every cache-file event, as a listening plugin hears it."""

    def __init__(self) -> None:
        self.events: list[tuple[str, str]] = []

    @hookimpl
    def ik_cachefile_listeners(self) -> list[Any]:
        return [lambda file, event, **details: self.events.append((event, file.name))]


@pytest.fixture
def simple(tmp_path: Path):
    storage = FileSystemStorage(str(tmp_path / "media"), "/media/")
    set_config(Config(storage=storage, state_cache=MemoryStateCache(), placeholder="color"))
    forget_source_facts()
    heard = Heard()
    get_plugin_manager().register(heard)
    try:
        yield storage, heard
    finally:
        get_plugin_manager().unregister(heard)
        set_config(None)
        forget_source_facts()


def test_a_first_picture_decodes_its_source_once_and_records_every_file(photo, decodes, simple):
    storage, heard = simple
    pictures = picture_set(
        str(photo), 200, generator=Rendition, widths=WIDTHS, formats=["AVIF", "WEBP"]
    )

    assert len(decodes) == 1
    candidates = [*pictures.sources["image/avif"], *pictures.sources["image/webp"]]
    candidates += pictures.img_srcset
    assert [each.width for each in candidates] == WIDTHS * 3
    for each in candidates:
        assert each.file.state().state is CacheFileState.EXISTS
        with storage.open(each.file.name) as handle:
            assert Image.open(handle).size == (each.width, each.height)
    assert (
        sorted(event for event, _ in heard.events if event != "on_existence_required")
        == ["generated"] * 9
    )

    decodes.clear()
    picture_set(str(photo), 200, generator=Rendition, widths=WIDTHS, formats=["AVIF", "WEBP"])
    assert decodes == []  # warm: nothing made again


def test_a_failing_rendition_is_recorded_failed_and_the_others_are_stored(
    photo, decodes, simple, monkeypatch
):
    storage, heard = simple
    original = pillow_engine._encode

    def avif_fails(frames, output_format, *args, **kwargs):
        if output_format == "AVIF" and frames[0].width == 400:
            raise EncodingError("saving 'photo.jpg' as AVIF failed: the encoder gave up")
        return original(frames, output_format, *args, **kwargs)

    monkeypatch.setattr("ik_processors_pilkit.pillow_picture_sets._encode", avif_fails)
    with pytest.raises(EncodingError, match="gave up"):
        picture_set(str(photo), 200, generator=Rendition, widths=WIDTHS, formats=["AVIF"])

    assert len(decodes) == 1
    files = {
        (format, width): CacheFile(Rendition(str(photo), width, None, format))
        for format in ("AVIF", "JPEG")
        for width in WIDTHS
    }
    failed = files.pop(("AVIF", 400))
    assert failed.state().state is CacheFileState.FAILED
    assert not storage.exists(failed.name)  # nothing half-written
    assert ("failed", failed.name) in heard.events
    for file in files.values():
        assert file.state().state is CacheFileState.EXISTS and storage.exists(file.name)

    monkeypatch.setattr("ik_processors_pilkit.pillow_picture_sets._encode", original)
    decodes.clear()
    pictures = picture_set(str(photo), 200, generator=Rendition, widths=WIDTHS, formats=["AVIF"])
    assert [each.width for each in pictures.sources["image/avif"]] == WIDTHS
    assert len(decodes) == 1  # only the failed one made again, alone

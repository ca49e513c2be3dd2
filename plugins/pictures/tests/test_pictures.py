"""The plain-Python picture set (``ik_pictures.pictures``) on the host's fakes: no Pillow, no
Django."""

from __future__ import annotations

import io
import struct
from typing import Any

import pytest

from ik_host.config import set_config
from ik_host.errors import PictureError, SourceNotFound, UnknownFormat
from ik_host.generators import generator_registry
from ik_host.placeholder_values import Placeholder
from ik_host.specs import ImageSpec
from ik_host.state_records import CacheFileState, StateRecord
from ik_pictures.pictures import picture_set, turns_upright
from ik_pictures.rendition_sets import makes_here
from ik_pictures.source_facts import forget_source_facts, source_facts
from ik_processors_pilkit.image_headers import may_have_alpha, sniff_format
from tests.host_fakes import FakeBackend, FakeEngine


class Fit:
    """Resizes to ``width`` (and ``height``, else in proportion), stating its output size."""

    size_role = "rescale"

    def __init__(self, width: int, height: int | None) -> None:
        self.width, self.height = width, height

    def output_size(self, size: tuple[int, int]) -> tuple[int, int]:
        return self.width, self.height or round(size[1] * self.width / size[0])

    def process(self, image: Any) -> Any:
        return image.resize(self.output_size(image.size))


class Rendition(ImageSpec):
    """A generator taking what ``imagekit:thumbnail`` takes."""

    def __init__(self, source=None, width=None, height=None, format=None, **options):
        self.processors = [Fit(width, height)]
        self.format = format
        self.options = {"crop": options.get("crop")}
        super().__init__(source)


class NamedBytes(io.BytesIO):
    def __init__(self, data: bytes, name: str) -> None:
        super().__init__(data)
        self.name = name


class Deferring(FakeBackend):
    """Schedules a missing file instead of making it; ``generate_now`` makes it here."""

    def __init__(self):
        super().__init__()
        self.queue = []

    def generate(self, file, force=False):
        if force or not self.exists(file):
            self.records[file.name] = StateRecord(CacheFileState.SCHEDULED)
            self.queue.append(file)

    def generate_now(self, file, force=False):
        return FakeBackend.generate(self, file, force)


class ColourEngine(FakeEngine):
    """Computes a colour placeholder for the jobs that ask for one, as an engine does."""

    def generate(self, job):
        made = super().generate(job)
        if job.placeholder == "color":
            made.placeholder = Placeholder("color", "#336699")
        return made


class UprightRendition(Rendition):
    options = {"exif_transpose": True}

    def __init__(self, source=None, width=None, height=None, format=None, **options):
        super().__init__(source, width, height, format, **options)
        del self.options  # the class's: it asks the engine to turn the source upright


def jpeg_head(orientation: int) -> bytes:
    entry = struct.pack(">HHIHH", 0x0112, 3, 1, orientation, 0)
    tiff = b"MM\0\x2a" + struct.pack(">IH", 8, 1) + entry + bytes(4)
    app1 = b"Exif\0\0" + tiff
    return b"\xff\xd8\xff\xe1" + struct.pack(">H", len(app1) + 2) + app1 + b"\xff\xda"


def png_head(colour_type: int, transparency: bool = False) -> bytes:
    ihdr = struct.pack(">IIBBBBB", 1200, 800, 8, colour_type, 0, 0, 0)
    chunks = struct.pack(">I", 13) + b"IHDR" + ihdr + b"CRC!"
    if transparency:
        chunks += struct.pack(">I", 6) + b"tRNS" + bytes(6) + b"CRC!"
    return b"\x89PNG\r\n\x1a\n" + chunks + struct.pack(">I", 0) + b"IDAT"


@pytest.fixture(autouse=True)
def fresh_facts():
    forget_source_facts()
    yield
    forget_source_facts()


def photo(width=1200, height=800, name="photos/a.jpg"):
    return NamedBytes(f"FAKE {width}x{height} JPEG\n".encode(), name)


def widths(candidates):
    return [each.width for each in candidates]


def test_default_widths_are_one_one_and_a_half_and_two_times(ik_fakes):
    pictures = picture_set(photo(), 400, 300, generator=Rendition, formats=["webp"])

    assert list(pictures.sources) == ["image/webp"]
    assert widths(pictures.sources["image/webp"]) == [400, 600, 800]
    assert [(c.width, c.height) for c in pictures.img_srcset] == [
        (400, 300),
        (600, 450),
        (800, 600),
    ]
    assert (pictures.img.mime, pictures.width, pictures.height) == ("image/jpeg", 400, 300)
    assert pictures.img.url.endswith(".jpeg") and pictures.img is pictures.img_srcset[0]
    assert pictures.sizes == "400px"
    assert all(c.url.endswith(".webp") for c in pictures.sources["image/webp"])
    assert len(ik_fakes.storage.files) == 6  # every candidate made, by the fake backend


def test_widths_never_exceed_what_the_source_gives(ik_fakes):
    wide = picture_set(photo(1000, 800), 800, None, generator=Rendition, formats=["webp"])
    square = picture_set(photo(1200, 800, "b.jpg"), 400, 400, generator=Rendition, formats=[])

    assert widths(wide.img_srcset) == [800, 1000]
    assert widths(square.img_srcset) == [400, 600, 800]  # 800 high: an 800 x 800 square at most
    assert square.sources == {}


def test_a_source_smaller_than_the_picture_gives_what_it_has(ik_fakes):
    pictures = picture_set(photo(300, 200), 400, 300, generator=Rendition, formats=["webp"])

    assert (pictures.width, pictures.height) == (266, 200)
    assert widths(pictures.img_srcset) == widths(pictures.sources["image/webp"]) == [266]


def test_widths_asked_for_are_sorted_and_include_the_base(ik_fakes):
    pictures = picture_set(
        photo(), 300, None, generator=Rendition, widths=[960, 320, 640], formats=["webp"]
    )

    assert widths(pictures.sources["image/webp"]) == [300, 320, 640, 960]
    assert pictures.img.width == 300
    assert pictures.img.height == 200  # in proportion, from the generator's geometry


def test_candidate_sizes_come_from_geometry_without_reading_files(ik_fakes):
    picture_set(photo(), 400, 300, generator=Rendition, formats=["webp"])
    assert ik_fakes.engine.sized == ["photos/a.jpg"]  # the source's header, once
    picture_set(photo(), 400, 300, generator=Rendition, formats=["webp"], source_size=(1200, 800))
    assert ik_fakes.engine.sized == ["photos/a.jpg"]


def test_a_transparent_source_falls_back_to_png(ik_fakes):
    source = NamedBytes(png_head(6), "logo.png")
    pictures = picture_set(
        source, 200, None, generator=Rendition, formats=["webp"], source_size=(1200, 800)
    )

    assert pictures.img.mime == "image/png"
    assert all(c.mime == "image/png" for c in pictures.img_srcset)
    assert ik_fakes.engine.sized == []  # the size was given: no header read for it


def test_a_deferring_backend_leaves_out_unmade_files_and_schedules_them(ik_fakes):
    backend = Deferring()
    set_config(ik_fakes.config(backend=backend))
    pictures = picture_set(photo(), 400, 300, generator=Rendition, formats=["webp"])

    assert pictures.sources == {"image/webp": []}
    assert widths(pictures.img_srcset) == [400]  # the img, made now; the others scheduled
    assert ik_fakes.storage.exists(pictures.img.file.name)
    scheduled = [n for n, r in backend.records.items() if r.state is CacheFileState.SCHEDULED]
    assert len(scheduled) == 5 and all(n not in ik_fakes.storage.files for n in scheduled)

    for file in backend.queue:  # a worker makes them
        backend.generate_now(file)
    again = picture_set(photo(), 400, 300, generator=Rendition, formats=["webp"])
    assert widths(again.sources["image/webp"]) == [400, 600, 800]


def test_a_registered_generator_id_works_as_a_factory(ik_fakes):
    generator_registry.register("tests:rendition", Rendition)
    try:
        pictures = picture_set(photo(), 100, 50, generator="tests:rendition", formats=["webp"])
    finally:
        generator_registry.unregister("tests:rendition")
    assert widths(pictures.sources["image/webp"]) == [100, 150, 200]


def test_bad_arguments_say_what_is_expected(ik_fakes):
    with pytest.raises(PictureError, match="width or a height"):
        picture_set(photo(), None, None, generator=Rendition)
    with pytest.raises(PictureError, match="not 0"):
        picture_set(photo(), 100, None, generator=Rendition, widths=[0])
    with pytest.raises(UnknownFormat, match="'heic'"):
        picture_set(photo(), 100, None, generator=Rendition, formats=["heic"])


def test_a_height_alone_gives_the_width_of_the_source_shape(ik_fakes):
    pictures = picture_set(photo(), None, 200, generator=Rendition, formats=[])
    assert (pictures.width, pictures.height) == (300, 200)


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"\xff\xd8\xff\xe0", ("JPEG", False)),
        (png_head(2), ("PNG", False)),
        (png_head(2, transparency=True), ("PNG", True)),
        (png_head(6), ("PNG", True)),
        (png_head(4), ("PNG", True)),
        (b"RIFF\0\0\0\0WEBPVP8 " + bytes(16), ("WEBP", False)),
        (b"RIFF\0\0\0\0WEBPVP8X" + bytes([0, 0, 0, 0, 0x10]) + bytes(8), ("WEBP", True)),
        (b"RIFF\0\0\0\0WEBPVP8X" + bytes([0, 0, 0, 0, 0x00]) + bytes(8), ("WEBP", False)),
        (b"GIF89a" + bytes(10), ("GIF", True)),
    ],
)
def test_format_and_transparency_from_the_first_bytes(head, expected):
    format = sniff_format(head)
    assert (format, may_have_alpha(head, format)) == expected


def test_the_placeholder_is_the_img_renditions(ik_fakes):
    set_config(ik_fakes.config(engine=ColourEngine(), placeholder="color"))
    pictures = picture_set(photo(), 100, None, generator=Rendition, formats=[])
    assert pictures.placeholder == Placeholder("color", "#336699")
    assert pictures.placeholder.css() == "#336699"

    unasked = picture_set(photo(), 100, None, generator=Rendition, formats=[], placeholder="none")
    assert unasked.placeholder is None
    with pytest.raises(ValueError, match="placeholder 'glow'"):
        picture_set(photo(), 100, None, generator=Rendition, formats=[], placeholder="glow")


@pytest.mark.parametrize("orientation", range(1, 9))
def test_sizes_are_the_upright_sources_for_generators_that_turn_it(ik_fakes, orientation):
    source = NamedBytes(jpeg_head(orientation), f"turned{orientation}.jpg")
    turned = orientation >= 5
    upright = picture_set(
        source, 300, None, generator=UprightRendition, formats=[], source_size=(1200, 800)
    )
    as_stored = picture_set(
        source, 300, None, generator=Rendition, formats=[], source_size=(1200, 800)
    )

    assert (upright.width, upright.height) == ((300, 450) if turned else (300, 200))
    assert widths(upright.img_srcset) == [300, 450, 600]
    assert (as_stored.width, as_stored.height) == (300, 200)
    capped = picture_set(
        source, 600, None, generator=UprightRendition, formats=[], source_size=(1200, 800)
    )
    assert widths(capped.img_srcset) == ([600, 800] if turned else [600, 900, 1200])


class StoredFile:
    """A file kept in a storage, as a Django field's is: closed until opened, which reads the
    storage (``None`` there: the file was deleted)."""

    def __init__(self, data: bytes | None, name: str) -> None:
        self.data, self.name = data, name
        self.stream: io.BytesIO | None = None
        self.opened = 0

    @property
    def closed(self) -> bool:
        return self.stream is None or self.stream.closed

    def open(self, mode: str = "rb") -> None:
        if self.data is None:
            raise FileNotFoundError(2, "No such file or directory", self.name)
        self.opened += 1
        self.stream = io.BytesIO(self.data)

    def read(self, size: int = -1) -> bytes:
        return self.stream.read(size)

    def seek(self, offset: int, whence: int = 0) -> int:
        return self.stream.seek(offset, whence)

    def close(self) -> None:
        self.stream.close()


def test_a_source_missing_from_its_storage_is_named(ik_fakes):
    missing = StoredFile(None, "photos/gone.jpg")
    with pytest.raises(SourceNotFound, match=r"photos/gone\.jpg") as raised:
        picture_set(missing, 300, None, generator=Rendition, formats=[])
    assert isinstance(raised.value, FileNotFoundError)  # as django-imagekit users catch it
    with pytest.raises(SourceNotFound, match=r"gone\.jpg"):
        picture_set("/nonexistent/gone.jpg", 300, None, generator=Rendition, formats=[])


def test_a_closed_source_is_closed_again_after_its_header_is_read(ik_fakes):
    source = StoredFile(b"FAKE 1200x800 JPEG\n", "photos/closed.jpg")
    facts = source_facts(source)
    assert (facts.width, facts.height, facts.format) == (1200, 800, "JPEG")
    assert source.opened == 1 and source.closed

    forget_source_facts()
    opened = StoredFile(b"FAKE 1200x800 JPEG\n", "photos/open.jpg")
    opened.open()
    opened.read(5)
    source_facts(opened)
    assert not opened.closed and opened.opened == 1  # the caller's open file stays open


def test_generator_and_backend_members_are_read_through_their_protocols():
    class Flagged:  # says it makes files in requests, but cannot be asked to store one here
        makes_in_request = True

    class FlaggedImmediate(Flagged):
        def generate_now(self, file, force=False): ...

    file = type("File", (), {})()
    file.cachefile_backend = Flagged()
    assert not makes_here(file)
    file.cachefile_backend = FlaggedImmediate()
    assert makes_here(file)

    def factory(**kwargs):  # a plain function: no options, so sizes are the stored source's
        return UprightRendition(**kwargs)

    factory.options = {"exif_transpose": True}
    assert turns_upright(UprightRendition) and not turns_upright(Rendition)
    assert not turns_upright(factory)

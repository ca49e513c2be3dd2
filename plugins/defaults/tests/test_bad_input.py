"""The bad-input corpus (``tests/badinput.py``) through the host: every broken or hostile file is
a clear error naming it and its cause, writes nothing, changes nothing and leaves a state that a
later access retries; the unusual but valid images generate correctly. Plus the limits.

Through the defaults (storage, Simple backend) and the Pillow engine together, so it lives with
the defaults, which every plugin sits on."""

from __future__ import annotations

import hashlib
import io
import re
from pathlib import Path

import pytest
from PIL import Image, ImageStat

from ik_host.cachefile import CacheFile
from ik_host.config import DEFAULT_LIMITS, Limits, get_config, set_config
from ik_host.errors import SourceImageError, SourceTooLarge
from ik_host.specs import ImageSpec
from ik_host.state_records import CacheFileState
from ik_processors_pilkit import ResizeToFill, Transpose
from ik_processors_pilkit.pillow_io import open_image
from tests import badinput
from tests.badinput import BAD, CORPUS, VALID, Sample


class Thumb(ImageSpec):
    processors = [Transpose(), ResizeToFill(80, 60)]
    format = "JPEG"
    options = {"quality": 90}


class PngThumb(Thumb):
    format = "PNG"


def files_under(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def put(tmp_path: Path, sample: Sample) -> Path:
    path = tmp_path / "uploads" / sample.name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(badinput.data(sample.name))
    return path


@pytest.mark.parametrize("sample", BAD, ids=lambda sample: sample.name)
def test_bad_input_is_a_clear_error_that_writes_nothing_and_retries(
    media: Path, tmp_path: Path, sample: Sample
) -> None:
    source = put(tmp_path, sample)
    before = (digest(source), source.stat().st_mtime_ns)
    file = CacheFile(Thumb(source=str(source)))

    with pytest.raises(SourceImageError) as info:
        file.url  # noqa: B018

    error = info.value
    assert type(error) is sample.error
    assert error.name == str(source) and sample.name in str(error)
    assert re.search(sample.cause, error.cause), error.cause
    assert files_under(media) == []  # no cache file, no temporary file
    assert (digest(source), source.stat().st_mtime_ns) == before
    record = file.state()
    assert record.state is CacheFileState.FAILED and sample.name in record.error
    # The state lets a later access retry: fix the source and ask again.
    source.write_bytes(badinput.encode(badinput.two_halves(), "JPEG"))
    again = CacheFile(Thumb(source=str(source)))
    assert again.url == file.url
    with Image.open(again.path) as img:
        assert img.size == (80, 60)


def halves(img: Image.Image) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """The mean colour of the left quarter and of the right quarter."""
    if img.mode.startswith("I"):  # 16 bits: scaled to 8, as a viewer shows it
        img = img.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    rgb = img.convert("RGB")
    width, height = rgb.size

    def mean(box: tuple[int, int, int, int]) -> tuple[float, ...]:
        return tuple(ImageStat.Stat(rgb.crop(box)).mean)

    return mean((0, 0, width // 4, height)), mean((width * 3 // 4, 0, width, height))


@pytest.mark.parametrize("spec", [Thumb, PngThumb], ids=["jpeg", "png"])
@pytest.mark.parametrize("sample", VALID, ids=lambda sample: sample.name)
def test_unusual_but_valid_images_generate_correctly(
    media: Path, tmp_path: Path, sample: Sample, spec: type[ImageSpec]
) -> None:
    source = put(tmp_path, sample)
    assert open_image(str(source)).mode == sample.cause  # what makes it unusual
    file = CacheFile(spec(source=str(source)))

    with Image.open(file.path) as img:
        img.load()
        assert img.size == (80, 60) and img.format == spec.format
        left, right = halves(img)
    if sample.name == "gray16.png":
        # 12000 and 52000 of 65535: ResizeToFill's crop puts them on pilkit's RGBA canvas,
        # which Pillow fills from 16-bit gray by clipping at 255; white, as django-imagekit's.
        assert left[0] > 250 and right[0] > 250, (left, right)
    else:  # red on the left, blue on the right
        assert left[0] > 150 and left[2] < 90, left
        assert right[2] > 150 and right[0] < 90, right
    assert file.state().state is CacheFileState.EXISTS


def test_every_sample_is_what_it_claims() -> None:
    """The corpus itself: the hostile files are small, and each is refused before decoding."""
    sizes = {sample.name: len(badinput.data(sample.name)) for sample in CORPUS}
    assert sizes["empty.jpg"] == 0
    assert sizes["bomb.png"] < 30_000  # 196 megapixels in 24 kB
    assert sizes["declares-100000x100000.png"] < 200
    with Image.open(io.BytesIO(badinput.data("frames-5000.gif"))) as gif:
        assert gif.n_frames == 5000
    with pytest.raises(Image.DecompressionBombError, match="196000000 pixels"):
        Image.open(io.BytesIO(badinput.data("bomb.png")))


def test_the_corpus_script_writes_every_file(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert badinput.main([str(tmp_path)]) == 0
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(s.name for s in CORPUS)
    assert capsys.readouterr().out.count("\n") == len(CORPUS)


# -- limits ----------------------------------------------------------------------------------------


def test_default_limits_suit_a_public_site() -> None:
    assert DEFAULT_LIMITS == Limits(178_956_970, 50 * 1024 * 1024, 1000)
    # Not lower than where Pillow itself refuses a file as a decompression bomb.
    assert DEFAULT_LIMITS.max_pixels == 2 * Image.MAX_IMAGE_PIXELS
    assert get_config().limits == DEFAULT_LIMITS


def test_a_spec_sets_its_own_limits(media: Path, jpeg_path: Path) -> None:
    class Strict(Thumb):
        limits = Limits(max_pixels=1000)

    with pytest.raises(SourceTooLarge, match=r"400x300 pixels is over the limit of 1000 pixels"):
        CacheFile(Strict(source=str(jpeg_path))).generate()

    class Lenient(Thumb):  # lets a source through that the configured limits refuse
        limits = Limits(max_pixels=None, max_bytes=None, max_frames=None)

    set_config(get_config().replace(limits=Limits(max_bytes=100)))
    with pytest.raises(SourceTooLarge, match=r"bytes is over the limit of 100"):
        CacheFile(Thumb(source=str(jpeg_path))).generate()
    assert CacheFile(Lenient(source=str(jpeg_path))).generate().state is CacheFileState.EXISTS

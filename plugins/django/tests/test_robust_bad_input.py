"""The bad-input corpus (``tests/badinput.py``) through every Django entry point.

Each broken or hostile file, as the source of an ``ImageSpecField``, through
``ProcessedImageField`` (model and form) and through both template tags, gives a clear project
exception (a form validation error for uploads) naming the file and the cause; no cache file is
written; the source is unchanged; its state lets a later access retry. The valid but unusual
images (CMYK, 16 bits, corrupt EXIF) generate correctly everywhere.
"""

import hashlib
import re
from pathlib import Path

import pytest
from django import forms
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from PIL import Image, ImageStat

from ik_host.config import DEFAULT_LIMITS, Limits, get_config
from ik_host.errors import SourceImageError, SourceTooLarge
from ik_host.state_records import CacheFileState
from ik_testproject.tagapp.models import TagPhoto
from ik_testproject.testapp.models import ProcessedProfile, Profile
from imagekit.cachefiles import ImageCacheFile
from imagekit.forms import ProcessedImageField
from imagekit.models import ImageSpecField
from imagekit.processors import ResizeToFill, Transpose
from tests import badinput
from tests.badinput import BAD, VALID

pytestmark = pytest.mark.django_db

ids = lambda sample: sample.name  # noqa: E731


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """A media directory of this test's own, so "nothing written" can be checked exactly."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return Path(settings.MEDIA_ROOT)


def files_under(root):
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def fingerprint(path):
    path = Path(path)
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns


def upload(sample):
    return SimpleUploadedFile(sample.name, badinput.data(sample.name), "image/jpeg")


def saved_source(model, field, sample):
    """An instance of ``model`` whose ``field`` holds the sample, saved as-is (no validation:
    files get into storage by many routes)."""
    instance = model()
    getattr(instance, field).save(sample.name, ContentFile(badinput.data(sample.name)))
    return instance


def assert_names_file_and_cause(error, sample, stored_name):
    assert type(error) is sample.error
    assert error.name == stored_name and stored_name in str(error)
    assert re.search(sample.cause, error.cause), error.cause


def fix_source(path):
    """Replace a broken source with a good image, under the same name."""
    Path(path).write_bytes(badinput.encode(badinput.two_halves(), "JPEG"))


def mean(img, box):
    if img.mode.startswith("I"):  # 16 bits: scaled to 8, as a viewer shows it
        img = img.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    return ImageStat.Stat(img.convert("RGB").crop(box)).mean


def assert_red_left_blue_right(img, sample):
    width, height = img.size
    left, right = (
        mean(img, (0, 0, width // 4, height)),
        mean(img, (width * 3 // 4, 0, width, height)),
    )
    if sample.name == "gray16.png" and img.mode.startswith("I"):
        # 12000 / 52000 of 65535, scaled to 8 bits (SmartResize keeps 16-bit gray)
        assert left[0] < 70 and 180 < right[0] < 230, (left, right)
    elif sample.name == "gray16.png":
        # ResizeToFill's crop puts them on pilkit's RGBA canvas, which Pillow fills from 16-bit
        # gray by clipping at 255: both come out white, exactly as with django-imagekit.
        assert left[0] > 250 and right[0] > 250, (left, right)
    else:
        assert left[0] > 150 and left[2] < 90 and right[2] > 150 and right[0] < 90, (left, right)


# -- ImageSpecField --------------------------------------------------------------------------------


@pytest.mark.parametrize("sample", BAD, ids=ids)
def test_image_spec_field(media, sample):
    profile = saved_source(Profile, "avatar", sample)
    source_path = profile.avatar.path
    before = fingerprint(source_path)
    file = Profile.objects.get().avatar_thumbnail

    with pytest.raises(SourceImageError) as info:
        file.url  # noqa: B018

    assert_names_file_and_cause(info.value, sample, profile.avatar.name)
    assert files_under(media) == [profile.avatar.name]  # no cache file, no temporary file
    assert fingerprint(source_path) == before
    record = file.state()
    assert record.state is CacheFileState.FAILED and sample.name in record.error
    fix_source(source_path)
    again = Profile.objects.get().avatar_thumbnail  # a later request
    assert again.url == file.url and (again.width, again.height) == (100, 50)


@pytest.mark.parametrize("sample", VALID, ids=ids)
def test_image_spec_field_valid(media, sample):
    saved_source(Profile, "avatar", sample)
    file = Profile.objects.get().avatar_thumbnail

    with Image.open(file.path) as img:
        assert (img.format, img.size) == ("JPEG", (100, 50))
        assert_red_left_blue_right(img, sample)


# -- ProcessedImageField: model ------------------------------------------------------------------


@pytest.mark.parametrize("sample", BAD, ids=ids)
def test_processed_image_field_model(media, sample):
    with pytest.raises(SourceImageError) as info:
        ProcessedProfile().avatar_thumbnail.save(
            sample.name, ContentFile(badinput.data(sample.name), name=sample.name)
        )

    assert_names_file_and_cause(info.value, sample, sample.name)
    assert files_under(media) == []  # neither the upload nor anything processed
    assert ProcessedProfile.objects.count() == 0


@pytest.mark.parametrize("sample", VALID, ids=ids)
def test_processed_image_field_model_valid(media, sample):
    profile = ProcessedProfile()
    profile.avatar_thumbnail.save(sample.name, ContentFile(badinput.data(sample.name)))

    with Image.open(ProcessedProfile.objects.get().avatar_thumbnail.path) as img:
        assert (img.format, img.size) == ("JPEG", (100, 50))
        assert_red_left_blue_right(img, sample)


# -- ProcessedImageField: form -------------------------------------------------------------------


class UploadForm(forms.Form):
    image = ProcessedImageField(processors=[Transpose(), ResizeToFill(100, 50)], format="JPEG")


@pytest.mark.parametrize("sample", BAD, ids=ids)
def test_processed_image_field_form(media, sample):
    form = UploadForm(data={}, files={"image": upload(sample)})

    assert not form.is_valid()
    [error] = form.errors.as_data()["image"]
    [message] = form.errors["image"]
    assert f"“{sample.name}”" in message
    assert re.search(sample.cause, message), message
    if sample.error is SourceTooLarge:
        assert error.code == "image_too_large" and message.startswith("Upload a smaller image.")
    else:
        assert error.code == "invalid_image" and message.startswith("Upload a valid image.")
    assert files_under(media) == []


@pytest.mark.parametrize("sample", VALID, ids=ids)
def test_processed_image_field_form_valid(media, sample):
    form = UploadForm(data={}, files={"image": upload(sample)})

    assert form.is_valid(), form.errors
    with Image.open(form.cleaned_data["image"]) as img:
        assert (img.format, img.size) == ("JPEG", (100, 50))
        assert_red_left_blue_right(img, sample)


# -- template tags -------------------------------------------------------------------------------

TAGS = {
    "thumbnail": "{% thumbnail '60x40' src %}",
    "generateimage": "{% generateimage 'testapp:square' source=src %}",
}


@pytest.mark.parametrize("tag", sorted(TAGS))
@pytest.mark.parametrize("sample", BAD, ids=ids)
def test_template_tags(media, sample, tag):
    photo = saved_source(TagPhoto, "original", sample)
    before = fingerprint(photo.original.path)
    template = Template("{% load imagekit %}" + TAGS[tag])

    with pytest.raises(SourceImageError) as info:
        template.render(Context({"src": photo.original}))

    assert_names_file_and_cause(info.value, sample, photo.original.name)
    assert files_under(media) == [photo.original.name]
    assert fingerprint(photo.original.path) == before
    fix_source(photo.original.path)
    html = template.render(Context({"src": TagPhoto.objects.get().original}))  # retried
    assert html.startswith("<img ") and " src=\"" in html and len(files_under(media)) == 2


@pytest.mark.parametrize("sample", VALID, ids=ids)
def test_template_tags_valid(media, sample):
    photo = saved_source(TagPhoto, "original", sample)
    html = Template("{% load imagekit %}{% thumbnail '60x40' src as th %}{{ th.path }}").render(
        Context({"src": photo.original})
    )
    with Image.open(html) as img:
        assert img.size == (60, 40)
        assert_red_left_blue_right(img, sample)


# -- limits from settings, fields and forms ------------------------------------------------------


def test_limit_settings_reach_the_host(settings):
    assert get_config().limits == DEFAULT_LIMITS
    settings.IMAGEKIT_MAX_SOURCE_PIXELS = 1000
    settings.IMAGEKIT_MAX_SOURCE_BYTES = None
    settings.IMAGEKIT_MAX_SOURCE_FRAMES = 5
    assert get_config().limits == Limits(max_pixels=1000, max_bytes=None, max_frames=5)
    photo = TagPhoto()
    photo.original.save("big.jpg", ContentFile(badinput.encode(badinput.two_halves(), "JPEG")))
    with pytest.raises(SourceTooLarge, match=r"400x300 pixels is over the limit of 1000"):
        Template("{% load imagekit %}{% thumbnail '10x10' src %}").render(
            Context({"src": photo.original})
        )


def test_field_and_form_limits():
    field = ImageSpecField(
        source="original",
        processors=[ResizeToFill(10, 10)],
        format="PNG",
        limits=Limits(max_bytes=2000),
    )
    photo = TagPhoto()
    photo.original.save("limited.jpg", ContentFile(badinput.encode(badinput.two_halves(), "JPEG")))
    with pytest.raises(SourceTooLarge, match=r"bytes is over the limit of 2000"):
        ImageCacheFile(field.get_spec(source=photo.original)).url  # noqa: B018

    field = ProcessedImageField(processors=[ResizeToFill(10, 10)], limits=Limits(max_pixels=100))
    data = badinput.encode(badinput.two_halves(), "PNG")
    with pytest.raises(forms.ValidationError, match=r"400x300 pixels is over the limit of 100"):
        field.clean(SimpleUploadedFile("wide.png", data, "image/png"))

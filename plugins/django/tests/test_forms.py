"""imagekit.forms.ProcessedImageField: one processing per upload, clear errors for bad ones."""

import io

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from ik_testproject.images import image_bytes
from ik_testproject.testapp.models import PlainPhoto
from imagekit import ImageSpec, register, unregister
from imagekit.forms import ProcessedImageField
from imagekit.processors import ResizeToFit

pytestmark = pytest.mark.django_db


class Small(ImageSpec):
    processors = [ResizeToFit(50, 50)]
    format = "WEBP"


class PhotoForm(forms.ModelForm):
    image = ProcessedImageField(processors=[ResizeToFit(64, 64)], format="PNG")

    class Meta:
        model = PlainPhoto
        fields = ["image"]


def upload(name, data, content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type)


def test_the_processed_upload_is_what_the_model_stores():
    form = PhotoForm(data={}, files={"image": upload("holiday.jpg", image_bytes((640, 320)))})

    assert form.is_valid(), form.errors
    photo = form.save()

    assert photo.image.name == "plain/holiday.png"
    with Image.open(photo.image.path) as img:
        assert (img.format, img.size) == ("PNG", (64, 32))


def test_a_registered_spec_by_id():
    register.generator("tests:small", Small)
    try:
        field = ProcessedImageField(spec_id="tests:small")
        result = field.clean(upload("x.jpg", image_bytes((300, 100))))
    finally:
        unregister.generator("tests:small")
    assert result.name == "x.webp"
    assert result.content_type == "image/webp"
    with Image.open(io.BytesIO(result.read())) as img:
        assert (img.format, img.size) == ("WEBP", (50, 17))


def test_cleaning_twice_processes_once():
    field = ProcessedImageField(processors=[ResizeToFit(64, 64)], format="JPEG")
    first = field.clean(upload("once.png", image_bytes((640, 320), "PNG"), "image/png"))
    assert field.clean(first) is first


def test_no_new_upload_keeps_the_initial_file():
    field = ProcessedImageField(processors=[ResizeToFit(64, 64)], required=False)
    assert field.clean(None, "plain/old.jpg") == "plain/old.jpg"
    assert field.clean(False) is False


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("notes.jpg", b"these are not pixels"),
        ("cut.jpg", image_bytes((400, 300))[:600]),  # a JPEG cut short: its header is fine
    ],
)
def test_a_bad_upload_is_a_form_error_naming_the_file(name, data):
    form = PhotoForm(data={}, files={"image": upload(name, data)})

    assert not form.is_valid()
    [message] = form.errors["image"]
    assert name in message
    assert message.startswith("Upload a valid image.")
    assert PlainPhoto.objects.count() == 0


def test_a_form_field_reusing_a_registered_id_keeps_the_first_registration():
    # django-imagekit's README declares a form field with the id of a registered spec.
    register.generator("tests:reused", Small)
    try:
        field = ProcessedImageField(
            spec_id="tests:reused", processors=[ResizeToFit(10, 10)], format="PNG"
        )
        result = field.clean(upload("x.jpg", image_bytes((300, 100))))
    finally:
        unregister.generator("tests:reused")
    assert result.name == "x.webp"  # the first registration (Small) wins

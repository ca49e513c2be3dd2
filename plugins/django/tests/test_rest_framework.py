"""imagekit.rest_framework.PictureField in a real DRF serializer and view, through Django's
test client, and the OpenAPI schema drf-spectacular generates for it."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.template import Context, Template
from django.urls import path
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.openapi import AutoSchema
from PIL import Image
from rest_framework import generics, serializers

from ik_host.errors import SourceNotFound
from ik_pictures.source_facts import forget_source_facts
from ik_testproject.images import image_content
from ik_testproject.tagapp.models import AdminPhoto
from imagekit.rest_framework import PICTURE_SCHEMA, PictureField

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


class PhotoSerializer(serializers.ModelSerializer):
    thumbnail = PictureField()
    picture = PictureField("300x200", source="original", formats="avif webp", widths="150 600")

    class Meta:
        model = AdminPhoto
        fields = ["id", "title", "thumbnail", "picture"]


class PhotoView(generics.RetrieveAPIView):
    queryset = AdminPhoto.objects.all()
    serializer_class = PhotoSerializer
    schema = AutoSchema()  # drf-spectacular's, whatever the project's DEFAULT_SCHEMA_CLASS


urlpatterns = [
    path("photos/<int:pk>/", PhotoView.as_view()),
]


@pytest.fixture(autouse=True)
def fresh_facts():
    forget_source_facts()


@pytest.fixture
def photo():
    row = AdminPhoto(title="sea")
    row.original.save("sea.jpg", image_content(size=(800, 600)))
    return row


def stored(url):
    name = url.removeprefix("http://testserver").removeprefix(default_storage.url(""))
    with default_storage.open(name) as handle:
        image = Image.open(io.BytesIO(handle.read()))
        image.load()
    return image


def test_the_json_of_a_spec_field_and_of_a_picture(client, photo):
    data = client.get(f"/photos/{photo.pk}/").json()

    thumbnail = data["thumbnail"]
    assert thumbnail["url"].startswith("http://testserver/media/")
    assert (thumbnail["width"], thumbnail["height"]) == (50, 40)
    assert thumbnail["sources"] == {"image/jpeg": [{"url": thumbnail["url"], "width": 50}]}
    assert stored(thumbnail["url"]).size == (50, 40)

    picture = data["picture"]
    assert (picture["width"], picture["height"]) == (300, 200)
    assert list(picture["sources"]) == ["image/avif", "image/webp", "image/jpeg"]
    for mime, entries in picture["sources"].items():
        assert [entry["width"] for entry in entries] == [150, 300, 600]
        for entry in entries:
            made = stored(entry["url"])
            assert Image.MIME[made.format] == mime
            assert made.size == (entry["width"], entry["width"] * 2 // 3)
    assert picture["url"] == picture["sources"]["image/jpeg"][1]["url"]


def test_placeholders_are_given_with_their_css(client, photo):
    data = client.get(f"/photos/{photo.pk}/").json()

    for name in ("thumbnail", "picture"):
        placeholder = data[name]["placeholder"]
        assert placeholder["kind"] == "thumbhash"
        assert placeholder["css"].startswith("url(data:image/png;base64,")
        assert placeholder["value"] and " " not in placeholder["value"]


def test_an_empty_image_is_null(client):
    row = AdminPhoto.objects.create(title="empty")
    data = client.get(f"/photos/{row.pk}/").json()
    assert data["thumbnail"] is None and data["picture"] is None


def test_the_openapi_schema_describes_the_field():
    schema = SchemaGenerator(patterns=urlpatterns).get_schema(request=None, public=True)

    component = schema["components"]["schemas"]["Photo"]["properties"]
    for name in ("thumbnail", "picture"):
        described = component[name]
        assert described["type"] == "object" and described["readOnly"] is True
        assert described["properties"]["sources"] == PICTURE_SCHEMA["properties"]["sources"]
        assert set(described["required"]) == {"url", "width", "height", "placeholder", "sources"}


WITHOUT_SPECTACULAR = """
import sys
sys.modules["drf_spectacular"] = None  # as if not installed: importing it fails
import django
django.setup()
from imagekit.rest_framework import PictureField
print(hasattr(PictureField, "_spectacular_annotation"), PictureField("10x10").read_only)
"""


def test_the_field_works_without_drf_spectacular():
    tests = Path(__file__).resolve().parent
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "ik_testproject.settings"}
    env["PYTHONPATH"] = os.pathsep.join([str(tests), str(tests.parents[2])])
    done = subprocess.run(
        [sys.executable, "-c", WITHOUT_SPECTACULAR], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "True"]
    assert hasattr(PictureField, "_spectacular_annotation")  # here, with it: the schema


class PictureOnlySerializer(serializers.ModelSerializer):
    picture = PictureField("300x200", source="original")

    class Meta:
        model = AdminPhoto
        fields = ["picture"]


def test_a_deleted_source_raises_what_the_thumbnail_tag_raises(photo):
    photo.original.storage.delete(photo.original.name)
    with pytest.raises(Exception) as thumbnail:
        Template("{% load imagekit %}{% thumbnail '300x200' photo %}").render(
            Context({"photo": photo.original})
        )
    with pytest.raises(type(thumbnail.value)) as picture:
        PictureOnlySerializer(photo).data  # noqa: B018 (the field is computed on access)

    assert type(picture.value) is type(thumbnail.value) is SourceNotFound
    assert photo.original.name in str(picture.value)

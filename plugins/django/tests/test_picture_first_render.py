"""A first {% picture %} with the default Simple backend: every rendition made in this request,
from one decode of the source."""

import io

import pytest
from django.core.files.storage import default_storage
from django.template import Context, Template
from PIL import Image

from ik_host.errors import SourceImageError
from ik_pictures.source_facts import forget_source_facts
from ik_processors_pilkit import pillow_engine
from ik_testproject.images import image_content
from ik_testproject.tagapp.models import TagPhoto

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_facts():
    forget_source_facts()


@pytest.fixture
def decodes(monkeypatch):
    """The size of every image the Pillow engine decodes."""
    sizes = []
    original = pillow_engine.open_image

    def counting(*args, **kwargs):
        img = original(*args, **kwargs)
        sizes.append(img.size)
        return img

    monkeypatch.setattr(pillow_engine, "open_image", counting)
    return sizes


def render(template, **context):
    return Template("{% load imagekit %}" + template).render(Context(context))


def stored_sizes(html):
    """(format, size) of every file the markup's srcsets name."""
    found = []
    for part in html.split('srcset="')[1:]:
        for entry in part.split('"', 1)[0].split(", "):
            url, width = entry.split()
            with default_storage.open(url.removeprefix(default_storage.url(""))) as handle:
                image = Image.open(io.BytesIO(handle.read()))
            assert image.width == int(width[:-1])
            found.append((image.format, image.size))
    return found


def test_a_first_picture_decodes_its_source_once(decodes):
    row = TagPhoto(title="first")
    row.original.save("first.jpg", image_content(size=(2400, 1600)))
    template = "{% picture '300x200' photo widths='300 600 900' %}"

    html = render(template, photo=row.original)

    assert len(decodes) == 1
    assert sorted(stored_sizes(html)) == sorted(
        (format, (width, width * 2 // 3))
        for format in ("AVIF", "WEBP", "JPEG")
        for width in (300, 600, 900)
    )
    decodes.clear()
    assert render(template, photo=row.original) == html
    assert decodes == []  # warm: nothing decoded


def test_a_source_that_cannot_be_decoded_fails_as_it_did_alone(decodes):
    row = TagPhoto(title="broken")
    row.original.save("broken.jpg", image_content(size=(800, 600)))
    with default_storage.open(row.original.name, "wb") as handle:
        handle.write(b"\xff\xd8\xff\xe0 not a JPEG after all")
    row.original.file.close()

    with pytest.raises(SourceImageError, match="broken"):
        render("{% picture '300x200' photo %}", photo=row.original)

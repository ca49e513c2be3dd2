"""{% picture %}'s placeholder against real files and the record table: the img rendition
computes it while it is generated (no decode afterwards) and keeps it in its record, the other
renditions keep none, and an img file removed behind its record still renders, without one."""

import logging

import pytest
from django.core.files.storage import default_storage
from django.template import Context, Template
from django.test import override_settings

from ik_host.placeholders import Placeholder, forget_placeholders
from ik_host.state_records import StateRecord, state_key
from ik_pictures.source_facts import forget_source_facts
from ik_testproject.images import image_content
from ik_testproject.tagapp.models import TagPhoto
from imagekit.cachefiles.record_table import record_key, record_model
from imagekit.processors import ResizeToFit
from imagekit.registry import generator_registry
from imagekit.specs import ImageSpec
from imagekit.utils import get_cache

pytestmark = pytest.mark.django_db

PICTURE = "{% load imagekit %}{% picture '300x200' photo formats='webp' %}"
UNASKED = "{% load imagekit %}{% picture '300x200' photo formats='webp' placeholder='none' %}"


@pytest.fixture
def states():
    """A state cache shared as Redis would be, beside the record table."""
    with override_settings(IMAGEKIT_CACHE_BACKEND="counting"):
        forget_placeholders()
        forget_source_facts()
        yield get_cache()
    forget_placeholders()


@pytest.fixture
def photo():
    row = TagPhoto(title="placeholder")
    row.original.save("placeheld.jpg", image_content(size=(1000, 600)))
    return row.original


def rendered(photo, template=PICTURE):
    return Template(template).render(Context({"photo": photo}))


def names(html, attribute):
    """The storage names of the URLs in each ``attribute="..."`` of ``html``."""
    prefix = default_storage.url("")
    found = []
    for part in html.split(f'{attribute}="')[1:]:
        value = part.split('"', 1)[0]
        found += [each.split()[0].removeprefix(prefix) for each in value.split(", ")]
    return found


def recorded(cache, name):
    state = StateRecord.load(cache.get(state_key("imagekit:", name)))
    row = record_model().objects.get(key=record_key(name))
    return state.placeholder, Placeholder.load(row.placeholder)


def test_the_img_rendition_records_the_placeholder_it_was_made_with(
    states, photo, placeholders_computed
):
    html = rendered(photo)
    (img,) = names(html, "src")
    in_state, in_row = recorded(states, img)
    assert in_state is not None and in_state.kind == "thumbhash" and in_row == in_state
    assert f"background: {in_state.css()}" in html
    others = [name for name in names(html, "srcset") if name != img]
    assert len(others) >= 3  # the WebP widths and the img's larger ones
    for name in others:
        assert recorded(states, name) == (None, None)
    assert placeholders_computed == []  # computed while generating, not read back


def test_an_img_file_removed_behind_its_record_renders_without_a_placeholder(
    states, photo, placeholders_computed, caplog
):
    html = rendered(photo, UNASKED)
    (img,) = names(html, "src")
    assert recorded(states, img) == (None, None)
    default_storage.delete(img)  # the record still says it exists
    with caplog.at_level(logging.WARNING, "ik_host.placeholders"):
        html = rendered(photo)
    assert names(html, "src") == [img] and "background" not in html
    assert img in caplog.text and "FileNotFoundError" in caplog.text


class Shown(ImageSpec):
    """A spec whose files are shown with their placeholder: computed as each is made."""

    processors = [ResizeToFit(80, 80)]
    format = "JPEG"
    placeholder = "color"


def test_a_spec_class_asking_for_a_placeholder_gets_it_while_generated(
    states, photo, placeholders_computed
):
    generator_registry.register("tests:shown", Shown)
    try:
        html = Template("{% load imagekit %}{% generateimage 'tests:shown' source=photo %}").render(
            Context({"photo": photo})
        )
    finally:
        generator_registry.unregister("tests:shown")
    (name,) = names(html, "src")
    in_state, in_row = recorded(states, name)
    assert in_state is not None and in_state.kind == "color" and in_row == in_state
    assert placeholders_computed == []

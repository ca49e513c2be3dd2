"""Template tag safety: sizes, densities and options from templates (variables included) are
validated before anything is generated; an absurd size is a clear error, not an allocation."""

import time

import pytest
from django.core.files.base import ContentFile
from django.template import Context, Template, TemplateSyntaxError
from hypothesis import given, settings
from hypothesis import strategies as st

from ik_host.errors import IKError, UnknownFormat
from ik_testproject.tagapp.models import TagPhoto
from imagekit.templatetags._sizes import MAX_DENSITY, SizeError, parse_densities, parse_size
from tests import badinput

pytestmark = pytest.mark.django_db


@pytest.fixture
def src(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    photo = TagPhoto()
    photo.original.save("tags.jpg", ContentFile(badinput.encode(badinput.two_halves(), "JPEG")))
    return photo.original


def render(text, **context):
    return Template("{% load imagekit %}" + text).render(Context(context))


def cache_files(settings):
    from pathlib import Path  # noqa: PLC0415

    return [p for p in Path(settings.MEDIA_ROOT, "CACHE").rglob("*") if p.is_file()]


@pytest.mark.parametrize(
    "size",
    [
        "100000x100000",
        "100000x",
        "x100000",
        "4097x10",
        "99999999999999999999x1",
        "1" * 10_000 + "x",
    ],
)
def test_an_absurd_size_in_a_variable_is_refused_before_anything_is_made(src, settings, size):
    started = time.perf_counter()
    with pytest.raises(SizeError) as info:
        render("{% thumbnail size src %}", size=size, src=src)
    assert time.perf_counter() - started < 0.5  # refused, not attempted
    message = str(info.value)
    assert "IMAGEKIT_MAX_THUMBNAIL_SIZE" in message or "far too large" in message
    assert len(message) < 300  # the value is quoted, cut short
    assert isinstance(info.value, IKError) and not cache_files(settings)


def test_an_absurd_literal_size_fails_when_the_template_is_compiled():
    with pytest.raises(TemplateSyntaxError, match=r"100000x100000.*at most 4096 pixels"):
        Template("{% load imagekit %}{% thumbnail '100000x100000' src %}")


def test_the_limit_is_a_setting(src, settings):
    settings.IMAGEKIT_MAX_THUMBNAIL_SIZE = 60
    assert 'width="60" height="40"' in render("{% thumbnail '60x40' src %}", src=src)
    with pytest.raises(SizeError, match=r"61x40 pixels: thumbnails may be at most 60 pixels"):
        render("{% thumbnail size src %}", size="61x40", src=src)
    settings.IMAGEKIT_MAX_THUMBNAIL_SIZE = None
    assert parse_size("5000x5000") == (5000, 5000)


def test_srcset_densities_count_against_the_limit(src, settings):
    with pytest.raises(SizeError, match=r"srcset density 2x asks for 6000x pixels"):
        render("{% thumbnail '3000x' src srcset=d %}", src=src, d="2")
    with pytest.raises(SizeError, match=rf"at most {MAX_DENSITY}"):
        render("{% thumbnail '30x20' src srcset=d %}", src=src, d="5")
    many = " ".join(f"1.{n}" for n in range(1, 10))
    with pytest.raises(SizeError, match=r"names 10 pixel densities"):
        render("{% thumbnail '30x20' src srcset=d %}", src=src, d=many)
    assert not cache_files(settings)
    html = render("{% thumbnail '30x20' src srcset=d %}", src=src, d="2 4")
    assert " 2.0x , " in html and html.count(".jpg 4.0x") == 1


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"crop": "False"}, r"crop='False' must be True, False or None"),
        ({"upscale": "yes"}, r"upscale='yes' must be True, False or None"),
        ({"anchor": "nowhere"}, r"'thumbnail' tag: .*nowhere"),
        ({"anchor": [2, 2]}, r"'thumbnail' tag: "),
    ],
)
def test_thumbnail_options_from_variables_are_validated(src, settings, options, message):
    keywords = " ".join(f"{name}={name}" for name in options)
    with pytest.raises(SizeError, match=message):
        render(f"{{% thumbnail '30x20' src {keywords} %}}", src=src, **options)
    assert not cache_files(settings)


def test_an_unknown_format_is_refused_before_decoding(src, settings):
    with pytest.raises(UnknownFormat, match=r"'nope'"):
        render("{% thumbnail '30x20' src format=f %}", src=src, f="nope")
    assert not cache_files(settings)


def test_generateimage_sizes_are_limited_too(src, settings):
    with pytest.raises(SizeError, match=r"width=100000 asks for 100000x pixels"):
        render(
            "{% generateimage 'imagekit:thumbnail' source=src width=w height=10 %}",
            src=src,
            w=100000,
        )
    with pytest.raises(SizeError, match=r"height=0 must be a positive number"):
        render(
            "{% generateimage 'imagekit:thumbnail' source=src width=10 height=h %}", src=src, h=0
        )
    html = render(
        "{% generateimage 'imagekit:thumbnail' source=src width=w height=10 %}", src=src, w=20
    )
    assert 'width="20" height="10"' in html


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(st.text(max_size=40), st.integers(), st.floats(), st.none(), st.binary(max_size=8))
)
def test_any_size_is_a_size_within_the_limit_or_a_size_error(value):
    try:
        width, height = parse_size(value)
    except SizeError:
        return
    assert width is None or 1 <= width <= 4096
    assert height is None or 1 <= height <= 4096
    assert width or height


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=60), st.integers(), st.floats(), st.none()))
def test_any_srcset_is_a_few_sane_densities_or_a_size_error(value):
    try:
        densities = parse_densities(value)
    except SizeError:
        return
    assert 1.0 in densities and len(densities) <= 8 and densities == sorted(set(densities))
    assert all(0 < density <= MAX_DENSITY for density in densities)

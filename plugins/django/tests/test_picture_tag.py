"""{% picture %}: its markup, against real files made by the Pillow engine."""

import io
from html.parser import HTMLParser

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template import Context, Template, TemplateSyntaxError
from django.test import override_settings
from PIL import Image, ImageOps

from ik_defaults.cached_backends import CachedFileBackend
from ik_host.errors import SourceNotFound
from ik_host.state_records import CacheFileState, StateRecord
from ik_pictures.source_facts import forget_source_facts
from ik_testproject.images import image_content
from ik_testproject.tagapp.models import TagPhoto
from imagekit.templatetags._sizes import SizeError

pytestmark = pytest.mark.django_db


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.elements = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


def elements(html):
    parser = _Elements()
    parser.feed(html)
    return parser.elements


def render(template, **context):
    return Template("{% load imagekit %}" + template).render(Context(context))


def parts(html):
    """(the <source>s' attributes, the <img>'s), checking the <picture> around them."""
    found = elements(html)
    assert found[0][0] == "picture" and html.endswith("</picture>")
    assert found[-1][0] == "img"
    return [attrs for tag, attrs in found[1:-1]], found[-1][1]


def entries(srcset):
    """``"u 320w, v 640w"`` -> [("u", 320), ("v", 640)]."""
    return [(url, int(width[:-1])) for url, width in (each.split() for each in srcset.split(", "))]


def stored(url):
    """The stored file behind a media URL, opened with Pillow."""
    name = url.removeprefix(default_storage.url(""))
    with default_storage.open(name) as handle:
        image = Image.open(io.BytesIO(handle.read()))
        image.load()
    return image


@pytest.fixture(autouse=True)
def fresh_facts():
    forget_source_facts()


@pytest.fixture
def photo():
    """A 1000x600 JPEG on a model's image field."""
    row = TagPhoto(title="picture")
    row.original.save("picture.jpg", image_content(size=(1000, 600)))
    return row.original


@pytest.fixture
def logo():
    """A 600x400 PNG with an alpha channel."""
    buffer = io.BytesIO()
    Image.new("RGBA", (600, 400), (10, 200, 10, 128)).save(buffer, "PNG")
    row = TagPhoto(title="logo")
    row.original.save("logo.png", ContentFile(buffer.getvalue()))
    return row.original


def test_sources_per_format_with_ascending_widths_and_a_jpeg_img(photo):
    html = render("{% picture '300x200' photo -- alt='A photo' %}", photo=photo)
    sources, img = parts(html)

    assert [s["type"] for s in sources] == ["image/avif", "image/webp"]
    for source, extension, format in zip(sources, ("avif", "webp"), ("AVIF", "WEBP"), strict=True):
        assert [w for _, w in entries(source["srcset"])] == [300, 450, 600]
        assert (source["width"], source["height"]) == ("300", "200")
        for url, width in entries(source["srcset"]):
            assert url.endswith("." + extension)
            made = stored(url)
            assert (made.format, made.size) == (format, (width, width * 2 // 3))
    assert [w for _, w in entries(img["srcset"])] == [300, 450, 600]
    assert img["src"] == entries(img["srcset"])[0][0] and img["src"].endswith(".jpg")
    assert stored(img["src"]).size == (300, 200)
    assert (img["width"], img["height"], img["alt"]) == ("300", "200", "A photo")


def test_widths_asked_are_sorted_and_capped_by_the_source(photo):
    html = render("{% picture '400x' photo widths='1600 320 640' formats='webp' %}", photo=photo)
    sources, img = parts(html)

    assert [w for _, w in entries(sources[0]["srcset"])] == [320, 400, 640, 1000]
    assert (img["width"], img["height"]) == ("400", "240")
    assert stored(entries(img["srcset"])[-1][0]).size == (1000, 600)


def test_default_sizes_lazy_loading_and_auto(photo):
    _, lazy = parts(render("{% picture '300x200' photo formats='' %}", photo=photo))
    _, eager = parts(
        render("{% picture '300x200' photo formats='' -- fetchpriority='high' %}", photo=photo)
    )
    _, given = parts(render("{% picture '300x200' photo sizes='50vw' formats='' %}", photo=photo))

    assert (lazy["loading"], lazy["sizes"]) == ("lazy", "auto, 300px")
    assert "loading" not in eager and eager["sizes"] == "300px"
    assert eager["fetchpriority"] == "high"
    assert given["sizes"] == "auto, 50vw"


def test_attributes_are_escaped_and_styles_merged(photo):
    html = render(
        "{% picture '300x200' photo formats='' placeholder='none' -- alt=text style='x:1' %}",
        photo=photo,
        text='"><script>',
    )
    _, img = parts(html)
    assert "<script>" not in html and img["alt"] == '"><script>'
    assert img["style"] == "x:1"


def test_a_transparent_source_gets_a_png_img(logo):
    sources, img = parts(render("{% picture '200x' logo formats='webp' %}", logo=logo))

    assert img["src"].endswith(".png")
    made = stored(img["src"])
    assert (made.format, made.mode, made.size) == ("PNG", "RGBA", (200, 133))
    webp = stored(entries(sources[0]["srcset"])[0][0])
    assert webp.mode == "RGBA"  # the modern formats keep the alpha too


def test_the_default_formats_come_from_the_setting(photo):
    with override_settings(IMAGEKIT_PICTURE_FORMATS=["WEBP"]):
        sources, _ = parts(render("{% picture '300x200' photo %}", photo=photo))
    assert [s["type"] for s in sources] == ["image/webp"]


def test_assignment_gives_the_picture_set(photo):
    html = render(
        "{% picture '300x200' photo formats='webp' as pic %}{{ pic.img.url }} {{ pic.width }}",
        photo=photo,
    )
    url, width = html.split()
    assert url.endswith(".jpg") and width == "300"


class NeverMade(CachedFileBackend):
    """Schedules every missing file and never makes it: a queue without a worker."""

    scheduled = []

    def generate(self, file, force=False):
        if force or not self.exists(file):
            type(self).scheduled.append(file.name)
            self.set_record(file, StateRecord(CacheFileState.SCHEDULED))


@override_settings(IMAGEKIT_DEFAULT_CACHEFILE_BACKEND=f"{__name__}.NeverMade")
def test_a_deferring_backend_leaves_out_unmade_candidates_and_schedules_them(photo):
    NeverMade.scheduled = []
    sources, img = parts(render("{% picture '300x200' photo %}", photo=photo))

    assert sources == []  # no <source> until a worker has made its files
    assert entries(img["srcset"]) == [(img["src"], 300)]
    assert stored(img["src"]).size == (300, 200)  # the img: made now, in this process
    assert len(NeverMade.scheduled) == 3 * 3  # avif, webp and jpeg at 3 widths, img included
    assert sum(not default_storage.exists(name) for name in NeverMade.scheduled) == 8


def test_mistakes_are_reported(photo):
    with pytest.raises(TemplateSyntaxError, match="not a width"):
        Template("{% load imagekit %}{% picture '300x200' photo widths='big' %}")
    with pytest.raises(TemplateSyntaxError, match="set by the tag"):
        Template("{% load imagekit %}{% picture '300x200' photo format='webp' %}")
    with pytest.raises(SizeError, match="crop="):
        render("{% picture '300x200' photo crop='no' %}", photo=photo)
    with pytest.raises(ValueError, match="'glow'"):
        render("{% picture '300x200' photo placeholder='glow' %}", photo=photo)


def oriented_jpeg(orientation):
    """A 300x200 JPEG, red on its left third, whose EXIF says to turn it by ``orientation``."""
    buffer = io.BytesIO()
    image = Image.new("RGB", (300, 200), (20, 20, 220))
    image.paste((220, 20, 20), (0, 0, 90, 200))
    exif = Image.Exif()
    exif[0x0112] = orientation
    image.save(buffer, "JPEG", exif=exif.tobytes())
    row = TagPhoto(title=f"turned {orientation}")
    row.original.save(f"turned{orientation}.jpg", ContentFile(buffer.getvalue()))
    return row.original


@pytest.mark.parametrize("orientation", range(1, 9))
def test_sources_are_turned_upright_and_sized_so(orientation):
    source = oriented_jpeg(orientation)
    sources, img = parts(render("{% picture '100x' source formats='webp' %}", source=source))

    upright = (100, 150) if orientation >= 5 else (100, 67)
    assert (int(img["width"]), int(img["height"])) == upright
    made = stored(img["src"])
    assert made.size == upright
    webp = stored(entries(sources[0]["srcset"])[0][0])
    assert webp.size == upright
    assert made.getexif().get(0x0112, 1) == 1  # nothing left for a browser to turn again
    # The red half of the source ends where its orientation puts it, as
    # ImageOps.exif_transpose puts it.
    expected = ImageOps.exif_transpose(Image.open(source.open("rb")))
    expected = expected.resize(upright)
    assert _red_side(made) == _red_side(expected)


def _red_side(image):
    """Which edge of ``image`` is red: left, right, top or bottom."""
    rgb = image.convert("RGB")
    width, height = rgb.size
    edges = {
        "left": rgb.getpixel((2, height // 2)),
        "right": rgb.getpixel((width - 3, height // 2)),
        "top": rgb.getpixel((width // 2, 2)),
        "bottom": rgb.getpixel((width // 2, height - 3)),
    }
    return sorted(side for side, (red, _, blue) in edges.items() if red > blue)


def test_the_placeholder_is_the_imgs_background(photo):
    _, hashed = parts(render("{% picture '300x200' photo formats='' %}", photo=photo))
    _, coloured = parts(
        render(
            "{% picture '300x200' photo formats='' placeholder='color' -- style='color: red' %}",
            photo=photo,
        )
    )

    assert hashed["style"].startswith("background: url(data:image/png;base64,")
    assert hashed["style"].endswith(") center / cover no-repeat")
    assert len(hashed["style"]) < 1024
    # The photo is red on its left half and blue on its right: its colour is a mix of both.
    colour = coloured["style"].removeprefix("background: ").removesuffix("; color: red")
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    assert red > 60 and blue > 60 and green < 60, colour


def test_a_deleted_source_raises_what_the_thumbnail_tag_raises(photo):
    photo.storage.delete(photo.name)
    with pytest.raises(Exception) as thumbnail:
        render("{% thumbnail '300x200' photo %}", photo=photo)
    with pytest.raises(type(thumbnail.value)) as picture:
        render("{% picture '300x200' photo %}", photo=photo)

    assert type(picture.value) is type(thumbnail.value) is SourceNotFound
    assert photo.name in str(picture.value)


def test_a_closed_field_file_is_closed_again(photo):
    original = TagPhoto.objects.get(pk=photo.instance.pk).original
    assert original.closed
    render("{% picture '300x200' photo %}", photo=original)
    assert original.closed

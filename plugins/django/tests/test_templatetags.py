"""The generateimage and thumbnail tags, rendered against real generated files."""

from html.parser import HTMLParser

import pytest
from django.core.files.storage import default_storage
from django.template import Context, Template, TemplateSyntaxError
from PIL import Image

from ik_testproject.images import image_content
from ik_testproject.tagapp.models import TagPhoto
from imagekit import ImageSpec, register, unregister
from imagekit.exceptions import NotRegistered
from imagekit.processors import ResizeToFill
from imagekit.registry import generator_registry
from imagekit.templatetags._sizes import scale

pytestmark = pytest.mark.django_db

SOURCE_SIZE = (400, 300)


# The spec documentation's example ("Using Specs In Templates"), registered as documented.
class Thumbnail(ImageSpec):
    processors = [ResizeToFill(100, 50)]
    format = 'JPEG'
    options = {'quality': 60}


@pytest.fixture
def myapp_thumbnail():
    register.generator('myapp:thumbnail', Thumbnail)
    yield
    unregister.generator('myapp:thumbnail')


@pytest.fixture
def source():
    """A 400x300 JPEG, red on the left half and blue on the right, as a model's FieldFile."""
    photo = TagPhoto(title="tagged")
    photo.original.save("tagged.jpg", image_content(size=SOURCE_SIZE))
    return photo.original


def render(template, **context):
    return Template("{% load imagekit %}" + template).render(Context(context))


class _ImgParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.imgs = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.imgs.append(dict(attrs))


def img(html):
    """The attributes of the one <img> in ``html``, unescaped, in document order."""
    parser = _ImgParser()
    parser.feed(html)
    assert len(parser.imgs) == 1, html
    return parser.imgs[0]


def stored(url):
    """(format, size) of the file a media URL points at, read from the storage."""
    assert url.startswith("/media/CACHE/images/"), url
    with default_storage.open(url.removeprefix("/media/")) as handle, Image.open(handle) as im:
        return im.format, im.size


def assert_img_matches_file(attrs):
    """The width and height the tag wrote are those of the file it points at."""
    _, size = stored(attrs["src"])
    assert (int(attrs["width"]), int(attrs["height"])) == size
    return size


# -- generateimage ---------------------------------------------------------------------------


def test_generateimage_outputs_the_generated_image(myapp_thumbnail, source):
    html = render("{% generateimage 'myapp:thumbnail' source=source_file %}", source_file=source)

    attrs = img(html)
    assert html == f'<img width="100" height="50" src="{attrs["src"]}" />'
    assert attrs["src"].startswith("/media/CACHE/images/tagphotos/tagged")
    assert stored(attrs["src"]) == ("JPEG", (100, 50))


def test_generateimage_html_attributes(myapp_thumbnail, source):
    html = render(
        "{% generateimage 'myapp:thumbnail' source=source_file -- "
        'alt="A picture of Me" id="mypicture" %}',
        source_file=source,
    )

    attrs = img(html)
    assert list(attrs) == ["alt", "id", "width", "height", "src"]
    assert (attrs["alt"], attrs["id"]) == ("A picture of Me", "mypicture")
    assert_img_matches_file(attrs)


def test_generateimage_as_variable(myapp_thumbnail, source):
    html = render(
        "{% generateimage 'myapp:thumbnail' source=source_file as th %}"
        '<a href="{{ th.url }}">Click to download a cool {{ th.width }} x {{ th.height }} '
        "image!</a>",
        source_file=source,
    )

    url = html.split('"')[1]
    assert html == f'<a href="{url}">Click to download a cool 100 x 50 image!</a>'
    assert stored(url) == ("JPEG", (100, 50))


def test_generateimage_passes_keyword_arguments_to_the_generator(source):
    html = render(
        "{% generateimage 'imagekit:thumbnail' source=src width=w height=40 crop=False %}",
        src=source,
        w=40,
    )

    # Fitted, not cropped, inside 40x40: the 4:3 source becomes 40x30.
    assert assert_img_matches_file(img(html)) == (40, 30)


def test_generateimage_id_from_a_variable(myapp_thumbnail, source):
    html = render("{% generateimage spec_id source=src %}", spec_id="myapp:thumbnail", src=source)

    assert assert_img_matches_file(img(html)) == (100, 50)


def test_generateimage_unknown_id_names_the_registered_ones(source):
    with pytest.raises(NotRegistered, match=r"'nope:nothing'.*'imagekit:thumbnail'"):
        render("{% generateimage 'nope:nothing' source=src %}", src=source)


# -- thumbnail -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "expected"),
    [("100x50", (100, 50)), ("100x", (100, 75)), ("x60", (80, 60)), ("90x90", (90, 90))],
)
def test_thumbnail_sizes(source, size, expected):
    html = render(f"{{% thumbnail '{size}' source_file %}}", source_file=source)

    attrs = img(html)
    assert list(attrs) == ["width", "height", "src"]
    assert assert_img_matches_file(attrs) == expected


def test_thumbnail_size_from_a_variable(source):
    html = render("{% thumbnail size source_file %}", size="120x30", source_file=source)

    assert assert_img_matches_file(img(html)) == (120, 30)


def test_thumbnail_bad_size_in_a_variable_fails_when_rendered(source):
    with pytest.raises(ValueError, match=r"'big' is not a thumbnail size"):
        render("{% thumbnail size source_file %}", size="big", source_file=source)


def test_thumbnail_with_another_generator_that_takes_a_size(source):
    html = render("{% thumbnail 'imagekit:thumbnail' '64x48' source_file %}", source_file=source)

    assert assert_img_matches_file(img(html)) == (64, 48)


def test_thumbnail_with_the_documented_myapp_thumbnail(myapp_thumbnail, source):
    html = render("{% thumbnail 'myapp:thumbnail' '100x50' source_file %}", source_file=source)
    same = render("{% generateimage 'myapp:thumbnail' source=source_file %}", source_file=source)

    attrs = img(html)
    assert stored(attrs["src"]) == ("JPEG", (100, 50))
    assert attrs == img(same)  # one spec, one source: one cache file


def test_thumbnail_with_a_fixed_size_spec_reports_the_size_it_made(source):
    # testapp:square is ResizeToFit(32, 32) and takes no size: the <img> tells the truth.
    html = render("{% thumbnail 'testapp:square' '100x50' source_file %}", source_file=source)

    assert assert_img_matches_file(img(html)) == (32, 24)


def test_thumbnail_crop_false_fits_inside_the_size(source):
    html = render("{% thumbnail '100x100' source_file crop=False %}", source_file=source)

    assert assert_img_matches_file(img(html)) == (100, 75)


@pytest.mark.parametrize(("upscale", "expected"), [("True", (800, 600)), ("False", (400, 300))])
def test_thumbnail_upscale(source, upscale, expected):
    html = render(f"{{% thumbnail '800x' source_file upscale={upscale} %}}", source_file=source)

    assert assert_img_matches_file(img(html)) == expected


@pytest.mark.parametrize(("anchor", "colour"), [("l", "red"), ("r", "blue")])
def test_thumbnail_anchor_chooses_what_is_kept(source, anchor, colour):
    html = render(f"{{% thumbnail '50x100' source_file anchor='{anchor}' %}}", source_file=source)

    attrs = img(html)
    assert assert_img_matches_file(attrs) == (50, 100)
    with default_storage.open(attrs["src"].removeprefix("/media/")) as handle:
        red, _, blue = Image.open(handle).convert("RGB").getpixel((25, 50))
    assert (red > blue) == (colour == "red")


def test_thumbnail_format_webp(source):
    html = render("{% thumbnail '100x50' source_file format='webp' %}", source_file=source)

    attrs = img(html)
    assert attrs["src"].endswith(".webp")
    assert stored(attrs["src"]) == ("WEBP", (100, 50))


def test_thumbnail_html_attributes_are_escaped(source):
    html = render(
        "{% thumbnail '100x50' source_file -- alt=title class='thumb \"big\"' %}",
        source_file=source,
        title='Tom & "Jerry" <3',
    )

    assert ' alt="Tom &amp; &quot;Jerry&quot; &lt;3"' in html
    assert ' class="thumb &quot;big&quot;"' in html
    attrs = img(html)
    assert (attrs["alt"], attrs["class"]) == ('Tom & "Jerry" <3', 'thumb "big"')
    assert_img_matches_file(attrs)


def test_thumbnail_html_attributes_may_override_the_computed_ones(source):
    html = render("{% thumbnail '100x50' source_file -- width='50' %}", source_file=source)

    attrs = img(html)
    assert list(attrs) == ["width", "src"]  # no computed height: the browser keeps the ratio
    assert attrs["width"] == "50"


def test_thumbnail_as_variable(source):
    html = render(
        "{% thumbnail '100x50' source_file as th %}{{ th.width }}x{{ th.height }} {{ th.url }}",
        source_file=source,
    )

    size, url = html.split(" ")
    assert size == "100x50"
    assert stored(url) == ("JPEG", (100, 50))


def srcset_entries(value):
    return [tuple(entry.split(" ")) for entry in value.split(" , ")]


def test_thumbnail_srcset(source):
    html = render("{% thumbnail '100x50' source_file srcset=\"1.5 2\" %}", source_file=source)

    attrs = img(html)
    assert list(attrs) == ["width", "height", "src", "srcset"]
    entries = srcset_entries(attrs["srcset"])
    assert [density for _, density in entries] == ["1x", "1.5x", "2.0x"]
    assert entries[0][0] == attrs["src"]
    assert [stored(url)[1] for url, _ in entries] == [(100, 50), (150, 75), (200, 100)]
    assert assert_img_matches_file(attrs) == (100, 50)


def test_thumbnail_srcset_from_a_variable_with_other_options(source):
    html = render(
        "{% thumbnail 'x40' source_file srcset=densities format='png' -- alt='a' %}",
        source_file=source,
        densities="3, 2",
    )

    attrs = img(html)
    entries = srcset_entries(attrs["srcset"])
    assert [density for _, density in entries] == ["1x", "2.0x", "3.0x"]
    assert [stored(url) for url, _ in entries] == [
        ("PNG", (53, 40)), ("PNG", (107, 80)), ("PNG", (160, 120))
    ]
    assert attrs["alt"] == "a"


def test_generateimage_one_dimension_attribute_drops_the_other(myapp_thumbnail, source):
    html = render(
        "{% generateimage 'myapp:thumbnail' source=source_file -- height='25' alt='x' %}",
        source_file=source,
    )

    assert list(img(html)) == ["height", "alt", "src"]
    assert html.startswith('<img height="25" alt="x" src="') and html.endswith('" />')


def test_thumbnail_srcset_none_means_no_srcset(source, settings):
    settings.IMAGEKIT_DEFAULT_THUMBNAIL_SRCSET_SCALES = [2]
    html = render("{% thumbnail '100x50' source_file srcset=None %}", source_file=source)

    assert list(img(html)) == ["width", "height", "src"]


def test_thumbnail_srcset_default_scales_setting(source, settings):
    settings.IMAGEKIT_DEFAULT_THUMBNAIL_SRCSET_SCALES = [1.5, 2]
    html = render("{% thumbnail '100x50' source_file %}", source_file=source)

    attrs = img(html)
    entries = srcset_entries(attrs["srcset"])
    assert [density for _, density in entries] == ["1x", "1.5x", "2.0x"]
    assert [stored(url)[1] for url, _ in entries] == [(100, 50), (150, 75), (200, 100)]
    # an explicit srcset= replaces the default; an assignment ignores it
    html = render("{% thumbnail '100x50' source_file srcset='3' %}", source_file=source)
    assert [d for _, d in srcset_entries(img(html)["srcset"])] == ["1x", "3.0x"]
    html = render("{% thumbnail '100x50' source_file as th %}{{ th.width }}", source_file=source)
    assert html == "100"


def test_thumbnail_srcset_needs_a_generator_that_takes_a_size(source):
    with pytest.raises(ValueError, match=r"'testapp:square' makes one fixed size"):
        render("{% thumbnail 'testapp:square' '10x10' src srcset='2' %}", src=source)


# -- malformed tags fail when the template is compiled -----------------------------------------


@pytest.mark.parametrize(
    ("tag", "message"),
    [
        ("{% thumbnail %}", r"expects a size and a source.*got 0"),
        ("{% thumbnail src %}", r"expects a size and a source.*got 1"),
        ("{% thumbnail 'a:b' 'c:d' '10x10' src %}", r"got 4 positional"),
        ("{% thumbnail 'big' src %}", r"'big' is not a thumbnail size"),
        ("{% thumbnail 'x' src %}", r"'x' is not a thumbnail size"),
        ("{% thumbnail '100x50x2' src %}", r"'100x50x2' is not a thumbnail size"),
        ("{% thumbnail '0x50' src %}", r"0 pixels"),
        ("{% thumbnail '100x50' src as %}", r"'as' must be followed by the name of a variable"),
        ("{% thumbnail '100x50' src as th extra %}", r"'as th' must come last"),
        ("{% thumbnail '100x50' src as 2th %}", r"'2th' after 'as' is not a valid variable"),
        ("{% thumbnail '100x50' src -- %}", r"'--' must be followed by HTML attributes"),
        ("{% thumbnail '100x50' src -- alt %}", r"HTML attribute 'alt' needs a value"),
        ("{% thumbnail '100x50' src -- alt='a' id %}", r"HTML attribute 'id' needs a value"),
        ("{% thumbnail '100x50' src -- alt='a' ALT='b' %}", r"'ALT' is given twice"),
        ("{% thumbnail '100x50' src -- a='1' -- b='2' %}", r"'--' may appear only once"),
        ("{% thumbnail '100x50' src -- alt='a' as th %}", r"cannot be combined with 'as'"),
        ("{% thumbnail '100x50' src crop=True crop=False %}", r"'crop' is given twice"),
        ("{% thumbnail '100x50' crop=True src %}", r"positional argument 'src' follows"),
        ("{% thumbnail '100x50' src width=3 %}", r"width= is set by the size"),
        ("{% thumbnail '100x50' src source=src %}", r"source= is set by the size"),
        ("{% thumbnail '100x50' src srcset='' %}", r"names no pixel densities"),
        ("{% thumbnail '100x50' src srcset='2 big' %}", r"'big' is not a pixel density"),
        ("{% thumbnail '100x50' src srcset='0' %}", r"'0' is not a pixel density"),
        ("{% thumbnail '100x50' src srcset='2' as th %}", r"srcset=.*cannot be combined"),
        ("{% generateimage %}", r"expects one positional argument.*got 0"),
        ("{% generateimage 'a:b' 'c' source=src %}", r"got 2 positional"),
        ("{% generateimage source=src %}", r"got 0 positional"),
        ("{% generateimage 'a:b' source=src source=src %}", r"'source' is given twice"),
        ("{% generateimage 'a:b' source=src -- %}", r"'--' must be followed"),
        ("{% generateimage 'a:b' source=src as %}", r"'as' must be followed"),
        ("{% generateimage 'a:b' source=src -- title %}", r"'title' needs a value"),
    ],
)
def test_malformed_tags_fail_at_compile_time(tag, message):
    with pytest.raises(TemplateSyntaxError, match=message) as caught:
        Template("{% load imagekit %}" + tag)
    tag_name = tag.split()[1]
    assert str(caught.value).startswith(f"'{tag_name}' tag: ")


def test_options_equal_as_keys_but_hashed_apart_give_files_apart(source):
    # crop=0 and crop=False are one dict key, yet django-imagekit's hashes (names) differ.
    def name(options):
        return render("{% thumbnail '90x90' src " + options + " as th %}{{ th.name }}", src=source)

    names = [name(options) for options in ("crop=0", "crop=False", "crop=0", "upscale=1")]
    assert names[0] == names[2]
    assert len(set(names)) == 3


def test_srcset_sizes_round_down_as_django_imagekit_does():
    # django-imagekit truncates (int()), so its srcset files are 112 and 49 pixels here.
    assert [scale(75, 1.5), scale(33, 1.5), scale(1, 0.5), scale(None, 2)] == [112, 49, 1, None]


def test_thumbnails_take_the_default_thumbnail_format_setting(settings):
    settings.IMAGEKIT_DEFAULT_THUMBNAIL_FORMAT = "WEBP"
    assert generator_registry.get("imagekit:thumbnail", width=5, height=5).format == "WEBP"
    explicit = generator_registry.get("imagekit:thumbnail", width=5, height=5, format=None)
    assert explicit.format is None


def test_a_kept_thumbnail_is_generated_from_each_renders_own_source(source, settings):
    """The tags keep a cache file per stored source and arguments; a render's copy must read
    the source object that render was given, not the one of the render that was kept (shared
    across threads, it would be read by two generations at once)."""
    from imagekit.templatetags._generators import cache_file  # noqa: PLC0415

    settings.IMAGEKIT_CACHE_BACKEND = "django.core.cache.backends.dummy.DummyCache"
    arguments = {"width": 100, "height": 50}
    first = cache_file("imagekit:thumbnail", {**arguments, "source": source})
    again = TagPhoto.objects.get(pk=source.instance.pk).original
    assert again is not source and again.name == source.name
    second = cache_file("imagekit:thumbnail", {**arguments, "source": again})
    assert second.name == first.name
    assert second.generator is not first.generator
    assert second.generator.source is again and first.generator.source is source
    read = []
    again.open = lambda *a, _open=again.open, **k: read.append(again) or _open(*a, **k)
    second.generate(force=True)
    assert read == [again]

"""A warm access does no avoidable work: one state lookup, no hashing twice, no file opened."""

from unittest import mock

import pytest
from django.core.files.storage import FileSystemStorage, default_storage
from django.template import Context, Template
from django.test import override_settings

from ik_host import specs as host_specs
from ik_host.cachefile import _shareable, forget_warm_cachefiles
from ik_testproject.images import image_content
from ik_testproject.testapp.imagegenerators import Square
from ik_testproject.testapp.models import Profile
from imagekit.cachefiles import ImageCacheFile
from imagekit.signals import content_required, existence_required
from imagekit.templatetags._sizes import SizeError
from imagekit.utils import get_cache

pytestmark = pytest.mark.django_db


@pytest.fixture
def counting_cache():
    with override_settings(IMAGEKIT_CACHE_BACKEND="counting"):
        yield get_cache()


@pytest.fixture
def warm_profile():
    Profile().avatar.save("warm-path.jpg", image_content("warm-path.jpg"))
    Profile.objects.get().avatar_thumbnail.generate()
    return Profile.objects.get()


@pytest.fixture
def no_storage_reads(monkeypatch):
    touched = []
    for method in ("exists", "open", "size"):
        monkeypatch.setattr(default_storage, method, lambda *a, m=method, **k: touched.append(m))
    yield touched
    assert touched == []


def test_url_width_height_cost_one_state_lookup(counting_cache, warm_profile, no_storage_reads):
    counting_cache.calls.clear()
    file = Profile.objects.get().avatar_thumbnail
    assert file.url.endswith(".jpg")
    assert (file.width, file.height) == (100, 50)
    assert dict(counting_cache.calls) == {"get": 1}


def test_thumbnail_tag_costs_one_state_lookup_per_render(counting_cache, monkeypatch):
    Profile().avatar.save("tag-warm.jpg", image_content("tag-warm.jpg", size=(400, 300)))
    template = Template("{% load imagekit %}{% thumbnail '60x40' src %}")
    context = Context({"src": Profile.objects.get().avatar})
    first = template.render(context)  # cold: generates
    touched = []
    for method in ("exists", "open", "size"):
        monkeypatch.setattr(default_storage, method, lambda *a, m=method, **k: touched.append(m))
    counting_cache.calls.clear()
    for _ in range(3):
        assert template.render(context) == first
    assert 'width="60" height="40"' in first
    assert dict(counting_cache.calls) == {"get": 3}
    assert touched == []


def test_spec_hash_is_computed_once_for_many_instances(warm_profile, monkeypatch):
    calls = []
    original = host_specs.named_spec_hash

    def counting(key, name, rest):
        calls.append(name)
        return original(key, name, rest)

    monkeypatch.setattr(host_specs, "named_spec_hash", counting)
    host_specs._hash_memo.clear()
    forget_warm_cachefiles()
    names = {Profile.objects.get().avatar_thumbnail.name for _ in range(5)}
    assert len(names) == 1
    assert len(calls) == 1


def test_fresh_instances_share_one_resolved_cache_file_but_read_their_own_source(warm_profile):
    first, second = Profile.objects.get(), Profile.objects.get()
    one, other = first.avatar_thumbnail, second.avatar_thumbnail
    assert one is not other and one.name == other.name
    assert one._resolved["storage"] is other._resolved["storage"]  # resolved once, copied
    assert one.generator.source is first.avatar and other.generator.source is second.avatar


def test_specs_computed_from_the_model_are_hashed_per_instance(monkeypatch):
    from imagekit import ImageSpec  # noqa: PLC0415

    class ByInstance(ImageSpec):
        format = "PNG"

        @property
        def processors(self):
            return []

    assert ByInstance(source="a.jpg").hash_key() is None
    spec = ByInstance(source="a.jpg")
    spec.format = "JPEG"  # set on the instance: not the class's
    assert spec.hash_key() is None


def test_project_listeners_still_get_the_signals(warm_profile):
    heard = []

    def listener(sender, file, **kwargs):
        heard.append(file.name)

    existence_required.connect(listener)
    content_required.connect(listener)
    try:
        file = Profile.objects.get().avatar_thumbnail
        file.url  # noqa: B018
        file.read()
        file.close()
    finally:
        existence_required.disconnect(listener)
        content_required.disconnect(listener)
    assert heard == [file.name, file.name]


def test_filesystem_urls_are_quoted_once_per_file_and_follow_media_url(warm_profile, monkeypatch):
    first = warm_profile.avatar_thumbnail.url
    calls = []
    original = FileSystemStorage.url

    def counting(self, name):
        calls.append(name)
        return original(self, name)

    monkeypatch.setattr(FileSystemStorage, "url", counting)
    profile = Profile.objects.get()
    with override_settings(MEDIA_URL="https://cdn.example.com/media/"):
        moved = [profile.avatar_thumbnail.url for _ in range(3)]
    assert moved == ["https://cdn.example.com/media/" + first.removeprefix("/media/")] * 3
    assert len(calls) == 1  # asked once for the new base URL, then remembered
    assert [profile.avatar_thumbnail.url for _ in range(2)] == [first] * 2
    assert len(calls) == 2  # the settings changed back: asked once more


def test_one_instance_keeps_its_url_until_media_url_or_the_name_changes(warm_profile):
    file = warm_profile.avatar_thumbnail
    first = file.url
    assert warm_profile.avatar_thumbnail is file and file.url == first
    with override_settings(MEDIA_URL="https://cdn.example.com/media/"):
        assert file.url == "https://cdn.example.com/media/" + first.removeprefix("/media/")
    assert file.url == first
    file.name = "CACHE/images/elsewhere.jpg"
    assert file.url == "/media/CACHE/images/elsewhere.jpg"


def test_a_storage_with_its_own_urls_is_asked_every_time():
    class Signed(FileSystemStorage):
        calls = 0

        def url(self, name):
            type(self).calls += 1
            return f"/signed/{name}?n={type(self).calls}"

    def url_twice(storage):
        strategy = {"on_existence_required": id}  # the file is taken to exist
        file = ImageCacheFile(object(), "a b.jpg", storage, cachefile_strategy=strategy)
        return [file.url, file.url]

    assert url_twice(Signed(location="unused", base_url="/media/")) == [
        "/signed/a b.jpg?n=1",
        "/signed/a b.jpg?n=2",
    ]
    plain = FileSystemStorage(location="unused", base_url="/m/")
    plain.url = mock.Mock(wraps=plain.url)  # an instance attribute: the class's url is Django's
    assert url_twice(plain) == ["/m/a%20b.jpg", "/m/a%20b.jpg"]
    assert plain.url.call_count == 1


def _tag_source(name):
    Profile().avatar.save(name, image_content(name, size=(400, 300)))
    return Profile.objects.get(avatar__endswith=name)


def test_thumbnail_tag_builds_one_cache_file_per_source_name(monkeypatch):
    from imagekit.registry import generator_registry  # noqa: PLC0415

    built = []
    original = generator_registry.get

    def counting(generator_id, *args, **kwargs):
        if generator_id == "imagekit:thumbnail":
            built.append(kwargs["source"].name)
        return original(generator_id, *args, **kwargs)

    monkeypatch.setattr(generator_registry, "get", counting)
    first, second = _tag_source("kept-a.jpg"), _tag_source("kept-b.jpg")
    template = Template("{% load imagekit %}{% thumbnail '61x41' src %}")
    # Fresh model instances each render, as each request has: the cache file is built once.
    pages = [template.render(Context({"src": Profile.objects.get(pk=first.pk).avatar}))
             for _ in range(3)]
    assert len(set(pages)) == 1 and 'width="61" height="41"' in pages[0]
    assert built == [first.avatar.name]
    other = template.render(Context({"src": Profile.objects.get(pk=second.pk).avatar}))
    assert other != pages[0]
    assert built == [first.avatar.name, second.avatar.name]


def test_thumbnail_tag_follows_settings_changes():
    source = _tag_source("kept-settings.jpg")
    template = Template("{% load imagekit %}{% thumbnail '62x42' src %}")
    before = template.render(Context({"src": source.avatar}))
    with override_settings(IMAGEKIT_CACHEFILE_DIR="elsewhere"):
        moved = template.render(Context({"src": source.avatar}))
    assert "/CACHE/images/" in before
    assert "/elsewhere/" in moved and "/CACHE/images/" not in moved
    with override_settings(IMAGEKIT_MAX_THUMBNAIL_SIZE=50):
        with pytest.raises(SizeError, match="at most 50 pixels"):
            template.render(Context({"src": source.avatar}))


def test_thumbnail_tag_still_checks_that_its_file_exists():
    source = _tag_source("kept-deleted.jpg")
    template = Template("{% load imagekit %}{% thumbnail '63x43' src %}")
    page = template.render(Context({"src": source.avatar}))
    name = page.split('src="/media/')[1].split('"')[0]
    assert default_storage.exists(name)
    default_storage.delete(name)
    get_cache().clear()
    assert template.render(Context({"src": source.avatar})) == page
    assert default_storage.exists(name)  # made again: the kept cache file was not trusted


def test_each_render_gets_its_own_cache_file_object():
    source = _tag_source("kept-copies.jpg")
    template = Template("{% load imagekit %}{% thumbnail '64x44' src as th %}")
    contexts = [Context({"src": source.avatar}) for _ in range(2)]
    for context in contexts:
        template.render(context)
    one, two = (context["th"] for context in contexts)
    assert one is not two and one.name == two.name
    assert one.read(2) == b"\xff\xd8"  # JPEG; reading one does not move the other
    assert two.read(2) == b"\xff\xd8"
    one.close()
    two.close()


def test_specs_that_read_their_model_are_built_for_each_render():
    from ik_testproject.testapp.models import SizedProfile  # noqa: PLC0415

    profile = SizedProfile(thumbnail_width=30, thumbnail_height=20)
    profile.avatar.save("kept-sized.jpg", image_content("kept-sized.jpg", size=(400, 300)))
    template = Template(
        "{% load imagekit %}{% generateimage 'myapp:profile:avatar_thumbnail' source=src %}"
    )
    first = template.render(Context({"src": SizedProfile.objects.get().avatar}))
    SizedProfile.objects.update(thumbnail_width=40, thumbnail_height=10)
    second = template.render(Context({"src": SizedProfile.objects.get().avatar}))
    assert 'width="30" height="20"' in first
    assert 'width="40" height="10"' in second  # the same file, a new shape: a new cache file


def test_a_source_renamed_after_first_use_does_not_rename_other_instances_files(warm_profile):
    forget_warm_cachefiles()
    first, second = Profile.objects.get(), Profile.objects.get()
    shared_name = first.avatar.name
    thumb = first.avatar_thumbnail  # the first use of its key
    old_name = thumb.name
    first.avatar.save("renamed.jpg", image_content("renamed.jpg", size=(40, 30)), save=False)
    # As django-imagekit names a cache file when it is made, the file in hand keeps its name;
    # the source's next cache file has the new one...
    assert thumb.name == old_name
    assert "renamed" in first.avatar_thumbnail.name
    assert second.avatar.name == shared_name
    assert second.avatar_thumbnail.name == old_name  # ...and the other rows' files are theirs


def test_specs_named_by_a_property_or_an_unregistered_namer_are_not_shared():
    assert _shareable(Square(source=None))

    class OwnName(Square):
        @property
        def cachefile_name(self):
            return f"by-row/{id(self)}.jpg"

    assert not _shareable(OwnName(source=None))

    def by_row(generator):
        return "by-row.jpg"

    class DottedNamer(Square):
        cachefile_namer = by_row

    assert not _shareable(DottedNamer(source=None))

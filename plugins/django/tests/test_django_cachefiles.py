"""ImageCacheFile as a Django File: real pixels, laziness, pickling, storage quirks."""

import logging
import os
import pickle

import pytest
from django.core.files import File
from django.core.files.images import ImageFile
from django.core.files.storage import default_storage, storages
from PIL import Image

from ik_host.errors import MissingSource
from ik_host.state_records import CacheFileState, StateRecord
from ik_testproject.images import image_content
from ik_testproject.testapp.custom_components import RenamingStorage
from ik_testproject.testapp.models import Profile
from imagekit import ImageSpec
from imagekit.cachefiles import ImageCacheFile, LazyImageCacheFile
from imagekit.processors import ResizeToFill
from imagekit.signals import content_required, existence_required

pytestmark = pytest.mark.django_db


class Banner(ImageSpec):
    processors = [ResizeToFill(120, 40)]
    format = "PNG"


def saved_profile(name="photo.jpg", size=(300, 200)):
    profile = Profile()
    profile.avatar.save(name, image_content(name, size))
    return Profile.objects.get(pk=profile.pk)


def test_is_a_django_image_file():
    file = saved_profile().avatar_thumbnail
    assert isinstance(file, File)
    assert isinstance(file, ImageFile)


def test_attributes_match_the_real_generated_file(settings):
    file = saved_profile("real.jpg").avatar_thumbnail

    url, path = file.url, file.path

    assert url == settings.MEDIA_URL + file.name
    assert path == os.path.join(settings.MEDIA_ROOT, file.name)
    with Image.open(path) as img:
        assert (img.format, img.size) == ("JPEG", (100, 50))
    assert (file.width, file.height) == (100, 50)
    assert file.size == os.path.getsize(path)
    with open(path, "rb") as handle:
        on_disk = handle.read()
    assert file.read() == on_disk
    file.open()
    assert b"".join(file.chunks(100)) == on_disk
    assert not file.closed
    file.close()
    assert file.closed


def test_dimensions_come_from_the_recorded_state_then_the_file_header():
    file = saved_profile("dims.jpg").avatar_thumbnail
    file.generate()
    record = file.state()
    assert record.state is CacheFileState.EXISTS
    assert (record.width, record.height) == (100, 50)

    # A state without dimensions (another process, an older record): read once from the file.
    file.cachefile_backend.set_record(file, StateRecord(CacheFileState.EXISTS))
    assert (file.width, file.height) == (100, 50)
    assert (file.state().width, file.state().height) == (100, 50)


def test_repr_and_str_do_not_generate():
    file = saved_profile("lazy.jpg").avatar_thumbnail

    assert repr(file) == f"<ImageCacheFile: {file.name}>"  # named when made, as django-imagekit
    assert str(file) == file.name  # naming is not generating
    assert not default_storage.exists(file.name)
    assert file.name in repr(file)
    assert not default_storage.exists(file.name)


def test_strategy_events_go_through_signals():
    seen = []

    def record(sender, file, **kwargs):
        seen.append((sender, file.name))

    existence_required.connect(record)
    content_required.connect(record)
    try:
        file = saved_profile("signals.jpg").avatar_thumbnail
        assert file.url
        assert file.read(2) == b"\xff\xd8"
    finally:
        existence_required.disconnect(record)
        content_required.disconnect(record)
    assert (ImageCacheFile, file.name) in seen
    assert len(seen) >= 2


def test_empty_source_is_falsy_and_says_why():
    profile = Profile.objects.create()
    file = profile.avatar_thumbnail

    assert not file
    assert file.name is None
    with pytest.raises(MissingSource, match="no source image"):
        file.url  # noqa: B018


def test_descriptor_keeps_the_file_until_the_source_changes():
    profile = saved_profile("first.jpg")
    first = profile.avatar_thumbnail
    assert profile.avatar_thumbnail is first

    profile.avatar.save("second.jpg", image_content("second.jpg"))
    second = profile.avatar_thumbnail
    assert second is not first
    assert "second" in second.name


def test_pickle_round_trip_restores_storage_and_source(settings):
    profile = saved_profile("pickled.jpg")
    file = profile.avatar_thumbnail
    url = file.url
    file.read(10)  # an open handle on the cache file...
    profile.avatar.open()  # ...and on the source: neither may be pickled

    data = pickle.dumps(file)
    file.close()
    profile.avatar.close()
    restored = pickle.loads(data)

    assert restored.name == file.name
    assert restored.url == url
    assert restored.storage is storages["default"]  # resolved again on this side
    assert (restored.width, restored.height) == (100, 50)
    source = restored.generator.source
    assert source.name == profile.avatar.name
    assert source.instance.pk == profile.pk
    assert source.closed
    assert restored.read() == open(restored.path, "rb").read()
    restored.close()


def test_pickled_spec_of_a_plain_file(tmp_path):
    path = tmp_path / "plain.jpg"
    path.write_bytes(image_content().read())
    file = ImageCacheFile(Banner(source=str(path)))
    restored = pickle.loads(pickle.dumps(file))
    assert restored.name == file.name
    assert (restored.width, restored.height) == (120, 40)


def test_a_storage_that_renames_is_logged(caplog, tmp_path):
    storage = RenamingStorage(location=str(tmp_path), base_url="/renamed/")
    profile = saved_profile("renamed.jpg")
    file = ImageCacheFile(Banner(source=profile.avatar), storage=storage)

    with caplog.at_level(logging.WARNING, logger="ik_host.cachefile"):
        file.generate()

    [record] = [r for r in caplog.records if r.name == "ik_host.cachefile"]
    message = record.getMessage()
    assert "RenamingStorage" in message
    assert repr(file.name) in message
    assert repr(file.name.replace(".png", "-renamed.png")) in message
    assert "Simple" in message
    assert os.path.exists(tmp_path / file.name.replace(".png", "-renamed.png"))


def test_forced_regeneration_replaces_the_file(caplog):
    file = saved_profile("forced.jpg").avatar_thumbnail
    file.generate()
    directory = os.path.dirname(file.path)
    before = os.listdir(directory)

    with caplog.at_level(logging.WARNING, logger="ik_host.cachefile"):
        file.generate(force=True)

    assert os.listdir(directory) == before  # replaced in place, no renamed copy
    assert not caplog.records


def test_lazy_cache_file_builds_on_first_use():
    profile = saved_profile("lazycf.jpg")
    lazy = LazyImageCacheFile("testapp:profile:avatar_thumbnail", source=profile.avatar)
    assert repr(lazy).startswith("<ImageCacheFile: ")  # shown as the file, nothing generated
    assert not lazy.storage.exists(profile.avatar_thumbnail.name)

    assert lazy.width == 100
    assert lazy.name == profile.avatar_thumbnail.name
    assert repr(lazy) == f"<ImageCacheFile: {lazy.name}>"

"""Cache files described as plain JSON and rebuilt from it (what worker processes receive)."""

import json
import sys
import types

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from PIL import Image

from ik_defaults.make_here import EXISTED, GENERATED, cachefile_exists, generate_here
from ik_host.payloads import (
    CacheFileNameMismatch,
    PayloadError,
    SourceGone,
    describe,
    describe_source,
)
from ik_host.state_records import CacheFileState, StateRecord
from ik_testproject.images import image_bytes, image_content
from ik_testproject.tagapp.models import GenPhoto
from ik_testproject.testapp.imagegenerators import Square
from ik_testproject.testapp.models import SizedProfile
from imagekit import ImageSpec
from imagekit.cachefiles import ImageCacheFile
from imagekit.management.django_sources import LazySource, rebuild, storage_reference
from imagekit.processors import ResizeToFill
from imagekit.registry import generator_registry, register, unregister

pytestmark = pytest.mark.django_db


def round_trip(payload):
    """What a JSON queue delivers."""
    return json.loads(json.dumps(payload))


@pytest.fixture
def photo():
    photo = GenPhoto()
    photo.original.save("payload.jpg", image_content(size=(300, 200)))
    return photo


def test_a_model_field_source_is_described_by_its_row(photo):
    file = photo.small
    payload = describe(file)

    assert payload == {
        "version": 1,
        "generator_id": "tagapp:genphoto:small",
        "source": {
            "model": "tagapp.genphoto",
            "pk": photo.pk,
            "field": "original",
            "name": photo.original.name,
        },
        "cachefile": file.name,
        "force": False,
    }
    rebuilt = rebuild(round_trip(payload))
    assert rebuilt.name == file.name
    source = rebuilt.generator.source
    assert (source.instance.pk, source.name) == (photo.pk, photo.original.name)


def test_a_spec_reading_its_model_is_rebuilt_with_the_row():
    profile = SizedProfile(thumbnail_width=30, thumbnail_height=12)
    profile.avatar.save("sized.jpg", image_content(size=(200, 100)))
    payload = round_trip(describe(profile.avatar_thumbnail, force=True))

    assert payload["generator_id"] == "myapp:profile:avatar_thumbnail"  # found by its class
    assert payload["force"] is True
    rebuilt = rebuild(payload)
    assert rebuilt.name == profile.avatar_thumbnail.name
    assert generate_here(rebuilt, force=True) == GENERATED
    with default_storage.open(rebuilt.name) as handle:
        assert Image.open(handle).size == (30, 12)


def test_a_row_replaced_since_still_gives_the_file_asked_for(photo):
    payload = round_trip(describe(photo.small))
    old_name = photo.original.name
    photo.original.save("replaced.jpg", image_content(size=(40, 40)))

    rebuilt = rebuild(payload)
    assert rebuilt.generator.source.name == old_name
    assert rebuilt.name == payload["cachefile"]


def test_a_deleted_row_is_gone(photo):
    payload = round_trip(describe(photo.small))
    GenPhoto.objects.filter(pk=photo.pk).delete()
    with pytest.raises(SourceGone, match="no longer exists"):
        rebuild(payload)


def test_a_file_in_a_storage_is_described_by_alias_or_deconstruction(tmp_path):
    name = default_storage.save("loose/file.jpg", ContentFile(image_bytes((64, 64))))
    stored = _StoredFile(default_storage, name)
    assert describe_source(stored) == {"storage": "default", "name": name}

    elsewhere = FileSystemStorage(location=str(tmp_path))
    other = elsewhere.save("x.jpg", ContentFile(image_bytes((64, 64))))
    ref = describe_source(_StoredFile(elsewhere, other))
    assert ref == {
        "storage": {
            "class": "django.core.files.storage.FileSystemStorage",
            "args": [],
            "kwargs": {"location": str(tmp_path)},
        },
        "name": other,
    }
    spec = Square(source=_StoredFile(elsewhere, other))
    payload = round_trip(describe(ImageCacheFile(spec)))
    rebuilt = rebuild(payload)
    assert isinstance(rebuilt.generator.source, LazySource)
    assert rebuilt.name == ImageCacheFile(spec).name
    assert generate_here(rebuilt) == GENERATED
    assert generate_here(rebuild(payload)) == EXISTED


class _StoredFile:
    """A file in a storage, as custom source groups may yield."""

    def __init__(self, storage, name):
        self.storage = storage
        self.name = name
        self.closed = True

    def open(self, mode="rb"):
        return self.storage.open(self.name, mode)


def test_a_local_file_keeps_the_name_it_was_known_by(tmp_path, monkeypatch):
    (tmp_path / "pics").mkdir()
    (tmp_path / "pics" / "a.jpg").write_bytes(image_bytes((50, 40)))
    monkeypatch.chdir(tmp_path)
    with open("pics/a.jpg", "rb") as handle:  # as the docs' JpegsInADirectory does
        ref = describe_source(handle)
        file = ImageCacheFile(Square(source=handle))
        payload = round_trip(describe(file))
    assert ref == {"path": str(tmp_path / "pics" / "a.jpg"), "name": "pics/a.jpg"}
    assert describe_source("pics/a.jpg") == ref

    monkeypatch.chdir("/")
    rebuilt = rebuild(payload)
    assert rebuilt.generator.source.name == "pics/a.jpg"
    assert rebuilt.name == payload["cachefile"]
    assert generate_here(rebuilt) == GENERATED


def test_sources_that_cannot_leave_the_process_are_refused():
    with pytest.raises(PayloadError, match="cannot leave this process"):
        describe_source(ContentFile(b"...", name="memory.jpg"))
    with pytest.raises(PayloadError, match="has no name"):
        describe_source(ContentFile(b"..."))


def test_a_storage_that_does_not_deconstruct_to_json_has_no_reference():
    class Opaque:
        def deconstruct(self):
            return "somewhere.Opaque", (object(),), {}

    assert storage_reference(Opaque()) is None
    assert storage_reference(object()) is None


class Banner(ImageSpec):
    """An unregistered spec with an argument besides its source."""

    format = "PNG"

    def __init__(self, width, **kwargs):
        self.width = width
        self.processors = [ResizeToFill(width, 10)]
        super().__init__(**kwargs)

    def get_generator_kwargs(self):
        return {"width": self.width}


def test_an_unregistered_spec_travels_by_its_path_and_keyword_arguments(tmp_path, monkeypatch):
    monkeypatch.setattr(Banner, "__module__", "test_payloads_banner")
    module = types.ModuleType("test_payloads_banner")
    module.Banner = Banner
    monkeypatch.setitem(sys.modules, "test_payloads_banner", module)
    path = tmp_path / "b.jpg"
    path.write_bytes(image_bytes((80, 80)))

    payload = round_trip(describe(ImageCacheFile(Banner(24, source=str(path)))))
    assert payload["generator_path"] == "test_payloads_banner.Banner"
    assert payload["generator_kwargs"] == {"width": 24}
    rebuilt = rebuild(payload)
    assert rebuilt.generator.width == 24
    assert generate_here(rebuilt) == GENERATED
    with Image.open(rebuilt.storage.path(rebuilt.name)) as img:
        assert img.size == (24, 10)


def test_a_spec_nobody_else_can_make_is_refused(tmp_path):
    class Local(ImageSpec):
        format = "PNG"

    path = tmp_path / "c.jpg"
    path.write_bytes(image_bytes((20, 20)))
    with pytest.raises(PayloadError, match=r"neither registered .* nor importable"):
        describe(ImageCacheFile(Local(source=str(path))))


def test_rebuilding_checks_version_and_name(photo):
    payload = round_trip(describe(photo.small))
    with pytest.raises(PayloadError, match="payload version 2 is not understood"):
        rebuild({**payload, "version": 2})
    with pytest.raises(CacheFileNameMismatch, match="same code and IMAGEKIT_"):
        rebuild({**payload, "cachefile": "CACHE/other.png"})
    assert rebuild({**payload, "cachefile": "CACHE/other.png"}, check_name=False)
    with pytest.raises(PayloadError, match="names no generator"):
        rebuild({"version": 1, "source": None})


def test_generate_here_asks_the_storage_when_the_state_says_nothing_of_it(photo):
    file = photo.small
    generate_here(file)
    backend = file.cachefile_backend
    backend.set_record(file, StateRecord(CacheFileState.SCHEDULED))
    fresh = GenPhoto.objects.get(pk=photo.pk).small
    assert cachefile_exists(fresh)  # the storage has it
    assert backend.get_record(fresh).state is CacheFileState.EXISTS


def test_a_registered_generator_payload_round_trips_through_a_registered_id(tmp_path):
    @register.generator("payloads:banner")
    class Registered(Banner):
        pass

    try:
        path = tmp_path / "r.jpg"
        path.write_bytes(image_bytes((60, 60)))
        file = ImageCacheFile(generator_registry.get("payloads:banner", 12, source=str(path)))
        payload = round_trip(describe(file))
        assert payload["generator_id"] == "payloads:banner"
        assert payload["generator_kwargs"] == {"width": 12}
        assert rebuild(payload).name == file.name
    finally:
        unregister.generator("payloads:banner")

"""Service faults with real services: Redis as ``IMAGEKIT_CACHE_BACKEND`` stops and comes back,
a storage fails while saving. Nothing is lost, nothing is left half-written, nothing gets stuck.

The outage test starts a Redis of its own on a free port (``tests.services.start_redis``),
stops it and starts it again; the others use the shared Redis with a key prefix of their own.
"""

import logging
import time
import uuid
from pathlib import Path

import pytest
import redis as redis_client
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpResponse
from django.template import Context, Template
from django.test import Client
from django.urls import path
from PIL import Image

from ik_defaults.cached_backends import CachedFileBackend
from ik_host.errors import CacheFileError
from ik_host.state_records import CacheFileState
from ik_testproject.tagapp.models import TagPhoto
from ik_testproject.testapp.custom_components import RenamingStorage
from imagekit.django_storages import writes_in_place
from imagekit.templatetags._generators import cache_file
from tests import badinput, services

pytestmark = pytest.mark.django_db

BACKEND_LOGGER = "ik_defaults.cached_backends"


def redis_cache(address, prefix):
    """A ``CACHES`` entry for Django's own Redis cache, as a site would configure it."""
    return {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": f"redis://{address.host}:{address.port}/0",
        "KEY_PREFIX": prefix,
        # Short timeouts, so an unreachable Redis is noticed at once (a site should set them).
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def shared_redis(settings):
    """The shared Redis as the state cache, under a key prefix no other run uses."""
    address = services.redis()
    prefix = f"ik-robust-{uuid.uuid4().hex[:12]}"
    settings.CACHES = {**settings.CACHES, "ik_redis": redis_cache(address, prefix)}
    settings.IMAGEKIT_CACHE_BACKEND = "ik_redis"
    client = redis_client.Redis(host=address.host, port=address.port)
    yield client, prefix
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)
    client.close()


def photos(count, size=(400, 300)):
    made = []
    for index in range(count):
        photo = TagPhoto(title=f"photo {index}")
        photo.original.save(
            f"outage-{index}.jpg", ContentFile(badinput.encode(badinput.two_halves(size), "JPEG"))
        )
        made.append(photo)
    return made


def files_under(root):
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


# -- Redis stops, then comes back ----------------------------------------------------------------

GALLERY = Template(
    "{% load imagekit %}{% for photo in photos %}"
    "{% thumbnail size photo.original -- alt=photo.title %}{% endfor %}"
)


def gallery(request):
    size = request.GET.get("size", "40x30")
    html = GALLERY.render(Context({"photos": TagPhoto.objects.order_by("pk"), "size": size}))
    return HttpResponse(html)


class GalleryUrls:
    urlpatterns = [path("gallery/", gallery)]


class CountingExists:
    """Wraps ``default_storage.exists`` to count how often the storage is asked."""

    def __init__(self, monkeypatch):
        self.calls = 0
        original = default_storage.exists

        def exists(name):
            self.calls += 1
            return original(name)

        monkeypatch.setattr(default_storage, "exists", exists)

    def take(self):
        calls, self.calls = self.calls, 0
        return calls


def state_keys(client):
    return list(client.scan_iter("*imagekit:*-state"))


def test_redis_outage_the_site_keeps_rendering_then_uses_redis_again(
    settings, media, monkeypatch, caplog
):
    address, server = services.start_redis()
    settings.CACHES = {**settings.CACHES, "ik_outage": redis_cache(address, "")}
    settings.IMAGEKIT_CACHE_BACKEND = "ik_outage"
    settings.ROOT_URLCONF = GalleryUrls
    monkeypatch.setattr(CachedFileBackend, "cache_retry_seconds", 0.2)
    client = Client(raise_request_exception=False)
    redis = redis_client.Redis(host=address.host, port=address.port)
    photos(3)
    exists = CountingExists(monkeypatch)
    caplog.set_level(logging.INFO, logger=BACKEND_LOGGER)
    try:
        first = client.get("/gallery/")  # cold: generates three thumbnails
        assert first.status_code == 200 and first.content.count(b"<img") == 3
        assert len(state_keys(redis)) == 3
        exists.take()
        assert client.get("/gallery/").content == first.content
        assert exists.take() == 0  # warm: every state came from Redis

        server.terminate()
        server.wait(timeout=15)
        outage = [client.get("/gallery/") for _ in range(5)]
        assert [response.status_code for response in outage] == [200] * 5
        assert all(response.content == first.content for response in outage)
        assert exists.take() >= 3  # fell back to asking the storage
        new_size = client.get("/gallery/?size=20x15")  # missing files: made without the lock
        assert new_size.status_code == 200 and new_size.content.count(b'width="20"') == 3
        warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
        assert len(warnings) == 1 and warnings[0].name == BACKEND_LOGGER
        assert "failed (ConnectionError" in warnings[0].getMessage()

        address, server = services.start_redis(port=address.port)  # empty, as after a crash
        redis = redis_client.Redis(host=address.host, port=address.port)
        time.sleep(0.3)  # the retry window
        back = client.get("/gallery/")
        assert back.status_code == 200 and back.content == first.content
        assert any("answers again" in r.getMessage() for r in caplog.records)
        assert len(state_keys(redis)) == 3  # states recorded in Redis again
        exists.take()
        assert client.get("/gallery/").content == first.content
        assert exists.take() == 0  # and read from it
        assert len([r for r in caplog.records if r.levelno == logging.WARNING]) == 1
    finally:
        redis.close()
        services._stop(server, None)
    made = [name for name in files_under(media) if name.startswith("CACHE/")]
    assert len(made) == 6 and not [name for name in made if ".part" in name]
    for name in made:
        with Image.open(media / name) as img:
            img.load()  # every file whole


def test_a_cache_that_raises_is_a_miss_and_locks_nothing(media):
    """Any exception from the cache (not only Redis's) is tolerated, once, with a warning."""

    class Broken:
        calls = 0

        def __getattr__(self, name):
            def fail(*args, **kwargs):
                Broken.calls += 1
                raise OSError("cache unreachable")

            return fail

    backend = CachedFileBackend(cache=Broken())
    [photo] = photos(1)
    file = cache_file("testapp:square", {"source": photo.original})
    assert backend.get_state(file) is CacheFileState.DOES_NOT_EXIST
    record = backend.generate_now(file)
    assert record.state is CacheFileState.EXISTS and Path(file.path).exists()
    assert Broken.calls == 1  # then left alone for cache_retry_seconds


# -- a storage that fails ------------------------------------------------------------------------


def test_a_storage_that_raises_on_save_leaves_no_file_and_no_stale_state(
    media, shared_redis, monkeypatch
):
    client, prefix = shared_redis
    [photo] = photos(1)
    default_storage.exists("warm up the lazy storage")
    storage = default_storage._wrapped
    real_save = type(storage)._save

    def half_then_fail(name, content):
        # Write half of the file where the storage was told to, then fail like a full disk.
        data = content.read()
        half = ContentFile(data[: len(data) // 2])
        real_save(storage, name, half)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(storage, "_save", half_then_fail)
    template = Template("{% load imagekit %}{% thumbnail '50x50' src %}")
    with pytest.raises(CacheFileError, match=r"storing cache file .*No space left on device"):
        template.render(Context({"src": photo.original}))

    assert [name for name in files_under(media) if name.startswith("CACHE/")] == []
    file = cache_file("imagekit:thumbnail", {"source": photo.original, "width": 50, "height": 50})
    record = file.state()
    assert record.state is CacheFileState.FAILED and "No space left" in record.error
    assert not list(client.scan_iter(f"{prefix}:*:lock"))  # the lock is gone
    monkeypatch.undo()  # the disk has room again: the next request makes it
    html = template.render(Context({"src": photo.original}))
    assert 'width="50" height="50"' in html
    assert file.state().state is CacheFileState.EXISTS


def test_a_cache_file_appears_only_complete(media, monkeypatch):
    """Django's FileSystemStorage writes in place; cache files go through a temporary name."""
    [photo] = photos(1)
    default_storage.exists("warm up the lazy storage")
    storage = default_storage._wrapped
    real_save = type(storage)._save
    seen = []
    file = cache_file("imagekit:thumbnail", {"source": photo.original, "width": 64, "height": 48})
    final = media / file.name

    def slow_save(name, content):
        data = content.read()
        real_save(storage, name, ContentFile(data[:100]))
        seen.append((name, final.exists()))  # mid-write: is anything at the final name?
        with open(storage.path(name), "ab") as handle:
            handle.write(data[100:])
        return name

    monkeypatch.setattr(storage, "_save", slow_save)
    file.generate()

    [(written_as, visible_mid_write)] = seen
    assert written_as != file.name and ".part" in written_as
    assert visible_mid_write is False
    assert files_under(media) == sorted([photo.original.name, file.name])
    with Image.open(final) as img:
        img.load()
        assert img.size == (64, 48)
    file.generate(force=True)  # a forced regeneration replaces the file in one step too
    assert files_under(media) == sorted([photo.original.name, file.name])


def test_a_storage_naming_its_own_files_still_saves_its_way(media, tmp_path):
    assert writes_in_place(default_storage)
    assert not writes_in_place(RenamingStorage(location=str(tmp_path)))

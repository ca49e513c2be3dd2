"""django-imagekit 6.1's state-cache behaviours: the request-local mapping consulted by the
backend itself, ``prefetch_cachefile_states``' calls, the state keys, the warning for a taken
name, and ``bool()`` under the Optimistic strategy."""

from __future__ import annotations

import hashlib
import logging
from types import SimpleNamespace
from unittest import mock

import pytest
from django.core.files.storage import FileSystemStorage

from ik_testproject.images import image_content
from ik_testproject.testapp.models import Profile
from imagekit.cachefiles import ImageCacheFile
from imagekit.cachefiles.backends import CachedFileBackend, CacheFileState, Simple
from imagekit.cachefiles.state import prefetch_cachefile_states, use_cachefile_state_cache
from imagekit.cachefiles.strategies import Optimistic

pytestmark = pytest.mark.django_db


@pytest.fixture
def thumb():
    Profile().avatar.save("compat.jpg", image_content("compat.jpg"))
    return Profile.objects.get().avatar_thumbnail


def test_the_backend_asks_the_active_mapping_before_its_cache(thumb):
    backend = thumb.cachefile_backend
    key = backend.get_key(thumb)
    with mock.patch.object(backend.cache, "get") as cache_get:
        cache_get.return_value = CacheFileState.DOES_NOT_EXIST
        assert backend.get_state(thumb) == CacheFileState.DOES_NOT_EXIST
        cache_get.reset_mock()
        with use_cachefile_state_cache({key: CacheFileState.EXISTS}):
            assert backend.get_state(thumb) == CacheFileState.EXISTS
        assert cache_get.call_count == 0


def test_states_learnt_in_the_block_are_kept_as_bare_states(thumb):
    backend = thumb.cachefile_backend
    key = backend.get_key(thumb)
    with use_cachefile_state_cache() as states:
        assert backend.get_state(thumb) == CacheFileState.DOES_NOT_EXIST  # asked the storage
        assert states[key] == "does_not_exist"
        backend.set_state(thumb, CacheFileState.GENERATING)
        assert states[key] == "generating"
    assert backend.cache.get(key) == "generating"  # written through to the shared cache


def _file_with(backend):
    Profile().avatar.save("other.jpg", image_content("other.jpg"))
    generator = Profile.objects.latest("pk").avatar_thumbnail.generator
    return ImageCacheFile(generator, cachefile_backend=backend)


def test_prefetch_asks_each_cache_once_with_the_set_of_its_keys(thumb):
    cache_a, cache_b, shared = mock.Mock(), mock.Mock(), mock.Mock()
    backend_a, backend_b = CachedFileBackend(cache=cache_a), CachedFileBackend(cache=cache_b)
    file_a = ImageCacheFile(thumb.generator, cachefile_backend=backend_a)
    file_b = _file_with(backend_b)
    key_a, key_b = backend_a.get_key(file_a), backend_b.get_key(file_b)
    cache_a.get_many.return_value = {key_a: "exists"}
    cache_b.get_many.return_value = {}

    states = {}
    assert prefetch_cachefile_states([file_a, file_b], state_cache=states) is states
    cache_a.get_many.assert_called_once_with({key_a})
    cache_b.get_many.assert_called_once_with({key_b})
    assert states == {key_a: "exists", key_b: None}  # a miss is remembered too

    shared.get_many.return_value = {key_b: "generating"}
    prefetch_cachefile_states([file_a, file_b], state_cache={}, cache=shared)
    shared.get_many.assert_called_once_with({key_a, key_b})
    assert cache_a.get_many.call_count == 1 and cache_b.get_many.call_count == 1


def test_prefetch_without_a_mapping_does_nothing_and_takes_keywords(thumb):
    with mock.patch.object(thumb.cachefile_backend.cache, "get_many") as get_many:
        assert prefetch_cachefile_states([thumb]) is None
        assert get_many.call_count == 0
    with pytest.raises(TypeError):
        prefetch_cachefile_states([thumb], {})  # state_cache and cache are keyword-only


def test_state_keys_are_django_imagekits():
    backend = Simple()
    assert backend.get_key(SimpleNamespace(name="CACHE/a b\t.jpg")) == "imagekit:CACHE/ab.jpg-state"
    name = "1" * 300
    key = backend.get_key(SimpleNamespace(name=name))
    digest = hashlib.md5(f"imagekit:{name}-state".encode()).hexdigest()
    assert key == f"imagekit:{'1' * (200 - 33 - len('imagekit:'))}:{digest}"
    just_short = "1" * (199 - len("imagekit:-state"))
    assert backend.get_key(SimpleNamespace(name=just_short)) == f"imagekit:{just_short}-state"


def test_a_taken_name_is_saved_beside_and_logged_with_django_imagekits_arguments(thumb, caplog):
    thumb.generate()
    twin = ImageCacheFile(thumb.generator, name=thumb.name)
    with caplog.at_level(logging.WARNING):
        twin._generate()
    [record] = caplog.records
    storage, name, actual, backend = record.args
    assert (storage, name, backend) == (twin.storage, thumb.name, twin.cachefile_backend)
    assert actual != name and storage.exists(actual)
    caplog.clear()
    twin.generate(force=True)  # forced: replaces the file, under its own name
    assert caplog.records == []


def test_a_backend_calling__generate_replaces_the_file_when_forced(thumb):
    class AsDjangoImagekitWrites:
        """A custom backend in django-imagekit's style: it makes files with ``_generate()``."""

        def generate(self, file, force=False):
            file._generate()

    file = ImageCacheFile(thumb.generator, cachefile_backend=AsDjangoImagekitWrites())
    file.generate()
    storage, folder = file.storage, file.name.rsplit("/", 1)[0]
    first = storage.listdir(folder)[1]
    file.generate(force=True)  # replaced under its own name, not saved beside
    assert storage.listdir(folder)[1] == first == [file.name.rsplit("/", 1)[1]]


def test_optimistic_files_are_truthy_without_touching_the_storage():
    storage = mock.Mock(FileSystemStorage)
    generator = SimpleNamespace(generate=mock.Mock())
    file = ImageCacheFile(
        generator,
        name="CACHE/images/optimistic.jpg",
        storage=storage,
        cachefile_backend=Simple(),
        cachefile_strategy=Optimistic(),
    )
    assert bool(file)
    assert storage.method_calls == []
    assert not generator.generate.called

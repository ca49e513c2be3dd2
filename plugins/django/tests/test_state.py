"""The request-local state layer and batched state lookups (imagekit.cachefiles.state)."""

import pytest
from django.core.files.storage import default_storage
from django.test import override_settings

from ik_testproject.images import image_content
from ik_testproject.testapp.models import Profile
from imagekit.cachefiles.state import (
    get_active_state_cache,
    prefetch_cachefile_states,
    use_cachefile_state_cache,
)
from imagekit.utils import get_cache

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("counting_cache")]


@pytest.fixture
def counting_cache():
    with override_settings(IMAGEKIT_CACHE_BACKEND="counting"):
        yield get_cache()


def make_profiles(count, generate=True):
    for index in range(count):
        Profile().avatar.save(f"state{index}.jpg", image_content(f"state{index}.jpg"))
    profiles = list(Profile.objects.order_by("pk"))
    if generate:
        for profile in profiles:
            profile.avatar_thumbnail.generate()
    return list(Profile.objects.order_by("pk"))


def test_one_get_many_then_no_more_cache_calls(counting_cache, monkeypatch):
    profiles = make_profiles(5)
    storage_checks = []
    monkeypatch.setattr(default_storage, "exists", lambda name: storage_checks.append(name))
    counting_cache.calls.clear()

    with use_cachefile_state_cache() as states:
        files = [profile.avatar_thumbnail for profile in profiles]
        prefetch_cachefile_states(files)
        assert dict(counting_cache.calls) == {"get_many": 1}
        urls = [file.url for file in files]
        widths = [file.width for file in files]

    assert dict(counting_cache.calls) == {"get_many": 1}
    assert storage_checks == []
    assert len(states) == 5
    assert len(set(urls)) == 5
    assert widths == [100] * 5


def test_without_the_layer_each_file_asks_the_cache(counting_cache):
    profiles = make_profiles(3)
    counting_cache.calls.clear()

    for profile in profiles:
        assert profile.avatar_thumbnail.url

    assert dict(counting_cache.calls) == {"get": 3}


def test_the_layer_alone_asks_each_key_once(counting_cache):
    [profile] = make_profiles(1)
    counting_cache.calls.clear()

    with use_cachefile_state_cache():
        for _ in range(4):
            assert Profile.objects.get().avatar_thumbnail.url == profile.avatar_thumbnail.url

    assert dict(counting_cache.calls) == {"get": 1}


def test_misses_are_remembered_and_filled_by_generation(counting_cache):
    profiles = make_profiles(2, generate=False)
    counting_cache.calls.clear()

    with use_cachefile_state_cache() as states:
        files = [profile.avatar_thumbnail for profile in profiles]
        prefetch_cachefile_states(files)
        assert set(states.values()) == {None}  # known misses: not asked again
        assert all(file.url for file in files)  # generated, JustInTime
        assert all(value[0] == "exists" for value in states.values())

    assert counting_cache.calls["get_many"] == 1
    assert counting_cache.calls["get"] == 0
    assert counting_cache.calls["set"] >= 2  # the shared cache learns the new states too
    assert all(default_storage.exists(file.name) for file in files)


def test_prefetch_into_a_given_mapping_from_a_given_cache(counting_cache):
    profiles = make_profiles(2)
    files = [profile.avatar_thumbnail for profile in profiles]
    mine = {}

    assert get_active_state_cache() is None
    assert prefetch_cachefile_states(files, state_cache=mine) is mine
    assert len(mine) == 2 and all(value[0] == "exists" for value in mine.values())

    other = {}
    with use_cachefile_state_cache(other):
        assert get_active_state_cache() is other
        with use_cachefile_state_cache() as inner:
            assert get_active_state_cache() is inner
        assert get_active_state_cache() is other
        prefetch_cachefile_states(files, cache=counting_cache)
    assert other == mine
    assert get_active_state_cache() is None


def test_files_without_a_source_are_skipped(counting_cache):
    empty = Profile.objects.create().avatar_thumbnail
    counting_cache.calls.clear()
    assert prefetch_cachefile_states([empty], state_cache={}) == {}
    assert counting_cache.calls["get_many"] == 0


def test_without_a_mapping_prefetch_does_nothing(counting_cache):
    [profile] = make_profiles(1)
    counting_cache.calls.clear()
    assert prefetch_cachefile_states([profile.avatar_thumbnail]) is None
    assert counting_cache.calls["get_many"] == 0

"""The Django app's answers to the host's name hooks: its aliases, and what to install."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.files.storage import storages
from django.test import override_settings

from ik_defaults.statecache import MemoryStateCache
from ik_host.errors import UnknownComponentError
from ik_host.registry import resolve
from imagekit import django_hooks
from imagekit.utils import PerThreadCache, get_cache


def test_storages_aliases_resolve_through_the_host() -> None:
    assert resolve("storage", "default") is storages["default"]
    with pytest.raises(UnknownComponentError):
        resolve("backend", "default")  # an alias stands for a storage or a cache only


def test_a_caches_alias_wins_over_a_registered_name() -> None:
    assert resolve("state_cache", "memory") is MemoryStateCache
    memory = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    with override_settings(CACHES={**settings.CACHES, "memory": memory}):
        # django-imagekit reads IMAGEKIT_CACHE_BACKEND as a CACHES alias: the user's name wins.
        cache = resolve("state_cache", "memory")
        assert isinstance(cache, PerThreadCache) and cache.alias == "memory"
        assert isinstance(get_cache("memory"), PerThreadCache)


def test_a_django_cache_backend_path_gets_djangos_arguments() -> None:
    cache = get_cache("django.core.cache.backends.dummy.DummyCache")
    assert type(cache).__name__ == "DummyCache"


@pytest.mark.parametrize(
    ("kind", "name", "hint"),
    [
        ("storage", "s3", "pip install 'ik-django[s3]'"),
        ("backend", "imagekit.cachefiles.backends.Celery", "pip install 'ik-django[celery]'"),
        ("engine", "vips", "pip install 'ik-django[vips]'"),
        ("strategy", "optimistic", "pip install ik-strategy-optimistic"),
        ("processor", "Sepia", None),
    ],
)
def test_install_hints_name_this_distributions_extras(
    kind: str, name: str, hint: str | None
) -> None:
    assert django_hooks.ik_install_hint(kind=kind, name=name) == hint

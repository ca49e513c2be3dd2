"""Fixtures shared by the Django plugin's tests (the test project is ik_testproject)."""

import pytest
from django.core.cache import caches


@pytest.fixture(autouse=True)
def _fresh_state_caches():
    """Each test starts with no remembered cache-file states."""
    for alias in ("default", "counting"):
        caches[alias].clear()
    yield


@pytest.fixture
def media_root(settings):
    return settings.MEDIA_ROOT

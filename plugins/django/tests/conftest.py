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


@pytest.fixture
def placeholders_computed(monkeypatch):
    """The (name, kind) of every placeholder the Pillow engine computes from a stored file."""
    from ik_processors_pilkit.pillow_engine import PillowEngine  # noqa: PLC0415

    calls = []
    original = PillowEngine.placeholder

    def counting(self, file, kind, *, name=None):
        calls.append((name, kind))
        return original(self, file, kind, name=name)

    monkeypatch.setattr(PillowEngine, "placeholder", counting)
    return calls

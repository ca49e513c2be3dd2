"""django-imagekit names and behaviours projects rely on: abstract-model walking, the appconf
settings object, and the no-source cache file."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.db import models
from django.test import override_settings

from imagekit.cachefiles import ImageCacheFile, LazyImageCacheFile
from imagekit.conf import ImageKitConf, settings
from imagekit.registry import register
from imagekit.specs import ImageSpec
from imagekit.utils import get_nonabstract_descendants


class _Base(models.Model):
    class Meta:
        abstract = True
        app_label = "testapp"


class _Concrete(_Base):
    class Meta:
        app_label = "testapp"


class _Child(_Concrete):
    class Meta:
        app_label = "testapp"


def test_nonabstract_descendants_skip_the_abstract_model():
    assert list(get_nonabstract_descendants(_Base)) == [_Concrete, _Child]
    assert list(get_nonabstract_descendants(_Child)) == [_Child]


def test_defaults_are_in_django_settings_once_the_app_is_loaded():
    assert django_settings.IMAGEKIT_CACHEFILE_DIR == "CACHE/images"
    assert django_settings.IMAGEKIT_CACHE_PREFIX == "imagekit:"
    assert django_settings.IMAGEKIT_CACHE_BACKEND == "default"  # DEBUG is off
    with override_settings(DEBUG=True):  # the computed default follows DEBUG still
        assert settings.IMAGEKIT_CACHE_BACKEND.endswith("DummyCache")


def test_imagekit_conf():
    conf = ImageKitConf()
    assert conf.configure_default_file_storage(None) == "default"
    assert conf.configure_default_file_storage("custom") == "custom"
    assert conf.CACHE_PREFIX == "imagekit:"
    assert conf.DEFAULT_FILE_STORAGE == "default"
    with override_settings(IMAGEKIT_CACHE_BACKEND="counting"):
        assert conf.CACHE_BACKEND == "counting"
    with pytest.raises(AttributeError):
        conf.NOT_A_SETTING  # noqa: B018


class _NoSourceSpec(ImageSpec):
    pass


register.generator("dropin:nosource", _NoSourceSpec)


def test_generating_without_a_source_raises_the_specs_missing_source():
    file = ImageCacheFile(_NoSourceSpec(source=None))
    with pytest.raises(ImageSpec.MissingSource):
        file.generate()
    assert repr(file) == "<ImageCacheFile: None>"


def test_lazy_cache_file_shows_as_its_file():
    lazy = LazyImageCacheFile("dropin:nosource", source=None)
    assert str(lazy) == ""
    assert repr(lazy) == "<ImageCacheFile: None>"
    lazy.name = "a.jpg"
    assert (str(lazy), repr(lazy)) == ("a.jpg", "<ImageCacheFile: a.jpg>")


def test_imagekit_conf_settings_writes_and_deletes_go_to_django_settings():
    with override_settings(IMAGEKIT_CACHE_PREFIX="a:"):
        settings.IMAGEKIT_CACHE_PREFIX = "b:"
        assert django_settings.IMAGEKIT_CACHE_PREFIX == "b:"
        del settings.STORAGES  # as django-imagekit's own settings test does on Django 4.2
        assert not hasattr(django_settings, "STORAGES")
    assert hasattr(django_settings, "STORAGES")

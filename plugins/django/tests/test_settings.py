"""Settings reach the host through the plugin's ik_config; names resolve through the registry."""

import os
import subprocess
import sys

import pytest
from django.core.cache.backends.dummy import DummyCache
from django.core.checks import WARNING, run_checks
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage, storages
from django.test import override_settings

import ik_defaults.cached_backends
import ik_strategy_optimistic
from ik_host import hookimpl
from ik_host.components import get_backend, get_strategy
from ik_host.config import get_config
from ik_host.errors import UnknownComponentError
from ik_host.plugins import get_plugin_manager
from ik_host.records import Backend, Processor
from ik_processors_pilkit.pillow_engine import PillowEngine
from ik_testproject.images import image_content
from ik_testproject.testapp.models import Profile
from imagekit import checks, generatorlibrary
from imagekit.cachefiles import ImageCacheFile, backends, namers, strategies
from imagekit.conf import DEFAULTS, settings
from imagekit.models import ImageSpecField, ProcessedImageField
from imagekit.registry import generator_registry
from imagekit.utils import get_cache, get_storage

pytestmark = pytest.mark.django_db


class RecordingBackend(ik_defaults.cached_backends.Simple):
    generated = []

    def generate(self, file, force=False):
        self.generated.append(file.name)
        return super().generate(file, force)


class Posterize:
    def process(self, img):
        return img.convert("L").convert("RGB")


class ExtraComponents:
    @hookimpl
    def ik_register_backends(self):
        return [Backend("recording", RecordingBackend)]

    @hookimpl
    def ik_register_processors(self):
        return [Processor("Posterize", Posterize)]


@pytest.fixture
def without_async_plugin(monkeypatch, request):
    """The installed plugins less ik-backends-async: what a project without it sees."""
    monkeypatch.setenv("IK_HOST_DISABLE_PLUGINS", "ik-backends-async")
    return request.getfixturevalue("ik_plugin_manager")


def saved_profile(name):
    profile = Profile()
    profile.avatar.save(name, image_content(name))
    return Profile.objects.get(pk=profile.pk)


# -- the settings and their defaults ----------------------------------------------------------


def test_every_documented_setting_has_its_default():
    assert settings.IMAGEKIT_CACHEFILE_DIR == "CACHE/images"
    assert settings.IMAGEKIT_DEFAULT_FILE_STORAGE is None
    assert settings.IMAGEKIT_DEFAULT_CACHEFILE_BACKEND == "imagekit.cachefiles.backends.Simple"
    assert (
        settings.IMAGEKIT_DEFAULT_CACHEFILE_STRATEGY == "imagekit.cachefiles.strategies.JustInTime"
    )
    assert settings.IMAGEKIT_CACHE_BACKEND == "default"  # DEBUG is off
    assert settings.IMAGEKIT_CACHE_PREFIX == "imagekit:"
    assert settings.IMAGEKIT_CACHE_TIMEOUT is None
    assert settings.IMAGEKIT_CACHEFILE_NAMER == "imagekit.cachefiles.namers.hash"
    assert (
        settings.IMAGEKIT_SPEC_CACHEFILE_NAMER == "imagekit.cachefiles.namers.source_name_as_path"
    )
    assert settings.IMAGEKIT_DEFAULT_ENGINE == "pillow"
    assert settings.IMAGEKIT_IMAGE_THREADS is None
    assert set(DEFAULTS) == {name for name in dir(settings)}
    assert settings.MEDIA_URL == "/media/"  # other names are Django's


def test_the_host_configuration_is_built_from_the_settings():
    config = get_config()
    assert get_backend() is get_backend()  # built once per configuration
    assert isinstance(get_backend(), ik_defaults.cached_backends.Simple)
    assert config.storage is storages["default"]  # the object default_storage stands for
    assert config.state_cache.get("nothing") is None
    with override_settings(
        IMAGEKIT_CACHEFILE_DIR="thumbs",
        IMAGEKIT_CACHE_PREFIX="ik-test:",
        IMAGEKIT_CACHE_TIMEOUT=600,
    ):
        changed = get_config()
        assert (changed.cachefile_dir, changed.cache_prefix, changed.cache_timeout) == (
            "thumbs",
            "ik-test:",
            600,
        )
        assert saved_profile("dir.jpg").avatar_thumbnail.name.startswith("thumbs/avatars/")
    assert get_config().cachefile_dir == "CACHE/images"


def test_debug_uses_a_dummy_state_cache():
    with override_settings(DEBUG=True):
        assert settings.IMAGEKIT_CACHE_BACKEND.endswith("DummyCache")
        assert isinstance(get_config().state_cache, DummyCache)
        file = saved_profile("debug.jpg").avatar_thumbnail
        assert (file.width, file.height) == (100, 50)  # works, remembering nothing
    assert not isinstance(get_config().state_cache, DummyCache)


def test_a_cache_alias_is_used_for_states():
    with override_settings(IMAGEKIT_CACHE_BACKEND="counting"):
        cache = get_cache()
        cache.calls.clear()
        saved_profile("counted.jpg").avatar_thumbnail.url  # noqa: B018
        assert cache.calls["set"] >= 1


def test_storage_by_alias_and_by_dotted_path(tmp_path, settings):
    with_thumbs = {
        **settings.STORAGES,
        "thumbs": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "alias"), "base_url": "/alias/"},
        },
    }
    profile = saved_profile("stored.jpg")
    with override_settings(STORAGES=with_thumbs, IMAGEKIT_DEFAULT_FILE_STORAGE="thumbs"):
        file = ImageCacheFile(Profile.avatar_thumbnail.get_spec(source=profile.avatar))
        assert file.url.startswith("/alias/CACHE/images/")
        assert os.path.exists(tmp_path / "alias" / file.name)
    with override_settings(
        IMAGEKIT_DEFAULT_FILE_STORAGE="django.core.files.storage.FileSystemStorage"
    ):
        assert type(get_storage()) is FileSystemStorage
    assert get_storage() is storages["default"]


class MovedStorage(FileSystemStorage):
    """A default storage elsewhere, set by its class alone: Django 4.2 keeps only the BACKEND
    of an overridden ``STORAGES["default"]``, not its OPTIONS."""

    where = ""

    def __init__(self) -> None:
        super().__init__(location=self.where, base_url="/moved/")


def test_a_changed_default_storage_is_followed(tmp_path, settings):
    MovedStorage.where = str(tmp_path / "moved")
    moved = {**settings.STORAGES, "default": {"BACKEND": f"{__name__}.MovedStorage"}}
    profile = saved_profile("followed.jpg")
    with open(profile.avatar.path, "rb") as handle:
        data = handle.read()
    with override_settings(STORAGES=moved):
        assert isinstance(storages["default"], MovedStorage)
        storages["default"].save(profile.avatar.name, ContentFile(data))
        file = ImageCacheFile(Profile.avatar_thumbnail.get_spec(source=profile.avatar))
        assert file.url.startswith("/moved/CACHE/images/")
        assert os.path.exists(tmp_path / "moved" / file.name)
    assert get_storage() is storages["default"]
    assert not isinstance(get_storage(), MovedStorage)


def test_backend_named_by_a_plugins_short_name(register_plugin):
    register_plugin(ExtraComponents())
    RecordingBackend.generated.clear()
    with override_settings(IMAGEKIT_DEFAULT_CACHEFILE_BACKEND="recording"):
        file = saved_profile("short.jpg").avatar_thumbnail
        assert isinstance(file.cachefile_backend, RecordingBackend)
        assert file.url
        assert RecordingBackend.generated == [file.name]
    assert not isinstance(get_backend(), RecordingBackend)


def test_strategy_named_by_short_name():
    profile = saved_profile("optimistic.jpg")
    with override_settings(IMAGEKIT_DEFAULT_CACHEFILE_STRATEGY="optimistic"):
        file = profile.avatar_thumbnail
        assert isinstance(file.cachefile_strategy, ik_strategy_optimistic.Optimistic)
        assert file.url
        assert not default_storage.exists(file.name)  # optimistic: access never generates


def test_an_unknown_component_fails_with_the_registry_message():
    with override_settings(IMAGEKIT_DEFAULT_CACHEFILE_BACKEND="nope"):
        file = saved_profile("unknown.jpg").avatar_thumbnail
        with pytest.raises(UnknownComponentError, match=r"'nope'.*'simple'"):
            file.url  # noqa: B018


# -- the compatibility modules ------------------------------------------------------------------


def test_backends_module(without_async_plugin):
    assert backends.Simple is ik_defaults.cached_backends.Simple
    assert backends.CachedFileBackend is ik_defaults.cached_backends.CachedFileBackend
    assert backends.get_default_cachefile_backend() is get_backend()
    assert backends.CacheFileState.EXISTS.value == "exists"
    hints = {
        "Celery": r"pip install 'ik-django\[celery\]'",
        "RQ": r"pip install 'ik-django\[rq\]'",
        "Dramatiq": r"pip install 'ik-django\[dramatiq\]'",
        "Tasks": r"pip install 'ik-django\[tasks\]'",
        "Async": "pip install ik-backends-async",
    }
    for name, hint in hints.items():
        with pytest.raises(UnknownComponentError, match=hint):
            getattr(backends, name)
    with pytest.raises(ImportError):
        exec("from imagekit.cachefiles.backends import NoSuchThing")
    with override_settings(
        IMAGEKIT_DEFAULT_CACHEFILE_BACKEND="imagekit.cachefiles.backends.Celery"
    ):
        with pytest.raises(UnknownComponentError, match=hints["Celery"]):
            get_backend()


def test_a_plugin_can_fill_the_backends_module(register_plugin):
    register_plugin(ExtraComponents())
    assert backends.recording is RecordingBackend


def test_strategies_module(monkeypatch):
    assert strategies.JustInTime().on_existence_required
    assert strategies.Optimistic is ik_strategy_optimistic.Optimistic
    assert isinstance(strategies.load_strategy("optimistic"), ik_strategy_optimistic.Optimistic)
    calls = []
    wrapper = strategies.StrategyWrapper({"on_source_saved": calls.append})
    wrapper.on_existence_required("file")  # not defined: nothing happens
    wrapper.on_source_saved("file")
    assert calls == ["file"]
    assert isinstance(get_strategy({"on_source_saved": calls.append}), strategies.DictStrategy)


def test_strategies_module_without_the_optimistic_plugin(monkeypatch, ik_plugin_manager):
    ik_plugin_manager.unregister(name="strategy_optimistic")
    with pytest.raises(UnknownComponentError, match="pip install ik-strategy-optimistic"):
        strategies.Optimistic  # noqa: B018
    with override_settings(
        IMAGEKIT_DEFAULT_CACHEFILE_STRATEGY="imagekit.cachefiles.strategies.Optimistic"
    ):
        with pytest.raises(UnknownComponentError, match="pip install ik-strategy-optimistic"):
            get_strategy()


def test_namers_module():
    spec = Profile.avatar_thumbnail.get_spec(source=saved_profile("named.jpg").avatar)
    assert namers.source_name_as_path(spec).startswith("CACHE/images/avatars/named")
    assert namers.hash(spec) == f"CACHE/images/{spec.get_hash()}.jpg"
    assert namers.source_name_dot_hash(spec).endswith(f".{spec.get_hash()[:12]}.jpg")
    with override_settings(IMAGEKIT_SPEC_CACHEFILE_NAMER="source_name_dot_hash"):
        file = saved_profile("dotted.jpg").avatar_thumbnail
        assert file.name.endswith(f".{file.generator.get_hash()[:12]}.jpg")


def test_processors_module_offers_every_registered_processor(register_plugin):
    import imagekit.processors as processors  # noqa: PLC0415  (the module under test, fresh)

    assert processors.ResizeToFill.__module__ == "ik_processors_pilkit.pilkit_resize"
    assert processors.Anchor.CENTER
    assert processors.Side.TOP
    with pytest.raises(AttributeError, match="no installed plugin"):
        processors.Posterize  # noqa: B018
    register_plugin(ExtraComponents())
    assert processors.Posterize is Posterize
    namespace = {}
    exec("from imagekit.processors import Posterize", namespace)
    assert namespace["Posterize"] is Posterize


# -- the app itself -------------------------------------------------------------------------


def test_the_app_is_an_installed_ik_host_plugin():
    pm = get_plugin_manager()
    assert pm.has_plugin("django")
    info = pm.plugin_info["django"]
    assert (info.distribution, info.version) == ("ik-django", "0.1.0")


def test_the_plugin_loads_outside_a_django_project(tmp_path):
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    code = (
        "from ik_host.config import get_config; from ik_host.plugins import get_plugin_manager; "
        "print(get_plugin_manager().has_plugin('django'), get_config().storage)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "filesystem"]  # the defaults answer ik_config


def test_ready_registers_the_library_and_autodiscovers_imagegenerators():
    assert generator_registry.get_class("imagekit:thumbnail") is generatorlibrary.Thumbnail
    assert "testapp:square" in generator_registry.get_ids()
    thumbnail = generator_registry.get("imagekit:thumbnail", width=40, height=30, source=None)
    assert [(p.width, p.height) for p in thumbnail.processors] == [(40, 30)]


# -- checks -------------------------------------------------------------------------------------


def check_ids(**settings_):
    with override_settings(**settings_):
        return [(m.id, m.msg, m.hint) for m in run_checks() if m.id.startswith("imagekit.")]


class CountingEngine(PillowEngine):
    """The Pillow engine, counting the jobs it is given."""

    jobs = 0

    def generate(self, job):
        type(self).jobs += 1
        return super().generate(job)


def test_the_default_engine_is_a_setting():
    CountingEngine.jobs = 0
    with override_settings(IMAGEKIT_DEFAULT_ENGINE=f"{__name__}.CountingEngine"):
        assert get_config().engine == f"{__name__}.CountingEngine"
        file = saved_profile("engine.jpg").avatar_thumbnail
        assert (file.width, file.height) == (100, 50)
    assert CountingEngine.jobs == 1
    assert check_ids(IMAGEKIT_DEFAULT_ENGINE="pillow") == []
    [(check_id, message, _hint)] = check_ids(IMAGEKIT_DEFAULT_ENGINE="turbo")
    assert check_id == "imagekit.E001"
    assert message.startswith("IMAGEKIT_DEFAULT_ENGINE = 'turbo': ") and "'pillow'" in message


def test_image_threads_is_a_setting():
    assert get_config().image_threads is None
    with override_settings(IMAGEKIT_IMAGE_THREADS=1):
        assert get_config().image_threads == 1
    for wrong in (0, "2", 1.5):
        with (
            override_settings(IMAGEKIT_IMAGE_THREADS=wrong),
            pytest.raises(ValueError, match=rf"image_threads = {wrong!r}: a number of threads"),
        ):
            get_config()


def test_checks_pass_on_valid_settings():
    assert check_ids() == []
    assert check_ids(IMAGEKIT_DEFAULT_CACHEFILE_BACKEND="simple") == []


def test_check_unknown_component(without_async_plugin):
    [(check_id, message, _hint)] = check_ids(IMAGEKIT_DEFAULT_CACHEFILE_STRATEGY="eventually")
    assert check_id == "imagekit.E001"
    assert message.startswith("IMAGEKIT_DEFAULT_CACHEFILE_STRATEGY = 'eventually': ")
    assert "'just_in_time'" in message and "pip install" not in message  # nobody provides it

    [(check_id, message, _hint)] = check_ids(
        IMAGEKIT_DEFAULT_CACHEFILE_BACKEND="imagekit.cachefiles.backends.RQ"
    )
    assert check_id == "imagekit.E001"
    assert "pip install 'ik-django[rq]'" in message

    [(check_id, message, _hint)] = check_ids(IMAGEKIT_SPEC_CACHEFILE_NAMER="myapp.namers.nope")
    assert "no namer is registered as 'myapp.namers.nope'" in message


def test_check_retired_setting():
    [(check_id, message, hint)] = check_ids(
        IMAGEKIT_DEFAULT_IMAGE_CACHE_BACKEND="path.to.MyImageCacheBackend"
    )
    assert check_id == "imagekit.W002"
    assert "IMAGEKIT_DEFAULT_IMAGE_CACHE_BACKEND" in message
    assert "IMAGEKIT_DEFAULT_CACHEFILE_BACKEND" in hint
    assert "IMAGEKIT_DEFAULT_CACHEFILE_STRATEGY" in hint
    # A warning, not an error: migrate and runserver go on.
    with override_settings(IMAGEKIT_DEFAULT_IMAGE_CACHE_BACKEND="path.to.MyImageCacheBackend"):
        [message] = [m for m in run_checks() if m.id == "imagekit.W002"]
    assert message.level == WARNING and not message.is_serious()


def test_check_storage_and_cache():
    found = check_ids(IMAGEKIT_DEFAULT_FILE_STORAGE="nowhere.Storage", IMAGEKIT_CACHE_BACKEND="x")
    assert [check_id for check_id, _m, _h in found] == ["imagekit.E003", "imagekit.E003"]
    assert "IMAGEKIT_DEFAULT_FILE_STORAGE = 'nowhere.Storage'" in found[0][1]
    assert "IMAGEKIT_CACHE_BACKEND = 'x'" in found[1][1]
    assert checks.check_storage_and_cache() == []


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"image_field": "avatar"}, "source="),
        ({"image_cache_backend": object()}, "cachefile_backend= .* cachefile_strategy="),
        ({"cache_to": lambda *a: "x"}, "cachefile_name or set IMAGEKIT_SPEC_CACHEFILE_NAMER"),
        ({"processors": lambda instance, file: []}, r"a custom spec \(see Specs That Change\)"),
    ],
)
def test_retired_field_arguments(kwargs, expected):
    with pytest.raises(TypeError, match=expected):
        ImageSpecField(source="avatar", **kwargs)


def test_retired_callable_processors_on_processed_fields():
    with pytest.raises(TypeError, match="Specs That Change"):
        ProcessedImageField(processors=lambda instance, file: [], upload_to="x")
    with pytest.raises(TypeError, match="unexpected keyword arguments: colour"):
        ImageSpecField(source="avatar", colour="red")

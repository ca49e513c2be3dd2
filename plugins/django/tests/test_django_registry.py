"""Generators by id and source groups by generator id (imagekit.registry), which are the
host's registries under django-imagekit's names."""

import pytest

import imagekit
from ik_host import errors, generators, hookimpl
from ik_host.records import Processor
from imagekit import ImageSpec
from imagekit.exceptions import AlreadyRegistered, NotRegistered
from imagekit.registry import (
    generator_registry,
    iter_source_groups,
    module_exports,
    register,
    source_group_registry,
    unregister,
)


class One(ImageSpec):
    format = "PNG"


class Two(ImageSpec):
    format = "JPEG"


@pytest.fixture
def clean_ids():
    before = set(generator_registry.get_ids())
    yield
    for generator_id in set(generator_registry.get_ids()) - before:
        generator_registry.unregister(generator_id)


def test_package_exports():
    assert imagekit.register is register
    assert imagekit.unregister is unregister
    assert imagekit.ImageSpec is ImageSpec


def test_the_registries_and_their_errors_are_the_hosts():
    assert generator_registry is generators.generator_registry
    assert source_group_registry is generators.source_group_registry
    assert (AlreadyRegistered, NotRegistered) == (errors.AlreadyRegistered, errors.NotRegistered)
    with pytest.raises(NotRegistered):  # what code written for django-imagekit catches
        generators.generator_registry.get("tests:nowhere")


@pytest.mark.usefixtures("clean_ids")
def test_register_get_unregister():
    register.generator("tests:one", One)
    register.generator("tests:one", One)  # the same class again: harmless

    spec = generator_registry.get("tests:one", source="x.png")
    assert isinstance(spec, One) and spec.source == "x.png"
    assert generator_registry.get_class("tests:one") is One
    assert "tests:one" in generator_registry.get_ids()

    with pytest.raises(AlreadyRegistered, match=r"'tests:one'.*test_django_registry.One.*Two"):
        register.generator("tests:one", Two)
    with pytest.raises(NotRegistered, match="is not the generator registered"):
        unregister.generator("tests:one", Two)

    unregister.generator("tests:one", One)
    with pytest.raises(NotRegistered, match=r"'tests:one'. Registered ids: .*'imagekit:thumbnail'"):
        generator_registry.get("tests:one")


@pytest.mark.usefixtures("clean_ids")
def test_register_as_a_decorator():
    @register.generator("tests:decorated")
    class Decorated(ImageSpec):
        pass

    assert generator_registry.get_class("tests:decorated") is Decorated


def test_source_groups_reach_the_host_registry():
    group = object()
    register.source_group("tests:grouped", group)
    register.source_group("tests:grouped", group)  # once only
    try:
        assert source_group_registry.get_source_groups("tests:grouped") == [group]
        assert list(iter_source_groups()).count(("tests:grouped", group)) == 1
        assert generators.source_group_registry.get_source_groups("tests:grouped") == [group]
    finally:
        unregister.source_group("tests:grouped", group)
    assert source_group_registry.get_source_groups("tests:grouped") == []
    assert ("tests:grouped", group) not in list(iter_source_groups())
    with pytest.raises(NotRegistered):
        unregister.source_group("tests:grouped", group)


def test_every_spec_field_has_a_generator_and_a_source_group():
    pairs = dict(iter_source_groups())
    for generator_id in (
        "testapp:profile:avatar_thumbnail",
        "myapp:profile:avatar_thumbnail",
        "testapp:article:thumb",
        "testapp:abstractphoto:small",
        "testapp:optimisticphoto:thumb",
        "testapp:optimisticphoto:other_thumb",
    ):
        assert generator_id in generator_registry.get_ids()
        assert generator_id in pairs
    # Two spec fields of one image share one group, so a save is signalled once.
    assert pairs["testapp:optimisticphoto:thumb"] is pairs["testapp:optimisticphoto:other_thumb"]


class Duotone:
    def process(self, img):
        return img


class DuotoneAndHints:
    @hookimpl
    def ik_register_processors(self):
        return [Processor("Duotone", Duotone)]

    @hookimpl
    def ik_install_hint(self, kind, name):
        return "pip install ik-later" if (kind, name) == ("strategy", "later") else None


def test_module_exports_resolve_promised_names_and_registered_ones(register_plugin):
    register_plugin(DuotoneAndHints(), name="duotone-and-hints")
    getattr_ = module_exports("legacy.processors", "processor", {"Tone": "duotone"})
    assert getattr_("Tone") is Duotone
    assert getattr_("Duotone") is Duotone  # any registered name
    with pytest.raises(AttributeError, match=r"'legacy\.processors' has no attribute 'Nope'"):
        getattr_("Nope")
    with pytest.raises(AttributeError):
        getattr_("_private")
    strategies = module_exports("legacy.strategies", "strategy", {"Later": "later"})
    # A promised name nobody registered is an error saying what to install, not an AttributeError.
    with pytest.raises(errors.UnknownComponentError, match="pip install ik-later"):
        strategies("Later")

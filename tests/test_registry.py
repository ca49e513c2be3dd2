"""The one resolver: lookups by name, framework alias and dotted path, and its two errors."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pytest

from ik_host import hookimpl
from ik_host.errors import DuplicateComponentError, PluginLoadError, UnknownComponentError
from ik_host.plugins import make_plugin_manager
from ik_host.records import Backend, Processor, Storage, Strategy, normalize_name
from ik_host.registry import (
    Registry,
    describe,
    get_registry,
    import_path,
    listing,
    resolve,
)


class Duotone:
    def process(self, img: Any) -> Any:
        return img


class OtherDuotone(Duotone):
    pass


def test_names_normalise() -> None:
    assert normalize_name("just_in_time") == normalize_name("JustInTime") == "justintime"
    assert normalize_name("just-in-time") == "justintime"


def test_lookup_by_short_name_alias_and_dotted_path() -> None:
    registry = Registry("processor")
    duotone = Processor("Duotone", Duotone, aliases=("legacy.processors.Duotone",))
    registry.add(duotone, "dist-a 1.0")
    assert registry.resolve("Duotone") is Duotone
    assert registry.resolve("duotone") is Duotone
    assert registry.resolve("legacy.processors.Duotone") is Duotone
    assert registry.resolve("collections.OrderedDict").__name__ == "OrderedDict"
    assert "DUOTONE" in registry
    assert registry.names() == ["Duotone"]


class Hints:
    """Knows where one strategy and the async backends come from, as a plugin with extras does."""

    @hookimpl
    def ik_install_hint(self, kind: str, name: str) -> str | None:
        key = normalize_name(name.rsplit(".", 1)[-1])
        if (kind, key) == ("strategy", "optimistic"):
            return "pip install ik-strategy-optimistic"
        if (kind, key) == ("strategy", "later"):
            return "pip install ik-later"
        if (kind, key) == ("backend", "celery"):
            return "pip install 'ik-extras[celery]'"
        return None


class Aliases:
    """A framework's own names for its storages, as the Django app answers STORAGES aliases."""

    media = object()

    @hookimpl
    def ik_resolve_alias(self, kind: str, name: str) -> Any | None:
        return self.media if (kind, name) == ("storage", "media") else None


def _registry(kind: str, *plugins: Any) -> Registry:
    return Registry(kind, make_plugin_manager(load_entrypoints=False, plugins=plugins).hook)


def test_unknown_name_lists_names_and_what_to_install() -> None:
    registry = _registry("strategy", Hints())
    registry.add(Strategy("just_in_time", object), "ik-defaults 0.1.0")
    with pytest.raises(UnknownComponentError) as info:
        registry.resolve("optimistic")
    message = str(info.value)
    assert "'just_in_time'" in message
    assert "install it: `pip install ik-strategy-optimistic`" in message


def test_without_a_hint_the_error_only_lists_the_names() -> None:
    registry = _registry("strategy")
    registry.add(Strategy("just_in_time", object), "ik-defaults 0.1.0")
    with pytest.raises(UnknownComponentError) as info:
        registry.resolve("eventually")
    message = str(info.value)
    assert message == (
        "no strategy is registered as 'eventually'. Registered strategys: 'just_in_time'."
    )


def test_unknown_dotted_path_says_why_and_what_to_install() -> None:
    registry = _registry("backend", Hints())
    with pytest.raises(UnknownComponentError) as info:
        registry.resolve("imagekit_nowhere.cachefiles.backends.Celery")
    assert "No module named 'imagekit_nowhere" in str(info.value)
    assert "pip install 'ik-extras[celery]'" in str(info.value)


def test_a_framework_alias_resolves_through_the_hook_before_registered_names() -> None:
    registry = _registry("storage", Aliases())
    registry.add(Storage("media", dict), "dist-a 1.0")
    registry.add(Storage("filesystem", list), "dist-a 1.0")
    assert registry.resolve("media") is Aliases.media  # the user's own name wins
    assert registry.resolve("filesystem") is list
    assert _registry("backend", Aliases()).resolve("collections.OrderedDict").__name__ == (
        "OrderedDict"
    )
    with pytest.raises(UnknownComponentError):
        _registry("state_cache", Aliases()).resolve("media")  # only for the kind it answers


def test_import_path_has_import_string_semantics() -> None:
    assert import_path("collections.abc.Mapping") is Mapping
    for bad, why in [
        ("Mapping", "not a dotted path"),
        ("collections.abc.NoSuchThing", "has no attribute 'NoSuchThing'"),
        ("ik_nowhere_at_all.Thing", "No module named 'ik_nowhere_at_all'"),
    ]:
        with pytest.raises(ImportError, match=why):
            import_path(bad)


def test_describe_and_listing_format_every_registry_message() -> None:
    assert describe(Duotone) == f"{__name__}.Duotone"
    assert listing(["b", "a"]) == "'a', 'b'"
    assert listing([]) == "none"


def test_conflicting_duplicate_names_both_providers() -> None:
    registry = Registry("processor")
    registry.add(Processor("Duotone", Duotone), "dist-a 1.0")
    with pytest.raises(DuplicateComponentError) as info:
        registry.add(Processor("duotone", OtherDuotone), "dist-b 2.0")
    message = str(info.value)
    assert "dist-a 1.0" in message and "dist-b 2.0" in message
    assert "OtherDuotone" in message


def test_same_object_twice_is_harmless() -> None:
    registry = Registry("processor")
    registry.add(Processor("Duotone", Duotone), "dist-a 1.0")
    registry.add(Processor("Duotone", Duotone), "dist-a 1.0")
    assert registry.names() == ["Duotone"]


def test_record_kind_must_match() -> None:
    with pytest.raises(TypeError):
        Registry("processor").add(Backend("simple", object))


def test_records_need_a_name() -> None:
    with pytest.raises(ValueError, match="non-empty name"):
        Processor("  ", Duotone)


class DuotonePlugin:
    @hookimpl
    def ik_register_processors(self) -> list[Processor]:
        return [Processor("Duotone", Duotone)]


def test_registered_plugin_components_resolve(register_plugin: Callable[..., Any]) -> None:
    with pytest.raises(UnknownComponentError):
        resolve("processor", "Duotone")
    register_plugin(DuotonePlugin(), name="duotone-plugin")
    assert resolve("processor", "Duotone") is Duotone
    assert resolve("processor", Duotone) is Duotone  # objects pass through
    registry = get_registry()
    assert registry.by_plugin["duotone-plugin"] == [Processor("Duotone", Duotone)]
    entry = next(e for e in registry["processor"].entries() if e.component.obj is Duotone)
    assert entry.provider == "duotone-plugin (registered in code)"


def test_two_plugins_with_one_name_fail_naming_both(register_plugin: Callable[..., Any]) -> None:
    class Rival:
        @hookimpl
        def ik_register_processors(self) -> list[Processor]:
            return [Processor("Duotone", OtherDuotone)]

    register_plugin(DuotonePlugin(), name="first")
    register_plugin(Rival(), name="second")
    with pytest.raises(DuplicateComponentError, match=r"first .*second"):
        get_registry()


def test_a_hook_that_raises_is_named(register_plugin: Callable[..., Any]) -> None:
    class Broken:
        @hookimpl
        def ik_register_backends(self) -> list[Backend]:
            raise RuntimeError("no backend today")

    register_plugin(Broken(), name="broken-backends")
    with pytest.raises(PluginLoadError) as info:
        get_registry()
    assert "broken-backends" in str(info.value)
    assert "ik_register_backends" in str(info.value)
    assert isinstance(info.value.__cause__, RuntimeError)

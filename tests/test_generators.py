"""Generators by id, source groups by generator id, and id patterns (``ik_host.generators``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ik_host.errors import AlreadyRegistered, IKError, NotRegistered
from ik_host.generators import (
    GeneratorRegistry,
    SourceGroupRegistry,
    compile_pattern,
    match_ids,
)
from ik_host.specs import ImageSpec


class Small(ImageSpec):
    format = "PNG"


class Large(ImageSpec):
    format = "JPEG"


@pytest.fixture
def registry() -> GeneratorRegistry:
    return GeneratorRegistry()


def test_a_registered_class_is_made_by_id(registry: GeneratorRegistry) -> None:
    registry.register("app:small", Small)
    registry.register("app:small", Small)  # the same class again: harmless
    spec = registry.get("app:small", source="a.png")
    assert isinstance(spec, Small) and spec.source == "a.png"
    assert registry.get_class("app:small") is Small
    assert registry.get_ids() == ["app:small"]
    assert "app:small" in registry and "app:large" not in registry
    assert registry.id_of(Small) == "app:small" and registry.id_of(Large) is None


def test_an_id_taken_by_another_class_is_refused(registry: GeneratorRegistry) -> None:
    registry.register("app:small", Small)
    with pytest.raises(AlreadyRegistered, match=r"'app:small' .* to tests\.test_generators\.Small"):
        registry.register("app:small", Large)
    registry.unregister("app:small")
    registry.register("app:small", Large)
    assert registry.get_class("app:small") is Large


def test_an_unknown_id_lists_the_known_ones(registry: GeneratorRegistry) -> None:
    registry.register("app:b", Small)
    registry.register("app:a", Large)
    with pytest.raises(NotRegistered, match=r"'app:c'. Registered ids: 'app:a', 'app:b'\."):
        registry.get("app:c")
    with pytest.raises(NotRegistered, match="Registered ids: none"):
        GeneratorRegistry().unregister("app:a")


def test_registry_errors_are_the_hosts_and_lookup_errors() -> None:
    assert issubclass(NotRegistered, IKError) and issubclass(NotRegistered, LookupError)
    assert issubclass(AlreadyRegistered, IKError)


class Group:
    def __init__(self, *names: str) -> None:
        self.names = names

    def files(self) -> Iterator[str]:
        yield from self.names


def test_source_groups_by_generator_id() -> None:
    groups = SourceGroupRegistry()
    shared, other = Group("a.png"), Group("b.png")
    groups.register("app:small", shared)
    groups.register("app:small", shared)  # once only
    groups.register("app:large", shared)  # one group may feed several ids
    groups.register("app:small", other)
    assert groups.get_source_groups("app:small") == [shared, other]
    assert groups.items() == [("app:small", shared), ("app:small", other), ("app:large", shared)]
    groups.unregister("app:small", shared)
    groups.unregister("app:small", other)
    assert groups.get_source_groups("app:small") == []
    assert groups.items() == [("app:large", shared)]
    with pytest.raises(NotRegistered, match="is not a source group of 'app:small'"):
        groups.unregister("app:small", shared)


@pytest.mark.parametrize(
    ("pattern", "matches", "misses"),
    [
        ("a:b:c", ["a:b:c", "a:b:c:d"], ["a:b:cd", "a:b", "xa:b:c"]),
        ("a:*:c", ["a:b:c", "a::c", "a:bee:c", "a:b:c:d"], ["a:b:b:c", "a:b:cd"]),
        ("a:*", ["a:b", "a:b:c", "a:b:c:d"], ["a", "b:a", "ab:c"]),
        ("a:**", ["a:b", "a:b:c:d"], ["b:a", "a"]),
        ("**:c", ["a:c", "a:b:c"], ["a:cc"]),
        ("a.b:*", ["a.b:c"], ["axb:c"]),
    ],
)
def test_pattern_language(pattern: str, matches: list[str], misses: list[str]) -> None:
    regex = compile_pattern(pattern)
    assert all(regex.match(generator_id) for generator_id in matches)
    assert not any(regex.match(generator_id) for generator_id in misses)


def test_match_ids_keeps_order_and_reports_misses() -> None:
    assert match_ids(["b:*", "a:x", "zz:*"], ["a:x", "b:1", "b:2"]) == (
        ["b:1", "b:2", "a:x"],
        ["zz:*"],
    )

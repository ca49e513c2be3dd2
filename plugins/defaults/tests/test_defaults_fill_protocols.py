"""The shipped defaults fill the contracts of ``ik_host.protocols``: the required Protocol of
their role, the optional ones the host and the other plugins rely on them for, and none they
would be wrongly taken for (``generateimages --async`` asks a backend that can ``schedule``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from ik_defaults import FileSystemStorage, JustInTime, MemoryStateCache, Simple
from ik_defaults import cachefile_namers as default_namers
from ik_host import protocols as p
from tests.protocol_checks import signature_problems

# (make the object, its role, the optional Protocols it fills)
CASES: list[tuple[str, Callable[[], Any], str, set[type]]] = [
    ("JustInTime", JustInTime, "strategy", {p.ExistenceStrategy, p.ContentStrategy}),
    (
        "Simple",
        Simple,
        "backend",
        {
            p.RecordingBackend,
            p.PlaceholderBackend,
            p.StateBackend,
            p.ImmediateBackend,
            p.RequestBackend,
            p.KeyedBackend,
        },
    ),
    ("FileSystemStorage", FileSystemStorage, "storage", set()),
    ("MemoryStateCache", MemoryStateCache, "state_cache", {p.BulkStateCache}),
    *[
        (name, lambda name=name: getattr(default_namers, name), "namer", set())
        for name in ("hash", "source_name_as_path", "source_name_dot_hash")
    ],
]


@pytest.mark.parametrize(("label", "make", "role", "fills"), CASES, ids=[c[0] for c in CASES])
def test_fills_its_role_and_exactly_the_optional_protocols_it_claims(
    label: str, make: Callable[[], Any], role: str, fills: set[type]
) -> None:
    obj = make()
    required, optional = p.ROLES[role]
    assert isinstance(obj, required)
    assert signature_problems(obj, required) == []
    for protocol in optional:
        if protocol in fills:
            assert isinstance(obj, protocol), protocol.__name__
            assert signature_problems(obj, protocol) == [], protocol.__name__
        else:
            assert not isinstance(obj, protocol), f"{label} unexpectedly is a {protocol.__name__}"


def test_simple_is_not_taken_for_a_queue_backend() -> None:
    # generateimages --async and the system check tell queue backends by these Protocols.
    assert not isinstance(Simple(), p.SchedulingBackend)
    assert not isinstance(Simple, p.QueueLibraryBackend)


def test_a_broken_default_would_be_caught() -> None:
    class Renamed(Simple):
        def get_record(self, cachefile: Any, check_if_unknown: bool = True) -> Any:  # type: ignore[override]
            return super().get_record(cachefile, check_if_unknown)

    assert signature_problems(Renamed(), p.Backend) == [
        "get_record: names parameter 1 'cachefile', not 'file'"
    ]

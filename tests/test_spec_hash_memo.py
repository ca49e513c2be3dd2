"""The spec-hash memo must never answer for a spec whose class attributes were replaced."""

from __future__ import annotations

from ik_host import specs
from ik_host.specs import ImageSpec


class Scale:
    def __init__(self, factor: int) -> None:
        self.factor = factor

    def process(self, image):
        return image


class Spec(ImageSpec):
    processors = [Scale(1)]
    format = "JPEG"


def _list_at(address: int, factor: int) -> list:
    """A new processors list, at ``address`` if the allocator gives one there (CPython reuses a
    freed list's memory for the next list); the misses are kept alive so they cannot be reused."""
    candidate = [Scale(factor)]  # first: any other list made before it could take the address
    misses = []
    while id(candidate) != address and len(misses) < 1000:
        misses.append(candidate)
        candidate = [Scale(factor)]
    return candidate


def test_a_reassigned_processors_list_gets_its_own_hash_even_at_a_reused_address():
    first = Spec("photos/a.jpg").get_hash()
    address = id(Spec.processors)
    try:
        Spec.processors = None  # the first list is freed here
        Spec.processors = _list_at(address, factor=2)

        class Fresh(ImageSpec):
            processors = [Scale(2)]
            format = "JPEG"

        expected = Fresh("photos/a.jpg").get_hash()
        assert expected != first
        assert Spec("photos/a.jpg").get_hash() == expected
    finally:
        Spec.processors = [Scale(1)]


def test_equal_specs_still_share_one_hash_computation(monkeypatch):
    calls = []
    original = specs.named_spec_hash

    def counting(*args):
        calls.append(args)
        return original(*args)

    monkeypatch.setattr(specs, "named_spec_hash", counting)
    hashes = {Spec("photos/shared.jpg").get_hash() for _ in range(3)}
    assert len(hashes) == 1 and len(calls) == 1

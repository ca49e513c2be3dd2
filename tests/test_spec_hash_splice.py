"""named_spec_hash pickles a spec's shaping once and splices each source name in: its digests
are spec_hash's, byte for byte, for every name."""

from __future__ import annotations

import pytest

from ik_host.hashing import named_spec_hash, spec_hash
from ik_host.specs import ImageSpec
from ik_host.testing import Shrink, Thumbnail

NAMES = [
    "photos/a.jpg",
    "",
    "ünïcødé/é.png",
    "back\\slash.jpg",
    "new\nline.jpg",
    "nul\x00.jpg",
    "dos\x1aeof\r.jpg",
    "😀/" + "x" * 300 + ".jpg",
    "\ue000ik-source-name\ue000",
    "lone\ud800surrogate.jpg",
]

RESTS = [
    [[Shrink(40, 30)], "JPEG", {"quality": 60}, True],
    [[], None, None, False],
    [[Shrink(1, 2), Shrink(3, 4)], "PNG", {"optimize": True, "a": [1, 2]}, True],
]


@pytest.mark.parametrize("rest", RESTS, ids=range(len(RESTS)))
@pytest.mark.parametrize("name", NAMES, ids=range(len(NAMES)))
def test_spliced_digests_equal_whole_pickles(name: str, rest: list) -> None:
    key = ("splice-test", id(rest))
    assert named_spec_hash(key, name, rest) == spec_hash([name, *rest])


def test_a_name_equal_to_a_string_inside_the_spec_is_pickled_whole() -> None:
    shared = "JPEG"
    rest = [[Shrink()], shared, {"note": "photos/a.jpg"}, True]
    for name in ("JPEG", "photos/a.jpg", "other.jpg"):
        assert named_spec_hash(("shared-test",), name, rest) == spec_hash([name, *rest])


def test_a_spec_named_twice_by_source_gets_django_imagekits_hash() -> None:
    for name in NAMES[:4]:
        spec = Thumbnail(source=None)
        spec.source = None
        expected = spec_hash([name, *spec._shaping()])

        class Named(Thumbnail):
            source_name = name  # type: ignore[assignment]

        assert Named(source=None).get_hash() == expected
        assert ImageSpec.compute_hash(Named(source=None)) == expected

"""The fakes of ``tests/host_fakes.py`` and the ``Shrink`` of ``ik_host.testing`` fill the roles
they stand in for, as the Protocols say, and bring in no plugin and no image library."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from ik_host import protocols
from ik_host.components import get_backend, get_engine, get_namer, get_storage, get_strategy
from ik_host.config import get_config
from ik_host.errors import SourceImageError
from ik_host.plugins import get_plugin_manager
from ik_host.records import Job
from ik_host.registry import get_registry
from ik_host.testing import Shrink, only_plugins
from tests.host_fakes import (
    FakeBackend,
    FakeComponents,
    FakeEngine,
    Fakes,
    FakeStrategy,
    MemoryStateCache,
    MemoryStorage,
)
from tests.protocol_checks import signature_problems

CONFORMANCE = [
    (MemoryStorage(), protocols.Storage),
    (MemoryStateCache(), protocols.StateCache),
    (MemoryStateCache(), protocols.BulkStateCache),
    (FakeEngine(), protocols.Engine),
    (FakeBackend(), protocols.Backend),
    (FakeBackend(), protocols.RecordingBackend),
    (FakeStrategy(), protocols.Strategy),
    (FakeStrategy(), protocols.ExistenceStrategy),
    (FakeStrategy(), protocols.ContentStrategy),
    (Shrink(), protocols.Processor),
    (Shrink(), protocols.SizeHintProcessor),
]


@pytest.mark.parametrize(
    ("fake", "protocol"),
    CONFORMANCE,
    ids=[f"{type(f).__name__}-{p.__name__}" for f, p in CONFORMANCE],
)
def test_each_fake_fills_its_protocol(fake: Any, protocol: type) -> None:
    assert isinstance(fake, protocol)
    assert signature_problems(fake, protocol) == []


def test_the_generated_image_is_an_encoded_image() -> None:
    image = FakeEngine().generate(Job("a.jpg", format="JPEG"))
    assert isinstance(image, protocols.EncodedImage)
    assert signature_problems(image, protocols.EncodedImage) == []
    assert (image.format, image.width, image.height) == ("JPEG", 64, 48)


def test_the_engine_runs_the_processors_and_reads_its_own_header_back() -> None:
    class Half:
        def process(self, image: Any) -> Any:
            width, height = image.size
            return image.resize((width // 2, height // 2))

    engine = FakeEngine(source_size=(100, 60))
    image = engine.generate(Job("a.png", [Half(), Half()]))
    assert (image.width, image.height, image.format) == (25, 15, "PNG")
    assert engine.image_size(image, name="out.png") == (25, 15)
    with pytest.raises(SourceImageError, match=r"out\.png"):
        engine.image_size(io.BytesIO(b"GIF89a"), name="out.png")


def test_the_state_cache_adds_once() -> None:
    cache = MemoryStateCache()
    assert cache.add("k", 1) is True and cache.add("k", 2) is False
    assert cache.get("k") == 1 and cache.get_many(["k", "x"]) == {"k": 1}
    cache.delete("k")
    assert cache.get("k", "gone") == "gone"


def test_only_the_plugins_given_are_registered() -> None:
    with only_plugins(FakeComponents()) as pm:
        assert get_plugin_manager() is pm
        assert len(pm.get_plugins()) == 1
        assert get_registry("backend").names() == ["fake"]
    assert get_plugin_manager() is not pm


def test_the_fixture_puts_its_fakes_in_force(ik_fakes: Fakes) -> None:
    assert get_config().storage is ik_fakes.storage
    assert get_storage() is ik_fakes.storage
    assert get_backend() is ik_fakes.backend and get_strategy() is ik_fakes.strategy
    assert get_engine() is ik_fakes.engine
    assert get_namer(None, for_spec=True).__name__ == "fake_namer"
    assert isinstance(get_backend("fake"), FakeBackend)  # by name, from FakeComponents


def test_the_fakes_import_no_plugin_and_no_image_library() -> None:
    code = (
        "import sys, ik_host.testing, tests.host_fakes; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & "
        "{'PIL', 'django', 'imagekit', 'ik_defaults', 'ik_processors_pilkit', 'pilkit'}))"
    )
    root = Path(__file__).resolve().parents[1]  # where ``tests`` imports from
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"

"""ik-processors-vips is found through its entry point and registers the ``vips`` engine."""

from __future__ import annotations

import pytest

from ik_host import protocols
from ik_host.cli import plugin_report
from ik_host.components import get_engine
from ik_host.plugins import make_plugin_manager, use_plugin_manager
from ik_host.registry import get_registry
from ik_processors_vips import VipsEngine, vips_hooks
from tests.protocol_checks import signature_problems


def test_hook_registers_the_vips_engine() -> None:
    [record] = vips_hooks.ik_register_engines()
    assert record.name == "vips" and record.obj is VipsEngine and record.kind == "engine"


def test_discovered_through_its_entry_point(monkeypatch: pytest.MonkeyPatch) -> None:
    # This distribution and the defaults only: other installed plugins may need their own setup.
    monkeypatch.setenv("IK_HOST_LOAD_PLUGINS", "processors_vips,defaults")
    use_plugin_manager(make_plugin_manager())
    try:
        report = {entry["name"]: entry for entry in plugin_report()}
        entry = report["processors_vips"]
        assert entry["distribution"] == "ik-processors-vips"
        assert entry["version"] == "0.1.0"
        assert entry["hooks"] == ["ik_register_engines"]
        assert entry["components"] == {"engine": ["vips"]}
        assert get_registry("engine").resolve("vips") is VipsEngine
        assert isinstance(get_engine("vips"), VipsEngine)
        assert get_engine("vips") is get_engine("vips")  # instantiated once
    finally:
        use_plugin_manager(None)


def test_the_vips_engine_fills_the_engine_contract() -> None:
    engine = VipsEngine()
    assert isinstance(engine, protocols.Engine)
    assert signature_problems(engine, protocols.Engine) == []

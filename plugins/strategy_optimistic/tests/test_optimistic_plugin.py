"""ik-strategy-optimistic is found through its entry point and acts only on source saves."""

from __future__ import annotations

import subprocess
import sys

from ik_host.cli import plugin_report
from ik_host.registry import get_registry
from ik_strategy_optimistic import Optimistic


class FakeFile:
    def __init__(self) -> None:
        self.generated = 0

    def generate(self, force: bool = False) -> None:
        self.generated += 1


def test_discovered_with_its_strategy() -> None:
    report = {entry["name"]: entry for entry in plugin_report()}
    assert report["strategy_optimistic"]["distribution"] == "ik-strategy-optimistic"
    assert report["strategy_optimistic"]["components"] == {"strategy": ["optimistic"]}
    registry = get_registry("strategy")
    assert registry.resolve("optimistic") is Optimistic
    assert registry.resolve("imagekit.cachefiles.strategies.Optimistic") is Optimistic


def test_generates_on_source_saved_and_never_on_access() -> None:
    strategy, file = Optimistic(), FakeFile()
    assert not hasattr(strategy, "on_existence_required")
    assert not hasattr(strategy, "on_content_required")
    strategy.on_source_saved(file)
    assert file.generated == 1


def test_blocked_plugin_gives_the_install_hint() -> None:
    code = "from ik_host.registry import resolve; resolve('strategy', 'optimistic')"
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={"IK_HOST_DISABLE_PLUGINS": "strategy_optimistic", "PATH": ""},
    )
    assert result.returncode == 1
    assert "pip install ik-strategy-optimistic" in result.stderr

"""Plugins found through entry points: listing, blocking, broken plugins, a real install."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import venv
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
WATERMARK = ROOT / "tests" / "fixtures" / "ik_test_watermark"


def run(
    python: str | Path, *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(python), *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        cwd=cwd,
        timeout=300,
    )


def plugin_names(python: str | Path, env: dict[str, str] | None = None) -> dict[str, dict]:
    result = run(python, "-m", "ik_host", "plugins", "--json", env=env)
    assert result.returncode == 0, result.stderr
    return {entry["name"]: entry for entry in json.loads(result.stdout)}


def test_defaults_are_found_like_any_plugin() -> None:
    plugins = plugin_names(sys.executable)
    defaults = plugins["defaults"]
    assert defaults["distribution"] == "ik-defaults"
    assert defaults["components"]["backend"] == ["simple"]
    assert "ik_register_strategies" in defaults["hooks"]
    assert plugins["strategy_optimistic"]["components"]["strategy"] == ["optimistic"]


def test_text_listing_names_distribution_and_components() -> None:
    result = run(sys.executable, "-m", "ik_host", "plugins")
    assert result.returncode == 0, result.stderr
    assert "defaults  (ik-defaults 0.1.0)" in result.stdout
    assert "strategy: just_in_time" in result.stdout


@pytest.mark.parametrize("blocked", ["strategy_optimistic", "ik-strategy-optimistic"])
def test_blocking_a_plugin_by_env_removes_its_components(blocked: str) -> None:
    env = {"IK_HOST_DISABLE_PLUGINS": f"something-else, {blocked}"}
    plugins = plugin_names(sys.executable, env)
    assert "strategy_optimistic" not in plugins
    assert "defaults" in plugins
    code = "from ik_host.registry import resolve; resolve('strategy', 'optimistic')"
    result = run(sys.executable, "-c", code, env=env)
    assert result.returncode != 0
    assert "pip install ik-strategy-optimistic" in result.stderr


def test_allow_list_loads_only_the_plugins_named() -> None:
    assert set(plugin_names(sys.executable, {"IK_HOST_LOAD_PLUGINS": "defaults"})) == {"defaults"}
    assert plugin_names(sys.executable, {"IK_HOST_LOAD_PLUGINS": ""}) == {}


def _fake_distribution(site: Path, name: str, version: str, entry_points: str) -> None:
    info = site / f"{name.replace('-', '_')}-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
    (info / "entry_points.txt").write_text(entry_points)


def test_broken_plugin_error_names_entry_point_distribution_and_cause(tmp_path: Path) -> None:
    _fake_distribution(tmp_path, "ik-broken", "9.9.1", "[ik_host]\nbroken = ik_broken_mod\n")
    (tmp_path / "ik_broken_mod.py").write_text("raise ImportError('needs libfoo >= 2')\n")
    result = run(sys.executable, "-m", "ik_host", "plugins", env={"PYTHONPATH": str(tmp_path)})
    assert result.returncode != 0
    assert "PluginLoadError" in result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert "'broken'" in last and "ik-broken 9.9.1" in last and "needs libfoo >= 2" in last
    assert "The above exception was the direct cause" in result.stderr  # the cause is chained


def test_misspelt_hookimpl_fails_loudly(tmp_path: Path) -> None:
    _fake_distribution(tmp_path, "ik-typo", "0.0.1", "[ik_host]\ntypo = ik_typo_mod\n")
    (tmp_path / "ik_typo_mod.py").write_text(
        textwrap.dedent("""
        from ik_host import hookimpl

        @hookimpl
        def ik_register_procesors():
            return []
    """)
    )
    result = run(sys.executable, "-m", "ik_host", "plugins", env={"PYTHONPATH": str(tmp_path)})
    assert result.returncode != 0
    assert "ik_register_procesors" in result.stderr


@pytest.fixture(scope="module")
def throwaway_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A fresh virtualenv with the host, the defaults, the Pillow engine and the test plugin
    pip-installed (no editable installs, no Django)."""
    where = tmp_path_factory.mktemp("throwaway-env")
    venv.EnvBuilder(with_pip=True).create(where)
    python = where / "bin" / "python"
    result = run(
        python,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        str(ROOT),
        str(ROOT / "plugins" / "defaults"),
        str(ROOT / "plugins" / "processors_pilkit"),
        str(WATERMARK),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    yield python


def test_installed_plugin_is_listed_and_resolvable(throwaway_env: Path) -> None:
    plugins = plugin_names(throwaway_env)
    assert plugins["test_watermark"]["distribution"] == "ik-test-watermark"
    assert plugins["test_watermark"]["version"] == "0.3.0"
    assert plugins["test_watermark"]["components"] == {"processor": ["Watermark"]}
    blocked = plugin_names(throwaway_env, {"IK_HOST_DISABLE_PLUGINS": "ik-test-watermark"})
    assert "test_watermark" not in blocked and "defaults" in blocked


ROUND_TRIP = """
import sys
from PIL import Image
from ik_host.cachefile import CacheFile
from ik_host.registry import resolve
from ik_host.specs import ImageSpec

Image.new("RGB", (300, 200), (200, 0, 0)).save("source.png")
Watermark = resolve("processor", "Watermark")

class Stamped(ImageSpec):
    processors = [Watermark(size=10)]
    format = "PNG"

file = CacheFile(Stamped(source=open("source.png", "rb")))
print(file.url)
with Image.open(file.path) as out:
    assert out.getpixel((5, 5)) == (0, 255, 0), out.getpixel((5, 5))
    assert out.getpixel((50, 50)) == (200, 0, 0)
assert "django" not in sys.modules, "the host imported Django"
print("ok", file.width, file.height)
"""


def test_round_trip_without_django_installed(throwaway_env: Path, tmp_path: Path) -> None:
    assert run(throwaway_env, "-c", "import django").returncode != 0
    result = run(throwaway_env, "-c", ROUND_TRIP, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0].startswith("/media/CACHE/images/source/")
    assert result.stdout.splitlines()[-1] == "ok 300 200"
    assert list((tmp_path / "media" / "CACHE" / "images" / "source").glob("*.png"))


def test_round_trip_here_leaves_django_unimported(tmp_path: Path) -> None:
    code = ROUND_TRIP.replace(
        'Watermark = resolve("processor", "Watermark")',
        textwrap.dedent("""
        class Watermark:
            def __init__(self, size):
                self.size = size
            def process(self, img):
                img = img.convert("RGB")
                img.paste((0, 255, 0), (0, 0, self.size, self.size))
                return img
    """),
    )
    only = {"IK_HOST_LOAD_PLUGINS": "defaults,processors_pilkit"}  # the engine and defaults
    result = run(sys.executable, "-c", code, cwd=tmp_path, env=only)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "ok 300 200"

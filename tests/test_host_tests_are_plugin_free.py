"""The host's tests stand on the host alone: no module in ``tests/`` imports a plugin, the
Django app, Pillow or another image library. They use the fakes of ``tests/host_fakes.py``; a
test of a plugin's behaviour lives in ``plugins/<name>/tests/``.

Only the top level of ``tests/`` is scanned: ``tests/differential/``, ``tests/e2e/`` and
``tests/docs/`` are integration suites by nature (django-imagekit side by side with the Django
app; a demo site in a browser; the documentation's examples run as written)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TESTS = ROOT / "tests"

# The import packages of every distribution under plugins/ (the Django app's is ``imagekit``),
# and the image and web libraries the plugins bring.
PLUGIN_PACKAGES = sorted(path.parent.name for path in ROOT.glob("plugins/*/*/__init__.py"))
LIBRARIES = ["PIL", "django", "pilkit", "pyvips"]
FORBIDDEN = PLUGIN_PACKAGES + LIBRARIES

ALLOWED = {
    # Not a test: the bad-input corpus, drawn with Pillow, shared by the plugins' tests.
    "badinput.py": "the shared corpus of broken images, made with Pillow",
    # Its script installs the example plugin in a throwaway environment and generates through
    # the installed plugins in a subprocess: an install check, importing Pillow there.
    "test_plugins.py": "an end-to-end install check run in a throwaway environment",
}

_FROM = re.compile(r"^\s*from\s+(\w+)", re.MULTILINE)
_IMPORT = re.compile(r"^\s*import\s+([\w., ]+)", re.MULTILINE)


def forbidden_imports(text: str) -> list[str]:
    """The forbidden top-level packages ``text`` imports (code in strings included: a
    subprocess script imports as much as the test does)."""
    found = set(_FROM.findall(text))
    for names in _IMPORT.findall(text):
        found.update(name.split()[0].split(".")[0] for name in names.split(",") if name.strip())
    return sorted(found & set(FORBIDDEN))


def test_the_plugins_are_found() -> None:
    assert {"ik_defaults", "ik_processors_pilkit", "imagekit"} <= set(PLUGIN_PACKAGES)


@pytest.mark.parametrize(
    "path",
    [path for path in sorted(TESTS.glob("*.py")) if path.name not in ALLOWED],
    ids=lambda path: path.name,
)
def test_no_host_test_imports_a_plugin(path: Path) -> None:
    assert forbidden_imports(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("name", sorted(ALLOWED))
def test_each_exception_is_still_needed(name: str) -> None:
    path = TESTS / name
    assert path.exists(), f"{name} is gone: drop it from ALLOWED"
    assert forbidden_imports(path.read_text(encoding="utf-8")), f"{name} imports no plugin now"


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("from ik_defaults import FileSystemStorage\n", ["ik_defaults"]),
        ("import ik_defaults.cachefile_namers as namers\n", ["ik_defaults"]),
        ("    from PIL import Image\n", ["PIL"]),
        ("import imagekit\n", ["imagekit"]),
        ("from imagekit.cachefiles import ImageCacheFile\n", ["imagekit"]),
        ("import os, django\n", ["django"]),
        ("import PIL.Image as Image\n", ["PIL"]),
        ("from tests.host_fakes import MemoryStorage\n", []),
        ("from ik_defaultsy import x\n", []),
        ("# the defaults (ik_defaults) are not imported here\n", []),
    ],
)
def test_the_scan_finds_imports_and_only_imports(text: str, found: list[str]) -> None:
    assert forbidden_imports(text) == found

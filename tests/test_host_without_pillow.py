"""The host is Pillow-free and Django-free: every module of ``ik_host`` imports without either,
its distribution does not require them, and what it needs of an image it asks the engine."""

from __future__ import annotations

import io
import pkgutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import ik_host
from ik_host.cachefile import CacheFile
from ik_host.config import set_config
from ik_host.records import GeneratedImage, Job
from ik_host.specs import ImageSpec
from tests.host_fakes import Fakes

ROOT = Path(__file__).resolve().parents[1]

# Run in a fresh interpreter: PIL and django raise ImportError however they are imported, so a
# module of ik_host that needs either fails here even where both are installed.
IMPORT_EVERY_MODULE = """
import importlib, pkgutil, sys

class Unimportable:
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in ("PIL", "django"):
            raise ImportError(f"{name} is unimportable in this test")
        return None

sys.meta_path.insert(0, Unimportable())
import ik_host
# __main__ runs the command line when imported; what it imports is ik_host.cli, imported here.
names = [
    info.name
    for info in pkgutil.walk_packages(ik_host.__path__, "ik_host.")
    if info.name != "ik_host.__main__"
]
for name in names:
    importlib.import_module(name)
loaded = sorted(m for m in sys.modules if m.partition(".")[0] in ("PIL", "django"))
assert not loaded, loaded
print(len(names), "modules")
"""


def test_every_host_module_imports_without_pillow_or_django() -> None:
    result = subprocess.run(
        [sys.executable, "-c", IMPORT_EVERY_MODULE],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    expected = len(list(pkgutil.walk_packages(ik_host.__path__, "ik_host."))) - 1  # __main__
    assert result.stdout.split() == [str(expected), "modules"]


def test_the_finder_in_that_test_does_refuse_pillow() -> None:
    """The import check above can fail: the same finder makes importing PIL an error."""
    code = IMPORT_EVERY_MODULE.replace("import ik_host\n", "import PIL\nimport ik_host\n", 1)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode != 0 and "PIL is unimportable" in result.stderr


def _requirement_names(pyproject: Path) -> set[str]:
    project = tomllib.loads(pyproject.read_text())["project"]
    names = set()
    for requirement in project.get("dependencies", []):
        name = requirement.split(";")[0]
        for stop in "<>=!~[ ":
            name = name.split(stop)[0]
        names.add(name.strip().lower())
    return names


def test_ik_host_does_not_require_pillow_or_django() -> None:
    names = _requirement_names(ROOT / "pyproject.toml")
    assert "pluggy" in names  # the parsing reads the real list
    assert "pillow" not in names and "django" not in names, names


class HeaderOnlyEngine:
    """An engine with no image library: sizes come from it, and only from it."""

    def __init__(self) -> None:
        self.sized: list[str | None] = []

    def generate(self, job: Job) -> GeneratedImage:
        raise AssertionError("nothing is generated in this test")

    def image_size(self, file: Any, *, name: str | None = None) -> tuple[int, int]:
        self.sized.append(name)
        return (7, 5)


def test_dimensions_of_a_stored_file_come_from_the_engine(ik_fakes: Fakes) -> None:
    engine = HeaderOnlyEngine()
    set_config(ik_fakes.config(engine=engine))
    source = io.BytesIO(b"never read")
    source.name = "photos/cat.png"
    spec = ImageSpec(source=source)
    spec.format = "PNG"
    file = CacheFile(spec)
    ik_fakes.storage.save(file.name, io.BytesIO(b"made elsewhere: no sizes recorded"))
    assert file.dimensions == (7, 5)
    assert (file.width, file.height) == (7, 5)
    assert engine.sized == [file.name]  # asked once, then remembered


def test_a_spec_with_its_own_engine_is_sized_by_it(ik_fakes: Fakes) -> None:
    configured, own = HeaderOnlyEngine(), HeaderOnlyEngine()
    set_config(ik_fakes.config(engine=configured))
    source = io.BytesIO(b"never read")
    source.name = "photos/dog.png"
    spec = ImageSpec(source=source)
    spec.format, spec.engine = "PNG", own
    file = CacheFile(spec)
    ik_fakes.storage.save(file.name, io.BytesIO(b"made elsewhere"))
    assert file.dimensions == (7, 5)
    assert (own.sized, configured.sized) == ([file.name], [])

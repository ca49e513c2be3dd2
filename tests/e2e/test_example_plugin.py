"""The docs' example plugin (examples/ik-example-sepia): pip-installed, listed, used by name."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

import pytest

from tests.e2e.conftest import ROOT, example_env

INSTALL = "pip install ./examples/ik-example-sepia (requirements-dev.txt does)"


@pytest.fixture(scope="module")
def sepia_distribution():
    try:
        return distribution("ik-example-sepia")
    except PackageNotFoundError:
        pytest.fail(f"ik-example-sepia is not installed in {sys.prefix}: {INSTALL}")


def test_installed_by_pip_not_editable(sepia_distribution) -> None:
    direct_url = json.loads(sepia_distribution.read_text("direct_url.json") or "{}")
    assert not direct_url.get("dir_info", {}).get("editable"), (
        f"ik-example-sepia is an editable install; install it as users would: {INSTALL}"
    )
    module = Path(sepia_distribution.locate_file("ik_example_sepia/__init__.py"))
    assert module.is_file() and ROOT / "examples" not in module.parents, module


def test_listed_by_the_host_with_its_processor(sepia_distribution) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ik_host", "plugins", "--json"],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr
    plugins = {entry["name"]: entry for entry in json.loads(result.stdout)}
    assert "example_sepia" in plugins, f"not listed; installed plugins: {sorted(plugins)}"
    entry = plugins["example_sepia"]
    assert entry["distribution"] == "ik-example-sepia"
    assert entry["version"] == sepia_distribution.version == "0.1.0"
    assert entry["hooks"] == ["ik_register_processors"]
    assert entry["components"] == {"processor": ["Sepia"]}
    text = subprocess.run(
        [sys.executable, "-m", "ik_host", "plugins"],
        capture_output=True, text=True, timeout=120, check=True,
    ).stdout
    assert "example_sepia  (ik-example-sepia 0.1.0)" in text


# Runs in the example project: a Photo's `sepia` spec field, made through the plugin's Sepia.
IN_THE_EXAMPLE_SITE = textwrap.dedent("""
    import io
    import django
    django.setup()

    from PIL import Image
    from ik_example_sepia import Sepia
    from gallery.models import Photo

    buffer = io.BytesIO()
    Image.new("RGB", (900, 600), (20, 110, 160)).save(buffer, "JPEG", quality=90)
    photo = Photo(title="Blue")
    photo.attach_image("blue.jpg", buffer.getvalue())

    sepia = photo.sepia
    used = [type(p) for p in sepia.generator.processors]
    assert Sepia in used, used
    sepia.generate()
    with Image.open(sepia.path) as img:
        print(img.size, img.convert("RGB").getpixel((100, 100)))
""")


def test_its_processor_runs_in_the_example_sites_spec(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", IN_THE_EXAMPLE_SITE],
        cwd=ROOT / "example",
        env=example_env(tmp_path / "db.sqlite3", tmp_path / "media"),
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr
    size, pixel = result.stdout.strip().split(") (")
    assert size == "(480, 320"  # ResizeToFit(480, 480) before Sepia
    red, green, blue = (int(part) for part in pixel.rstrip(")").split(","))
    assert red > green > blue, "the blue picture should have come out brown"
    assert list((tmp_path / "media" / "CACHE" / "images" / "photos" / "blue").glob("*.jpg"))

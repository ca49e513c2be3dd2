"""``bash scripts/demo.sh``: what it prints, what it leaves behind, and running it twice."""

from __future__ import annotations

import importlib.util
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from tests.e2e.conftest import ROOT, DemoSite, example_env


def test_serving_prints_the_address_after_setting_everything_up(demo_site: DemoSite) -> None:
    log = demo_site.log.read_text()
    steps = ["migrating", "adding the sample photos", "generating", "serving the demo"]
    positions = [log.find(step) for step in steps]
    assert -1 not in positions and positions == sorted(positions), log
    assert "generated, 0 failed" in log
    assert f"Gallery   {demo_site.url}/" in log
    assert f"Admin     {demo_site.url}/admin/" in log


def run_demo(database: Path, media_root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "scripts/demo.sh", "--no-install", "--no-serve"],
        cwd=ROOT,
        env=example_env(database, media_root),
        capture_output=True, text=True, timeout=300, check=False,
    )


def test_no_serve_sets_up_and_stops_and_a_second_run_adds_nothing(tmp_path: Path) -> None:
    database, media = tmp_path / "db.sqlite3", tmp_path / "media"
    first = run_demo(database, media)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "added" in first.stdout and "generated, 0 failed" in first.stdout
    assert "runserver" in first.stdout.splitlines()[-1]  # says how to serve, does not serve
    with sqlite3.connect(database) as connection:
        photos = connection.execute("SELECT count(*) FROM gallery_photo").fetchone()[0]
    assert photos >= 4
    cache_files = sorted((media / "CACHE").rglob("*.jpg"))
    assert len(cache_files) == 4 * photos  # thumbnail, display, sepia and gallery:medium each

    second = run_demo(database, media)
    assert second.returncode == 0, second.stdout + second.stderr
    assert "all there already" in second.stdout
    assert sorted((media / "CACHE").rglob("*.jpg")) == cache_files


def test_unknown_option_is_refused() -> None:
    result = subprocess.run(
        ["bash", "scripts/demo.sh", "--serve-forever"],
        cwd=ROOT, capture_output=True, text=True, timeout=30, check=False,
    )
    assert result.returncode == 2 and "unknown option '--serve-forever'" in result.stderr


@pytest.fixture
def samples_module():
    path = ROOT / "example" / "gallery" / "samples.py"
    spec = importlib.util.spec_from_file_location("demo_samples", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_without_scikit_image_the_samples_are_drawn(samples_module, monkeypatch) -> None:
    monkeypatch.setattr(samples_module, "have_skimage", lambda: False)
    drawn = list(samples_module.samples())
    assert [sample.title for sample in drawn] == ["Badge", "Checkerboard", "Tower", "Sunset"]
    assert all(sample.image.mode == "RGB" for sample in drawn)
    assert samples_module.to_jpeg(drawn[0].image)[:2] == b"\xff\xd8"


def test_photos_are_read_from_the_installed_package_files(
    samples_module, monkeypatch, tmp_path: Path
) -> None:
    # Stand in for scikit-image's installed `skimage/data/` with two of its files present.
    (tmp_path / "data").mkdir()
    Image.new("RGB", (512, 512), "orange").save(tmp_path / "data" / "astronaut.png")
    Image.new("L", (640, 427), 90).save(tmp_path / "data" / "rocket.jpg")
    monkeypatch.setattr(samples_module, "files", lambda package: tmp_path)
    monkeypatch.setattr(samples_module, "have_skimage", lambda: True)
    photos = list(samples_module.samples())
    assert [(p.title, p.filename, p.image.size, p.image.mode) for p in photos] == [
        ("Astronaut", "astronaut.jpg", (512, 512), "RGB"),
        ("Rocket launch", "rocket.jpg", (640, 427), "RGB"),
    ]


def test_install_step_puts_only_what_the_demo_runs_in_a_fresh_venv(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    env = {
        **example_env(tmp_path / "db.sqlite3", tmp_path / "media"),
        "IK_DEMO_PYTHON": str(venv / "bin" / "python"),
        "IK_DIST_DIR": str(tmp_path / "dist"),
        "IK_PYTHON": sys.executable,
    }
    result = subprocess.run(
        ["bash", "scripts/demo.sh", "--no-serve"], cwd=ROOT, env=env,
        capture_output=True, text=True, timeout=900, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "generated, 0 failed" in result.stdout
    listed = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "list", "--format=json"],
        capture_output=True, text=True, check=True,
    )
    installed = {item["name"].lower() for item in json.loads(listed.stdout)}
    assert {"ik-django", "ik-example-sepia", "django", "pillow"} <= installed
    assert not installed & {"pytest", "ruff", "hypothesis", "moto", "playwright", "celery"}

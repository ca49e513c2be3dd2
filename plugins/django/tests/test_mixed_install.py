"""django-imagekit installed next to ik-django: ``check`` reports it, anything else refuses
to start. Faked in this process by replacing the metadata lookup, and in child processes by a
``django_imagekit-6.1.1.dist-info`` directory on their path, which is all pip leaves to find."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.checks import run_checks
from django.core.exceptions import ImproperlyConfigured

from imagekit import checks

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def mixed(monkeypatch):
    def distribution(name):
        if name == "django-imagekit":
            return SimpleNamespace(version="6.1.1")
        raise checks.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(checks.metadata, "distribution", distribution)
    checks.mixed_install.cache_clear()
    yield
    checks.mixed_install.cache_clear()


def assert_says_the_fix(message: str) -> None:
    assert "django-imagekit 6.1.1 is installed next to ik-django" in message
    assert "pip uninstall django-imagekit" in message
    assert "pip install --force-reinstall ik-django" in message


def test_a_clean_install_passes():
    assert checks.mixed_install() is None
    assert [m for m in run_checks() if m.id == "imagekit.E005"] == []
    checks.refuse_mixed_install()


def test_check_reports_django_imagekit(mixed):
    [error] = [m for m in run_checks() if m.id == "imagekit.E005"]
    assert error.is_serious()
    assert_says_the_fix(error.msg)


def test_other_processes_refuse_to_start(mixed, monkeypatch):
    monkeypatch.setattr(sys, "argv", ["celery", "-A", "proj", "worker"])
    with pytest.raises(ImproperlyConfigured, match=r"\(imagekit\.E005\)$") as raised:
        checks.refuse_mixed_install()
    assert_says_the_fix(str(raised.value))
    # A worker imports the tasks module (Celery's autodiscovery, django-dramatiq): it stops too.
    monkeypatch.delitem(sys.modules, "imagekit.tasks", raising=False)
    with pytest.raises(ImproperlyConfigured, match="django-imagekit"):
        importlib.import_module("imagekit.tasks")
    monkeypatch.setattr(sys, "argv", ["manage.py", "check"])
    checks.refuse_mixed_install()  # check reports it instead


def test_one_metadata_lookup_per_process(mixed, monkeypatch):
    calls = []
    lookup = checks.metadata.distribution
    monkeypatch.setattr(checks.metadata, "distribution", lambda name: calls.append(name) or (
        lookup(name)
    ))
    for _ in range(3):
        checks.mixed_install()
        run_checks()
    assert calls == ["django-imagekit"]


def run_django(args: list[str], fake_dist: Path) -> subprocess.CompletedProcess[str]:
    path = [str(fake_dist), str(ROOT / "plugins" / "django" / "tests"), str(ROOT)]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ik_testproject.settings",
        "PYTHONPATH": os.pathsep.join(path),
    }
    return subprocess.run(
        [sys.executable, *args], env=env, cwd=fake_dist, capture_output=True, text=True,
        timeout=120,
    )


@pytest.fixture
def fake_dist(tmp_path: Path) -> Path:
    info = tmp_path / "django_imagekit-6.1.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: django-imagekit\nVersion: 6.1.1\n"
    )
    return tmp_path


def test_manage_py_check_stops_with_the_error(fake_dist):
    done = run_django(["-m", "django", "check"], fake_dist)
    assert done.returncode == 1
    assert "(imagekit.E005)" in done.stderr and "Traceback" not in done.stderr
    assert_says_the_fix(" ".join(done.stderr.split()))


def test_a_process_setting_django_up_stops(fake_dist):
    done = run_django(["-c", "import django; django.setup()"], fake_dist)
    assert done.returncode == 1
    assert "django.core.exceptions.ImproperlyConfigured: django-imagekit 6.1.1" in done.stderr
    assert_says_the_fix(" ".join(done.stderr.split()))

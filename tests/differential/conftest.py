"""Differential tests: the same inputs through django-imagekit 6.1.1 / pilkit 3.0 and through us.

The upstream packages are installed from PyPI at test time into their own virtualenv under
``.upstream/`` (gitignored; ``$IK_UPSTREAM_DIR`` moves it), never into ours and never committed.
That venv gets the Pillow and Django versions running here, so a difference in output is a
difference between the two projects, not between library versions. A script runs there with a
JSON request on stdin and answers JSON on stdout.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
UPSTREAM = ("django-imagekit==6.1.1", "pilkit==3.0")


def _upstream_dir() -> Path:
    return Path(os.environ.get("IK_UPSTREAM_DIR") or ROOT / ".upstream")


def _pins() -> list[str]:
    return [*UPSTREAM, f"Pillow=={version('Pillow')}", f"Django=={version('Django')}"]


def _make_venv(target: Path) -> Path:
    python = target / "bin" / "python"
    marker = target / "installed.txt"
    wanted = "\n".join(_pins())
    if python.exists() and marker.exists() and marker.read_text() == wanted:
        return python
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(target)], check=True)
    result = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         *_pins()],
        capture_output=True, text=True, check=False,
    )
    if result.returncode != 0:
        pytest.fail(
            "could not install the upstream packages from PyPI into "
            f"{target.name}: {result.stderr[-2000:]}",
            pytrace=False,
        )
    marker.write_text(wanted)
    return python


@pytest.fixture(scope="session")
def upstream_python() -> Path:
    """The interpreter of a venv holding django-imagekit 6.1.1 and pilkit 3.0 from PyPI."""
    tag = f"py{sys.version_info[0]}{sys.version_info[1]}"
    tag += f"-pillow{version('Pillow')}-django{version('Django')}"
    return _make_venv(_upstream_dir() / f"venv-{tag}")


def run_upstream(python: Path, script: Path, request: Any, timeout: float = 600) -> Any:
    """Run ``script`` with ``python``, ``request`` as JSON on stdin; its JSON stdout back."""
    result = subprocess.run(
        [str(python), str(script)], input=json.dumps(request), capture_output=True,
        text=True, timeout=timeout, check=False, cwd=str(script.parent),
        env={**os.environ, "PYTHONPATH": ""},
    )
    if result.returncode != 0:
        raise AssertionError(f"{script.name} failed in the upstream venv:\n{result.stderr}")
    return json.loads(result.stdout)

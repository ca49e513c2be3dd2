"""The install lines of the README and docs work as written from this repository.

Until the distributions are on PyPI, every line that installs one of ours finds it in ``dist/``
(built by ``scripts/build_dist.sh``); the lines are collected from the Markdown files and pip
resolves them all against freshly built wheels (``--dry-run``: nothing is installed).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *ROOT.glob("docs/*.md"), *ROOT.glob("plugins/*/README.md"),
        *ROOT.glob("examples/*/README.md")]
INSTALL = re.compile(r"pip install ([^`\n#]+)")


def _our_names() -> set[str]:
    names = set()
    for pyproject in [ROOT / "pyproject.toml", *ROOT.glob("plugins/*/pyproject.toml"),
                      *ROOT.glob("examples/*/pyproject.toml")]:
        names.add(tomllib.loads(pyproject.read_text())["project"]["name"])
    return names


def _install_lines() -> list[tuple[str, list[str]]]:
    """(where, arguments) of every ``pip install`` that names one of our distributions."""
    ours = _our_names()
    found = []
    for doc in DOCS:
        for number, line in enumerate(doc.read_text().splitlines(), 1):
            for match in INSTALL.finditer(line):
                args = shlex.split(match.group(1))
                named = [a for a in args if re.split(r"[\[<>=]", a)[0] in ours]
                if named:
                    found.append((f"{doc.relative_to(ROOT)}:{number}", args))
    return found


def test_every_install_line_of_ours_finds_the_built_wheels() -> None:
    lines = _install_lines()
    assert len(lines) >= 10, lines  # the README, the guides and each plugin's README
    without = [where for where, args in lines if "--find-links" not in args]
    assert not without, f"these install lines cannot work from this repository: {without}"


def test_the_lines_resolve_against_the_wheels_build_dist_makes(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    built = subprocess.run(
        ["bash", "scripts/build_dist.sh"], cwd=ROOT, capture_output=True, text=True,
        env={**os.environ, "IK_DIST_DIR": str(dist), "IK_PYTHON": sys.executable},
        timeout=600, check=False,
    )
    assert built.returncode == 0, built.stderr
    assert {w.name.split("-")[0] for w in dist.glob("*.whl")} == {
        name.replace("-", "_") for name in _our_names()}
    requirements = sorted({a for _, args in _install_lines() for a in args
                           if not a.startswith("-") and a != "dist"})
    report = tmp_path / "report.json"
    resolved = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed", "--quiet",
         "--disable-pip-version-check", "--find-links", str(dist), "--report", str(report),
         *requirements],
        cwd=ROOT, capture_output=True, text=True, timeout=600, check=False,
    )
    assert resolved.returncode == 0, resolved.stderr
    chosen = {item["metadata"]["name"] for item in json.loads(report.read_text())["install"]}
    assert {"ik-django", "ik-storage-s3", "ik-backends-async", "celery", "Django"} <= chosen

"""Run django-imagekit's and pilkit's own test suites, unchanged, against this project.

    python scripts/conformance.py [--python PY] [--min-imagekit N] [--min-pilkit N]

The sdists (django-imagekit 6.1.1, pilkit 3.0) are downloaded from PyPI at run time into
``.upstream/`` (gitignored; ``$IK_UPSTREAM_DIR`` moves it) and are never committed. Their
``tests/`` run with the interpreter given (default: this one), which must have this project
installed; pilkit's through a shim that maps ``pilkit.*`` to ``imagekit.*``. It prints
"passed P of N" per suite, and exits 1 when a suite passes fewer than its ``--min-*`` floor
(the floors keep what already conforms from sliding back), or when a download fails.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SUITES = {"imagekit": ("django-imagekit", "6.1.1"), "pilkit": ("pilkit", "3.0")}

# pilkit's tests import these modules; upstream's imagekit re-exports pilkit's names from them.
PILKIT_SHIM = '''
import importlib, sys, types
import django
from django.conf import settings
settings.configure(INSTALLED_APPS=["imagekit"])
django.setup()
package = types.ModuleType("pilkit")
package.__path__ = []
sys.modules["pilkit"] = package
for name in ("processors", "processors.resize", "processors.base", "processors.crop",
             "utils", "lib", "exceptions"):
    sys.modules["pilkit." + name] = importlib.import_module("imagekit." + name)
'''


def upstream_dir() -> Path:
    return Path(os.environ.get("IK_UPSTREAM_DIR") or ROOT / ".upstream")


def sdist(name: str, version: str) -> Path:
    """The unpacked sdist of ``name==version``, downloaded once."""
    base = upstream_dir()
    target = base / f"{name.replace('-', '_')}-{version}"
    if target.is_dir():
        return target
    downloads = base / "downloads"
    downloads.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary",
           ":all:", "--disable-pip-version-check", f"{name}=={version}", "-d", str(downloads)]
    if subprocess.run(cmd, check=False).returncode != 0:
        raise SystemExit(f"conformance: could not download the {name} {version} sdist from PyPI")
    archive = next(downloads.glob(f"{name.replace('-', '_')}-{version}.tar.gz"), None) or next(
        downloads.glob(f"{name}-{version}.tar.gz"))
    with tarfile.open(archive) as tar:
        tar.extractall(base, filter="data")
    return target


def lay_out(suite: str) -> Path:
    """A fresh run directory holding the suite's ``tests/`` and what it needs beside it."""
    run = upstream_dir() / f"run-{suite}"
    shutil.rmtree(run, ignore_errors=True)
    run.mkdir(parents=True)
    source = sdist(*SUITES[suite])
    shutil.copytree(source / "tests", run / "tests")
    if suite == "imagekit":
        # The sdist leaves out the reference image its settings point at; pilkit's is the same.
        media = run / "tests" / "media"
        media.mkdir(exist_ok=True)
        shutil.copy(sdist(*SUITES["pilkit"]) / "tests" / "assets" / "reference.png", media)
    else:
        (run / "conftest.py").write_text(PILKIT_SHIM)
    return run


def run_suite(suite: str, python: str) -> tuple[int, int, str]:
    run = lay_out(suite)
    cmd = [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", str(run),
           "-o", "addopts=", "-o", "pythonpath=", "--continue-on-collection-errors", "tests"]
    if suite == "imagekit":
        cmd[3:3] = ["-o", "DJANGO_SETTINGS_MODULE=tests.settings"]
    else:
        cmd[3:3] = ["-p", "no:django"]
    env = {**os.environ, "PYTHONPATH": str(run)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    done = subprocess.run(cmd, cwd=run, env=env, capture_output=True, text=True, check=False)
    output = done.stdout + done.stderr
    counts = {word: int(n) for n, word in re.findall(r"(\d+) (passed|failed|error|errors)", output)}
    passed = counts.get("passed", 0)
    total = passed + counts.get("failed", 0) + counts.get("error", 0) + counts.get("errors", 0)
    return passed, total, output


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--min-imagekit", type=int, default=0)
    parser.add_argument("--min-pilkit", type=int, default=0)
    parser.add_argument("-v", "--verbose", action="store_true", help="print each suite's output")
    args = parser.parse_args(argv)
    floors = {"imagekit": args.min_imagekit, "pilkit": args.min_pilkit}
    status = 0
    for suite, (name, version) in SUITES.items():
        passed, total, output = run_suite(suite, args.python)
        if args.verbose or total == 0:
            print(output)
        print(f"conformance: {name} {version} tests passed {passed} of {total}")
        if total == 0 or passed < floors[suite]:
            print(f"conformance: {name} below its floor of {floors[suite]}", file=sys.stderr)
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())

"""The packaging check (scripts/check_packaging.py): it passes on this checkout, and it fails when
a wheel misses a file the smoke test needs.

Both runs build wheels and fresh virtualenvs, so they start together, each in its own process,
and each test waits for its own.
"""

from __future__ import annotations

import email.message
import importlib.util
import re
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "check_packaging.py"
TEMPLATE = "imagekit/templates/imagekit/admin/thumbnail.html"


def _load_script():
    spec = importlib.util.spec_from_file_location("check_packaging", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


check_packaging = _load_script()


@dataclass
class Run:
    process: subprocess.Popen
    log: Path

    def result(self) -> tuple[int, str]:
        returncode = self.process.wait(timeout=900)
        return returncode, self.log.read_text()


def _start(log: Path, *args: str | Path) -> Run:
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, SCRIPT, *map(str, args)],
            stdout=out, stderr=subprocess.STDOUT, cwd=log.parent,
        )
    return Run(process, log)


def without_templates(repo: Path) -> None:
    """Take the templates out of ik-django's package data (and fail if they are not there)."""
    pyproject = repo / "plugins" / "django" / "pyproject.toml"
    text = pyproject.read_text()
    package_data = tomllib.loads(text)["tool"]["setuptools"]["package-data"]
    patterns = [p for p in package_data["imagekit"] if p.startswith("templates")]
    assert patterns, f"no templates pattern in the package data to remove: {package_data}"
    for pattern in patterns:
        quoted = re.escape(f'"{pattern}"')
        text, count = re.subn(rf"{quoted}\s*,\s*|,?\s*{quoted}", "", text, count=1)
        assert count == 1
    left = tomllib.loads(text)["tool"]["setuptools"]["package-data"]["imagekit"]
    assert not [p for p in left if "templates" in p], left
    pyproject.write_text(text)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Run]]:
    here = tmp_path_factory.mktemp("packaging-check")
    broken = check_packaging.clean_copy(ROOT, tmp_path_factory.mktemp("without-templates"))
    without_templates(broken)
    started = {
        "checkout": _start(here / "checkout.log"),
        # Only ik-django and what it requires: the scenario the templates matter to.
        "without templates": _start(
            here / "broken.log", "--root", broken, "--only", check_packaging.DJANGO_DIST
        ),
    }
    yield started
    for run in started.values():
        if run.process.poll() is None:
            run.process.kill()
            run.process.wait()


def test_the_check_passes_on_this_checkout(runs: dict[str, Run]) -> None:
    returncode, out = runs["checkout"].result()
    assert returncode == 0, out
    names = [tomllib.loads(p.read_text())["project"]["name"] for p in
             [ROOT / "pyproject.toml", *ROOT.glob("plugins/*/pyproject.toml")]]
    listed = re.search(r"^== \d+ distributions: (.*)$", out, re.M)
    assert listed and sorted(listed.group(1).split(", ")) == sorted(names), out
    for stage in (
        "Django smoke test",
        "plugins listed: exactly the installed ones",
        "ik-strategy-optimistic uninstalled: its hint, and the rest still works",
        "a thumbnail and a picture set from plain Python",
    ):
        assert re.search(rf"^ok   {re.escape(stage)}", out, re.M), (stage, out)


def test_the_check_fails_when_the_wheel_misses_the_templates(runs: dict[str, Run]) -> None:
    returncode, out = runs["without templates"].result()
    assert returncode == 1, out
    # The contents check names the file...
    assert f"{TEMPLATE} is in the source but not in ik_django-" in out, out
    # ...and the Django smoke test, installing that wheel, fails on its own account.
    assert re.search(r"^FAIL Django smoke test", out, re.M), out
    assert "TemplateDoesNotExist: imagekit/admin/thumbnail.html" in out, out


def test_discovery_globs_the_plugins() -> None:
    found = check_packaging.discover(ROOT)
    expected = {"ik-host"} | {
        check_packaging.canonicalize_name(tomllib.loads(p.read_text())["project"]["name"])
        for p in ROOT.glob("plugins/*/pyproject.toml")
    }
    assert set(found) == expected
    assert check_packaging.closure(found, ["ik-django"]) == sorted(
        {
            "ik-django",
            "ik-host",
            "ik-defaults",
            "ik-processors-pilkit",
            "ik-pictures",
            "ik-strategy-optimistic",
        }
    )


def _metadata(**fields: str | list[str]) -> email.message.Message:
    meta = email.message.Message()
    for key, value in fields.items():
        for item in value if isinstance(value, list) else [value]:
            meta[key.replace("_", "-")] = item
    meta.set_payload("# A readme\n")
    return meta


def test_metadata_problems_are_named() -> None:
    dist = check_packaging.discover(ROOT)["ik-django"]
    here = f"Programming Language :: Python :: {sys.version_info[0]}.{sys.version_info[1]}"
    meta = _metadata(
        Name="ik-django", Version=dist.version, Summary="s", License_Expression="MIT",
        License_File="LICENSE", Requires_Python=">=3.11", Author="a",
        Description_Content_Type="text/markdown",
        Classifier=["Programming Language :: Python :: 3 :: Only", "Typing :: Typed", here],
        Project_URL=["Homepage, https://example.org", "Source, https://example.org",
                     "Issues, https://example.org/issues"],
        Requires_Dist=["ik-host>=0.1,<1", "Django>=4.2", "boto3", "ik-nowhere>=0.1,<1",
                       "ik-defaults>=0.0"],
    )
    problems = check_packaging._dist_problems(dist, meta, {"ik-host", "ik-defaults"})
    assert "'boto3' has no lower bound" in problems
    assert "'ik-nowhere>=0.1,<1' names no distribution of this repository" in problems
    assert any(p.startswith("'ik-defaults>=0.0' should be ik-defaults>=0.1,<1") for p in problems)
    assert "requires Django but has no classifier 'Framework :: Django :: 4.2'" in problems
    assert len(problems) == 5, problems  # the complete ones pass


def test_readme_install_section_names_the_real_extras() -> None:
    readme = (ROOT / "README.md").read_text()
    assert readme.startswith("# "), "the README starts with its title and the two commands"
    section = readme.split("\n## Installing\n", 1)[1].split("\n## ", 1)[0]
    assert "pip install --find-links dist ik-django\n" in section
    extras = tomllib.loads((ROOT / "plugins" / "django" / "pyproject.toml").read_text())[
        "project"]["optional-dependencies"]
    in_table = {
        name
        for row in re.findall(r"^\| (`[^|]+) \|", section, re.M)
        for name in re.findall(r"`([a-z0-9]+)`", row)
    }
    in_examples = {e for group in re.findall(r"ik-django\[([a-z0-9,]+)\]", section)
                   for e in group.split(",")}
    assert in_table == set(extras), (in_table, sorted(extras))
    assert in_examples <= set(extras), in_examples

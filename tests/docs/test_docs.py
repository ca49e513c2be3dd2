"""The user docs stay true: links resolve, settings and defaults match the code, the plugin
guide's files are the example plugin's files, and the Python in them parses."""

from __future__ import annotations

import ast
import dataclasses
import json
import re
from pathlib import Path
from typing import Any

import pytest

from ik_backends_async.queue_options import AsyncOptions, setting_name
from imagekit.checks import RETIRED_SETTINGS
from imagekit.conf import DEFAULTS, OPTIONAL

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
PAGES = sorted(DOCS.glob("*.md"))
READMES = [ROOT / "example" / "README.md", *sorted((ROOT / "examples").glob("*/README.md"))]
SEPIA = ROOT / "examples" / "ik-example-sepia"

FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.MULTILINE | re.DOTALL)
LINK = re.compile(r"\]\(([^)\s]+)\)")


def code_blocks(page: Path) -> list[tuple[str, str]]:
    return [(match[1], match[2]) for match in FENCE.finditer(page.read_text())]


def anchor(heading: str) -> str:
    """GitHub's anchor for a Markdown heading."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def anchors(page: Path) -> set[str]:
    return {anchor(line.lstrip("#")) for line in page.read_text().splitlines() if line[:1] == "#"}


def test_the_guides_the_issue_asks_for_exist() -> None:
    names = {page.name for page in PAGES}
    assert {
        "quickstart.md", "migrating.md", "settings.md", "hooks.md", "processor-plugins.md",
        "async.md", "s3.md", "performance.md",
    } <= names


@pytest.mark.parametrize("page", PAGES + READMES, ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_resolve(page: Path) -> None:
    text = FENCE.sub("", page.read_text())
    for target in LINK.findall(text):
        if re.match(r"[a-z]+:", target):
            continue  # http:, https:, mailto:
        path, _, fragment = target.partition("#")
        resolved = (page.parent / path).resolve() if path else page
        assert resolved.exists(), f"{page.name}: link to {target} goes nowhere"
        if fragment and resolved.suffix == ".md":
            assert fragment in anchors(resolved), f"{page.name}: no heading for #{fragment}"


@pytest.mark.parametrize("page", PAGES + READMES, ids=lambda p: str(p.relative_to(ROOT)))
def test_python_in_the_docs_parses(page: Path) -> None:
    for language, code in code_blocks(page):
        if language == "python":
            ast.parse(code, filename=str(page))


# -- the settings reference ----------------------------------------------------------------------


def literal(value: Any) -> str:
    return json.dumps(value) if isinstance(value, str) else repr(value)


def documented_settings() -> dict[str, str]:
    """Each ``IMAGEKIT_*`` heading of settings.md and its ``Default:`` line."""
    text = (DOCS / "settings.md").read_text()
    found = re.findall(r"^#+ `(IMAGEKIT_\w+)`\n+Default: (.*)$", text, re.MULTILINE)
    return dict(found)


def code_settings() -> dict[str, Any]:
    settings = {**DEFAULTS, **OPTIONAL}
    for option in dataclasses.fields(AsyncOptions):
        settings[setting_name(option.name)] = option.default
    return settings


def test_every_setting_is_documented_with_its_default() -> None:
    documented = documented_settings()
    for name, default in code_settings().items():
        assert name in documented, f"settings.md does not document {name}"
        if callable(default):  # IMAGEKIT_CACHE_BACKEND: depends on DEBUG
            assert "DummyCache" in documented[name] and '"default"' in documented[name]
        else:
            assert documented[name] == f"`{literal(default)}`", (
                f"settings.md gives {name} the default {documented[name]}; the code has "
                f"{literal(default)}"
            )


def test_no_setting_is_documented_that_the_code_does_not_have() -> None:
    extra = set(documented_settings()) - set(code_settings())
    assert not extra, f"settings.md documents settings nothing reads: {sorted(extra)}"
    text = (DOCS / "settings.md").read_text()
    for retired in RETIRED_SETTINGS:
        assert retired in text


# -- the processor plugin guide ------------------------------------------------------------------


def file_blocks() -> list[tuple[str, str]]:
    blocks = []
    for _, code in code_blocks(DOCS / "processor-plugins.md"):
        first, _, rest = code.partition("\n")
        if first.startswith("# file: "):
            blocks.append((first.removeprefix("# file: "), rest))
    return blocks


def test_the_guide_shows_every_file_of_the_example_plugin() -> None:
    shown = {path for path, _ in file_blocks()}
    package = {str(p.relative_to(SEPIA)) for p in (SEPIA / "ik_example_sepia").glob("*.py")}
    assert shown == package | {"pyproject.toml"}


@pytest.mark.parametrize("path,code", file_blocks(), ids=[path for path, _ in file_blocks()])
def test_the_guides_files_are_the_example_plugins(path: str, code: str) -> None:
    assert code.rstrip() == (SEPIA / path).read_text().rstrip(), (
        f"docs/processor-plugins.md shows a different {path} from examples/ik-example-sepia"
    )

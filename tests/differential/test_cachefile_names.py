"""Cache-file names equal to django-imagekit 6.1.1's, so a site that switches reuses its files.

Every case of ``name_cases`` (each pilkit processor with a spread of arguments, lists where
objects repeat, formats, options, autoconvert, source names, the ``{% thumbnail %}`` tag's
generator, and the tag itself rendered) is named here and by django-imagekit in the upstream
venv (``upstream_names.py``): the hash and the name by each of the three namers must be the
same strings. Where a source's
name would put django-imagekit's file outside the cache directory, ours refuses instead.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.template import engines

import imagekit.processors
from ik_host.config import get_config
from ik_host.errors import UnsafePathError
from imagekit.cachefiles import namers
from imagekit.registry import generator_registry
from imagekit.specs import ImageSpec, SpecHost
from tests.differential import name_cases
from tests.differential.conftest import run_upstream

HERE = Path(__file__).resolve().parent
CASES = {case["id"]: case for case in name_cases.cases()}
ESCAPING = {case["id"]: case for case in name_cases.escaping_cases()}
TAGS = {case["id"]: case for case in name_cases.tag_cases()}
COMPARED = ("get_hash", *name_cases.NAMERS)


class Tally:
    """Counts equal names and says so in pytest's terminal summary."""

    def __init__(self) -> None:
        self.compared = 0
        self.equal = 0
        self.refused = 0

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        terminalreporter.write_line(
            f"cache-file names: {self.equal} of {self.compared} equal to django-imagekit 6.1.1"
            f" ({len(CASES)} specs and generators, 3 namers each; {len(TAGS)} rendered tags);"
            f" {self.refused} names leaving the cache directory refused"
        )


@pytest.fixture(scope="module")
def upstream_names(
    upstream_python: Path, request: pytest.FixtureRequest
) -> tuple[dict[str, Any], Tally]:
    assert get_config().cachefile_dir == name_cases.CACHE_DIR
    answers = run_upstream(
        upstream_python, HERE / "upstream_names.py", {"cachefile_dir": name_cases.CACHE_DIR}
    )
    tally = Tally()
    request.config.pluginmanager.register(tally, "cachefile-names-tally")
    return answers, tally


def _error(exc: Exception) -> str:
    return f"error: {type(exc).__name__}"


def our_generator(case: dict[str, Any]) -> Any:
    source = name_cases.Source(case["source"])
    if "generator" in case:
        return generator_registry.get(case["generator"], source=source, **case["kwargs"])
    attrs = name_cases.spec_attributes(case, imagekit.processors)
    if "field" in case:
        return SpecHost(**attrs).spec(source)
    return type("CaseSpec", (ImageSpec,), attrs)(source)


@pytest.mark.parametrize("case_id", list(CASES))
def test_names_equal_django_imagekit(
    case_id: str, upstream_names: tuple[dict[str, Any], Tally]
) -> None:
    answers, tally = upstream_names
    expected = answers[case_id]
    ours = name_cases.names(our_generator(CASES[case_id]), namers, _error)
    for name in COMPARED:
        assert not expected[name].startswith("error"), f"django-imagekit failed: {expected}"
    tally.compared += len(name_cases.NAMERS)
    tally.equal += sum(ours[name] == expected[name] for name in name_cases.NAMERS)
    differing = {name: (ours[name], expected[name]) for name in COMPARED}
    differing = {name: pair for name, pair in differing.items() if pair[0] != pair[1]}
    assert not differing, f"(ours, django-imagekit's) differ: {differing}"


@pytest.mark.parametrize("case_id", list(TAGS))
def test_thumbnail_tag_names_equal_django_imagekit(
    case_id: str, upstream_names: tuple[dict[str, Any], Tally]
) -> None:
    answers, tally = upstream_names
    case = TAGS[case_id]
    template = engines["django"].from_string(name_cases.tag_template(case["tag"]))
    ours = template.render({"src": name_cases.Source(case["source"])})
    assert answers[case_id].startswith(name_cases.CACHE_DIR + "/")
    tally.compared += 1
    tally.equal += ours == answers[case_id]
    assert ours == answers[case_id]


@pytest.mark.parametrize("case_id", list(ESCAPING))
def test_names_leaving_the_cache_directory_are_refused(
    case_id: str, upstream_names: tuple[dict[str, Any], Tally]
) -> None:
    answers, tally = upstream_names
    generator = our_generator(ESCAPING[case_id])
    leaving = 0
    for namer in ("source_name_as_path", "source_name_dot_hash"):
        theirs = answers[case_id][namer]
        if theirs.startswith(name_cases.CACHE_DIR + "/"):
            assert getattr(namers, namer)(generator) == theirs
            continue
        leaving += 1
        with pytest.raises(UnsafePathError):
            getattr(namers, namer)(generator)
    assert leaving, "django-imagekit's names stay inside for this source: not an escaping case"
    tally.refused += leaving

"""The hook contract: documented in code and in docs/hooks.md, exactly, and each one tested."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from ik_host import hookspecs

ROOT = Path(__file__).resolve().parents[1]
HOOKS = {
    name: fn
    for name, fn in inspect.getmembers(hookspecs, inspect.isfunction)
    if name.startswith("ik_")
}


def _documented_signatures() -> dict[str, str]:
    text = (ROOT / "docs" / "hooks.md").read_text()
    headings = re.finditer(r"^### `((ik_\w+)\(.*\) -> .+)`$", text, re.M)
    return {match.group(2): match.group(1) for match in headings}


def test_there_are_hooks_for_every_kind() -> None:
    kinds = (
        "processors",
        "namers",
        "strategies",
        "backends",
        "storages",
        "state_caches",
        "engines",
    )
    for kind in kinds:
        assert f"ik_register_{kind}" in HOOKS
    assert "ik_config" in HOOKS


@pytest.mark.parametrize("name", sorted(HOOKS))
def test_hook_has_a_docstring_saying_who_calls_it(name: str) -> None:
    doc = inspect.getdoc(HOOKS[name]) or ""
    assert len(doc) > 80
    assert re.search(r"\bcalled\b", doc, re.I), f"{name}'s docstring does not say when it is called"


@pytest.mark.parametrize("name", sorted(HOOKS))
def test_docs_give_the_exact_signature(name: str) -> None:
    signature = inspect.signature(HOOKS[name])
    returns = signature.return_annotation
    # The hookspecs' annotations are strings (postponed evaluation); the docs write them bare.
    params = str(signature.replace(return_annotation=inspect.Signature.empty)).replace("'", "")
    expected = f"{name}{params}"
    expected += f" -> {returns}"
    assert _documented_signatures().get(name) == expected


def test_docs_list_no_hook_that_does_not_exist() -> None:
    assert set(_documented_signatures()) == set(HOOKS)


@pytest.mark.parametrize("name", sorted(HOOKS))
def test_every_hook_is_exercised_by_some_test(name: str) -> None:
    sources = [p.read_text() for p in ROOT.glob("tests/test_*.py") if p.name != Path(__file__).name]
    sources += [p.read_text() for p in ROOT.glob("plugins/*/tests/test_*.py")]
    assert any(name in source for source in sources), f"no test mentions {name}"


def test_only_hooks_answering_one_question_are_firstresult() -> None:
    firstresult = {
        name for name, fn in HOOKS.items() if getattr(fn, "ik_host_spec", {}).get("firstresult")
    }
    assert firstresult == {
        "ik_config",
        "ik_describe_source",
        "ik_open_source",
        "ik_cachefile_for_payload",
        "ik_resolve_alias",
        "ik_install_hint",
        "ik_save_cachefile",
        "ik_storage_urls_are_stable",
    }

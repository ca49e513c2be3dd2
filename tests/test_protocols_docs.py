"""docs/hooks.md documents every Protocol of ik_host.protocols, member for member, and nothing else.

Under each Protocol's heading (``#### `Backend` ``) the docs list its members as bullets
(``- `generate(file, force=False) -> Any`: ...``, ``- `name: str`: ...``). The bullets must name
exactly the members the Protocol declares, methods with the same parameters, and say whether
the Protocol is required or optional as ``ROLES`` does.
"""

from __future__ import annotations

import inspect
import re
import subprocess
import sys
from pathlib import Path
from typing import Protocol, runtime_checkable

import pytest

from ik_host import protocols
from ik_host.cachefile import CacheFile
from ik_host.specs import ImageSpec
from ik_host.state_records import StateRecord
from tests import protocol_checks as checks

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs" / "hooks.md"
CONTRACTS_HEADING = "## Contracts"

HEADING = re.compile(r"^(#{1,4}) (.*)$", re.M)
PROTOCOL_HEADING = re.compile(r"^`(\w+)`$")
BULLET = re.compile(r"^- `(\w+)(\(([^)]*)\))?", re.M)


def documented(text: str) -> dict[str, str]:
    """Protocol name -> the text under its heading, in the contracts section."""
    start = text.index(CONTRACTS_HEADING)
    end = text.find("\n## ", start + len(CONTRACTS_HEADING))
    section = text[start : end if end != -1 else len(text)]
    headings = list(HEADING.finditer(section))
    found: dict[str, str] = {}
    for heading, following in zip(headings, [*headings[1:], None], strict=True):
        name = PROTOCOL_HEADING.match(heading.group(2))
        if name is None:
            continue
        assert name.group(1) not in found, f"{name.group(1)} is documented twice"
        body_end = following.start() if following is not None else len(section)
        found[name.group(1)] = section[heading.end() : body_end]
    return found


def parameter_names(params: str) -> list[str]:
    """The parameter names of a documented call, ``*`` and ``/`` left out."""
    names = []
    for part in params.split(","):
        name = re.match(r"\s*(\w+)", part)
        if name is not None:
            names.append(name.group(1))
    return names


def required_protocols() -> set[str]:
    return {required.__name__ for required, _ in protocols.ROLES.values()}


def problems_of(protocol: type, body: str | None) -> list[str]:
    """How the docs ``body`` under ``protocol``'s heading differs from the Protocol."""
    name = protocol.__name__
    if body is None:
        return [f"{name} has no heading in the contracts section"]
    problems = []
    stated = "Required" if name in required_protocols() else "Optional"
    if not body.strip().startswith(stated):
        problems.append(f"{name}: the docs do not open with {stated!r}")
    bullets = {match.group(1): match for match in BULLET.finditer(body)}
    members = checks.members(protocol)
    for missing in sorted(set(members) - set(bullets)):
        problems.append(f"{name}.{missing} is not documented under {name}")
    for extra in sorted(set(bullets) - set(members)):
        problems.append(f"the docs name {name}.{extra}, which the Protocol lacks")
    for member in set(members) & set(bullets):
        signature = checks.member_signature(protocol, member)
        params = bullets[member].group(3)
        if signature is None:
            if params is not None:
                problems.append(f"{name}.{member} is data, documented as a method")
            continue
        if params is None:
            problems.append(f"{name}.{member} is a method, documented as data")
            continue
        expected = list(signature.parameters)
        if parameter_names(params) != expected:
            problems.append(f"{name}.{member}: documented ({params}), declared {expected}")
    return problems


def all_problems(text: str, declared: dict[str, type]) -> list[str]:
    docs = documented(text)
    problems = []
    for name, protocol in declared.items():
        problems.extend(problems_of(protocol, docs.get(name)))
    problems.extend(f"the docs document {name}, no Protocol" for name in set(docs) - set(declared))
    return problems


PROTOCOLS = checks.protocols()


def test_the_contracts_section_exists_and_lists_every_protocol() -> None:
    assert set(documented(DOCS.read_text())) == set(PROTOCOLS)
    assert len(PROTOCOLS) >= 7  # the seven roles, at least


@pytest.mark.parametrize("name", sorted(PROTOCOLS))
def test_docs_match_the_protocol(name: str) -> None:
    body = documented(DOCS.read_text()).get(name)
    assert problems_of(PROTOCOLS[name], body) == []


def test_every_protocol_belongs_to_one_role() -> None:
    listed = [p for required, optional in protocols.ROLES.values() for p in (required, *optional)]
    assert sorted(p.__name__ for p in listed) == sorted(PROTOCOLS)


@pytest.mark.parametrize("name", sorted(PROTOCOLS))
def test_every_method_says_who_calls_it(name: str) -> None:
    protocol = PROTOCOLS[name]
    assert len(inspect.getdoc(protocol) or "") > 30
    for member in checks.members(protocol):
        if checks.member_signature(protocol, member) is None:
            continue
        doc = inspect.getdoc(getattr(protocol, member)) or ""
        assert re.search(r"\bcalled\b", doc, re.I), f"{name}.{member}: who calls it?"


@pytest.mark.parametrize(
    "role", ["strategy", "backend", "storage", "state_cache", "engine", "processor", "namer"]
)
def test_every_role_a_plugin_registers_has_a_protocol(role: str) -> None:
    required, _ = protocols.ROLES[role]
    assert checks.is_protocol(required)
    assert getattr(required, "_is_runtime_protocol", False)


def test_the_backend_contract_is_the_one_the_host_calls() -> None:
    # The host calls get_record; the docs once promised get_state/set_state instead.
    assert set(checks.members(protocols.Backend)) == {"generate", "exists", "get_record"}
    optional = {m for p in protocols.ROLES["backend"][1] for m in checks.members(p)}
    assert {"set_record", "schedule", "unschedule", "get_key", "generate_now"} <= optional


# -- the check itself can fail ---------------------------------------------------------------


def test_a_method_added_to_a_protocol_without_docs_is_caught() -> None:
    def purge(self: object, file: protocols.CacheFileLike) -> None:
        """Called by nobody yet."""

    # The real Backend, as if someone had added ``purge`` to its body.
    body = {name: vars(protocols.Backend)[name] for name in checks.members(protocols.Backend)}
    Backend = runtime_checkable(type(Protocol)("Backend", (Protocol,), {**body, "purge": purge}))
    assert checks.members(Backend) == (*checks.members(protocols.Backend), "purge")
    problems = all_problems(DOCS.read_text(), {**PROTOCOLS, "Backend": Backend})
    assert problems == ["Backend.purge is not documented under Backend"]


def test_a_documented_method_the_protocol_lacks_is_caught() -> None:
    text = DOCS.read_text().replace(
        "- `get_record(file) -> StateRecord`:",
        "- `get_state(file) -> CacheFileState`: old.\n- `get_record(file) -> StateRecord`:",
    )
    assert all_problems(text, PROTOCOLS) == [
        "the docs name Backend.get_state, which the Protocol lacks"
    ]


def test_changed_parameters_are_caught() -> None:
    text = DOCS.read_text().replace(
        "- `set_record(file, record) -> None`", "- `set_record(file, state) -> None`"
    )
    [problem] = all_problems(text, PROTOCOLS)
    assert problem.startswith("RecordingBackend.set_record: documented (file, state)")


# -- the conformance helper ------------------------------------------------------------------


class DocsBackend:
    """A backend written from the old docs: get_state/set_state, no get_record."""

    def generate(self, file: object, force: bool = False) -> None: ...

    def exists(self, file: object) -> bool:
        return True

    def get_state(self, file: object) -> str:
        return "exists"

    def set_state(self, file: object, state: str) -> None: ...


class RecordBackend(DocsBackend):
    def get_record(self, file: object) -> StateRecord:
        raise NotImplementedError


def test_a_backend_from_the_old_docs_does_not_conform() -> None:
    assert not isinstance(DocsBackend(), protocols.Backend)
    assert checks.signature_problems(DocsBackend(), protocols.Backend) == ["get_record: missing"]
    assert isinstance(RecordBackend(), protocols.Backend)
    assert checks.signature_problems(RecordBackend(), protocols.Backend) == []


def test_signature_problems_name_each_way_a_call_fails() -> None:
    class Odd:
        def generate(self, file: object) -> None: ...  # no force

        def exists(self, f: object, extra: object) -> bool:  # renamed, and one too many
            return True

        def get_record(self, file: object, *, check: bool = True) -> None: ...

    assert checks.signature_problems(Odd(), protocols.Backend) == [
        "generate: takes no positional parameter 2 (force)",
        "exists: names parameter 1 'f', not 'file'",
        "exists: needs 'extra', which callers never pass",
    ]


def test_keyword_only_and_class_methods_are_compared() -> None:
    class Engine:
        def generate(self, job):
            return None

        def image_size(self, file):
            return (1, 1)

    assert checks.signature_problems(Engine(), protocols.Engine) == [
        "image_size: does not take the keyword 'name'"
    ]

    class Queue:
        @classmethod
        def missing_library(cls) -> None: ...

        @classmethod
        def register_worker_tasks(cls, app: object) -> bool:
            return False

    assert isinstance(Queue, protocols.QueueLibraryBackend)
    assert checks.signature_problems(Queue, protocols.QueueLibraryBackend) == [
        "register_worker_tasks: needs 'app', which callers never pass"
    ]


def test_ik_host_imports_the_protocols_without_pillow_or_django() -> None:
    code = (
        "import sys, ik_host.protocols; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('PIL', 'django')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# -- the host's own objects fill the contracts they are handed as ----------------------------


def test_the_host_cache_file_is_what_strategies_and_backends_are_handed() -> None:
    file = CacheFile(ImageSpec(), name="CACHE/images/x.jpg")
    for protocol in (protocols.NamedFile, protocols.CacheFileLike, protocols.RememberingCacheFile):
        assert checks.signature_problems(file, protocol) == [], protocol.__name__


def test_the_host_spec_is_a_generator_with_every_option() -> None:
    spec = ImageSpec()
    required, optional = protocols.ROLES["generator"]
    for protocol in (required, *optional):
        if protocol is protocols.ArgumentsGenerator:  # only the Django app's generators
            continue
        assert checks.signature_problems(spec, protocol) == [], protocol.__name__

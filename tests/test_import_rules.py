"""The layering rules, read from the source: no import cycle among the project's modules, no
module importing another distribution's private names, and no ``hasattr`` probe for a method
the Protocols (``ik_host/protocols.py``) do not name."""

from __future__ import annotations

import ast
import typing
from collections.abc import Iterator
from pathlib import Path

import ik_host.protocols as protocols

ROOT = Path(__file__).resolve().parents[1]


def _packages() -> dict[str, tuple[str, Path]]:
    """Top-level package -> (distribution folder, package folder)."""
    found = {"ik_host": ("ik_host", ROOT / "ik_host")}
    for init in ROOT.glob("plugins/*/*/__init__.py"):
        found[init.parent.name] = (init.parent.parent.name, init.parent)
    return found


PACKAGES = _packages()


def _modules() -> dict[str, Path]:
    modules = {}
    for package, (_, folder) in PACKAGES.items():
        for path in folder.rglob("*.py"):
            if {"tests", "migrations"} & set(path.relative_to(folder).parts):
                continue
            parts = [package, *path.relative_to(folder).with_suffix("").parts]
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


MODULES = _modules()


def _module_level_imports(path: Path) -> Iterator[tuple[str, list[str]]]:
    """(module, names) of each import executed when the module loads: not those inside a
    function (deferred on purpose) nor under ``if TYPE_CHECKING``."""
    tree = ast.parse(path.read_text())
    pending = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.If):
            if "TYPE_CHECKING" not in ast.unparse(node.test):
                pending.extend(node.body + node.orelse)
        elif isinstance(node, ast.Try):
            pending.extend(node.body + node.orelse + node.finalbody)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, []
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            yield node.module, [alias.name for alias in node.names]


def _edges(module: str) -> set[str]:
    targets = set()
    for imported, names in _module_level_imports(MODULES[module]):
        for name in names or [None]:
            candidate = f"{imported}.{name}" if name else imported
            target = candidate if candidate in MODULES else imported
            if target in MODULES and target != module:
                targets.add(target)
    return targets


def test_no_import_cycle_among_the_projects_modules() -> None:
    graph = {module: _edges(module) for module in MODULES}
    cycles = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for target in sorted(graph[module]):
            if state.get(target) == 1:
                cycles.append([*path[path.index(target) :], target])
            elif target not in state:
                visit(target, [*path, target])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    # A package's __init__ importing its own submodules is how packages present their API.
    real = [cycle for cycle in cycles if not _package_facade(cycle)]
    assert real == []


def _package_facade(cycle: list[str]) -> bool:
    return len(cycle) == 3 and (
        cycle[1].startswith(cycle[0] + ".") or cycle[0].startswith(cycle[1] + ".")
    )


def _distribution(module: str) -> str:
    return PACKAGES[module.split(".")[0]][0]


def test_no_module_imports_another_distributions_private_names() -> None:
    offences = []
    for module, path in MODULES.items():
        for imported, names in _all_imports(path):
            package = imported.split(".")[0]
            if package not in PACKAGES or _distribution(imported) == _distribution(module):
                continue
            private = [part for part in imported.split(".") if part.startswith("_")]
            private += [name for name in names if name.startswith("_")]
            if private:
                offences.append((module, imported, private))
    assert offences == []


def _all_imports(path: Path) -> Iterator[tuple[str, list[str]]]:
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, []
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            yield node.module, [alias.name for alias in node.names]


def _protocol_members() -> set[str]:
    members: set[str] = set()
    for obj in vars(protocols).values():
        if isinstance(obj, type) and getattr(obj, "_is_protocol", False):
            for klass in obj.__mro__:
                if klass not in (object, typing.Protocol, typing.Generic):
                    members |= set(vars(klass)) | set(getattr(klass, "__annotations__", {}))
    return members


# Probes of things that are not plugin roles: file objects, descriptors, the os module,
# Django's model fields and caches.
NOT_ROLES = {
    "read": "a file object or a path",
    "seek": "a file object that can rewind",
    "chunks": "a Django File or a plain file object",
    "open": "a closed Django File that can reopen",
    "buffer": "a text stream's binary buffer",
    "__get__": "a property or descriptor on a spec class",
    "register_at_fork": "os, where the platform has it",
    "source": "a model admin's object with a source field",
    "get_many": "a Django cache (every Django cache has it; a plain StateCache may not)",
}


def _hasattr_probes() -> list[tuple[str, str]]:
    probes = []
    for module, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "hasattr"
                and isinstance(node.args[1], ast.Constant)
            ):
                probes.append((module, node.args[1].value))
    return probes


def test_hasattr_probes_only_name_protocol_members_or_non_role_objects() -> None:
    members = _protocol_members()
    unknown = [(module, name) for module, name in _hasattr_probes() if name not in members]
    assert [probe for probe in unknown if probe[1] not in NOT_ROLES] == []


def test_every_non_role_exception_is_still_needed() -> None:
    assert set(NOT_ROLES) - {name for _, name in _hasattr_probes()} == set()

"""Names resolve in one place: ``ik_host.registry`` (ARCHITECTURE rule 4).

A second resolver starts as a dotted path imported by hand. So outside ``ik_host/registry.py``
no shipped module may import a module whose name it computes (``importlib.import_module(x)``,
``__import__(x)``) or use Django's ``import_string``: they call ``ik_host.registry.resolve`` or,
for a path that is not a component name (a payload's generator, a deconstructed storage),
``ik_host.registry.import_path``. Importing a fixed module by its literal name (an optional
library probe such as ``import_module("tqdm")``) is not resolving and is allowed anywhere.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RESOLVER = "ik_host/registry.py"
IMPORTERS = {"import_module", "import_string", "__import__"}

# Modules that import a computed name for a reason other than resolving a user's name.
ALLOWED = {
    # Each deferring backend class names its own task module (ik_backends_async.celery_tasks,
    # ...), imported so the queue library learns the task; no user input reaches it.
    "plugins/backends_async/ik_backends_async/queue_backends.py",
}


def shipped_modules() -> list[Path]:
    """Every module of ik_host and of each plugin's packages: no tests, no build copies."""
    skipped = {"tests", "build", "bench", "examples"}
    found = list((ROOT / "ik_host").rglob("*.py"))
    for path in (ROOT / "plugins").glob("*/*/**/*.py"):
        relative = path.relative_to(ROOT / "plugins").parts
        if skipped.isdisjoint(relative) and not any(p.endswith(".egg-info") for p in relative):
            found.append(path)
    return sorted(found)


def computed_imports(source: str) -> list[str]:
    """``line: code`` of each import of a computed module name, and of ``import_string``."""
    tree = ast.parse(source)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and any(a.name == "import_string" for a in node.names):
            found.append(f"{node.lineno}: {ast.unparse(node)}")
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        literal = bool(node.args) and isinstance(node.args[0], ast.Constant)
        if name in IMPORTERS and not literal:
            found.append(f"{node.lineno}: {ast.unparse(node)}")
    return found


def test_the_scan_sees_the_plugins_and_the_host() -> None:
    names = {path.relative_to(ROOT).as_posix() for path in shipped_modules()}
    assert RESOLVER in names
    assert "plugins/django/imagekit/utils.py" in names
    assert not any("/tests/" in name or "/build/" in name for name in names)
    assert ALLOWED <= names  # an allowance for a module that is gone must go too


def test_no_module_but_the_registry_imports_a_computed_name() -> None:
    offenders = {}
    for path in shipped_modules():
        name = path.relative_to(ROOT).as_posix()
        if name in ALLOWED or name == RESOLVER:
            continue
        found = computed_imports(path.read_text(encoding="utf-8"))
        if found:
            offenders[name] = found
    assert offenders == {}, (
        "resolve names with ik_host.registry.resolve (or import_path), not by hand"
    )


@pytest.mark.parametrize(
    ("source", "caught"),
    [
        ("import importlib\nimportlib.import_module(path)", True),
        ("from importlib import import_module\nimport_module(settings.X)", True),
        ("from django.utils.module_loading import import_string", True),
        ("__import__(name)", True),
        ('import importlib\nimportlib.import_module("tqdm")', False),
        ("from ik_host.registry import import_path\nimport_path(path)", False),
    ],
)
def test_the_check_tells_a_resolver_from_a_probe(source: str, caught: bool) -> None:
    assert bool(computed_imports(source)) is caught

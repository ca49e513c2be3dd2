"""Module names are unique across the repository, so a name says which module it is.

The exceptions are names something outside the project fixes: Django's own conventions for a
project or an app, and django-imagekit's import paths, which the drop-in must keep.
"""

from __future__ import annotations

import collections
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Names Django looks for in every project and app (and manage.py's own).
DJANGO_CONVENTIONS = {
    "__init__.py",
    "conftest.py",
    "admin.py",
    "apps.py",
    "models.py",
    "urls.py",
    "settings.py",
    "manage.py",
    "0001_initial.py",
    "imagegenerators.py",  # django-imagekit autodiscovers this name in every app
}
# django-imagekit's public modules that share a name with another module of ours, each kept
# because its import path is part of the drop-in.
IMAGEKIT_PATHS = {
    "registry.py": {"ik_host/registry.py", "plugins/django/imagekit/registry.py"},
    "utils.py": {"plugins/django/imagekit/utils.py", "plugins/django/imagekit/processors/utils.py"},
}


def _modules() -> list[str]:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "*.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return [path for path in listed if (ROOT / path).exists() and "/build/" not in path]


def test_module_names_are_unique_outside_fixed_conventions():
    by_name: dict[str, set[str]] = collections.defaultdict(set)
    for path in _modules():
        by_name[Path(path).name].add(path)
    repeated = {
        name: paths
        for name, paths in by_name.items()
        if len(paths) > 1 and name not in DJANGO_CONVENTIONS and IMAGEKIT_PATHS.get(name) != paths
    }
    assert repeated == {}


def test_every_imagekit_path_exception_is_still_needed():
    paths = set(_modules())
    for name, kept in IMAGEKIT_PATHS.items():
        assert kept <= paths, f"{name}: an exception for modules that no longer exist"

"""Build every distribution and use the wheels the way users install them.

    python scripts/check_packaging.py [--root DIR] [--only DIST ...] [--keep]

1. Finds the distributions: the root ``pyproject.toml`` and every ``plugins/*/pyproject.toml``.
2. Copies the files a fresh clone would have (``git ls-files``) to a temporary folder and builds
   an sdist and a wheel of each with ``python -m build`` (the wheel is built from the sdist).
3. Checks the metadata (versions in lockstep, description, license, classifiers, URLs, lower
   bounds) and each wheel's contents: every file of its packages, its entry points, ``py.typed``,
   the license.
4. In fresh virtualenvs (same interpreter as this one) installs the wheels, not editable: the
   third-party requirements from the index first, then the ``ik-*`` distributions with
   ``--no-index --find-links <wheels>``, so none can come from anywhere else; then
   - ``ik-django`` alone: a small Django project (``scripts/packaging_smoke``) migrates, passes
     ``check``, runs ``generateimages``, renders the ``thumbnail`` tag and the admin thumbnail;
     ``python -m ik_host plugins`` lists exactly the installed plugins; with
     ``ik-strategy-optimistic`` uninstalled, naming it fails with its ``pip install`` hint and
     the rest still works; then every extra and every other plugin is installed and listed;
   - ``ik-defaults``, ``ik-processors-pilkit`` and ``ik-pictures`` alone, without Django: a
     thumbnail and a picture set (its markup and JSON) from plain Python.

Exits 0 when everything held, 1 with the failures listed otherwise. ``--only`` limits the run to
the named distributions and their ``ik-*`` dependencies (the scenarios they allow).
"""

from __future__ import annotations

import argparse
import configparser
import email.parser
import fnmatch
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import textwrap
import threading
import time
import tomllib
import venv
import zipfile
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
SMOKE = Path(__file__).resolve().parent / "packaging_smoke"
ENTRY_POINT_GROUP = "ik_host"
DJANGO_DIST = "ik-django"
# The Pillow engine and processors, the default components and the picture sets: what plain
# Python needs.
PLAIN_DISTS = ("ik-defaults", "ik-processors-pilkit", "ik-pictures")
OPTIONAL_DIST = "ik-strategy-optimistic"
# Never part of a built tree: caches, environments and build output.
IGNORED_NAMES = {
    ".git", "__pycache__", "build", "dist", ".venv", ".hypothesis", ".ruff_cache",
    ".pytest_cache", "media",
}
TIMEOUT = 600


class CheckFailed(Exception):
    """One stage's failure; the message says what was expected and what happened."""


@dataclass
class Dist:
    name: str  # canonical: ik-django
    path: Path  # the folder of its pyproject.toml (in the clean copy once copied)
    pyproject: dict

    @property
    def project(self) -> dict:
        return self.pyproject["project"]

    @property
    def version(self) -> str:
        return self.project["version"]

    @property
    def entry_points(self) -> dict[str, str]:
        return dict(self.project.get("entry-points", {}).get(ENTRY_POINT_GROUP, {}))

    def wheel(self, wheels: Path) -> Path:
        return _one(wheels.glob(f"{self.name.replace('-', '_')}-{self.version}-*.whl"))

    def sdist(self, wheels: Path) -> Path:
        return _one(wheels.glob(f"{self.name.replace('-', '_')}-{self.version}.tar.gz"))


def _one(paths: Iterable[Path]) -> Path:
    found = list(paths)
    if len(found) != 1:
        raise CheckFailed(f"expected one file, found {[p.name for p in found]}")
    return found[0]


# -- finding and copying ---------------------------------------------------------------------------


def discover(root: Path) -> dict[str, Dist]:
    """The root distribution and every plugins/*/pyproject.toml, by canonical name."""
    dists = {}
    for pyproject in [root / "pyproject.toml", *sorted(root.glob("plugins/*/pyproject.toml"))]:
        data = tomllib.loads(pyproject.read_text())
        name = canonicalize_name(data["project"]["name"])
        dists[name] = Dist(name, pyproject.parent, data)
    return dists


def clean_copy(root: Path, dest: Path) -> Path:
    """Copy the files a fresh clone of ``root`` would have (plus new, not ignored files)."""
    top = subprocess.run(
        ["git", "rev-parse", "--show-toplevel"], cwd=root, capture_output=True, text=True
    )
    listing = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=root, capture_output=True,
    )
    if top.returncode == 0 and Path(top.stdout.strip()).resolve() == root.resolve():
        names = [n for n in listing.stdout.decode().split("\0") if n]
        files = [root / n for n in names if (root / n).is_file()]
    else:  # not a git work tree (a copy): everything but caches, environments, build output
        files = [p for p in _walk(root) if p.is_file()]
    for source in files:
        target = dest / source.relative_to(root)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
    return dest


def _walk(folder: Path) -> Iterable[Path]:
    for path in folder.iterdir():
        if path.name in IGNORED_NAMES or path.name.endswith(".egg-info"):
            continue
        if path.is_dir():
            if not (path / "pyvenv.cfg").exists():
                yield from _walk(path)
        else:
            yield path


def closure(dists: dict[str, Dist], names: Iterable[str], extras: bool = False) -> list[str]:
    """``names`` and the ``ik-*`` distributions they require (with every extra if ``extras``)."""
    seen: list[str] = []
    todo = list(names)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.append(name)
        requirements = list(dists[name].project.get("dependencies", []))
        if extras:
            for group in dists[name].project.get("optional-dependencies", {}).values():
                requirements += group
        todo += [n for n in map(_req_name, requirements) if n in dists]
    return sorted(seen)


def _req_name(requirement: str) -> str:
    return canonicalize_name(Requirement(requirement).name)


# -- commands --------------------------------------------------------------------------------------


@dataclass
class Log:
    """What one scenario did, printed in one piece (scenarios run side by side)."""

    title: str
    lines: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def say(self, text: str) -> None:
        self.lines.append(text)

    def stage(self, name: str, body: Callable[[], None]) -> bool:
        started = time.monotonic()
        try:
            body()
        except CheckFailed as exc:
            self.failures.append(f"{self.title}: {name}: {exc}")
            self.say(f"FAIL {name} ({time.monotonic() - started:.1f}s)\n{_indent(str(exc))}")
            return False
        self.say(f"ok   {name} ({time.monotonic() - started:.1f}s)")
        return True


_print_lock = threading.Lock()


def _indent(text: str) -> str:
    return textwrap.indent(text.rstrip(), "       | ")


def clean_env(**extra: str) -> dict[str, str]:
    """This environment without anything that would reach back into the checkout."""
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    env = {k: v for k, v in env.items() if not k.startswith(("DJANGO_", "IK_HOST_", "IK_"))}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.update(extra)
    return env


def run(
    args: list[str | Path], cwd: Path, env: dict[str, str] | None = None, expect: int | None = 0
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env or clean_env(), capture_output=True, text=True,
        timeout=TIMEOUT,
    )
    if expect is not None and result.returncode != expect:
        raise CheckFailed(
            f"`{' '.join(map(str, args))}` exited {result.returncode} (expected {expect})\n"
            f"{_tail(result.stdout)}\n{_tail(result.stderr)}"
        )
    return result


def _tail(text: str, lines: int = 40) -> str:
    return "\n".join(text.rstrip().splitlines()[-lines:])


# -- building --------------------------------------------------------------------------------------


def build(dist: Dist, outdir: Path, scratch: Path) -> None:
    """An sdist, then a wheel built from that sdist, with the project's own build backend."""
    # cwd outside the checkout: a folder named ``build`` there would shadow the ``build`` package.
    run([sys.executable, "-m", "build", "--outdir", outdir, dist.path], cwd=scratch)


# -- metadata and contents -------------------------------------------------------------------------

LOWER_BOUND = re.compile(r"^(>=|==|~=|>)")


def metadata_problems(
    dists: dict[str, Dist], wheels: Path, root: Path, known: Iterable[str]
) -> list[str]:
    """What is missing or inconsistent in the metadata the wheels of ``dists`` carry; ``known``
    are the names of every distribution of the repository."""
    problems: list[str] = []
    versions = {d.name: d.version for d in dists.values()}
    if len(set(versions.values())) != 1:
        problems.append(f"versions are not in lockstep: {versions}")
    licence = (root / "LICENSE").read_bytes() if (root / "LICENSE").exists() else None
    if licence is None:
        problems.append("no LICENSE at the root of the repository")
    for dist in dists.values():
        meta = _wheel_metadata(dist.wheel(wheels))
        say = [f"{dist.name}: {p}" for p in _dist_problems(dist, meta, set(known))]
        own = dist.path / "LICENSE"
        if licence is not None and (not own.exists() or own.read_bytes() != licence):
            say.append(f"{dist.name}: no LICENSE beside its pyproject.toml, or not the root's")
        problems += say
    return problems


def _wheel_metadata(wheel: Path) -> email.message.Message:
    with zipfile.ZipFile(wheel) as archive:
        name = _one(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        return email.parser.Parser().parsestr(archive.read(str(name)).decode())


def _dist_problems(dist: Dist, meta: email.message.Message, known: set[str]) -> list[str]:
    problems = []
    if canonicalize_name(meta["Name"]) != dist.name or meta["Version"] != dist.version:
        problems.append(f"the wheel says {meta['Name']} {meta['Version']}")
    for key in ("Summary", "License-Expression", "License-File", "Requires-Python", "Author"):
        if not meta.get(key):
            problems.append(f"no {key} in the wheel's metadata")
    if not meta.get_payload().strip() or meta.get("Description-Content-Type") != "text/markdown":
        problems.append("no Markdown long description (readme)")
    classifiers = meta.get_all("Classifier") or []
    here = f"Programming Language :: Python :: {sys.version_info.major}.{sys.version_info.minor}"
    for wanted in ("Programming Language :: Python :: 3 :: Only", here, "Typing :: Typed"):
        if wanted not in classifiers:
            problems.append(f"no classifier {wanted!r}")
    urls = dict(u.split(", ", 1) for u in meta.get_all("Project-URL") or [])
    for label in ("Homepage", "Source", "Issues"):
        if not urls.get(label, "").startswith("https://"):
            problems.append(f"no https Project-URL {label!r}")
    lockstep = Version(dist.version)
    for line in meta.get_all("Requires-Dist") or []:
        requirement = Requirement(line)
        name = canonicalize_name(requirement.name)
        specs = {(s.operator, s.version) for s in requirement.specifier}
        if not any(LOWER_BOUND.match(op) for op, _ in specs):
            problems.append(f"{line!r} has no lower bound")
        if name.startswith("ik-"):
            if name not in known:
                problems.append(f"{line!r} names no distribution of this repository")
            wanted = {(">=", f"{lockstep.major}.{lockstep.minor}"), ("<", f"{lockstep.major + 1}")}
            if specs != wanted:
                problems.append(f"{line!r} should be {name}>={lockstep.major}.{lockstep.minor},"
                                f"<{lockstep.major + 1}")
        if name == "django":
            floor = min((Version(v) for op, v in specs if op == ">="), default=None)
            for wanted in ("Framework :: Django", f"Framework :: Django :: {floor}"):
                if wanted not in classifiers:
                    problems.append(f"requires Django but has no classifier {wanted!r}")
    return problems


def package_dirs(dist: Dist) -> list[Path]:
    """The top-level package folders setuptools is configured to find."""
    find = dist.pyproject.get("tool", {}).get("setuptools", {}).get("packages", {}).get("find", {})
    patterns = find.get("include", ["*"])
    return sorted(
        p for p in dist.path.iterdir()
        if (p / "__init__.py").exists() and any(fnmatch.fnmatch(p.name, pat) for pat in patterns)
        and not any(fnmatch.fnmatch(p.name, pat) for pat in find.get("exclude", []))
    )


def content_problems(dist: Dist, wheels: Path) -> list[str]:
    """Files of the distribution's packages, entry points, py.typed and license not in its wheel."""
    problems = []
    wheel = dist.wheel(wheels)
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        info = next(n.split("/")[0] for n in names if n.endswith(".dist-info/METADATA"))
        entry_points = configparser.ConfigParser(delimiters=("=",))
        entry_points.optionxform = str  # type: ignore[assignment,method-assign]
        if f"{info}/entry_points.txt" in names:
            entry_points.read_string(archive.read(f"{info}/entry_points.txt").decode())
    packages = package_dirs(dist)
    if not packages:
        problems.append("no package found in its source folder")
    for package in packages:
        for path in sorted(package.rglob("*")):
            if path.is_dir() or "__pycache__" in path.parts or path.suffix in {".pyc", ".pyo"}:
                continue
            member = path.relative_to(dist.path).as_posix()
            if member not in names:
                problems.append(f"{member} is in the source but not in {wheel.name}")
        if f"{package.name}/py.typed" not in names:
            problems.append(f"{package.name}/py.typed is not in {wheel.name}")
    declared = dist.entry_points
    shipped = dict(entry_points[ENTRY_POINT_GROUP]) if entry_points.has_section(
        ENTRY_POINT_GROUP) else {}
    if shipped != declared:
        problems.append(f"{wheel.name} has the {ENTRY_POINT_GROUP} entry points {shipped}, "
                        f"pyproject.toml declares {declared}")
    scripts = dict(entry_points["console_scripts"]) if entry_points.has_section(
        "console_scripts") else {}
    if scripts != dist.project.get("scripts", {}):
        problems.append(f"{wheel.name} has the console scripts {scripts}")
    if f"{info}/licenses/LICENSE" not in names:
        problems.append(f"{wheel.name} carries no LICENSE")
    sdist = dist.sdist(wheels)
    top = sdist.name.removesuffix(".tar.gz")
    with tarfile.open(sdist) as archive:
        listing = archive.getnames()
    for needed in ("pyproject.toml", "README.md", "LICENSE"):
        if f"{top}/{needed}" not in listing:
            problems.append(f"{sdist.name} has no {needed}")
    return [f"{dist.name}: {p}" for p in problems]


# -- virtualenvs -----------------------------------------------------------------------------------


class Env:
    """A fresh virtualenv on this interpreter; pip is this environment's, aimed at it."""

    def __init__(self, where: Path, wheels: Path, dists: dict[str, Dist]) -> None:
        venv.EnvBuilder(with_pip=False, clear=True).create(where)
        self.where = where
        self.python = where / "bin" / "python"
        self.wheels = wheels
        self.dists = dists

    def pip(self, *args: str, env: dict[str, str] | None = None) -> None:
        pip = [sys.executable, "-m", "pip", "--python", self.python, "--disable-pip-version-check"]
        run([*pip, *args, "--quiet"], cwd=self.where, env=env)

    def install(self, *requirements: str) -> None:
        """Third-party requirements from the index, then the ik-* ones from the wheels only."""
        third_party = self._third_party(requirements)
        if third_party:
            self.pip("install", "--no-compile", *sorted(third_party))
        # No index, no configured find-links: the built wheels are the only place to look.
        offline = clean_env(PIP_CONFIG_FILE=os.devnull)
        for key in ("PIP_FIND_LINKS", "PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL"):
            offline.pop(key, None)
        self.pip("install", "--no-compile", "--no-index", "--find-links", str(self.wheels),
                 *requirements, env=offline)

    def _third_party(self, requirements: Iterable[str]) -> set[str]:
        """The third-party requirements of ``requirements`` and of the ik-* distributions they
        need, recursively, read from the built wheels' metadata (extras included)."""
        local: set[tuple[str, frozenset[str]]] = set()
        third_party: set[str] = set()
        todo = [Requirement(r) for r in requirements]
        while todo:
            requirement = todo.pop()
            name = canonicalize_name(requirement.name)
            if name.startswith("ik-") and name not in self.dists:
                raise CheckFailed(f"{requirement} was not built: it must not come from an index")
            if name not in self.dists:
                third_party.add(str(requirement))
                continue
            key = (name, frozenset(requirement.extras))
            if key in local:
                continue
            local.add(key)
            meta = _wheel_metadata(self.dists[name].wheel(self.wheels))
            for line in meta.get_all("Requires-Dist") or []:
                dependency = Requirement(line)
                if dependency.marker is None or any(
                    dependency.marker.evaluate({"extra": extra})
                    for extra in (requirement.extras or {""})
                ):
                    dependency.marker = None
                    todo.append(dependency)
        return third_party

    def uninstall(self, name: str) -> None:
        self.pip("uninstall", "--yes", name)

    def installed(self) -> dict[str, dict]:
        """Every ik-* distribution installed: version, editable or not, where, file hashes."""
        code = textwrap.dedent("""
            import json, importlib.metadata as md
            found = {}
            for dist in md.distributions():
                name = dist.metadata["Name"].lower().replace("_", "-")
                if not name.startswith("ik-"):
                    continue
                direct = json.loads(dist.read_text("direct_url.json") or "{}")
                found[name] = {
                    "version": dist.version,
                    "editable": direct.get("dir_info", {}).get("editable", False),
                    "location": str(dist.locate_file("")),
                    "files": {str(f): f.hash.value for f in dist.files or () if f.hash},
                }
            print(json.dumps(found))
        """)
        return json.loads(run([self.python, "-c", code], cwd=self.where).stdout)

    def plugins(self) -> dict[str, str]:
        """``python -m ik_host plugins --json``: plugin name -> distribution."""
        out = run([self.python, "-m", "ik_host", "plugins", "--json"], cwd=self.where).stdout
        return {entry["name"]: entry["distribution"] for entry in json.loads(out)}

    # -- assertions

    def expect_installed(self, names: Iterable[str]) -> None:
        """Exactly ``names`` are installed, each from its built wheel and nowhere else."""
        installed = self.installed()
        if set(installed) != set(names):
            raise CheckFailed(f"installed ik-* distributions are {sorted(installed)}, "
                              f"expected {sorted(names)}")
        site = str(self.where.resolve())
        for name, info in installed.items():
            dist = self.dists[name]
            if info["version"] != dist.version or info["editable"]:
                raise CheckFailed(f"{name} {info['version']} is installed "
                                  f"{'editable' if info['editable'] else ''}")
            if not str(Path(info["location"]).resolve()).startswith(site):
                raise CheckFailed(f"{name} is installed at {info['location']}, outside {site}")
            wheel = _wheel_hashes(dist.wheel(self.wheels))
            files = {k: v for k, v in info["files"].items() if k in wheel}
            if files != wheel:
                raise CheckFailed(f"{name}'s installed files are not those of its built wheel")

    def expect_plugins(self, names: Iterable[str]) -> None:
        """``python -m ik_host plugins`` lists the entry points of exactly these distributions."""
        wanted = {ep: n for n in names for ep in self.dists[n].entry_points}
        listed = self.plugins()
        if listed != wanted:
            raise CheckFailed(f"`python -m ik_host plugins` lists {listed}, expected {wanted}")


def _wheel_hashes(wheel: Path) -> dict[str, str]:
    with zipfile.ZipFile(wheel) as archive:
        record = _one(n for n in archive.namelist() if n.endswith(".dist-info/RECORD"))
        rows = archive.read(str(record)).decode().splitlines()
    hashes = {}
    for row in rows:
        path, digest, _ = row.rsplit(",", 2)
        if digest and ".dist-info/" not in path:
            hashes[path] = digest.split("=", 1)[1]
    return hashes


# -- scenarios -------------------------------------------------------------------------------------


def django_scenario(log: Log, dists: dict[str, Dist], wheels: Path, work: Path) -> None:
    """ik-django alone, Optimistic removed again, then every extra and every other plugin."""
    env = Env(work / "venv-django", wheels, dists)
    site = work / "site"
    shutil.copytree(SMOKE, site, ignore=shutil.ignore_patterns("__pycache__", "media", "*.sqlite3"))
    installed = closure(dists, [DJANGO_DIST])
    py = env.python

    def manage(*args: str, strategy: str | None = None, expect: int | None = 0) -> str:
        extra = {"SMOKE_STRATEGY": strategy} if strategy else {}
        result = run([py, "manage.py", *args], cwd=site, env=clean_env(**extra), expect=expect)
        return result.stdout + result.stderr

    def smoke(step: str, strategy: str | None = None) -> None:
        extra = {"SMOKE_STRATEGY": strategy} if strategy else {}
        out = run([py, "smoke.py", step], cwd=site, env=clean_env(**extra)).stdout
        if out.strip().splitlines()[-1:] != [f"ok {step}"]:
            raise CheckFailed(f"smoke.py {step} did not finish:\n{out}")
        log.say(_indent(out))

    def site_works(strategy: str | None = None) -> None:
        manage("check", strategy=strategy)
        smoke("upload", strategy)
        # Under JustInTime, smoke.py verify then finds the new photo's file already written.
        out = manage("generateimages", "gallery:photo:thumbnail")
        if not re.search(r"\b\d+ generated, 0 failed", out):
            raise CheckFailed(f"generateimages said:\n{out}")
        smoke("verify", strategy)

    def install() -> None:
        env.install(DJANGO_DIST)
        env.expect_installed(installed)

    def first_run() -> None:
        manage("migrate", "--noinput")
        manage("makemigrations", "--check", "--dry-run")  # the project's migration is complete
        site_works()

    def optimistic() -> None:
        site_works(strategy="imagekit.cachefiles.strategies.Optimistic")
        site_works(strategy="optimistic")

    def without_optimistic() -> None:
        env.uninstall(OPTIONAL_DIST)
        env.expect_installed(set(installed) - {OPTIONAL_DIST})
        env.expect_plugins(set(installed) - {OPTIONAL_DIST})
        hint = f"pip install {OPTIONAL_DIST}"
        for strategy in ("optimistic", "imagekit.cachefiles.strategies.Optimistic"):
            out = manage("check", strategy=strategy, expect=None)
            if "imagekit.E001" not in out or hint not in out:
                raise CheckFailed(f"manage.py check with the strategy {strategy!r} said:\n{out}")
            smoke("strategy-missing", strategy)
        log.say(_indent(next(line for line in out.splitlines() if "imagekit.E001" in line)))
        site_works()  # everything else still works

    def everything() -> None:
        groups = dists[DJANGO_DIST].project.get("optional-dependencies", {})
        extras = ",".join(sorted(  # with --only, the extras whose plugins were built
            extra for extra, requirements in groups.items()
            if all(_req_name(r) in dists for r in requirements if _req_name(r).startswith("ik-"))
        ))
        others = sorted(set(dists) - set(closure(dists, [DJANGO_DIST], extras=True)))
        env.install(f"{DJANGO_DIST}[{extras}]" if extras else DJANGO_DIST, *others)
        env.expect_installed(dists)
        env.expect_plugins(dists)
        site_works()

    steps = [
        ("install ik-django alone from the wheels", install),
        ("plugins listed: exactly the installed ones", lambda: env.expect_plugins(installed)),
        ("Django smoke test (migrate, check, generateimages, tags, admin)", first_run),
        ("the Optimistic strategy, installed, by dotted path and by name", optimistic),
        (f"{OPTIONAL_DIST} uninstalled: its hint, and the rest still works", without_optimistic),
    ]
    if set(dists) != set(installed):
        steps.append(("every extra and every other plugin installed and listed", everything))
    for name, body in steps:
        if not log.stage(name, body):
            return


def plain_scenario(log: Log, dists: dict[str, Dist], wheels: Path, work: Path) -> None:
    """The processor plugin (and what it requires) without Django: a thumbnail from Python."""
    env = Env(work / "venv-plain", wheels, dists)
    installed = closure(dists, list(PLAIN_DISTS))
    folder = work / "plain"
    folder.mkdir()

    def install() -> None:
        env.install(*PLAIN_DISTS)
        env.expect_installed(installed)
        if run([env.python, "-c", "import django"], cwd=folder, expect=None).returncode == 0:
            raise CheckFailed("Django is installed in the environment meant to be without it")
        env.expect_plugins(installed)

    def thumbnail() -> None:
        out = run([env.python, SMOKE / "plain_thumbnail.py"], cwd=folder).stdout
        if not out.strip().endswith("ok plain"):
            raise CheckFailed(out)
        log.say(_indent(out))

    for name, body in [
        (f"install {' and '.join(PLAIN_DISTS)} alone from the wheels, no Django", install),
        ("a thumbnail and a picture set from plain Python", thumbnail),
    ]:
        if not log.stage(name, body):
            return


# -- main ------------------------------------------------------------------------------------------


def check(root: Path, only: list[str], work: Path) -> list[str]:
    started = time.monotonic()
    found = discover(root)
    unknown = [n for n in map(canonicalize_name, only) if n not in found]
    if unknown:
        return [f"no such distribution: {unknown}; found {sorted(found)}"]
    src = clean_copy(root, work / "src")
    everything = discover(src)
    dists = everything
    if only:
        dists = {n: everything[n] for n in closure(everything, map(canonicalize_name, only))}
    wheels = work / "wheels"
    scratch = work / "scratch"
    scratch.mkdir()
    log = Log("build")
    print(f"== {len(dists)} distributions: {', '.join(sorted(dists))}", flush=True)

    def build_all() -> None:
        with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
            futures = {n: pool.submit(build, d, wheels, scratch) for n, d in dists.items()}
        failed = [f"{n}: {f.exception()}" for n, f in futures.items() if f.exception()]
        if failed:
            raise CheckFailed("\n".join(failed))

    def expect_none(problems: list[str]) -> None:
        if problems:
            raise CheckFailed("\n".join(problems))

    if not log.stage("build an sdist and a wheel of each", build_all):
        _print(log)
        return log.failures
    # Both contents checks report and the scenarios still run: each shows the mistake its way.
    log.stage("metadata", lambda: expect_none(
        metadata_problems(dists, wheels, src, everything)))
    log.stage("wheel contents", lambda: expect_none(
        [p for d in dists.values() for p in content_problems(d, wheels)]))
    _print(log)

    scenarios = []
    if DJANGO_DIST in dists:
        scenarios.append((Log("django"), django_scenario))
    if all(dist in dists for dist in PLAIN_DISTS):
        scenarios.append((Log("plain python"), plain_scenario))
    with ThreadPoolExecutor(max_workers=2) as pool:
        for scenario_log, scenario in scenarios:
            pool.submit(_run_scenario, scenario, scenario_log, dists, wheels, work)
    failures = log.failures + [f for scenario_log, _ in scenarios for f in scenario_log.failures]
    print(f"== {'FAILED' if failures else 'passed'} in {time.monotonic() - started:.0f}s",
          flush=True)
    return failures


def _run_scenario(scenario: Callable, log: Log, *args: object) -> None:
    try:
        scenario(log, *args)
    except CheckFailed as exc:  # a failure while setting the scenario up
        log.failures.append(f"{log.title}: {exc}")
        log.say(f"FAIL {exc}")
    except Exception as exc:
        log.failures.append(f"{log.title}: {type(exc).__name__}: {exc}")
        log.say(f"FAIL {type(exc).__name__}: {exc}")
    _print(log)


def _print(log: Log) -> None:
    with _print_lock:
        print(f"== {log.title}", flush=True)
        for line in log.lines:
            print(line, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=ROOT, help="the repository (default: this)")
    parser.add_argument("--only", nargs="*", default=[], metavar="DIST",
                        help="only these distributions and their ik-* dependencies")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="ik-packaging-"))
    try:
        failures = check(args.root.resolve(), args.only, work)
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    if failures:
        print("\nThe packaging check failed:", file=sys.stderr)
        for failure in failures:
            print(f"- {failure.splitlines()[0]}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

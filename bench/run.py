"""Benchmark this project against django-imagekit 6.1.1, with one command.

    python bench/run.py [--quick] [--rounds N] [--only SECTION ...]
    python bench/run.py --before [REV] [--after REV] [--rounds N] [--only django throughput]

1. Builds three virtualenvs under bench/.envs/ (once; the project's is reinstalled whenever
   its sources change): ``corpus`` (scikit-image, for its bundled photos), ``imagekit``
   (django-imagekit 6.1.1, pilkit and Pillow from PyPI: the comparison) and ``ik`` (this
   project installed from the checkout, not editable).
2. Builds the corpus under bench/.corpus/ (see bench/corpus.py).
3. Runs every workload in subprocess workers (bench/workers/), each in its environment, and
   prints one table: medians of the rounds, ratios to django-imagekit, and the targets.
4. Writes everything measured to bench/results/<timestamp>.json (and latest.json).

The ``page`` section (one page of 50 photos, three images each: cache round trips, storage
calls, SQL queries and time per page) also needs Redis (``BENCH_REDIS_URL``, by default
redis://127.0.0.1:6379/11, a database it empties); it prints a table of its own.

With ``--before``, a past revision (a git worktree under bench/.envs/, installed like the
checkout) is measured beside the working tree instead of django-imagekit: warm paths and
generation, round by round.

Only the standard library is used here; see bench/README.md for what each figure means.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
ENVS = BENCH / ".envs"
CORPUS = BENCH / ".corpus"
RESULTS = BENCH / "results"
WORKERS = BENCH / "workers"

# The project's distributions, installed from the checkout in this order.
PROJECT = [
    ".",
    "plugins/defaults",
    "plugins/processors_pilkit",
    "plugins/strategy_optimistic",
    "plugins/processors_vips",
    "plugins/django",
]
REQUIREMENTS = {
    "corpus": ["scikit-image>=0.24,<0.27", "Pillow>=10.1"],
    "imagekit": ["django-imagekit==6.1.1", "pilkit", "Pillow", "Django>=4.2", "redis"],
}
# Installed beside the project's distributions in its environments (the page section's cache).
PROJECT_EXTRAS = ["redis"]
SECTIONS = ["throughput", "rss", "django", "generateimages", "page"]
RSS_SOURCE = "coffee-24mp.jpg"
TWO_SPECS_SOURCES = 60
TWO_SPECS_IDS = "benchapp:bench_thumbnail,benchapp:bench_display"
PATHS_SOURCE = "coffee-2mp.jpg"
PAGE_PHOTOS = 50
# The page section's cache: a Redis database of its own, emptied by the benchmark.
PAGE_REDIS = os.environ.get("BENCH_REDIS_URL") or "redis://127.0.0.1:6379/11"
PAGE_VARIANTS = [  # (key, label, environment, view)
    ("imagekit", "django-imagekit", "imagekit", "plain"),
    ("imagekit_prefetch", "django-imagekit + prefetch", "imagekit", "prefetch"),
    ("ik", "ik", "ik", "plain"),
    ("ik_prefetch", "ik + prefetch", "ik", "prefetch"),
]
PAGE_SCENARIOS = [  # (key, label)
    ("cold", "new process, cold cache"),
    ("warm_cache", "new process, warm cache"),
    ("warm_process", "warm process"),
]
# --before without a revision: the last commit before the module re-layout.
DEFAULT_BEFORE = "291b355"
BEFORE_SECTIONS = ["django", "throughput"]
SIDES = ("before", "after")
BEFORE_PASSES = 3  # timed passes over the 12 MP JPEGs per generation worker, their median kept
WARM_ROWS = [  # (worker key, label, target in us)
    ("thumbnail_url_us", "warm instance.thumbnail.url: us", 15.0),
    ("plain_url_us", "  plain ImageField .url: us", None),
    ("thumbnail_url_new_instance_us", "  .thumbnail.url on a new instance: us", None),
    ("plain_url_new_instance_us", "  plain .url on a new instance: us", None),
    ("tag_us", "warm {% thumbnail '100x100' src %} render: us", 25.0),
    ("plain_tag_us", "  plain {{ src.url }} render: us", None),
]

IMPLS = [  # (key, label, environment, worker arguments before the workload)
    ("imagekit", "django-imagekit", "imagekit", ["imagekit_generate.py"]),
    ("pillow", "ik pillow", "ik", ["ik_generate.py", "{command}", "pillow"]),
    ("vips", "ik vips", "ik", ["ik_generate.py", "{command}", "vips"]),
]


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# -- environments ------------------------------------------------------------------------------


def python_of(env: str) -> Path:
    return ENVS / env / "bin" / "python"


def pip(env: str, *arguments: str, cwd: Path = REPO) -> None:
    command = [str(python_of(env)), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    subprocess.run([*command, *arguments], check=True, cwd=cwd)


def project_fingerprint(distributions: list[str], tree: Path = REPO) -> str:
    """A digest of every source file the project's distributions (in ``tree``) are built from."""
    digest = hashlib.sha256()
    skip = {"build", "tests", "__pycache__", ".venv"}
    for distribution in distributions:
        root = tree / distribution
        files = [root / "pyproject.toml"]
        for package in root.iterdir():
            if package.is_dir() and (package / "__init__.py").exists():
                files += [path for path in package.rglob("*") if path.is_file()]
        for path in sorted(files):
            parts = set(path.relative_to(tree).parts)
            if parts & skip or path.suffix == ".pyc" or ".egg-info" in str(path):
                continue
            digest.update(str(path.relative_to(tree)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def ensure_env(env: str, wanted: str, install: Any) -> None:
    marker = ENVS / env / ".bench-installed"
    if marker.exists() and marker.read_text() == wanted:
        return
    if not python_of(env).exists():
        log(f"creating virtualenv bench/.envs/{env}")
        subprocess.run([sys.executable, "-m", "venv", str(ENVS / env)], check=True)
    log(f"installing into bench/.envs/{env}")
    install()
    marker.write_text(wanted)


def ensure_project_env(env: str, tree: Path = REPO) -> dict[str, Any]:
    """Install the project's distributions from ``tree`` (the checkout, or a worktree of a past
    revision) into ``env``, not editable; reinstalled whenever their sources change."""
    distributions = [path for path in PROJECT if (tree / path / "pyproject.toml").exists()]
    notes: dict[str, Any] = {"django_app": True}

    def install_project() -> None:
        first = not (ENVS / env / ".bench-installed").exists()
        reinstall = [] if first else ["--force-reinstall", "--no-deps"]
        try:
            pip(env, *reinstall, *[f"./{path}" for path in distributions], cwd=tree)
            pip(env, *PROJECT_EXTRAS)
        except subprocess.CalledProcessError:
            if not first:  # a new dependency: install with dependencies
                pip(env, *[f"./{path}" for path in distributions], *PROJECT_EXTRAS, cwd=tree)
            else:
                raise

    try:
        wanted = project_fingerprint(distributions, tree) + " " + " ".join(PROJECT_EXTRAS)
        ensure_env(env, wanted, install_project)
    except subprocess.CalledProcessError:
        log("the Django app (plugins/django) did not install; its workloads are skipped")
        partial = [path for path in distributions if path != "plugins/django"]
        ensure_env(env, project_fingerprint(partial, tree), lambda: pip(env, *partial, cwd=tree))
        notes["django_app"] = False
    return notes


def ensure_envs(comparison: bool = True, working_tree: bool = True) -> dict[str, Any]:
    """The corpus's environment, django-imagekit's (with ``comparison``) and the checkout's
    (with ``working_tree``)."""
    ENVS.mkdir(parents=True, exist_ok=True)
    for env, requirements in REQUIREMENTS.items():
        if env == "imagekit" and not comparison:
            continue
        ensure_env(env, "\n".join(requirements), lambda r=requirements, e=env: pip(e, *r))
    return ensure_project_env("ik") if working_tree else {}


def ensure_worktree(revision: str) -> tuple[str, Path]:
    """A detached git worktree of ``revision`` under bench/.envs/ (git-ignored), made once."""
    sha = git("rev-parse", "--verify", f"{revision}^{{commit}}")
    tree = ENVS / f"tree-{sha[:12]}"
    if not (tree / ".git").exists():
        log(f"adding a worktree of {sha[:12]} at bench/.envs/{tree.name}")
        git("worktree", "prune")
        git("worktree", "add", "--detach", str(tree), sha)
    if git("rev-parse", "HEAD", cwd=tree) != sha:
        raise SystemExit(f"bench/.envs/{tree.name} is not at {sha}: remove it and run again")
    return sha, tree


def git(*arguments: str, cwd: Path = REPO) -> str:
    done = subprocess.run(["git", *arguments], cwd=cwd, check=True, capture_output=True, text=True)
    return done.stdout.strip()


def versions(env: str) -> dict[str, str]:
    output = subprocess.run(
        [str(python_of(env)), "-m", "pip", "list", "--format=json", "--disable-pip-version-check"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    wanted = {"pillow", "pilkit", "django-imagekit", "django", "pyvips", "pyvips-binary"}
    installed = {item["name"].lower(): item["version"] for item in json.loads(output)}
    return {
        name: version
        for name, version in sorted(installed.items())
        if name in wanted or name.startswith("ik-")
    }


# -- workers -----------------------------------------------------------------------------------


def worker(env: str, arguments: list[str], extra_env: dict[str, str] | None = None) -> Any:
    """Run a worker script in ``env``; its last line of output is its JSON answer."""
    environment = {**os.environ, **(extra_env or {})}
    environment.pop("IK_HOST_DISABLE_PLUGINS", None)
    environment.pop("IK_HOST_LOAD_PLUGINS", None)
    done = subprocess.run(
        [str(python_of(env)), str(WORKERS / arguments[0]), *arguments[1:]],
        capture_output=True,
        text=True,
        cwd=WORKERS,
        env=environment,
        timeout=1800,
    )
    if done.returncode != 0:
        tail = "\n".join(done.stderr.strip().splitlines()[-15:])
        raise RuntimeError(f"worker {' '.join(arguments[:3])} failed:\n{tail}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def impl_arguments(impl: tuple[str, str, str, list[str]], command: str) -> list[str]:
    _key, _label, _env, arguments = impl
    if arguments[0] == "imagekit_generate.py":
        return [arguments[0], command]
    return [part.format(command=command) for part in arguments]


# -- measurements --------------------------------------------------------------------------------


def images_per_second(result: dict, names: set[str], key: str = "seconds") -> list[float]:
    """Per timed round: (images in ``names``) / (seconds they took in that round)."""
    picked = [index for index, name in enumerate(result["names"]) if name in names]
    return [len(picked) / sum(seconds[i] for i in picked) for seconds in result[key]]


def run_throughput(corpus: list[dict], rounds: int, results: dict) -> None:
    """``rounds`` rounds, each running every implementation once in turn (in a rotating order),
    so a change in the machine's load during the run touches them all alike."""
    images = [str(CORPUS / entry["name"]) for entry in corpus]
    groups = {
        "12mp": {entry["name"] for entry in corpus if entry["group"] == "12mp"},
        "corpus": {entry["name"] for entry in corpus},
    }
    raw: dict[str, dict[str, list[dict]]] = {}
    for round_index in range(rounds):
        for workload in ("fill300", "fit1024"):
            order = IMPLS[round_index % 3 :] + IMPLS[: round_index % 3]
            for impl in order:
                key, label, env = impl[0], impl[1], impl[2]
                log(f"throughput round {round_index + 1}/{rounds} {workload} {label}")
                out = BENCH / "results" / "outputs" / workload / key if round_index == 0 else "-"
                arguments = [*impl_arguments(impl, "throughput"), workload, "1", str(out)]
                answer = worker(env, [*arguments, *images])
                raw.setdefault(workload, {}).setdefault(key, []).append(answer)
    section = results.setdefault("throughput", {})
    for workload, by_impl in raw.items():
        for key, answers in by_impl.items():
            merged = {
                "names": answers[0]["names"],
                "seconds": [answer["seconds"][0] for answer in answers],
                "cpu_seconds": [answer["cpu_seconds"][0] for answer in answers],
            }
            entry: dict[str, Any] = {"raw": merged}
            for group, names in groups.items():
                rates = images_per_second(merged, names)
                entry[group] = statistics.median(rates)
                entry[f"{group}_rounds"] = rates
                entry[f"{group}_cpu"] = statistics.median(
                    images_per_second(merged, names, "cpu_seconds")
                )
            section.setdefault(workload, {})[key] = entry
    # Ratios per round (the implementations ran side by side), then their median.
    for by_impl in section.values():
        for key, reference_key, name in (
            ("pillow", "imagekit", "ratio"),
            ("vips", "imagekit", "ratio"),
            ("vips", "pillow", "vs_pillow"),
        ):
            entry, reference = by_impl.get(key), by_impl.get(reference_key)
            if not entry or not reference:
                continue
            for group in groups:
                pairs = zip(entry[f"{group}_rounds"], reference[f"{group}_rounds"], strict=True)
                entry[f"{group}_{name}"] = statistics.median(
                    ours / theirs for ours, theirs in pairs
                )
                cpu = entry[f"{group}_cpu"] / reference[f"{group}_cpu"]
                entry[f"{group}_cpu_{name}"] = cpu


def run_mad(results: dict) -> None:
    """Our outputs against django-imagekit's: as made (JPEG q85) and made as PNG."""
    for suffix, name in (("", "mad"), ("-png", "mad_png")):
        section = results.setdefault(name, {})
        for workload in ("fill300", "fit1024"):
            reference = BENCH / "results" / "outputs" / workload / f"imagekit{suffix}"
            for key in ("pillow", "vips"):
                other = BENCH / "results" / "outputs" / workload / f"{key}{suffix}"
                if reference.exists() and other.exists():
                    answer = worker("ik", ["compare.py", str(reference), str(other)])
                    section.setdefault(workload, {})[key] = answer


def run_rss(results: dict) -> None:
    section = results.setdefault("rss", {})
    source = str(CORPUS / RSS_SOURCE)
    for workload in ("fill300", "fit1024"):
        for impl in IMPLS:
            log(f"peak RSS {workload} {impl[1]} on {RSS_SOURCE} (fresh process)")
            scratch = BENCH / "results" / "scratch"
            scratch.mkdir(parents=True, exist_ok=True)
            arguments = [*impl_arguments(impl, "rss"), workload, source, str(scratch)]
            section.setdefault(workload, {})[impl[0]] = worker(impl[2], arguments)


def run_django(loops: int, results: dict, notes: dict) -> None:
    section = results.setdefault("django", {})
    for key, env in (("imagekit", "imagekit"), ("ik", "ik")):
        if key == "ik" and not notes["django_app"]:
            continue
        log(f"django paths in {env} ({loops} loops)")
        try:
            section[key] = worker(
                env, ["django_paths.py", "paths", str(loops), str(CORPUS / PATHS_SOURCE)]
            )
        except RuntimeError as exc:
            log(str(exc))
            section[key] = {"error": str(exc)}


def run_generateimages(corpus: list[dict], rounds: int, results: dict, notes: dict) -> None:
    section = results.setdefault("generateimages", {})
    # Issue 4 asks for 12-megapixel sources: the 200 rows cycle over the nine 12 MP JPEGs.
    sources = [str(CORPUS / entry["name"]) for entry in corpus if entry["group"] == "12mp"]
    runs = [("imagekit", "imagekit", None), ("pillow", "ik", "pillow"), ("vips", "ik", "vips")]
    for key, env, engine in runs:
        if env == "ik" and not notes["django_app"]:
            continue
        log(f"generateimages over 200 sources in {env} (engine {engine or 'default'})")
        extra = {"BENCH_ENGINE": engine} if engine else None
        # One process per --jobs value: a process that has run libvips cannot fork workers
        # (they would be spawned, or with settings.configure() not started at all).
        answer: dict = {}
        try:
            for jobs in ("1", "2"):
                arguments = ["django_paths.py", "generateimages", str(rounds), jobs, *sources]
                part = worker(env, arguments, extra)
                seconds = answer.get("seconds", {}) | part["seconds"]
                answer = part | {"seconds": seconds}
                if not part.get("jobs_supported"):
                    break  # django-imagekit: one run, whatever --jobs says
            section[key] = answer
        except RuntimeError as exc:
            log(str(exc))
            section[key] = {"error": str(exc)}
    # Two specs of every source (a 300 px crop and a 1024 px fit): each source is decoded once
    # for both by this project. Fewer sources, one process each, the Pillow engine.
    two = results.setdefault("generateimages_two_specs", {})
    extra = {"BENCH_SOURCES": str(TWO_SPECS_SOURCES), "BENCH_GENERATE_IDS": TWO_SPECS_IDS}
    for key, env in (("imagekit", "imagekit"), ("pillow", "ik")):
        if env == "ik" and not notes["django_app"]:
            continue
        log(f"generateimages, {TWO_SPECS_SOURCES} sources x 2 specs, in {env}")
        arguments = ["django_paths.py", "generateimages", str(rounds), "1", *sources]
        try:
            two[key] = worker(env, arguments, extra)
        except RuntimeError as exc:
            log(str(exc))
            two[key] = {"error": str(exc)}


def redis_ping(url: str) -> str | None:
    """None when the Redis server of ``url`` answers PING, else why not."""
    parts = urlsplit(url)
    address = (parts.hostname or "127.0.0.1", parts.port or 6379)
    try:
        with socket.create_connection(address, timeout=3) as connection:
            connection.sendall(b"PING\r\n")
            reply = connection.recv(64)
    except OSError as exc:
        return f"cannot connect to {address[0]}:{address[1]}: {exc}"
    if not reply.startswith(b"+PONG"):
        return f"{address[0]}:{address[1]} answered {reply[:40]!r} to PING"
    return None


def run_page(rounds: int, renders: int, results: dict, notes: dict) -> None:
    """The page of ``PAGE_PHOTOS`` photos (three images each), in each variant and scenario.

    Per environment, a first process migrates, makes the photos and renders the page once (every
    file generated). Then per round and variant (in a rotating order): a new process with the
    Redis database emptied renders once (cold cache: this project keeps its record table), and a
    second new process renders once (warm cache) and ``renders`` more times (warm process)."""
    section = results.setdefault("page", {"photos": PAGE_PHOTOS, "redis": PAGE_REDIS})
    extra = {"BENCH_REDIS_URL": PAGE_REDIS}
    variants = [v for v in PAGE_VARIANTS if v[2] != "ik" or notes.get("django_app", True)]
    works: dict[str, Path] = {}
    try:
        for env in dict.fromkeys(variant[2] for variant in variants):
            works[env] = Path(tempfile.mkdtemp(prefix=f"ik-bench-page-{env}-"))
            log(f"page: {PAGE_PHOTOS} photos, every file generated, in {env}")
            prepared = worker(env, ["page_render.py", "prepare", str(works[env]), str(PAGE_PHOTOS)])
            section.setdefault("prepare", {})[env] = prepared
        raw: dict[str, dict[str, list]] = {key: {} for key, *_ in variants}
        for round_index in range(rounds):
            shift = round_index % len(variants)
            for key, label, env, view in variants[shift:] + variants[:shift]:
                log(f"page round {round_index + 1}/{rounds} {label}")
                arguments = ["page_render.py", "render", str(works[env]), view]
                cold = worker(env, [*arguments, "flush", "0"], extra)
                warm = worker(env, [*arguments, "keep", str(renders)], extra)
                raw[key].setdefault("cold", []).append(cold["first"])
                raw[key].setdefault("warm_cache", []).append(warm["first"])
                raw[key].setdefault("warm_process", []).extend(warm["warm"])
    finally:
        for work in works.values():
            shutil.rmtree(work, ignore_errors=True)
    section["raw"] = raw
    figures = section.setdefault("figures", {})
    for key, by_scenario in raw.items():
        for scenario, renders_seen in by_scenario.items():
            calls: dict[str, float] = {}
            for name in {name for render in renders_seen for name in render["calls"]}:
                calls[name] = statistics.median(r["calls"].get(name, 0) for r in renders_seen)
            figures.setdefault(key, {})[scenario] = {
                "renders": len(renders_seen),
                "us": statistics.median(r["us"] for r in renders_seen),
                "cache": statistics.median(r["cache"] for r in renders_seen),
                "storage": statistics.median(r["storage"] for r in renders_seen),
                "sql": statistics.median(r["sql"] for r in renders_seen),
                "calls": dict(sorted(calls.items())),
            }


PAGE_HEADER = [
    f"page of {PAGE_PHOTOS} photos x 3 images",
    "cache round trips",
    "storage calls",
    "SQL queries",
    "us/page",
    "calls by kind",
    "",
]


def page_rows(page: dict) -> list[list[str]]:
    rows = []
    for key, label, *_ in PAGE_VARIANTS:
        for scenario, scenario_label in PAGE_SCENARIOS:
            figure = page.get("figures", {}).get(key, {}).get(scenario)
            if not figure:
                continue
            parts = []
            for kind in ("cache", "storage"):
                counts = [
                    f"{name.split('.', 1)[1]} {count:g}"
                    for name, count in figure["calls"].items()
                    if name.startswith(f"{kind}.") and count
                ]
                if counts:
                    parts.append(f"{kind}: {', '.join(counts)}")
            kinds = "; ".join(parts) or "-"
            rows.append(
                [
                    f"{label}, {scenario_label}",
                    fmt(figure["cache"], "g"),
                    fmt(figure["storage"], "g"),
                    fmt(figure["sql"], "g"),
                    fmt(figure["us"], ".0f"),
                    kinds,
                    "",
                ]
            )
    return rows


def run_before(
    sides: list[tuple[str, str]], sections: list[str], corpus: list[dict], rounds: int, loops: int
) -> dict[str, dict[str, list]]:
    """Every workload in both environments (``sides``: (name, environment)), round after round,
    the order alternating by round so a change in the machine's load touches both alike."""
    workloads: list[tuple[str, list[str]]] = []
    if "django" in sections:
        source = str(CORPUS / PATHS_SOURCE)
        workloads.append(("warm", ["django_paths.py", "paths", str(loops), source]))
    if "throughput" in sections:
        images = [str(CORPUS / entry["name"]) for entry in corpus if entry["group"] == "12mp"]
        for engine in ("pillow", "vips"):
            passes = str(BEFORE_PASSES)
            arguments = ["ik_generate.py", "throughput", engine, "fill300", passes, "-", *images]
            workloads.append((f"fill300_{engine}", arguments))
    raw: dict[str, dict[str, list]] = {}
    for round_index in range(rounds):
        for name, arguments in workloads:
            for side, env in sides if round_index % 2 == 0 else sides[::-1]:
                log(f"before/after round {round_index + 1}/{rounds} {name} {side} ({env})")
                raw.setdefault(name, {}).setdefault(side, []).append(worker(env, arguments))
    return raw


def before_figures(raw: dict[str, dict[str, list]], corpus: list[dict]) -> dict[str, dict]:
    """Per figure: each side's values by round, their medians and the median of the per-round
    after/before ratios (the two sides of a round ran next to each other)."""
    series: dict[str, tuple[list[float], list[float]]] = {}
    for key, *_ in WARM_ROWS:
        if "warm" in raw:
            series[key] = tuple([answer[key] for answer in raw["warm"][side]] for side in SIDES)
    names = {entry["name"] for entry in corpus if entry["group"] == "12mp"}
    for engine in ("pillow", "vips"):
        for timing in ("seconds", "cpu_seconds"):
            if f"fill300_{engine}" in raw:
                by_side = raw[f"fill300_{engine}"]
                series[f"fill300_{engine}_{timing}"] = tuple(
                    [
                        statistics.median(images_per_second(answer, names, timing))
                        for answer in by_side[side]
                    ]
                    for side in SIDES
                )
    figures = {}
    for key, (before, after) in series.items():
        figures[key] = {
            "before": before,
            "after": after,
            "before_median": statistics.median(before),
            "after_median": statistics.median(after),
            "ratio": statistics.median(a / b for a, b in zip(after, before, strict=True)),
        }
    return figures


def before_rows(figures: dict[str, dict]) -> list[list[str]]:
    labels = [(key, label, False) for key, label, _target in WARM_ROWS]
    for engine in ("pillow", "vips"):
        name = f"ResizeToFill(300,300) JPEG q85, 12 MP JPEGs, ik {engine}"
        labels.append((f"fill300_{engine}_seconds", f"{name}: images/s", True))
        labels.append((f"fill300_{engine}_cpu_seconds", "  same, images per CPU-second", True))
    rows = []
    for key, label, higher_is_better in labels:
        if key not in figures:
            continue
        figure = figures[key]
        ratio_value = figure["ratio"]
        faster = ratio_value > 1 if higher_is_better else ratio_value < 1
        change = f"{abs(ratio_value - 1) * 100:.1f}% {'faster' if faster else 'slower'}"
        spec = ".2f" if higher_is_better else ".1f"
        rows.append(
            [
                label,
                fmt(figure["before_median"], spec),
                fmt(figure["after_median"], spec),
                fmt(ratio_value, ".3f"),
                change,
                "",
            ]
        )
    return rows


# -- the table -----------------------------------------------------------------------------------


def ratio(value: float | None, reference: float | None) -> float | None:
    if value is None or not reference:
        return None
    return value / reference


def fmt(value: float | None, spec: str = ".1f", suffix: str = "") -> str:
    return "-" if value is None else f"{value:{spec}}{suffix}"


def verdict(ok: bool | None) -> str:
    return "" if ok is None else ("met" if ok else "MISSED")


def table_rows(results: dict) -> list[list[str]]:
    rows: list[list[str]] = []
    throughput = results.get("throughput", {})
    names = {"fill300": "ResizeToFill(300,300)", "fit1024": "ResizeToFit(1024,1024)"}
    targets = {("fill300", "12mp"): 5.0, ("fill300", "corpus"): 3.0}
    targets |= {("fit1024", "12mp"): 2.5, ("fit1024", "corpus"): 2.5}
    for workload in ("fill300", "fit1024"):
        for group, label in (("12mp", "12 MP JPEGs"), ("corpus", "whole corpus")):
            entries = {key: throughput.get(workload, {}).get(key, {}) for key, *_ in IMPLS}
            values = {key: entry.get(group) for key, entry in entries.items()}
            reference = values["imagekit"]
            # Ratios of rounds run side by side, then their median (see run_throughput).
            pillow_ratio = entries["pillow"].get(f"{group}_ratio")
            vips_ratio = entries["vips"].get(f"{group}_ratio")
            target = targets[(workload, group)]
            ok = None
            note = ""
            if pillow_ratio is not None and vips_ratio is not None:
                ok = pillow_ratio >= target and vips_ratio >= target
                if workload == "fill300" and group == "12mp":
                    vs_pillow = entries["vips"].get(f"{group}_vs_pillow", 0.0)
                    note = f" (vips/pillow {vs_pillow:.2f}x)"
                    ok = ok and vs_pillow >= 0.97  # "no slower", within the noise of a round
            rows.append(
                [
                    f"{names[workload]} JPEG q85, {label}: images/s",
                    fmt(reference, ".2f"),
                    fmt(values["pillow"], ".2f"),
                    fmt(values["vips"], ".2f"),
                    fmt(pillow_ratio, ".1f", "x"),
                    fmt(vips_ratio, ".1f", "x"),
                    f">= {target}x"
                    + (", vips >= pillow" if (workload, group) == ("fill300", "12mp") else ""),
                    verdict(ok) + note,
                ]
            )
            # The Pillow engine resamples on several cores (IMAGEKIT_IMAGE_THREADS), so its
            # wall-clock rate and its rate per CPU-second differ: both are shown.
            cpu = {key: entry.get(f"{group}_cpu") for key, entry in entries.items()}
            rows.append(
                [
                    "  same, images per CPU-second",
                    fmt(cpu["imagekit"], ".2f"),
                    fmt(cpu["pillow"], ".2f"),
                    fmt(cpu["vips"], ".2f"),
                    fmt(entries["pillow"].get(f"{group}_cpu_ratio"), ".1f", "x"),
                    fmt(entries["vips"].get(f"{group}_cpu_ratio"), ".1f", "x"),
                    "",
                    "",
                ]
            )
    rss = results.get("rss", {})
    for workload in ("fill300", "fit1024"):
        values = {key: rss.get(workload, {}).get(key, {}).get("delta_mib") for key, *_ in IMPLS}
        reference = values["imagekit"]
        ok = None
        if reference and values["pillow"] is not None and values["vips"] is not None:
            ok = values["pillow"] <= reference / 4 and values["vips"] <= reference / 4
        rows.append(
            [
                f"peak RSS per generation, 24 MP, {names[workload]}: MiB",
                fmt(reference),
                fmt(values["pillow"]),
                fmt(values["vips"]),
                fmt(ratio(values["pillow"], reference), ".2f", "x"),
                fmt(ratio(values["vips"], reference), ".2f", "x"),
                "<= 0.25x",
                verdict(ok),
            ]
        )
    django = results.get("django", {})
    dik, ours = django.get("imagekit", {}), django.get("ik", {})
    for key, label, target in WARM_ROWS:
        value = ours.get(key)
        ok = None if target is None or value is None else value <= target
        rows.append(
            [
                label,
                fmt(dik.get(key)),
                fmt(value),
                "",
                fmt(ratio(value, dik.get(key)), ".2f", "x"),
                "",
                f"<= {target:g} us" if target else "",
                verdict(ok),
            ]
        )
    generate = results.get("generateimages", {})

    def median_seconds(key: str, label: str) -> float | None:
        seconds = generate.get(key, {}).get("seconds", {}).get(label)
        return statistics.median(seconds) if seconds else None

    # django-imagekit's command has no --jobs: its one run is the reference for every row.
    reference = median_seconds("imagekit", "default")
    labels = sorted(
        {label for key in ("pillow", "vips") for label in generate.get(key, {}).get("seconds", {})}
    ) or ["default"]
    for label in labels:
        pillow, vips = median_seconds("pillow", label), median_seconds("vips", label)
        rows.append(
            [
                f"generateimages, 200 x 12 MP sources (--{label.replace('jobs', 'jobs ')}): s",
                fmt(reference, ".2f"),
                fmt(pillow, ".2f"),
                fmt(vips, ".2f"),
                fmt(ratio(reference, pillow), ".1f", "x faster"),
                fmt(ratio(reference, vips), ".1f", "x faster"),
                "",
                "",
            ]
        )
    two = results.get("generateimages_two_specs", {})

    def two_seconds(key: str) -> float | None:
        seconds = two.get(key, {}).get("seconds", {})
        values = next(iter(seconds.values()), None)
        return statistics.median(values) if values else None

    if two:
        reference, pillow = two_seconds("imagekit"), two_seconds("pillow")
        rows.append(
            [
                f"generateimages, {TWO_SPECS_SOURCES} x 12 MP sources x 2 specs "
                "(fill 300 + fit 1024, --jobs 1): s",
                fmt(reference, ".2f"),
                fmt(pillow, ".2f"),
                "",
                fmt(ratio(reference, pillow), ".1f", "x faster"),
                "",
                "",
                "",
            ]
        )
    for section, how in (("mad", "JPEG q85 outputs"), ("mad_png", "same, as PNG")):
        mad = results.get(section, {})
        for workload in ("fill300", "fit1024"):
            values = {key: mad.get(workload, {}).get(key, {}) for key in ("pillow", "vips")}
            ok = None
            if values["pillow"] and values["vips"] and section == "mad":
                ok = all(
                    value["size_mismatches"] == 0 and (value["max_mad"] or 0) <= 2.0
                    for value in values.values()
                )
            rows.append(
                [
                    f"MAD vs django-imagekit, {names[workload]}, {how}: max (mean), size diffs",
                    "",
                    _mad_cell(values["pillow"]),
                    _mad_cell(values["vips"]),
                    "",
                    "",
                    "<= 2 levels, 0" if section == "mad" else "",
                    verdict(ok),
                ]
            )
    return rows


def _mad_cell(value: dict) -> str:
    if not value:
        return "-"
    worst, mean = fmt(value["max_mad"], ".2f"), fmt(value["mean_mad"], ".2f")
    return f"{worst} ({mean}), {value['size_mismatches']}"


COMPARISON_HEADER = ["measure", "django-imagekit", "ik pillow", "ik vips", "pillow/dik", "vips/dik"]
COMPARISON_HEADER += ["target", ""]


def render(rows: list[list[str]], header: list[str] | None = None) -> str:
    header = header or COMPARISON_HEADER
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(header, widths, strict=True))]
    lines.append("  ".join("-" * width for width in widths))
    for row in rows:
        cells = [row[0].ljust(widths[0])]
        cells += [cell.rjust(width) for cell, width in zip(row[1:-2], widths[1:-2], strict=True)]
        cells += [row[-2].ljust(widths[-2]), row[-1]]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


# -- main ----------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds and loops (~3 min)")
    parser.add_argument("--rounds", type=int, help="timed rounds per throughput workload")
    parser.add_argument("--only", nargs="+", choices=SECTIONS, help="run only these sections")
    parser.add_argument(
        "--before",
        nargs="?",
        const=DEFAULT_BEFORE,
        metavar="REV",
        help="instead of django-imagekit, compare the working tree with git revision REV "
        f"(default {DEFAULT_BEFORE}, the last commit before the module re-layout); "
        f"sections {' '.join(BEFORE_SECTIONS)}",
    )
    parser.add_argument(
        "--after",
        metavar="REV",
        help="with --before: measure git revision REV instead of the working tree "
        "(HEAD leaves uncommitted changes out)",
    )
    args = parser.parse_args(argv)
    if args.after and not args.before:
        parser.error("--after needs --before")
    rounds = args.rounds or (1 if args.quick else 3)
    loops = 4000 if args.quick else 20000
    sections = args.only or (BEFORE_SECTIONS if args.before else SECTIONS)
    if args.before and not set(sections) <= set(BEFORE_SECTIONS):
        parser.error(f"--before runs only the sections {' '.join(BEFORE_SECTIONS)}")
    started = time.time()
    if "page" in sections and not args.before:
        # Stop before any install or measurement rather than report a page section without it.
        problem = redis_ping(PAGE_REDIS)
        if problem:
            raise SystemExit(
                f"the page section needs a Redis server ({PAGE_REDIS}, set BENCH_REDIS_URL to "
                f"change it): {problem}. Start Redis, or leave out the page section."
            )

    notes = ensure_envs(comparison=not args.before, working_tree=not args.after)
    corpus: list[dict] = []
    if set(sections) - {"page"}:  # the page makes its own photos
        log("building the corpus (once)")
        corpus_script = str(BENCH / "corpus.py")
        subprocess.run([str(python_of("corpus")), corpus_script, str(CORPUS)], check=True)
        corpus = json.loads((CORPUS / "corpus.json").read_text())["images"]
    if args.before:
        return main_before(args.before, args.after, sections, corpus, rounds, loops, started)

    results: dict[str, Any] = {
        "started": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "options": {"rounds": rounds, "loops": loops, "quick": args.quick, "sections": sections},
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "versions": {env: versions(env) for env in ("imagekit", "ik")},
        "corpus": corpus,
        "notes": notes,
    }
    if "throughput" in sections:
        run_throughput(corpus, rounds, results)
        run_mad(results)
    if "rss" in sections:
        run_rss(results)
    if "django" in sections:
        run_django(loops, results, notes)
    if "generateimages" in sections:
        run_generateimages(corpus, 1 if args.quick else 2, results, notes)
    if "page" in sections:
        run_page(rounds, 10 if args.quick else 30, results, notes)
    results["seconds"] = time.time() - started

    tables = []
    if set(sections) - {"page"}:
        tables.append(render(table_rows(results)))
    if "page" in results:
        tables.append(render(page_rows(results["page"]), PAGE_HEADER))
    table = "\n\n".join(tables)
    results["table"] = table
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for name in (f"{stamp}.json", "latest.json"):
        (RESULTS / name).write_text(json.dumps(results, indent=1, default=str))
    print(table)
    print(f"\n({results['seconds']:.0f} s; details in bench/results/{stamp}.json)")
    return 0


def revision_env(revision: str) -> tuple[str, str]:
    """The environment of a past revision, installed from its worktree; and its full sha."""
    sha, tree = ensure_worktree(revision)
    env = f"ik-{sha[:12]}"
    ensure_project_env(env, tree)
    return env, sha


def main_before(
    revision: str,
    after_revision: str | None,
    sections: list[str],
    corpus: list[dict],
    rounds: int,
    loops: int,
    started: float,
) -> int:
    """A past revision against the working tree (or ``after_revision``), in the same run."""
    env, sha = revision_env(revision)
    after_env, after_label = "ik", "working tree"
    if after_revision:
        after_env, after_sha = revision_env(after_revision)
        after_label = f"after ({after_sha[:7]})"
    raw = run_before([("before", env), ("after", after_env)], sections, corpus, rounds, loops)
    figures = before_figures(raw, corpus)
    header = ["measure", f"before ({sha[:7]})", after_label, "after/before", "after is", ""]
    table = render(before_rows(figures), header)
    results = {
        "started": time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(started)),
        "options": {"before": revision, "sha": sha, "after": after_revision or "working tree"},
        "rounds": rounds,
        "loops": loops,
        "sections": sections,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "versions": {"before": versions(env), "after": versions(after_env)},
        "figures": figures,
        "raw": raw,
        "table": table,
        "seconds": time.time() - started,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    name = f"before-{sha[:7]}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    (RESULTS / name).write_text(json.dumps(results, indent=1, default=str))
    print(table)
    print(f"\n({results['seconds']:.0f} s, {rounds} rounds; details in bench/results/{name})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

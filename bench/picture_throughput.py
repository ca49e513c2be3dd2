"""A whole picture set from each 12 MP JPEG: this project against django-pictures, in one run.

From the repository root::

    python3 bench/picture_throughput.py [--rounds N]

The set is what ``{% picture %}`` offers: widths 400, 800 and 1200 px, each in AVIF, WebP and
JPEG (nine files per source), from the corpus's nine 12 MP JPEGs (``bench/corpus.py``; three
carry an EXIF orientation, which both turn upright). Rows:

* ``django-pictures 1.7.5``: its ``process_picture`` (``workers/picture_worker_djp.py``) in
  ``bench/.envs/pictures``, Python 3.12 (django-pictures 2.x needs Python 3.14, not installed
  here; ``BENCH_PYTHON312`` names the interpreter, else ``python3.12`` on the PATH). It saves
  with Pillow's defaults: AVIF q75 speed 6, WebP q80 method 4, JPEG q75.
* ``ik, Pillow's defaults``: ``ik_pictures.pictures.picture_set`` through the ``Simple`` backend
  (``workers/picture_worker_ik.py``), the same qualities and speeds given explicitly.
* ``ik, one by one``: the same, each rendition made alone (a decode each).
* ``ik, own defaults``: the project's format defaults (docs/formats.md).

A round runs every row once over the nine sources, each in a new process after one untimed
set, in a rotating order so machine load hits all rows alike. Figures are medians over rounds:
sets per second (wall clock), CPU seconds per set, mean bytes per rendition by format, and the
mean SSIM (luma, scikit-image) of each format's renditions against the source decoded in full,
turned upright and resized with Lanczos (``workers/picture_quality.py``, first round's files).
Everything measured goes to ``bench/results/picture_throughput.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run as bench  # the environments, corpus and worker plumbing of bench/run.py

PICTURES_ENV = "pictures"
PICTURES_REQUIREMENTS = ["django-pictures==1.7.5", "Django>=5.2", "Pillow"]
ROWS = [  # (key, label, environment, worker arguments before OUT SCRATCH IMAGE...)
    ("djp", "django-pictures 1.7.5", PICTURES_ENV, ["picture_worker_djp.py"]),
    ("ik", "ik, Pillow's defaults", "ik", ["picture_worker_ik.py", "pillow", "together"]),
    ("ik_alone", "ik, one by one", "ik", ["picture_worker_ik.py", "pillow", "alone"]),
    ("ik_own", "ik, own defaults", "ik", ["picture_worker_ik.py", "own", "together"]),
]
FORMATS = [("image/avif", "AVIF"), ("image/webp", "WEBP"), ("image/jpeg", "JPEG")]
OUTPUTS = bench.RESULTS / "picture-outputs"


def python312() -> str:
    found = os.environ.get("BENCH_PYTHON312") or shutil.which("python3.12")
    if not found:
        raise SystemExit("django-pictures 1.7.5 is measured on Python 3.12: set BENCH_PYTHON312")
    return found


def ensure_pictures_env() -> None:
    def install() -> None:
        bench.pip(PICTURES_ENV, *PICTURES_REQUIREMENTS)

    if not bench.python_of(PICTURES_ENV).exists():
        subprocess.run([python312(), "-m", "venv", str(bench.ENVS / PICTURES_ENV)], check=True)
    bench.ensure_env(PICTURES_ENV, "\n".join(PICTURES_REQUIREMENTS), install)


def sources() -> list[str]:
    script = str(bench.BENCH / "corpus.py")
    subprocess.run([str(bench.python_of("corpus")), script, str(bench.CORPUS)], check=True)
    corpus = json.loads((bench.CORPUS / "corpus.json").read_text())["images"]
    return [str(bench.CORPUS / entry["name"]) for entry in corpus if entry["group"] == "12mp"]


def run_round(number: int, images: list[str], raw: dict[str, list[dict]]) -> None:
    order = ROWS[number % len(ROWS) :] + ROWS[: number % len(ROWS)]
    for key, label, env, arguments in order:
        out = str(OUTPUTS / key) if number == 0 else "-"
        with tempfile.TemporaryDirectory() as scratch:
            answer = bench.worker(env, [*arguments, out, scratch, *images])
        raw.setdefault(key, []).append(answer)
        rate = len(answer["seconds"]) / sum(answer["seconds"])
        bench.log(f"round {number + 1}: {label}: {rate:.2f} sets/s")


def figures(raw: dict[str, list[dict]], quality: dict[str, dict[str, float]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, *_ in ROWS:
        rounds = raw[key]
        first = rounds[0]
        found[key] = {
            "sets_per_second": statistics.median(
                len(r["seconds"]) / sum(r["seconds"]) for r in rounds
            ),
            "cpu_seconds_per_set": statistics.median(statistics.fmean(r["cpu"]) for r in rounds),
            "bytes": {fmt: statistics.fmean(first["bytes"][mime]) for mime, fmt in FORMATS},
            "ssim": quality.get(str(OUTPUTS / key), {}),
        }
    reference = found["djp"]["sets_per_second"]
    for values in found.values():
        values["ratio"] = values["sets_per_second"] / reference
    return found


def table(found: dict[str, Any]) -> str:
    header = ["", "sets/s", "x djp", "CPU s/set"]
    header += [f"{fmt} KB" for _, fmt in FORMATS] + [f"{fmt} SSIM" for _, fmt in FORMATS]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for key, label, *_ in ROWS:
        values = found[key]
        cells = [label, f"{values['sets_per_second']:.2f}", f"{values['ratio']:.2f}"]
        cells.append(f"{values['cpu_seconds_per_set']:.2f}")
        cells += [f"{values['bytes'][fmt] / 1000:.1f}" for _, fmt in FORMATS]
        cells += [f"{values['ssim'].get(fmt, float('nan')):.4f}" for _, fmt in FORMATS]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    bench.ensure_envs(comparison=False)
    ensure_pictures_env()
    images = sources()
    shutil.rmtree(OUTPUTS, ignore_errors=True)
    raw: dict[str, list[dict]] = {}
    for number in range(args.rounds):
        run_round(number, images, raw)
    folders = [str(OUTPUTS / key) for key, *_ in ROWS]
    quality = bench.worker("corpus", ["picture_quality.py", str(bench.CORPUS), *folders])
    found = figures(raw, quality)
    result = {"rounds": args.rounds, "raw": raw, "figures": found}
    result["versions"] = {env: bench.versions(env) for env in ("ik", PICTURES_ENV)}
    (bench.RESULTS / "picture_throughput.json").write_text(json.dumps(result, indent=1))
    print(table(found))
    return 0


if __name__ == "__main__":
    sys.exit(main())

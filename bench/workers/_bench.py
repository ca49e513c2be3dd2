"""What every worker shares: the workloads, timing, peak memory and the JSON answer.

Workers run inside the benchmark virtualenvs (django-imagekit's or this project's), so this
module needs nothing but the standard library and Pillow. A worker prints one JSON object on
its last line of output; ``bench/run.py`` reads it.
"""

from __future__ import annotations

import gc
import io
import json
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PIL import Image

# name -> (processor class name, arguments); both projects' processors take the same ones.
WORKLOADS: dict[str, tuple[str, tuple[int, int]]] = {
    "fill300": ("ResizeToFill", (300, 300)),
    "fit1024": ("ResizeToFit", (1024, 1024)),
}
FORMAT = "JPEG"
OPTIONS = {"quality": 85}

# generate(path) -> encoded bytes
Generate = Callable[[str], bytes]


def save_options(format: str) -> dict[str, Any] | None:
    return OPTIONS if format == "JPEG" else None


def answer(result: dict[str, Any]) -> None:
    print(json.dumps(result))
    sys.stdout.flush()


def throughput(
    generate: Generate, images: list[str], rounds: int, out: str, generate_png: Generate
) -> dict:
    """Wall-clock and CPU seconds per image, per timed round.

    Before timing, one untimed pass: with ``out`` (not ``-``) it makes every output and writes
    it to ``out`` (and, made with PNG as the output format, to ``out-png``, so processing can
    be compared free of JPEG encoding noise); else it only warms the pipeline up on the first
    image.
    """
    if out != "-":
        jpeg_dir, png_dir = Path(out), Path(out + "-png")
        jpeg_dir.mkdir(parents=True, exist_ok=True)
        png_dir.mkdir(parents=True, exist_ok=True)
        for path in images:
            (jpeg_dir / (Path(path).stem + ".jpg")).write_bytes(generate(path))
            (png_dir / (Path(path).stem + ".png")).write_bytes(generate_png(path))
    else:
        generate(images[0])
    wall, cpu = [], []
    for _ in range(rounds):
        wall_round, cpu_round = [], []
        for path in images:
            gc.collect()
            start, start_cpu = time.perf_counter(), time.process_time()
            generate(path)
            cpu_round.append(time.process_time() - start_cpu)
            wall_round.append(time.perf_counter() - start)
        wall.append(wall_round)
        cpu.append(cpu_round)
    return {"names": [Path(path).name for path in images], "seconds": wall, "cpu_seconds": cpu}


def max_rss_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux


def tiny_jpeg(path: Path) -> str:
    """A 64x48 JPEG to warm a pipeline up without raising the memory high-water mark."""
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (90, 120, 200)).save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())
    return str(path)


def peak_rss(generate: Generate, image: str, scratch: Path) -> dict:
    """How far one generation from ``image`` raises the peak RSS above the post-import level."""
    after_imports = max_rss_kib()
    generate(tiny_jpeg(scratch / "warm.jpg"))  # lazy imports and library start-up
    gc.collect()
    baseline = max_rss_kib()
    data = generate(image)
    peak = max_rss_kib()
    return {
        "after_imports_mib": after_imports / 1024,
        "baseline_mib": baseline / 1024,
        "peak_mib": peak / 1024,
        "delta_mib": (peak - baseline) / 1024,
        "output_bytes": len(data),
    }

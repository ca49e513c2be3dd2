"""SSIM of every rendition of a picture set against a reference made from the full decode.

Runs in bench/.envs/corpus (Pillow, numpy, scikit-image)::

    python picture_quality.py SOURCES_DIR OUTPUT_DIR...

Each OUTPUT_DIR holds ``<source stem>-<width>.<avif|webp|jpeg>``. The reference of a rendition is
its source decoded in full, turned upright from its EXIF orientation and resized to the
rendition's size with Lanczos in one step; the SSIM (scikit-image's ``structural_similarity``)
is taken on luma. The answer: per folder, per format, the mean SSIM over its renditions.
"""

from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps
from skimage.metrics import structural_similarity

_UPRIGHT: dict[str, Image.Image] = {}


def upright(path: Path) -> Image.Image:
    if str(path) not in _UPRIGHT:
        with Image.open(path) as img:
            _UPRIGHT.clear()  # one 12 MP source in memory at a time
            _UPRIGHT[str(path)] = ImageOps.exif_transpose(img.convert("RGB"))
    return _UPRIGHT[str(path)]


def ssim(rendition: Path, source: Path) -> float:
    with Image.open(rendition) as made:
        made = made.convert("RGB")
    reference = upright(source).resize(made.size, Image.Resampling.LANCZOS)
    a = np.asarray(made.convert("L"), dtype=np.float64)
    b = np.asarray(reference.convert("L"), dtype=np.float64)
    return float(structural_similarity(a, b, data_range=255))


def main(sources: Path, folders: list[str]) -> None:
    found: dict[str, dict[str, list[float]]] = {}
    files = sorted(
        (path for folder in folders for path in Path(folder).iterdir()), key=lambda p: p.name
    )
    for path in files:
        stem, _, _width = path.stem.rpartition("-")
        per_format = found.setdefault(str(path.parent), {})
        per_format.setdefault(path.suffix[1:].upper(), []).append(
            ssim(path, sources / f"{stem}.jpg")
        )
    means = {
        folder: {fmt: statistics.fmean(values) for fmt, values in formats.items()}
        for folder, formats in found.items()
    }
    print(json.dumps(means))


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2:])

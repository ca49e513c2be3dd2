"""Measure AVIF, WebP and JPEG encoder settings, to choose the Pillow engine's format defaults.

Run in the corpus virtualenv (Pillow, numpy, scikit-image), from the repository root::

    bench/.envs/corpus/bin/python bench/format_defaults.py [--quick]

(``bash bench/run.sh --only throughput`` creates that environment.) The photos are those of the
benchmark corpus (``bench/corpus.py``: scikit-image's photos upscaled to 2 MP with a sensor-like
grain), each reduced with Lanczos to the renditions a page asks for (long side 800 and 1200 px),
as the engine would hand them to the encoder. Every setting encodes every rendition; the table
gives, averaged over them: bytes relative to the reference JPEG, encode time, and SSIM (luma,
scikit-image's ``structural_similarity``) against the rendition before encoding, with its
difference from the reference JPEG's SSIM. Times are the fastest of two encodes, wall clock
and CPU (all encoder threads); the CPU time is the steadier on a busy machine. The reference
is what a django-imagekit spec gives without options: JPEG, Pillow's quality 75, ``optimize``
on (pilkit's autoconvert).
"""

from __future__ import annotations

import io
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image
from skimage.metrics import structural_similarity

sys.path.insert(0, str(Path(__file__).parent))
from corpus import crop_to_ratio, grain, photo, upscale

PHOTOS = [
    ("astronaut", 4 / 3),
    ("chelsea", None),
    ("coffee", None),
    ("rocket", None),
    ("motorcycle", None),
    ("hubble_deep_field", None),
]
LONG_SIDES = (800, 1200)
REFERENCE = ("JPEG", {"quality": 75, "optimize": True})


def settings(quick: bool) -> list[tuple[str, dict[str, object]]]:
    jpeg = [("JPEG", {"quality": 75})]
    jpeg += [("JPEG", {"quality": q, "optimize": True}) for q in (75, 85)]
    jpeg += [("JPEG", {"quality": q, "optimize": True, "progressive": True}) for q in (75, 85)]
    webp_q = (80, 82, 85) if quick else (75, 80, 82, 85, 90)
    webp = [("WEBP", {"quality": q, "method": m}) for q in webp_q for m in (4, 6)]
    avif_q = (60, 63, 65) if quick else (50, 55, 60, 63, 65, 70, 75)
    # Speed 4 and below cost seconds per rendition: no use for images made on request.
    avif = [("AVIF", {"quality": q, "speed": s}) for q in avif_q for s in (6, 8)]
    return jpeg + webp + avif


def renditions() -> list[Image.Image]:
    out = []
    for seed, (name, ratio) in enumerate(PHOTOS):
        img = photo(name)
        if ratio is not None:
            img = crop_to_ratio(img, ratio)
        source = grain(upscale(img.convert("RGB"), 2), seed)
        for side in LONG_SIDES:
            scale = side / max(source.size)
            size = (round(source.width * scale), round(source.height * scale))
            out.append(source.resize(size, Image.Resampling.LANCZOS))
    return out


def encode(img: Image.Image, fmt: str, options: dict[str, object]) -> tuple[bytes, float, float]:
    """The encoded bytes, and the fastest of two encodes in ms: wall clock, and CPU time of
    the process (every encoder thread), steadier on a busy machine."""
    wall = cpu = float("inf")
    for _ in range(2):
        buffer = io.BytesIO()
        start, start_cpu = time.perf_counter(), time.process_time()
        img.save(buffer, fmt, **options)
        wall = min(wall, (time.perf_counter() - start) * 1000)
        cpu = min(cpu, (time.process_time() - start_cpu) * 1000)
    return buffer.getvalue(), wall, cpu


def ssim(original: np.ndarray, data: bytes) -> float:
    decoded = np.asarray(Image.open(io.BytesIO(data)).convert("L"), dtype=np.float64)
    return float(structural_similarity(original, decoded, data_range=255))


def measure(
    images: list[Image.Image], fmt: str, options: dict[str, object], lumas: list[np.ndarray]
) -> tuple[list[int], float, float, float]:
    """Bytes per rendition, and the means of wall ms, CPU ms and SSIM."""
    sizes, walls, cpus, scores = [], [], [], []
    for img, luma in zip(images, lumas, strict=True):
        data, wall, cpu = encode(img, fmt, options)
        sizes.append(len(data))
        walls.append(wall)
        cpus.append(cpu)
        scores.append(ssim(luma, data))
    return sizes, statistics.mean(walls), statistics.mean(cpus), statistics.mean(scores)


def label(fmt: str, options: dict[str, object]) -> str:
    return fmt + " " + " ".join(f"{key}={value}" for key, value in options.items())


def main() -> int:
    quick = "--quick" in sys.argv
    images = renditions()
    lumas = [np.asarray(img.convert("L"), dtype=np.float64) for img in images]
    ref_sizes, ref_wall, ref_cpu, ref_ssim = measure(images, *REFERENCE, lumas)
    print(
        f"{len(images)} renditions; reference {label(*REFERENCE)}: "
        f"{statistics.mean(ref_sizes):,.0f} bytes, {ref_wall:.1f} ms ({ref_cpu:.1f} ms CPU), "
        f"SSIM {ref_ssim:.4f}"
    )
    print("| setting | bytes vs reference | encode ms | CPU ms | SSIM | SSIM - reference |")
    print("|---|---:|---:|---:|---:|---:|")
    for fmt, options in settings(quick):
        sizes, wall, cpu, score = measure(images, fmt, options, lumas)
        ratio = statistics.mean(size / ref for size, ref in zip(sizes, ref_sizes, strict=True))
        print(
            f"| {label(fmt, options)} | {ratio:.2f} | {wall:.1f} | {cpu:.1f} | {score:.4f} | "
            f"{score - ref_ssim:+.4f} |",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Build the benchmark corpus from the photos scikit-image ships (``skimage.data``).

Run by ``bench/run.py`` in the corpus virtualenv (scikit-image, numpy, Pillow). Every image is
upscaled to the size under test with Lanczos, given a fine sensor-like grain (a seeded normal
noise, so JPEG decoding costs what it costs on camera files, not on over-smooth upscales), and
saved deterministically. The manifest ``corpus.json`` lists each file with its group:

* ``12mp``: nine 12-megapixel JPEGs (q90, 4:2:0), landscape, portrait, square and one gray;
  three carry an EXIF orientation (3, 6, 8), as phone photos do.
* ``24mp``: three 24-megapixel JPEGs (the peak-memory source is the first).
* ``png``: three RGBA PNGs of 3-4 megapixels with soft transparency.
* ``medium``: four 2-megapixel JPEGs.

Usage: ``python corpus.py OUTPUT_DIR``. Nothing is rebuilt when the manifest's recipe matches.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import numpy as np
from PIL import Image
from skimage import data

RECIPE = 3  # bump when anything below changes, so old corpora are rebuilt
ORIENTATION = 0x0112


def photo(name: str) -> Image.Image:
    if name == "motorcycle":
        left, _right, _disparity = data.stereo_motorcycle()
        return Image.fromarray(left)
    array = getattr(data, name)()
    img = Image.fromarray(array)
    return img


def crop_to_ratio(img: Image.Image, ratio: float) -> Image.Image:
    """The centre of ``img`` with width/height ``ratio``."""
    width, height = img.size
    if width / height > ratio:
        new_width = round(height * ratio)
        left = (width - new_width) // 2
        return img.crop((left, 0, left + new_width, height))
    new_height = round(width / ratio)
    top = (height - new_height) // 2
    return img.crop((0, top, width, top + new_height))


def upscale(img: Image.Image, megapixels: float) -> Image.Image:
    width, height = img.size
    scale = math.sqrt(megapixels * 1_000_000 / (width * height))
    return img.resize((round(width * scale), round(height * scale)), Image.Resampling.LANCZOS)


def grain(img: Image.Image, seed: int, sigma: float = 5.0) -> Image.Image:
    """``img`` with seeded normal noise on its colour bands (alpha untouched)."""
    array = np.asarray(img).astype(np.int16)
    rng = np.random.default_rng(seed)
    bands = array.shape[2] if array.ndim == 3 else 1
    colour = 3 if bands >= 3 else 1
    noise = rng.normal(0.0, sigma, size=array.shape[:2] + ((colour,) if array.ndim == 3 else ()))
    noisy = array.copy()
    if array.ndim == 3:
        noisy[..., :colour] = array[..., :colour] + noise.round().astype(np.int16)
    else:
        noisy = array + noise.round().astype(np.int16)
    return Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8), mode=img.mode)


def soft_alpha(img: Image.Image, shape: str) -> Image.Image:
    """RGBA: a soft vignette ("radial") or a left-to-right fade ("fade") as alpha."""
    width, height = img.size
    if shape == "radial":
        small = Image.radial_gradient("L").resize((width, height), Image.Resampling.BICUBIC)
        alpha = small.point(lambda value: max(0, 255 - value * 2))
    else:
        alpha = Image.linear_gradient("L").rotate(90, expand=True).resize((width, height))
    rgba = img.convert("RGBA")
    rgba.putalpha(alpha)
    return rgba


# name, group, source photo, crop ratio (None: as shipped), turn, megapixels, EXIF orientation
PLAN = [
    ("astronaut-12mp", "12mp", "astronaut", 4 / 3, None, 12, 6),
    ("chelsea-12mp", "12mp", "chelsea", None, None, 12, None),
    ("coffee-12mp", "12mp", "coffee", None, None, 12, 3),
    ("rocket-12mp", "12mp", "rocket", None, Image.Transpose.ROTATE_90, 12, 8),
    ("motorcycle-12mp", "12mp", "motorcycle", None, None, 12, None),
    ("hubble-12mp", "12mp", "hubble_deep_field", None, None, 12, None),
    ("retina-12mp", "12mp", "retina", None, None, 12, None),
    ("camera-12mp-gray", "12mp", "camera", None, None, 12, None),
    ("ihc-12mp-portrait", "12mp", "immunohistochemistry", 3 / 4, None, 12, None),
    ("coffee-24mp", "24mp", "coffee", None, None, 24, None),
    ("rocket-24mp-portrait", "24mp", "rocket", None, Image.Transpose.ROTATE_90, 24, None),
    ("motorcycle-24mp", "24mp", "motorcycle", None, None, 24, None),
    ("logo-alpha", "png", "logo", None, None, 3, None),
    ("astronaut-alpha", "png", "astronaut", None, None, 4, None),
    ("chelsea-alpha", "png", "chelsea", None, None, 3, None),
    ("coffee-2mp", "medium", "coffee", None, None, 2, None),
    ("chelsea-2mp", "medium", "chelsea", None, None, 2, None),
    ("astronaut-2mp", "medium", "astronaut", 4 / 3, None, 2, None),
    ("hubble-2mp", "medium", "hubble_deep_field", None, None, 2, None),
]


def build(out: Path) -> list[dict[str, object]]:
    out.mkdir(parents=True, exist_ok=True)
    entries = []
    for seed, (name, group, source, ratio, turn, megapixels, orientation) in enumerate(PLAN):
        img = photo(source)
        if ratio is not None:
            img = crop_to_ratio(img, ratio)
        if turn is not None:
            img = img.transpose(turn)
        if group == "png" and img.mode != "RGBA":  # the logo has transparency of its own
            img = soft_alpha(img.convert("RGB"), "radial" if seed % 2 else "fade")
        img = grain(upscale(img, megapixels), seed)
        if group == "png":
            path = out / f"{name}.png"
            img.save(path, "PNG", compress_level=6)
        else:
            path = out / f"{name}.jpg"
            options: dict[str, object] = {"quality": 90 if group != "medium" else 85}
            if orientation is not None:
                exif = Image.Exif()
                exif[ORIENTATION] = orientation
                options["exif"] = exif.tobytes()
            img.save(path, "JPEG", **options)
        entries.append(
            {
                "name": path.name,
                "group": group,
                "width": img.width,
                "height": img.height,
                "mode": img.mode,
                "orientation": orientation,
                "bytes": path.stat().st_size,
            }
        )
        size = path.stat().st_size
        print(
            f"  {path.name}: {img.width}x{img.height} {img.mode}, {size:,} bytes", file=sys.stderr
        )
    return entries


def main() -> int:
    out = Path(sys.argv[1])
    manifest = out / "corpus.json"
    if manifest.exists() and json.loads(manifest.read_text()).get("recipe") == RECIPE:
        print(f"corpus up to date in {out}", file=sys.stderr)
        return 0
    entries = build(out)
    manifest.write_text(json.dumps({"recipe": RECIPE, "images": entries}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())

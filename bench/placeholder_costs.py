"""Measure what a placeholder costs the Pillow engine per generated image.

Run with the development virtualenv, from the repository root::

    .venv/bin/python bench/placeholder_costs.py [--count 100] [--size 1200x800]

Each image is a deterministic photo-like picture (Mandelbrot detail in every channel, gradients
and a sensor-like grain, so box averages are not flat), already decoded, as the engine holds the
processed image before encoding. For each kind the time is ``image_placeholder(image, kind)``:
the downscale to the small rendition, the hash and the PNG data URL it is drawn as. The
downscale and the encoders alone are timed too, to show where the time goes, and the same
images with soft transparency (the premultiplied path). Medians and 90th percentiles of one
call per image, in microseconds, after one warm-up pass.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import blurhash_rs
import thumbhash
from PIL import Image

from ik_processors_pilkit.pillow_placeholders import image_placeholder, small_rendition

KINDS = ("thumbhash", "blurhash", "color")


def photo(size: tuple[int, int], seed: int) -> Image.Image:
    """A photo-like RGB image: fractal detail, gradients and grain, different for each seed."""
    width, height = size
    zoom = 1.0 + (seed % 7) * 0.15
    extent = (-2.0 / zoom, -1.2 / zoom, 1.0 / zoom, 1.2 / zoom)
    detail = Image.effect_mandelbrot(size, extent, 40 + seed % 60)
    gradient = Image.linear_gradient("L").rotate(seed * 37 % 360).resize(size)
    radial = Image.radial_gradient("L").resize(size)
    grain = Image.effect_noise(size, 12)
    red = Image.blend(detail, gradient, 0.5)
    green = Image.blend(radial, grain, 0.3)
    blue = Image.blend(gradient.transpose(Image.Transpose.FLIP_LEFT_RIGHT), detail, 0.4)
    return Image.merge("RGB", (red, green, blue)).resize((width, height))


def with_alpha(img: Image.Image) -> Image.Image:
    """``img`` with a soft transparent vignette (alpha from a radial gradient)."""
    alpha = Image.radial_gradient("L").resize(img.size).point(lambda v: 255 - v)
    rgba = img.convert("RGBA")
    rgba.putalpha(alpha)
    return rgba


def timed(call: Callable[[Image.Image], object], images: list[Image.Image]) -> list[float]:
    for img in images[:3]:  # warm-up: imports, first allocations
        call(img)
    times = []
    for img in images:
        started = time.perf_counter()
        call(img)
        times.append((time.perf_counter() - started) * 1e6)
    return times


def row(label: str, times: list[float]) -> str:
    ordered = sorted(times)
    p90 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))]
    return f"| {label:<44} | {statistics.median(times):>8.0f} | {p90:>8.0f} |"


def thumbhash_alone(small: Image.Image) -> bytes:
    rgba = small.convert("RGBA")
    return thumbhash.rgba_to_thumb_hash(rgba.width, rgba.height, rgba.tobytes())


def measure(images: list[Image.Image], title: str) -> None:
    print(f"\n{title}\n")
    print(f"| {'what (per image)':<44} | {'median us':>8} | {'p90 us':>8} |")
    print(f"|{'-' * 46}|{'-' * 10}|{'-' * 10}|")
    for kind in KINDS:
        times = timed(lambda img, kind=kind: image_placeholder(img, kind), images)
        print(row(f"{kind}: downscale, hash, data URL", times))
    print(row("the downscale alone (small_rendition)", timed(small_rendition, images)))
    smalls = [small_rendition(img) for img in images]
    print(row("thumbhash-rs encode alone (<= 48 px)", timed(thumbhash_alone, smalls)))
    encode = lambda small: blurhash_rs.blurhash_encode(small.convert("RGB"), 4, 3)  # noqa: E731
    print(row("blurhash-rs encode alone, 4x3 (<= 48 px)", timed(encode, smalls)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--size", default="1200x800")
    args = parser.parse_args()
    width, height = (int(part) for part in args.size.split("x"))
    images = [photo((width, height), seed) for seed in range(args.count)]
    measure(images, f"{args.count} RGB images of {width}x{height}")
    measure([with_alpha(img) for img in images], "the same with soft transparency (RGBA)")


if __name__ == "__main__":
    main()

"""pyvips, imported on first use, and the image operations the plan's steps need.

Loading libvips takes tens of milliseconds; a process that has this plugin installed but never
picks the engine does not pay for it. Images are tracked with their Pillow mode name (L, LA,
RGB or RGBA, the only ones this engine takes), so every mode decision is Pillow's.

On first use libvips is set up for making thumbnails in a server: its operation cache is off
(each image is made once; the cache would only keep source buffers alive, some 20 MiB after a
few dozen images) and it runs one worker thread unless ``VIPS_CONCURRENCY`` says otherwise
(decoding is serial anyway, and extra threads cost some 5 MiB each on a 24-megapixel source;
a web server already runs requests in parallel).
"""

from __future__ import annotations

import functools
import importlib
import os
from typing import Any

from ik_host.forking import mark_fork_unsafe
from ik_processors_pilkit.colors import TRANSPARENT_WHITE, parse_color
from ik_processors_vips._plan import Cut, Enhance, Pad, Resample, Rgba, Step, Turn, Unsupported

BANDS = {"L": 1, "LA": 2, "RGB": 3, "RGBA": 4}

# ITU-R 601-2 luma in Pillow's fixed point (RGB -> L), so gray values match Pillow's exactly.
_LUMA = (19595, 38470, 7471)
# ImageFilter.SMOOTH, the "degenerate" image of ImageEnhance.Sharpness.
_SMOOTH = [[1, 1, 1], [1, 5, 1], [1, 1, 1]]
_SMOOTH_SCALE = 13
# Fail on broken data as Pillow does (vips would otherwise pad a truncated image with gray).
_FAIL = "fail_on=error"


@functools.cache
def vips() -> Any:
    """The pyvips module, set up as the module docstring says."""
    module = importlib.import_module("pyvips")
    mark_fork_unsafe("libvips", "its worker threads do not survive fork()")
    module.cache_set_max(0)
    if "VIPS_CONCURRENCY" not in os.environ:
        module.concurrency_set(1)
    return module


def error_type() -> type[Exception]:
    return vips().Error


# -- loading ---------------------------------------------------------------------------------


def load(
    path: str | None,
    data: bytes | None,
    *,
    stored: tuple[int, int],
    size: tuple[int, int] | None,
    upright: bool,
    shrink: int | None,
    swapped: bool = False,
) -> Any:
    """The source, turned upright if asked, and resampled to exactly ``size`` if given.

    A JPEG (of ``stored`` size) is decoded at 1/``shrink`` scale (DCT scaling) and streamed
    through the resample, so the full-size image never exists; other formats go through
    ``thumbnail``, which shrinks WebP on load too. ``size`` is the upright size; ``swapped``
    says turning upright swaps width and height (EXIF orientations 5 to 8).
    """
    module = vips()
    if size is None:
        img = header(path, data)
        return img.autorot() if upright else img
    if shrink is None:
        options = {"height": size[1], "size": "force", "no_rotate": not upright}
        if path is not None:
            return module.Image.thumbnail(path, size[0], fail_on="error", **options)
        # thumbnail_buffer passes only its option string on to the loader.
        return module.Image.thumbnail_buffer(data, size[0], option_string=_FAIL, **options)
    options = {"access": "sequential", "fail_on": "error"}
    if shrink > 1:
        options["shrink"] = shrink
    if path is not None:
        img = module.Image.new_from_file(path, **options)
    else:
        img = module.Image.new_from_buffer(data, "", **options)
    width, height = (size[1], size[0]) if swapped else size
    img = resample_extent(img, (stored[0] / shrink, stored[1] / shrink), (width, height))
    # Turning reads the (now small) image out of order: give it one in memory.
    return img.copy_memory().autorot() if upright else img


# How many output pixels past the wanted ones ``resample_extent`` may make (and cut off) to
# find a whole number of input pixels that puts its samples where they belong.
_MAX_EXTRA_OUTPUT = 32


def _exact_axis(pixels: int, extent: float, out: int) -> tuple[int, int]:
    """``(extra, added)`` for one axis of ``resample_extent``: reduce ``pixels + added``
    input pixels to ``out + extra``, keep the first ``out``.

    libvips takes the scale from the whole numbers of pixels in and out and centres the
    samples on the input, so the scale is right only where ``pixels + added`` is
    ``(out + extra) * extent / out``; the ``extra`` among the first few that comes nearest
    wins. What it misses by moves every sample alike by half of it, in input pixels.
    """
    scale = extent / out
    partial = pixels - extent  # the part of the last pixel that shows no source
    best = (abs(partial), 0, 0)
    for extra in range(_MAX_EXTRA_OUTPUT + 1):
        added = round(extra * scale - partial)
        miss = abs(added + partial - extra * scale)
        if added >= -1 and miss < best[0]:
            best = (miss, extra, added)
        if best[0] < 0.02:
            break
    return best[1], best[2]


def resample_extent(img: Any, extent: tuple[float, float], size: tuple[int, int]) -> Any:
    """The region ``(0, 0, *extent)`` of ``img`` resampled to ``size`` with Lanczos 3,
    samples placed as Pillow's ``resize(size, box=...)`` places them.

    For a JPEG decoded at a reduced DCT scale, whose size is the source's divided by the
    scale and rounded up (see ``pillow_engine.source_box`` in ``ik_processors_pilkit``):
    resampling the whole of it would stretch the last partial pixel over the output and move
    the samples by up to that fraction of a pixel, 1-2.5 grey levels on a detailed photo.
    """
    (extra_x, added_x), (extra_y, added_y) = (
        _exact_axis(img.width, extent[0], size[0]),
        _exact_axis(img.height, extent[1], size[1]),
    )
    if added_x or added_y:  # new pixels copy the edge, as libvips' own resample pads
        img = img.embed(0, 0, img.width + added_x, img.height + added_y, extend="copy")
    wide, tall = size[0] + extra_x, size[1] + extra_y
    if img.width < wide or img.height < tall:
        raise Unsupported(f"resampling {img.width}x{img.height} up to {wide}x{tall}")
    if img.height > tall:
        img = img.reducev(img.height / tall, kernel="lanczos3")
    if img.width > wide:
        img = img.reduceh(img.width / wide, kernel="lanczos3")
    return img.crop(0, 0, *size) if (extra_x or extra_y) else img


def header(path: str | None, data: bytes | None) -> Any:
    """The source opened, nothing decoded yet: its fields are the header's."""
    if path is not None:
        return vips().Image.new_from_file(path, fail_on="error")
    return vips().Image.new_from_buffer(data, _FAIL)


# -- the steps -----------------------------------------------------------------------------------


def _luma(img: Any) -> Any:
    """L from RGB(A) as Pillow computes it (float, integral values)."""
    red, green, blue = img[0], img[1], img[2]
    weighted = red * _LUMA[0] + green * _LUMA[1] + blue * _LUMA[2] + 32768
    return (weighted / 65536).floor()


def _with_alpha_of(img: Any, mode: str, colour: Any) -> Any:
    """``colour`` (the colour bands) with ``img``'s alpha band appended when ``mode`` has one."""
    return colour.bandjoin(img[BANDS[mode] - 1]) if mode in ("LA", "RGBA") else colour


def _blend(degenerate: Any, img: Any, factor: float) -> Any:
    """``Image.blend(degenerate, img, factor)``: truncated and clipped as Pillow does."""
    mixed = degenerate + (img.cast("float") - degenerate) * factor
    return mixed.floor().cast("uchar")


def _colour_bands(img: Any, mode: str) -> Any:
    return img[0] if mode in ("L", "LA") else img.extract_band(0, n=3)


def _gray_like(img: Any, mode: str, gray: Any) -> Any:
    """A one-band gray image spread to ``mode``'s colour bands, with ``img``'s alpha."""
    colour = gray if mode in ("L", "LA") else gray.bandjoin([gray, gray])
    return _with_alpha_of(img, mode, colour)


def _enhance(img: Any, mode: str, step: Enhance) -> Any:
    """``ImageEnhance`` Color, Brightness, Contrast and Sharpness, in ``Adjust``'s order."""
    img = img.copy_memory()  # statistics and filters read the pixels more than once
    if step.color != 1.0 and mode in ("RGB", "RGBA"):
        img = _blend(_gray_like(img, mode, _luma(img)), img, step.color)
    if step.brightness != 1.0:
        black = _with_alpha_of(img, mode, _colour_bands(img, mode) * 0)
        img = _blend(black, img, step.brightness)
    if step.contrast != 1.0:
        gray = img[0] if mode in ("L", "LA") else _luma(img)
        mean = int(gray.avg() + 0.5)
        img = _blend(
            _gray_like(img, mode, _colour_bands(img, mode)[0] * 0 + mean), img, step.contrast
        )
    if step.sharpness != 1.0:
        if img.width < 3 or img.height < 3:
            raise Unsupported("sharpening an image under 3x3 pixels")
        mask = vips().Image.new_from_array(_SMOOTH, scale=_SMOOTH_SCALE)
        smooth = img.conv(mask, precision="integer").cast("uchar")
        inner = smooth.crop(1, 1, img.width - 2, img.height - 2)
        smooth = img.insert(inner, 1, 1)  # Pillow leaves the outermost pixels unfiltered
        smooth = _with_alpha_of(img, mode, _colour_bands(smooth, mode))
        img = _blend(smooth, img, step.sharpness)
    return img.copy_memory()


def _pad(img: Any, mode: str, step: Pad) -> tuple[Any, str]:
    # pilkit's canvas: RGBA, transparent white unless a (true) colour is given. Pillow reads an
    # int colour as packed bytes, not as 0xRRGGBB: left to the Pillow engine.
    if isinstance(step.color, int) and step.color:
        raise Unsupported("an integer canvas colour")
    fill = list(parse_color(step.color) if step.color else TRANSPARENT_WHITE)
    img = convert(img, mode, "RGBA")
    width, height = step.size
    padded = img.embed(step.x, step.y, width, height, extend="background", background=fill)
    return padded, "RGBA"


def tag(img: Any, mode: str) -> Any:
    """``img`` labelled as ``mode``: savers read the interpretation, not the band count."""
    interpretation = "b-w" if mode in ("L", "LA") else "srgb"
    return img if img.interpretation == interpretation else img.copy(interpretation=interpretation)


def convert(img: Any, mode: str, target: str) -> Any:
    """``img`` (in ``mode``) with the bands of ``target``, as Pillow's ``convert`` would."""
    if mode == target:
        return img
    return tag(_convert(img, mode, target), target)


def _convert(img: Any, mode: str, target: str) -> Any:
    colour = _colour_bands(img, mode)
    alpha = img[BANDS[mode] - 1] if mode in ("LA", "RGBA") else None
    if target in ("L", "LA"):
        if mode in ("RGB", "RGBA"):
            colour = _luma(img).cast("uchar")
    elif mode in ("L", "LA"):
        colour = colour.bandjoin([colour, colour])
    if target in ("LA", "RGBA"):
        alpha = alpha if alpha is not None else colour[0] * 0 + 255
        return colour.bandjoin(alpha.cast("uchar"))
    return colour


def run(img: Any, mode: str, steps: tuple[Step, ...]) -> tuple[Any, str]:
    """``img`` (in ``mode``) after ``steps``, and the mode it ends in."""
    for step in steps:
        if isinstance(step, Resample):
            width, height = step.size
            img = img.thumbnail_image(width, height=height, size="force", no_rotate=True)
        elif isinstance(step, Cut):
            left, top, right, bottom = step.box
            img = img.crop(left, top, right - left, bottom - top)
        elif isinstance(step, Pad):
            img, mode = _pad(img, mode, step)
        elif isinstance(step, Rgba):
            img, mode = convert(img, mode, "RGBA"), "RGBA"
        elif isinstance(step, Turn):
            img = img.copy_memory()  # rotations read the image out of order
            for operation in step.operations:
                img = getattr(img, operation)()
        elif isinstance(step, Enhance):
            img = _enhance(img, mode, step)
    return tag(img, mode), mode

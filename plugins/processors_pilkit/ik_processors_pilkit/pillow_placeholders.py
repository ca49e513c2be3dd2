"""Placeholders made with Pillow (docs/placeholders.md): from the processed image still in memory
while a cache file is generated, or from a stored file made before placeholders were recorded.
ThumbHash comes from thumbhash-rs, BlurHash from blurhash-rs; the colour is Pillow's own."""

from __future__ import annotations

import base64
import io
from collections.abc import Callable
from typing import Any

import blurhash_rs
import thumbhash
from PIL import Image

from ik_host.config import DEFAULT_LIMITS, Limits
from ik_host.errors import IKError, ProcessingError
from ik_host.placeholders import NO_PLACEHOLDER, Placeholder
from ik_processors_pilkit.pillow_io import autoconvert_for, open_image

# The longest side of the rendition every kind is computed from: ThumbHash keeps at most 7
# components a side, so a few times that in samples is plenty, and its cost grows with pixels.
SMALL_SIDE = 48
# A large image is first point-sampled to this many samples a side per pixel of the rendition,
# then box-averaged: reading every pixel of a large output costs most of the time, and a
# placeholder needs only the average, which 8x8 samples keep (how closely: docs/performance.md).
PRESAMPLE = 8
# The longest side of the PNG a hash is drawn as: hashes hold no detail finer than this, and
# browsers smooth the stretch, while the data URL stays under ``DATA_URL_LIMIT``.
DATA_URL_SIDES = (16, 12, 8)
DATA_URL_LIMIT = 1024
_ALPHA_MODES = frozenset({"RGBA", "LA", "PA", "RGBa", "La"})
_REDUCIBLE = frozenset({"RGB", "L"})


def image_placeholder(
    img: Image.Image, kind: str, *, name: str | None = None, format: str | None = None
) -> Placeholder | None:
    """The ``kind`` placeholder of ``img`` (None for ``"none"``), from a small box-averaged
    rendition; with ``format``, of the image as that format stores it (a JPEG flattens
    transparency onto white). Raises ``ProcessingError`` naming ``name`` when it fails."""
    if kind == NO_PLACEHOLDER:
        return None
    compute = _KINDS.get(kind)
    if compute is None:
        raise ValueError(f"placeholder {kind!r}: one of {', '.join(_KINDS)} or {NO_PLACEHOLDER!r}")
    try:
        small = small_rendition(img)
        return compute(small if format is None else _as_stored(small, format))
    except IKError:
        raise
    except (OSError, ValueError, TypeError) as exc:
        raise ProcessingError(
            f"computing the {kind} placeholder of {name or '<unnamed>'!r} (mode {img.mode}, "
            f"{img.width}x{img.height}) failed: {type(exc).__name__}: {exc}"
        ) from exc


def file_placeholder(
    file: Any, kind: str, *, name: str | None = None, limits: Limits = DEFAULT_LIMITS
) -> Placeholder | None:
    """The ``kind`` placeholder of a stored image ``file``, decoded as small as the format
    allows. Raises ``SourceImageError`` naming ``name`` for a file that is not an image."""
    img = open_image(file, name=name, limits=limits, draft=_draft_size)
    return image_placeholder(img, kind, name=name)


def _draft_size(img: Image.Image) -> tuple[int, int]:
    scale = max(1, max(img.size) // SMALL_SIDE)
    return max(1, img.width // scale), max(1, img.height // scale)


def small_rendition(img: Image.Image) -> Image.Image:
    """``img`` box-averaged to at most ``SMALL_SIDE`` a side: RGB, or RGBa (premultiplied,
    so that the colour of transparent pixels does not bleed into the average) with alpha."""
    if max(img.size) > 2 * SMALL_SIDE * PRESAMPLE:
        img = img.resize(_fitted(img.size, SMALL_SIDE * PRESAMPLE), Image.Resampling.NEAREST)
    if _has_alpha(img):
        img = img.convert("RGBA").convert("RGBa")
    elif img.mode not in _REDUCIBLE:
        img = img.convert("RGB")
    factor = -(-max(img.size) // SMALL_SIDE)
    if factor > 1:
        img = img.reduce(factor)
    return img if img.mode != "L" else img.convert("RGB")


def _as_stored(small: Image.Image, format: str) -> Image.Image:
    # What the encoder's conversion makes of the rendition (autoconvert_for, as on save), so
    # that the placeholder matches the file, and the one computed later from the stored file.
    if small.mode != "RGBa":
        return small
    stored = autoconvert_for(small.convert("RGBA"), format)
    if stored.mode == "RGBA":
        return small
    return stored.convert("RGBA").convert("RGBa") if _has_alpha(stored) else stored.convert("RGB")


def _has_alpha(img: Image.Image) -> bool:
    return img.mode in _ALPHA_MODES or (img.mode == "P" and "transparency" in img.info)


def _unpremultiplied(small: Image.Image) -> Image.Image:
    return small.convert("RGBA") if small.mode == "RGBa" else small


def _thumbhash(small: Image.Image) -> Placeholder:
    rgba = small.convert("RGBA")  # unpremultiplied, as ThumbHash wants
    value = thumbhash.rgba_to_thumb_hash(rgba.width, rgba.height, rgba.tobytes())
    width, height, pixels = thumbhash.thumb_hash_to_rgba(value)
    drawn = Image.frombytes("RGBA", (width, height), pixels)
    return Placeholder("thumbhash", base64.b64encode(value).decode("ascii"), png_data_url(drawn))


def _blurhash(small: Image.Image) -> Placeholder:
    rgb = _unpremultiplied(small).convert("RGB")
    # Four components along the longer side, three along the shorter: the usual choice.
    components = (4, 3) if rgb.width >= rgb.height else (3, 4)
    value = blurhash_rs.blurhash_encode(rgb, *components)
    width, height = _fitted(rgb.size, DATA_URL_SIDES[0])
    return Placeholder(
        "blurhash", value, png_data_url(blurhash_rs.blurhash_decode(value, width, height))
    )


def _color(small: Image.Image) -> Placeholder:
    average = _unpremultiplied(small.resize((1, 1), Image.Resampling.BOX))
    red, green, blue = average.getpixel((0, 0))[:3]
    return Placeholder("color", f"#{red:02x}{green:02x}{blue:02x}")


_KINDS: dict[str, Callable[[Image.Image], Placeholder]] = {
    "thumbhash": _thumbhash,
    "blurhash": _blurhash,
    "color": _color,
}


def png_data_url(img: Image.Image) -> str:
    """``img`` as a ``data:image/png`` URL under ``DATA_URL_LIMIT`` characters, shrunk to the
    first of ``DATA_URL_SIDES`` that fits; RGB when every pixel is opaque."""
    if img.mode == "RGBA" and img.getchannel("A").getextrema()[0] == 255:
        img = img.convert("RGB")
    url = ""
    for side in DATA_URL_SIDES:
        small = img.resize(_fitted(img.size, side), Image.Resampling.BOX)
        buffer = io.BytesIO()
        small.save(buffer, "PNG", optimize=True)
        url = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
        if len(url) < DATA_URL_LIMIT:
            return url
    return url


def _fitted(size: tuple[int, int], side: int) -> tuple[int, int]:
    width, height = size
    longest = max(width, height)
    if longest <= side:
        return width, height
    return max(1, round(width * side / longest)), max(1, round(height * side / longest))

"""Encoding with vips as ``ik_processors_pilkit.pillow_io.save_image`` does with Pillow.

The same defaults (JPEG quality 75 with 4:2:0 chroma, WebP quality 80, PNG level 6), the same
Pillow option names mapped to vips' (``quality`` -> ``Q``, ``optimize`` -> ``optimize_coding``,
``progressive`` -> ``interlace``), the same autoconvert (alpha flattened onto white for JPEG)
and the same metadata: the ICC profile is kept unless autoconvert changed the mode, nothing
else is written. An option without a faithful vips equivalent raises ``Unsupported``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ik_processors_vips._plan import Unsupported
from ik_processors_vips._vips import BANDS, convert, tag

# Modes each format stores as they are (a subset of pillow_io's table: the modes here).
NATIVE = {"JPEG": {"L", "RGB"}, "PNG": {"L", "LA", "RGB", "RGBA"}, "WEBP": {"RGB", "RGBA"}}


def _flag(value: Any) -> bool:
    return bool(value)


def _quality(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 100:
        raise Unsupported(f"quality {value!r}")
    return value


def _subsampling(value: Any) -> str:
    if value in (-1, 2, "4:2:0"):
        return "on"
    if value in (0, "4:4:4"):
        return "off"
    raise Unsupported(f"subsampling {value!r}")  # vips has no 4:2:2


def _level(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 9:
        raise Unsupported(f"compress_level {value!r}")
    return value


def _effort(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 6:
        raise Unsupported(f"method {value!r}")
    return value


# Pillow option -> (vips option, value converter), per format.
_OPTIONS: dict[str, dict[str, tuple[str, Callable[[Any], Any]]]] = {
    "JPEG": {
        "quality": ("Q", _quality),
        "optimize": ("optimize_coding", _flag),
        "progressive": ("interlace", _flag),
        "progression": ("interlace", _flag),
        "subsampling": ("subsample_mode", _subsampling),
    },
    "PNG": {
        "compress_level": ("compression", _level),
    },
    "WEBP": {
        "quality": ("Q", _quality),
        "lossless": ("lossless", _flag),
        "method": ("effort", _effort),
    },
}
_DEFAULTS = {
    "JPEG": {"Q": 75, "subsample_mode": "on"},
    "PNG": {"compression": 6},
    "WEBP": {"Q": 80},
}


def save_options(format: str, options: dict[str, Any] | None) -> dict[str, Any]:
    """vips save arguments for Pillow's ``options``; ``Unsupported`` for one vips lacks."""
    table = _OPTIONS.get(format)
    if table is None:
        raise Unsupported(f"saving as {format}")
    chosen = dict(_DEFAULTS[format])
    options = dict(options or {})
    optimize_png = format == "PNG" and options.pop("optimize", False)
    for name, value in options.items():
        if name not in table:
            raise Unsupported(f"the {format} option {name!r}")
        vips_name, to_vips = table[name]
        chosen[vips_name] = to_vips(value)
    if optimize_png:
        chosen["compression"] = 9  # Pillow's optimize sets the zlib level, whatever was asked
    return chosen


def output_mode(mode: str, format: str, autoconvert: bool) -> str:
    """The mode ``pillow_io.autoconvert_for`` gives; ``Unsupported`` where Pillow would
    be asked to write a mode the format cannot hold."""
    if mode in NATIVE[format]:
        return mode
    if not autoconvert:
        raise Unsupported(f"mode {mode} as {format} without autoconvert")
    if format == "JPEG":
        return "L" if mode == "LA" else "RGB"
    return "RGBA" if mode == "LA" else "RGB"


def encode(img: Any, mode: str, format: str, options: dict[str, Any], autoconvert: bool) -> Any:
    """``img`` (in ``mode``) encoded as ``format`` (JPEG, PNG or WEBP); returns the vips image
    written and the bytes."""
    if autoconvert and format == "JPEG":
        options = {"optimize": True, **options}  # as the Pillow engine does (pilkit's default)
    arguments = save_options(format, options)
    target = output_mode(mode, format, autoconvert)
    keep = "icc"
    if target != mode:
        # ik_host drops the ICC profile of an image autoconvert changed.
        keep = "none"
        if mode in ("LA", "RGBA") and target in ("L", "RGB"):
            white = [255] * (BANDS[mode] - 1)
            img = tag(img.flatten(background=white).cast("uchar"), target)
        else:
            img = convert(img, mode, target)
    writer = getattr(img, f"{format.lower()}save_buffer")
    return img, writer(keep=keep, **arguments)

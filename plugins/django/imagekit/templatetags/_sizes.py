"""The two little languages of the ``thumbnail`` tag: sizes (``'100x50'``) and densities
(``srcset="1.5 2"``), and the limits on what they may ask for.

Sizes may come from template variables, so from anywhere: a size or density beyond the limits
is refused before anything is allocated (``IMAGEKIT_MAX_THUMBNAIL_SIZE`` pixels a side, srcset
densities up to ``MAX_DENSITY``).
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Mapping
from typing import Any

from ik_host.errors import IKError
from imagekit.conf import settings

_SIZE = re.compile(r"^\s*(\d*)\s*x\s*(\d*)\s*$", re.IGNORECASE)
_DENSITY = re.compile(r"^(\d+(?:\.\d+)?|\.\d+)x?$", re.IGNORECASE)
# No screen has more device pixels per CSS pixel than this; beyond it a density is a typo.
MAX_DENSITY = 4
# Each density is an image to make: a srcset names a handful, never dozens.
MAX_DENSITIES = 8
# Options the tags pass to generators that must be a yes/no (a string "False" would be true).
BOOLEAN_OPTIONS = ("crop", "upscale")


class SizeError(IKError, ValueError):
    """A size, density or option of the imagekit tags that cannot be used; the message says
    what is expected."""


@functools.lru_cache(maxsize=1)  # read per render; cleared when settings change
def max_size() -> int | None:
    """``IMAGEKIT_MAX_THUMBNAIL_SIZE``: the largest width or height a tag may ask for."""
    return settings.IMAGEKIT_MAX_THUMBNAIL_SIZE


def check_size(width: int | None, height: int | None, what: str) -> None:
    """Refuse a width or height over ``max_size()``; ``what`` says where the size came from."""
    limit = max_size()
    if limit is None:
        return
    if (width or 0) > limit or (height or 0) > limit:
        shown = f"{width or ''}x{height or ''}"
        raise SizeError(
            f"{what} asks for {shown} pixels: thumbnails may be at most {limit} pixels wide "
            f"and high (IMAGEKIT_MAX_THUMBNAIL_SIZE)"
        )


def parse_size(value: Any) -> tuple[int | None, int | None]:
    """``'100x50'`` -> (100, 50); ``'100x'`` -> (100, None); ``'x50'`` -> (None, 50).

    Sizes over ``IMAGEKIT_MAX_THUMBNAIL_SIZE`` are refused.
    """
    if isinstance(value, str) and len(value) <= MAX_SIZE_TEXT:
        size = _parse_size_text(value)
    else:
        size = _parse_size_text.__wrapped__(value)
    check_size(*size, what=f"the size {shown(value)}")
    return size


# Longer size strings are not remembered (nor are they sizes anyone writes).
MAX_SIZE_TEXT = 32
# Digits read as a number at most: more than any limit, fewer than Python's guard against
# quadratic int() conversion.
MAX_DIGITS = 9


def shown(value: Any, limit: int = 40) -> str:
    """``repr(value)``, cut short: values may come from anywhere, at any length."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 5] + "...'"


@functools.lru_cache(maxsize=512)  # a page repeats the same few sizes
def _parse_size_text(value: Any) -> tuple[int | None, int | None]:
    match = _SIZE.match(value) if isinstance(value, str) else None
    if match is None or not any(match.groups()):
        raise SizeError(
            f"{shown(value)} is not a thumbnail size: write 'WIDTHxHEIGHT', 'WIDTHx' or "
            "'xHEIGHT' in pixels, e.g. '100x50'"
        )
    if any(len(part) > MAX_DIGITS for part in match.groups()):
        raise SizeError(f"{shown(value)} is not a thumbnail size: it is far too large")
    width, height = (int(part) if part else None for part in match.groups())
    if width == 0 or height == 0:
        raise SizeError(
            f"{shown(value)} is not a thumbnail size: a dimension of 0 pixels is empty"
        )
    return width, height


def parse_densities(value: Any) -> list[float]:
    """``"1.5 2"`` (spaces or commas; an ``x`` suffix allowed) -> [1.0, 1.5, 2.0]; a number or
    a list of them (``IMAGEKIT_DEFAULT_THUMBNAIL_SRCSET_SCALES``) too.

    1x is always first (it is the ``src``); the others follow in increasing order, once each.
    """
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        parts = [str(value)]
    elif isinstance(value, str):
        parts = value.replace(",", " ").split()
    elif isinstance(value, (list, tuple)) and all(
        isinstance(each, (int, float, str)) and not isinstance(each, bool) for each in value
    ):
        parts = [str(each) for each in value]
    else:
        parts = []
    if not parts:
        raise SizeError(
            f"srcset={shown(value)} names no pixel densities; write e.g. srcset=\"1.5 2\""
        )
    densities = {1.0}
    for part in parts:
        densities.add(_density(part, value))
    if len(densities) > MAX_DENSITIES:
        raise SizeError(
            f"srcset={shown(value)} names {len(densities)} pixel densities (1x included); at "
            f"most {MAX_DENSITIES} are made, each its own image"
        )
    return sorted(densities)


def _density(part: str, whole: Any) -> float:
    match = _DENSITY.match(part) if len(part) <= MAX_SIZE_TEXT else None
    density = float(match.group(1)) if match else math.nan
    if not (0 < density <= MAX_DENSITY):
        raise SizeError(
            f"srcset={shown(whole)}: {shown(part)} is not a pixel density; write numbers "
            f"greater than 0 and at most {MAX_DENSITY}, separated by spaces, "
            "e.g. srcset=\"1.5 2\""
        )
    return density


def scale(size: int | None, density: float) -> int | None:
    """``size`` at ``density`` in whole pixels, rounded down as django-imagekit rounds it (so
    the files of a srcset have its names), never below 1 (None stays None: "any")."""
    return None if size is None else max(1, int(size * density))


def density_label(density: float) -> str:
    """``1.5`` -> ``"1.5x"``, ``2`` -> ``"2.0x"``, the 1x (``src``) entry ``"1x"``: the
    descriptor a ``srcset`` entry ends with, written as django-imagekit writes it."""
    return "1x" if density == 1 else f"{float(density)}x"


def check_options(options: Mapping[str, Any], tag: str) -> None:
    """Refuse option values a generator would misread: ``crop``/``upscale`` must be yes/no,
    ``width``/``height`` (``generateimage``) within ``IMAGEKIT_MAX_THUMBNAIL_SIZE``."""
    for name in BOOLEAN_OPTIONS:
        value = options.get(name)
        if value is not None and not isinstance(value, bool) and value not in (0, 1):
            raise SizeError(
                f"'{tag}' tag: {name}={shown(value)} must be True, False or None (a string "
                "such as 'False' would count as true)"
            )
    for name in ("width", "height"):
        value = options.get(name)
        if isinstance(value, int) and not isinstance(value, bool):
            if value < 1:
                raise SizeError(f"'{tag}' tag: {name}={value} must be a positive number of pixels")
            check_size(value, None, what=f"'{tag}' tag: {name}={value}")

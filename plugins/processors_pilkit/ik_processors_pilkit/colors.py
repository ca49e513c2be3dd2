"""Colours as users write them, read into RGBA: public, for every engine that runs these
processors' settings (the vips engine fills canvases with the same colours)."""

from __future__ import annotations

from collections.abc import Sequence

from PIL import ImageColor

RGBA = tuple[int, int, int, int]
ColorLike = str | int | Sequence[int] | None

# What canvases are filled with when no colour is given.
TRANSPARENT_WHITE: RGBA = (255, 255, 255, 0)


def parse_color(color: ColorLike, default: RGBA = TRANSPARENT_WHITE) -> RGBA:
    """Any colour a user may write, as an RGBA tuple.

    ``None`` gives ``default``; strings use CSS syntax (``"#ff0000"``, ``"red"``,
    ``"rgba(0,0,0,0.5)"``); an int is ``0xRRGGBB``; tuples are gray, gray+alpha, RGB or RGBA.
    """
    if color is None:
        return default
    if isinstance(color, str):
        parsed: Sequence[int] = ImageColor.getrgb(color)
    elif isinstance(color, int):
        parsed = ((color >> 16) & 0xFF, (color >> 8) & 0xFF, color & 0xFF)
    else:
        parsed = tuple(int(channel) for channel in color)
    if len(parsed) in (1, 2):
        parsed = (parsed[0], parsed[0], parsed[0], *parsed[1:])
    if len(parsed) == 3:
        parsed = (*parsed, 255)
    if len(parsed) != 4 or not all(0 <= channel <= 255 for channel in parsed):
        raise ValueError(f"not a colour: {color!r}")
    red, green, blue, alpha = parsed
    return (red, green, blue, alpha)

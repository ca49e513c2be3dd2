"""Size and position arithmetic, rounded as pilkit rounds, so sizes and boxes match its output.

Rounding rules (the only ones used by the processors):

* A scaled size is ``source * ratio`` in floats, rounded to the nearest integer with ties to
  even (Python's ``round``), where ``ratio`` is the float quotient ``target / source`` of the
  deciding dimension: the arithmetic pilkit does, so every size agrees with it to the pixel.
  Drafted decodes are a power of two smaller, which floats scale exactly.
* An anchor fraction ``f`` places a box ``int(d * f)`` pixels from the start, where ``d`` is
  the size difference (truncated towards zero, in floats): with a centre anchor and an odd
  difference the extra pixel goes to the right/bottom, whether the box is cut out of the image
  or the image is padded.
"""

from __future__ import annotations

from collections.abc import Callable

Size = tuple[int, int]


def anchor_offset(difference: int, fraction: float) -> int:
    """How far a box is moved along one axis: see the module docstring for the rounding."""
    return int(float(difference) * float(fraction))


def scaled(length: float, ratio: float) -> int:
    """``length * ratio`` rounded as pilkit rounds it (see the module docstring), but at least
    1: where pilkit gets 0 it asks Pillow for an empty image and fails."""
    return max(1, round(float(length) * ratio))


def fit_size(source: Size, width: int | None, height: int | None) -> Size:
    """The largest size with ``source``'s aspect ratio inside ``width`` x ``height``.

    Either bound may be None (unbounded); at least one must be given.
    """
    ratio = fit_ratio(source, width, height)
    return (scaled(source[0], ratio), scaled(source[1], ratio))


def fit_ratio(source: Size, width: int | None, height: int | None) -> float:
    """The scale ``fit_size`` applies to ``source``."""
    src_w, src_h = float(source[0]), float(source[1])
    if width is None and height is None:
        raise ValueError("fit_size needs a width or a height")
    if width is None:
        return float(height) / src_h
    if height is None:
        return float(width) / src_w
    return min(float(width) / src_w, float(height) / src_h)


def cover_size(source: Size, width: int, height: int) -> Size:
    """The smallest size with ``source``'s aspect ratio that covers ``width`` x ``height``."""
    src_w, src_h = float(source[0]), float(source[1])
    ratio = max(float(width) / src_w, float(height) / src_h)
    return (scaled(src_w, ratio), scaled(src_h, ratio))


def shrinks(size: Size, source: Size) -> bool:
    """Whether going from ``source`` to ``size`` makes both dimensions smaller: with
    ``upscale=False`` pilkit resamples only then, and otherwise keeps the source as it is."""
    return size[0] < source[0] and size[1] < source[1]


def smallest_source(source: Size, needed: Size, output_of: Callable[[Size], Size]) -> Size:
    """The smallest downscaled ``source`` that still holds ``needed`` pixels on each axis and
    gives the same output size as ``source`` itself does.

    Candidates are ``source`` scaled by ``n / max(source)`` with each dimension rounded up (how
    JPEG DCT scaling rounds), for growing ``n``; the full source always qualifies.
    """
    src_w, src_h = source
    if needed[0] >= src_w or needed[1] >= src_h:
        return source
    target = output_of(source)
    longest = max(src_w, src_h)
    # The first n whose rounded-up candidate reaches ``needed`` on both axes.
    first = max((needed[0] - 1) * longest // src_w + 1, (needed[1] - 1) * longest // src_h + 1, 1)
    for steps in range(first, longest + 1):
        candidate = (-(-src_w * steps // longest), -(-src_h * steps // longest))
        if candidate[0] >= needed[0] and candidate[1] >= needed[1]:
            if output_of(candidate) == target:
                return candidate
    return source

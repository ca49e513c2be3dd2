"""Integer size and position arithmetic, so boxes are pixel-exact and the same on every machine.

Rounding rules (the only ones used by the processors):

* A scaled dimension is rounded half up, and is never less than 1 pixel.
* An anchor fraction ``f`` places a box ``floor(|d| * f)`` pixels from the start, where ``d`` is
  the size difference; so with a centre anchor and an odd difference the extra pixel goes to
  the right/bottom, whether the box is cut out of the image or the image is padded.
* Floats in anchors are read as the nearest fraction with a denominator up to 10**6
  (``0.29`` is 29/100, not 0.28999...), so ``floor`` does not fall a pixel short.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

Size = tuple[int, int]


def as_fraction(value: float) -> Fraction:
    return Fraction(value).limit_denominator(1_000_000)


def anchor_offset(difference: int, fraction: float) -> int:
    """How far a box is moved along one axis: see the module docstring for the rounding."""
    part = as_fraction(fraction)
    magnitude = abs(difference) * part.numerator // part.denominator
    return magnitude if difference >= 0 else -magnitude


def scale_dimension(length: int, numerator: int, denominator: int) -> int:
    """``length * numerator / denominator`` rounded half up, at least 1."""
    return max(1, (2 * length * numerator + denominator) // (2 * denominator))


def fit_size(source: Size, width: int | None, height: int | None) -> Size:
    """The largest size with ``source``'s aspect ratio inside ``width`` x ``height``.

    Either bound may be None (unbounded); at least one must be given.
    """
    src_w, src_h = source
    # Compare width/src_w with height/src_h by cross-multiplying, to stay in integers.
    if width is not None and (height is None or width * src_h <= height * src_w):
        return (width, scale_dimension(src_h, width, src_w))
    if height is None:
        raise ValueError("fit_size needs a width or a height")
    return (scale_dimension(src_w, height, src_h), height)


def cover_size(source: Size, width: int, height: int) -> Size:
    """The smallest size with ``source``'s aspect ratio that covers ``width`` x ``height``."""
    src_w, src_h = source
    if width * src_h >= height * src_w:
        return (width, max(height, scale_dimension(src_h, width, src_w)))
    return (max(width, scale_dimension(src_w, height, src_h)), height)


def enlarges(size: Size, source: Size) -> bool:
    """Whether going from ``source`` to ``size`` makes either dimension larger."""
    return size[0] > source[0] or size[1] > source[1]


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

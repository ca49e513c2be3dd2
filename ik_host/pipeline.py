"""Open a source, run the processors, save the result: the path every generated image takes.

The source is decoded once, at the smallest scale the first processor says it needs (JPEG DCT
scaling), then each processor runs in order and the result is saved once.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterator, Sequence
from typing import Any

from PIL import Image

from ik_host.errors import EncodingError, IKError, ProcessingError
from ik_host.imageio import (
    DEFAULT_LIMITS,
    Limits,
    exif_orientation,
    image_to_bytes,
    open_image,
    source_name,
)

# Decode at no less than this multiple of what the first processor needs (per side), so the
# final resample still has real detail to work from...
DRAFT_MARGIN = 2
# ...unless that decode would still be larger than this many pixels: then the next smaller
# scale is taken if it keeps ``DRAFT_MARGIN_LARGE``. This bounds the memory of camera-size
# sources (a 24 MP photo to 1024 px decodes at 1/4, 4x less than at 1/2) and speeds them up,
# at most 1.3 grey levels from a full decode on the benchmark photos, where dropping the margin
# to 1.4 for small outputs too costs up to 3.3 (a 2 MP photo to a 300 px crop).
DRAFT_LARGE_PIXELS = 4_000_000
DRAFT_MARGIN_LARGE = 1.4


class GeneratedImage(io.BytesIO):
    """An encoded image in memory, with what is known about it without decoding it again."""

    def __init__(self, data: bytes, *, format: str, width: int, height: int) -> None:
        super().__init__(data)
        self.format = format
        self.width = width
        self.height = height
        self.name: str | None = None

    @property
    def size(self) -> int:
        return len(self.getbuffer())


# A processor's ``size_role`` says how it changes sizes, so hints can be chained: only
# size-neutral processors may stand before the processor that fixes the scale.
NEUTRAL = "neutral"  # output size == input size, pixels unaffected by scale (Adjust, Transpose)
UPRIGHT = "upright"  # turns the image upright from its EXIF orientation (Transpose())
RESCALE = "rescale"  # resamples to a size of its own (ResizeToFill, ResizeToFit, ...)
OTHER = "other"  # anything else: the source is decoded in full

Size = tuple[int, int]


def _flat(processors: Sequence[Any]) -> Iterator[Any]:
    for processor in processors:
        if isinstance(processor, (list, tuple)):  # a pipeline nested in the list
            yield from _flat(processor)
        else:
            yield processor


def _chain(
    processors: Sequence[Any], size: Size, orientation: int | None
) -> tuple[Size | None, Any, bool]:
    """``(hint, rescaler, swapped)``: the hint in the orientation the rescaler sees, and
    whether turning the image upright swapped its axes on the way there."""
    swapped = False
    for processor in _flat(processors):
        role = getattr(processor, "size_role", OTHER)
        if role == UPRIGHT:
            if orientation is None:  # unknown: so is every size after this
                return None, None, swapped
            if orientation >= 5:  # orientations 5-8 turn the image a quarter
                size, swapped = (size[1], size[0]), not swapped
            orientation = 1
            continue
        method = getattr(processor, "size_hint", None)
        hint = method(size) if method is not None else None
        if role == RESCALE or hint is None:
            return hint, processor if role == RESCALE else None, swapped
        if role != NEUTRAL:
            return None, None, swapped
    return size, None, swapped


def chained_size_hint(
    processors: Sequence[Any], size: Size, orientation: int | None = None
) -> tuple[Size | None, Any]:
    """``(hint, rescaler)`` for a list of processors run on a ``size`` source.

    ``hint`` is the smallest source size that gives the same result (``size`` itself when
    nothing rescales), or None when it cannot be known; ``rescaler`` is the processor that
    fixed the scale, or None. ``orientation`` is the source's EXIF orientation (1 when it has
    none), or None when unknown.
    """
    hint, rescaler, swapped = _chain(processors, tuple(size), orientation)
    return (hint[::-1] if swapped and hint else hint), rescaler


def jpeg_draft_scale(size: Size, wanted: Size) -> int:
    """The DCT scale (1, 2, 4 or 8) Pillow's ``JpegImageFile.draft`` picks for a ``size``
    JPEG asked for ``wanted``; it then decodes at ``size`` divided by it, rounded up."""
    ratio = min(size[0] // max(1, wanted[0]), size[1] // max(1, wanted[1]))
    return next(scale for scale in (8, 4, 2, 1) if ratio >= scale)


def _same_output(rescaler: Any, size: Size, scale: int) -> bool:
    """Whether ``rescaler`` makes from the decode at 1/``scale`` the size it makes from the
    full source: rounding the drafted size up can tip an output dimension by a pixel."""
    output_of = getattr(rescaler, "output_size", None)
    drafted = (-(-size[0] // scale), -(-size[1] // scale))
    return output_of is None or output_of(size) == output_of(drafted)


def draft_scale(size: Size, needed: Size) -> int:
    """The DCT scale to decode a ``size`` JPEG at when the rescaler needs ``needed``: the
    smallest decode that keeps ``DRAFT_MARGIN`` times that, or ``DRAFT_MARGIN_LARGE`` times
    when the former would hold more than ``DRAFT_LARGE_PIXELS``."""
    scale = jpeg_draft_scale(size, _with_margin(size, needed, DRAFT_MARGIN))
    if size[0] * size[1] // (scale * scale) > DRAFT_LARGE_PIXELS:
        scale = jpeg_draft_scale(size, _with_margin(size, needed, DRAFT_MARGIN_LARGE))
    return scale


def _with_margin(size: Size, needed: Size, margin: float) -> Size:
    return (
        min(size[0], math.ceil(needed[0] * margin)),
        min(size[1], math.ceil(needed[1] * margin)),
    )


def draft_size(processors: Sequence[Any], size: Size, orientation: int | None = 1) -> Size | None:
    """The size to ask ``draft`` for when decoding a ``size`` source, or None for in full.

    The scale is ``draft_scale``'s, and never one that would change the size the processors
    produce. ``orientation`` is the source's EXIF orientation, for a ``Transpose()`` before
    the rescaler.
    """
    size = tuple(size)
    needed, rescaler, swapped = _chain(processors, size, orientation)
    if not needed or rescaler is None:
        return None
    seen = (size[1], size[0]) if swapped else size  # what the rescaler gets from a full decode
    scale = draft_scale(seen, needed)
    while scale > 1 and not _same_output(rescaler, seen, scale):
        scale //= 2
    if scale == 1:
        return None
    wanted = (seen[0] // scale, seen[1] // scale)  # what makes draft pick exactly this scale
    return (wanted[1], wanted[0]) if swapped else wanted


def run_processors(img: Image.Image, processors: Sequence[Any], name: str | None) -> Image.Image:
    for processor in processors:
        try:
            img = processor.process(img)
        except IKError:
            raise
        except Exception as exc:
            raise ProcessingError(
                f"processor {type(processor).__name__} failed on {name or '<unnamed>'!r}: "
                f"{type(exc).__name__}: {exc}"
            ) from exc
    return img


def process(
    source: Any,
    processors: Sequence[Any] = (),
    format: str | None = None,
    options: dict[str, Any] | None = None,
    autoconvert: bool = True,
    *,
    limits: Limits = DEFAULT_LIMITS,
    name: str | None = None,
) -> GeneratedImage:
    """Generate an image from ``source``: open, process, encode. Nothing is written anywhere."""
    name = name or source_name(source)
    processors = list(processors)
    img = open_image(
        source,
        name=name,
        limits=limits,
        draft=lambda img: draft_size(processors, img.size, exif_orientation(img)),
    )
    original_format = img.format
    img = run_processors(img, processors, name)
    output_format = format or original_format or "JPEG"
    try:
        data = image_to_bytes(img, output_format, options, autoconvert)
    except IKError:
        raise
    except (OSError, ValueError, TypeError, KeyError) as exc:
        raise EncodingError(
            f"saving {name or '<unnamed>'!r} as {output_format} (mode {img.mode}, options "
            f"{options or {}}) failed: {type(exc).__name__}: {exc}"
        ) from exc
    return GeneratedImage(
        data.getvalue(), format=output_format.upper(), width=img.width, height=img.height
    )


class PillowEngine:
    """The engine every other engine falls back on: ``process`` above, on Pillow."""

    generate = staticmethod(process)

"""The Pillow engine: open a source, run the processors, save the result.

The source is decoded once, at the smallest scale the first processor says it needs (JPEG DCT
scaling), then each processor runs in order and the result is saved once.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from fractions import Fraction
from typing import Any

from PIL import Image, ImageOps

from ik_host.config import DEFAULT_LIMITS, Limits
from ik_host.errors import EncodingError, IKError, ProcessingError
from ik_host.paths import source_key, source_name
from ik_host.placeholders import NO_PLACEHOLDER, Placeholder
from ik_host.records import GeneratedImage, Job
from ik_processors_pilkit import pillow_animation as animation
from ik_processors_pilkit.icc_srgb import to_srgb
from ik_processors_pilkit.output_defaults import color_management, save_options, split_options
from ik_processors_pilkit.pillow_io import exif_orientation, image_size, image_to_bytes, open_image
from ik_processors_pilkit.pillow_placeholders import file_placeholder, image_placeholder

# Decode at no less than this multiple of what the first processor needs (per side), so the
# final resample still has real detail to work from: 0.2-0.4 grey levels from a full decode
# on the benchmark photos at 1.9-2.4 (a 3:2 2 MP photo halved for a 300 px crop keeps 1.93),
# 0.4-0.75 at 1.67, up to 1.5 at 1.2...
DRAFT_MARGIN = 1.9
# ...unless that decode would still be larger than this many pixels: then the next smaller
# scale is taken if it keeps ``DRAFT_MARGIN_LARGE``. This bounds the memory of camera-size
# sources (a 24 MP photo to 1024 px decodes at 1/4, 4x less than at 1/2) and speeds them up,
# at most 0.5 grey levels from a full decode on the benchmark photos: a large decode at a
# small margin still holds many pixels of detail.
DRAFT_LARGE_PIXELS = 4_000_000
DRAFT_MARGIN_LARGE = 1.4


# A processor's ``size_role`` says how it changes sizes, so hints can be chained: only
# size-neutral processors may stand before the processor that fixes the scale.
NEUTRAL = "neutral"  # output size == input size, pixels unaffected by scale (Adjust, Transpose)
UPRIGHT = "upright"  # turns the image upright from its EXIF orientation (Transpose())
RESCALE = "rescale"  # resamples to a size of its own (ResizeToFill, ResizeToFit, ...)
OTHER = "other"  # anything else: the source is decoded in full

Size = tuple[int, int]
Box = tuple[float, float, float, float]


class ExifUpright:
    """Turns the image upright from its EXIF orientation (and drops the tag), as
    ``Transpose()`` does: what the engine option ``exif_transpose`` puts first."""

    size_role = UPRIGHT

    def process(self, img: Image.Image) -> Image.Image:
        return ImageOps.exif_transpose(img)


def upright_first(processors: Sequence[Any]) -> list[Any]:
    """``processors`` after an ``ExifUpright``, unless they already start by turning upright."""
    first = next(_flat(processors), None)
    if getattr(first, "size_role", OTHER) == UPRIGHT:
        return list(processors)
    return [ExifUpright(), *processors]


def engine_processors(processors: Sequence[Any], options: dict[str, Any] | None) -> list[Any]:
    """The processors the engine runs for a spec: its own, after an ``ExifUpright`` when its
    options ask for ``exif_transpose``."""
    engine_options, _ = split_options(options)
    if engine_options.get("exif_transpose"):
        return upright_first(processors)
    return list(processors)


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
    full source.

    A rescaler that sizes its output from ``source_extent`` (and says so with a true
    ``sizes_from_extent``) sees the source's exact extent, ``size / scale``: the same size
    unless it is too small to give it. Any other sees the decode's size, rounded up, which can
    tip an output dimension by a pixel.
    """
    output_of = getattr(rescaler, "output_size", None)
    if output_of is None:
        return True
    if getattr(rescaler, "sizes_from_extent", False):
        seen = (Fraction(size[0], scale), Fraction(size[1], scale))
    else:
        seen = (-(-size[0] // scale), -(-size[1] // scale))
    return output_of(size) == output_of(seen)


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
    return shared_draft_size([processors], size, orientation)


def shared_draft_size(
    processor_lists: Sequence[Sequence[Any]], size: Size, orientation: int | None = 1
) -> Size | None:
    """``draft_size`` for one decode that several lists of processors will each run on: the
    finest scale any of them needs, and one that changes none of their output sizes."""
    size = tuple(size)
    scale = min(
        (_own_scale(processors, size, orientation) for processors in processor_lists), default=1
    )
    while scale > 1 and not all(
        _keeps_output(processors, size, orientation, scale) for processors in processor_lists
    ):
        scale //= 2
    if scale == 1:
        return None
    return (size[0] // scale, size[1] // scale)  # what makes draft pick exactly this scale


def _seen(processors: Sequence[Any], size: Size, orientation: int | None) -> tuple[Any, Any, Size]:
    """``(needed, rescaler, seen)``: ``seen`` is the size the rescaler gets from a full decode."""
    needed, rescaler, swapped = _chain(processors, size, orientation)
    return needed, rescaler, ((size[1], size[0]) if swapped else size)


def _own_scale(processors: Sequence[Any], size: Size, orientation: int | None) -> int:
    needed, rescaler, seen = _seen(processors, size, orientation)
    if not needed or rescaler is None:
        return 1
    scale = draft_scale(seen, needed)
    while scale > 1 and not _same_output(rescaler, seen, scale):
        scale //= 2
    return scale


def _keeps_output(
    processors: Sequence[Any], size: Size, orientation: int | None, scale: int
) -> bool:
    _, rescaler, seen = _seen(processors, size, orientation)
    return rescaler is not None and _same_output(rescaler, seen, scale)


def decode(
    source: Any,
    *,
    name: str | None,
    limits: Limits,
    draft: Callable[[Image.Image], Size | None] | None = None,
) -> Image.Image:
    """``open_image``, then converted to sRGB from a profile that is not sRGB's (unless the
    configuration turns colour management off): what every processor then sees."""
    img = open_image(source, name=name, limits=limits, draft=draft)
    return to_srgb(img) if color_management() else img


# -- one decode for several specs of one source ------------------------------------------------


class _SharedDecode:
    """One source, decoded once for every list of processors in the block."""

    def __init__(self, key: tuple[Any, ...], name: str, processor_lists: list[list[Any]]) -> None:
        self.key = key
        self.name = name
        self.processor_lists = processor_lists
        self.limits: Limits | None = None
        self.image: Image.Image | None = None
        # Set when the decode was drafted: the source's stored size and orientation, and the
        # scale it was decoded at.
        self.drafted: tuple[Size, int | None, int] | None = None

    def serves(self, source: Any, name: str | None, limits: Limits) -> bool:
        return source_key(source, name) == self.key and self.limits in (None, limits)

    def _draft(self, img: Image.Image) -> Size | None:
        wanted = shared_draft_size(self.processor_lists, img.size, exif_orientation(img))
        if wanted is not None:
            scale = jpeg_draft_scale(img.size, wanted)
            self.drafted = (img.size, exif_orientation(img), scale)
        return wanted

    def open(
        self, source: Any, processors: list[Any], limits: Limits
    ) -> tuple[Image.Image, Box | None]:
        """The decoded source (decoding it on first use) as ``processors`` would have had it
        decoded alone: a copy, or, where they need less than the most demanding spec of the
        block, reduced to the scale they would have been drafted at; with its ``source_box``
        when drafted."""
        if self.image is None:
            self.image = decode(source, name=self.name, limits=limits, draft=self._draft)
            self.limits = limits
        image = self.image
        if self.drafted is None:
            copy = image.copy()
            copy.format = image.format  # what the output format defaults to
            return copy, None
        size, orientation, scale = self.drafted
        factor = _own_scale(processors, size, orientation) // scale
        # reduce() halves as the DCT does (rounding up), so the sizes are the drafted ones.
        copy = image.reduce(factor) if factor > 1 else image.copy()
        copy.format = image.format
        return copy, _scaled_box(size, scale * factor)


_shared_decode: ContextVar[_SharedDecode | None] = ContextVar("ik_shared_decode", default=None)


@contextmanager
def decode_once(generators: Sequence[Any]) -> Iterator[None]:
    """Inside the block, the specs ``generators`` (of one source) share one decode of it.

    The first of them the Pillow engine generates decodes the source at the finest scale any
    of them needs (``shared_draft_size``); the others process copies of that image instead
    of reading and decoding the file again. Specs of other sources, or with other limits,
    are generated as usual. The decoded image is dropped when the block ends.
    """
    keys = {
        source_key(getattr(generator, "source", None), getattr(generator, "source_name", None))
        for generator in generators
    }
    key = keys.pop() if len(keys) == 1 else None
    if len(generators) < 2 or key is None:
        yield
        return
    lists = [
        engine_processors(getattr(generator, "processors", ()), getattr(generator, "options", None))
        for generator in generators
    ]
    token = _shared_decode.set(_SharedDecode(key, generators[0].source_name, lists))
    try:
        yield
    finally:
        _shared_decode.reset(token)


def _open_source(
    source: Any, processors: list[Any], name: str | None, limits: Limits
) -> tuple[Image.Image, Box | None]:
    """The one way the Pillow engine opens a source: shared with the ``decode_once`` block
    it belongs to, else decoded at the scale its own processors need. Returns the image and,
    when it was drafted, its ``source_box``."""
    shared = _shared_decode.get()
    if shared is not None and shared.serves(source, name, limits):
        return shared.open(source, processors, limits)
    drafted: list[Box] = []

    def draft(img: Image.Image) -> Size | None:
        wanted = draft_size(processors, img.size, exif_orientation(img))
        if wanted is not None:
            drafted.append(_scaled_box(img.size, jpeg_draft_scale(img.size, wanted)))
        return wanted

    img = decode(source, name=name, limits=limits, draft=draft)
    return img, (drafted[0] if drafted else None)


# -- where a drafted decode shows its source ----------------------------------------------------

# While the pipeline processes a drafted decode: that image and its source box.
_drafted: ContextVar[tuple[Image.Image, Box] | None] = ContextVar("ik_drafted", default=None)


def source_box(img: Image.Image) -> Box:
    """The region of ``img`` that shows its source, in ``img``'s pixels.

    All of ``img``, except for a JPEG the pipeline decoded at a reduced DCT scale and is
    processing now: its size is the source's divided by the scale and rounded up, so its last
    column and row stand for less of the source than the others. Resampling that region
    rather than the whole image (as Pillow's own ``thumbnail()`` does) puts every output pixel
    where a full decode would have put it: a quarter of a drafted pixel off costs up to 1.5
    grey levels on a detailed photo. Rescaling processors read it; the pipeline follows it
    through an automatic ``Transpose()`` before them, and forgets it after any other processor.
    """
    drafted = _drafted.get()
    if drafted is not None and drafted[0] is img:
        return drafted[1]
    return (0.0, 0.0, float(img.width), float(img.height))


def source_extent(img: Image.Image) -> tuple[int | Fraction, int | Fraction]:
    """The size, in ``img``'s pixels, of the source ``img`` shows: ``img.size``, except for a
    drafted decode (see ``source_box``), whose source is a fraction of a pixel smaller.

    Exact fractions, so that a size computed from it in integer arithmetic (a cover, a fit:
    ``ik_processors_pilkit._geometry``) is the one computed from the source itself; from the
    rounded-up decode, a cover can come out a pixel wider and move a crop by a pixel.
    """
    x0, y0, x1, y1 = source_box(img)
    if (x0, y0, x1, y1) == (0, 0, img.width, img.height):
        return img.size
    return (Fraction(x1 - x0), Fraction(y1 - y0))


def _scaled_box(size: Size, scale: int) -> Box:
    return (0.0, 0.0, size[0] / scale, size[1] / scale)


# Where EXIF orientations 2-8 move the point (x, y) of a w x h image (ImageOps.exif_transpose).
_UPRIGHT_POINT = {
    2: lambda x, y, w, h: (w - x, y),
    3: lambda x, y, w, h: (w - x, h - y),
    4: lambda x, y, w, h: (x, h - y),
    5: lambda x, y, w, h: (y, x),
    6: lambda x, y, w, h: (h - y, x),
    7: lambda x, y, w, h: (h - y, w - x),
    8: lambda x, y, w, h: (y, w - x),
}


def upright_box(box: Box, size: Size, orientation: int | None) -> Box | None:
    """``box`` of a ``size`` image once turned upright from EXIF ``orientation`` (None when
    the orientation is unknown)."""
    if orientation == 1:
        return box
    move = _UPRIGHT_POINT.get(orientation)
    if move is None:
        return None
    (x0, y0), (x1, y1) = move(box[0], box[1], *size), move(box[2], box[3], *size)
    return (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))


def _box_after(processor: Any, before: Image.Image, after: Image.Image, box: Box) -> Box | None:
    """``box`` carried to ``after``, what ``processor`` made of ``before``; None where it is
    not known (the image was rescaled, or moved by a processor that does not say how)."""
    if getattr(processor, "size_role", OTHER) != UPRIGHT:
        return None
    orientation = exif_orientation(before)
    turned = before.size[::-1] if orientation and orientation >= 5 else before.size
    if tuple(after.size) != tuple(turned):
        return None
    return upright_box(box, before.size, orientation)


def run_processors(
    img: Image.Image, processors: Sequence[Any], name: str | None, box: Box | None = None
) -> Image.Image:
    """Run ``processors`` on ``img`` in order. ``box``: ``img``'s ``source_box`` when it is
    a drafted decode."""
    for processor in processors:
        token = _drafted.set((img, box)) if box is not None else None
        try:
            result = processor.process(img)
        except IKError:
            raise
        except Exception as exc:
            raise ProcessingError(
                f"processor {type(processor).__name__} failed on {name or '<unnamed>'!r}: "
                f"{type(exc).__name__}: {exc}"
            ) from exc
        finally:
            if token is not None:
                _drafted.reset(token)
        if box is not None:
            box = _box_after(processor, img, result, box)
        img = result
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
    placeholder: str = NO_PLACEHOLDER,
) -> GeneratedImage:
    """Generate an image from ``source``: open, process, encode. Nothing is written anywhere.
    The result brings the ``placeholder`` of that kind (``pillow_placeholders``), if any.

    ``options`` are save options, over the output format's defaults (``output_defaults``), and
    the engine's own keys (``output_defaults.ENGINE_KEYS``); with ``save_all`` an animated
    source stays animated (``pillow_animation``).
    """
    name = name or source_name(source)
    processors = engine_processors(processors, options)
    save = split_options(options)[1]
    if save.pop("save_all", False):
        return _process_animation(
            source, processors, format, save, autoconvert, limits, name, placeholder
        )
    img, box = _open_source(source, processors, name, limits)
    source_format = img.format
    img = run_processors(img, processors, name, box)
    output_format = format or source_format or "JPEG"
    return _encode([img], output_format, save, autoconvert, name, placeholder=placeholder)


def _process_animation(
    source: Any,
    processors: list[Any],
    format: str | None,
    options: dict[str, Any],
    autoconvert: bool,
    limits: Limits,
    name: str | None,
    placeholder: str = NO_PLACEHOLDER,
) -> GeneratedImage:
    """``process`` with ``save_all``: every frame through the processors, when the source is
    animated and the output format can be; else the first frame, as without it."""
    img = open_image(source, name=name, limits=limits)  # the file, to seek its frames
    output_format = format or img.format or "JPEG"
    if not (animation.is_animated(img) and animation.can_animate(output_format)):
        still = to_srgb(img) if color_management() else img
        still = run_processors(still, processors, name)
        return _encode([still], output_format, options, autoconvert, name, placeholder=placeholder)
    animation.check_animation(img, name, limits)
    frames, durations, loop = animation.frames_of(img)
    if color_management():
        frames = [to_srgb(frame) for frame in frames]
    frames = [run_processors(frame, processors, name) for frame in frames]
    timing = (durations, loop)
    return _encode(frames, output_format, options, autoconvert, name, timing, placeholder)


def _encode(
    frames: list[Image.Image],
    output_format: str,
    options: dict[str, Any],
    autoconvert: bool,
    name: str | None,
    timing: tuple[list[int], int] | None = None,
    placeholder: str = NO_PLACEHOLDER,
) -> GeneratedImage:
    """``frames`` (one, or an animation's with its ``timing``: durations and loop count)
    encoded, with the format's default options under ``options``."""
    img = frames[0]
    kwargs = save_options(output_format, options)
    try:
        if timing is None:
            data = image_to_bytes(img, output_format, kwargs, autoconvert)
        else:
            data = animation.animation_to_bytes(frames, *timing, output_format, kwargs, autoconvert)
    except IKError:
        raise
    except (OSError, ValueError, TypeError, KeyError) as exc:
        raise EncodingError(
            f"saving {name or '<unnamed>'!r} as {output_format} (mode {img.mode}, options "
            f"{kwargs}) failed: {type(exc).__name__}: {exc}"
        ) from exc
    return GeneratedImage(
        data.getvalue(),
        format=output_format.upper(),
        width=img.width,
        height=img.height,
        placeholder=_placeholder(img, placeholder, name, output_format if autoconvert else None),
    )


def _placeholder(
    img: Image.Image, kind: str, name: str | None, stored_as: str | None
) -> Placeholder | None:
    # Only when the job asks (a picture's img rendition shows it at once); from the processed
    # pixels still in memory (an animation's first frame), not a decode.
    if kind == NO_PLACEHOLDER:
        return None
    return image_placeholder(img, kind, name=name, format=stored_as)


def process_job(job: Job) -> GeneratedImage:
    """``process`` with what ``job`` holds."""
    return process(
        job.source,
        job.processors,
        job.format,
        job.options,
        job.autoconvert,
        limits=job.limits,
        name=job.name,
        placeholder=job.placeholder,
    )


class PillowEngine:
    """The engine every other engine falls back on: ``process`` above, on Pillow."""

    def generate(self, job: Job) -> GeneratedImage:
        return process_job(job)

    def generate_set(self, jobs: Sequence[Job]) -> list[GeneratedImage | Exception]:
        """The jobs of one picture set from one decode (``pillow_picture_sets``)."""
        # Imported here: that module builds on this one.
        from ik_processors_pilkit.pillow_picture_sets import generate_set  # noqa: PLC0415

        return generate_set(jobs)

    def placeholder(self, file: Any, kind: str, *, name: str | None = None) -> Placeholder:
        """The ``kind`` placeholder of a stored image ``file`` (made before they were kept)."""
        placeholder = file_placeholder(file, kind, name=name)
        if placeholder is None:
            raise ValueError(f"placeholder {kind!r}: a kind is needed to compute one")
        return placeholder

    def image_size(self, file: Any, *, name: str | None = None) -> tuple[int, int]:
        """``(width, height)`` from the header of ``file``: nothing is decoded."""
        return image_size(file, name=name)

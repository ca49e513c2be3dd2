"""Processors translated into a few primitive operations, with every size known in advance.

Each supported processor becomes resample / cut / pad / turn / enhance steps whose sizes and
boxes come from the processor's own methods (``output_size``, ``fitted_size``, ``box``,
``position``), computed on the source's true size: the geometry is the Pillow processors',
pixel for pixel. A processor is matched by its exact class, so a subclass that changes what
``process`` does is never mistaken for its parent; anything else raises ``Unsupported`` and
the whole job goes to the Pillow engine.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from PIL import Image

from ik_processors_pilkit import (
    AddBorder,
    Adjust,
    Anchor,
    Crop,
    ProcessorPipeline,
    Resize,
    ResizeCanvas,
    ResizeToCover,
    ResizeToFill,
    ResizeToFit,
    Thumbnail,
    Transpose,
)
from ik_processors_pilkit.pillow_engine import ExifUpright

Size = tuple[int, int]
Box = tuple[int, int, int, int]


class Unsupported(Exception):
    """This job needs something the vips engine does not do; the Pillow engine does it all."""


@dataclass(frozen=True)
class Resample:
    """Resize to exactly ``size`` (Lanczos, alpha premultiplied)."""

    size: Size


@dataclass(frozen=True)
class Cut:
    """Keep the ``(left, top, right, bottom)`` box."""

    box: Box


@dataclass(frozen=True)
class Pad:
    """Place the image at ``(x, y)`` on a ``size`` canvas of ``color`` (an RGBA tuple or None)."""

    x: int
    y: int
    size: Size
    color: Any


@dataclass(frozen=True)
class Rgba:
    """Convert to RGBA, as pilkit's canvases (crops, mats, borders) and ``Adjust`` do."""


@dataclass(frozen=True)
class Turn:
    """Rotations and flips, as vips operation names run in order."""

    operations: tuple[str, ...]

    @property
    def swaps(self) -> bool:
        return sum(name in ("rot90", "rot270") for name in self.operations) % 2 == 1


@dataclass(frozen=True)
class Enhance:
    """``Adjust``'s four factors, applied in its order (1.0 leaves a property alone)."""

    color: float
    brightness: float
    contrast: float
    sharpness: float

    @property
    def scale_free(self) -> bool:
        """Whether it gives (nearly) the same result before or after a downscale."""
        return self.sharpness == 1.0


Step = Resample | Cut | Pad | Rgba | Turn | Enhance

# Pillow's transpose methods as vips operations (Pillow rotates counter-clockwise).
_TURNS: dict[Image.Transpose, tuple[str, ...]] = {
    Image.Transpose.FLIP_LEFT_RIGHT: ("fliphor",),
    Image.Transpose.FLIP_TOP_BOTTOM: ("flipver",),
    Image.Transpose.ROTATE_90: ("rot270",),
    Image.Transpose.ROTATE_180: ("rot180",),
    Image.Transpose.ROTATE_270: ("rot90",),
    Image.Transpose.TRANSPOSE: ("rot90", "fliphor"),
    Image.Transpose.TRANSVERSE: ("rot90", "flipver"),
}


@dataclass(frozen=True)
class Plan:
    """What to do: load (upright if ``autorotate``, at ``load_size`` if given), then ``steps``."""

    autorotate: bool
    load_size: Size | None
    steps: tuple[Step, ...]
    size: Size  # the final size


def _swap(size: Size) -> Size:
    return (size[1], size[0])


def flatten(processors: Iterable[Any]) -> list[Any]:
    """``ProcessorPipeline``s spelled out, as the Pillow engine runs them."""
    flat: list[Any] = []
    for processor in processors:
        if type(processor) is ProcessorPipeline:
            flat.extend(flatten(processor))
        else:
            flat.append(processor)
    return flat


def is_auto_transpose(processor: Any) -> bool:
    # ExifUpright is what the engine option ``exif_transpose`` puts first: the same turn.
    if type(processor) is ExifUpright:
        return True
    return type(processor) is Transpose and Transpose.AUTO in processor.methods


# -- one processor at a time: (steps, size after them) ------------------------------------------


def _resample(size: Size, target: Size) -> list[Step]:
    if tuple(target) == tuple(size):
        return []
    if target[0] > size[0] or target[1] > size[1]:
        # vips interpolates upwards differently enough to see (1.5-2.5 levels on fine grain).
        raise Unsupported(f"enlarging {size[0]}x{size[1]} to {target[0]}x{target[1]}")
    return [Resample(tuple(target))]


def _on_canvas(box: Box, size: Size, color: Any = None) -> tuple[list[Step], Size]:
    """``box`` of a ``size`` image on an RGBA canvas (as ``pilkit_crop.on_canvas``)."""
    x, y = -box[0], -box[1]
    out = (box[2] - box[0], box[3] - box[1])
    if x >= out[0] or y >= out[1] or x + size[0] <= 0 or y + size[1] <= 0:
        raise Unsupported("an image wholly off its canvas")
    if box[0] >= 0 and box[1] >= 0 and box[2] <= size[0] and box[3] <= size[1]:
        return ([] if box == (0, 0, *size) else [Cut(box)]) + [Rgba()], out
    return [Pad(x, y, out, color)], out


def _cut(crop: Crop, size: Size) -> tuple[list[Step], Size]:
    return _on_canvas(crop.box(size), size)


def _canvas(canvas: ResizeCanvas, size: Size) -> tuple[list[Step], Size]:
    x, y = canvas.position(size)
    return _on_canvas((-x, -y, canvas.width - x, canvas.height - y), size, canvas.color)


def translate(processor: Any, size: Size) -> tuple[list[Step], Size]:
    """The steps ``processor`` amounts to on an image of ``size``, and the size they give."""
    kind = type(processor)
    if kind in (Resize, ResizeToCover):
        target = processor.output_size(size)
        return _resample(size, target), target
    if kind is ResizeToFill:
        cover = ResizeToCover(processor.width, processor.height, upscale=processor.upscale)
        covered = cover.output_size(size)
        crop = Crop(processor.width, processor.height, anchor=processor.anchor)
        steps, cut_size = _cut(crop, covered)
        return [*_resample(size, covered), *steps], cut_size
    if kind is ResizeToFit:
        fitted = processor.fitted_size(size)
        steps = _resample(size, fitted)
        if processor.mat_color is None:
            return steps, fitted
        width, height = processor.output_size(fitted)
        anchor = processor.anchor or Anchor.CENTER
        mat = ResizeCanvas(width, height, color=processor.mat_color, anchor=anchor)
        pad, padded = _canvas(mat, fitted)
        return [*steps, *pad], padded
    if kind is Thumbnail:
        return translate(processor.delegate(), size)
    if kind is Crop:
        return _cut(processor, size)
    if kind is ResizeCanvas:
        return _canvas(processor, size)
    if kind is AddBorder:
        top, right, bottom, left = processor.top, processor.right, processor.bottom, processor.left
        width, height = size[0] + left + right, size[1] + top + bottom
        canvas = ResizeCanvas(width, height, color=processor.color, x=left, y=top)
        return _canvas(canvas, size)
    if kind is Transpose and Transpose.AUTO not in processor.methods:
        operations = tuple(name for method in processor.methods for name in _TURNS[method])
        turn = Turn(operations)
        return [turn], (_swap(size) if turn.swaps else size)
    if kind is Adjust:
        factors = (processor.color, processor.brightness, processor.contrast, processor.sharpness)
        if all(factor == 1.0 for factor in factors):
            return [Rgba()], size
        return [Rgba(), Enhance(*factors)], size
    raise Unsupported(f"no vips version of {kind.__name__}")


# -- the whole list ----------------------------------------------------------------------------


def _fuse_load(steps: Sequence[Step], alpha: bool) -> tuple[Size | None, tuple[Step, ...]]:
    """Take the first resample into the load (shrink-on-load) where what precedes it allows.

    Turns and scale-free enhancements before it commute with it: they run after it instead,
    the resample target turned back to the orientation the image is loaded in. Not so
    enhancements of images with alpha: resampling blackens the colour under transparent
    pixels, which Pillow's contrast mean counts.
    """
    before: list[Step] = []
    for index, step in enumerate(steps):
        if isinstance(step, Resample):
            size = step.size
            if sum(isinstance(turn, Turn) and turn.swaps for turn in before) % 2:
                size = _swap(size)
            return size, (*before, *steps[index + 1 :])
        movable = isinstance(step, Enhance) and step.scale_free and not alpha
        if isinstance(step, Turn | Rgba) or movable:
            before.append(step)
            continue
        break
    return None, tuple(steps)


def make_plan(
    processors: Sequence[Any], stored_size: Size, orientation: int | None, alpha: bool = False
) -> Plan:
    """The plan for ``processors`` on a source of ``stored_size`` with EXIF ``orientation``
    (and an alpha channel if ``alpha``).

    Raises ``Unsupported`` for a processor without a vips version, and for ``Transpose(AUTO)``
    anywhere but first, or where the orientation is not known from the header.
    """
    flat = flatten(processors)
    size = tuple(stored_size)
    autorotate = False
    if flat and is_auto_transpose(flat[0]):
        flat = flat[1:]
        if orientation is None:
            raise Unsupported("Transpose(AUTO) on a format whose orientation is read on decoding")
        autorotate = orientation != 1
        if orientation >= 5:  # 5..8 swap width and height
            size = _swap(size)
    if any(is_auto_transpose(processor) for processor in flat):
        raise Unsupported("Transpose(AUTO) after another processor")
    steps: list[Step] = []
    for processor in flat:
        more, size = translate(processor, size)
        steps.extend(more)
    load_size, rest = _fuse_load(steps, alpha)
    return Plan(autorotate=autorotate, load_size=load_size, steps=rest, size=size)

"""Property tests (hypothesis) over the whole Pillow engine.

Random chains of the pilkit processors, with random sizes and anchors, on random small images of
every mode, encoded in a random format, processed and saved in a random format: nothing is
raised but the documented exceptions (``ValueError``/``TypeError`` from a constructor given
arguments it refuses; ``IKError`` from the host), and the resize processors produce exactly the
size they promise, JPEG shrink-on-load included. (The names half lives with the defaults'
tests: ``plugins/defaults/tests/test_names_properties.py``.)
"""

from __future__ import annotations

import io
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from ik_host.errors import IKError
from ik_processors_pilkit import (
    AddBorder,
    Adjust,
    Anchor,
    ColorOverlay,
    Convert,
    Crop,
    GaussianBlur,
    MakeOpaque,
    Reflection,
    Resize,
    ResizeCanvas,
    ResizeToCover,
    ResizeToFill,
    ResizeToFit,
    SetOpacity,
    SmartCrop,
    SmartResize,
    Thumbnail,
    Transpose,
    TrimBorderColor,
)
from ik_processors_pilkit.pillow_engine import NEUTRAL, RESCALE, process
from plugins.processors_pilkit.tests.pilkit_cases import ANCHOR_NAMES, colors

# -- images ----------------------------------------------------------------------------------------

MODES = ["1", "L", "LA", "P", "P+t", "RGB", "RGBA", "CMYK", "I;16", "I", "F"]
# Source formats able to hold each mode (as Pillow writes them).
SOURCE_FORMATS = {
    "1": ["PNG", "TIFF", "BMP"],
    "L": ["PNG", "JPEG", "GIF", "TIFF", "WEBP"],
    "LA": ["PNG", "TIFF"],
    "P": ["PNG", "GIF", "BMP"],
    "P+t": ["PNG", "GIF"],
    "RGB": ["PNG", "JPEG", "WEBP", "TIFF", "BMP"],
    "RGBA": ["PNG", "WEBP", "TIFF"],
    "CMYK": ["JPEG", "TIFF"],
    "I;16": ["PNG", "TIFF"],
    "I": ["TIFF"],
    "F": ["TIFF"],
}


@st.composite
def sources(draw: Any) -> tuple[bytes, str]:
    """An encoded image of a random mode and size, and the mode it was made in."""
    mode = draw(st.sampled_from(MODES))
    size = (draw(st.integers(1, 48)), draw(st.integers(1, 48)))
    seed = draw(st.integers(0, 255))
    gray = Image.linear_gradient("L").resize(size).point(lambda v: (v + seed) % 256)
    rgba = Image.merge("RGBA", (gray, gray.transpose(Image.Transpose.ROTATE_180), gray, gray))
    if mode == "P+t":
        img = rgba.convert("RGB").quantize(colors=8)
        img.info["transparency"] = 0
    elif mode in ("I;16", "I", "F"):
        img = gray.convert("I").point(lambda v: v * 257).convert(mode)
    elif mode in ("LA", "RGBA"):
        img = rgba.convert(mode)
    else:
        img = rgba.convert("RGB").convert(mode)
    format = draw(st.sampled_from(SOURCE_FORMATS[mode]))
    buffer = io.BytesIO()
    img.save(buffer, format)
    return buffer.getvalue(), mode


# -- processors ------------------------------------------------------------------------------------

# Sizes: mostly sensible, sometimes refused (0, negative, not an int).
dims = st.integers(1, 40)
bad_dims = st.sampled_from([0, -3, 2.5, "40", True])
any_dims = dims | bad_dims
maybe = st.none() | dims
fractions = st.sampled_from([0, 0.2, 0.5, 1])
anchors = st.sampled_from(ANCHOR_NAMES) | st.tuples(fractions, fractions) | st.just("nowhere")


class Promise:
    """A processor to build, and whether it was given arguments it must refuse."""

    def __init__(self, factory: Any, *args: Any, **kwargs: Any) -> None:
        self.factory, self.args, self.kwargs = factory, args, kwargs

    def build(self) -> Any:
        return self.factory(*self.args, **self.kwargs)

    def __repr__(self) -> str:
        return f"{self.factory.__name__}{self.args}{self.kwargs or ''}"


def promise(factory: Any, *strategies: Any, **keywords: Any) -> Any:
    return st.builds(Promise, st.just(factory), *strategies, **keywords)


resizers = st.one_of(
    promise(Resize, any_dims, dims, st.booleans()),
    promise(ResizeToCover, dims, any_dims, st.booleans()),
    promise(ResizeToFill, any_dims, dims, st.none() | anchors, st.booleans()),
    promise(SmartResize, dims, dims, st.booleans()),
    promise(ResizeToFit, dims, maybe, st.booleans(), colors, anchors),
    promise(ResizeToFit, st.none(), dims, st.booleans(), colors, anchors),
    promise(Crop, maybe, maybe, st.none() | anchors),
    promise(SmartCrop, maybe, maybe),
    promise(ResizeCanvas, dims, dims, colors, anchors),
    promise(AddBorder, st.integers(0, 4), colors),
    promise(Thumbnail, dims, maybe, st.none() | anchors, st.none(), st.none() | st.booleans()),
)
others = st.one_of(
    promise(Adjust, st.floats(0, 2), st.floats(0, 2), st.floats(0, 2), st.floats(0, 2)),
    promise(Transpose),
    promise(Transpose, st.sampled_from(list(Image.Transpose))),
    promise(GaussianBlur, st.floats(-1, 3)),
    promise(MakeOpaque, colors.filter(lambda c: c is not None)),
    promise(SetOpacity, st.floats(0, 1)),
    promise(ColorOverlay, st.sampled_from(["red", (0, 0, 255)]), st.floats(0, 1)),
    promise(Reflection),
    promise(Convert, st.sampled_from(["L", "RGB", "RGBA", "LA", "1", "P", "CMYK"])),
    promise(TrimBorderColor),
)
chains = st.lists(resizers | others, min_size=1, max_size=4)
output_formats = st.sampled_from([None, "JPEG", "PNG", "WEBP", "GIF", "TIFF"])
options = st.sampled_from([None, {"quality": 40}, {"optimize": True}, {"progressive": True}])


def promised_size(processors: list[Any], size: tuple[int, int]) -> tuple[int, int] | None:
    """The size the chain promises for a ``size`` source, from each processor's own
    ``output_size``; None when a processor makes no promise (Transpose, TrimBorderColor...)."""
    for processor in processors:
        if hasattr(processor, "output_size"):
            size = tuple(processor.output_size(size))
        elif getattr(processor, "size_role", None) != NEUTRAL or isinstance(processor, Transpose):
            return None
    return size


def checked_when_run(processors: list[Any]) -> bool:
    """Whether a Thumbnail has a bad anchor: like pilkit's, it checks it only when it runs."""
    for processor in processors:
        if type(processor) is Thumbnail and processor.anchor not in (None, Thumbnail.AUTO):
            try:
                Anchor.get_tuple(processor.anchor)
            except ValueError:
                return True
    return False


def independent_check(processor: Any, source: tuple[int, int], out: tuple[int, int]) -> None:
    """What the documentation says of the last resize, computed without its code."""
    kind = type(processor)
    width, height = getattr(processor, "width", None), getattr(processor, "height", None)
    upscale = getattr(processor, "upscale", True)
    # Whether the target is not smaller on both axes (then upscale=False may keep the source,
    # as pilkit resamples without upscale only to a smaller size).
    grows = not ((width or 0) < source[0] and (height or 0) < source[1])
    if kind in (Resize, ResizeToFill, SmartResize, ResizeCanvas) and (upscale or not grows):
        assert out == (width, height)
    if kind is ResizeToFit and processor.mat_color is not None and width and height:
        assert out == (width, height)
    if kind is ResizeToFit:
        # pilkit's rule: its fitted size, rounded before any clamping, smaller on both axes.
        bounds = [b / s for b, s in zip((width, height), source, strict=True) if b is not None]
        grows = not all(round(side * min(bounds)) < side for side in source)
    if kind is ResizeToFit and processor.mat_color is None and (upscale or not grows):
        assert out[0] <= (width or out[0]) and out[1] <= (height or out[1])
        assert out[0] == width or out[1] == height
    if kind is ResizeToCover:
        # pilkit's rule: the covering size, rounded, smaller on both axes.
        ratio = max(width / source[0], height / source[1])
        grows = not all(round(side * ratio) < side for side in source)
    if kind is ResizeToCover and (upscale or not grows):
        assert out[0] >= width and out[1] >= height
        assert out[0] == width or out[1] == height


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sources(), chains, output_formats, options, st.booleans())
def test_random_chains_raise_only_documented_errors_and_keep_size_promises(
    source: tuple[bytes, str],
    chain: list[Promise],
    format: str | None,
    save_options: dict[str, Any] | None,
    autoconvert: bool,
) -> None:
    data, _mode = source
    processors = []
    for each in chain:
        try:
            processors.append(each.build())
        except (ValueError, TypeError):  # documented: refused arguments, at construction
            return
    with Image.open(io.BytesIO(data)) as original:
        source_size = original.size
    try:
        generated = process(data, processors, format, save_options, autoconvert, name="s.img")
    except IKError as exc:
        # Documented; and with autoconvert on, nothing but the source itself may fail.
        assert not autoconvert or checked_when_run(processors), f"{type(exc).__name__}: {exc}"
        return
    with Image.open(generated) as out:
        out.load()
        assert out.size == (generated.width, generated.height)
        assert out.format == (format or out.format)
    expected = promised_size(processors, source_size)
    if expected is not None:
        assert out.size == expected, (source_size, processors)
    last = processors[-1]
    if getattr(last, "size_role", None) == RESCALE and expected is not None:
        before = promised_size(processors[:-1], source_size)
        if before is not None:
            independent_check(last, before, out.size)

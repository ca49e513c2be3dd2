"""Random chains of resize/crop processors on small random images of every mode never raise,
keep alpha, and produce exactly the sizes a plain model of pilkit's rules predicts."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from ik_processors_pilkit import (
    AddBorder,
    Crop,
    ProcessorPipeline,
    Resize,
    ResizeCanvas,
    ResizeToCover,
    ResizeToFill,
    ResizeToFit,
    SmartCrop,
    SmartResize,
    Thumbnail,
)
from plugins.processors_pilkit.tests.pilkit_cases import ANCHOR_NAMES, MODES, colors

dims = st.integers(1, 40)
maybe_dims = st.none() | dims
fraction = st.sampled_from([0, 0.1, 0.25, 1 / 3, 0.5, 0.7, 1])
anchors = st.sampled_from(ANCHOR_NAMES) | st.tuples(fraction, fraction)


def scaled(size, ratio: float):
    # pilkit's arithmetic: float ratio, round() (ties to even); never below 1 pixel, where
    # pilkit would fail.
    return (max(1, round(size[0] * ratio)), max(1, round(size[1] * ratio)))


def no_growth(new, size, upscale):
    """Without upscale, pilkit resamples only to a size smaller on both axes."""
    return new if upscale or (new[0] < size[0] and new[1] < size[1]) else tuple(size)


def fit(size, width, height, upscale):
    ratios = [w / s for w, s in ((width, size[0]), (height, size[1])) if w is not None]
    ratio = min(ratios)
    # pilkit decides on the sides rounded before clamping: one rounded to 0 still shrinks
    # (there pilkit fails; 1 px here).
    rounded = (round(size[0] * ratio), round(size[1] * ratio))
    if not upscale and not (rounded[0] < size[0] and rounded[1] < size[1]):
        return tuple(size)
    return scaled(size, ratio)


def cover(size, width, height, upscale):
    ratio = max(width / size[0], height / size[1])
    return no_growth(scaled(size, ratio), size, upscale)


def expected_size(processor, size):
    """The documented output size, derived from the rules rather than from the code."""
    kind = type(processor)
    if kind is Resize:
        return no_growth((processor.width, processor.height), size, processor.upscale)
    if kind is ResizeToCover:
        return cover(size, processor.width, processor.height, processor.upscale)
    if kind in (ResizeToFill, SmartResize):
        covered = cover(size, processor.width, processor.height, processor.upscale)
        return (min(covered[0], processor.width), min(covered[1], processor.height))
    if kind is ResizeToFit:
        fitted = fit(size, processor.width, processor.height, processor.upscale)
        if processor.mat_color is None:
            return fitted
        return (processor.width or fitted[0], processor.height or fitted[1])
    if kind in (Crop, SmartCrop):
        return (min(size[0], processor.width or size[0]), min(size[1], processor.height or size[1]))
    if kind is ResizeCanvas:
        return (processor.width, processor.height)
    if kind is AddBorder:
        return (
            size[0] + processor.left + processor.right,
            size[1] + processor.top + processor.bottom,
        )
    if kind is Thumbnail:
        return expected_size(processor.delegate(), size)
    if kind is ProcessorPipeline:
        for step in processor:
            size = expected_size(step, size)
        return size
    raise AssertionError(kind)


processors = st.one_of(
    st.builds(Resize, dims, dims, st.booleans()),
    st.builds(ResizeToCover, dims, dims, st.booleans()),
    st.builds(ResizeToFill, dims, dims, anchors | st.none(), st.booleans()),
    st.builds(SmartResize, dims, dims, st.booleans()),
    st.builds(ResizeToFit, dims, maybe_dims, st.booleans(), colors, anchors),
    st.builds(ResizeToFit, st.none(), dims, st.booleans(), colors, anchors),
    st.builds(Crop, maybe_dims, maybe_dims, anchors | st.none()),
    st.builds(Crop, dims, dims, x=st.integers(-5, 30), y=st.integers(-5, 30)),
    st.builds(SmartCrop, maybe_dims, maybe_dims),
    st.builds(ResizeCanvas, dims, dims, colors, anchors),
    st.builds(ResizeCanvas, dims, dims, colors, x=st.integers(-20, 20), y=st.integers(-20, 20)),
    st.builds(AddBorder, st.integers(0, 4) | st.tuples(*[st.integers(0, 4)] * 4), colors),
    st.builds(Thumbnail, dims, dims, st.none() | anchors, st.none(), st.none() | st.booleans()),
    st.builds(Thumbnail, dims, st.none(), upscale=st.booleans()),
)


@st.composite
def images(draw) -> Image.Image:
    mode = draw(st.sampled_from(MODES))
    width, height = draw(dims), draw(dims)
    seed = draw(st.integers(0, 255))
    rgba = Image.radial_gradient("L").resize((width, height)).point(lambda v: (v + seed) % 256)
    rgba = Image.merge("RGBA", (rgba, rgba.transpose(Image.Transpose.ROTATE_180), rgba, rgba))
    if mode == "P+t":
        palette = rgba.convert("RGB").quantize(colors=8)
        palette.info["transparency"] = 0
        return palette
    if mode == "I;16":
        return rgba.convert("L").convert("I").point(lambda v: v * 257).convert("I;16")
    return rgba.convert(mode) if mode in ("LA", "RGBA") else rgba.convert("RGB").convert(mode)


def has_alpha(img: Image.Image) -> bool:
    # A palette resolved to RGB for resampling keeps its transparent colour as a colour key.
    return img.mode in ("LA", "RGBA") or "transparency" in img.info


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(images(), st.lists(processors, min_size=1, max_size=3))
def test_random_chains_give_promised_sizes(img, chain):
    pipeline = ProcessorPipeline(chain)
    out = pipeline.process(img)
    assert out.size == expected_size(pipeline, img.size)
    if has_alpha(img):
        assert has_alpha(out)
    if img.mode == "I;16" and all(isinstance(step, Resize) for step in chain):
        assert out.mode == "I;16"
    hint = pipeline.size_hint(img.size)
    if hint is not None:
        assert hint[0] <= img.size[0] and hint[1] <= img.size[1]
        assert pipeline.process(img.resize(hint)).size == out.size

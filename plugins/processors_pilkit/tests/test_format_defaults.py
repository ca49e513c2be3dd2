"""Per-format save defaults: AVIF and WebP get the engine's measured defaults, the
configuration's ``format_options`` go over them, and a spec's own options win; JPEG, PNG and
GIF stay as pilkit saves them."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from ik_host.config import Config, set_config
from ik_processors_pilkit.output_defaults import FORMAT_DEFAULTS, save_options
from ik_processors_pilkit.pillow_engine import process


def photo_like() -> Image.Image:
    """Gradients and a disc: enough detail that quality settings change the bytes."""
    img = Image.linear_gradient("L").resize((96, 64)).convert("RGB")
    img.paste((200, 60, 40), (30, 10, 70, 50))
    return Image.merge("RGB", (img.getchannel(0), img.getchannel(1).rotate(90), img.getchannel(2)))


def png(img: Image.Image) -> bytes:
    buffer = io.BytesIO()
    img.save(buffer, "PNG")
    return buffer.getvalue()


def pillow_bytes(img: Image.Image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    img.save(buffer, fmt, **options)
    return buffer.getvalue()


@pytest.fixture
def configured():
    def configure(**section):
        set_config(Config(extra={"image_output": section}))

    yield configure
    set_config(None)


@pytest.mark.parametrize("fmt", ["AVIF", "WEBP"])
def test_modern_formats_get_the_measured_defaults(fmt: str) -> None:
    img = photo_like()
    made = process(png(img), [], fmt).getvalue()
    assert made == pillow_bytes(img, fmt, **FORMAT_DEFAULTS[fmt])
    assert made != pillow_bytes(img, fmt)  # not Pillow's own defaults


@pytest.mark.parametrize("fmt", ["AVIF", "WEBP"])
def test_a_spec_option_wins_over_the_default(fmt: str) -> None:
    img = photo_like()
    made = process(png(img), [], fmt, {"quality": 95}).getvalue()
    assert made == pillow_bytes(img, fmt, **{**FORMAT_DEFAULTS[fmt], "quality": 95})


@pytest.mark.parametrize(("fmt", "pilkit_options"), [("JPEG", {"optimize": True}), ("PNG", {})])
def test_jpeg_and_png_are_saved_as_pilkit_saves_them(fmt: str, pilkit_options) -> None:
    img = photo_like()
    assert process(png(img), [], fmt).getvalue() == pillow_bytes(img, fmt, **pilkit_options)


def test_the_configuration_goes_over_the_defaults_and_under_the_spec(configured) -> None:
    configured(format_options={"webp": {"quality": 50}, "JPEG": {"progressive": True}})
    assert save_options("WEBP", {}) == {**FORMAT_DEFAULTS["WEBP"], "quality": 50}
    assert save_options("WEBP", {"quality": 70})["quality"] == 70
    img = photo_like()
    made = process(png(img), [], "JPEG").getvalue()
    assert made == pillow_bytes(img, "JPEG", optimize=True, progressive=True)


def test_an_unknown_configuration_key_is_named(configured) -> None:
    configured(format_option={})
    with pytest.raises(TypeError, match="format_option"):
        save_options("WEBP", {})


def test_format_options_must_be_dicts(configured) -> None:
    configured(format_options={"AVIF": 60})
    with pytest.raises(TypeError, match="'AVIF'"):
        save_options("AVIF", {})

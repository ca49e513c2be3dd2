"""IMAGEKIT_FORMAT_OPTIONS and IMAGEKIT_COLOR_MANAGEMENT reach the Pillow engine through the
host configuration (Config.extra["image_output"])."""

from __future__ import annotations

from django.test import override_settings

from ik_host.config import get_config
from ik_processors_pilkit.output_defaults import (
    FORMAT_DEFAULTS,
    color_management,
    save_options,
)
from imagekit.conf import settings


def test_the_defaults_convert_colours_and_set_modern_formats_only() -> None:
    assert settings.IMAGEKIT_FORMAT_OPTIONS == {}
    assert settings.IMAGEKIT_COLOR_MANAGEMENT is True
    assert get_config().extra["image_output"] == {"format_options": {}, "color_management": True}
    assert save_options("AVIF", {}) == FORMAT_DEFAULTS["AVIF"]
    assert save_options("JPEG", {}) == {}
    assert color_management()


def test_the_settings_reach_the_engine() -> None:
    with override_settings(
        IMAGEKIT_FORMAT_OPTIONS={"avif": {"speed": 6}, "JPEG": {"progressive": True}},
        IMAGEKIT_COLOR_MANAGEMENT=False,
    ):
        assert save_options("AVIF", {}) == {**FORMAT_DEFAULTS["AVIF"], "speed": 6}
        assert save_options("AVIF", {"speed": 9}) == {**FORMAT_DEFAULTS["AVIF"], "speed": 9}
        assert save_options("JPEG", {"quality": 90}) == {"progressive": True, "quality": 90}
        assert not color_management()
    assert color_management()
    assert save_options("JPEG", {}) == {}

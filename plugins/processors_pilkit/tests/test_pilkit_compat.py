"""pilkit compatibility: ``pilkit.utils``' helpers and ``Thumbnail``'s delegation."""

from __future__ import annotations

import importlib
import io
import os
from unittest import mock

import pytest
from PIL import Image

from ik_processors_pilkit import pilkit_resize as resize_module
from ik_processors_pilkit.pilkit_resize import Thumbnail
from ik_processors_pilkit.pilkit_utils import (
    FileWrapper,
    extension_to_mimetype,
    prepare_image,
    process_image,
    quiet,
)


def test_thumbnail_error_messages_match_pilkit():
    with pytest.raises(ValueError, match=r"You can't specify an anchor point if crop is False\."):
        Thumbnail(40, 40, anchor="t", crop=False)
    message = r"You must provide both a width and height when cropping\."
    with pytest.raises(ValueError, match=message):
        Thumbnail(width=40, crop=True)


@pytest.mark.parametrize(
    ("kwargs", "name", "expected"),
    [
        ({"upscale": True}, "SmartResize", {"width": 60, "height": 50, "upscale": True}),
        ({"upscale": False}, "SmartResize", {"width": 60, "height": 50, "upscale": False}),
        (
            {"anchor": "t"},
            "ResizeToFill",
            {"width": 60, "height": 50, "anchor": "t", "upscale": None},  # passed on as given
        ),
        ({"crop": False}, "ResizeToFit", {"width": 60, "height": 50, "upscale": None}),
    ],
)
def test_thumbnail_delegates_through_module_globals_at_process_time(kwargs, name, expected):
    thumbnail = Thumbnail(width=60, height=50, **kwargs)
    img = Image.new("RGB", (100, 100))
    with mock.patch.object(resize_module, name) as patched:
        result = thumbnail.process(img)
    patched.assert_called_once()
    call = patched.call_args
    assert call.args == ()
    assert {**call.kwargs, "anchor": thumbnail.anchor} == {**expected, "anchor": thumbnail.anchor}
    assert result is patched.return_value.process.return_value


def test_filewrapper_turns_unsupported_fileno_into_attribute_error():
    buffer = io.BytesIO()
    wrapped = FileWrapper(buffer)
    with pytest.raises(AttributeError):
        wrapped.fileno()
    wrapped.write(b"abc")
    assert buffer.getvalue() == b"abc"


def test_prepare_image_keeps_gif_transparency_and_normalizes_format():
    img = Image.new("RGBA", (10, 10), (255, 0, 0, 0))
    img.putpixel((0, 0), (0, 0, 255, 255))
    prepared, options = prepare_image(img, "gIF")
    assert prepared.mode == "P"
    assert options["transparency"] == 255
    assert prepared.getpixel((5, 5)) == 255
    assert prepared.getpixel((0, 0)) != 255
    assert prepare_image(Image.new("RGB", (4, 4)), "jpeg")[1] == {"optimize": True}


def test_quiet_survives_an_unopenable_null_device():
    with mock.patch.object(os, "open", side_effect=OSError), quiet():
        pass
    with quiet():
        pass


def test_process_image_and_mimetype():
    out = process_image(Image.new("RGB", (30, 20)), [Thumbnail(10, 10)], "PNG")
    with Image.open(out) as result:
        assert (result.format, result.size) == ("PNG", (10, 10))
    assert extension_to_mimetype(".png") == "image/png"


def test_imagekit_utils_reexports_pilkit_names():
    utils = importlib.import_module("imagekit.utils")

    for name in (
        "extension_to_format",
        "format_to_extension",
        "FileWrapper",
        "save_image",
        "prepare_image",
        "open_image",
        "suggest_extension",
        "quiet",
        "process_image",
        "img_to_fobj",
    ):
        assert hasattr(utils, name), name

"""The vips engine's output follows the Pillow engine's output settings: the per-format save
defaults, and colour management (a source with a profile other than sRGB goes to Pillow,
which converts it)."""

from __future__ import annotations

import io
import struct
from types import SimpleNamespace

from PIL import Image, ImageCms

from ik_host.config import Config, set_config
from ik_host.records import Job
from ik_processors_pilkit import ResizeToFill
from ik_processors_pilkit.icc_srgb import is_srgb
from ik_processors_pilkit.output_defaults import FORMAT_DEFAULTS
from ik_processors_pilkit.pillow_engine import PillowEngine
from ik_processors_vips import VipsEngine


def swapped_profile() -> bytes:
    """LittleCMS's sRGB profile with its red and green primaries swapped and renamed: an RGB
    profile that is not sRGB, whose conversion turns red into green."""
    data = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    (count,) = struct.unpack(">I", data[128:132])
    offsets = {}
    for index in range(count):
        signature, offset, _ = struct.unpack(">4sII", data[132 + 12 * index : 144 + 12 * index])
        offsets[signature] = offset
    red, green = offsets[b"rXYZ"], offsets[b"gXYZ"]
    data[red : red + 20], data[green : green + 20] = data[green : green + 20], data[red : red + 20]
    return bytes(data).replace("sRGB".encode("utf-16-be"), "Swap".encode("utf-16-be"))


def test_the_swapped_profile_is_not_srgb() -> None:
    assert not is_srgb(swapped_profile())


def test_a_non_srgb_source_is_made_by_pillow_converted(images: SimpleNamespace) -> None:
    source = images.encode(
        Image.new("RGB", (300, 200), (220, 30, 30)),
        "JPEG",
        quality=95,
        icc_profile=swapped_profile(),
    )
    job = Job(source, [ResizeToFill(90, 60)], "JPEG")
    ours = VipsEngine().generate(job).getvalue()
    assert ours == PillowEngine().generate(job).getvalue()
    red, green, _ = images.decoded(ours).getpixel((45, 30))
    assert green > 150 and red < 100  # converted through the profile


def test_without_colour_management_vips_keeps_the_profile(images: SimpleNamespace) -> None:
    source = images.encode(images.photo((300, 200)), "JPEG", icc_profile=swapped_profile())
    set_config(Config(extra={"image_output": {"color_management": False}}))
    try:
        made = VipsEngine().generate(Job(source, [ResizeToFill(90, 60)], "WEBP"))
    finally:
        set_config(None)
    assert images.decoded(made).info.get("icc_profile") == swapped_profile()


def test_webp_gets_the_format_defaults(images: SimpleNamespace) -> None:
    source = images.encode(images.photo((600, 400)), "JPEG", quality=92)
    engine = VipsEngine()
    default = engine.generate(Job(source, [ResizeToFill(300, 200)], "WEBP")).getvalue()
    explicit = engine.generate(
        Job(source, [ResizeToFill(300, 200)], "WEBP", dict(FORMAT_DEFAULTS["WEBP"]))
    ).getvalue()
    pillow_default = engine.generate(
        Job(source, [ResizeToFill(300, 200)], "WEBP", {"quality": 80})
    ).getvalue()
    assert default == explicit
    assert default != pillow_default
    assert Image.open(io.BytesIO(default)).format == "WEBP"

"""Animated sources kept animated: a spec with ``options={'save_all': True}`` has every frame of
an animated GIF or WebP run through its processors and saved as one animation.

Limits: the source's frames are counted against ``Limits.max_frames`` as it is opened (by
``pillow_io.open_image``), and all its frames' pixels together against ``Limits.max_pixels``,
as they are all decoded and held at once. An output format Pillow cannot animate (JPEG, BMP)
gets the first frame, as without ``save_all``. django-imagekit always keeps the first frame only.
"""

from __future__ import annotations

import io
from typing import Any

from PIL import Image

from ik_host.config import Limits
from ik_host.errors import SourceTooLarge
from ik_host.formats import normalize_format
from ik_processors_pilkit.pillow_io import autoconvert_for, image_to_bytes

# Pillow's default frame time, in ms, for a frame that does not say.
DEFAULT_DURATION = 100


def is_animated(img: Image.Image) -> bool:
    return bool(getattr(img, "is_animated", False))


def can_animate(format: str) -> bool:
    """Whether Pillow writes ``format`` with more than one frame."""
    fmt = normalize_format(format)
    return fmt in Image.SAVE_ALL and fmt not in ("PDF", "TIFF", "MPO")


def check_animation(img: Image.Image, name: str | None, limits: Limits) -> None:
    """Refuse an animation whose frames hold more pixels together than ``limits`` allow."""
    if limits.max_pixels is None:
        return
    frames = img.n_frames
    total = frames * img.width * img.height
    if total > limits.max_pixels:
        raise SourceTooLarge(
            name,
            f"its {frames} frames of {img.width}x{img.height} are {total} pixels together, "
            f"over the limit of {limits.max_pixels} pixels (without save_all only the first "
            "frame is made)",
        )


def frames_of(img: Image.Image) -> tuple[list[Image.Image], list[int], int]:
    """``(frames, durations, loop)``: every frame as RGBA (a whole picture, not a patch on the
    previous frame: Pillow composes GIF frames), its time in ms, and the loop count."""
    frames, durations = [], []
    for index in range(img.n_frames):
        img.seek(index)
        frame = img.convert("RGBA")
        frame.info = {key: value for key, value in img.info.items() if key != "transparency"}
        frames.append(frame)
        durations.append(int(img.info.get("duration") or DEFAULT_DURATION))
    img.seek(0)
    return frames, durations, int(img.info.get("loop", 0))


def _has_transparency(frames: list[Image.Image]) -> bool:
    return any(
        frame.mode == "RGBA" and frame.getchannel("A").getextrema()[0] < 255 for frame in frames
    )


def animation_to_bytes(
    frames: list[Image.Image],
    durations: list[int],
    loop: int,
    format: str,
    options: dict[str, Any],
    autoconvert: bool = True,
) -> io.BytesIO:
    """``frames`` saved as one animation in ``format`` with save ``options``."""
    fmt = normalize_format(format)
    rest = [autoconvert_for(frame, fmt) for frame in frames[1:]] if autoconvert else frames[1:]
    kwargs = dict(options)
    kwargs.update(save_all=True, append_images=rest, duration=durations, loop=loop)
    if fmt == "GIF" and _has_transparency(frames):
        # Each frame replaces the last: else a transparent pixel shows the frame before it.
        kwargs.setdefault("disposal", 2)
    elif fmt == "WEBP" and _has_transparency(frames):
        # libwebp crops frames to their opaque part and then leaves the file's alpha flag
        # unset: readers show the transparent area black. Key frames only keep the flag.
        kwargs.setdefault("kmax", 1)
    return image_to_bytes(frames[0], fmt, kwargs, autoconvert)

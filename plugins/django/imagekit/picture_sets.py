"""Picture sets from Django's side (``{% picture %}`` and the DRF field): the arguments as
templates and settings write them, the renditions through the tags' generators and memo."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ik_host.errors import IKError
from ik_pictures.pictures import PictureSet, picture_set
from imagekit.conf import settings
from imagekit.templatetags._generators import accepts_size, cache_file
from imagekit.templatetags._sizes import SizeError, check_options, check_size, parse_size, shown

DEFAULT_PICTURE_GENERATOR = "imagekit:picture"
_WORDS = re.compile(r"[\s,]+")


def django_picture_set(
    source: Any,
    size: Any,
    *,
    generator_id: str | None = None,
    widths: Any = None,
    formats: Any = None,
    sizes: str | None = None,
    placeholder: str | None = None,
    options: Mapping[str, Any] | None = None,
) -> PictureSet:
    """The picture set of ``source`` at ``size`` (``'640x480'``), each argument as a template
    writes it; ``options`` go to the generator (``anchor``, ``crop``, ``upscale``)."""
    generator_id = generator_id or DEFAULT_PICTURE_GENERATOR
    width, height = parse_size(size)
    options = dict(options or {})
    check_options(options, "picture")
    if isinstance(options.get("anchor"), str):  # a template's SafeString would hash apart
        options["anchor"] = options["anchor"][:]
    if not accepts_size(generator_id):
        raise SizeError(f"'picture' tag: {generator_id!r} makes one fixed size, not widths")
    try:
        return picture_set(
            source,
            width,
            height,
            generator=generator_id,
            widths=parse_widths(widths),
            formats=parse_formats(formats),
            options=options,
            sizes=sizes or None,
            placeholder=placeholder or None,
            make_file=lambda kwargs: cache_file(generator_id, kwargs),
        )
    except IKError:
        raise
    except (TypeError, ValueError) as exc:  # a generator refusing an option (an anchor)
        raise SizeError(f"'picture' tag: {exc}") from exc


def parse_widths(value: Any) -> list[int] | None:
    """``"320 640 960"`` (spaces or commas) or a list of numbers -> [320, 640, 960]; None
    leaves the default. Each within ``IMAGEKIT_MAX_THUMBNAIL_SIZE``."""
    if value is None or value == "":
        return None
    parts = _WORDS.split(value.strip()) if isinstance(value, str) else value
    if not isinstance(parts, (list, tuple)):
        parts = [parts]
    if not parts:
        return None
    widths = []
    for part in parts:
        text = str(part).removesuffix("w")
        if not (text.isascii() and text.isdigit()) or len(text) > 9 or int(text) < 1:
            raise SizeError(
                f"widths={shown(value)}: {shown(part)} is not a width; write pixel widths "
                'separated by spaces, e.g. widths="320 640 960"'
            )
        widths.append(int(text))
    check_size(max(widths), None, what=f"widths={shown(value)}")
    return widths


def parse_formats(value: Any) -> list[str]:
    """``"avif webp"`` or a list -> ["AVIF", "WEBP"]; None: ``IMAGEKIT_PICTURE_FORMATS``."""
    if value is None:
        value = settings.IMAGEKIT_PICTURE_FORMATS
    parts = _WORDS.split(value.strip()) if isinstance(value, str) else list(value)
    return [str(part).upper() for part in parts if part]

"""``{% picture %}``: a ``<picture>`` of AVIF and WebP sources by width, and an ``<img>`` in the
source's family, from ``ik_host.pictures``; each rendition is the cache file of a thumbnail
generator, made (or scheduled) through its strategy as any other."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.template import Context
from django.template.base import FilterExpression, Node, Parser, Token
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from ik_host.errors import IKError
from ik_host.pictures import Candidate, PictureSet, picture_set
from imagekit.conf import settings
from imagekit.templatetags._generators import accepts_size, cache_file
from imagekit.templatetags._sizes import (
    SizeError,
    check_options,
    check_size,
    parse_size,
    shown,
)
from imagekit.templatetags._syntax import TagArguments, literal, parse_tag

# The tag's own keywords; any other is passed to the generator (anchor, crop, upscale...).
PICTURE_KEYWORDS = ("widths", "formats", "sizes", "placeholder")
_RESERVED = ("source", "width", "height", "format")
_WORDS = re.compile(r"[\s,]+")


class PictureNode(Node):
    def __init__(
        self,
        args: TagArguments,
        generator_id: FilterExpression | None,
        size: FilterExpression,
        source: FilterExpression,
    ) -> None:
        self.generator_id = generator_id
        self.size = size
        self.source = source
        self.keywords = args.keywords
        self.html_attrs = args.html_attrs
        self.as_var = args.as_var

    def render(self, context: Context) -> str:
        pictures = self.picture_set(context)
        if self.as_var is not None:
            context[self.as_var] = pictures
            return ""
        attrs = {name: value.resolve(context) for name, value in self.html_attrs.items()}
        return picture_html(pictures, attrs)

    def picture_set(self, context: Context) -> PictureSet:
        generator_id = (
            self.generator_id.resolve(context) if self.generator_id else "imagekit:thumbnail"
        )
        width, height = parse_size(self.size.resolve(context))
        options = {name: value.resolve(context) for name, value in self.keywords.items()}
        asked = {name: options.pop(name, None) for name in PICTURE_KEYWORDS}
        check_options(options, "picture")
        for name in ("anchor",):  # a template's SafeString would hash apart from a plain str
            if isinstance(options.get(name), str):
                options[name] = options[name][:]
        if not accepts_size(generator_id):
            raise SizeError(f"'picture' tag: {generator_id!r} makes one fixed size, not widths")
        try:
            return picture_set(
                self.source.resolve(context),
                width,
                height,
                generator=generator_id,
                widths=parse_widths(asked["widths"]),
                formats=parse_formats(asked["formats"]),
                options=options,
                sizes=asked["sizes"] or None,
                placeholder=asked["placeholder"] or None,
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
    widths = []
    for part in parts:
        text = str(part).removesuffix("w")
        if not text.isdigit() or len(text) > 9 or int(text) < 1:
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


def picture_html(pictures: PictureSet, attrs: Mapping[str, Any]) -> SafeString:
    """``<picture>`` with a ``<source>`` per modern type that has a made rendition, then the
    ``<img>``; ``attrs`` (the tag's ``--`` attributes) go on the ``<img>``."""
    lazy = attrs.get("fetchpriority") != "high" and attrs.get("loading", "lazy") == "lazy"
    sizes = f"auto, {pictures.sizes}" if lazy else pictures.sizes
    parts = ["<picture>"]
    for mime, candidates in pictures.sources.items():
        if candidates:
            source = {"type": mime, "srcset": srcset(candidates), "sizes": sizes}
            parts.append(_element("source", {**source, **_size_of(pictures.img)}))
    parts.append(_element("img", img_attributes(pictures, attrs, sizes, lazy)))
    parts.append("</picture>")
    return mark_safe("".join(parts))


def img_attributes(
    pictures: PictureSet, attrs: Mapping[str, Any], sizes: str, lazy: bool
) -> dict[str, Any]:
    """The ``<img>``'s attributes: its rendition, the template's own, the placeholder behind."""
    img = {
        "src": pictures.img.url,
        "srcset": srcset(pictures.img_srcset),
        "sizes": sizes,
        **_size_of(pictures.img),
    }
    if lazy:
        img["loading"] = "lazy"
    img.update({name: value for name, value in attrs.items() if name != "style"})
    style = [f"background: {pictures.placeholder.css()}"] if pictures.placeholder else []
    if attrs.get("style"):
        style.append(str(attrs["style"]))
    if style:
        img["style"] = "; ".join(style)
    return img


def srcset(candidates: list[Candidate]) -> str:
    """``"/a.avif 320w, /b.avif 640w"``."""
    return ", ".join(f"{each.url} {each.width}w" for each in candidates)


def _size_of(candidate: Candidate) -> dict[str, int]:
    return {"width": candidate.width, "height": candidate.height}


def _element(tag: str, attrs: Mapping[str, Any]) -> str:
    # Escaped even when marked safe: a quote inside a template's literal would end the value.
    pairs = "".join(f' {escape(name)}="{escape(value)}"' for name, value in attrs.items())
    return f"<{tag}{pairs}>"


def picture(parser: Parser, token: Token) -> PictureNode:
    """``{% picture ['generator:id'] 'WxH' source [widths= formats= sizes= placeholder=
    anchor= crop=...] [-- attr=value...] [as var] %}``."""
    args = parse_tag(parser, token)
    if len(args.positional) not in (2, 3):
        raise args.error(
            "expects a size and a source, optionally preceded by a generator id: "
            "{% picture '640x480' source %} or {% picture 'myapp:gen' '640x480' source %}; "
            f"got {len(args.positional)} positional arguments"
        )
    for name in _RESERVED:
        if name in args.keywords:
            raise args.error(f"{name}= is set by the tag itself; remove it")
    generator_id = args.positional[0] if len(args.positional) == 3 else None
    size, source = args.positional[-2:]
    _check_literal(args, size, parse_size)
    if "widths" in args.keywords:
        _check_literal(args, args.keywords["widths"], parse_widths)
    return PictureNode(args, generator_id, size, source)


def _check_literal(args: TagArguments, expression: FilterExpression, parse: Any) -> None:
    value = literal(expression)
    if value is not None:
        try:
            parse(value)
        except SizeError as exc:
            raise args.error(str(exc)) from exc

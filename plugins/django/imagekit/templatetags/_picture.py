"""``{% picture %}``: a ``<picture>`` of AVIF and WebP sources by width, and an ``<img>`` in the
source's family, from ``ik_pictures.pictures``; each rendition is the cache file of a thumbnail
generator, made (or scheduled) through its strategy as any other."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.template import Context
from django.template.base import Parser, Token
from django.utils.safestring import SafeString, mark_safe

from ik_pictures.pictures import Candidate, PictureSet
from imagekit.picture_sets import django_picture_set, parse_widths
from imagekit.templatetags._html import attributes
from imagekit.templatetags._sizes import parse_size
from imagekit.templatetags._syntax import SourceSizeNode, TagArguments, parse_tag, resolve_all

# The tag's own keywords; any other is passed to the generator (anchor, crop, upscale...).
PICTURE_KEYWORDS = ("widths", "formats", "sizes", "placeholder")
_RESERVED = ("source", "width", "height", "format")


class PictureNode(SourceSizeNode):
    usage = "{% picture '640x480' source %} or {% picture 'myapp:gen' '640x480' source %}"

    def __init__(self, args: TagArguments) -> None:
        super().__init__(args)
        args.refuse_keywords(_RESERVED, "the tag itself")
        args.check_literal(self.size, parse_size)
        if "widths" in self.keywords:
            args.check_literal(self.keywords["widths"], parse_widths)

    def render(self, context: Context) -> str:
        pictures = self.picture_set(context)
        if self.as_var is not None:
            context[self.as_var] = pictures
            return ""
        return picture_html(pictures, resolve_all(self.html_attrs, context))

    def picture_set(self, context: Context) -> PictureSet:
        options = resolve_all(self.keywords, context)
        asked = {name: options.pop(name, None) for name in PICTURE_KEYWORDS}
        return django_picture_set(
            self.source.resolve(context),
            self.size.resolve(context),
            generator_id=self.generator_id.resolve(context) if self.generator_id else None,
            options=options,
            **asked,
        )


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
    return f"<{tag}{attributes(attrs)}>"


def picture(parser: Parser, token: Token) -> PictureNode:
    """``{% picture ['generator:id'] 'WxH' source [widths= formats= sizes= placeholder=
    anchor= crop=...] [-- attr=value...] [as var] %}``."""
    return PictureNode(parse_tag(parser, token))


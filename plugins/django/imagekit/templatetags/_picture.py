"""``{% picture %}``: a ``<picture>`` of AVIF and WebP sources by width, and an ``<img>`` in the
source's family, from ``ik_pictures.pictures``; each rendition is the cache file of a thumbnail
generator, made (or scheduled) through its strategy as any other."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.template import Context
from django.template.base import FilterExpression, Parser, Token
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from ik_pictures.pictures import Candidate, PictureSet
from imagekit.picture_sets import django_picture_set, parse_widths
from imagekit.templatetags._sizes import SizeError, parse_size
from imagekit.templatetags._syntax import SourceSizeNode, TagArguments, literal, parse_tag

# The tag's own keywords; any other is passed to the generator (anchor, crop, upscale...).
PICTURE_KEYWORDS = ("widths", "formats", "sizes", "placeholder")
_RESERVED = ("source", "width", "height", "format")


class PictureNode(SourceSizeNode):
    def render(self, context: Context) -> str:
        pictures = self.picture_set(context)
        if self.as_var is not None:
            context[self.as_var] = pictures
            return ""
        attrs = {name: value.resolve(context) for name, value in self.html_attrs.items()}
        return picture_html(pictures, attrs)

    def picture_set(self, context: Context) -> PictureSet:
        options = {name: value.resolve(context) for name, value in self.keywords.items()}
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

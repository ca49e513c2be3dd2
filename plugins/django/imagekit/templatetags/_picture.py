"""``{% picture %}``: a ``<picture>`` of AVIF and WebP sources by width, and an ``<img>`` in the
source's family, from ``ik_pictures.pictures``; each rendition is the cache file of a thumbnail
generator, made (or scheduled) through its strategy as any other."""

from __future__ import annotations

from django.template import Context
from django.template.base import Parser, Token
from django.utils.safestring import mark_safe

from ik_pictures.picture_markup import picture_html
from ik_pictures.pictures import PictureSet
from imagekit.picture_sets import django_picture_set, parse_widths
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
        return mark_safe(picture_html(pictures, resolve_all(self.html_attrs, context)))

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


def picture(parser: Parser, token: Token) -> PictureNode:
    """``{% picture ['generator:id'] 'WxH' source [widths= formats= sizes= placeholder=
    anchor= crop=...] [-- attr=value...] [as var] %}``."""
    return PictureNode(parse_tag(parser, token))


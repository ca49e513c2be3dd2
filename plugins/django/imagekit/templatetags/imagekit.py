"""``{% load imagekit %}``: the ``generateimage`` and ``thumbnail`` tags, and ``picture``
(``_picture``: a ``<picture>`` of AVIF and WebP widths, docs/picture.md).

::

    {% generateimage 'myapp:thumbnail' source=photo.original -- alt="Me" %}
    {% generateimage 'myapp:thumbnail' source=photo.original as th %}{{ th.url }}
    {% thumbnail '100x50' photo.original %}
    {% thumbnail 'myapp:other' 'x50' photo.original anchor='t' format='webp' srcset="1.5 2" %}

Both output ``<img width=".." height=".." src=".." />`` (after any attributes given after ``--``)
or, with ``as var``, put the cache file in the context and output nothing. The cache file is
created through its strategy, exactly as ``file.url`` would anywhere else.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django import template
from django.conf import settings as django_settings
from django.template import Context
from django.template.base import Parser, Token

from imagekit.templatetags._generators import cache_file, thumbnail_file
from imagekit.templatetags._html import output
from imagekit.templatetags._picture import picture
from imagekit.templatetags._sizes import (
    check_options,
    check_size,
    density_label,
    parse_densities,
    parse_size,
    scale,
)
from imagekit.templatetags._syntax import (
    SourceSizeNode,
    TagArguments,
    TagNode,
    parse_tag,
    resolve_all,
)

register = template.Library()
register.tag("picture", picture)

DEFAULT_THUMBNAIL_GENERATOR = "imagekit:thumbnail"
# Keywords the thumbnail tag fills in itself, from its positional arguments.
_THUMBNAIL_RESERVED = ("source", "width", "height")


# -- generateimage -------------------------------------------------------------------------------


class GenerateImageNode(TagNode):
    def __init__(self, args: TagArguments) -> None:
        if len(args.positional) != 1:
            raise args.error(
                f"expects one positional argument, the id of a registered generator (e.g. "
                f"'myapp:thumbnail'), then name=value arguments such as source=...; got "
                f"{len(args.positional)} positional arguments"
            )
        super().__init__(args)
        self.generator_id = args.positional[0]

    def render(self, context: Context) -> str:
        generator_id = self.generator_id.resolve(context)
        keywords = resolve_all(self.keywords, context)
        check_options(keywords, "generateimage")
        file = cache_file(generator_id, keywords)
        return output(context, file, self.as_var, resolve_all(self.html_attrs, context))


@register.tag
def generateimage(parser: Parser, token: Token) -> GenerateImageNode:
    """``{% generateimage 'id' name=value... [-- attr=value...] [as var] %}``."""
    return GenerateImageNode(parse_tag(parser, token))


# -- thumbnail -----------------------------------------------------------------------------------


class ThumbnailNode(SourceSizeNode):
    usage = "{% thumbnail '100x50' source %} or {% thumbnail 'myapp:gen' '100x50' source %}"

    def __init__(self, args: TagArguments) -> None:
        super().__init__(args)
        args.check_literal(self.size, parse_size)
        args.refuse_keywords(_THUMBNAIL_RESERVED, "the size and source arguments")
        self.srcset = self.keywords.pop("srcset", None)
        if self.srcset is not None:
            if self.as_var is not None:
                raise args.error(
                    "srcset= describes the <img> the tag outputs and cannot be combined with "
                    "'as'; assign each size with its own tag instead"
                )
            args.check_literal(self.srcset, parse_densities)

    def render(self, context: Context) -> str:
        generator_id = (
            self.generator_id.resolve(context) if self.generator_id else DEFAULT_THUMBNAIL_GENERATOR
        )
        width, height = parse_size(self.size.resolve(context))
        keywords = resolve_all(self.keywords, context)
        if keywords:  # most tags have none, and this is every warm render
            check_options(keywords, "thumbnail")
            _plain_strings(keywords)
        densities = None
        if self.srcset is not None:
            asked = self.srcset.resolve(context)
        else:  # None, the default: no srcset
            asked = getattr(django_settings, "IMAGEKIT_DEFAULT_THUMBNAIL_SRCSET_SCALES", None)
        if asked is not None and self.as_var is None:
            densities = parse_densities(asked)
            top = densities[-1]
            check_size(scale(width, top), scale(height, top), f"srcset density {top:g}x")
        at_density = functools.partial(
            thumbnail_file, generator_id, self.source.resolve(context), width, height, keywords
        )
        file = at_density()
        srcset = None if densities is None else _srcset(file, densities, at_density)
        return output(context, file, self.as_var, resolve_all(self.html_attrs, context), srcset)


def _plain_strings(keywords: dict[str, Any]) -> None:
    """A string literal in a template is a SafeString, which would hash as one: the anchor
    and format are made plain strings, as django-imagekit's tag makes them, so that the
    thumbnail's hash (its file's name) is django-imagekit's."""
    for name in ("anchor", "format"):
        value = keywords.get(name)
        if value and isinstance(value, str):
            keywords[name] = value[:]


def _srcset(file: Any, densities: list[float], at_density: Callable[[float], Any]) -> str:
    """``"/a.jpg 1x , /b.jpg 1.5x , /c.jpg 2.0x"`` (django-imagekit's spacing): ``file`` is the
    1x entry."""
    files = [(density, file if density == 1 else at_density(density)) for density in densities]
    return " , ".join(f"{each.url} {density_label(density)}" for density, each in files)


@register.tag
def thumbnail(parser: Parser, token: Token) -> ThumbnailNode:
    """``{% thumbnail ['generator:id'] 'WxH' source [name=value...] [-- attr=value...]
    [as var] %}``; ``srcset="1.5 2"`` adds a ``srcset`` for those pixel densities."""
    return ThumbnailNode(parse_tag(parser, token))


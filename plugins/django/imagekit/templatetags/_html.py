"""The ``<img>`` element the tags output, and the assignment form's context variable."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from django.template import Context
from django.utils.safestring import SafeString, mark_safe

from ik_pictures.picture_markup import attributes


def dimensions(file: Any) -> tuple[int, int]:
    """(width, height) of a cache file, from its recorded state when the backend has one.

    ``dimensions`` answers both from one state lookup; ``width``/``height`` are the Django File
    fallback for files that lack it.
    """
    both = getattr(file, "dimensions", None)
    if both is not None:
        return both
    return file.width, file.height


def img_tag(attrs: Mapping[str, Any]) -> SafeString:
    """``<img a="v" ... />`` with every name and value escaped, in the order given.

    Escaped even when marked safe: Django marks a template's string literals safe, yet a quote
    inside one would still end the attribute early. (Built with the standard library's
    ``html.escape``: Django's ``format_html`` costs more than the rest of a warm render.)
    """
    return mark_safe(f"<img{attributes(attrs)} />")


def output(
    context: Context,
    file: Any,
    as_var: str | None,
    attrs: Mapping[str, Any],
    srcset: str | None = None,
) -> str:
    """The tag's result: ``file`` stored as ``as_var`` (and nothing output), or an ``<img>``.

    Laid out as django-imagekit does: the template's own attributes in its order, then
    ``width`` and ``height`` (only when the template gives neither, so that giving one lets the
    browser scale in proportion), then ``src`` and ``srcset``, which the tag always sets.
    """
    if as_var is not None:
        context[as_var] = file
        return ""
    url = file.url  # asking for the URL makes the file exist, so ask before its size
    if not attrs and srcset is None:
        return _plain_img_tag(url, *dimensions(file))
    tag_attrs = dict(attrs)
    if "width" not in attrs and "height" not in attrs:
        tag_attrs["width"], tag_attrs["height"] = dimensions(file)
    tag_attrs["src"] = url
    if srcset is not None:
        tag_attrs["srcset"] = srcset
    return img_tag(tag_attrs)


@functools.lru_cache(maxsize=1024)  # a page renders the same few files over and over
def _plain_img_tag(src: Any, width: Any, height: Any) -> SafeString:
    return img_tag({"width": width, "height": height, "src": src})

"""A picture set as HTML: ``<picture>`` with a ``<source>`` per modern type that has a made
rendition, then the ``<img>`` in the source's family, its placeholder behind it. Every
framework's tag renders it this way (Django's ``{% picture %}`` marks the result safe)."""

from __future__ import annotations

import functools
import html
from collections.abc import Mapping
from typing import Any

from ik_pictures.pictures import Candidate, PictureSet


def picture_html(pictures: PictureSet, attrs: Mapping[str, Any] | None = None) -> str:
    """The ``<picture>`` element; ``attrs`` (a template's own attributes) go on the ``<img>``.
    The ``<img>`` is lazy unless ``fetchpriority="high"`` or another ``loading`` is given."""
    attrs = attrs or {}
    lazy = attrs.get("fetchpriority") != "high" and attrs.get("loading", "lazy") == "lazy"
    sizes = f"auto, {pictures.sizes}" if lazy else pictures.sizes
    parts = ["<picture>"]
    for mime, candidates in pictures.sources.items():
        if candidates:
            source = {"type": mime, "srcset": srcset(candidates), "sizes": sizes}
            parts.append(_element("source", {**source, **_size_of(pictures.img)}))
    parts.append(_element("img", img_attributes(pictures, attrs, sizes, lazy)))
    parts.append("</picture>")
    return "".join(parts)


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


def attributes(attrs: Mapping[str, Any]) -> str:
    """`` a="v" b="w"``, every name and value escaped, in the order given. Escaped even when a
    framework marked a value safe: a quote inside a template's literal would still end the
    attribute early."""
    return "".join(f' {_escaped_name(name)}="{_escaped(value)}"' for name, value in attrs.items())


@functools.lru_cache(maxsize=256)  # a few names, written in templates
def _escaped_name(name: Any) -> str:
    return html.escape(str(name))


def _escaped(value: Any) -> str:
    if type(value) is int:  # width and height: digits need no escaping
        return str(value)
    return html.escape(str(value))


def _size_of(candidate: Candidate) -> dict[str, int]:
    return {"width": candidate.width, "height": candidate.height}


def _element(tag: str, attrs: Mapping[str, Any]) -> str:
    return f"<{tag}{attributes(attrs)}>"

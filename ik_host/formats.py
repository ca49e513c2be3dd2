"""Image formats by name (extensions, MIME types) without an image library: the engines'
``ik_image_formats`` answers, gathered once per plugin manager state."""

from __future__ import annotations

import functools
import os
from typing import NamedTuple

from ik_host.errors import UnknownExtension, UnknownFormat
from ik_host.plugins import IKPluginManager, get_plugin_manager


class ImageFormat(NamedTuple):
    """A format an engine reads or writes (the ``ik_image_formats`` hook)."""

    name: str
    extensions: tuple[str, ...]
    writable: bool
    mimetype: str | None = None


_ALIASES = {"JPG": "JPEG", "TIF": "TIFF"}


class _Table:
    def __init__(self, pm: IKPluginManager) -> None:
        self._ask = pm.hook.ik_image_formats
        self.refresh()

    def refresh(self) -> None:
        by_name: dict[str, ImageFormat] = {}
        for answer in self._ask():
            for found in answer or ():
                name = found.name.upper()
                extensions = tuple(extension.lower() for extension in found.extensions)
                by_name.setdefault(name, found._replace(name=name, extensions=extensions))
        by_extension: dict[str, ImageFormat] = {}
        for found in by_name.values():
            for extension in found.extensions:
                by_extension.setdefault(extension, found)
        self.by_name, self.by_extension = by_name, by_extension

    def find(self, key: str, extension: bool = False) -> ImageFormat | None:
        known = (self.by_extension if extension else self.by_name).get(key)
        if known is None:
            # An image library learns formats while the process runs, unseen by the plugin
            # manager (pillow_heif.register_heif_opener()): a miss asks the engines again.
            self.refresh()
            known = (self.by_extension if extension else self.by_name).get(key)
        return known


@functools.lru_cache(maxsize=4)
def _table_for(pm: IKPluginManager, generation: int) -> _Table:
    return _Table(pm)


def _table() -> _Table:
    pm = get_plugin_manager()
    return _table_for(pm, pm.generation)


def _writable(format: str) -> ImageFormat:
    upper = format.upper()
    upper = _ALIASES.get(upper, upper)
    known = _table().find(upper)
    if known is None or not known.writable:
        raise UnknownFormat(f"unknown or unwritable image format {format!r}")
    return known


def normalize_format(format: str) -> str:
    """``'jpg'`` -> ``'JPEG'``; raises ``UnknownFormat`` for a format that cannot be written."""
    return _writable(format).name


def extension_to_format(extension: str) -> str:
    """``'.jpg'`` (or ``'jpg'``) -> ``'JPEG'``."""
    ext = extension.lower()
    if not ext.startswith("."):
        ext = "." + ext
    known = _table().find(ext, extension=True)
    if known is None:
        raise UnknownExtension(f"no image format is known for the extension {extension!r}")
    return known.name


def format_to_extension(format: str) -> str:
    """``'JPEG'`` -> ``'.jpg'``."""
    extensions = _writable(format).extensions
    if not extensions:
        raise UnknownFormat(f"no file extension is known for the format {format!r}")
    return extensions[0]


def format_to_mimetype(format: str) -> str:
    """``'JPEG'`` -> ``'image/jpeg'``; ``application/octet-stream`` when none is known."""
    return _writable(format).mimetype or "application/octet-stream"


def _format_of(extension: str) -> str | None:
    """The format of an image ``extension``; None for no extension or an unknown one."""
    if not extension:
        return None
    try:
        return extension_to_format(extension)
    except UnknownExtension:
        return None


def suggest_extension(name: str | None, format: str | None) -> str:
    """The extension for a file in ``format``, keeping ``name``'s own if it already fits."""
    original = os.path.splitext(name or "")[1].lower()
    if not format:
        # Kept only when it is an image extension: a source's name may be anything at all.
        return original if _format_of(original) else ""
    fmt = normalize_format(format)
    return original if _format_of(original) == fmt else format_to_extension(fmt)

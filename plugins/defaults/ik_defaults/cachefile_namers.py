"""The three cache-file namers. Each takes a generator and returns a storage-relative name.

With source ``photos/thumbnails/bulldog.jpg`` and the default directory:
- ``hash``: ``CACHE/images/<hash>.jpg`` (the extension is the format's; none without a format)
- ``source_name_as_path``: ``CACHE/images/photos/thumbnails/bulldog/<hash>.jpg``
- ``source_name_dot_hash``: ``CACHE/images/photos/thumbnails/bulldog.<first 12 of hash>.jpg``

The names are django-imagekit 6.1.1's, character for character (with its hashes, see
``ik_host.hashing``), so a site that switches finds its cache files where they are. A source
with an absolute name (a file outside any storage) has its cache file directly in the
directory: a server's directory names are not published in URLs. A name that would leave the
directory (``../`` in a source name) is refused with ``UnsafePathError``. A name no storage
could hold (control characters, backslashes, a segment over 255 bytes), where django-imagekit's
storage would fail, is made from a cleaned source name instead.

A name depends only on the directory, the source name, the hash and the format, so it is
computed once per combination (on a warm page the same names are asked for again and again).
"""

from __future__ import annotations

import functools
import posixpath
import unicodedata
from typing import Any

from ik_host.config import get_config
from ik_host.errors import MissingSource, UnknownExtension, UnknownFormat
from ik_host.formats import extension_to_format, format_to_extension, suggest_extension
from ik_host.paths import join_inside, safe_relative_name
from ik_host.paths import source_name as name_of


def _inputs(generator: Any) -> tuple[str, str | None, str, str | None]:
    source = getattr(generator, "source", None)
    source_name = name_of(source) if source is not None else None
    return (
        get_config().cachefile_dir,
        source_name,
        generator.get_hash(),
        getattr(generator, "format", None),
    )


def extension_for(source_name: str, format: str | None) -> str:
    """The extension of a cache file of ``source_name`` saved as ``format``, as pilkit picks it.

    The source's own extension, spelled as it is, when the format is unknown or None or when
    the extension means that format (``.JPEG`` for JPEG); else the format's usual extension.
    """
    original = posixpath.splitext(source_name)[1]
    if not format:
        return original
    try:
        suggested = format_to_extension(format)
    except UnknownFormat:
        return original
    if suggested.lower() == original.lower():
        return original
    try:
        original_format = extension_to_format(original)
    except UnknownExtension:
        return suggested
    return original if format.lower() == original_format.lower() else suggested


# Longest name a file system stores in one path segment.
MAX_SEGMENT_BYTES = 255
# Longest name kept as django-imagekit makes it; far below any file system's path limit.
MAX_NAME_BYTES = 1024


def _parts(namer: str, source_name: str | None, digest: str, ext: str) -> list[str]:
    """The name's parts under the directory, as django-imagekit composes them."""
    # No name, or an absolute one (a file outside any storage): straight into the directory.
    inside = source_name is not None and not posixpath.isabs(source_name)
    name = source_name or ""
    if namer == "source_name_as_path":
        return [posixpath.splitext(name)[0], digest + ext] if inside else [digest + ext]
    file_name = f"{posixpath.splitext(posixpath.basename(name))[0]}.{digest[:12]}{ext}"
    return [posixpath.dirname(name), file_name] if inside else [file_name]


def _storable(name: str) -> bool:
    """Whether a storage can hold ``name`` as it is, on any system: no control characters or
    backslashes (a path separator on Windows), no segment or whole too long."""
    if "\\" in name:
        return False
    # A printable name has no control character or lone surrogate; only others are read closely.
    if not name.isprintable() and any(unicodedata.category(ch) in ("Cc", "Cs") for ch in name):
        return False
    if len(name.encode("utf-8")) > MAX_NAME_BYTES:
        return False
    return all(len(part.encode("utf-8")) <= MAX_SEGMENT_BYTES for part in name.split("/"))


def _safe_source_name(source_name: str) -> str:
    if posixpath.isabs(source_name):
        source_name = posixpath.basename(source_name)
    return safe_relative_name(source_name) or "unnamed"


@functools.lru_cache(maxsize=8192)
def _name(
    namer: str, directory: str, source_name: str | None, digest: str, format: str | None
) -> str:
    if namer == "hash":
        return join_inside(directory, digest + (format_to_extension(format) if format else ""))
    if namer == "source_name_dot_hash" and source_name is None:
        raise MissingSource(f"the {namer} namer needs a named source to name a file after")
    ext = extension_for(source_name or "", format)
    name = join_inside(directory, *_parts(namer, source_name, digest, ext))
    if _storable(name):
        return name
    # django-imagekit's name could not be stored (its storage would fail): a safe one instead.
    safe = _safe_source_name(source_name or "")
    return join_inside(directory, *_parts(namer, safe, digest, suggest_extension(safe, format)))


def hash(generator: Any) -> str:
    return _name("hash", *_inputs(generator))


def source_name_as_path(generator: Any) -> str:
    return _name("source_name_as_path", *_inputs(generator))


def source_name_dot_hash(generator: Any) -> str:
    return _name("source_name_dot_hash", *_inputs(generator))

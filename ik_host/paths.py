"""Names: every cache file lands inside the cache-file directory, and every source has the name
it is known by."""

from __future__ import annotations

import hashlib
import os
import posixpath
import unicodedata
from typing import Any

from ik_host.errors import UnsafePathError

# Longest path segment kept as it is; file systems refuse segments over 255 bytes.
MAX_SEGMENT_BYTES = 100
# Longest relative name kept as it is (before the cache directory and the file name are added):
# deep paths are cut short, ending in a digest of the whole, so they stay apart.
MAX_NAME_BYTES = 200


def _clean_segment(segment: str) -> str:
    segment = "".join(ch for ch in segment if unicodedata.category(ch)[0] != "C")
    segment = segment.strip().strip(".")
    encoded = segment.encode("utf-8", "replace")
    if len(encoded) > MAX_SEGMENT_BYTES:
        digest = hashlib.blake2b(encoded, digest_size=6).hexdigest()
        segment = encoded[: MAX_SEGMENT_BYTES - 13].decode("utf-8", "ignore") + "-" + digest
    return segment


def safe_relative_name(name: str) -> str:
    """``name`` as a relative path: no ``..``, no absolute start, no control characters."""
    parts = name.replace("\\", "/").replace(":", "").split("/")
    cleaned = [_clean_segment(part) for part in parts if part not in ("", ".", "..")]
    cleaned = [part for part in cleaned if part]
    joined = "/".join(cleaned)
    if len(joined.encode("utf-8", "replace")) <= MAX_NAME_BYTES:
        return joined
    digest = hashlib.blake2b(joined.encode("utf-8", "replace"), digest_size=6).hexdigest()
    kept: list[str] = []
    used = len(digest)
    for part in cleaned:
        used += len(part.encode("utf-8", "replace")) + 1
        if used > MAX_NAME_BYTES:
            break
        kept.append(part)
    return "/".join([*kept, digest])


def join_inside(directory: str, *names: str) -> str:
    """``directory/name...``, refusing any result that is not inside ``directory``."""
    base = posixpath.normpath(directory.replace("\\", "/"))
    joined = posixpath.normpath(posixpath.join(base, *names))
    if base not in (".", "") and not joined.startswith(base.rstrip("/") + "/"):
        raise UnsafePathError(f"{'/'.join(names)!r} would leave the directory {directory!r}")
    if base in (".", "") and (joined.startswith("../") or joined == ".." or joined.startswith("/")):
        raise UnsafePathError(f"{'/'.join(names)!r} would leave the current directory")
    return joined


def source_name(source: Any) -> str | None:
    """The file name a source is known by (its storage-relative name, or a path), for messages
    and cache-file names."""
    if isinstance(source, (str, os.PathLike)):
        return os.fspath(source)
    name = getattr(source, "name", None)
    return name if isinstance(name, str) else None


def source_key(source: Any, name: str | None) -> tuple[Any, ...] | None:
    """What tells one source from another: its name in its storage (two file objects for one
    stored file are the same source), a path, or else the object itself."""
    if source is None or not name:
        return None
    if isinstance(source, (str, os.PathLike)):
        return ("path", os.fspath(source))
    storage = getattr(source, "storage", None)
    return ("stored", id(storage), name) if storage is not None else ("object", id(source))

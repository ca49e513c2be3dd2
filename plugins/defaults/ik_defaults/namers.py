"""The three cache-file namers. Each takes a generator and returns a storage-relative name.

With source ``photos/thumbnails/bulldog.jpg`` and the default directory:
- ``hash``: ``CACHE/images/<hash>.jpg`` (for generators with or without a source)
- ``source_name_as_path``: ``CACHE/images/photos/thumbnails/bulldog/<hash>.jpg``
- ``source_name_dot_hash``: ``CACHE/images/photos/thumbnails/bulldog.<first 12 of hash>.jpg``

A name depends only on the directory, the source name, the hash and the format, so it is
computed once per combination (on a warm page the same names are asked for again and again).
"""

from __future__ import annotations

import functools
import os
from typing import Any

from ik_host.config import get_config
from ik_host.errors import MissingSource
from ik_host.imageio import source_name as name_of
from ik_host.imageio import suggest_extension
from ik_host.paths import join_inside, safe_relative_name


def _inputs(generator: Any) -> tuple[str, str | None, str, str | None]:
    source = getattr(generator, "source", None)
    source_name = name_of(source) if source is not None else None
    return (
        get_config().cachefile_dir,
        source_name,
        generator.get_hash(),
        getattr(generator, "format", None),
    )


def _stem(source_name: str | None, namer: str) -> str:
    if not source_name:
        raise MissingSource(f"the {namer} namer needs a named source to name a file after")
    return safe_relative_name(os.path.splitext(source_name)[0]) or "unnamed"


@functools.lru_cache(maxsize=8192)
def _name(
    namer: str, directory: str, source_name: str | None, digest: str, format: str | None
) -> str:
    ext = suggest_extension(source_name or "", format)
    if namer == "hash":
        return join_inside(directory, digest + ext)
    stem = _stem(source_name, namer)
    if namer == "source_name_as_path":
        return join_inside(directory, stem, digest + ext)
    return join_inside(directory, f"{stem}.{digest[:12]}{ext}")


def hash(generator: Any) -> str:
    return _name("hash", *_inputs(generator))


def source_name_as_path(generator: Any) -> str:
    return _name("source_name_as_path", *_inputs(generator))


def source_name_dot_hash(generator: Any) -> str:
    return _name("source_name_dot_hash", *_inputs(generator))

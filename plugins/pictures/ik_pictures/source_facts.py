"""What a picture needs to know of its source before anything is decoded: its size, its format,
whether it may be transparent and its EXIF orientation, from the size the source declares and
its header (``ik_processors_pilkit.image_headers``)."""

from __future__ import annotations

import io
import os
from dataclasses import dataclass, replace
from typing import IO, Any

from ik_host.components import get_engine
from ik_host.errors import SourceImageError, SourceNotFound, UnknownExtension
from ik_host.formats import extension_to_format
from ik_host.memo import ClearingMemo
from ik_host.paths import source_key, source_name
from ik_processors_pilkit.image_headers import ImageHeader


@dataclass(frozen=True)
class SourceFacts:
    """A source's size in pixels as stored, its format (None: not told), whether it may have
    alpha, and its EXIF orientation (1: upright as stored; 5 to 8 turn it a quarter)."""

    width: int
    height: int
    format: str | None
    alpha: bool
    orientation: int = 1

    def upright_size(self) -> tuple[int, int]:
        """The size once turned upright by its EXIF orientation."""
        if self.orientation in (5, 6, 7, 8):
            return self.height, self.width
        return self.width, self.height


# By source (its storage and name): a page renders the same sources each request.
_KNOWN: ClearingMemo[SourceFacts] = ClearingMemo(4096)


def source_facts(
    source: Any, size: tuple[int, int] | None = None, engine: Any = None
) -> SourceFacts:
    """The facts of ``source``; ``size`` when the caller knows it, else the source's own
    ``width``/``height``, else its header. Raises ``SourceImageError`` naming the source."""
    name = source_name(source)
    key = source_key(source, name)
    if key is not None and key[0] == "object":
        key = None  # an object's id is reused once it is freed: not a lasting key
    known = _KNOWN.get(key) if key is not None else None
    if known is None:
        size = size or _declared_size(source)
        known = _read_facts(source, name, size, engine)
        if key is not None:
            _KNOWN.keep(key, known)
    elif size is not None and size != (known.width, known.height):
        known = replace(known, width=size[0], height=size[1])
    return known


def forget_source_facts(source: Any = None) -> None:
    """Drop what ``source_facts`` remembers of ``source`` (one replaced under the same name),
    or of every source."""
    if source is None:
        _KNOWN.clear()
    else:
        _KNOWN.pop(source_key(source, source_name(source)), None)


def _declared_size(source: Any) -> tuple[int, int] | None:
    # A Django image field's file knows its size (from the model's columns when it has them).
    try:
        width, height = source.width, source.height
    except Exception:  # no such attributes, or a file that cannot tell
        return None
    if type(width) is int and type(height) is int and width > 0 and height > 0:
        return width, height
    return None


def _read_facts(
    source: Any, name: str | None, size: tuple[int, int] | None, engine: Any
) -> SourceFacts:
    stream, owned = _stream(source, name)
    try:
        header = ImageHeader(stream)
        format = header.format() or _format_of_name(name)
        alpha = header.may_have_alpha(format)
        orientation = header.orientation() if format == "JPEG" else 1
        stream.seek(0)
        if size is None:
            size = get_engine(engine).image_size(stream, name=name)
            stream.seek(0)
    except SourceImageError:
        raise
    except (OSError, ValueError) as exc:
        raise SourceImageError(name, f"its header cannot be read: {exc}") from exc
    finally:
        if owned:
            stream.close()
    return SourceFacts(size[0], size[1], format, alpha, orientation)


def _stream(source: Any, name: str | None) -> tuple[IO[bytes], bool]:
    """A readable stream at the source's start, and whether it is ours to close: one opened
    here, a closed Django File reopened here included (it is left closed, as it was found)."""
    try:
        if isinstance(source, (str, os.PathLike)):
            return open(source, "rb"), True
        if isinstance(source, (bytes, bytearray, memoryview)):
            return io.BytesIO(source), True
        if getattr(source, "closed", False) and hasattr(source, "open"):
            source.open("rb")  # reopens through its storage
            return source, True
        source.seek(0)
        return source, False
    except FileNotFoundError as exc:
        raise SourceNotFound(name, f"cannot be read, it does not exist ({exc})") from exc
    except OSError as exc:
        raise SourceImageError(name, f"it cannot be opened: {exc}") from exc


def _format_of_name(name: str | None) -> str | None:
    try:
        return extension_to_format(os.path.splitext(name or "")[1]) if name else None
    except UnknownExtension:
        return None

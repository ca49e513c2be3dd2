"""What an upload needs from the content it is given: a readable stream and a content type.

Content is never spooled to disk: a generated image is already in memory and goes up as it is.
"""

from __future__ import annotations

import io
import posixpath
from typing import IO, Any

from ik_host.errors import UnknownExtension, UnknownFormat
from ik_host.formats import extension_to_format, format_to_mimetype

FALLBACK_CONTENT_TYPE = "application/octet-stream"


def content_type_for(name: str, content: Any) -> str:
    """The MIME type of ``content``: from its output format when it knows one (a generated
    image does), else from the extension of ``name``, through the host's one format table."""
    candidates = []
    declared = getattr(content, "format", None)
    if isinstance(declared, str) and declared:
        candidates.append(lambda: format_to_mimetype(declared))
    extension = posixpath.splitext(name)[1]
    if extension:
        candidates.append(lambda: format_to_mimetype(extension_to_format(extension)))
    for candidate in candidates:
        try:
            return candidate()
        except (UnknownFormat, UnknownExtension):
            continue
    return FALLBACK_CONTENT_TYPE


def readable(content: Any) -> tuple[IO[bytes], int]:
    """A binary stream over ``content`` from its start, and its length in bytes.

    Takes bytes, a seekable file-like object (a ``BytesIO``, a Django ``File``) or anything
    with ``chunks()``; only content that cannot seek is gathered into memory first.
    """
    if isinstance(content, (bytes, bytearray, memoryview)):
        content = io.BytesIO(content)
    elif not hasattr(content, "read") and hasattr(content, "chunks"):
        content = io.BytesIO(b"".join(content.chunks()))
    seekable = getattr(content, "seekable", None)
    if not callable(seekable) or not seekable():
        content = io.BytesIO(content.read())
    end = content.seek(0, io.SEEK_END)
    content.seek(0)
    return content, end

"""A local-filesystem storage whose files appear only complete.

It has the methods the host needs of any storage (``exists/open/save/url/path/delete/size``),
with Django's signatures, so code written for one works with the other.
"""

from __future__ import annotations

import os
import tempfile
from typing import IO, Any
from urllib.parse import quote

from ik_host.paths import join_inside


def _chunks(content: Any) -> Any:
    if hasattr(content, "chunks"):
        yield from content.chunks()
        return
    if isinstance(content, (bytes, bytearray)):
        yield bytes(content)
        return
    if hasattr(content, "seek"):
        content.seek(0)
    while chunk := content.read(64 * 1024):
        yield chunk


class FileSystemStorage:
    """Files under ``location`` (default ``$IK_MEDIA_ROOT``, else ``./media``) at ``base_url``."""

    def __init__(self, location: str | None = None, base_url: str | None = None) -> None:
        self.location = os.path.abspath(location or os.environ.get("IK_MEDIA_ROOT", "media"))
        self.base_url = base_url or os.environ.get("IK_MEDIA_URL", "/media/")
        if not self.base_url.endswith("/"):
            self.base_url += "/"

    def path(self, name: str) -> str:
        return join_inside(self.location, name)

    def exists(self, name: str) -> bool:
        return os.path.exists(self.path(name))

    def open(self, name: str, mode: str = "rb") -> IO[Any]:
        return open(self.path(name), mode)

    def save(self, name: str, content: Any, max_length: int | None = None) -> str:
        """Write to a temporary file beside the target, then rename: readers never see a part."""
        path = self.path(name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        fd, temp_path = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".ik-", suffix=".part")
        try:
            with os.fdopen(fd, "wb") as handle:
                for chunk in _chunks(content):
                    handle.write(chunk)
            os.chmod(temp_path, 0o644)
            os.replace(temp_path, path)
        except BaseException:
            if os.path.exists(temp_path):
                os.unlink(temp_path)
            raise
        return name

    def delete(self, name: str) -> None:
        try:
            os.remove(self.path(name))
        except FileNotFoundError:
            pass

    def size(self, name: str) -> int:
        return os.path.getsize(self.path(name))

    def url(self, name: str) -> str:
        return self.base_url + quote(name.replace("\\", "/").lstrip("/"))

    def __repr__(self) -> str:
        return f"<FileSystemStorage {self.location}>"

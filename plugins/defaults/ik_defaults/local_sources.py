"""Files on this machine's disk as payload sources (``ik_host.payloads``): described as
``{"path", "name"}`` and reopened from the path, lazily.

The defaults answer ``ik_describe_source`` and ``ik_open_source`` with these last
(``trylast``), so a plugin that knows more about a file (the Django app: the model row it
belongs to, the storage it lives in) describes it first. A worker of another machine can open
such a path only where the disk is shared.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import IO, Any

from ik_host.paths import source_name


def describe_local(source: Any) -> dict[str, Any] | None:
    """``{"path", "name"}`` for a path, or a file object whose file is on this machine's disk;
    None for anything else. ``"name"`` is the name the source is known by, the path as given."""
    if isinstance(source, (str, os.PathLike)):
        path = os.fspath(source)
        return {"path": os.path.abspath(path), "name": path}
    name = source_name(source)
    if not name:
        return None
    local = local_path(source, name)
    return None if local is None else {"path": local, "name": name}


def local_path(source: Any, name: str) -> str | None:
    """The absolute path of ``source`` (known as ``name``) on this machine's disk, if it is a
    file there: its storage's path for the name, the name itself, or its open file's name."""
    storage = getattr(source, "storage", None)
    if storage is not None:
        try:
            path = storage.path(name)
        except (AttributeError, NotImplementedError):
            path = None
        if path is not None and os.path.isfile(path):
            return os.path.abspath(path)
    # Only a plain attribute: on a Django FieldFile, ``file`` is a property that opens the file.
    inner = getattr(getattr(source, "__dict__", {}).get("file"), "name", None)
    for candidate in (name, inner if isinstance(inner, str) else None):
        if candidate and os.path.isfile(candidate):
            return os.path.abspath(candidate)
    return None


def open_local(ref: Mapping[str, Any]) -> LazySource | None:
    """The file a ``{"path", "name"}`` reference names, opened when first read; None for a
    reference of another kind."""
    if "path" not in ref:
        return None
    path = ref["path"]
    return LazySource(ref["name"], lambda: open(path, "rb"))


class LazySource:
    """A source known by the name the requester used, opened (by ``opener``) only when read.

    A binary file-like object: ``open()`` (re)opens it; reads, seeks and the rest of the file
    API (``readline``, ``readinto``...) go to the open file, opening it first.
    """

    def __init__(self, name: str, opener: Callable[[], IO[bytes]]) -> None:
        self.name = name
        self.file: IO[bytes] | None = None
        self._opener = opener

    @property
    def closed(self) -> bool:
        return self.file is None or self.file.closed

    def open(self, mode: str = "rb") -> LazySource:
        if self.closed:
            self.file = self._opener()
        else:
            self.seek(0)
        return self

    def _opened(self) -> IO[bytes]:
        if self.closed:
            self.open()
        assert self.file is not None  # opened just above
        return self.file

    def read(self, size: int = -1) -> bytes:
        return self._opened().read(size)

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        return self._opened().seek(offset, whence)

    def tell(self) -> int:
        return self._opened().tell()

    def seekable(self) -> bool:
        return self._opened().seekable()

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):  # copy and pickle probe before __init__ has run
            raise AttributeError(name)
        return getattr(self._opened(), name)

    def close(self) -> None:
        if self.file is not None:
            self.file.close()
            self.file = None

    def __enter__(self) -> LazySource:
        return self.open()

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<LazySource {self.name!r}>"


__all__ = ["LazySource", "describe_local", "local_path", "open_local"]

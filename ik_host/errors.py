"""The exceptions the host raises. Every one derives from ``IKError``."""

from __future__ import annotations


class IKError(Exception):
    """Base class of every error this project raises on purpose."""


class PluginLoadError(IKError):
    """An ``ik_host`` entry point could not be imported or registered."""


class UnknownComponentError(IKError, LookupError):
    """A name (short or dotted) resolves to no registered component."""


class DuplicateComponentError(IKError):
    """Two plugins register different objects under the same name."""


class SourceImageError(IKError, ValueError, OSError):
    """A source cannot be used as an image (unreadable, truncated, too large, not an image); an
    ``OSError`` as Pillow's is, so django-imagekit code's ``except OSError`` still catches it."""

    def __init__(self, name: str | None, cause: str) -> None:
        self.name = name or "<unnamed>"
        self.cause = cause
        super().__init__(f"cannot use {self.name!r} as a source image: {cause}")


class SourceNotFound(SourceImageError, FileNotFoundError):
    """A source file does not exist: a ``FileNotFoundError``, as django-imagekit raises."""


class SourceTooLarge(SourceImageError):
    """A source is over a configured limit (pixels, bytes or frames)."""


class UnknownFormat(IKError, ValueError):
    """No image format is known under that name."""


class UnknownExtension(IKError, ValueError):
    """No image format is known for that file extension."""


class CacheFileError(IKError):
    """Generating or storing a cache file failed; the message names the file and the cause."""


class UnsafePathError(IKError, ValueError):
    """A name would place a file outside the directory it must stay in."""


class ProcessingError(IKError):
    """A processor failed on a source; the message names the source and the processor."""


class EncodingError(ProcessingError):
    """The processed image could not be saved in the output format; names the source and format."""


class MissingSource(IKError, ValueError):
    """A spec needs a source (for its cache-file name or to generate) and has none."""


class AlreadyRegistered(IKError):
    """A generator id is taken by another generator."""


class NotRegistered(IKError, LookupError):
    """No generator (or source group) is registered under that id."""


class PictureError(IKError, ValueError):
    """A picture set cannot be made as asked (no width to start from, a width that is not a
    number of pixels); the message says what is expected."""

"""The exceptions django-imagekit code catches, under their django-imagekit names.

They are the host's own classes (the generator registry is the host's), so each is caught under
either name, and all derive from ``ik_host.errors.IKError``.
"""

from __future__ import annotations

from ik_host.errors import (
    AlreadyRegistered,
    CacheFileError,
    IKError,
    MissingSource,
    NotRegistered,
    SourceImageError,
    UnknownComponentError,
    UnknownExtension,
    UnknownFormat,
)


class MissingGeneratorId(IKError):
    """A spec host was asked for its spec before it was given an id."""


__all__ = [
    "AlreadyRegistered",
    "CacheFileError",
    "IKError",
    "MissingGeneratorId",
    "MissingSource",
    "NotRegistered",
    "SourceImageError",
    "UnknownComponentError",
    "UnknownExtension",
    "UnknownFormat",
]

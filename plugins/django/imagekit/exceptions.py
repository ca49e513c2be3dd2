"""The exceptions django-imagekit code catches, under their django-imagekit names.

Everything the host raises derives from ``ik_host.errors.IKError``; the registry errors below do
too, so one ``except IKError`` covers this app as well.
"""

from __future__ import annotations

from ik_host.errors import (
    CacheFileError,
    IKError,
    MissingSource,
    SourceImageError,
    UnknownComponentError,
    UnknownExtension,
    UnknownFormat,
)


class AlreadyRegistered(IKError):
    """A generator id is taken by another generator."""


class NotRegistered(IKError, LookupError):
    """No generator (or source group) is registered under that id."""


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

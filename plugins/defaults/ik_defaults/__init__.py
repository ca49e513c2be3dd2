"""The default plugin: the JustInTime strategy, the Simple backend, the three namers, a local
filesystem storage and an in-process state cache."""

from ik_defaults.cached_backends import CachedFileBackend, Simple
from ik_defaults.cachefile_namers import hash, source_name_as_path, source_name_dot_hash
from ik_defaults.filesystem_storage import FileSystemStorage
from ik_defaults.justintime import JustInTime
from ik_defaults.statecache import MemoryStateCache

__all__ = [
    "CachedFileBackend",
    "FileSystemStorage",
    "JustInTime",
    "MemoryStateCache",
    "Simple",
    "hash",
    "source_name_as_path",
    "source_name_dot_hash",
]

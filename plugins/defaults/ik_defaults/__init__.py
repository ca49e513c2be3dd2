"""The default plugin: the JustInTime strategy, the Simple backend, the three namers, a local
filesystem storage and an in-process state cache."""

from ik_defaults.backends import CachedFileBackend, Simple
from ik_defaults.namers import hash, source_name_as_path, source_name_dot_hash
from ik_defaults.statecache import MemoryStateCache
from ik_defaults.storage import FileSystemStorage
from ik_defaults.strategies import JustInTime

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

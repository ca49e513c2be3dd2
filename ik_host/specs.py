"""The generator/spec protocol: a *generator* has ``generate()`` and ``get_hash()``; a *spec* is
one made from a source by processors, saved in a format with options. A ``None`` component on
a spec means "the configured default"."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Hashable
from typing import Any

from ik_host.components import get_engine, get_namer
from ik_host.config import get_config
from ik_host.errors import MissingSource
from ik_host.hashing import named_spec_hash, spec_hash
from ik_host.memo import ClearingMemo, Identity
from ik_host.paths import source_name
from ik_host.placeholders import wanted_placeholder
from ik_host.records import GeneratedImage, Job

# The attributes a spec's hash is made of, besides the source name.
SHAPING_ATTRIBUTES = ("processors", "format", "options", "autoconvert")


@functools.cache
def _shaped_by_class_attributes(cls: type) -> bool:
    return not any(
        hasattr(inspect.getattr_static(cls, name, None), "__get__") for name in SHAPING_ATTRIBUTES
    )


def _as_pickled(processors: Any) -> Any:
    # ``processors`` as django-imagekit holds them: our empty tuple default as an empty list.
    if isinstance(processors, list) or (isinstance(processors, tuple) and processors):
        return processors
    return list(processors)


# (hash_key, source name) -> hash. Holds only keys and strings, never a spec or its source.
_hash_memo: ClearingMemo[str] = ClearingMemo(8192)


class ImageSpec:
    """Make an image from ``source`` with ``processors``, saved as ``format`` with ``options``."""

    processors: Any = ()
    format: str | None = None
    options: dict[str, Any] | None = None
    autoconvert: bool = True
    cachefile_namer: Any = None
    cachefile_storage: Any = None
    cachefile_backend: Any = None
    cachefile_strategy: Any = None
    limits: Any = None
    engine: Any = None
    # A placeholder kind (or True: the configured one) to compute with the pixels, for a
    # generator whose files are shown with their placeholder (docs/placeholders.md).
    placeholder: str | bool | None = None

    def __init__(self, source: Any = None) -> None:
        self.source = source

    @property
    def source(self) -> Any:
        return self._source

    @source.setter
    def source(self, value: Any) -> None:
        self._source = value
        self._hash: str | None = None
        self._cachefile_name: str | None = None

    @property
    def source_name(self) -> str | None:
        return source_name(self.source) if self.source is not None else None

    def get_hash(self) -> str:
        """A digest of everything shaping the output, once per ``hash_key()`` and source name."""
        if self._hash is None:
            key = self.hash_key()
            if key is None:
                self._hash = self.compute_hash()
            else:
                self._hash = self._memoised_hash((key, self.source_name))
        return self._hash

    def _memoised_hash(self, memo_key: tuple[Hashable, str | None]) -> str:
        digest = _hash_memo.get(memo_key)
        if digest is None:
            if type(self).compute_hash is ImageSpec.compute_hash:
                digest = named_spec_hash(memo_key[0], memo_key[1], self._shaping())
            else:
                digest = self.compute_hash()
            _hash_memo.keep(memo_key, digest)
        return digest

    def compute_hash(self) -> str:
        """django-imagekit's hash of this spec, so a switched site keeps its files."""
        return spec_hash([self.source_name, *self._shaping()])

    def _shaping(self) -> list[Any]:
        # What shapes the output besides the source's name, in django-imagekit's order.
        return [_as_pickled(self.processors), self.format, self.options, self.autoconvert]

    def hash_key(self) -> Hashable | None:
        """A hashable stand-in for the shaping attributes (equal specs share one hash), or None; by
        default the class, unless an instance attribute or a property shapes the output."""
        # A subclass shaped by constructor arguments may return those (see ``imagekit:thumbnail``).
        # Mutating a class's ``processors`` list in place after use is not noticed: assign anew.
        cls = type(self)
        if not vars(self).keys().isdisjoint(SHAPING_ATTRIBUTES):
            return None
        if not _shaped_by_class_attributes(cls):
            return None
        return (cls, Identity(cls.processors), cls.format, Identity(cls.options), cls.autoconvert)

    def output_size(self, source_size: tuple[int, int]) -> tuple[int, int] | None:
        """The size made from a ``source_size`` image, by the processors' geometry alone; None
        when a processor cannot tell."""
        size = source_size
        for processor in self.processors:
            sized = getattr(processor, "output_size", None)  # a RescalingProcessor
            if sized is not None:
                size = sized(size)
            elif getattr(processor, "size_role", None) != "neutral":
                return None
        return tuple(size)  # type: ignore[return-value]

    @property
    def cachefile_name(self) -> str:
        """The storage name of this spec's cache file, from the spec namer."""
        if self._cachefile_name is None:
            if self.source is None:
                raise MissingSource(
                    f"{type(self).__name__} has no source, so its cache file has no name"
                )
            self._cachefile_name = get_namer(self.cachefile_namer, for_spec=True)(self)
        return self._cachefile_name

    def generate(self) -> GeneratedImage:
        """The processed image, encoded, in memory. Raises ``SourceImageError`` for bad input.
        A closed source file (a Django field's) that the engine opens is closed again."""
        source = self._source_or_none()
        opened_here = is_closed(source)
        try:
            return get_engine(self.engine).generate(self.job())
        finally:
            if opened_here and not is_closed(source):
                source.close()

    def _source_or_none(self) -> Any:
        try:
            return self.source
        except Exception:  # a source that cannot be resolved fails in job(), named
            return None

    def job(self) -> Job:
        """What ``generate`` asks the engine to make (a picture set hands several at once)."""
        if self.source is None:
            raise MissingSource(f"{type(self).__name__} cannot generate without a source")
        return Job(
            self.source,
            list(self.processors),
            self.format,
            self.options,
            self.autoconvert,
            limits=self.limits or get_config().limits,
            name=self.source_name,
            placeholder=wanted_placeholder(self),
        )


def is_closed(source: Any) -> bool:
    """Whether ``source`` is a closed file (one that generating it opens)."""
    return bool(getattr(source, "closed", False))


def makes_jobs(generator: Any) -> bool:
    """Whether ``generator`` generates by handing its ``job()`` to its engine, as
    ``ImageSpec`` does (a class overriding ``generate`` may do more)."""
    return isinstance(generator, ImageSpec) and type(generator).generate is ImageSpec.generate

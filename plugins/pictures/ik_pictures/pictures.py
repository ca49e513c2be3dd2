"""A picture set: the renditions a ``<picture>`` element offers for one source, each an
ordinary cache file (a generator per width and format), without Django or an image library."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from ik_host.cachefile import CacheFile
from ik_host.errors import PictureError
from ik_host.formats import format_to_mimetype, normalize_format
from ik_host.generators import generator_registry
from ik_host.placeholders import ask_placeholder, placeholder_kind, placeholder_of
from ik_host.protocols import (
    ImmediateBackend,
    ProcessingGenerator,
    SizedGenerator,
    VerifyingStrategy,
)
from ik_host.state_records import CacheFileState
from ik_pictures.rendition_sets import make_together, makes_here
from ik_pictures.source_facts import SourceFacts, source_facts

DEFAULT_FORMATS = ("AVIF", "WEBP")
# The widths offered by default, as multiples of the base width: 1x, and the screens of 1.5
# and 2 device pixels per CSS pixel.
DEFAULT_SCALES = (1, 1.5, 2)
# Each width is a file per format: a srcset names a handful, never dozens.
MAX_WIDTHS = 8


@dataclass(frozen=True)
class Candidate:
    """One rendition: its URL, pixel size, MIME type, and the cache file it comes from."""

    url: str
    width: int
    height: int
    mime: str
    file: Any = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class PictureSet:
    """``sources``: per modern MIME type, the renditions made so far, widths ascending; ``img``:
    the base-width rendition in the source's family (JPEG, or PNG for a transparent source)."""

    sources: dict[str, list[Candidate]]
    img: Candidate
    img_srcset: list[Candidate]
    sizes: str
    placeholder: Any = None

    @property
    def width(self) -> int:
        return self.img.width

    @property
    def height(self) -> int:
        return self.img.height


# (generator arguments) -> the cache file of the generator made with them.
FileMaker = Callable[[dict[str, Any]], CacheFile]


def picture_set(
    source: Any,
    width: int | None,
    height: int | None = None,
    *,
    generator: str | Callable[..., Any],
    widths: Iterable[int] | None = None,
    formats: Sequence[str] = DEFAULT_FORMATS,
    options: Mapping[str, Any] | None = None,
    sizes: str | None = None,
    placeholder: str | None = None,
    source_size: tuple[int, int] | None = None,
    make_file: FileMaker | None = None,
) -> PictureSet:
    """The picture set of ``source`` at ``width`` x ``height`` (either may be None).

    ``generator`` is a registered generator id or a factory, called with ``source``, ``width``,
    ``height``, ``format`` and ``options`` (``anchor``, ``crop``...) as ``imagekit:thumbnail``
    is. ``widths`` defaults to ``width`` times 1, 1.5 and 2; none exceeds what the source can
    give. A modern rendition not made yet (a deferring backend) is left out, its making asked
    for; the ``img`` rendition is made now when the backend can make files in this process.
    ``placeholder`` is the img rendition's (``ik_host.placeholders``; None: the configured kind).
    """
    placeholder_kind(placeholder)  # a wrong kind fails before anything is made
    factory = generator_registry.get_class(generator) if isinstance(generator, str) else generator
    facts = _facts(source, source_size, factory)
    width, height = _base_size(width, height, facts)
    family = "PNG" if facts.alpha else "JPEG"
    make = make_file or (lambda kwargs: CacheFile(factory(**kwargs)))
    shape = _Shape(source, width, height, options)
    planned = plan_widths(width, height, facts, widths)
    files = {
        format: shape.files(planned, format, make) for format in [*_modern(formats, family), family]
    }
    base = min(width, largest_width(width, height, facts))  # a small source: all it gives
    ask_placeholder(dict(files[family])[base], placeholder)  # the img's, computed with it
    _make_missing([file for listed in files.values() for _, file in listed])
    sources = _sources(files, family, facts)
    img, srcset = _fallback(files[family], base, facts, family)
    return PictureSet(
        sources, img, srcset, sizes or f"{base}px", placeholder_of(img.file, placeholder)
    )


def _facts(source: Any, source_size: tuple[int, int] | None, factory: Any) -> SourceFacts:
    """The source's facts, its size the upright one where the generator turns it upright."""
    facts = source_facts(source, source_size)
    if not turns_upright(factory):
        return facts
    width, height = facts.upright_size()
    return replace(facts, width=width, height=height)


@dataclass(frozen=True)
class _Shape:
    """What every rendition of one picture shares: its source, the base size it scales, and
    the generator's options."""

    source: Any
    width: int
    height: int | None
    options: Mapping[str, Any] | None

    def files(self, widths: list[int], format: str, make: FileMaker) -> list[tuple[int, CacheFile]]:
        """The cache file of each of ``widths`` in ``format``, by width."""
        return [(width, make(self.arguments(width, format))) for width in widths]

    def arguments(self, width: int, format: str) -> dict[str, Any]:
        """The generator's arguments for the rendition ``width`` wide, at the base's shape."""
        height = None if self.height is None else max(1, round(self.height * width / self.width))
        return {
            **(self.options or {}),
            "source": self.source,
            "width": width,
            "height": height,
            "format": format,
        }


def _sources(
    files: dict[str, list[tuple[int, CacheFile]]], family: str, facts: SourceFacts
) -> dict[str, list[Candidate]]:
    """Per modern MIME type, the renditions made so far (the others' making asked for)."""
    sources = {}
    for format, listed in files.items():
        if format != family:
            made = [_candidate(file, facts, format) for _, file in listed]
            sources[format_to_mimetype(format)] = [each for each in made if each is not None]
    return sources


def _make_missing(files: list[CacheFile]) -> None:
    """Where this process makes the files (``Simple``), the missing ones are made together:
    one decode of the source for all of them, with an engine that can (``rendition_sets``)."""
    make_together([file for file in files if makes_here(file) and not _made(file)])


def _fallback(
    files: list[tuple[int, CacheFile]], base: int, facts: SourceFacts, family: str
) -> tuple[Candidate, list[Candidate]]:
    """The img rendition (made now if need be) and the made ones of its srcset."""
    img = _img_candidate(dict(files)[base], facts, family)
    srcset = [img if each == base else _candidate(file, facts, family) for each, file in files]
    return img, [each for each in srcset if each is not None]


def turns_upright(factory: Any) -> bool:
    """Whether the generator's class asks the engine to turn sources upright from their EXIF
    orientation first (the ``exif_transpose`` option): then sizes are the upright source's."""
    if not isinstance(factory, ProcessingGenerator):  # checked on the class, as registered
        return False
    options = factory.options
    return isinstance(options, Mapping) and bool(options.get("exif_transpose"))


def _base_size(width: int | None, height: int | None, facts: SourceFacts) -> tuple[int, int | None]:
    # A height alone: the width that height gives the source's shape, fitted to that width.
    for value in (width, height):
        if value is not None and (type(value) is not int or value < 1):
            raise PictureError(
                f"a picture's width and height are pixels (1 or more), not {value!r}"
            )
    if width is None:
        if height is None:
            raise PictureError("a picture needs a width or a height to start from")
        return max(1, round(facts.width * height / facts.height)), None
    return width, height


def largest_width(width: int, height: int | None, facts: SourceFacts) -> int:
    """The widest rendition the source gives at the shape ``width`` x ``height``."""
    if height is None:
        return facts.width
    return max(1, min(facts.width, facts.height * width // height))


def plan_widths(
    width: int, height: int | None, facts: SourceFacts, widths: Iterable[int] | None = None
) -> list[int]:
    """The widths to offer, ascending, with ``width`` among them: ``widths`` or the default
    scales, none above what the source gives at the picture's shape."""
    largest = largest_width(width, height, facts)
    asked = [round(width * scale) for scale in DEFAULT_SCALES] if widths is None else list(widths)
    for each in asked:
        if type(each) is not int or each < 1:
            raise PictureError(f"picture widths are pixels (1 or more), not {each!r}")
    planned = sorted({min(each, largest) for each in [width, *asked]})
    if len(planned) > MAX_WIDTHS:
        raise PictureError(
            f"a picture offers at most {MAX_WIDTHS} widths, each a file per format; "
            f"{len(planned)} asked"
        )
    return planned


def _modern(formats: Sequence[str], family: str) -> list[str]:
    names = [normalize_format(each) for each in formats]
    return [each for each in dict.fromkeys(names) if each != family]


def _candidate(file: CacheFile, facts: SourceFacts, format: str) -> Candidate | None:
    """The rendition of ``file`` if it is made; its making asked for either way."""
    url = file.url  # tells the strategy the file is needed: a deferring backend schedules it
    if not _made(file):
        return None
    return _described(file, url, facts, format)


def _img_candidate(file: CacheFile, facts: SourceFacts, format: str) -> Candidate:
    url = file.url
    if not _made(file):
        backend = file.cachefile_backend
        if isinstance(backend, ImmediateBackend):
            backend.generate_now(file)
            url = file.url
    return _described(file, url, facts, format)


def _described(file: CacheFile, url: str, facts: SourceFacts, format: str) -> Candidate:
    # The size from the generator's geometry: nothing decoded, nothing read back.
    size = None
    if isinstance(file.generator, SizedGenerator):
        size = file.generator.output_size((facts.width, facts.height))
    width, height = size if size is not None else file.dimensions
    return Candidate(url, width, height, format_to_mimetype(format), file)


def _made(file: CacheFile) -> bool:
    if file.existence_record is not None:
        return True
    strategy = file.cachefile_strategy
    if isinstance(strategy, VerifyingStrategy) and not strategy.should_verify_existence(file):
        return True  # the strategy vouches for it, as it does for ``bool(file)``
    return file.state().state is CacheFileState.EXISTS


__all__ = ["Candidate", "PictureSet", "picture_set", "plan_widths"]

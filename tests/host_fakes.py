"""In-memory fakes for the host's own tests: every role filled without Pillow, Django or any
plugin.

``MemoryStorage``, ``MemoryStateCache``, ``FakeEngine`` (it "encodes" a short text header),
``FakeBackend``, ``FakeStrategy`` and ``fake_namer``. ``FakeComponents`` registers them all as
``"fake"`` and answers the image formats JPEG, PNG, WEBP and GIF; the ``ik_fakes`` fixture (made
available to ``tests/`` by ``tests/conftest.py``) registers only it and makes a ``Fakes`` of
fresh instances the configuration in force.
"""

from __future__ import annotations

import io
import posixpath
import re
import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest

from ik_host import hookimpl
from ik_host.config import Config, get_config, set_config
from ik_host.errors import SourceImageError
from ik_host.formats import ImageFormat
from ik_host.placeholders import Placeholder
from ik_host.plugins import IKPluginManager
from ik_host.records import Backend, Engine, GeneratedImage, Job, Namer, StateCache, Storage
from ik_host.records import Strategy as StrategyRecord
from ik_host.state_records import CacheFileState, StateRecord
from ik_host.testing import only_plugins

# -- where the bytes and the states live ----------------------------------------------------------


class MemoryStorage:
    """A storage keeping files in a dict. ``path`` raises, as a remote storage's does."""

    def __init__(self, base_url: str = "/media/") -> None:
        self.base_url = base_url
        self.files: dict[str, bytes] = {}

    def exists(self, name: str) -> bool:
        return name in self.files

    def open(self, name: str, mode: str = "rb") -> io.BytesIO:
        try:
            return io.BytesIO(self.files[name])
        except KeyError:
            raise FileNotFoundError(name) from None

    def save(self, name: str, content: Any, max_length: int | None = None) -> str:
        data = content if isinstance(content, bytes) else content.read()
        self.files[name] = data
        return name

    def url(self, name: str) -> str:
        return self.base_url + name

    def path(self, name: str) -> str:
        raise NotImplementedError("MemoryStorage keeps no local files")

    def delete(self, name: str) -> None:
        self.files.pop(name, None)

    def size(self, name: str) -> int:
        return len(self.files[name])


class MemoryStateCache:
    """A state cache in a dict; timeouts are accepted and ignored. ``add`` is atomic."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}
        self._lock = threading.Lock()

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)

    def set(self, key: str, value: Any, timeout: float | None = None) -> None:
        self.values[key] = value

    def add(self, key: str, value: Any, timeout: float | None = None) -> bool:
        with self._lock:
            if key in self.values:
                return False
            self.values[key] = value
            return True

    def delete(self, key: str) -> None:
        self.values.pop(key, None)

    def get_many(self, keys: Iterable[str]) -> Mapping[str, Any]:
        return {key: self.values[key] for key in keys if key in self.values}


# -- making "pixels" ------------------------------------------------------------------------------


@dataclass(frozen=True)
class FakeImage:
    """What the fake engine hands processors: a size, and ``resize`` as Pillow's images have."""

    size: tuple[int, int]
    steps: tuple[str, ...] = ()

    def resize(self, size: tuple[int, int], *args: Any, **kwargs: Any) -> FakeImage:
        return FakeImage(tuple(size), (*self.steps, "resize"))  # type: ignore[arg-type]


_HEADER = re.compile(rb"FAKE (\d+)x(\d+) (\S+)\n")


class FakeEngine:
    """An engine without an image library: every source is an image of ``source_size``; the
    processors run on a ``FakeImage`` and the result is "encoded" as a one-line text header
    (``FAKE <width>x<height> <format>``), which ``image_size`` reads back.

    ``jobs`` and ``sized`` record what it was asked; ``fail`` (an exception) is raised by
    ``generate`` instead of encoding. Placeholders are made up from the size (``placeholder``),
    and ``placeheld`` records the stored files it computed one from."""

    def __init__(
        self, source_size: tuple[int, int] = (64, 48), default_format: str = "PNG"
    ) -> None:
        self.source_size = source_size
        self.default_format = default_format
        self.jobs: list[Job] = []
        self.sized: list[str | None] = []
        self.placeheld: list[tuple[str | None, str]] = []
        self.fail: BaseException | None = None

    def generate(self, job: Job) -> GeneratedImage:
        self.jobs.append(job)
        if self.fail is not None:
            raise self.fail
        image = FakeImage(self.source_size)
        for processor in job.processors:
            image = processor.process(image)
        width, height = image.size
        format = (job.format or self.default_format).upper()
        data = f"FAKE {width}x{height} {format}\n".encode()
        placeholder = fake_placeholder(job.placeholder, (width, height))
        return GeneratedImage(
            data, format=format, width=width, height=height, placeholder=placeholder
        )

    def placeholder(self, file: Any, kind: str, *, name: str | None = None) -> Placeholder:
        self.placeheld.append((name, kind))
        placeholder = fake_placeholder(kind, self.image_size(file, name=name))
        assert placeholder is not None, f"no placeholder of kind {kind!r}"
        return placeholder

    def image_size(self, file: Any, *, name: str | None = None) -> tuple[int, int]:
        self.sized.append(name)
        match = _HEADER.match(file.read(64))
        if match is None:
            raise SourceImageError(name, "not an image the fake engine made")
        return int(match[1]), int(match[2])


def fake_placeholder(kind: str, size: tuple[int, int]) -> Placeholder | None:
    """A placeholder of ``kind`` that tells the size it was made from (None for "none")."""
    if kind == "none":
        return None
    if kind == "color":
        return Placeholder("color", f"#{size[0] % 256:02x}{size[1] % 256:02x}00")
    return Placeholder(kind, f"{kind}-{size[0]}x{size[1]}", "data:image/png;base64,RkFLRQ==")


# -- when and how to generate ---------------------------------------------------------------------


class FakeBackend:
    """A backend generating in process, keeping records in a dict by name; a file without a
    record is asked of its storage. ``calls`` lists ``(method, name)`` in order."""

    def __init__(self) -> None:
        self.records: dict[str, StateRecord] = {}
        self.calls: list[tuple[str, str]] = []

    def generate(self, file: Any, force: bool = False) -> StateRecord | None:
        self.calls.append(("generate", file.name))
        if not force and self.exists(file):
            return None
        try:
            record = file.make(replace=force)
        except Exception as exc:
            self.records[file.name] = StateRecord(CacheFileState.FAILED, error=str(exc))
            raise
        self.records[file.name] = record
        return record

    def exists(self, file: Any) -> bool:
        self.calls.append(("exists", file.name))
        return self.get_record(file).state is CacheFileState.EXISTS

    def get_record(self, file: Any) -> StateRecord:
        record = self.records.get(file.name)
        if record is not None:
            return record
        stored = file.storage.exists(file.name)
        return StateRecord(CacheFileState.EXISTS if stored else CacheFileState.DOES_NOT_EXIST)

    def set_record(self, file: Any, record: StateRecord) -> None:
        self.calls.append(("set_record", file.name))
        self.records[file.name] = record


class FakeStrategy:
    """Generates when existence or content is needed, as ``JustInTime`` does; ``events`` lists
    ``(event, name)`` in order."""

    def __init__(self) -> None:
        self.events: list[tuple[str, str]] = []

    def on_existence_required(self, file: Any) -> None:
        self.events.append(("on_existence_required", file.name))
        file.generate()

    def on_content_required(self, file: Any) -> None:
        self.events.append(("on_content_required", file.name))
        file.generate()


def fake_namer(generator: Any) -> str:
    """``<cachefile_dir>/<source name without extension>/<hash>.<format>``; no path checks."""
    source = getattr(generator, "source_name", None) or ""
    stem = posixpath.splitext(source.lstrip("/"))[0]
    extension = (getattr(generator, "format", None) or "img").lower()
    parts = [get_config().cachefile_dir, stem, f"{generator.get_hash()}.{extension}"]
    return "/".join(part for part in parts if part)


class FakeComponents:
    """A plugin registering every fake as ``"fake"``."""

    @hookimpl
    def ik_register_namers(self) -> list[Namer]:
        return [Namer("fake", fake_namer)]

    @hookimpl
    def ik_register_storages(self) -> list[Storage]:
        return [Storage("fake", MemoryStorage)]

    @hookimpl
    def ik_register_state_caches(self) -> list[StateCache]:
        return [StateCache("fake", MemoryStateCache)]

    @hookimpl
    def ik_register_engines(self) -> list[Engine]:
        return [Engine("fake", FakeEngine)]

    @hookimpl
    def ik_register_backends(self) -> list[Backend]:
        return [Backend("fake", FakeBackend)]

    @hookimpl
    def ik_image_formats(self) -> list[ImageFormat]:
        """The few formats host tests name files in, as Pillow's engine answers them."""
        return [
            ImageFormat("JPEG", (".jpg", ".jpeg"), True, "image/jpeg"),
            ImageFormat("PNG", (".png",), True, "image/png"),
            ImageFormat("WEBP", (".webp",), True, "image/webp"),
            ImageFormat("GIF", (".gif",), True, "image/gif"),
        ]

    @hookimpl
    def ik_register_strategies(self) -> list[StrategyRecord]:
        return [StrategyRecord("fake", FakeStrategy)]


def fake_config(**changes: Any) -> Config:
    """A ``Config`` naming the fakes of ``FakeComponents`` for every component."""
    names = dict.fromkeys(
        ("backend", "strategy", "namer", "spec_namer", "storage", "state_cache", "engine"), "fake"
    )
    return Config(**{**names, **changes})


@dataclass
class Fakes:
    """The fakes in force in a test using ``ik_fakes``."""

    pm: IKPluginManager
    storage: MemoryStorage = field(default_factory=MemoryStorage)
    state_cache: MemoryStateCache = field(default_factory=MemoryStateCache)
    engine: FakeEngine = field(default_factory=FakeEngine)
    backend: FakeBackend = field(default_factory=FakeBackend)
    strategy: FakeStrategy = field(default_factory=FakeStrategy)

    def config(self, **changes: Any) -> Config:
        """A config using these very instances (not new ones from the registry)."""
        mine = {
            "storage": self.storage,
            "state_cache": self.state_cache,
            "engine": self.engine,
            "backend": self.backend,
            "strategy": self.strategy,
        }
        return fake_config(**{**mine, **changes})


@pytest.fixture
def ik_fakes() -> Iterator[Fakes]:
    """Only ``FakeComponents`` registered, and a config of fresh fakes in force."""
    with only_plugins(FakeComponents()) as pm:
        fakes = Fakes(pm)
        set_config(fakes.config())
        try:
            yield fakes
        finally:
            set_config(None)

"""Cache files end to end in plain Python, through the defaults and the Pillow engine: the
namers and the file-system storage, the Simple backend's states, locks and single flight, the
Just-in-time and Optimistic strategies, bad sources and reduced decoding.

Cross-plugin by nature (defaults + ``ik-processors-pilkit`` + ``ik-strategy-optimistic``), so it
lives with the defaults, which every plugin sits on. The host's own part (hashing, state keys
and records, what a cache file asks of its components) is tested with fakes in ``tests/``."""

from __future__ import annotations

import io
import threading
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageChops, ImageStat

from ik_defaults import FileSystemStorage, MemoryStateCache
from ik_host.cachefile import CacheFile
from ik_host.config import Config, get_config, set_config
from ik_host.errors import CacheFileError, SourceImageError, UnsafePathError
from ik_host.state_records import CacheFileState, StateRecord
from ik_host.testing import Shrink, Thumbnail


def make_image(size: tuple[int, int] = (64, 48)) -> Image.Image:
    """Red on the left, blue on the right."""
    img = Image.new("RGB", size, (220, 30, 30))
    img.paste((30, 30, 220), (size[0] // 2, 0, size[0], size[1]))
    return img


def image_bytes(img: Image.Image, format: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    img.save(buffer, format, **options)
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def _count_from_zero() -> None:
    Shrink.calls = 0


def test_first_access_generates_and_remembers_dimensions(media: Path, jpeg_path: Path) -> None:
    file = CacheFile(Thumbnail(source=open(jpeg_path, "rb")))
    assert "not computed" in repr(file) and Shrink.calls == 0  # repr does nothing
    url = file.url
    assert url.startswith("/media/CACHE/images/") and url.endswith(".jpg")
    assert Shrink.calls == 1
    with Image.open(file.path) as img:
        assert img.size == (40, 30) and img.format == "JPEG"
    record = file.state()
    assert record.state is CacheFileState.EXISTS
    assert (record.width, record.height) == (40, 30)
    assert record.size == Path(file.path).stat().st_size == file.size
    assert (file.width, file.height) == (40, 30)
    assert bool(file) is True
    assert file.read()[:2] == b"\xff\xd8"
    file.close()
    assert Shrink.calls == 1  # nothing above generated twice


def test_namers_give_the_documented_names(media: Path, jpeg_path: Path, tmp_path: Path) -> None:
    class Named(Thumbnail):
        pass

    def named(name: str) -> io.BytesIO:
        source = io.BytesIO(jpeg_path.read_bytes())
        source.name = name
        return source

    spec = Named(source=named("photos/thumbnails/bulldog.jpg"))
    digest = spec.get_hash()
    assert spec.cachefile_name == f"CACHE/images/photos/thumbnails/bulldog/{digest}.jpg"
    # An absolute name (a file outside any storage) keeps its directories out of the name.
    absolute = Named(source=open(jpeg_path, "rb"))
    assert absolute.cachefile_name == f"CACHE/images/{absolute.get_hash()}.jpg"
    Named.cachefile_namer = "source_name_dot_hash"
    assert Named(source=named("photos/thumbnails/bulldog.jpg")).cachefile_name == (
        f"CACHE/images/photos/thumbnails/bulldog.{digest[:12]}.jpg"
    )
    assert Named(source=open(jpeg_path, "rb")).cachefile_name == (
        f"CACHE/images/bulldog.{absolute.get_hash()[:12]}.jpg"
    )
    Named.cachefile_namer = "imagekit.cachefiles.namers.hash"
    assert Named(source=named("photos/thumbnails/bulldog.jpg")).cachefile_name == (
        f"CACHE/images/{digest}.jpg"
    )


@pytest.mark.parametrize(
    "evil",
    [
        "/etc/passwd.jpg",
        "a/../b.jpg",
        "nul\x00byte.jpg",
        "C:\\windows\\x.jpg",
        "x" * 600 + ".jpg",
        "ünïcødé/фото.jpg",
    ],
)
def test_cache_files_stay_inside_the_cache_dir(media: Path, evil: str) -> None:
    source = io.BytesIO(image_bytes(make_image(), "PNG"))
    source.name = evil
    file = CacheFile(Thumbnail(source=source))
    assert file.name.startswith("CACHE/images/")
    assert ".." not in file.name.split("/") and "\x00" not in file.name
    path = Path(file.path).resolve()
    assert path.is_relative_to((media / "CACHE" / "images").resolve())
    assert all(len(part.encode()) <= 255 for part in path.parts)
    assert path.exists()


@pytest.mark.parametrize("evil", ["../../etc/passwd.jpg", "a/../../../b.jpg", "../x"])
def test_a_source_name_leaving_the_cache_dir_is_refused(media: Path, evil: str) -> None:
    source = io.BytesIO(image_bytes(make_image(), "PNG"))
    source.name = evil
    file = CacheFile(Thumbnail(source=source))
    with pytest.raises(UnsafePathError):
        _ = file.name


def test_storage_refuses_a_path_that_leaves_it(tmp_path: Path) -> None:
    storage = FileSystemStorage(str(tmp_path / "m"))
    with pytest.raises(UnsafePathError):
        storage.save("../outside.jpg", b"x")
    assert not (tmp_path / "outside.jpg").exists()


def _bomb() -> bytes:
    buffer = io.BytesIO()
    Image.new("1", (14_000, 14_000)).save(buffer, "PNG")
    return buffer.getvalue()


BAD_SOURCES = {
    "truncated-jpeg": (lambda: image_bytes(make_image(size=(200, 100)), "JPEG")[:300], "truncated"),
    "zero-bytes": (lambda: b"", "empty"),
    "text-named-jpg": (lambda: b"just some text, honestly", "not an image"),
    "decompression-bomb": (_bomb, "over the limit"),
}


@pytest.mark.parametrize("kind", sorted(BAD_SOURCES))
def test_bad_source_writes_nothing_and_a_later_access_retries(
    media: Path, tmp_path: Path, kind: str
) -> None:
    make_bad, cause = BAD_SOURCES[kind]
    path = tmp_path / "upload.jpg"
    path.write_bytes(make_bad())
    file = CacheFile(Thumbnail(source=str(path)))
    with pytest.raises(SourceImageError, match=r"upload\.jpg") as info:
        file.url  # noqa: B018
    assert cause in str(info.value)
    assert not [p for p in media.rglob("*") if p.is_file()]  # no cache file, no temp file
    record = file.state()
    assert record.state is CacheFileState.FAILED and cause in record.error
    path.write_bytes(image_bytes(make_image(size=(200, 100)), "JPEG"))  # the source is fixed
    assert CacheFile(Thumbnail(source=str(path))).url == file.url
    assert Path(file.path).exists()


class ExplodingStorage(FileSystemStorage):
    def save(self, name: str, content: Any, max_length: int | None = None) -> str:
        raise OSError("disk full")


def test_failed_save_is_named_and_leaves_no_stale_state(tmp_path: Path, jpeg_path: Path) -> None:
    cache = MemoryStateCache()
    set_config(Config(storage=ExplodingStorage(str(tmp_path / "m")), state_cache=cache))
    try:
        file = CacheFile(Thumbnail(source=str(jpeg_path)))
        named = r"storing cache file 'CACHE/images/[0-9a-f]{32}\.jpg'.* disk full"
        with pytest.raises(CacheFileError, match=named):
            file.generate()
        assert file.state().state is CacheFileState.FAILED
        assert cache.get(file.cachefile_backend.get_key(file) + ":lock") is None
    finally:
        set_config(None)


def test_a_storage_check_does_not_overwrite_a_state_recorded_meanwhile(
    tmp_path: Path, jpeg_path: Path
) -> None:
    """A reader that missed the cache asks the storage; while it waits, another caller records
    the file as scheduled. The reader's stale "does not exist" must not replace that."""
    cache = MemoryStateCache()
    file: CacheFile

    class RacingStorage(FileSystemStorage):
        def exists(self, name: str) -> bool:
            backend = file.cachefile_backend
            backend.set_record(file, StateRecord(CacheFileState.SCHEDULED))
            return super().exists(name)

    set_config(Config(storage=RacingStorage(str(tmp_path / "m")), state_cache=cache))
    try:
        file = CacheFile(Thumbnail(source=str(jpeg_path)))
        assert file.cachefile_backend.get_state(file) is CacheFileState.SCHEDULED
        stored = StateRecord.load(cache.get(file.cachefile_backend.get_key(file)))
        assert stored is not None and stored.state is CacheFileState.SCHEDULED
    finally:
        set_config(None)


def test_the_state_is_recorded_before_the_generation_lock_is_released(
    tmp_path: Path, jpeg_path: Path
) -> None:
    """A thread waiting for the lock takes it the moment it is free and then trusts the
    recorded state: were the lock released first, it would see no state and generate again."""
    calls: list[tuple[str, str]] = []

    class Recording(MemoryStateCache):
        def set(self, key: str, value: Any, timeout: float | None = None) -> None:
            calls.append(("set", key))
            super().set(key, value, timeout)

        def delete(self, key: str) -> None:
            calls.append(("delete", key))
            super().delete(key)

    set_config(Config(storage=FileSystemStorage(str(tmp_path / "m")), state_cache=Recording()))
    try:
        file = CacheFile(Thumbnail(source=str(jpeg_path)))
        file.generate()
        key = file.cachefile_backend.get_key(file)
        assert calls.index(("set", key)) < calls.index(("delete", key + ":lock"))
        assert file.state().state is CacheFileState.EXISTS
    finally:
        set_config(None)


def test_threads_asking_for_one_missing_file_generate_it_once(media: Path, jpeg_path: Path) -> None:
    class Slow(Thumbnail):
        processors = [Shrink(delay=0.3)]

    urls: list[str] = []
    errors: list[BaseException] = []

    def request() -> None:
        try:
            urls.append(CacheFile(Slow(source=str(jpeg_path))).url)
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=request) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert Shrink.calls == 1
    assert len(set(urls)) == 1 and len(urls) == 8


def test_force_regenerates(media: Path, jpeg_path: Path) -> None:
    file = CacheFile(Thumbnail(source=str(jpeg_path)))
    file.generate()
    file.generate()
    assert Shrink.calls == 1
    file.generate(force=True)
    assert Shrink.calls == 2
    assert Path(file.path).exists()


def test_state_cache_miss_asks_the_storage_once(media: Path, jpeg_path: Path) -> None:
    CacheFile(Thumbnail(source=str(jpeg_path))).generate()
    set_config(get_config().replace(state_cache=MemoryStateCache()))  # cold state cache
    asked: list[str] = []
    storage = get_config().storage
    original = storage.exists
    storage.exists = lambda name: asked.append(name) or original(name)  # type: ignore[method-assign]
    for _ in range(3):
        assert CacheFile(Thumbnail(source=str(jpeg_path))).url
    assert len(asked) == 1 and Shrink.calls == 1


def test_optimistic_never_checks_but_generates_when_saved(media: Path, jpeg_path: Path) -> None:
    class Optimistic(Thumbnail):
        cachefile_strategy = "optimistic"

    file = CacheFile(Optimistic(source=str(jpeg_path)))
    assert file.url.endswith(".jpg")
    assert Shrink.calls == 0 and not Path(file.storage.path(file.name)).exists()
    file.cachefile_strategy.on_source_saved(file)
    assert Shrink.calls == 1 and Path(file.path).exists()


def test_shrink_on_load_decodes_less_and_matches_full_decode(media: Path, tmp_path: Path) -> None:
    path = tmp_path / "big.jpg"
    photo = Image.radial_gradient("L").resize((1600, 1200)).convert("RGB")
    path.write_bytes(image_bytes(photo, "JPEG", quality=95))
    seen: list[tuple[int, int]] = []

    class Spy(Shrink):
        def process(self, img: Image.Image) -> Image.Image:
            seen.append(img.size)
            return super().process(img)

    class Small(Thumbnail):
        processors = [Spy(100, 75)]
        format = "PNG"

    class Identity:  # no size_hint: the source is decoded in full
        def process(self, img: Image.Image) -> Image.Image:
            return img

    class SmallFull(Small):
        processors = [Identity(), Spy(100, 75)]

    drafted = Image.open(CacheFile(Small(source=str(path))).path).convert("L")
    full = Image.open(CacheFile(SmallFull(source=str(path))).path).convert("L")
    assert seen == [(200, 150), (1600, 1200)]  # 1/8 scale: still twice what is needed
    mean_difference = ImageStat.Stat(ImageChops.difference(drafted, full)).mean[0]
    assert mean_difference < 2  # grey levels


def test_a_caller_that_takes_the_lock_late_does_not_regenerate(
    media: Path, jpeg_path: Path
) -> None:
    first = CacheFile(Thumbnail(source=str(jpeg_path)))
    late = CacheFile(Thumbnail(source=str(jpeg_path)))
    assert not late.cachefile_backend.exists(late)  # it saw the file missing...
    first.generate()  # ...then someone else made it and released the lock
    late.cachefile_backend.generate_now(late)
    assert Shrink.calls == 1

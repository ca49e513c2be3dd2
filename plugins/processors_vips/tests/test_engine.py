"""The vips engine gives the Pillow engine's sizes and modes, nearly its pixels, exactly its
output where it hands over, and the host's errors."""

from __future__ import annotations

import io
import logging
import struct
import zlib
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from PIL import Image, ImageCms, JpegImagePlugin

from ik_host.cachefile import CacheFile
from ik_host.config import Limits
from ik_host.errors import SourceImageError, SourceTooLarge
from ik_host.forking import fork_unsafe
from ik_host.records import Job
from ik_host.specs import ImageSpec
from ik_processors_pilkit import (
    AddBorder,
    Adjust,
    Anchor,
    Crop,
    GaussianBlur,
    ProcessorPipeline,
    Resize,
    ResizeCanvas,
    ResizeToCover,
    ResizeToFill,
    ResizeToFit,
    SmartResize,
    Thumbnail,
    Transpose,
)
from ik_processors_pilkit.pillow_engine import PillowEngine
from ik_processors_vips import VipsEngine

MAX_MAD = 2.0
PILLOW = PillowEngine()

# (id, processors): every supported processor, anchors, odd sizes, chains.
SUPPORTED: list[tuple[str, list[Any]]] = [
    ("fill-300", [ResizeToFill(300, 300)]),
    ("fill-odd-tl", [ResizeToFill(211, 157, anchor=Anchor.TOP_LEFT)]),
    ("fill-odd-br", [ResizeToFill(211, 157, anchor=Anchor.BOTTOM_RIGHT)]),
    ("fill-odd-fraction", [ResizeToFill(157, 211, anchor=(0.29, 0.71))]),
    ("fill-odd-top", [ResizeToFill(401, 199, anchor=Anchor.TOP)]),
    ("fill-upscale-false", [ResizeToFill(2000, 150, upscale=False)]),
    ("fit-400", [ResizeToFit(400, 400)]),
    ("fit-width", [ResizeToFit(333)]),
    ("fit-height", [ResizeToFit(None, 257)]),
    ("fit-mat", [ResizeToFit(250, 250, mat_color="#123456")]),
    ("fit-mat-transparent-bl", [ResizeToFit(250, 250, mat_color=(0, 0, 0, 0), anchor="bl")]),
    ("cover", [ResizeToCover(197, 301)]),
    ("resize", [Resize(150, 377)]),
    ("thumbnail-anchor", [Thumbnail(180, 120, anchor=Anchor.CENTER)]),
    ("thumbnail-fit", [Thumbnail(200)]),
    ("crop-br", [Crop(301, 199, anchor=Anchor.BOTTOM_RIGHT)]),
    ("crop-xy", [Crop(411, 277, x=-37, y=-501)]),  # pilkit's x, y: where the image goes
    ("crop-xy-past", [Crop(411, 277, x=-37, y=20)]),
    ("canvas-pad", [ResizeCanvas(1700, 1500, color="red", anchor=(0.2, 0.9))]),
    ("canvas-inside", [ResizeCanvas(500, 300, anchor=Anchor.TOP_LEFT)]),
    ("canvas-transparent", [ResizeCanvas(1300, 1700, x=-20, y=40)]),
    ("border", [AddBorder((3, 5, 7, 9), "blue"), ResizeToFit(300, 300)]),
    ("rotate-90", [Transpose(Transpose.ROTATE_90), ResizeToFill(160, 240)]),
    ("flips", [ResizeToFit(320, 320), Transpose(Transpose.FLIP_HORIZONTAL, Transpose.ROTATE_270)]),
    ("transverse", [Transpose(Image.Transpose.TRANSVERSE), ResizeToFit(300)]),
    ("adjust-before", [Adjust(color=0.6, brightness=1.1, contrast=1.3), ResizeToFill(240, 180)]),
    ("adjust-after", [ResizeToFill(240, 180), Adjust(0.5, 0.8, 1.2, 1.6)]),
    ("adjust-sharpness-first", [Adjust(sharpness=1.5), ResizeToFit(300, 300)]),
    (
        "pipeline",
        [ProcessorPipeline([ResizeToFit(500, 500), ProcessorPipeline([Crop(250, 250)])])],
    ),
]

# (id, mode, format, size): photo-like sources, both orientations, odd sizes.
SOURCES = [
    ("jpeg-landscape", "RGB", "JPEG", (1601, 1201)),
    ("jpeg-portrait", "RGB", "JPEG", (1201, 1601)),
    ("jpeg-gray", "L", "JPEG", (1403, 1007)),
    ("png-rgba", "RGBA", "PNG", (1203, 899)),
    ("png-la", "LA", "PNG", (899, 1203)),
    ("webp-rgb", "RGB", "WEBP", (1203, 901)),
]


@pytest.fixture(scope="module")
def sources(images: SimpleNamespace) -> dict[str, bytes]:
    made = {}
    for source_id, mode, format, size in SOURCES:
        img = images.photo(size, mode)
        options = {"quality": 92} if format in ("JPEG", "WEBP") else {}
        buffer = io.BytesIO()
        img.save(buffer, format, **options)
        made[source_id] = buffer.getvalue()
    return made


def _no_fallback(monkeypatch: pytest.MonkeyPatch, engine: VipsEngine) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the vips engine handed a supported job to Pillow")

    monkeypatch.setattr(engine.fallback, "generate", refuse)


@pytest.mark.parametrize("source_id", [source[0] for source in SOURCES])
@pytest.mark.parametrize(("case", "processors"), SUPPORTED, ids=[case for case, _ in SUPPORTED])
def test_same_size_and_mode_nearly_same_pixels(
    case: str,
    processors: list[Any],
    source_id: str,
    sources: dict[str, bytes],
    images: SimpleNamespace,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    engine = VipsEngine()
    _no_fallback(monkeypatch, engine)
    # PNG output, so the comparison measures processing, not two rounds of JPEG noise.
    format = "PNG"
    data = sources[source_id]
    vips_out = engine.generate(Job(data, processors, format, name=f"{source_id}.img"))
    pillow_out = PILLOW.generate(Job(data, processors, format, name=f"{source_id}.img"))
    ours, theirs = images.decoded(vips_out), images.decoded(pillow_out)
    assert (vips_out.width, vips_out.height) == ours.size == theirs.size
    assert vips_out.format == pillow_out.format == format
    assert ours.mode == theirs.mode
    assert images.mad(ours, theirs) <= MAX_MAD


@pytest.mark.parametrize("orientation", range(1, 9))
@pytest.mark.parametrize(
    "processors",
    [[Transpose(), ResizeToFill(160, 120, anchor="tr")], [ResizeToFit(200, 200)], [Transpose()]],
    ids=["auto-fill", "no-rotation", "auto-only"],
)
def test_exif_orientations(
    orientation: int,
    processors: list[Any],
    images: SimpleNamespace,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    exif = Image.Exif()
    exif[0x0112] = orientation
    data = images.encode(images.photo((801, 601)), "JPEG", quality=92, exif=exif.tobytes())
    engine = VipsEngine()
    _no_fallback(monkeypatch, engine)
    ours = images.decoded(engine.generate(Job(data, processors, "JPEG", {"quality": 95})))
    theirs = images.decoded(PILLOW.generate(Job(data, processors, "JPEG", {"quality": 95})))
    assert ours.size == theirs.size and ours.mode == theirs.mode
    assert images.mad(ours, theirs) <= MAX_MAD
    assert not ours.getexif()  # no orientation left to be applied twice, like Pillow's output


@pytest.mark.parametrize(
    ("why", "processors", "format", "options"),
    [
        ("no vips version", [GaussianBlur(2), ResizeToFill(120, 90)], "JPEG", None),
        ("enlarging", [Resize(700, 500)], "PNG", None),
        ("enlarging one side", [ResizeToFill(100, 500)], "PNG", None),
        ("nested list", [[ResizeToFill(100, 50)]], "PNG", None),
        ("entropy crop", [SmartResize(120, 90)], "JPEG", None),
        ("auto transpose later", [ResizeToFit(200), Transpose()], "JPEG", None),
        ("option", [ResizeToFit(200)], "JPEG", {"quality": 80, "dpi": (300, 300)}),
        ("4:2:2", [ResizeToFit(200)], "JPEG", {"subsampling": 1}),
        ("output format", [ResizeToFit(200)], "GIF", None),
        ("no autoconvert", [ResizeToFit(200)], "JPEG", {"quality": 90}),
        ("subclass", [type("MyFill", (ResizeToFill,), {})(120, 90)], "PNG", None),
    ],
)
def test_hands_whole_job_to_pillow_with_identical_output(
    why: str,
    processors: list[Any],
    format: str,
    options: dict[str, Any] | None,
    images: SimpleNamespace,
    caplog: pytest.LogCaptureFixture,
) -> None:
    mode = "RGBA" if why == "no autoconvert" else "RGB"
    data = images.encode(images.photo((640, 480), mode), "PNG")
    autoconvert = why != "no autoconvert"
    caplog.set_level(logging.DEBUG, logger="ik_processors_vips")
    try:
        theirs = PILLOW.generate(Job(data, processors, format, options, autoconvert, name="s.png"))
    except Exception as exc:  # Pillow's own refusal: the vips engine must raise the same
        with pytest.raises(type(exc)):
            VipsEngine().generate(Job(data, processors, format, options, autoconvert, name="s.png"))
    else:
        ours = VipsEngine().generate(
            Job(data, processors, format, options, autoconvert, name="s.png")
        )
        assert ours.getvalue() == theirs.getvalue()
        assert (ours.format, ours.width, ours.height) == (
            theirs.format,
            theirs.width,
            theirs.height,
        )
    assert "handed to Pillow" in caplog.text and "'s.png'" in caplog.text


@pytest.mark.parametrize("mode", ["P", "CMYK", "I;16", "1"])
def test_modes_it_cannot_keep_go_to_pillow(mode: str, images: SimpleNamespace) -> None:
    img = images.photo((320, 240)).convert(mode if mode != "I;16" else "I").convert(mode)
    format = "JPEG" if mode == "CMYK" else "PNG"
    data = images.encode(img, format)
    processors = [ResizeToFill(100, 80)]
    ours = VipsEngine().generate(Job(data, processors, format))
    assert ours.getvalue() == PILLOW.generate(Job(data, processors, format)).getvalue()


def test_sixteen_bit_rgb_png_goes_to_pillow(tmp_path: Path) -> None:
    # Pillow reads 16-bit RGB as 8-bit RGB; vips would keep 16 bits: the header cannot tell.
    data = _sixteen_bit_rgb_png(64, 48)
    path = tmp_path / "deep.png"
    path.write_bytes(data)
    processors = [ResizeToFit(32, 32)]
    ours = VipsEngine().generate(Job(str(path), processors, "PNG"))
    assert ours.getvalue() == PILLOW.generate(Job(str(path), processors, "PNG")).getvalue()


def _sixteen_bit_rgb_png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 16, 2, 0, 0, 0)
    rows = b"".join(
        b"\x00" + b"".join(struct.pack(">HHH", x * 1000, y * 1000, 30000) for x in range(width))
        for y in range(height)
    )
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def _broken_sources(images: SimpleNamespace) -> dict[str, bytes]:
    jpeg = images.encode(images.photo((400, 300)), "JPEG", quality=90)
    png = images.encode(images.photo((400, 300)), "PNG")
    return {
        "empty.jpg": b"",
        "truncated.jpg": jpeg[: len(jpeg) // 2],
        "truncated.png": png[: len(png) // 2],
        "notes.jpg": b"these are not the pixels you are looking for\n" * 20,
        "header-only.jpg": jpeg[:600],
    }


@pytest.mark.parametrize(
    "filename", ["empty.jpg", "truncated.jpg", "truncated.png", "notes.jpg", "header-only.jpg"]
)
@pytest.mark.parametrize("as_path", [True, False], ids=["path", "file"])
def test_broken_source_raises_source_image_error_naming_it(
    filename: str, as_path: bool, tmp_path: Path, images: SimpleNamespace
) -> None:
    path = tmp_path / filename
    path.write_bytes(_broken_sources(images)[filename])
    source: Any = str(path) if as_path else open(path, "rb")
    try:
        with pytest.raises(SourceImageError) as raised:
            VipsEngine().generate(Job(source, [ResizeToFill(100, 100)], "JPEG"))
    finally:
        if not as_path:
            source.close()
    assert filename in str(raised.value)
    assert raised.value.name.endswith(filename)


def test_over_the_limits_raises_source_too_large(images: SimpleNamespace) -> None:
    data = images.encode(images.photo((400, 300)), "JPEG")
    with pytest.raises(SourceTooLarge, match=r"big\.jpg.*pixels"):
        VipsEngine().generate(
            Job(data, [ResizeToFill(50, 50)], limits=Limits(max_pixels=100_000), name="big.jpg")
        )
    with pytest.raises(SourceTooLarge, match="bytes"):
        VipsEngine().generate(Job(data, [ResizeToFill(50, 50)], limits=Limits(max_bytes=100)))


def test_icc_profile_kept_as_pillow_keeps_it(images: SimpleNamespace) -> None:
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    jpeg = images.encode(images.photo((600, 400)), "JPEG", icc_profile=profile)
    rgba = images.encode(images.photo((600, 400), "RGBA"), "PNG", icc_profile=profile)
    for data, format in ((jpeg, "PNG"), (jpeg, "WEBP"), (rgba, "PNG")):
        ours = images.decoded(VipsEngine().generate(Job(data, [ResizeToFill(90, 60)], format)))
        assert ours.info.get("icc_profile") == profile
    # ResizeToFill gives RGBA (pilkit's crop canvas); flattening it for JPEG changes the mode:
    # ik_host drops the profile, so does vips.
    for data in (jpeg, rgba):
        for engine in (VipsEngine(), PILLOW):
            flat = images.decoded(engine.generate(Job(data, [ResizeToFill(90, 60)], "JPEG")))
            assert flat.mode == "RGB" and "icc_profile" not in flat.info
            assert not flat.getexif()


def test_save_options_are_mapped(images: SimpleNamespace) -> None:
    data = images.encode(images.photo((900, 600)), "JPEG", quality=95)
    engine = VipsEngine()
    processors = [ResizeToFit(400, 400)]

    def jpeg(**options: Any) -> io.BytesIO:
        return engine.generate(Job(data, processors, "JPEG", options))

    assert len(jpeg(quality=30).getvalue()) < len(jpeg(quality=90).getvalue())
    assert images.decoded(jpeg(progressive=True)).info.get("progressive")
    assert not images.decoded(jpeg()).info.get("progressive")
    # optimize is on by default under autoconvert (pilkit's default); asking off costs bytes.
    assert len(jpeg().getvalue()) < len(jpeg(optimize=False).getvalue())
    assert jpeg().getvalue() == jpeg(optimize=True).getvalue()
    assert JpegImagePlugin.get_sampling(images.decoded(jpeg())) == 2  # 4:2:0, Pillow's default
    assert JpegImagePlugin.get_sampling(images.decoded(jpeg(subsampling="4:4:4"))) == 0
    lossless = engine.generate(Job(data, processors, "WEBP", {"lossless": True}))
    lossy = engine.generate(Job(data, processors, "WEBP", {"quality": 50, "method": 6}))
    assert len(lossy.getvalue()) < len(lossless.getvalue())
    fast = engine.generate(Job(data, processors, "PNG", {"compress_level": 1}))
    small = engine.generate(Job(data, processors, "PNG", {"optimize": True}))
    assert len(small.getvalue()) < len(fast.getvalue())
    assert images.decoded(fast).tobytes() == images.decoded(small).tobytes()


def test_default_format_is_the_sources(images: SimpleNamespace) -> None:
    data = images.encode(images.photo((300, 200), "RGBA"), "WEBP")
    out = VipsEngine().generate(Job(data, [ResizeToFit(100)]))
    assert out.format == "WEBP" and images.decoded(out).mode == "RGBA"
    assert (
        VipsEngine().generate(Job(data, [ResizeToFit(100)], "jpg")).format == "JPG"
    )  # as Pillow's


def test_source_kinds(tmp_path: Path, images: SimpleNamespace) -> None:
    data = images.encode(images.photo((300, 200)), "JPEG")
    (tmp_path / "a.jpg").write_bytes(data)
    (tmp_path / "odd[1]").write_bytes(data)  # vips would read "[1]" as loader options
    engine = VipsEngine()
    results = [
        engine.generate(Job(source, [ResizeToFill(50, 40)], "PNG")).getvalue()
        for source in (
            data,
            bytearray(data),
            tmp_path / "a.jpg",
            str(tmp_path / "odd[1]"),
            open(tmp_path / "a.jpg", "rb"),
            open(tmp_path / "a.jpg"),
        )
    ]
    assert all(result == results[0] for result in results)


class OneWayStream(io.RawIOBase):
    """A stream that can only be read forwards, as an upload or a socket may be."""

    def __init__(self, data: bytes, name: str) -> None:
        self._data, self._position, self.name = data, 0, name

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def readinto(self, buffer: Any) -> int:
        chunk = self._data[self._position : self._position + len(buffer)]
        buffer[: len(chunk)] = chunk
        self._position += len(chunk)
        return len(chunk)


def test_one_way_streams(images: SimpleNamespace) -> None:
    data = images.encode(images.photo((300, 200)), "JPEG")
    out = VipsEngine().generate(Job(OneWayStream(data, "up.jpg"), [ResizeToFill(50, 40)], "PNG"))
    assert (
        out.getvalue() == VipsEngine().generate(Job(data, [ResizeToFill(50, 40)], "PNG")).getvalue()
    )
    with pytest.raises(SourceImageError, match=r"up\.jpg"):
        VipsEngine().generate(Job(OneWayStream(data[:300], "up.jpg"), [ResizeToFill(50, 40)]))
    with pytest.raises(SourceImageError, match=r"up\.jpg.*not an image"):
        VipsEngine().generate(Job(OneWayStream(b"plain text" * 9, "up.jpg"), [ResizeToFill(5, 4)]))


class VipsThumbnail(ImageSpec):
    processors = [Transpose(), ResizeToFill(120, 90)]
    format = "JPEG"
    options = {"quality": 85}
    engine = "vips"


def test_spec_with_vips_engine_through_a_cache_file(
    media: Path, tmp_path: Path, images: SimpleNamespace, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "photos" / "bulldog.jpg"
    source.parent.mkdir()
    source.write_bytes(images.encode(images.photo((1200, 800)), "JPEG"))
    calls = []
    generate = VipsEngine.generate

    def counting(self: VipsEngine, *args: Any, **kwargs: Any) -> Any:
        calls.append(args[0])
        return generate(self, *args, **kwargs)

    monkeypatch.setattr(VipsEngine, "generate", counting)
    file = CacheFile(VipsThumbnail(source=open(source, "rb")))
    assert file.url.startswith("/media/CACHE/images/") and file.url.endswith(".jpg")
    assert file.dimensions == (120, 90) and len(calls) == 1
    with Image.open(file.path) as img:
        assert img.format == "JPEG" and img.size == (120, 90)
    assert file.url and len(calls) == 1  # warm: not generated again


def test_pillow_engine_keeps_sizes_from_the_true_source_size(images: SimpleNamespace) -> None:
    """Both engines compute every size from the source's own size, as ``output_size``
    defines it: the Pillow engine never drafts at a DCT scale whose rounded-up decode would
    tip the output by a pixel (``pillow_engine.draft_size``)."""
    data = images.encode(images.photo((4001, 2251)), "JPEG", quality=90)
    processor = ResizeToFit(175, 175)
    expected = processor.output_size((4001, 2251))
    ours = VipsEngine().generate(Job(data, [processor], "JPEG"))
    assert (ours.width, ours.height) == expected == (175, 98)
    theirs = PILLOW.generate(Job(data, [processor], "JPEG"))
    assert (theirs.width, theirs.height) == expected


def test_using_libvips_marks_this_process_unsafe_to_fork(images: SimpleNamespace) -> None:
    """Worker pools read this to spawn instead of fork (a forked child of a process whose
    libvips threads have started hangs on its first operation)."""
    VipsEngine().generate(Job(images.encode(images.photo((64, 48)), "JPEG"), [], "PNG"))
    assert "libvips" in fork_unsafe()

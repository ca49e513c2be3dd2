"""The Pillow engine's one way to open an image and one way to save one.

Opening checks the limits (pixels, bytes, frames) from the header before anything is decoded,
and turns every Pillow failure into ``SourceImageError`` naming the file. Saving converts the
image to a mode the output format can hold ("autoconvert"), keeps transparency and the ICC
profile where the format can carry them and flattens onto white only where it cannot.
"""

from __future__ import annotations

import codecs
import io
import os
import re
import struct
import warnings
from collections.abc import Callable
from typing import IO, Any

from PIL import ExifTags, Image, ImageFile, UnidentifiedImageError

from ik_host.config import DEFAULT_LIMITS, Limits
from ik_host.errors import SourceImageError, SourceNotFound, SourceTooLarge
from ik_host.formats import normalize_format
from ik_host.paths import source_name
from ik_processors_pilkit.image_headers import header_size, sniff_format

Image.init()

# Modes each output format stores as they are; anything else is converted by autoconvert.
_NATIVE_MODES = {
    "JPEG": {"L", "RGB", "CMYK"},
    "PNG": {"1", "L", "LA", "P", "RGB", "RGBA", "I;16"},
    "GIF": {"L", "P", "RGBA"},  # Pillow maps RGBA to a palette with a transparent index
    "WEBP": {"RGB", "RGBA"},
    "AVIF": {"RGB", "RGBA"},
    "BMP": {"1", "L", "P", "RGB", "RGBA"},
}
_ICC_FORMATS = {"JPEG", "PNG", "WEBP", "TIFF", "AVIF", "JPEG2000"}


def _binary(stream: Any) -> Any:
    """The byte stream under a text-mode file (``open(path)``) or a Django File, else itself.

    Documented examples open sources in text mode; the bytes are still there, in ``buffer``.
    """
    # Only a plain attribute: a property named ``file`` may open or generate something.
    inner = getattr(stream, "__dict__", {}).get("file", stream)
    if isinstance(inner, io.TextIOBase) and hasattr(inner, "buffer"):
        return inner.buffer
    # Pillow reads headers in many small calls; each through a Django File is a proxy call.
    if isinstance(inner, (io.BufferedIOBase, io.RawIOBase)):
        return inner
    return stream


def readable_stream(source: Any, max_bytes: int | None = None) -> IO[bytes]:
    """A seekable binary stream over the source, rewound to its start.

    A stream that cannot seek is copied into memory, but never more than ``max_bytes`` + 1
    bytes of it: enough to tell that it is over the limit.
    """
    if isinstance(source, (str, os.PathLike)):
        return open(source, "rb")
    if isinstance(source, (bytes, bytearray, memoryview)):
        return io.BytesIO(source)
    stream = source
    if getattr(stream, "closed", False) and hasattr(stream, "open"):
        stream.open("rb")  # a closed Django File reopens through its storage
    stream = _binary(stream)
    seekable = getattr(stream, "seekable", None)
    if seekable is None or not seekable():
        return io.BytesIO(stream.read() if max_bytes is None else stream.read(max_bytes + 1))
    stream.seek(0)
    return stream


def _stream_size(stream: IO[bytes]) -> int:
    here = stream.tell()
    end = stream.seek(0, io.SEEK_END)
    stream.seek(here)
    return end


def _check_bytes(size_in_bytes: int, name: str | None, limits: Limits) -> None:
    if size_in_bytes == 0:
        raise SourceImageError(name, "the file is empty (0 bytes)")
    if limits.max_bytes is not None and size_in_bytes > limits.max_bytes:
        raise SourceTooLarge(name, f"{size_in_bytes} bytes is over the limit of {limits.max_bytes}")


def _check_header(img: Image.Image, name: str | None, limits: Limits) -> None:
    """The pixel and frame limits, from what the header says (nothing is decoded yet)."""
    width, height = img.size
    if limits.max_pixels is not None and width * height > limits.max_pixels:
        raise SourceTooLarge(
            name, f"{width}x{height} pixels is over the limit of {limits.max_pixels} pixels"
        )
    # Counting frames scans the whole file: only when there is a limit and a second frame.
    if limits.max_frames is not None and getattr(img, "is_animated", False):
        frames = img.n_frames
        if frames > limits.max_frames:
            raise SourceTooLarge(name, f"{frames} frames is over the limit of {limits.max_frames}")


# How an error message names a format where its name is not all capitals.
_SHOWN_AS = {"WEBP": "WebP"}
_BOMB_PIXELS = re.compile(r"\((\d+) pixels\) exceeds limit of (\d+) pixels")


def _sniff(head: bytes) -> str | None:
    """What ``head`` (a file's first bytes) looks like: an image format, SVG, HTML or text."""
    kind = sniff_format(head)
    if kind is not None:
        return _SHOWN_AS.get(kind, kind)
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(b"<svg") or (text.startswith(b"<?xml") and b"<svg" in text):
        return "SVG"
    if text.startswith((b"<!doctype html", b"<html")) or b"<html" in text or b"<body" in text:
        return "HTML"
    try:  # incremental: a character cut at the end of ``head`` is not an error
        decoded = codecs.getincrementaldecoder("utf-8")().decode(head)
    except UnicodeDecodeError:
        return None
    return "text" if all(ch.isprintable() or ch.isspace() for ch in decoded) else None


def _pillow_formats(stream: IO[bytes]) -> list[str] | None:
    """The one Pillow plugin for the format ``stream``'s first bytes name, or None (every
    plugin): after ``Image.init`` Pillow would try dozens before JPEG."""
    try:
        head = stream.read(16)
        stream.seek(0)
    except (OSError, ValueError):
        return None
    kind = sniff_format(head)
    return [kind] if kind in Image.OPEN else None


def _sniff_stream(stream: IO[bytes]) -> str | None:
    try:
        stream.seek(0)
        return _sniff(stream.read(1024))
    except (OSError, ValueError):
        return None


def _unidentified_cause(stream: IO[bytes]) -> str:
    kind = _sniff_stream(stream)
    if kind == "SVG":
        return "it is an SVG drawing; vector images are not supported (use JPEG, PNG, GIF or WebP)"
    if kind == "HTML":
        return "it is an HTML document, not an image"
    if kind == "text":
        return "it is a text file, not an image"
    if kind is not None:
        return f"it is a damaged or truncated {kind} file (its header cannot be read)"
    return "not an image file of any format Pillow reads"


def _bomb_cause(exc: Exception, limits: Limits) -> str:
    """Pillow refuses a header declaring over twice its ``MAX_IMAGE_PIXELS`` as it opens the
    file, before our own check: say so with our limit when it is the lower one."""
    found = _BOMB_PIXELS.search(str(exc))
    if found is None:
        return f"decompression bomb refused ({exc})"
    pixels, limit = (int(number) for number in found.groups())
    if limits.max_pixels is not None:
        limit = min(limit, limits.max_pixels)
    return (
        f"it declares {pixels} pixels, over the limit of {limit} pixels; refused before "
        "decoding (a decompression bomb?)"
    )


def exif_orientation(img: Image.Image) -> int | None:
    """The EXIF orientation (1-8; 1 when there is none), or None when the EXIF is unreadable."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Pillow's complaints about the tags it skips
            value = img.getexif().get(ExifTags.Base.Orientation, 1)
    except Exception:  # corrupt EXIF: whatever Pillow raises, the orientation is unknown
        return None
    return value if value in range(1, 9) else 1  # exif_transpose ignores other values


def open_image(
    source: Any,
    *,
    name: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
    draft: Callable[[Image.Image], tuple[int, int] | None] | None = None,
) -> Image.Image:
    """Open and fully decode ``source`` (a path, bytes, or a binary file-like object).

    The limits are checked first: bytes before Pillow sees the file, pixels and frames from
    the header. ``draft`` is given the opened image before decoding (its size and EXIF are
    known) and may answer a smaller size: a JPEG is then decoded at the smallest DCT scale
    that is still at least that large.
    Raises ``SourceImageError`` (or ``SourceTooLarge``) naming the file, never a bare Pillow error.
    """
    name = name or source_name(source)
    try:
        stream = readable_stream(source, limits.max_bytes)
    except FileNotFoundError as exc:
        raise SourceNotFound(name, f"cannot be read, it does not exist ({exc})") from exc
    except OSError as exc:
        raise SourceImageError(name, f"cannot be read ({exc})") from exc
    try:
        return _open_checked(stream, name, limits, draft)
    except BaseException:
        if isinstance(source, (str, os.PathLike)):
            stream.close()  # ours to close; a caller's stream stays open
        raise


def image_size(source: Any, *, name: str | None = None) -> tuple[int, int]:
    """``(width, height)`` of ``source`` from its header alone: no pixel is decoded.

    Raises ``SourceImageError`` naming the file when the header cannot be read.
    """
    name = name or source_name(source)
    stream = readable_stream(source)
    try:
        size = header_size(stream)
        if size is not None and not _over_bomb_limit(size):
            return size
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            warnings.filterwarnings("ignore", category=UserWarning, module=r"PIL\.")
            with Image.open(stream, formats=_pillow_formats(stream)) as img:
                return img.size
    except Image.DecompressionBombError as exc:
        raise SourceTooLarge(name, _bomb_cause(exc, DEFAULT_LIMITS)) from exc
    except UnidentifiedImageError as exc:
        raise SourceImageError(name, _unidentified_cause(stream)) from exc
    except (OSError, SyntaxError, ValueError, EOFError, struct.error) as exc:
        raise SourceImageError(name, f"its header cannot be read ({exc})") from exc
    finally:
        if isinstance(source, (str, os.PathLike)):
            stream.close()


def _over_bomb_limit(size: tuple[int, int]) -> bool:
    # Where Pillow's open would refuse the header: it then says so, as for any file.
    limit = Image.MAX_IMAGE_PIXELS
    return limit is not None and size[0] * size[1] > 2 * limit


def _open_checked(
    stream: IO[bytes],
    name: str | None,
    limits: Limits,
    draft: Callable[[Image.Image], tuple[int, int] | None] | None,
) -> Image.Image:
    kind = None
    try:
        _check_bytes(_stream_size(stream), name, limits)
        with warnings.catch_warnings():
            # Our own limit is checked below; Pillow's bomb warning must not leak to callers,
            # nor its complaints about metadata it skips (corrupt EXIF).
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            warnings.filterwarnings("ignore", category=UserWarning, module=r"PIL\.")
            img = Image.open(stream, formats=_pillow_formats(stream))
        kind = img.format
        _check_header(img, name, limits)
        wanted = draft(img) if draft is not None and img.format == "JPEG" else None
        if wanted:
            img.draft(img.mode, wanted)
        img.load()
    except SourceImageError:
        raise
    except Image.DecompressionBombError as exc:
        raise SourceTooLarge(name, _bomb_cause(exc, limits)) from exc
    except UnidentifiedImageError as exc:
        raise SourceImageError(name, _unidentified_cause(stream)) from exc
    except (OSError, SyntaxError, ValueError, EOFError, struct.error) as exc:
        kind = kind or _sniff_stream(stream)
        what = f"{kind} image data" if kind else "image data"
        raise SourceImageError(name, f"the {what} is broken or truncated ({exc})") from exc
    return img


def _flatten(img: Image.Image, background: tuple[int, int, int] = (255, 255, 255)) -> Image.Image:
    """Composite an image with alpha onto an opaque background (RGB)."""
    rgba = img.convert("RGBA")
    flat = Image.new("RGB", rgba.size, background)
    flat.paste(rgba, mask=rgba.getchannel("A"))
    return flat


def _has_alpha(img: Image.Image) -> bool:
    return img.mode in ("LA", "RGBA", "PA", "La", "RGBa") or (
        img.mode == "P" and "transparency" in img.info
    )


def _sixteen_bit_to_l(img: Image.Image) -> Image.Image:
    # Pillow's I;16 -> L conversion clips at 255; scale the range down instead.
    return img.convert("I").point(lambda value: value * (1 / 256)).convert("L")


def autoconvert_for(img: Image.Image, format: str) -> Image.Image:
    """``img`` in a mode ``format`` can store, keeping alpha where the format allows it."""
    fmt = normalize_format(format)
    native = _NATIVE_MODES.get(fmt)
    if native is None or img.mode in native:
        return img
    if img.mode in ("I", "I;16B", "I;16L") and "I;16" in native:
        return img.convert("I;16")  # 16 bits, as the format holds them (clipped to 0..65535)
    if img.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        img = _sixteen_bit_to_l(img) if img.mode != "F" else img.convert("L")
        if img.mode in native:
            return img
    alpha = _has_alpha(img)
    if alpha and "RGBA" in native:
        return img.convert("RGBA")
    if alpha:
        if img.mode == "LA" and "L" in native:
            return _flatten(img).convert("L")
        return _flatten(img)
    if img.mode == "1" and "L" in native:
        return img.convert("L")
    if fmt == "GIF":
        return img.convert("RGB").convert("P", palette=Image.Palette.ADAPTIVE)
    return img.convert("RGB")


def save_image(
    img: Image.Image,
    outfile: IO[bytes] | str | os.PathLike[str],
    format: str,
    options: dict[str, Any] | None = None,
    autoconvert: bool = True,
) -> IO[bytes] | str | os.PathLike[str]:
    """Write ``img`` to ``outfile`` in ``format`` with Pillow save ``options``; return outfile."""
    fmt = normalize_format(format)
    kwargs = dict(options or {})
    original_mode = img.mode
    if autoconvert:
        img = autoconvert_for(img, fmt)
        if fmt == "JPEG":
            # pilkit (so django-imagekit) optimises Huffman tables whenever it autoconverts;
            # a switched site keeps the same file sizes.
            kwargs.setdefault("optimize", True)
    icc = img.info.get("icc_profile")
    # A profile written for CMYK (or gray) data would mislabel converted pixels.
    if icc and fmt in _ICC_FORMATS and img.mode == original_mode:
        kwargs.setdefault("icc_profile", icc)
    # Large progressive JPEGs need a bigger encoder buffer than Pillow's default block.
    if fmt == "JPEG" and (kwargs.get("progressive") or kwargs.get("optimize")):
        ImageFile.MAXBLOCK = max(ImageFile.MAXBLOCK, img.size[0] * img.size[1] * 4)
    img.save(outfile, fmt, **kwargs)
    return outfile


def image_to_bytes(
    img: Image.Image,
    format: str,
    options: dict[str, Any] | None = None,
    autoconvert: bool = True,
) -> io.BytesIO:
    """``img`` saved into a new in-memory file, rewound to its start."""
    buffer = io.BytesIO()
    save_image(img, buffer, format, options, autoconvert)
    buffer.seek(0)
    return buffer

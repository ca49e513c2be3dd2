"""Image formats by name: their file extensions and MIME types, without an image library.

Namers, storages and the Django layer need to turn ``"jpg"`` into ``"JPEG"`` and ``"JPEG"``
into ``.jpg`` and ``image/jpeg`` whatever engine is configured, so the host keeps the table.
It is Pillow's own table (the formats it reads and writes, the extensions it registers), written
out; a test in the Pillow engine's distribution checks that the two still agree.
"""

from __future__ import annotations

import os
from typing import NamedTuple

from ik_host.errors import UnknownExtension, UnknownFormat
from ik_host.plugins import get_plugin_manager


class ImageFormat(NamedTuple):
    """A format an engine knows beyond the table below (the ``ik_image_formats`` hook)."""

    name: str
    extensions: tuple[str, ...]
    writable: bool
    mimetype: str | None = None

# Every extension a format is known by, the one to write first.
EXTENSIONS: dict[str, tuple[str, ...]] = {
    name: tuple(extensions.split())
    for name, extensions in {
        "AVIF": ".avif .avifs",
        "BLP": ".blp",
        "BMP": ".bmp",
        "BUFR": ".bufr",
        "CUR": ".cur",
        "DCX": ".dcx",
        "DDS": ".dds",
        "DIB": ".dib",
        "EPS": ".ps .eps",
        "FITS": ".fit .fits",
        "FLI": ".fli .flc",
        "FTEX": ".ftc .ftu",
        "GBR": ".gbr",
        "GIF": ".gif",
        "GRIB": ".grib",
        "HDF5": ".h5 .hdf",
        "ICNS": ".icns",
        "ICO": ".ico",
        "IM": ".im",
        "IPTC": ".iim",
        "JPEG": ".jpg .jfif .jpe .jpeg",
        "JPEG2000": ".jp2 .j2k .jpc .jpf .jpx .j2c",
        "MPEG": ".mpg .mpeg",
        "MPO": ".mpo",
        "MSP": ".msp",
        "PALM": ".palm",
        "PCD": ".pcd",
        "PCX": ".pcx",
        "PDF": ".pdf",
        "PIXAR": ".pxr",
        "PNG": ".png .apng",
        "PPM": ".pbm .pgm .ppm .pnm .pfm",
        "PSD": ".psd",
        "QOI": ".qoi",
        "SGI": ".bw .rgb .rgba .sgi",
        "SUN": ".ras",
        "TGA": ".tga .icb .vda .vst",
        "TIFF": ".tif .tiff",
        "WEBP": ".webp",
        "WMF": ".wmf .emf",
        "XBM": ".xbm",
        "XPM": ".xpm",
    }.items()
}

# The formats an image can be saved in; the others are only read.
WRITABLE = frozenset(
    "AVIF BLP BMP BUFR DDS DIB EPS GIF GRIB HDF5 ICNS ICO IM JPEG JPEG2000 MPO MSP PALM PCX PDF "
    "PNG PPM QOI SGI SPIDER TGA TIFF WEBP WMF XBM".split()
)

MIMETYPES = {
    "AVIF": "image/avif",
    "BMP": "image/bmp",
    "DIB": "image/bmp",
    "EPS": "application/postscript",
    "GIF": "image/gif",
    "ICNS": "image/icns",
    "ICO": "image/x-icon",
    "JPEG": "image/jpeg",
    "JPEG2000": "image/jp2",
    "MPEG": "video/mpeg",
    "MPO": "image/mpo",
    "PALM": "image/palm",
    "PCX": "image/x-pcx",
    "PDF": "application/pdf",
    "PNG": "image/png",
    "PPM": "image/x-portable-anymap",
    "PSD": "image/vnd.adobe.photoshop",
    "SGI": "image/sgi",
    "TGA": "image/x-tga",
    "TIFF": "image/tiff",
    "WEBP": "image/webp",
    "XBM": "image/xbm",
    "XPM": "image/xpm",
}

_FORMAT_OF_EXTENSION = {ext: name for name, exts in EXTENSIONS.items() for ext in exts}
_FORMAT_ALIASES = {"JPG": "JPEG", "TIF": "TIFF"}


def plugin_formats() -> dict[str, ImageFormat]:
    """The formats plugins add (HEIF through pillow-heif, say), asked afresh on each call: only
    a name or an extension missing from the table above gets here."""
    found: dict[str, ImageFormat] = {}
    for answer in get_plugin_manager().hook.ik_image_formats():
        for image_format in answer or ():
            found.setdefault(image_format.name.upper(), image_format)
    return found


def normalize_format(format: str) -> str:
    """``'jpg'`` -> ``'JPEG'``; raises ``UnknownFormat`` for a format that cannot be written."""
    upper = format.upper()
    upper = _FORMAT_ALIASES.get(upper, upper)
    if upper not in WRITABLE:
        extra = plugin_formats().get(upper)
        if extra is None or not extra.writable:
            raise UnknownFormat(f"unknown or unwritable image format {format!r}")
    return upper


def extension_to_format(extension: str) -> str:
    """``'.jpg'`` (or ``'jpg'``) -> ``'JPEG'``."""
    ext = extension.lower()
    if not ext.startswith("."):
        ext = "." + ext
    known = _FORMAT_OF_EXTENSION.get(ext)
    if known is not None:
        return known
    for name, image_format in plugin_formats().items():
        if ext in image_format.extensions:
            return name
    raise UnknownExtension(f"no image format is known for the extension {extension!r}")


def format_to_extension(format: str) -> str:
    """``'JPEG'`` -> ``'.jpg'``."""
    fmt = normalize_format(format)
    extensions = EXTENSIONS.get(fmt)
    if not extensions:
        extra = plugin_formats().get(fmt)
        extensions = extra.extensions if extra is not None else ()
    if not extensions:
        raise UnknownFormat(f"no file extension is known for the format {format!r}")
    return extensions[0]


def format_to_mimetype(format: str) -> str:
    """``'JPEG'`` -> ``'image/jpeg'``; ``application/octet-stream`` when none is known."""
    fmt = normalize_format(format)
    mimetype = MIMETYPES.get(fmt)
    if mimetype is None:
        extra = plugin_formats().get(fmt)
        mimetype = extra.mimetype if extra is not None else None
    return mimetype or "application/octet-stream"


def suggest_extension(name: str | None, format: str | None) -> str:
    """The extension for a file in ``format``, keeping ``name``'s own if it already fits."""
    original = os.path.splitext(name or "")[1].lower()
    if not format:
        # Kept only when it is an image extension: a source's name may be anything at all.
        if not original:
            return ""
        try:
            extension_to_format(original)
        except UnknownExtension:
            return ""
        return original
    fmt = normalize_format(format)
    if original:
        try:
            if extension_to_format(original) == fmt:
                return original
        except UnknownExtension:
            pass
    return format_to_extension(fmt)

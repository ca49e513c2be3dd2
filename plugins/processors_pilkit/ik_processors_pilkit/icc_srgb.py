"""Colour management: a source tagged with an RGB or CMYK profile other than sRGB is converted
to sRGB once decoded, and the profile is dropped.

Browsers show an untagged image as sRGB, so the converted output needs no profile at all, and
every file is spared its bytes (docs/performance.md). django-imagekit copies the pixels
without converting them, so Display P3 photos and CMYK JPEGs shift colour wherever the profile
is lost (a changed mode, a format without one). Untagged
sources and sRGB-tagged ones are left exactly as they are (their output stays pilkit's); so are
gray and Lab profiles, and a profile that LittleCMS cannot read.
"""

from __future__ import annotations

import functools
import io

from PIL import Image, ImageCms

_SRGB = ImageCms.createProfile("sRGB")
# Tolerance on the profile's XYZ colorants (D50) to count as sRGB's primaries: profiles from
# different vendors round them differently in the fourth decimal.
_COLORANT_TOLERANCE = 0.002
# Enough for the profiles of one site's sources; the key is the profile's bytes.
_CACHE_SIZE = 32


def _colorants(profile: ImageCms.core.CmsProfile) -> list[tuple[float, float, float]]:
    return [
        tuple(colorant[0])
        for colorant in (profile.red_colorant, profile.green_colorant, profile.blue_colorant)
    ]


_SRGB_COLORANTS = _colorants(ImageCms.ImageCmsProfile(_SRGB).profile)


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _read(icc: bytes) -> ImageCms.ImageCmsProfile | None:
    try:
        return ImageCms.ImageCmsProfile(io.BytesIO(icc))
    except (ImageCms.PyCMSError, OSError, TypeError, ValueError):
        return None  # unreadable: left on the image as django-imagekit leaves it


@functools.lru_cache(maxsize=_CACHE_SIZE)
def is_srgb(icc: bytes) -> bool:
    """Whether ``icc`` describes sRGB: it says so in its description, or has sRGB's primaries."""
    profile = _read(icc)
    if profile is None or profile.profile.xcolor_space != "RGB ":
        return False
    if "srgb" in (profile.profile.profile_description or "").lower():
        return True
    try:
        colorants = _colorants(profile.profile)
    except (TypeError, IndexError):  # a profile with LUTs only has no colorant tags
        return False
    return all(
        abs(ours - theirs) <= _COLORANT_TOLERANCE
        for mine, srgb in zip(colorants, _SRGB_COLORANTS, strict=True)
        for ours, theirs in zip(mine, srgb, strict=True)
    )


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _transform(icc: bytes, in_mode: str, out_mode: str) -> ImageCms.ImageCmsTransform | None:
    profile = _read(icc)
    if profile is None:
        return None
    try:
        return ImageCms.buildTransform(
            profile, _SRGB, in_mode, out_mode, ImageCms.Intent.PERCEPTUAL
        )
    except ImageCms.PyCMSError:
        return None


def _work_modes(img: Image.Image, space: bytes) -> tuple[Image.Image, str] | None:
    """``img`` in a mode LittleCMS converts, and the mode of the result; None: not converted."""
    if space == b"CMYK" and img.mode == "CMYK":
        return img, "RGB"
    if space != b"RGB ":
        return None
    if img.mode in ("P", "PA"):  # LittleCMS has no palettes: their colours are converted
        alpha = img.mode == "PA" or "transparency" in img.info
        img = img.convert("RGBA" if alpha else "RGB")
    if img.mode not in ("RGB", "RGBA"):
        return None
    return img, img.mode


def to_srgb(img: Image.Image) -> Image.Image:
    """``img`` converted to sRGB from its ICC profile, without the profile; ``img`` itself
    when it has no profile, an sRGB one, or one this does not convert (see the module)."""
    icc = img.info.get("icc_profile")
    if not icc or is_srgb(icc):
        return img
    work = _work_modes(img, bytes(icc[16:20]))
    if work is None:
        return img
    source, out_mode = work
    transform = _transform(bytes(icc), source.mode, out_mode)
    if transform is None:
        return img
    converted = ImageCms.applyTransform(source, transform)
    dropped = {"icc_profile", "transparency"}  # a palette's transparency is in alpha now
    converted.info = {key: value for key, value in img.info.items() if key not in dropped}
    converted.format = img.format  # what the output format defaults to
    return converted

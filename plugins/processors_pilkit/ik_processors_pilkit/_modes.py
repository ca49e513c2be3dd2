"""Mode, alpha, colour and ICC-profile helpers shared by the processors.

The policy, in one place: every processor gives the mode pilkit 3.0 gives (the differential
test holds them to it), so

* resampling resolves a palette image to its palette's mode (RGB, or RGBA for an RGBA
  palette; a ``transparency`` index becomes an RGB colour key), and resamples every other mode
  as it is (Pillow filters "1" with nearest neighbour whatever filter is asked);
* canvases (crops, borders, mats) are RGBA, and so are the colour processors' results;
* where pilkit fails on a mode (blurring a palette, 16-bit or bilevel image) the image is
  converted to the nearest of L, LA, RGB or RGBA instead, alpha kept;
* an ICC profile stays on a result whose colour space it still describes, and is dropped from
  one it would mislabel (a CMYK profile on pixels converted to RGB).
"""

from __future__ import annotations

from PIL import Image

from ik_processors_pilkit import _strips as strips
from ik_processors_pilkit.pillow_engine import source_box

LANCZOS = Image.Resampling.LANCZOS
# Results with fewer pixels than this on a side are reduced first with a wider gap (see
# _reducing_gap).
SMALL_RESULT = 64

ALPHA_MODES = frozenset({"LA", "La", "RGBA", "RGBa", "PA"})
HIGH_BIT_GRAY = frozenset({"I;16", "I;16B", "I;16L", "I;16N", "I", "F"})
_PREMULTIPLIED = {"La": "LA", "RGBa": "RGBA"}

# ICC header bytes 16..20 name the colour space the profile describes.
_PROFILE_MODES = {
    b"RGB ": frozenset({"RGB", "RGBA", "RGBX", "RGBa", "P", "PA"}),
    b"GRAY": frozenset({"1", "L", "LA", "La"}) | HIGH_BIT_GRAY,
    b"CMYK": frozenset({"CMYK"}),
    b"Lab ": frozenset({"LAB"}),
    b"YCbr": frozenset({"YCbCr"}),
}


def has_transparency(img: Image.Image) -> bool:
    """Whether any pixel of ``img`` can be (partly) transparent."""
    if img.mode in ALPHA_MODES or "transparency" in img.info:
        return True
    return img.mode == "P" and img.palette is not None and img.palette.mode == "RGBA"


def expand_transparency(img: Image.Image) -> Image.Image:
    """``img`` without a palette or a colour key: those do not survive resampling or blending.

    Palette images become RGBA when they have any transparency, else RGB; an L or RGB image
    with a ``transparency`` key becomes LA or RGBA; premultiplied modes are un-premultiplied.
    """
    mode = img.mode
    if mode in ("P", "PA"):
        return img.convert("RGBA" if has_transparency(img) else "RGB")
    if mode in _PREMULTIPLIED:
        return img.convert(_PREMULTIPLIED[mode])
    if "transparency" in img.info and mode in ("L", "RGB"):
        return img.convert("LA" if mode == "L" else "RGBA")
    return img


def resolve_palette(img: Image.Image) -> Image.Image:
    """A palette image converted to its palette's mode, as pilkit does before resampling;
    any other image as it is."""
    img.load()  # the palette is read with the pixels
    if img.palette is None:
        return img
    return img.convert(img.palette.mode)


def to_8bit_gray(img: Image.Image) -> Image.Image:
    """A 16/32-bit gray image as L, scaled rather than clipped (Pillow's own conversion clips)."""
    if img.mode == "F":
        return img.convert("L")
    return img.convert("I").point(lambda value: value * (1 / 256)).convert("L")


def colour_work(img: Image.Image) -> Image.Image:
    """``img`` in L, LA, RGB or RGBA, the modes every enhance/blend/composite accepts."""
    img = expand_transparency(img)
    if img.mode in ("L", "LA", "RGB", "RGBA"):
        return img
    if img.mode == "1":
        return img.convert("L")
    if img.mode in HIGH_BIT_GRAY:
        return to_8bit_gray(img)
    return img.convert("RGB")


def with_alpha(img: Image.Image) -> Image.Image:
    """``img`` (L, LA, RGB or RGBA) with an alpha channel: L becomes LA, RGB becomes RGBA."""
    if img.mode in ("LA", "RGBA"):
        return img
    return img.convert("LA" if img.mode == "L" else "RGBA")


def resample(
    img: Image.Image,
    size: tuple[int, int],
    box: tuple[float, float, float, float] | None = None,
    reduce: bool = True,
    exact: bool = False,
) -> Image.Image:
    """``img`` (or its region ``box``) resized to ``size`` with LANCZOS, palette images
    resolved first (see ``resolve_palette``); ``reduce=False`` never reduces by whole factors
    first, and ``exact=True`` is one plain ``resize`` (no reduce, no strips: the pixels
    pilkit's resize gives, for what decides on them). Pillow resizes LA and RGBA with
    premultiplied alpha and handles every other mode natively ("1" with nearest neighbour).
    """
    source = img
    img = resolve_palette(img)
    if box is None:
        if tuple(img.size) == tuple(size):
            return carry_icc(source, img)
        box = source_box(source)  # all of it, unless a drafted decode (see there)
    if img.mode == "1" or exact:
        return carry_icc(source, img.resize(size, LANCZOS, box=box))
    gap = _reducing_gap(img.mode, size) if reduce else None
    if gap is not None and max(
        (box[2] - box[0]) / size[0], (box[3] - box[1]) / size[1]
    ) >= 2 * gap:  # Pillow reduces by a whole factor first
        return carry_icc(source, img.resize(size, LANCZOS, box=box, reducing_gap=gap))
    return carry_icc(source, strips.resize(img, size, LANCZOS, box))


def _reducing_gap(mode: str, size: tuple[int, int]) -> float | None:
    """The reducing gap for resampling to ``size``, or None for a plain resample.

    A reducing gap shrinks by whole factors first. At 1.5, a 4000x3000 photo is halved before
    the Lanczos to 1024 px: 0.4 the time of a fair resample, 0.5 grey levels from it at most on
    the benchmark's photos (at 2.0 it is not halved). The fewer pixels the result has the more
    each one shows the coarse reduce: to 7x5 px, 1.5 is 2.3 grey levels off, 3.0 under one.
    Pillow's reduce() has no I;16 implementation, and on I and F it is far off.
    """
    if mode.startswith("I;16") or mode in ("I", "F"):
        return None
    return 1.5 if min(size) >= SMALL_RESULT else 3.0


def profile_fits(icc: bytes, mode: str) -> bool:
    """Whether an ICC profile can describe pixels of ``mode`` (unknown spaces are trusted)."""
    modes = _PROFILE_MODES.get(bytes(icc[16:20]))
    return modes is None or mode in modes


def carry_icc(source: Image.Image, result: Image.Image) -> Image.Image:
    """``result`` with ``source``'s ICC profile when it still fits, and without one that does not.

    Pillow keeps ``info`` through most operations but not through ``Image.new`` canvases, and
    keeps it even where a conversion changed the colour space; this evens both out.
    """
    icc = source.info.get("icc_profile")
    if not icc:
        return result
    current = result.info.get("icc_profile")
    if current and current != icc:
        return result
    if profile_fits(icc, result.mode):
        result.info["icc_profile"] = icc
    else:
        result.info.pop("icc_profile", None)
    return result

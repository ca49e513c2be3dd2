"""Colour management: sources tagged with Display P3, Adobe RGB or a CMYK profile come out in
sRGB without a profile; untagged and sRGB-tagged sources come out as before (pilkit's bytes);
CMYK without a profile and 16-bit gray sources come out right.

The profiles are written here, byte by byte (ICC v2): matrix/TRC RGB profiles from their
primaries, and a CMYK printer profile with a small lut8 table.
"""

from __future__ import annotations

import io
import struct

import pytest
from PIL import Image, ImageCms

from ik_host.config import Config, set_config
from ik_processors_pilkit.icc_srgb import is_srgb
from ik_processors_pilkit.pilkit_resize import ResizeToFit
from ik_processors_pilkit.pillow_engine import process

D65 = (0.95047, 1.0, 1.08883)
D50 = (0.9642, 1.0, 0.8249)
# Bradford adaptation from D65 to D50, the one ICC profiles use.
TO_D50 = (
    (1.0478112, 0.0228866, -0.0501270),
    (0.0295424, 0.9904844, -0.0170491),
    (-0.0092345, 0.0150436, 0.7521316),
)
SRGB_PRIMARIES = ((0.64, 0.33), (0.30, 0.60), (0.15, 0.06))
P3_PRIMARIES = ((0.680, 0.320), (0.265, 0.690), (0.150, 0.060))
ADOBE_PRIMARIES = ((0.64, 0.33), (0.21, 0.71), (0.15, 0.06))
ADOBE_GAMMA = 563 / 256


# -- a little colour arithmetic ----------------------------------------------------------------


def mat_vec(m, v):
    return tuple(sum(m[i][j] * v[j] for j in range(3)) for i in range(3))


def mat_mul(a, b):
    return tuple(
        tuple(sum(a[i][k] * b[k][j] for k in range(3)) for j in range(3)) for i in range(3)
    )


def inverse(m):
    (a, b, c), (d, e, f), (g, h, i) = m
    det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g)
    return (
        (((e * i - f * h) / det), ((c * h - b * i) / det), ((b * f - c * e) / det)),
        (((f * g - d * i) / det), ((a * i - c * g) / det), ((c * d - a * f) / det)),
        (((d * h - e * g) / det), ((b * g - a * h) / det), ((a * e - b * d) / det)),
    )


def rgb_to_xyz(primaries) -> tuple:
    """The linear RGB -> XYZ (D65) matrix of ``primaries``."""
    columns = [(x / y, 1.0, (1 - x - y) / y) for x, y in primaries]
    p = tuple(tuple(columns[j][i] for j in range(3)) for i in range(3))
    scale = mat_vec(inverse(p), D65)
    return tuple(tuple(p[i][j] * scale[j] for j in range(3)) for i in range(3))


def srgb_encode(value: float) -> float:
    value = min(1.0, max(0.0, value))
    return 12.92 * value if value <= 0.0031308 else 1.055 * value ** (1 / 2.4) - 0.055


def srgb_decode(value: float) -> float:
    return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4


def expected_srgb(pixel, primaries, gamma) -> tuple[int, ...]:
    """What ``pixel`` of a ``primaries``/``gamma`` space is in sRGB (relative colorimetric)."""
    linear = [(channel / 255) ** gamma for channel in pixel]
    to_srgb = mat_mul(inverse(rgb_to_xyz(SRGB_PRIMARIES)), rgb_to_xyz(primaries))
    return tuple(round(255 * srgb_encode(value)) for value in mat_vec(to_srgb, linear))


# -- ICC v2 profiles, byte by byte ---------------------------------------------------------------


def s15(value: float) -> bytes:
    return struct.pack(">i", round(value * 65536))


def xyz_tag(xyz) -> bytes:
    return b"XYZ \0\0\0\0" + b"".join(s15(v) for v in xyz)


def desc_tag(text: str) -> bytes:
    ascii_text = text.encode("ascii") + b"\0"
    return (
        b"desc\0\0\0\0"
        + struct.pack(">I", len(ascii_text))
        + ascii_text
        + struct.pack(">II", 0, 0)
        + struct.pack(">HB", 0, 0)
        + bytes(67)
    )


def gamma_tag(gamma: float) -> bytes:
    return b"curv\0\0\0\0" + struct.pack(">IH", 1, round(gamma * 256)) + b"\0\0"


def icc(device_class: bytes, space: bytes, pcs: bytes, tags: dict[bytes, bytes]) -> bytes:
    table, data, offset = b"", b"", 128 + 4 + 12 * len(tags)
    for signature, body in tags.items():
        body += bytes(-len(body) % 4)
        table += signature + struct.pack(">II", offset + len(data), len(body))
        data += body
    header = struct.pack(
        ">I4sI4s4s4s",
        128 + 4 + len(table) + len(data),
        b"none",
        0x02100000,
        device_class,
        space,
        pcs,
    )
    header += bytes(12) + b"acsp" + bytes(24) + struct.pack(">I", 0) + b"".join(s15(v) for v in D50)
    header += bytes(128 - len(header))
    return header + struct.pack(">I", len(tags)) + table + data


def rgb_profile(name: str, primaries, gamma: float) -> bytes:
    matrix = mat_mul(TO_D50, rgb_to_xyz(primaries))
    tags = {b"desc": desc_tag(name), b"wtpt": xyz_tag(D50), b"cprt": b"text\0\0\0\0none\0"}
    for index, channel in enumerate((b"r", b"g", b"b")):
        tags[channel + b"XYZ"] = xyz_tag(tuple(matrix[row][index] for row in range(3)))
        tags[channel + b"TRC"] = gamma_tag(gamma)
    return icc(b"mntr", b"RGB ", b"XYZ ", tags)


def lab8(rgb: tuple[int, int, int]) -> bytes:
    """An sRGB colour as the lut8 Lab encoding (L 0..100 -> 0..255, a and b offset by 128)."""
    xyz = mat_vec(
        mat_mul(TO_D50, rgb_to_xyz(SRGB_PRIMARIES)), [srgb_decode(channel / 255) for channel in rgb]
    )

    def f(t: float) -> float:
        return t ** (1 / 3) if t > (6 / 29) ** 3 else t / (3 * (6 / 29) ** 2) + 4 / 29

    fx, fy, fz = (f(value / white) for value, white in zip(xyz, D50, strict=True))
    lab = (116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz))
    return bytes((round(lab[0] * 255 / 100), round(lab[1] + 128), round(lab[2] + 128)))


# A press-like cyan: this profile prints C=100% as (0, 158, 224), where a naive conversion
# (and django-imagekit) gives (0, 255, 255).
PRESS_CYAN = (0, 158, 224)


def cmyk_corner(c: int, m: int, y: int, k: int) -> tuple[int, int, int]:
    if (c, m, y, k) == (1, 0, 0, 0):
        return PRESS_CYAN
    return tuple(255 * (1 - ink) * (1 - k) for ink in (c, m, y))


def cmyk_profile() -> bytes:
    """A CMYK printer profile: a 2-point-per-ink lut8 A2B0 table to Lab."""
    identity = b"".join(s15(v) for v in (1, 0, 0, 0, 1, 0, 0, 0, 1))
    ramp = bytes(range(256))
    clut = b"".join(
        lab8(cmyk_corner(c, m, y, k))
        for c in (0, 1)
        for m in (0, 1)
        for y in (0, 1)
        for k in (0, 1)
    )
    lut = b"mft1\0\0\0\0" + bytes((4, 3, 2, 0)) + identity + ramp * 4 + clut + ramp * 3
    tags = {
        b"desc": desc_tag("Test press CMYK"),
        b"wtpt": xyz_tag(D50),
        b"A2B0": lut,
        b"cprt": b"text\0\0\0\0none\0",
    }
    return icc(b"prtr", b"CMYK", b"Lab ", tags)


P3 = rgb_profile("Test Display P3", P3_PRIMARIES, 2.2)
ADOBE = rgb_profile("Test Adobe RGB (1998)", ADOBE_PRIMARIES, ADOBE_GAMMA)
SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


# -- sources and outputs -------------------------------------------------------------------------

SAMPLES = [(200, 100, 50), (40, 180, 90), (90, 60, 200), (128, 128, 128)]


def swatches(mode: str = "RGB", colours=SAMPLES) -> Image.Image:
    """Flat 32x32 squares side by side (flat, so JPEG keeps them close)."""
    img = Image.new(mode, (32 * len(colours), 32))
    for index, colour in enumerate(colours):
        img.paste(colour, (32 * index, 0, 32 * (index + 1), 32))
    return img


def encoded(img: Image.Image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    img.save(buffer, fmt, **options)
    return buffer.getvalue()


def swatch_colours(data: bytes) -> list[tuple[int, ...]]:
    img = Image.open(io.BytesIO(data)).convert("RGB")
    return [img.getpixel((32 * index + 16, 16)) for index in range(img.width // 32)]


def near(got, want, tolerance: int) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(got, want, strict=True))


@pytest.fixture
def colour_management_off():
    set_config(Config(extra={"image_output": {"color_management": False}}))
    yield
    set_config(None)


# -- tests ---------------------------------------------------------------------------------------


def test_the_written_profiles_are_read_as_what_they_are() -> None:
    assert not is_srgb(P3) and not is_srgb(ADOBE)
    assert is_srgb(SRGB)
    assert ImageCms.getProfileDescription(ImageCms.ImageCmsProfile(io.BytesIO(P3))).startswith(
        "Test Display P3"
    )


@pytest.mark.parametrize(
    ("source_format", "profile", "primaries", "gamma", "tolerance"),
    [("PNG", P3, P3_PRIMARIES, 2.2, 2), ("JPEG", ADOBE, ADOBE_PRIMARIES, ADOBE_GAMMA, 4)],
    ids=["display-p3-png", "adobe-rgb-jpeg"],
)
@pytest.mark.parametrize("output", ["PNG", "WEBP", "JPEG"])
def test_a_wide_gamut_source_is_converted_to_srgb(
    source_format, profile, primaries, gamma, tolerance, output
) -> None:
    options = {"quality": 95} if source_format == "JPEG" else {}
    source = encoded(swatches(), source_format, icc_profile=profile, **options)
    save = {"quality": 95} if output != "PNG" else {}
    result = process(source, [], output, save, name="wide.img")
    out = Image.open(io.BytesIO(result.getvalue()))
    assert "icc_profile" not in out.info  # untagged: read as sRGB
    slack = tolerance + (3 if output != "PNG" else 0)
    for got, sample in zip(swatch_colours(result.getvalue()), SAMPLES, strict=True):
        want = expected_srgb(sample, primaries, gamma)
        assert want != sample
        assert near(got, want, slack), (got, want, sample)


def test_the_conversion_keeps_alpha() -> None:
    img = swatches("RGBA", [(200, 100, 50, 255), (200, 100, 50, 0)])
    result = process(encoded(img, "PNG", icc_profile=P3), [], "PNG")
    out = Image.open(io.BytesIO(result.getvalue()))
    assert out.mode == "RGBA"
    assert out.getpixel((16, 16))[3] == 255 and out.getpixel((48, 16))[3] == 0
    assert near(out.getpixel((16, 16))[:3], expected_srgb((200, 100, 50), P3_PRIMARIES, 2.2), 2)


def test_a_resized_p3_source_is_converted_too() -> None:
    source = encoded(swatches(), "PNG", icc_profile=P3)
    result = process(source, [ResizeToFit(64, 64)], "PNG")
    out = Image.open(io.BytesIO(result.getvalue())).convert("RGB")
    want = expected_srgb(SAMPLES[0], P3_PRIMARIES, 2.2)
    assert near(out.getpixel((4, 8)), want, 2)


def test_colour_management_can_be_turned_off(colour_management_off) -> None:
    source = encoded(swatches(), "PNG", icc_profile=P3)
    result = process(source, [], "PNG")
    out = Image.open(io.BytesIO(result.getvalue()))
    assert out.info.get("icc_profile") == P3  # django-imagekit's way: kept, not converted
    assert swatch_colours(result.getvalue()) == SAMPLES


@pytest.mark.parametrize("profile", [None, SRGB], ids=["untagged", "srgb"])
@pytest.mark.parametrize("output", ["PNG", "JPEG", "WEBP"])
def test_untagged_and_srgb_sources_are_not_touched(profile, output, colour_management_off) -> None:
    extra = {"icc_profile": profile} if profile else {}
    source = encoded(swatches(), "PNG", **extra)
    unmanaged = process(source, [ResizeToFit(60, 60)], output).getvalue()
    set_config(None)
    managed = process(source, [ResizeToFit(60, 60)], output).getvalue()
    assert managed == unmanaged


def cmyk_jpeg(profile: bytes | None) -> bytes:
    cyan, red = (255, 0, 0, 0), (0, 255, 255, 0)
    img = swatches("CMYK", [cyan, red])
    return encoded(img, "JPEG", quality=95, **({"icc_profile": profile} if profile else {}))


def test_the_cmyk_jpegs_here_are_adobe_inverted() -> None:
    # Pillow writes CMYK as Photoshop does: an Adobe APP14 marker and inverted inks.
    data = cmyk_jpeg(None)
    assert b"Adobe" in data[:200]
    assert Image.open(io.BytesIO(data)).info.get("adobe") is not None


@pytest.mark.parametrize("output", ["JPEG", "WEBP", "PNG"])
def test_a_cmyk_jpeg_with_a_profile_is_converted_through_it(output) -> None:
    result = process(
        cmyk_jpeg(cmyk_profile()), [], output, {"quality": 95} if output != "PNG" else {}
    )
    out = Image.open(io.BytesIO(result.getvalue()))
    assert out.mode == "RGB" and "icc_profile" not in out.info
    cyan, red = swatch_colours(result.getvalue())
    assert near(cyan, PRESS_CYAN, 8), cyan
    assert near(red, (255, 0, 0), 8), red


def test_a_cmyk_jpeg_without_a_profile_stays_cmyk_for_jpeg() -> None:
    result = process(cmyk_jpeg(None), [ResizeToFit(32, 16)], "JPEG")
    assert Image.open(io.BytesIO(result.getvalue())).mode == "CMYK"  # as pilkit saves it


@pytest.mark.parametrize("output", ["WEBP", "PNG"])
def test_a_cmyk_jpeg_without_a_profile_comes_out_with_its_inks(output) -> None:
    result = process(cmyk_jpeg(None), [], output, {"quality": 95} if output != "PNG" else {})
    cyan, red = swatch_colours(result.getvalue())
    assert near(cyan, (0, 255, 255), 8), cyan
    assert near(red, (255, 0, 0), 8), red


@pytest.mark.parametrize("output", ["PNG", "JPEG", "WEBP"])
def test_a_16_bit_gray_png_comes_out_scaled_not_clipped(output) -> None:
    row = b"".join(struct.pack("<H", level) * 16 for level in (0, 16384, 32768, 65535))
    img = Image.frombytes("I;16", (64, 16), row * 16)  # little-endian 16-bit samples
    result = process(encoded(img, "PNG"), [], output)
    out = Image.open(io.BytesIO(result.getvalue()))
    if output == "PNG":
        assert out.mode.startswith("I")  # 16 bits kept
        levels = [out.getpixel((16 * index + 8, 8)) for index in range(4)]
        assert levels == [0, 16384, 32768, 65535]
    else:
        gray = out.convert("L")
        levels = [gray.getpixel((16 * index + 8, 8)) for index in range(4)]
        assert near(levels, [0, 64, 128, 255], 3), levels

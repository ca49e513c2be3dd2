"""The Pillow engine's opening and saving: limits, broken input, autoconvert, transparency and
ICC profiles; and the formats the engine answers the host with, Pillow's registry."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image, ImageCms

from ik_host import formats
from ik_host.config import Limits
from ik_host.errors import SourceImageError, SourceTooLarge, UnknownExtension, UnknownFormat
from ik_host.formats import (
    extension_to_format,
    format_to_extension,
    format_to_mimetype,
    suggest_extension,
)
from ik_processors_pilkit.pillow_io import image_size, image_to_bytes, open_image


def make_image(mode: str = "RGB", size: tuple[int, int] = (64, 48)) -> Image.Image:
    """An image whose left half is red-ish and right half blue-ish, so crops are visible."""
    img = Image.new("RGB", size, (220, 30, 30))
    img.paste((30, 30, 220), (size[0] // 2, 0, size[0], size[1]))
    return img.convert(mode)


def image_bytes(img: Image.Image, format: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    img.save(buffer, format, **options)
    return buffer.getvalue()


def test_opens_path_bytes_and_file_objects(tmp_path: Path) -> None:
    data = image_bytes(make_image(size=(30, 20)), "PNG")
    path = tmp_path / "a.png"
    path.write_bytes(data)
    for source in (str(path), path, data, io.BytesIO(data)):
        img = open_image(source)
        assert img.size == (30, 20)
        assert img.getpixel((0, 0)) == (220, 30, 30)


@pytest.mark.parametrize(
    ("content", "cause"),
    [
        (b"", "empty"),
        (b"<html><body>not an image</body></html>", "not an image"),
        (image_bytes(make_image(size=(300, 200)), "JPEG")[:400], "truncated"),
        (image_bytes(make_image(size=(300, 200)), "PNG")[:120], "truncated"),
    ],
    ids=["zero-bytes", "html-named-jpg", "truncated-jpeg", "truncated-png"],
)
def test_broken_input_names_the_file_and_cause(tmp_path: Path, content: bytes, cause: str) -> None:
    path = tmp_path / "upload.jpg"
    path.write_bytes(content)
    with pytest.raises(SourceImageError) as info:
        open_image(path)
    message = str(info.value)
    assert "upload.jpg" in message
    assert cause in message
    assert info.value.name == str(path)


def test_decompression_bomb_refused_before_decoding(tmp_path: Path) -> None:
    path = tmp_path / "bomb.png"
    Image.new("1", (14_000, 14_000)).save(path)  # 196 Mpx in a few kilobytes
    assert path.stat().st_size < 100_000
    with pytest.raises(SourceTooLarge, match="declares 196000000 pixels, over the limit"):
        open_image(path)


def test_limits_on_bytes_and_frames(tmp_path: Path) -> None:
    frames = [Image.new("L", (8, 8), 40 * index) for index in range(5)]  # distinct: none merge
    path = tmp_path / "anim.gif"
    frames[0].save(path, save_all=True, append_images=frames[1:])
    with pytest.raises(SourceTooLarge, match="5 frames is over the limit of 3"):
        open_image(path, limits=Limits(max_frames=3))
    with pytest.raises(SourceTooLarge, match="bytes is over the limit of 10"):
        open_image(path, limits=Limits(max_bytes=10))
    assert open_image(path, limits=Limits(max_frames=5)).size == (8, 8)


def test_draft_decodes_jpeg_at_reduced_scale() -> None:
    data = image_bytes(make_image(size=(1600, 1200)), "JPEG")
    img = open_image(data, draft=lambda img: (img.size[0] // 4, img.size[1] // 4))
    assert img.size == (400, 300)
    assert open_image(data, draft=lambda img: None).size == (1600, 1200)


def test_format_tables() -> None:
    assert format_to_extension("jpeg") == ".jpg"
    assert format_to_extension("PNG") == ".png"
    assert extension_to_format("JPG") == "JPEG"
    assert extension_to_format(".webp") == "WEBP"
    assert format_to_mimetype("JPEG") == "image/jpeg"
    assert suggest_extension("a/b.jpeg", "JPEG") == ".jpeg"
    assert suggest_extension("a/b.png", "JPEG") == ".jpg"
    assert suggest_extension("a/b.png", None) == ".png"
    with pytest.raises(UnknownFormat):
        format_to_extension("NOPE")
    with pytest.raises(UnknownExtension):
        extension_to_format(".nope")


def _roundtrip(img: Image.Image, format: str) -> Image.Image:
    out = Image.open(image_to_bytes(img, format))
    out.load()
    return out


def _half_transparent(mode: str) -> Image.Image:
    """Left half opaque blue, right half fully transparent."""
    if mode == "P":  # Pillow's RGBA -> P conversion drops alpha, so build the palette by hand
        img = Image.new("P", (20, 10), 1)
        img.putpalette([0, 0, 255, 255, 0, 0])
        img.paste(0, (0, 0, 10, 10))
        img.info["transparency"] = 1
        return img
    img = Image.new("RGBA", (20, 10), (255, 0, 0, 0))
    img.paste((0, 0, 255, 255), (0, 0, 10, 10))
    return img.convert(mode)


@pytest.mark.parametrize("format", ["PNG", "WEBP", "GIF"])
@pytest.mark.parametrize("mode", ["RGBA", "LA", "P"])
def test_transparency_kept_where_the_format_holds_it(format: str, mode: str) -> None:
    out = _roundtrip(_half_transparent(mode), format).convert("RGBA")
    assert out.getpixel((15, 5))[3] == 0
    assert out.getpixel((2, 5))[3] == 255


@pytest.mark.parametrize("mode", ["RGBA", "LA", "P"])
def test_jpeg_flattens_transparency_onto_white(mode: str) -> None:
    out = _roundtrip(_half_transparent(mode), "JPEG")
    assert out.mode in ("RGB", "L")
    assert min(out.convert("RGB").getpixel((15, 5))) > 240  # transparent became white


@pytest.mark.parametrize("mode", ["1", "L", "LA", "P", "RGB", "RGBA", "CMYK", "I;16"])
@pytest.mark.parametrize("format", ["JPEG", "PNG", "WEBP", "GIF"])
def test_every_mode_saves_in_every_format(mode: str, format: str) -> None:
    out = _roundtrip(make_image(mode, (16, 12)), format)
    assert out.size == (16, 12)
    assert out.format == format


def test_sixteen_bit_is_scaled_not_clipped_for_jpeg() -> None:
    img = Image.new("I;16", (8, 8), 0)
    img.putpixel((0, 0), 65535)
    img.putpixel((1, 0), 32768)
    out = _roundtrip(img, "JPEG").convert("L")
    assert out.getpixel((0, 0)) > 240
    assert 100 < out.getpixel((1, 0)) < 160


@pytest.mark.parametrize("format", ["JPEG", "PNG", "WEBP"])
def test_icc_profile_kept(format: str) -> None:
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    img = make_image("RGB", (8, 8))
    img.info["icc_profile"] = profile
    assert _roundtrip(img, format).info.get("icc_profile") == profile


def test_jpeg_huffman_tables_optimised_under_autoconvert_as_pilkit_does() -> None:
    img = make_image("RGB", (320, 240))
    default = image_to_bytes(img, "JPEG", {"quality": 80}).getvalue()
    explicit = image_to_bytes(img, "JPEG", {"quality": 80, "optimize": True}).getvalue()
    plain = image_to_bytes(img, "JPEG", {"quality": 80, "optimize": False}).getvalue()
    assert default == explicit
    assert len(default) < len(plain)
    # Without autoconvert the options are Pillow's own, as in pilkit.
    unconverted = image_to_bytes(img, "JPEG", {"quality": 80}, autoconvert=False).getvalue()
    assert unconverted == plain


# What the host's written-out table answered before the Pillow engine answered for it: name,
# extensions (the one to write first), MIME type, and ``-`` for a format only read.
FORMATS_BEFORE = """
AVIF .avif .avifs image/avif|BLP .blp|BMP .bmp image/bmp|BUFR .bufr|CUR .cur -|DCX .dcx -|DDS .dds
DIB .dib image/bmp|EPS .ps .eps application/postscript|FITS .fit .fits -|FLI .fli .flc -
FTEX .ftc .ftu -|GBR .gbr -|GIF .gif image/gif|GRIB .grib|HDF5 .h5 .hdf|ICNS .icns image/icns
ICO .ico image/x-icon|IM .im|IPTC .iim -|JPEG .jpg .jfif .jpe .jpeg image/jpeg
JPEG2000 .jp2 .j2k .jpc .jpf .jpx .j2c image/jp2|MPEG .mpg .mpeg video/mpeg -|MPO .mpo image/mpo
MSP .msp|PALM .palm image/palm|PCD .pcd -|PCX .pcx image/x-pcx|PDF .pdf application/pdf
PIXAR .pxr -|PNG .png .apng image/png|PPM .pbm .pgm .ppm .pnm .pfm image/x-portable-anymap
PSD .psd image/vnd.adobe.photoshop -|QOI .qoi|SGI .bw .rgb .rgba .sgi image/sgi|SPIDER|SUN .ras -
TGA .tga .icb .vda .vst image/x-tga|TIFF .tif .tiff image/tiff|WEBP .webp image/webp
WMF .wmf .emf|XBM .xbm image/xbm|XPM .xpm image/xpm -
"""


@pytest.mark.parametrize("entry", FORMATS_BEFORE.replace("\n", "|").strip("|").split("|"))
def test_the_pillow_engine_answers_every_format_as_the_hosts_table_did(entry: str) -> None:
    name, *words = entry.split()
    extensions = [word for word in words if word.startswith(".")]
    for extension in extensions:
        assert extension_to_format(extension) == name
        assert extension_to_format(extension.upper().lstrip(".")) == name
    if words[-1:] == ["-"]:
        with pytest.raises(UnknownFormat, match="unknown or unwritable image format"):
            formats.normalize_format(name)
        return
    assert formats.normalize_format(name.lower()) == name
    mimetypes = [word for word in words if "/" in word]
    assert format_to_mimetype(name) == (mimetypes or ["application/octet-stream"])[0]
    if extensions:
        assert format_to_extension(name) == extensions[0]
    else:
        with pytest.raises(UnknownFormat, match="no file extension is known"):
            format_to_extension(name)


def test_the_pillow_engine_answers_every_format_pillow_knows() -> None:
    Image.init()
    for extension, format in Image.registered_extensions().items():
        assert extension_to_format(extension) == format, extension
    for format in Image.SAVE:
        assert formats.normalize_format(format) == format
        assert format_to_mimetype(format) == Image.MIME.get(format, "application/octet-stream")
    assert (formats.normalize_format("jpg"), formats.normalize_format("Tif")) == ("JPEG", "TIFF")


def test_image_size_reads_the_header_only(monkeypatch: pytest.MonkeyPatch) -> None:
    data = image_bytes(make_image(size=(40, 30)), "PNG")
    monkeypatch.setattr(
        Image.Image, "load", lambda self: pytest.fail("image_size decoded the pixels")
    )
    assert image_size(io.BytesIO(data)) == (40, 30)
    with pytest.raises(SourceImageError, match=r"'notes\.jpg'.*a text file"):
        image_size(io.BytesIO(b"just some text"), name="notes.jpg")

"""The host's format lookups stand on the engines' ``ik_image_formats`` answers, asked once per
plugin manager state: a known name costs a dict lookup, a miss asks again (an image library may
have learned the format since), and a changed set of plugins is asked afresh."""

from __future__ import annotations

import pytest

from ik_host import formats, hookimpl
from ik_host.errors import UnknownExtension, UnknownFormat
from ik_host.formats import ImageFormat
from ik_host.testing import only_plugins
from tests.host_fakes import FakeComponents


class CountingFormats:
    """Answers ``formats`` (a list it may grow) and counts the questions."""

    def __init__(self, *known: ImageFormat) -> None:
        self.formats = list(known)
        self.asked = 0

    @hookimpl
    def ik_image_formats(self) -> list[ImageFormat]:
        self.asked += 1
        return self.formats


def test_the_fakes_name_files() -> None:
    with only_plugins(FakeComponents()):
        assert formats.normalize_format("jpg") == "JPEG"
        assert formats.extension_to_format("JPEG") == "JPEG"
        assert formats.format_to_extension("webp") == ".webp"
        assert formats.format_to_mimetype("GIF") == "image/gif"
        assert formats.suggest_extension("photos/a.jpeg", "JPEG") == ".jpeg"
        assert formats.suggest_extension("photos/a.png", "jpg") == ".jpg"
        assert formats.suggest_extension("notes.txt", None) == ""


def test_known_names_ask_the_plugins_once() -> None:
    plugin = CountingFormats(ImageFormat("PNG", (".png",), True, "image/png"))
    with only_plugins(plugin):
        for _ in range(3):
            assert formats.format_to_extension("png") == ".png"
            assert formats.extension_to_format(".PNG") == "PNG"
        assert plugin.asked == 1


def test_a_miss_asks_again_and_keeps_what_it_learns() -> None:
    plugin = CountingFormats()
    with only_plugins(plugin):
        with pytest.raises(UnknownFormat, match="unknown or unwritable image format 'heif'"):
            formats.normalize_format("heif")
        with pytest.raises(UnknownExtension, match="no image format is known for the extension"):
            formats.extension_to_format(".heic")
        plugin.formats.append(ImageFormat("HEIF", (".heic", ".heif"), True))
        assert formats.extension_to_format(".heif") == "HEIF"
        asked = plugin.asked
        assert formats.format_to_mimetype("HEIF") == "application/octet-stream"
        assert formats.format_to_extension("HEIF") == ".heic"
        assert plugin.asked == asked


def test_the_plugins_in_use_are_asked() -> None:
    webp = CountingFormats(ImageFormat("WEBP", (".webp",), True, "image/webp"))
    with only_plugins(webp) as pm:
        assert formats.normalize_format("webp") == "WEBP"
        pm.register(CountingFormats(ImageFormat("tiff", (".TIF", ".tiff"), True, "image/tiff")))
        assert formats.normalize_format("tif") == "TIFF"
        assert formats.extension_to_format(".tif") == "TIFF"
        pm.unregister(webp)
        with pytest.raises(UnknownFormat):
            formats.normalize_format("webp")


def test_read_only_and_extensionless_formats_are_refused_as_before() -> None:
    plugin = CountingFormats(ImageFormat("PSD", (".psd",), False), ImageFormat("SPIDER", (), True))
    with only_plugins(plugin):
        assert formats.extension_to_format("psd") == "PSD"
        with pytest.raises(UnknownFormat, match="unknown or unwritable image format 'psd'"):
            formats.normalize_format("psd")
        with pytest.raises(UnknownFormat, match="no file extension is known for the format"):
            formats.format_to_extension("SPIDER")

"""Formats Pillow learns at run time (pillow-heif's HEIF, say) reach the host's format table
through the ``ik_image_formats`` hook, as pilkit's lookups see them in Pillow's registry."""

from __future__ import annotations

import pytest
from PIL import Image

from ik_host import formats
from ik_host.errors import UnknownExtension, UnknownFormat


@pytest.fixture
def runtime_format():
    """A format registered with Pillow the way pillow-heif registers HEIF."""
    Image.init()
    Image.register_extensions("IKHEIF", [".ikheic", ".ikheif"])
    Image.register_mime("IKHEIF", "image/x-ik-heif")
    Image.register_save("IKHEIF", lambda image, fp, filename: None)
    yield "IKHEIF"
    for extension in (".ikheic", ".ikheif"):
        Image.EXTENSION.pop(extension, None)
    Image.MIME.pop("IKHEIF", None)
    Image.SAVE.pop("IKHEIF", None)


def test_a_format_registered_with_pillow_at_run_time_is_known_to_the_host(runtime_format):
    assert formats.normalize_format("ikheif") == "IKHEIF"
    assert formats.extension_to_format(".IKHEIC") == "IKHEIF"
    assert formats.format_to_extension("IKHEIF") == ".ikheic"
    assert formats.format_to_mimetype("IKHEIF") == "image/x-ik-heif"
    assert formats.suggest_extension("uploads/photo.ikheif", None) == ".ikheif"
    assert formats.suggest_extension("uploads/photo.ikheif", "JPEG") == ".jpg"


def test_read_only_formats_are_not_writable():
    Image.init()
    Image.register_extensions("IKREADONLY", [".ikro"])
    try:
        assert formats.extension_to_format(".ikro") == "IKREADONLY"
        with pytest.raises(UnknownFormat):
            formats.normalize_format("IKREADONLY")
    finally:
        Image.EXTENSION.pop(".ikro", None)


def test_unknown_names_are_still_refused():
    with pytest.raises(UnknownFormat):
        formats.normalize_format("NOSUCHFORMAT")
    with pytest.raises(UnknownExtension):
        formats.extension_to_format(".nosuchext")
    assert formats.suggest_extension("notes.nosuchext", None) == ""

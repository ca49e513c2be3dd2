"""Registration with the host, hashable state, package exports and the utils re-exports."""

from __future__ import annotations

import copy
import io
import pickle
from enum import Enum

import pytest
from PIL import Image

import ik_host.formats
import ik_processors_pilkit
from ik_host.errors import UnknownExtension, UnknownFormat
from ik_host.hashing import canonical_pickle, spec_hash
from ik_host.plugins import make_plugin_manager, use_plugin_manager
from ik_host.records import Processor
from ik_host.registry import get_registry
from ik_processors_pilkit import pilkit_hooks, pilkit_utils, pillow_io
from ik_processors_pilkit.pillow_engine import PillowEngine

EXAMPLES = {
    "ProcessorPipeline": lambda p: p.ProcessorPipeline([p.Adjust(color=0), p.Resize(5, 5)]),
    "Adjust": lambda p: p.Adjust(0.5, 1.2, 0.8, 1.5),
    "Reflection": lambda p: p.Reflection("#000", 0.3, 0.5),
    "Transpose": lambda p: p.Transpose(p.Transpose.ROTATE_90, p.Transpose.FLIP_VERTICAL),
    "MakeOpaque": lambda p: p.MakeOpaque((0, 0, 0)),
    "SetOpacity": lambda p: p.SetOpacity(0.5),
    "GaussianBlur": lambda p: p.GaussianBlur(2),
    "Convert": lambda p: p.Convert("L"),
    "TrimBorderColor": lambda p: p.TrimBorderColor([1, 2, 3], 0.2, [p.Side.TOP]),
    "Crop": lambda p: p.Crop(5, 5, anchor=[0.2, 0.8]),
    "SmartCrop": lambda p: p.SmartCrop(5, 5),
    "Resize": lambda p: p.Resize(5, 5, upscale=False),
    "ResizeToCover": lambda p: p.ResizeToCover(5, 5),
    "ResizeToFill": lambda p: p.ResizeToFill(5, 5, p.Anchor.TOP),
    "SmartResize": lambda p: p.SmartResize(5, 5),
    "ResizeCanvas": lambda p: p.ResizeCanvas(9, 9, color=[1, 2, 3], x=1),
    "AddBorder": lambda p: p.AddBorder([1, 2, 3, 4], "red"),
    "ResizeToFit": lambda p: p.ResizeToFit(5, 5, mat_color=0),
    "Thumbnail": lambda p: p.Thumbnail(5, 5),
    "ColorOverlay": lambda p: p.ColorOverlay("red", 0.3),
    "ImageOverlay": lambda p: p.ImageOverlay(Image.new("RGBA", (2, 2)), opacity=0.5),
}


def test_hook_registers_every_processor_with_pilkit_alias():
    records = pilkit_hooks.ik_register_processors()
    assert all(isinstance(record, Processor) for record in records)
    names = [record.name for record in records]
    assert sorted(names) == sorted(EXAMPLES)
    for record in records:
        assert record.obj is getattr(ik_processors_pilkit, record.name)
        assert record.aliases == (f"pilkit.processors.{record.name}",)
        assert callable(record.obj.process)
    assert "Anchor" not in names and "Side" not in names


def test_entry_point_loads_and_registry_resolves_names_and_aliases(monkeypatch):
    # Load this distribution's entry point alone: other installed plugins need their own setup.
    monkeypatch.setenv("IK_HOST_LOAD_PLUGINS", "processors_pilkit")
    pm = make_plugin_manager()
    assert pm.plugin_info["processors_pilkit"].distribution == "ik-processors-pilkit"
    use_plugin_manager(pm)
    try:
        registry = get_registry("processor")
        assert registry.resolve("ResizeToFill") is ik_processors_pilkit.ResizeToFill
        assert registry.resolve("pilkit.processors.Thumbnail") is ik_processors_pilkit.Thumbnail
        # The host's default engine comes from this distribution alone: no ik-defaults needed.
        assert get_registry("engine").resolve("pillow") is PillowEngine
    finally:
        use_plugin_manager(None)


def test_without_this_plugin_the_default_engine_names_what_to_install(monkeypatch):
    monkeypatch.setenv("IK_HOST_LOAD_PLUGINS", "defaults")
    use_plugin_manager(make_plugin_manager())
    try:
        with pytest.raises(LookupError, match="pip install ik-processors-pilkit"):
            get_registry("engine").resolve("pillow")
    finally:
        use_plugin_manager(None)


def plain(value: object) -> bool:
    """Whether ``value`` is the kind of data the host can hash canonically."""
    if value is None or isinstance(value, (bool, int, float, str, bytes, Enum)):
        return True
    if isinstance(value, (tuple, list)):
        return all(plain(item) for item in value)
    if isinstance(value, dict):
        return all(plain(item) for item in value.values())
    return all(plain(item) for item in vars(value).values())


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_state_is_plain_and_hashes_stably(name):
    processor = EXAMPLES[name](ik_processors_pilkit)
    twin = EXAMPLES[name](ik_processors_pilkit)
    assert plain(processor)
    assert spec_hash(processor) == spec_hash(twin)


def test_different_arguments_hash_differently():
    p = ik_processors_pilkit
    assert spec_hash(p.ResizeToFill(5, 5)) != spec_hash(p.ResizeToFill(5, 6))
    assert spec_hash(p.Crop(5, 5, anchor="t")) != spec_hash(p.Crop(5, 5, anchor="b"))
    # As in django-imagekit, whose pickle writes a list and a tuple differently.
    assert spec_hash(p.Crop(5, 5, anchor=[0, 1])) != spec_hash(p.Crop(5, 5, anchor=(0, 1)))


def test_processors_hash_as_pilkit_classes_with_pilkit_state():
    p = ik_processors_pilkit
    data = canonical_pickle(p.ResizeCanvas(9, 8, x=1))
    assert b"cpilkit.processors.resize\nResizeCanvas\n" in data
    assert b"ik_processors_pilkit" not in data
    # pilkit's derived attributes: the default colour, y = 0, no anchor.
    assert b"I255\nI255\nI255\nI0\nt" in data and b"Vy\np" in data
    assert b"cpilkit.processors.filter\nGaussianBlur\n" in canonical_pickle(p.GaussianBlur(1))
    # Not in pilkit 3.0: pickled as ours.
    assert b"cik_processors_pilkit.pilkit_base\nSetOpacity\n" in canonical_pickle(p.SetOpacity(0.5))


def test_a_changed_processor_hashes_differently():
    p = ik_processors_pilkit
    processor = p.ResizeToFill(5, 5)
    before = spec_hash(processor)
    processor.width = 6
    assert spec_hash(processor) != before
    assert b"I6\n" in canonical_pickle(processor)


class Square(ik_processors_pilkit.ResizeToFill):
    def __init__(self, side: int) -> None:
        super().__init__(side, side, anchor=[0, 1])
        self.side = side


def test_a_subclass_hashes_as_itself_with_pilkit_state():
    data = canonical_pickle(Square(4))
    assert f"c{__name__}\nSquare\n".encode() in data
    assert b"Vside\n" in data and b"Vanchor\n" in data and b"(lp" in data


def test_package_exports():
    for name in ik_processors_pilkit.__all__:
        assert getattr(ik_processors_pilkit, name) is not None
    assert set(EXAMPLES) | {"Anchor", "Side", "__version__"} == set(ik_processors_pilkit.__all__)


def test_utils_reexports_the_host_implementation():
    for name in ("open_image", "save_image", "image_to_bytes"):
        assert getattr(pilkit_utils, name) is getattr(pillow_io, name)
    for name in (
        "format_to_extension",
        "extension_to_format",
        "format_to_mimetype",
        "suggest_extension",
    ):
        assert getattr(pilkit_utils, name) is getattr(ik_host.formats, name)
    assert (
        pilkit_utils.UnknownFormat is UnknownFormat
        and pilkit_utils.UnknownExtension is UnknownExtension
    )
    assert pilkit_utils.format_to_extension("JPEG") == ".jpg"
    assert pilkit_utils.extension_to_format(".png") == "PNG"
    with pytest.raises(UnknownExtension):
        pilkit_utils.extension_to_format(".nope")


def test_img_to_fobj_takes_pilkit_arguments():
    img = Image.new("RGBA", (8, 8), (255, 0, 0, 128))
    png = pilkit_utils.img_to_fobj(img, "PNG")
    assert isinstance(png, io.BytesIO) and png.tell() == 0
    assert Image.open(png).mode == "RGBA"
    small = pilkit_utils.img_to_fobj(Image.effect_noise((64, 64), 50), "JPEG", quality=5).getvalue()
    large = pilkit_utils.img_to_fobj(Image.effect_noise((64, 64), 50), "JPEG", True, quality=95)
    assert len(small) < len(large.getvalue())


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_hash_survives_pickling_and_copying(name):
    # A spec sent to a worker (pickled) or copied must name the same file.
    processor = EXAMPLES[name](ik_processors_pilkit)
    assert spec_hash(pickle.loads(pickle.dumps(processor))) == spec_hash(processor)
    assert spec_hash(copy.deepcopy(processor)) == spec_hash(processor)

"""Registers every processor with the host under its pilkit class name, and the Pillow engine
as ``"pillow"`` (the host's default engine).

The ``pilkit.processors.<Name>`` aliases let settings written for pilkit or django-imagekit
resolve without pilkit installed.
"""

from __future__ import annotations

from PIL import Image

import ik_processors_pilkit
from ik_host import hookimpl
from ik_host.formats import EXTENSIONS, ImageFormat
from ik_host.records import Engine, Processor
from ik_processors_pilkit.pillow_engine import PillowEngine

# Every exported class with process() is a processor; Anchor and Side are helpers.
PROCESSOR_CLASSES: tuple[type, ...] = tuple(
    obj
    for obj in (getattr(ik_processors_pilkit, name) for name in ik_processors_pilkit.__all__)
    if isinstance(obj, type) and hasattr(obj, "process")
)


def _summary(cls: type) -> str:
    return (cls.__doc__ or "").strip().splitlines()[0] if cls.__doc__ else ""


@hookimpl
def ik_register_processors() -> list[Processor]:
    return [
        Processor(
            name=cls.__name__,
            obj=cls,
            aliases=(f"pilkit.processors.{cls.__name__}",),
            description=_summary(cls),
        )
        for cls in PROCESSOR_CLASSES
    ]


@hookimpl
def ik_register_engines() -> list[Engine]:
    return [Engine("pillow", PillowEngine, description="decode, process and encode with Pillow")]


@hookimpl
def ik_image_formats() -> list[ImageFormat]:
    """The formats Pillow knows now that the host's table lacks: those of Pillow plugins
    registered at run time (pillow-heif's HEIF, say)."""
    Image.init()
    extensions: dict[str, list[str]] = {}
    for extension, name in Image.registered_extensions().items():
        if name not in EXTENSIONS:
            extensions.setdefault(name, []).append(extension)
    return [
        ImageFormat(name, tuple(exts), name in Image.SAVE, Image.MIME.get(name))
        for name, exts in extensions.items()
    ]

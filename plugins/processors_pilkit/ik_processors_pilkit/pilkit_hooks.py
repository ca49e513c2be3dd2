"""Registers every processor with the host under its pilkit class name, and the Pillow engine
as ``"pillow"`` (the host's default engine); answers the host's image formats from Pillow's
registry.

The ``pilkit.processors.<Name>`` aliases let settings written for pilkit or django-imagekit
resolve without pilkit installed.
"""

from __future__ import annotations

from PIL import Image

import ik_processors_pilkit
from ik_host import hookimpl
from ik_host.formats import ImageFormat
from ik_host.records import Engine, Processor
from ik_processors_pilkit.pilkit_utils import DEFAULT_EXTENSIONS
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
    """Every format Pillow knows now, those its plugins registered at run time (pillow-heif's
    HEIF, say) included, by name; the first extension of each is the one pilkit writes."""
    Image.init()
    extensions: dict[str, list[str]] = {name: [] for name in Image.SAVE}
    for extension, name in Image.registered_extensions().items():
        extensions.setdefault(name, []).append(extension)
    for name, preferred in DEFAULT_EXTENSIONS.items():
        if preferred in extensions.get(name, ()):
            extensions[name].remove(preferred)
            extensions[name].insert(0, preferred)
    return [
        ImageFormat(name, tuple(extensions[name]), name in Image.SAVE, Image.MIME.get(name))
        for name in sorted(extensions)
    ]

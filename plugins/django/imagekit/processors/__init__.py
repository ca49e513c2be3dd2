"""``imagekit.processors``: every processor the installed processor plugins register.

The pilkit set (from ``ik-processors-pilkit``) is re-exported by name; a processor another
plugin registers is found in the host's processor registry on first use, so
``from imagekit.processors import Sepia`` works once its plugin is installed.
"""

from __future__ import annotations

from typing import Any

from ik_host.registry import get_registry
from ik_processors_pilkit.base import (
    Adjust,
    Anchor,
    Convert,
    GaussianBlur,
    MakeOpaque,
    ProcessorPipeline,
    Reflection,
    SetOpacity,
    Transpose,
)
from ik_processors_pilkit.crop import Crop, Side, SmartCrop, TrimBorderColor
from ik_processors_pilkit.overlay import ColorOverlay, ImageOverlay
from ik_processors_pilkit.resize import (
    AddBorder,
    Resize,
    ResizeCanvas,
    ResizeToCover,
    ResizeToFill,
    ResizeToFit,
    SmartResize,
    Thumbnail,
)


def __getattr__(name: str) -> Any:
    if not name.startswith("_"):
        registry = get_registry("processor")
        if name in registry:
            return registry.get(name).obj
    raise AttributeError(
        f"module {__name__!r} has no attribute {name!r}; no installed plugin registers a "
        "processor by that name (`python -m ik_host plugins` lists them)"
    )


__all__ = [
    "AddBorder",
    "Adjust",
    "Anchor",
    "ColorOverlay",
    "Convert",
    "Crop",
    "GaussianBlur",
    "ImageOverlay",
    "MakeOpaque",
    "ProcessorPipeline",
    "Reflection",
    "Resize",
    "ResizeCanvas",
    "ResizeToCover",
    "ResizeToFill",
    "ResizeToFit",
    "SetOpacity",
    "Side",
    "SmartCrop",
    "SmartResize",
    "Thumbnail",
    "Transpose",
    "TrimBorderColor",
]

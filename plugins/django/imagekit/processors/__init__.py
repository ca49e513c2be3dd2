"""``imagekit.processors``: every processor the installed processor plugins register.

The pilkit set (from ``ik-processors-pilkit``) is re-exported by name; a processor another
plugin registers is found in the host's processor registry on first use, so
``from imagekit.processors import Sepia`` works once its plugin is installed.
"""

from __future__ import annotations

from ik_processors_pilkit.pilkit_base import (
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
from ik_processors_pilkit.pilkit_crop import Crop, Side, SmartCrop, TrimBorderColor
from ik_processors_pilkit.pilkit_overlay import ColorOverlay, ImageOverlay
from ik_processors_pilkit.pilkit_resize import (
    AddBorder,
    Resize,
    ResizeCanvas,
    ResizeToCover,
    ResizeToFill,
    ResizeToFit,
    SmartResize,
    Thumbnail,
)
from imagekit.registry import module_exports

__getattr__ = module_exports(__name__, "processor", {})

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

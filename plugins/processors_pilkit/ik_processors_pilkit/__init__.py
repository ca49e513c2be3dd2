"""pilkit's processors, written anew on current Pillow, as an ``ik_host`` plugin.

Every processor has ``process(img) -> img``; the resizing and cropping ones also have
``size_hint(source_size)`` (see ``resize``) and ``output_size(source_size)``.
"""

# Gives the processors above django-imagekit's cache-file hashes; imported for that effect.
from ik_processors_pilkit import _hash_identity  # noqa: F401
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

__version__ = "0.1.0"

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
    "TrimBorderColor",
    "Transpose",
    "__version__",
]

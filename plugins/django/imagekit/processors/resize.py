"""``imagekit.processors.resize``: pilkit's resizing processors (from ``ik-processors-pilkit``)."""

from __future__ import annotations

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

__all__ = [
    "AddBorder",
    "Resize",
    "ResizeCanvas",
    "ResizeToCover",
    "ResizeToFill",
    "ResizeToFit",
    "SmartResize",
    "Thumbnail",
]

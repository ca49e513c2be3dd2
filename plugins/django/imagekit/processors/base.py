"""``imagekit.processors.base``: pilkit's general processors (from ``ik-processors-pilkit``)."""

from __future__ import annotations

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

__all__ = [
    "Adjust",
    "Anchor",
    "Convert",
    "GaussianBlur",
    "MakeOpaque",
    "ProcessorPipeline",
    "Reflection",
    "SetOpacity",
    "Transpose",
]

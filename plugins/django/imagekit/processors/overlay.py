"""``imagekit.processors.overlay``: pilkit's overlay processors (from ``ik-processors-pilkit``)."""

from __future__ import annotations

from ik_processors_pilkit.overlay import ColorOverlay, ImageOverlay

__all__ = ["ColorOverlay", "ImageOverlay"]

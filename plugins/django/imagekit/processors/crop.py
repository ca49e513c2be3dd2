"""``imagekit.processors.crop``: pilkit's cropping processors (from ``ik-processors-pilkit``)."""

from __future__ import annotations

from ik_processors_pilkit.crop import Crop, Side, SmartCrop, TrimBorderColor, detect_border_color

__all__ = ["Crop", "Side", "SmartCrop", "TrimBorderColor", "detect_border_color"]

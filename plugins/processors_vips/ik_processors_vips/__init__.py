"""A libvips image engine for ``ik_host``: pick it with ``engine = "vips"`` on a spec."""

from ik_processors_vips.vips_engine import VipsEngine

__version__ = "0.1.0"

__all__ = ["VipsEngine", "__version__"]

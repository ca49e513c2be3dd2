"""imagekit: django-imagekit's Django app, on the ik_host plugin host.

Add ``'imagekit'`` to ``INSTALLED_APPS``; existing django-imagekit code, settings and templates
keep working. The work is done by ik_host plugins; this package holds the Django side.
"""

from __future__ import annotations

from imagekit.registry import register, unregister
from imagekit.specs import ImageSpec

__version__ = "0.1.0"

__all__ = ["ImageSpec", "__version__", "register", "unregister"]

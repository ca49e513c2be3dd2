"""``imagekit.processors.overlay``: pilkit's overlay processors, from ``ik-processors-pilkit``.

This module is ``ik_processors_pilkit.pilkit_overlay`` itself, for the reason
``imagekit.processors.base`` gives.
"""

from __future__ import annotations

import sys

from ik_processors_pilkit import pilkit_overlay

sys.modules[__name__] = pilkit_overlay

"""``imagekit.processors.resize``: pilkit's resizing processors, from ``ik-processors-pilkit``.

This module is ``ik_processors_pilkit.pilkit_resize`` itself, for the reason
``imagekit.processors.base`` gives.
"""

from __future__ import annotations

import sys

from ik_processors_pilkit import pilkit_resize

sys.modules[__name__] = pilkit_resize

"""``imagekit.processors.crop``: pilkit's cropping processors, from ``ik-processors-pilkit``.

This module is ``ik_processors_pilkit.pilkit_crop`` itself, for the reason
``imagekit.processors.base`` gives.
"""

from __future__ import annotations

import sys

from ik_processors_pilkit import pilkit_crop

sys.modules[__name__] = pilkit_crop

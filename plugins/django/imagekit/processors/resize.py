"""``imagekit.processors.resize``: pilkit's resizing processors, from ``ik-processors-pilkit``.

This module is that plugin's ``ik_processors_pilkit.pilkit_resize`` itself, not a copy of its
names, as ``pilkit.processors.resize`` is the module pilkit's classes live in: patching a name
here (as pilkit's and users' tests patch ``SmartResize``) changes what the module's own code
(such as ``Thumbnail``) uses.
"""

from __future__ import annotations

import sys

from ik_processors_pilkit import pilkit_resize

sys.modules[__name__] = pilkit_resize

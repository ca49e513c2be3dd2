"""ik_host: a small plugin host for image processing.

Plugins register processors, namers, strategies, backends, storages and state caches through
the hooks in ``ik_host.hookspecs``; ``ik_host.registry`` resolves their names.
"""

import pluggy

from ik_host.hookspecs import PROJECT

__version__ = "0.1.0"

hookimpl = pluggy.HookimplMarker(PROJECT)

__all__ = ["__version__", "hookimpl"]

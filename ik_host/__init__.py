"""ik_host: a small plugin host for image processing.

Plugins register processors, namers, strategies, backends, storages and state caches through
the hooks in ``ik_host.hookspecs``; ``ik_host.registry`` resolves their names. What each of
those objects must (and may) do is in ``ik_host.protocols``: import it from there (it is not
re-exported here, so that ``import ik_host`` stays as light as every plugin needs it).
"""

import pluggy

from ik_host.hookspecs import PROJECT

__version__ = "0.1.0"

hookimpl = pluggy.HookimplMarker(PROJECT)

__all__ = ["__version__", "hookimpl"]

"""ik_host: a small plugin host for image processing: hooks in ``ik_host.hookspecs``, contracts
in ``ik_host.protocols`` (not re-exported, so ``import ik_host`` stays light)."""

import pluggy

from ik_host.hookspecs import PROJECT

__version__ = "0.1.0"

hookimpl = pluggy.HookimplMarker(PROJECT)

__all__ = ["__version__", "hookimpl"]

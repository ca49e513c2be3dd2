"""An example processor plugin for ``ik_host``: ``Sepia``."""

from ik_example_sepia.sepia import Sepia

__version__ = "0.1.0"

__all__ = ["Sepia", "__version__"]

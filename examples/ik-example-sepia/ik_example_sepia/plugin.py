"""The hookimpls the ``ik_host`` entry point of this distribution names."""

from __future__ import annotations

from ik_host import hookimpl
from ik_host.records import Processor

from ik_example_sepia.sepia import Sepia


@hookimpl
def ik_register_processors() -> list[Processor]:
    return [
        Processor(
            name="Sepia",
            obj=Sepia,
            # A dotted alias lets settings and `resolve()` name it the long way too.
            aliases=("ik_example_sepia.Sepia",),
            description="old-photograph brown tones, blended with the original by `strength`",
        )
    ]

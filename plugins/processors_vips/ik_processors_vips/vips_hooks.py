"""Registers the ``vips`` engine with the host."""

from __future__ import annotations

from ik_host import hookimpl
from ik_host.records import Engine
from ik_processors_vips.vips_engine import VipsEngine


@hookimpl
def ik_register_engines() -> list[Engine]:
    return [
        Engine(
            "vips",
            VipsEngine,
            description="libvips with shrink-on-load for the resize/crop processors; "
            "Pillow for the rest",
        )
    ]

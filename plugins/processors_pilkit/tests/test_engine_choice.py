"""Engines are chosen by name, per spec or by the configuration; the default is this
distribution's Pillow engine (moved here from the host's ``test_hooks.py``)."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from PIL import Image

from ik_host import hookimpl, protocols
from ik_host.records import Engine
from ik_host.specs import ImageSpec
from ik_processors_pilkit.pillow_engine import PillowEngine
from tests.protocol_checks import signature_problems


class Spec(ImageSpec):
    format = "PNG"


def _source(name: str) -> io.BytesIO:
    source = io.BytesIO()
    Image.new("RGB", (20, 10), (220, 30, 30)).save(source, "PNG")
    source.seek(0)
    source.name = name
    return source


def test_registered_engine_is_chosen_per_spec_and_by_config(
    register_plugin: Callable[..., Any],
) -> None:
    from ik_host.records import Engine  # noqa: PLC0415

    calls: list[str] = []

    class Recording(PillowEngine):
        def generate(self, job: Any) -> Any:
            calls.append(job.name)
            return super().generate(job)

    class Engines:
        @hookimpl
        def ik_register_engines(self) -> list[Engine]:
            return [Engine("recording", Recording)]

    register_plugin(Engines())

    class Recorded(Spec):
        engine = "recording"

    assert Recorded(source=_source("a.png")).generate().width == 20
    assert Spec(source=_source("b.png")).generate().width == 20  # the default: pillow
    assert calls == ["a.png"]


def test_the_pillow_engine_fills_the_engine_contract() -> None:
    engine = PillowEngine()
    assert isinstance(engine, protocols.Engine)
    assert signature_problems(engine, protocols.Engine) == []

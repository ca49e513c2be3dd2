"""ImageSpec.output_size: the size a spec makes, from its processors' geometry, without pixels."""

from __future__ import annotations

from typing import Any

from ik_host.specs import ImageSpec
from ik_processors_pilkit.pilkit_base import Adjust
from ik_processors_pilkit.pilkit_resize import ResizeToFill, ResizeToFit


class Blur:
    def process(self, image: Any) -> Any:
        return image


def spec(*processors: Any) -> ImageSpec:
    made = ImageSpec(source=None)
    made.processors = list(processors)
    return made


def test_rescaling_processors_chain_their_sizes() -> None:
    assert spec(ResizeToFill(100, 50)).output_size((200, 120)) == (100, 50)
    assert spec(ResizeToFit(100, 100)).output_size((200, 120)) == (100, 60)
    assert spec(ResizeToFit(100, 100), ResizeToFill(30, 30)).output_size((200, 120)) == (30, 30)


def test_neutral_processors_keep_the_size() -> None:
    assert spec(Adjust(contrast=1.2), ResizeToFit(50, 50)).output_size((200, 100)) == (50, 25)
    assert spec().output_size((7, 9)) == (7, 9)


def test_a_processor_without_geometry_makes_it_unknown() -> None:
    assert spec(ResizeToFit(50, 50), Blur()).output_size((200, 100)) is None

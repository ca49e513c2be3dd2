"""decode_once: several specs of one source, generated together, decode it once."""

from __future__ import annotations

import io
import random
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat

from ik_host.config import Limits
from ik_host.errors import SourceImageError
from ik_host.specs import ImageSpec
from ik_processors_pilkit import Adjust, ResizeToFill, ResizeToFit, Transpose
from ik_processors_pilkit.pillow_engine import decode_once, shared_draft_size


def photo_like(size: tuple[int, int]) -> Image.Image:
    """Grain over flat colour: detail every decode scale loses a little of."""
    grain = random.Random(7).randbytes(size[0] * size[1])
    img = Image.frombytes("L", size, grain).point(lambda v: 74 + v * 108 // 255).convert("RGB")
    img.paste((40, 90, 200), (0, 0, size[0] // 3, size[1]))
    return img


def spec_class(*processors, output: str = "PNG", limits: Limits | None = None) -> type:
    class Spec(ImageSpec):
        pass

    Spec.processors = list(processors)
    Spec.format = output
    Spec.limits = limits
    return Spec


SPECS = [
    spec_class(ResizeToFill(120, 90)),
    spec_class(Transpose(), ResizeToFit(400, 400)),
    spec_class(ResizeToFit(60, 60), output="JPEG"),
]


@pytest.fixture
def photo(tmp_path: Path) -> Path:
    path = tmp_path / "photo.jpg"
    photo_like((1600, 1200)).save(path, "JPEG", quality=90)
    return path


def generate_all(specs, source) -> list[Image.Image]:
    return [Image.open(io.BytesIO(spec.generate().getvalue())) for spec in specs]


def test_specs_of_one_source_decode_it_once(photo, decodes, monkeypatch):
    given = []  # the size of the image each ResizeToFill gets
    original = ResizeToFill.process
    monkeypatch.setattr(ResizeToFill, "process", lambda self, img: given.append(img.size)
                        or original(self, img))
    alone = generate_all([cls(source=str(photo)) for cls in SPECS], photo)
    assert len(decodes) == 3
    decodes.clear()

    specs = [cls(source=str(photo)) for cls in SPECS]
    with decode_once(specs):
        together = generate_all(specs, photo)
    # One decode, at the scale the most demanding spec needs (1/2 for 400 px from 1600 px);
    # the crop to 120x90, drafted at 1/4 alone, gets that decode reduced to 1/4.
    assert decodes == [(800, 600)]
    assert given == [(400, 300), (400, 300)]
    for one, other in zip(alone, together, strict=True):
        assert one.size == other.size and one.format == other.format
        difference = ImageStat.Stat(ImageChops.difference(one.convert("RGB"),
                                                          other.convert("RGB"))).mean
        assert max(difference) < 2, difference  # grey levels: only the decode scale differs


def test_a_spec_that_needs_the_whole_source_gets_it(photo, decodes):
    specs = [spec_class(ResizeToFill(50, 50))(source=str(photo)),
             spec_class(Adjust(contrast=1.2))(source=str(photo))]
    with decode_once(specs):
        small, full = generate_all(specs, photo)
    assert decodes == [(1600, 1200)]
    assert small.size == (50, 50) and full.size == (1600, 1200)


def test_other_sources_and_other_limits_decode_on_their_own(tmp_path, photo, decodes):
    other = tmp_path / "other.jpg"
    photo_like((800, 600)).save(other, "JPEG")
    strict = Limits(max_pixels=1000)
    specs = [SPECS[0](source=str(photo)), SPECS[2](source=str(photo))]
    with decode_once(specs):
        generate_all(specs, photo)
        generate_all([SPECS[0](source=str(other))], other)
        with pytest.raises(SourceImageError, match=r"photo\.jpg"):
            spec_class(ResizeToFill(10, 10), limits=strict)(source=str(photo)).generate()
    assert len(decodes) == 2  # the shared one, then the other source; the strict one refused


class _FitSizedFromDecode(ResizeToFit):
    """``ResizeToFit`` as a rescaler that sizes from the decode's own size would be."""

    sizes_from_extent = False


def test_the_shared_scale_changes_no_output_size():
    # At 1/8 (501x282), a fit to 175x175 sized from the decode gives 175x99; 175x98 in full.
    lists = [[ResizeToFill(40, 30)], [_FitSizedFromDecode(175, 175)]]
    assert shared_draft_size(lists, (4001, 2251)) == (1000, 562)  # 1/4, good for both
    # ResizeToFit sizes from the source's exact extent (500.125x281.375): 1/8 keeps 175x98.
    lists = [[ResizeToFill(40, 30)], [ResizeToFit(175, 175)]]
    assert shared_draft_size(lists, (4001, 2251)) == (500, 281)
    assert shared_draft_size([[ResizeToFill(40, 30)]], (4001, 2251)) == (500, 281)
    assert shared_draft_size([[ResizeToFill(40, 30)], [Adjust(color=0)]], (4001, 2251)) is None


def test_a_broken_source_fails_every_spec_naming_it(tmp_path, photo):
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(photo.read_bytes()[:500])
    specs = [cls(source=str(broken)) for cls in SPECS]
    with decode_once(specs):
        for spec in specs:
            with pytest.raises(SourceImageError, match=r"broken\.jpg"):
                spec.generate()

"""Large resamples in strips on several threads: the same pixels, on more than one thread."""

from __future__ import annotations

import array
import multiprocessing
import threading
from collections.abc import Sequence

import pytest
from PIL import Image, ImageDraw

from ik_host.config import get_config, set_config
from ik_processors_pilkit import ResizeToFill, ResizeToFit, _strips

LANCZOS = Image.Resampling.LANCZOS


@pytest.fixture
def threads():
    """Set ``image_threads`` for the test; the configuration is restored after it."""

    def use(count: int | None) -> None:
        set_config(get_config().replace(image_threads=count))

    yield use
    set_config(None)


def busy(size: tuple[int, int], mode: str = "RGB") -> Image.Image:
    img = Image.linear_gradient("L").resize(size).convert("RGB")
    draw = ImageDraw.Draw(img)
    for x in range(0, size[0], 37):
        draw.line([(x, 0), (x + size[1] // 2, size[1])], fill=(230, 40, 90), width=5)
    if mode == "I;16":
        return img.convert("I").point(lambda v: v * 200).convert("I;16")
    return img.convert(mode)


def threads_used(monkeypatch) -> set[str]:
    names: set[str] = set()
    original = Image.Image.resize

    def recording(self, *args, **kwargs):
        names.add(threading.current_thread().name)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Image.Image, "resize", recording)
    return names


@pytest.mark.parametrize("mode", ["RGB", "RGBA", "L", "LA", "CMYK", "I;16", "I", "F"])
@pytest.mark.parametrize("box", [(0, 0, 1400, 1000), (101.5, 37.25, 1333.3, 999.75)])
def test_strips_give_the_one_piece_pixels(threads, mode, box):
    threads(3)
    img = busy((1400, 1000), mode)
    img.info["dpi"] = (72, 72)
    whole = img.resize((611, 437), LANCZOS, box=box)
    striped = _strips.resize(img, (611, 437), LANCZOS, box)
    assert striped.mode == whole.mode and striped.size == whole.size
    assert striped.info == img.info
    differences = [abs(a - b) for a, b in zip(values(whole), values(striped), strict=True)]
    assert max(differences) <= 1  # one level (8-bit), one unit (16/32-bit), or less (float)
    assert sum(1 for d in differences if d > 0.01) < len(differences) / 100


def values(img: Image.Image) -> Sequence[float]:
    typecode = {"F": "f", "I": "i", "I;16": "H"}.get(img.mode)
    if typecode is None:
        return img.tobytes()
    numbers = array.array(typecode)
    numbers.frombytes(img.tobytes())
    return numbers


def test_a_large_resample_runs_on_several_threads(threads, monkeypatch):
    threads(2)
    img = busy((2000, 1400))
    names = threads_used(monkeypatch)
    assert ResizeToFit(800, 800).process(img).size == (800, 560)
    assert len(names) == 2 and any(name.startswith("ik-resample") for name in names)


def test_one_thread_when_configured_so_or_when_small(threads, monkeypatch):
    names = threads_used(monkeypatch)
    threads(1)
    ResizeToFit(800, 800).process(busy((2000, 1400)))
    threads(4)
    ResizeToFill(100, 100).process(busy((400, 300)))  # 120,000 pixels: not worth it
    assert names == {threading.current_thread().name}


def test_the_default_is_the_usable_cores_up_to_four(threads):
    threads(None)
    assert 1 <= _strips.image_threads() <= _strips.MAX_THREADS
    threads(3)
    assert _strips.image_threads() == 3


def _resample_in_child(queue) -> None:
    set_config(get_config().replace(image_threads=2))
    queue.put(ResizeToFit(500, 500).process(busy((2000, 1400))).size)


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="no fork()")
def test_a_forked_child_starts_its_own_threads(threads):
    threads(2)
    ResizeToFit(500, 500).process(busy((2000, 1400)))  # the parent's pool is running
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_resample_in_child, args=(queue,))
    child.start()
    child.join(timeout=60)
    assert child.exitcode == 0, "the child hung or failed resampling in strips"
    assert queue.get(timeout=5) == (500, 350)

"""Large Lanczos resamples, in horizontal strips on several threads.

Decoding a JPEG cannot be split, but the resample after it can: Pillow lets go of the GIL while
it resamples, so the strips of one result run on as many cores (``image_threads`` in the host
configuration; by default the cores this process may use, at most ``MAX_THREADS``). Each strip
is the resample of the rows of the whole result it covers, its filter reading the source rows
around them as the one-piece resample would; they match it to within a rounding step of the
filter's positions (one level, on 0.01-0.4% of the values). The calling thread does one strip
itself. Below ``MIN_PIXELS`` handing out strips costs more than it saves.
"""

from __future__ import annotations

import itertools
import os
import threading
from concurrent.futures import Future, ThreadPoolExecutor

from PIL import Image

from ik_host.config import get_config, usable_cores

Box = tuple[float, float, float, float]

MAX_THREADS = 4
# Source pixels (in the box) under which one thread is quicker than handing out strips.
MIN_PIXELS = 400_000
# Result rows each strip should have at least, so the filter's overlap stays small.
MIN_ROWS = 32

# The pool the strips run on, with its number of workers.
_pool: tuple[int, ThreadPoolExecutor] | None = None
_pool_lock = threading.Lock()


def image_threads() -> int:
    """How many threads one image's resample may use."""
    configured = get_config().image_threads
    if configured is not None:
        return configured
    return max(1, min(MAX_THREADS, usable_cores()))


def resize(img: Image.Image, size: tuple[int, int], resample: int, box: Box) -> Image.Image:
    """``img.resize(size, resample, box)``, in strips when it is large enough to gain."""
    threads = min(image_threads(), size[1] // MIN_ROWS)
    if threads < 2 or (box[2] - box[0]) * (box[3] - box[1]) < MIN_PIXELS:
        return img.resize(size, resample, box=box)
    x0, y0, x1, y1 = box
    step = (y1 - y0) / size[1]  # source rows per result row
    cuts = [size[1] * index // threads for index in range(threads + 1)]
    strips = list(itertools.pairwise(cuts))
    # Pillow resamples LA and RGBA premultiplied, converting the whole image each time it is
    # asked: once here, not once per strip.
    premultiplied = _PREMULTIPLIED.get(img.mode)
    source = img.convert(premultiplied) if premultiplied else img

    def strip(top: int, bottom: int) -> Image.Image:
        return source.resize(
            (size[0], bottom - top), resample, box=(x0, y0 + top * step, x1, y0 + bottom * step)
        )

    pool = _shared_pool(threads - 1)
    later: list[Future[Image.Image]] = [pool.submit(strip, *rows) for rows in strips[1:]]
    first = strip(*strips[0])
    result = Image.new(first.mode, size)
    result.paste(first, (0, 0))
    for (top, _), future in zip(strips[1:], later, strict=True):
        result.paste(future.result(), (0, top))
    if premultiplied:
        result = result.convert(img.mode)
    result.info = dict(img.info)  # as img.resize() keeps it
    return result


_PREMULTIPLIED = {"LA": "La", "RGBA": "RGBa"}


def _shared_pool(workers: int) -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None or _pool[0] < workers:
            if _pool is not None:
                _pool[1].shutdown(wait=False)  # its queued strips still run
            _pool = (workers, ThreadPoolExecutor(workers, thread_name_prefix="ik-resample"))
        return _pool[1]


def _forget_pool() -> None:
    # A forked child has none of its parent's threads: it starts its own pool when it needs one.
    global _pool, _pool_lock
    _pool, _pool_lock = None, threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_pool)

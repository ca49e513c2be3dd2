"""A progress bar for ``generateimages``: count, rate and ETA, on a terminal only.

tqdm draws it when installed (``pip install tqdm``); otherwise a one-line fallback does. When
the stream is not a terminal (a pipe, a log file, ``call_command`` in tests) nothing is drawn.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO


def _tqdm() -> Any:
    try:
        return importlib.import_module("tqdm").tqdm
    except ImportError:
        return None


def is_terminal(stream: Any) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # a closed stream
        return False


class Progress:
    """Counts work done; draws nothing unless ``make_progress`` found a terminal."""

    def update(self, count: int = 1) -> None:
        pass

    @contextmanager
    def printing(self) -> Iterator[None]:
        """Wrap other output to the terminal so the bar does not garble it."""
        yield

    def close(self) -> None:
        pass


class TqdmProgress(Progress):
    def __init__(self, tqdm: Any, total: int, stream: TextIO, description: str) -> None:
        self.bar = tqdm(
            total=total, file=stream, unit="file", desc=description, dynamic_ncols=True,
            mininterval=0.2, smoothing=0.1,
        )
        self.stream = stream

    def update(self, count: int = 1) -> None:
        self.bar.update(count)

    @contextmanager
    def printing(self) -> Iterator[None]:
        with self.bar.external_write_mode(file=self.stream):
            yield

    def close(self) -> None:
        self.bar.close()


class LineProgress(Progress):
    """``  37/120 files  12.3/s  ETA 0:07`` rewritten in place, at most five times a second."""

    def __init__(self, total: int, stream: TextIO, description: str) -> None:
        self.total = total
        self.stream = stream
        self.description = description
        self.done = 0
        self.started = time.monotonic()
        self.drawn_at = 0.0
        self.width = 0
        self.draw()

    def update(self, count: int = 1) -> None:
        self.done += count
        if time.monotonic() - self.drawn_at >= 0.2 or self.done >= self.total:
            self.draw()

    def line(self) -> str:
        elapsed = max(time.monotonic() - self.started, 1e-9)
        rate = self.done / elapsed
        if self.done and rate > 0:
            eta = format_seconds((self.total - self.done) / rate)
        else:
            eta = "?"
        return (
            f"{self.description}: {self.done}/{self.total} files  {rate:.1f} files/s  "
            f"elapsed {format_seconds(elapsed)}  ETA {eta}"
        )

    def draw(self) -> None:
        text = self.line()
        self.stream.write("\r" + text.ljust(self.width))
        self.stream.flush()
        self.width = len(text)
        self.drawn_at = time.monotonic()

    def erase(self) -> None:
        self.stream.write("\r" + " " * self.width + "\r")
        self.stream.flush()

    @contextmanager
    def printing(self) -> Iterator[None]:
        self.erase()
        try:
            yield
        finally:
            self.draw()

    def close(self) -> None:
        self.draw()
        self.stream.write("\n")
        self.stream.flush()


def format_seconds(seconds: float) -> str:
    seconds = round(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


def make_progress(total: int, stream: Any, description: str, *, enabled: bool = True) -> Progress:
    """A bar on ``stream`` if it is a terminal (and ``enabled``), else one that draws nothing."""
    if not enabled or total <= 0 or not is_terminal(stream):
        return Progress()
    tqdm = _tqdm()
    if tqdm is not None:
        return TqdmProgress(tqdm, total, stream, description)
    return LineProgress(total, stream, description)


__all__ = ["LineProgress", "Progress", "TqdmProgress", "format_seconds", "make_progress"]

"""The progress bar of ``generateimages``: tqdm's, on a terminal, when tqdm is installed
(``pip install ik-django[progress]``); otherwise none. A pipe, a log file or ``call_command``
in tests gets no bar either.
"""

from __future__ import annotations

import importlib
from contextlib import AbstractContextManager, nullcontext
from typing import Any


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
    """A bar that may draw nothing (``bar`` None); the command uses it the same way."""

    def __init__(self, bar: Any = None, stream: Any = None) -> None:
        self.bar = bar
        self.stream = stream

    def update(self, count: int = 1) -> None:
        if self.bar is not None:
            self.bar.update(count)

    def printing(self) -> AbstractContextManager[Any]:
        """Wrap other output to the terminal so that the bar does not garble it."""
        if self.bar is None:
            return nullcontext()
        return self.bar.external_write_mode(file=self.stream)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def make_progress(total: int, stream: Any, description: str) -> Progress:
    """tqdm's bar on ``stream`` if it is a terminal and tqdm is installed, else no bar."""
    tqdm = _tqdm() if total > 0 and is_terminal(stream) else None
    if tqdm is None:
        return Progress()
    bar = tqdm(
        total=total, file=stream, unit="file", desc=description, dynamic_ncols=True,
        mininterval=0.2, smoothing=0.1,
    )
    return Progress(bar, stream)


__all__ = ["Progress", "make_progress"]

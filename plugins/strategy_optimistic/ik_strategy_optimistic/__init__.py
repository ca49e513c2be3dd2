"""The Optimistic cache-file strategy."""

from __future__ import annotations

from typing import Any


class Optimistic:
    """Generate when the source is saved; assume the file exists on every access."""

    def on_source_saved(self, file: Any) -> None:
        file.generate()


__all__ = ["Optimistic"]

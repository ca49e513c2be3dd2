"""The Optimistic cache-file strategy."""

from __future__ import annotations

from typing import Any


class Optimistic:
    """Generate when the source is saved; assume the file exists on every access."""

    def on_source_saved(self, file: Any) -> None:
        file.generate()

    def should_verify_existence(self, file: Any) -> bool:
        """Never: a cache file is truthy without asking the backend or the storage."""
        return False


__all__ = ["Optimistic"]

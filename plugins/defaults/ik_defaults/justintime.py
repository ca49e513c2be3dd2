"""The default cache-file strategy."""

from __future__ import annotations

from typing import Any


class JustInTime:
    """Generate a cache file the moment its existence or its content is needed."""

    def on_existence_required(self, file: Any) -> None:
        file.generate()

    def on_content_required(self, file: Any) -> None:
        file.generate()

"""Cases the pilkit tests draw from at import time (parametrize lists, hypothesis strategies,
helper classes), so they cannot be fixtures of ``conftest.py``; test modules import this one by
its dotted path from the repository root (they cannot import each other)."""

from __future__ import annotations

import io

from hypothesis import strategies as st

from ik_processors_pilkit import Anchor

# The modes pilkit's processors meet in practice; "P+t" is a palette with a transparent index.
MODES = ["1", "L", "LA", "P+t", "RGB", "RGBA", "CMYK", "I;16"]

ANCHOR_NAMES = [
    Anchor.TOP_LEFT,
    Anchor.TOP,
    Anchor.TOP_RIGHT,
    Anchor.LEFT,
    Anchor.CENTER,
    Anchor.RIGHT,
    Anchor.BOTTOM_LEFT,
    Anchor.BOTTOM,
    Anchor.BOTTOM_RIGHT,
]

# Colour arguments as the processors take them: none, a tuple, a hex string with alpha, a name.
colors = st.none() | st.sampled_from([(0, 0, 0), "#ff000080", (10, 200, 30, 255), "white"])


class CountingStream(io.BytesIO):
    """A stream that counts the bytes read from it: how far a header reader went."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.read_bytes = 0

    def read(self, size: int | None = -1, /) -> bytes:
        data = super().read(size)
        self.read_bytes += len(data)
        return data

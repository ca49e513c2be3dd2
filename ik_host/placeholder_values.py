"""A placeholder's value: what an engine computes and a record keeps (a leaf: no host imports)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

PLACEHOLDER_KINDS = ("thumbhash", "blurhash", "color")
NO_PLACEHOLDER = "none"

_COLOR = re.compile(r"#[0-9a-f]{6}")
# The only data URL kept: it goes into a style attribute, so a value from a cache or a database
# must not be able to close the url() and add CSS of its own.
_DATA_URL = re.compile(r"data:image/png;base64,[A-Za-z0-9+/]+=*")
# Neither a hash (base64, base83) nor a data URL holds a space: one joins the parts in a record.
_SEPARATOR = " "


@dataclass(frozen=True)
class Placeholder:
    """A placeholder of one ``kind``: its ``value`` (a ThumbHash in base64, a BlurHash, or
    ``"#rrggbb"``) and, for the hashes, ``data_url``, the hash decoded to a tiny PNG."""

    kind: str
    value: str
    data_url: str = ""

    def __post_init__(self) -> None:
        if self.kind not in PLACEHOLDER_KINDS:
            raise ValueError(
                f"placeholder kind {self.kind!r}: one of {', '.join(PLACEHOLDER_KINDS)}"
            )
        if self.kind == "color":
            if not _COLOR.fullmatch(self.value):
                raise ValueError(
                    f"a color placeholder is '#rrggbb' in lower case, not {self.value!r}"
                )
        elif not self.value or not _DATA_URL.fullmatch(self.data_url):
            raise ValueError(
                f"a {self.kind} placeholder needs its value and a data:image/png;base64 URL"
            )
        if any(_SEPARATOR in part for part in (self.value, self.data_url)):
            raise ValueError(f"a placeholder's value and data URL hold no space: {self.value!r}")

    def css(self) -> str:
        """A CSS ``background`` value: the colour, or the tiny image stretched to cover."""
        if self.kind == "color":
            return self.value
        return f"url({self.data_url}) center / cover no-repeat"

    def dump(self) -> str:
        """One string for a record (state cache, record table); ``load`` reads it back."""
        return _SEPARATOR.join(part for part in (self.kind, self.value, self.data_url) if part)

    @classmethod
    def load(cls, text: Any) -> Placeholder | None:
        """The placeholder ``dump`` wrote; None for anything else (an older or foreign value)."""
        if not isinstance(text, str):
            return None
        try:
            return cls(*text.split(_SEPARATOR))
        except (TypeError, ValueError):
            return None

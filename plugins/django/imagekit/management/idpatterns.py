"""Generator-id patterns for ``generateimages``.

Ids are colon-separated (``myapp:profile:avatar_thumbnail``). In a pattern ``*`` matches within
one segment (``myapp:*:avatar_thumbnail``) and ``**`` across segments (``myapp:**``); everything
else matches itself. As in django-imagekit, a pattern also selects the ids that continue it after
a colon: ``myapp:*`` selects ``myapp:profile:avatar_thumbnail`` too, and a plain id
``myapp:profile`` every id under it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable


def compile_pattern(pattern: str) -> re.Pattern[str]:
    parts = []
    for piece in re.split(r"(\*\*|\*)", pattern):
        if piece == "**":
            parts.append(".*")
        elif piece == "*":
            parts.append("[^:]*")
        else:
            parts.append(re.escape(piece))
    return re.compile("".join(parts) + r"(?::.*)?\Z")


def match_ids(patterns: Iterable[str], ids: Iterable[str]) -> tuple[list[str], list[str]]:
    """(the ids any pattern matches, in the order given; the patterns that match nothing)."""
    ids = list(ids)
    selected: dict[str, None] = {}
    unmatched = []
    for pattern in patterns:
        regex = compile_pattern(pattern)
        hits = [generator_id for generator_id in ids if regex.match(generator_id)]
        if not hits:
            unmatched.append(pattern)
        selected.update(dict.fromkeys(hits))
    return list(selected), unmatched

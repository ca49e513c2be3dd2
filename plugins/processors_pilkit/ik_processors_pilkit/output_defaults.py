"""The Pillow engine's output settings: per-format save defaults, colour management, and the
engine's own keys in a spec's ``options``.

Save options are merged, the later winning: ``FORMAT_DEFAULTS``, then the configuration's
``Config.extra["image_output"]["format_options"]`` (Django: ``IMAGEKIT_FORMAT_OPTIONS``), then the
spec's own ``options``. The built-in defaults cover AVIF and WebP only, chosen by
``bench/format_defaults.py`` (docs/formats.md): JPEG, PNG and GIF are saved as pilkit saves
them, so a django-imagekit spec keeps its bytes.
"""

from __future__ import annotations

from typing import Any

from ik_host.config import get_config
from ik_host.formats import normalize_format

FORMAT_DEFAULTS: dict[str, dict[str, Any]] = {
    "AVIF": {"quality": 65, "speed": 8},
    "WEBP": {"quality": 82, "method": 4},
}

# Keys of a spec's ``options`` the engine reads and never hands to the encoder.
# ``exif_transpose``: turn the source upright from its EXIF orientation before the processors
# (as a leading ``Transpose()``), so the reported width and height are the upright ones.
ENGINE_KEYS = frozenset({"exif_transpose"})

# The configuration's section (``Config.extra``) these settings live in.
CONFIG_SECTION = "image_output"
_SECTION_KEYS = frozenset({"format_options", "color_management"})


def _section() -> dict[str, Any]:
    section = get_config().extra.get(CONFIG_SECTION) or {}
    unknown = set(section) - _SECTION_KEYS
    if unknown:
        raise TypeError(
            f"Config.extra[{CONFIG_SECTION!r}] has unknown keys {sorted(unknown)}; "
            f"known: {sorted(_SECTION_KEYS)}"
        )
    return section


def color_management() -> bool:
    """Whether sources with a non-sRGB profile are converted to sRGB (default: yes)."""
    return bool(_section().get("color_management", True))


def configured_format_options() -> dict[str, dict[str, Any]]:
    """The built-in defaults with the configuration's per-format options over them."""
    merged = {fmt: dict(values) for fmt, values in FORMAT_DEFAULTS.items()}
    for fmt, values in (_section().get("format_options") or {}).items():
        if not isinstance(values, dict):
            raise TypeError(
                f"format options for {fmt!r} must be a dict of save options, got {values!r}"
            )
        merged.setdefault(normalize_format(fmt), {}).update(values)
    return merged


def split_options(options: dict[str, Any] | None) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(engine, save)``: a spec's options the engine reads, and those the encoder gets."""
    options = options or {}
    engine = {key: value for key, value in options.items() if key in ENGINE_KEYS}
    save = {key: value for key, value in options.items() if key not in ENGINE_KEYS}
    return engine, save


def save_options(format: str, options: dict[str, Any]) -> dict[str, Any]:
    """The options to save ``format`` with: the defaults for it, ``options`` winning."""
    merged = dict(configured_format_options().get(normalize_format(format), {}))
    merged.update(options)
    return merged

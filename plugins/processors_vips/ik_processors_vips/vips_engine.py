"""``VipsEngine``: the host's ``generate`` on libvips, handing to Pillow whatever it cannot do.

A job runs on vips when every processor has a vips version (see ``_plan``), the source is a
single-frame JPEG, PNG or WebP in L, LA, RGB or RGBA (8 bits) within the limits, and the output
is JPEG, PNG or WebP with options vips can honour (see ``_save``). When the first processor
shrinks the image, vips streams the source straight into that resample: a JPEG decoded at the
DCT scale the Pillow engine would draft it at (``pillow_engine.draft_scale``), a WebP
scaled on load. A 24-megapixel source never exists in memory at full size. The ``exif_transpose``
option (``{% picture %}``'s renditions) is the upright turn the plan makes of ``Transpose(AUTO)``.
A job asking for a placeholder gets the Pillow engine's, computed from the encoded result.

Everything else, including every broken source, goes whole to the ``PillowEngine``:
the output is then exactly the Pillow engine's, and so are the errors (``SourceImageError`` and
``SourceTooLarge`` naming the file).
"""

from __future__ import annotations

import functools
import io
import logging
from dataclasses import replace
from typing import Any

from PIL import Image

from ik_host.config import Limits
from ik_host.errors import UnknownFormat
from ik_host.formats import normalize_format
from ik_host.paths import source_name
from ik_host.placeholder_values import NO_PLACEHOLDER
from ik_host.records import GeneratedImage, Job
from ik_processors_pilkit.icc_srgb import is_srgb
from ik_processors_pilkit.output_defaults import color_management, save_options, split_options
from ik_processors_pilkit.pillow_engine import PillowEngine, draft_scale, engine_processors
from ik_processors_vips import _vips
from ik_processors_vips._plan import Unsupported, make_plan
from ik_processors_vips._save import NATIVE, encode
from ik_processors_vips._source import Source, locate, read_header

logger = logging.getLogger("ik_processors_vips")

# Source formats vips decodes here. MPO is a JPEG with more pictures after it, read as JPEG.
_SOURCE_FORMATS = {"JPEG", "MPO", "PNG", "WEBP"}
# What Pillow raises on a header it cannot read (as the Pillow engine's open_image catches).
_UNREADABLE = (OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError)


class VipsEngine:
    """Decode, process and encode with libvips; ``PillowEngine`` for anything it does not do."""

    def __init__(self) -> None:
        self.fallback = PillowEngine()

    def generate(self, job: Job) -> GeneratedImage:
        name = job.name or source_name(job.source)
        hand_over = functools.partial(self._hand_over, job=replace(job, name=name))
        # Whatever is wrong with a source, the Pillow engine says it in the host's terms.
        try:
            path, data = locate(job.source)
        except Exception as exc:
            return hand_over(job.source, exc)
        original = path if path is not None else data  # a stream is read by now
        try:
            located = read_header(path, data)
        except _UNREADABLE as exc:
            return hand_over(original, exc)
        # ``exif_transpose`` puts an upright turn first, which the plan does as Transpose(AUTO).
        processors = engine_processors(job.processors, job.options)
        save = split_options(job.options)[1]
        try:
            made = self._generate(
                located, processors, job.format, save, job.autoconvert, job.limits
            )
        except (Unsupported, _vips.error_type()) as exc:
            return hand_over(original, exc)
        return self._with_placeholder(made, job.placeholder, name)

    def _with_placeholder(
        self, made: GeneratedImage, kind: str, name: str | None
    ) -> GeneratedImage:
        # vips computes none itself: the Pillow engine's, from the encoded result as the stored
        # file gives it (a small image, decoded at its draft scale), so both engines agree.
        if kind != NO_PLACEHOLDER:
            made.placeholder = self.fallback.placeholder(
                io.BytesIO(made.getvalue()), kind, name=name
            )
        return made

    def image_size(self, file: Any, *, name: str | None = None) -> tuple[int, int]:
        """``(width, height)`` from the header of ``file``, as the Pillow engine reads it."""
        return self.fallback.image_size(file, name=name)

    def _hand_over(self, source: Any, reason: Exception, *, job: Job) -> GeneratedImage:
        logger.debug("vips engine: %r handed to Pillow: %s", job.name, str(reason).strip())
        return self.fallback.generate(replace(job, source=source))

    def _generate(
        self,
        located: Source,
        processors: list[Any],
        format: str | None,
        options: dict[str, Any] | None,
        autoconvert: bool,
        limits: Limits,
    ) -> GeneratedImage:
        _check_source(located, limits)
        requested = format or located.format or "JPEG"
        try:
            output_format = normalize_format(requested)
        except UnknownFormat as exc:
            raise Unsupported(str(exc)) from exc
        if output_format not in NATIVE:
            raise Unsupported(f"saving as {output_format}")
        alpha = located.mode in ("LA", "RGBA")
        plan = make_plan(processors, located.size, located.orientation, alpha)
        if located.format == "PNG" and _vips.header(located.path, located.data).format != "uchar":
            # Pillow reads 16-bit RGB(A) PNGs as 8-bit, which its header does not show.
            raise Unsupported("a 16-bit PNG")
        shrink = None
        swapped = plan.autorotate and (located.orientation or 1) >= 5
        if plan.load_size is not None and located.format in ("JPEG", "MPO"):
            width, height = plan.load_size
            stored_target = (height, width) if swapped else (width, height)
            # The DCT scale the Pillow engine drafts at: one knob for both engines.
            shrink = draft_scale(located.size, stored_target)
        img = _vips.load(
            located.path,
            located.data,
            stored=located.size,
            size=plan.load_size,
            upright=plan.autorotate,
            shrink=shrink,
            swapped=swapped,
        )
        if img.format != "uchar" or img.bands != _vips.BANDS[located.mode]:
            raise Unsupported(f"{img.bands} bands of {img.format} for mode {located.mode}")
        img, mode = _vips.run(img, located.mode, plan.steps)
        if (img.width, img.height) != plan.size:  # never expected; Pillow has the last word
            raise Unsupported(f"vips made {img.width}x{img.height}, not {plan.size}")
        options = save_options(output_format, options or {})  # the Pillow engine's defaults
        img, data = encode(img, mode, output_format, options, autoconvert)
        return GeneratedImage(data, format=requested.upper(), width=img.width, height=img.height)


def _check_source(located: Source, limits: Limits) -> None:
    if not located.within(limits):
        raise Unsupported("over the limits (the Pillow engine refuses it, naming the limit)")
    icc = located.icc_profile
    if icc and color_management() and not is_srgb(icc):
        raise Unsupported("a profile other than sRGB (the Pillow engine converts the colours)")
    if located.format not in _SOURCE_FORMATS:
        raise Unsupported(f"{located.format} sources")
    if located.frames > 1 and located.format != "MPO":
        raise Unsupported(f"{located.frames} frames")
    if located.mode not in _vips.BANDS or located.colour_key:
        raise Unsupported(
            f"mode {located.mode}" + (" with a colour key" if located.colour_key else "")
        )

"""A picture set in one decode: the Pillow engine's ``generate_set`` (a ``SetEngine``).

The renditions of a picture share their source and differ in width and format. The source is
decoded once, at the JPEG DCT scale the largest rendition still needs, and turned upright once;
the largest width is made from that decode by its own processors, and each smaller width is
resampled from the next larger one (a pyramid), with the same Lanczos resample a rendition made
alone gets, where that shows the same region of the source. Each width is then encoded in each
of its formats, each job on its own (on ``image_threads`` threads), so one failing encode does
not lose the others.
"""

from __future__ import annotations

import contextvars
import pickle
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from fractions import Fraction
from typing import Any

from PIL import Image

from ik_host.errors import IKError, ProcessingError
from ik_host.paths import source_key, source_name
from ik_host.records import GeneratedImage, Job
from ik_processors_pilkit._modes import resample
from ik_processors_pilkit._strips import image_threads
from ik_processors_pilkit.output_defaults import split_options
from ik_processors_pilkit.pilkit_resize import Resize, ResizeToFill, ResizeToFit, Thumbnail
from ik_processors_pilkit.pillow_engine import (
    UPRIGHT,
    _box_after,
    _encode,
    _flat,
    _scaled_box,
    decode,
    engine_processors,
    jpeg_draft_scale,
    process_job,
    run_processors,
    shared_draft_size,
)
from ik_processors_pilkit.pillow_io import exif_orientation

Box = tuple[float, float, float, float]
Outcome = GeneratedImage | Exception


def generate_set(jobs: Sequence[Job]) -> list[Outcome]:
    """Each job's image, or the exception its processing or encoding raised, in job order.

    Jobs of one source (and limits) share one decode; any other set, or a job keeping an
    animation (``save_all``), is generated job by job. A source that cannot be decoded raises.
    """
    if not _one_source(jobs):
        return [_alone(job) for job in jobs]
    lists = [engine_processors(job.processors, job.options) for job in jobs]
    img, box = _decode_for(jobs[0], lists)
    source_format = img.format
    img, box, lists = _upright_once(img, box, lists, jobs[0].name)
    pixels = _renditions(img, box, lists, jobs[0].name)
    return _encode_all(list(zip(jobs, pixels, strict=True)), source_format)


def _encode_all(pairs: list[tuple[Job, Any]], source_format: str | None) -> list[Outcome]:
    """Each job's pixels encoded, on ``image_threads`` threads: Pillow's encoders let go of
    the GIL, and the set's encodes are independent. The largest start first."""

    threads = min(image_threads(), len(pairs))

    def encode(pair: tuple[Job, Any]) -> Outcome:
        job, made = pair
        if isinstance(made, Exception):
            return made
        # Pillow's save keeps its options on the image (``encoderinfo``): formats of one width
        # saved at once must not share one image object.
        return _encoded(job, made.copy() if threads > 1 else made, source_format)

    if threads < 2:
        return [encode(pair) for pair in pairs]
    order = sorted(range(len(pairs)), key=lambda index: -_pixels_of(pairs[index][1]))
    # Each encode in a copy of the caller's context: what it set (a configuration's
    # override, a request's) holds in the threads too.
    contexts = [contextvars.copy_context() for _ in order]
    with ThreadPoolExecutor(threads, thread_name_prefix="ik-picture-set") as pool:
        made = pool.map(lambda context, index: context.run(encode, pairs[index]), contexts, order)
        done = dict(zip(order, made, strict=True))
    return [done[index] for index in range(len(pairs))]


def _pixels_of(made: Any) -> int:
    return 0 if isinstance(made, Exception) else made.width * made.height


def _alone(job: Job) -> Outcome:
    try:
        return process_job(job)
    except Exception as exc:  # the job's own failure, kept with it
        return exc


def _one_source(jobs: Sequence[Job]) -> bool:
    if len(jobs) < 2:
        return False
    first = jobs[0]
    key = source_key(first.source, first.name or source_name(first.source))
    return key is not None and all(
        source_key(job.source, job.name or source_name(job.source)) == key
        and job.limits == first.limits
        and not split_options(job.options)[1].get("save_all")
        for job in jobs
    )


def _decode_for(job: Job, lists: list[list[Any]]) -> tuple[Image.Image, Box | None]:
    """The source decoded once, at the finest scale any of the lists needs; its source box
    when drafted (``pillow_engine.source_box``)."""
    drafted: list[Box] = []

    def draft(img: Image.Image) -> tuple[int, int] | None:
        wanted = shared_draft_size(lists, img.size, exif_orientation(img))
        if wanted is not None:
            drafted.append(_scaled_box(img.size, jpeg_draft_scale(img.size, wanted)))
        return wanted

    img = decode(job.source, name=job.name, limits=job.limits, draft=draft)
    return img, (drafted[0] if drafted else None)


def _upright_once(
    img: Image.Image, box: Box | None, lists: list[list[Any]], name: str | None
) -> tuple[Image.Image, Box | None, list[list[Any]]]:
    """When every list starts by turning the image upright, it is turned once here."""
    firsts = [next(_flat(processors), None) for processors in lists]
    if not all(getattr(first, "size_role", None) == UPRIGHT for first in firsts):
        return img, box, lists
    upright = run_processors(img, [firsts[0]], name, box)
    if box is not None:
        box = _box_after(firsts[0], img, upright, box)
    rest = [list(_flat(processors))[1:] for processors in lists]
    return upright, box, rest


def _renditions(
    img: Image.Image, box: Box | None, lists: list[list[Any]], name: str | None
) -> list[Image.Image | Exception]:
    """The processed image of each list, largest first; equal lists share one image."""
    keys = [_list_key(processors) for processors in lists]
    unique = {key: processors for key, processors in zip(keys, lists, strict=True)}
    sized = sorted(unique.items(), key=lambda item: -_area(_output(item[1], img, box)))
    made: dict[Any, Image.Image | Exception] = {}
    larger: tuple[Any, Image.Image] | None = None  # the last pyramid level: (region, image)
    for key, processors in sized:
        region = _region(processors)
        target = _output(processors, img, box)
        try:
            if larger is not None and _from_larger(region, target, larger):
                made[key] = resample(larger[1], target)
            else:
                made[key] = run_processors(img.copy(), processors, name, box)
        except Exception as exc:  # a processor's failure is that rendition's
            made[key] = exc if isinstance(exc, IKError) else _named(exc, name)
            continue
        if region is not None and not isinstance(made[key], Exception):
            larger = (region, made[key])
    return [made[key] for key in keys]


def _named(exc: Exception, name: str | None) -> Exception:
    error = ProcessingError(f"resampling {name or '<unnamed>'!r} failed: {exc}")
    error.__cause__ = exc
    return error


def _from_larger(region: Any, target: tuple[int, int] | None, larger: tuple[Any, Any]) -> bool:
    """Whether ``target`` can be resampled from the larger level: the same region of the
    source, no larger, at the same shape within a pixel."""
    if region is None or target is None or region != larger[0]:
        return False
    width, height = larger[1].size
    if target[0] > width or target[1] > height:
        return False
    return abs(width * target[1] - height * target[0]) <= max(width, height)


def _region(processors: list[Any]) -> Any:
    """What part of the source one rescaling processor shows, as a comparable key: all of it,
    or a crop at an anchor; None for anything else (a smart crop, a mat, several steps)."""
    if len(processors) != 1:
        return None
    processor = processors[0]
    if isinstance(processor, Thumbnail):
        processor = processor.delegate()
    if isinstance(processor, Resize) or (
        isinstance(processor, ResizeToFit) and processor.mat_color is None
    ):
        return ("whole",)
    if isinstance(processor, ResizeToFill):
        return ("fill", processor.anchor)
    return None


def _output(processors: list[Any], img: Image.Image, box: Box | None) -> tuple[int, int] | None:
    """The size ``processors`` make of ``img``, from their geometry alone; None if unknown.
    The first sees a drafted decode's exact extent where it sizes from it, as when run."""
    size: Any = img.size
    for index, processor in enumerate(processors):
        output_size = getattr(processor, "output_size", None)  # a RescalingProcessor
        if output_size is None:
            return None
        seen = size
        if index == 0 and box is not None and getattr(processor, "sizes_from_extent", False):
            seen = (Fraction(box[2] - box[0]), Fraction(box[3] - box[1]))
        size = output_size(seen)
    return (int(size[0]), int(size[1]))


def _area(size: tuple[int, int] | None) -> int:
    return 0 if size is None else size[0] * size[1]


def _list_key(processors: list[Any]) -> Any:
    # Equal processors (another format of the same width) give equal pixels.
    try:
        return pickle.dumps(processors)
    except Exception:  # an unpicklable processor: a list of its own
        return id(processors)


def _encoded(job: Job, img: Image.Image, source_format: str | None) -> Outcome:
    save = split_options(job.options)[1]
    output_format = job.format or source_format or "JPEG"
    try:
        return _encode([img], output_format, save, job.autoconvert, job.name, None, job.placeholder)
    except Exception as exc:  # this job's failure only
        return exc


__all__ = ["generate_set"]

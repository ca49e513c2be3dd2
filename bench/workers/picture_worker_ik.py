"""A picture set per source with this project: ``ik_pictures.pictures.picture_set``, the
plain-Python API, through the default ``Simple`` backend into a filesystem storage in a scratch
directory.

Runs in bench/.envs/ik (the project installed from the checkout)::

    python picture_worker_ik.py SETTINGS MODE OUT SCRATCH IMAGE...

SETTINGS: ``pillow`` (Pillow's own defaults, given explicitly: AVIF q75 speed 6, WebP q80
method 4, JPEG q75 without optimize, as django-pictures saves them) or ``own`` (the project's
format defaults). MODE: ``together`` (the default: a missing set made from one decode) or
``alone`` (each rendition made on its own, for comparison). OUT: a folder to copy every
rendition into (``-``: none). The answer: seconds per source (wall, CPU) and bytes per format.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from _bench import answer

from ik_defaults.cached_backends import Simple
from ik_defaults.filesystem_storage import FileSystemStorage
from ik_defaults.statecache import MemoryStateCache
from ik_host.config import Config, set_config
from ik_host.specs import ImageSpec
from ik_pictures.pictures import picture_set
from ik_pictures.source_facts import forget_source_facts
from ik_processors_pilkit import Thumbnail

WIDTHS = [400, 800, 1200]
MODERN = ["AVIF", "WEBP"]  # and JPEG, the family of an opaque source's <img>
PILLOW_DEFAULTS = {
    "AVIF": {"quality": 75, "speed": 6},
    "WEBP": {"quality": 80, "method": 4},
    "JPEG": {"quality": 75, "optimize": False},
}


class Rendition(ImageSpec):
    """What ``{% picture %}`` makes (``imagekit:picture``): a thumbnail of the upright source."""

    options = {"exif_transpose": True}

    def __init__(self, source=None, width=None, height=None, format=None, **options):
        self.processors = [Thumbnail(width, height, **options)]
        self.format = format
        super().__init__(source)


class OneByOne(Simple):
    """``Simple``, without saying it makes files on request: each rendition is made alone."""

    makes_in_request = False


def configure(settings: str, mode: str, media: Path) -> None:
    extra = {"image_output": {"format_options": PILLOW_DEFAULTS}} if settings == "pillow" else {}
    backend = OneByOne() if mode == "alone" else "simple"
    storage = FileSystemStorage(str(media), "/media/")
    set_config(
        Config(storage=storage, state_cache=MemoryStateCache(), backend=backend, extra=extra)
    )
    forget_source_facts()


def make_set(name: str):
    return picture_set(name, WIDTHS[0], generator=Rendition, widths=WIDTHS, formats=MODERN)


def stored(path: str, media: str) -> str:
    """The source copied into ``media`` (the working directory from now on), as an upload is
    stored before anything is made of it; its name there, which the files are named from."""
    shutil.copyfile(path, Path(media) / Path(path).name)
    os.chdir(media)
    return Path(path).name


def candidates(pictures) -> list:
    return [*pictures.sources["image/avif"], *pictures.sources["image/webp"], *pictures.img_srcset]


def main(settings: str, mode: str, out: str, scratch: str, images: list[str]) -> None:
    images = [os.path.abspath(each) for each in images]
    out = out if out == "-" else os.path.abspath(out)
    with tempfile.TemporaryDirectory(dir=scratch) as warm:
        configure(settings, mode, Path(warm))
        make_set(stored(images[0], warm))  # untimed: imports, codecs, the file cache
    seconds, cpu, sizes = [], [], {}
    for path in images:
        with tempfile.TemporaryDirectory(dir=scratch) as media:
            configure(settings, mode, Path(media))
            name = stored(path, media)
            start, start_cpu = time.perf_counter(), time.process_time()
            pictures = make_set(name)
            seconds.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
            made = candidates(pictures)
            if len(made) != 9:
                raise SystemExit(f"{path}: {len(made)} renditions made, not 9")
            for each in made:
                sizes.setdefault(each.mime, []).append(each.file.size)
                if out != "-":
                    name = f"{Path(path).stem}-{each.width}.{each.mime.split('/')[1]}"
                    target = Path(out) / name
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(Path(media, each.file.name).read_bytes())
    answer({"seconds": seconds, "cpu": cpu, "bytes": sizes, "images": images})


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:])

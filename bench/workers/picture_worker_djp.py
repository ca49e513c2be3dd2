"""A picture set per source with django-pictures, as it makes one when a ``PictureField`` is
saved: its ``process_picture`` (the ``PICTURES["PROCESSOR"]`` it calls, a Django task run by
the immediate task backend), given the renditions to make as its ``PillowPicture``s, into a
``FileSystemStorage`` in a scratch directory.

Runs in bench/.envs/pictures (django-pictures 1.7.5 from PyPI, Python 3.12: 2.x needs 3.14)::

    python picture_worker_djp.py OUT SCRATCH IMAGE...

The same widths and formats as picture_worker_ik.py. django-pictures saves with Pillow's
defaults (AVIF q75 speed 6, WebP q80, JPEG q75); it takes no quality setting.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

import django
from django.conf import settings

settings.configure(
    INSTALLED_APPS=["pictures"],
    PICTURES={"USE_PLACEHOLDERS": False},
    # Its processor runs as a Django task (Django 6); the immediate backend runs it in-process.
    TASKS={
        "default": {
            "BACKEND": "django.tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default", "pictures"],
        }
    },
    # on_commit asks the database whether a transaction is open.
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
    USE_TZ=True,
)
django.setup()

from _bench import answer  # noqa: E402
from django.core.files.storage import FileSystemStorage  # noqa: E402
from pictures.models import PillowPicture  # noqa: E402
from pictures.tasks import process_picture  # noqa: E402

WIDTHS = [400, 800, 1200]
FORMATS = ["AVIF", "WEBP", "JPEG"]
MIME = {"AVIF": "image/avif", "WEBP": "image/webp", "JPEG": "image/jpeg"}


def make_set(storage: FileSystemStorage, name: str) -> list[PillowPicture]:
    pictures = [
        PillowPicture(name, format, None, storage, width) for format in FORMATS for width in WIDTHS
    ]
    process_picture(storage.deconstruct(), name, new=[each.deconstruct() for each in pictures])
    return pictures


def stored(path: str, media: str) -> tuple[FileSystemStorage, str]:
    # Copied in before the clock starts, as an upload is stored before it is processed.
    shutil.copyfile(path, Path(media) / Path(path).name)
    return FileSystemStorage(location=media, base_url="/media/"), Path(path).name


def main(out: str, scratch: str, images: list[str]) -> None:
    with tempfile.TemporaryDirectory(dir=scratch) as warm:
        make_set(*stored(images[0], warm))  # untimed: imports, codecs, the file cache
    seconds, cpu, sizes = [], [], {}
    for path in images:
        with tempfile.TemporaryDirectory(dir=scratch) as media:
            storage, name = stored(path, media)
            start, start_cpu = time.perf_counter(), time.process_time()
            pictures = make_set(storage, name)
            seconds.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
            for each in pictures:
                sizes.setdefault(MIME[each.file_type], []).append(storage.size(each.name))
                if out != "-":
                    suffix = each.file_type.lower()
                    target = Path(out) / f"{Path(path).stem}-{each.width}.{suffix}"
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(Path(media, each.name).read_bytes())
    answer({"seconds": seconds, "cpu": cpu, "bytes": sizes, "images": images})


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3:])

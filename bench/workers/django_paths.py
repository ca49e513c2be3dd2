"""The Django paths: warm URLs, warm template tags and ``generateimages``.

The same script runs in both benchmark environments (django-imagekit's and this project's):
it uses only django-imagekit's documented API, a Django configured with ``settings.configure``,
SQLite and media in a temporary directory, and a LocMemCache as ``IMAGEKIT_CACHE_BACKEND``.

    python django_paths.py paths LOOPS IMAGE
    python django_paths.py generateimages ROUNDS JOBS IMAGE...   (JOBS: comma list, e.g. 1,2)

(``BENCH_SOURCES`` sets how many uploads, 200 by default; ``BENCH_GENERATE_IDS``, a comma list,
which generator ids the command is given, ``benchapp:bench_thumbnail`` by default.)

``paths`` reports microseconds per warm ``instance.thumbnail.url``, per warm
``{% thumbnail '100x100' src %}`` render and, for comparison, per plain ``ImageField.url``
and per ``{{ src.url }}`` render. ``generateimages`` times the command over 200 uploads
(symlinks to IMAGE..., each under its own name), regenerating everything each round.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
import timeit
from pathlib import Path

import django
from django.conf import settings

WORK = Path(tempfile.mkdtemp(prefix="ik-bench-django-"))
MEDIA = WORK / "media"
sys.path.insert(0, str(Path(__file__).resolve().parent))

settings.configure(
    DEBUG=False,
    SECRET_KEY="bench",
    USE_TZ=True,
    INSTALLED_APPS=["django.contrib.contenttypes", "imagekit", "benchapp"],
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(WORK / "db")}},
    DEFAULT_AUTO_FIELD="django.db.models.AutoField",
    MEDIA_ROOT=str(MEDIA),
    MEDIA_URL="/media/",
    CACHES={
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "imagekit": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "imagekit",
            "TIMEOUT": None,
        },
    },
    IMAGEKIT_CACHE_BACKEND="imagekit",
    TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True}],
)
django.setup()

from _bench import answer  # noqa: E402
from benchapp.models import Photo, Upload  # noqa: E402
from django.core.cache import caches  # noqa: E402
from django.core.management import call_command, load_command_class  # noqa: E402
from django.template import Context, Template  # noqa: E402

SOURCES = int(os.environ.get("BENCH_SOURCES") or 200)
GENERATE_IDS = (os.environ.get("BENCH_GENERATE_IDS") or "benchapp:bench_thumbnail").split(",")


def per_call_us(statement, loops: int, repeat: int = 5) -> float:
    """Best-of-``repeat`` microseconds per call (the least disturbed run)."""
    return min(timeit.repeat(statement, number=loops, repeat=repeat)) / loops * 1e6


def paths(loops: int, image: str) -> dict:
    (MEDIA / "photos").mkdir(parents=True)
    shutil.copy(image, MEDIA / "photos" / "photo.jpg")
    photo = Photo.objects.create(original="photos/photo.jpg")
    first = photo.thumbnail.url  # generates the file: what follows is warm
    tag = Template("{% load imagekit %}{% thumbnail '100x100' src %}")
    plain_tag = Template("{{ src.url }}")
    context = Context({"src": photo.original})
    rendered = tag.render(context)  # generates the thumbnail
    pk, name = photo.pk, photo.original.name
    return {
        "url": first,
        "tag_html": rendered.strip(),
        "thumbnail_url_us": per_call_us(lambda: photo.thumbnail.url, loops),
        "plain_url_us": per_call_us(lambda: photo.original.url, loops),
        "thumbnail_url_new_instance_us": per_call_us(
            lambda: Photo(pk=pk, original=name).thumbnail.url, loops
        ),
        "plain_url_new_instance_us": per_call_us(
            lambda: Photo(pk=pk, original=name).original.url, loops
        ),
        "tag_us": per_call_us(lambda: tag.render(context), loops // 4),
        "plain_tag_us": per_call_us(lambda: plain_tag.render(context), loops // 4),
    }


def supports_jobs() -> bool:
    command = load_command_class("imagekit", "generateimages")
    parser = command.create_parser("manage.py", "generateimages")
    return any("--jobs" in action.option_strings for action in parser._actions)


def generateimages(rounds: int, jobs: list[int], images: list[str]) -> dict:
    uploads = MEDIA / "uploads"
    uploads.mkdir(parents=True)
    for index in range(SOURCES):
        source = Path(images[index % len(images)]).resolve()
        (uploads / f"upload-{index:03d}{source.suffix}").symlink_to(source)
    Upload.objects.bulk_create(
        Upload(original=f"uploads/upload-{index:03d}{Path(images[index % len(images)]).suffix}")
        for index in range(SOURCES)
    )
    jobs_supported = supports_jobs()
    runs: dict[str, list[float]] = {}
    for job_count in jobs if jobs_supported else [None]:
        label = f"jobs{job_count}" if job_count else "default"
        for _ in range(rounds):
            shutil.rmtree(MEDIA / "CACHE", ignore_errors=True)
            caches["imagekit"].clear()
            arguments = ["generateimages", *GENERATE_IDS]
            if job_count:
                arguments.append(f"--jobs={job_count}")
            start = time.perf_counter()
            call_command(*arguments, verbosity=0)
            runs.setdefault(label, []).append(time.perf_counter() - start)
    generated = (
        sum(1 for _ in (MEDIA / "CACHE").rglob("*.jpg")) if (MEDIA / "CACHE").exists() else 0
    )
    return {
        "sources": SOURCES,
        "ids": GENERATE_IDS,
        "generated": generated,
        "jobs_supported": jobs_supported,
        "seconds": runs,
        "engine": os.environ.get("BENCH_ENGINE") or "default",
    }


def main(argv: list[str]) -> None:
    call_command("migrate", run_syncdb=True, verbosity=0)
    try:
        if argv[0] == "paths":
            answer(paths(int(argv[1]), argv[2]))
        elif argv[0] == "generateimages":
            jobs = [int(value) for value in argv[2].split(",")]
            answer(generateimages(int(argv[1]), jobs, argv[3:]))
        else:
            raise SystemExit(f"unknown command {argv[0]!r}")
    finally:
        shutil.rmtree(WORK, ignore_errors=True)


if __name__ == "__main__":
    main(sys.argv[1:])

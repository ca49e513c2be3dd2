"""The first access of each spec file in a new process, and warm accesses with DummyCache as the
state cache. The same script runs in both benchmark environments, using django-imagekit's
documented API only (``benchapp.Photo`` and the ``{% thumbnail %}`` tag).

    python access_paths.py prepare WORK FILES
    python access_paths.py first WORK url|tag
    python access_paths.py warm WORK LOOPS

``WORK`` is a directory kept between processes (the SQLite database and the media). ``prepare``
migrates, makes ``FILES + 1`` photos and generates, for each, its ``thumbnail`` spec file
(``.url``) and the file of ``{% thumbnail '100x100' photo.original %}``, with a LocMemCache as
``IMAGEKIT_CACHE_BACKEND``; the database it leaves is copied afresh by every later process, so
every round starts from the state the generating process left.

``first`` is a new process, so its LocMemCache state cache starts empty: it loads the rows, makes
one untimed access on the first row (imports and one-time setup), then times the first
``instance.thumbnail.url`` (``url``) or the first render of the tag (``tag``) of every other row,
one after another. ``warm`` uses ``django.core.cache.backends.dummy.DummyCache`` as the state
cache, so every access asks again: microseconds per access of the same row, best of 5 ``timeit``
runs, for ``.url`` and for the tag. Both check that no file was made. The default storage and the
database count their calls (``benchapp.page_counters.CountingStorage``, an execute wrapper).
"""

from __future__ import annotations

import shutil
import statistics
import sys
import time
import timeit
from pathlib import Path

import django
from django.conf import settings

COMMAND = sys.argv[1] if len(sys.argv) > 1 else ""
WORK = Path(sys.argv[2]).resolve() if len(sys.argv) > 2 else Path.cwd()
MEDIA = WORK / "media"
PREPARED_DB = WORK / "prepared.sqlite3"
RUN_DB = WORK / "run.sqlite3"
sys.path.insert(0, str(Path(__file__).resolve().parent))

if COMMAND != "prepare":
    # Every measuring process starts from the database the generating process left.
    shutil.copyfile(PREPARED_DB, RUN_DB)
STATE_CACHE = (
    "django.core.cache.backends.dummy.DummyCache"
    if COMMAND == "warm"
    else "django.core.cache.backends.locmem.LocMemCache"
)
settings.configure(
    DEBUG=False,
    SECRET_KEY="bench",
    USE_TZ=True,
    INSTALLED_APPS=["django.contrib.contenttypes", "imagekit", "benchapp"],
    DATABASES={
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(PREPARED_DB if COMMAND == "prepare" else RUN_DB),
        }
    },
    DEFAULT_AUTO_FIELD="django.db.models.AutoField",
    MEDIA_ROOT=str(MEDIA),
    MEDIA_URL="/media/",
    STORAGES={
        "default": {"BACKEND": "benchapp.page_counters.CountingStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    },
    CACHES={
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "imagekit": {"BACKEND": STATE_CACHE, "LOCATION": "imagekit", "TIMEOUT": None},
    },
    IMAGEKIT_CACHE_BACKEND="imagekit",
    TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True}],
)
django.setup()

from _bench import answer  # noqa: E402
from benchapp.models import Photo  # noqa: E402
from benchapp.page_counters import CALLS, totals  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.template import Context, Template  # noqa: E402
from PIL import Image  # noqa: E402

TAG = "{% load imagekit %}{% thumbnail '100x100' photo.original %}"


def cache_files() -> int:
    cache_dir = MEDIA / "CACHE"
    return sum(1 for path in cache_dir.rglob("*") if path.is_file()) if cache_dir.exists() else 0


def prepare(files: int) -> dict:
    call_command("migrate", run_syncdb=True, verbosity=0)
    folder = MEDIA / "photos"
    folder.mkdir(parents=True, exist_ok=True)
    names = []
    for index in range(files + 1):
        # Each its own colour, so no two spec files are alike.
        colour = (index * 5 % 256, 255 - index * 3 % 256, index * 11 % 256)
        name = f"photos/photo-{index:04d}.jpg"
        Image.new("RGB", (320, 240), colour).save(MEDIA / name, "JPEG", quality=85)
        names.append(name)
    Photo.objects.bulk_create(Photo(original=name) for name in names)
    template = Template(TAG)
    start = time.perf_counter()
    for photo in Photo.objects.order_by("pk"):
        photo.thumbnail.url  # noqa: B018 - generates the file
        template.render(Context({"photo": photo}))
    seconds = time.perf_counter() - start
    made = cache_files()
    if made != 2 * (files + 1):
        raise SystemExit(f"{made} files made for {files + 1} photos, expected two each")
    connection.close()
    return {"files": files, "cache_files": made, "generating_seconds": seconds}


def first(kind: str) -> dict:
    photos = list(Photo.objects.order_by("pk"))
    template = Template(TAG)
    if kind == "url":

        def access(photo: Photo) -> str:
            return photo.thumbnail.url

    else:

        def access(photo: Photo) -> str:
            return template.render(Context({"photo": photo}))

    files_before = cache_files()
    warm_up = access(photos[0])
    CALLS.clear()
    timings = []
    queries = QueryCounter()
    with connection.execute_wrapper(queries):
        for photo in photos[1:]:
            start = time.perf_counter()
            output = access(photo)
            timings.append((time.perf_counter() - start) * 1e6)
            if "/media/CACHE/" not in output:
                raise SystemExit(f"not a spec file's URL: {output!r}")
    made = cache_files() - files_before
    if made:
        raise SystemExit(f"the first accesses made {made} files: they should all exist")
    accesses = len(timings)
    return {
        "kind": kind,
        "files": accesses,
        "warm_up": warm_up.strip(),
        "median_us": statistics.median(timings),
        "mean_us": statistics.fmean(timings),
        "total_s": sum(timings) / 1e6,
        "storage_per_access": totals()["storage"] / accesses,
        "sql_per_access": queries.count / accesses,
        "calls": dict(sorted(CALLS.items())),
    }


class QueryCounter:
    """An execute wrapper counting the SQL statements run through it."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def per_call_us(statement, loops: int, repeat: int = 5) -> float:
    """Best-of-``repeat`` microseconds per call (the least disturbed run)."""
    return min(timeit.repeat(statement, number=loops, repeat=repeat)) / loops * 1e6


def warm(loops: int) -> dict:
    photo = Photo.objects.order_by("pk")[1]
    template = Template(TAG)
    context = Context({"photo": photo})
    files_before = cache_files()
    url, html = photo.thumbnail.url, template.render(context)
    result: dict = {"url": url, "tag_html": html.strip()}
    for key, statement, count in (
        ("url", lambda: photo.thumbnail.url, loops),
        ("tag", lambda: template.render(context), max(loops // 4, 1)),
    ):
        CALLS.clear()
        queries = QueryCounter()
        with connection.execute_wrapper(queries):
            statement()
        result[f"{key}_storage_per_access"] = totals()["storage"]
        result[f"{key}_sql_per_access"] = queries.count
        result[f"{key}_calls"] = dict(sorted(CALLS.items()))
        result[f"{key}_us"] = per_call_us(statement, count)
    made = cache_files() - files_before
    if made:
        raise SystemExit(f"the warm accesses made {made} files: they should all exist")
    return result


def main(argv: list[str]) -> None:
    if argv[0] == "prepare":
        answer(prepare(int(argv[2])))
    elif argv[0] == "first":
        answer(first(argv[2]))
    elif argv[0] == "warm":
        answer(warm(int(argv[2])))
    else:
        raise SystemExit(f"unknown command {argv[0]!r}")


if __name__ == "__main__":
    main(sys.argv[1:])

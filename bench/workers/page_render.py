"""One page of thumbnails: what rendering it costs in cache round trips, storage calls, SQL
queries and time. The same script runs in both benchmark environments, using django-imagekit's
documented API only.

    python page_render.py prepare WORK PHOTOS
    python page_render.py render WORK VIEW FLUSH RENDERS

``WORK`` is a directory kept between processes (the SQLite database and the media). ``prepare``
migrates, makes ``PHOTOS`` source photos (``benchapp.PagePhoto`` rows) and renders the page once,
which generates every file. ``render`` renders the page once in this new process (after emptying
the Redis database first when ``FLUSH`` is ``flush``), then ``RENDERS`` more times; ``VIEW`` is
``plain`` (the template given the queryset) or ``prefetch`` (the view reads the states of every
photo's two spec files with django-imagekit 6.1's ``prefetch_cachefile_states`` inside
``use_cachefile_state_cache``, as its documentation shows). Each render is one request: the
view is called between ``request_started`` and ``request_finished``, as Django's handler calls
it. Each render is checked: every ``<img>`` names an existing file of the width and height its
markup says.

The cache behind ``IMAGEKIT_CACHE_BACKEND`` is Redis (``BENCH_REDIS_URL``, a database of its own
that this script empties), and both it and the default storage count their calls
(``benchapp.page_counters``).
"""

from __future__ import annotations

import collections
import os
import re
import sys
import time
from html import unescape
from pathlib import Path
from urllib.parse import unquote

import django
from django.conf import settings

WORK = Path(sys.argv[2]).resolve() if len(sys.argv) > 2 else Path.cwd()
MEDIA = WORK / "media"
MEDIA_URL = "/media/"
REDIS_URL = os.environ.get("BENCH_REDIS_URL") or "redis://127.0.0.1:6379/11"
sys.path.insert(0, str(Path(__file__).resolve().parent))

settings.configure(
    DEBUG=False,
    SECRET_KEY="bench",
    USE_TZ=True,
    INSTALLED_APPS=["django.contrib.contenttypes", "imagekit", "benchapp"],
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(WORK / "db")}},
    DEFAULT_AUTO_FIELD="django.db.models.AutoField",
    MEDIA_ROOT=str(MEDIA),
    MEDIA_URL=MEDIA_URL,
    STORAGES={
        "default": {"BACKEND": "benchapp.page_counters.CountingStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    },
    CACHES={
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "imagekit": {
            "BACKEND": "benchapp.page_counters.CountingRedisCache",
            "LOCATION": REDIS_URL,
            "TIMEOUT": None,
        },
    },
    IMAGEKIT_CACHE_BACKEND="imagekit",
    TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True}],
)
django.setup()

from _bench import answer  # noqa: E402
from benchapp.models import PagePhoto  # noqa: E402
from benchapp.page_counters import CALLS, totals  # noqa: E402
from django.core.cache import caches  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.core.signals import request_finished, request_started  # noqa: E402
from django.db import connection  # noqa: E402
from django.template import Context, Template  # noqa: E402
from PIL import Image  # noqa: E402

from imagekit.cachefiles.state import (  # noqa: E402
    prefetch_cachefile_states,
    use_cachefile_state_cache,
)

PAGE = """{% load imagekit %}{% for photo in photos %}
<figure>
<img src="{{ photo.thumb.url }}"
 width="{{ photo.thumb.width }}" height="{{ photo.thumb.height }}">
<img src="{{ photo.medium.url }}"
 width="{{ photo.medium.width }}" height="{{ photo.medium.height }}">
{% thumbnail '200x200' photo.original %}
</figure>{% endfor %}
"""
IMG = re.compile(r"<img\b[^>]*>")
ATTRIBUTE = re.compile(r'(\w+)="([^"]*)"')
# What each <img> of a photo must fit: (exact size or None, box it fits in).
EXPECTED = [((100, 100), (100, 100)), (None, (400, 400)), (None, (200, 200))]


def view_plain(template: Template) -> str:
    return template.render(Context({"photos": PagePhoto.objects.all()}))


def view_prefetch(template: Template) -> str:
    photos = list(PagePhoto.objects.all())
    files = [spec_file for photo in photos for spec_file in (photo.thumb, photo.medium)]
    state_cache: dict = {}
    with use_cachefile_state_cache(state_cache):
        prefetch_cachefile_states(files, state_cache=state_cache)
        return template.render(Context({"photos": photos}))


VIEWS = {"plain": view_plain, "prefetch": view_prefetch}


def measured(view, template: Template) -> tuple[str, dict]:
    """One render, with what it asked of the cache, the storage and the database."""
    queries: list[str] = []

    def count_query(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    CALLS.clear()
    with connection.execute_wrapper(count_query):
        start = time.perf_counter()
        # A request, as Django's handler makes one: what listens to its start and end counts.
        request_started.send(sender=WSGIHandler, environ={})
        try:
            html = view(template)
        finally:
            request_finished.send(sender=WSGIHandler)
        seconds = time.perf_counter() - start
    counted = totals()
    return html, {
        "us": seconds * 1e6,
        "cache": counted["cache"],
        "storage": counted["storage"],
        "sql": len(queries),
        "calls": dict(sorted(CALLS.items())),
        "queries": dict(collections.Counter(" ".join(sql.split()) for sql in queries)),
    }


def cache_files() -> int:
    cache_dir = MEDIA / "CACHE"
    return sum(1 for path in cache_dir.rglob("*") if path.is_file()) if cache_dir.exists() else 0


def check(html: str, photos: int) -> None:
    """Every <img> names an existing file whose size is the one its markup gives."""
    tags = IMG.findall(html)
    if len(tags) != 3 * photos:
        raise SystemExit(f"{len(tags)} <img> tags on the page, expected {3 * photos}")
    for index, tag in enumerate(tags):
        attributes = {key: unescape(value) for key, value in ATTRIBUTE.findall(tag)}
        src = attributes.get("src", "")
        if not src.startswith(MEDIA_URL):
            raise SystemExit(f"<img> outside MEDIA_URL: {tag}")
        path = MEDIA / unquote(src[len(MEDIA_URL) :])
        if not path.is_file():
            raise SystemExit(f"<img> of a missing file: {tag}")
        with Image.open(path) as image:
            size = image.size
        marked = (int(attributes.get("width") or -1), int(attributes.get("height") or -1))
        if marked != size:
            raise SystemExit(f"<img> says {marked}, the file is {size}: {tag}")
        exact, box = EXPECTED[index % 3]
        if (exact and size != exact) or size[0] > box[0] or size[1] > box[1]:
            raise SystemExit(f"<img> of size {size}, expected to fit {box}: {tag}")


def prepare(photos: int) -> dict:
    call_command("migrate", run_syncdb=True, verbosity=0)
    folder = MEDIA / "photos"
    folder.mkdir(parents=True, exist_ok=True)
    names = []
    for index in range(photos):
        # Landscape and portrait photos, each its own colours, so each spec file differs.
        size = (960, 720) if index % 2 == 0 else (720, 960)
        image = Image.linear_gradient("L").resize(size).convert("RGB")
        tint = Image.new("RGB", size, (index * 5 % 256, 255 - index * 3 % 256, index * 11 % 256))
        name = f"photos/photo-{index:03d}.jpg"
        Image.blend(image, tint, 0.5).save(MEDIA / name, "JPEG", quality=85)
        names.append(name)
    PagePhoto.objects.bulk_create(PagePhoto(original=name) for name in names)
    caches["imagekit"].clear()
    template = Template(PAGE)
    html, first = measured(view_plain, template)
    check(html, photos)
    return {"photos": photos, "cache_files": cache_files(), "generating_render": first}


def render(view_name: str, flush: bool, renders: int) -> dict:
    view = VIEWS[view_name]
    photos = PagePhoto.objects.count()
    # Redis's client is imported and connected before the clock starts, in both processes
    # alike: the figures are the page's, whether or not it asks the cache.
    if flush:
        caches["imagekit"].clear()
    else:
        caches["imagekit"].get("bench-page-connect")
    files_before = cache_files()
    # Compiled before the clock starts: a server compiles a template once, not per page.
    template = Template(PAGE)
    connection.close()  # the page opens its own connection, as a new process's first page does
    html, first = measured(view, template)
    check(html, photos)
    warm = []
    for _ in range(renders):
        html, figures = measured(view, template)
        warm.append(figures)
    if renders:
        check(html, photos)
    made = cache_files() - files_before
    if made:
        raise SystemExit(f"rendering the page made {made} files: they should all exist")
    return {"view": view_name, "flushed": flush, "photos": photos, "first": first, "warm": warm}


def main(argv: list[str]) -> None:
    if argv[0] == "prepare":
        answer(prepare(int(argv[2])))
    elif argv[0] == "render":
        answer(render(argv[2], argv[3] == "flush", int(argv[4])))
    else:
        raise SystemExit(f"unknown command {argv[0]!r}")


if __name__ == "__main__":
    main(sys.argv[1:])

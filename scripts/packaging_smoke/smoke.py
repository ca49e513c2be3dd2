"""Steps of the packaging smoke test, run inside a fresh virtualenv by check_packaging.py.

``python smoke.py STEP`` from this folder (a copy of it), with only the built wheels installed:

- ``upload``: save a Photo with a 400x300 JPEG; its spec file must exist right after the save
  when the strategy is Optimistic and must not exist otherwise (JustInTime waits for access).
- ``verify``: after ``manage.py generateimages``: the spec file exists before anything touches
  it, is 100x50; the ``thumbnail`` tag renders a 60x40 image (not with Optimistic, which never
  generates on access); ``AdminThumbnail`` renders its template and the admin change list
  shows it.
- ``strategy-missing``: with ``SMOKE_STRATEGY`` naming a strategy whose plugin is not installed,
  using it fails with the "pip install ..." hint.

Each step prints ``ok <step>`` as its last line when every assertion held.
"""

import io
import os
import re
import sys
from importlib import import_module

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smokesite.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.core.files.base import ContentFile  # noqa: E402
from django.template.loader import render_to_string  # noqa: E402
from django.test import Client  # noqa: E402
from gallery.admin import PhotoAdmin  # noqa: E402
from gallery.models import Photo  # noqa: E402
from PIL import Image  # noqa: E402


def media_path(name: str) -> str:
    return os.path.join(settings.MEDIA_ROOT, name)


def optimistic() -> bool:
    return "optimistic" in os.environ.get("SMOKE_STRATEGY", "").lower()


def upload() -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (400, 300), (30, 120, 200)).save(buffer, "JPEG")
    photo = Photo(title="Smoke")
    photo.original.save("smoke.jpg", ContentFile(buffer.getvalue()), save=False)
    photo.save()
    name = photo.thumbnail.name  # the name alone: no generation
    exists = os.path.exists(media_path(name))
    assert exists == optimistic(), (os.environ.get("SMOKE_STRATEGY"), name, exists)
    print("thumbnail after save:", name, "exists" if exists else "not yet generated")


def verify() -> None:
    photo = Photo.objects.latest("pk")
    name = photo.thumbnail.name
    assert os.path.exists(media_path(name)), f"generateimages did not write {name}"
    with Image.open(media_path(name)) as image:
        assert image.size == (100, 50) and image.format == "JPEG", (image.size, image.format)
    assert photo.thumbnail.url == settings.MEDIA_URL + name, photo.thumbnail.url

    if optimistic():
        # Optimistic generates when a source is saved, never on access: the tag's file would
        # never be made, so only the spec field and the admin are looked at here.
        print("thumbnail tag: not used with the Optimistic strategy")
    else:
        thumbnail_tag(photo)

    column = PhotoAdmin(Photo, None).admin_thumbnail(photo)
    assert f'<img src="{photo.thumbnail.url}"' in column, column
    assert f'href="{photo.original.url}"' in column, column

    admin = User.objects.filter(username="admin").first() or User.objects.create_superuser(
        "admin", "admin@example.com", "smoke-password"
    )
    client = Client()
    client.force_login(admin)
    page = client.get("/admin/gallery/photo/")
    assert page.status_code == 200, page.status_code
    assert f'<img src="{photo.thumbnail.url}"' in page.content.decode(), "no thumbnail column"
    print("admin thumbnail:", column.strip())


def thumbnail_tag(photo: Photo) -> None:
    html = render_to_string("gallery/photo.html", {"photo": photo})
    assert f'<p class="spec">{photo.thumbnail.url}</p>' in html, html
    match = re.search(r'<img width="(\d+)" height="(\d+)" src="([^"]+)"', html)
    assert match, html
    width, height, src = match.groups()
    assert (width, height) == ("60", "40"), html
    with Image.open(media_path(src.removeprefix(settings.MEDIA_URL))) as image:
        assert image.size == (60, 40), image.size
    print("thumbnail tag:", src)


def strategy_missing() -> None:
    wanted = "pip install ik-strategy-optimistic"
    try:
        getattr(import_module("imagekit.cachefiles.strategies"), "Optimistic")  # noqa: B009
    except Exception as exc:  # the registry's error, whatever its class
        assert wanted in str(exc), exc
        print("import:", type(exc).__name__, exc)
    else:
        raise AssertionError("imagekit.cachefiles.strategies.Optimistic still imports")
    photo = Photo.objects.latest("pk")
    try:
        photo.thumbnail.url  # noqa: B018
    except Exception as exc:
        assert wanted in str(exc), exc
        print("access:", type(exc).__name__, exc)
    else:
        raise AssertionError("a strategy that is not installed was used without an error")


STEPS = {"upload": upload, "verify": verify, "strategy-missing": strategy_missing}

if __name__ == "__main__":
    step = sys.argv[1]
    STEPS[step]()
    print("ok", step)

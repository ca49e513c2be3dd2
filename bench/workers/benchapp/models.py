"""Models of the Django benchmark, in django-imagekit's documented API (so the same code runs
with django-imagekit and with this project's ``imagekit`` app)."""

from __future__ import annotations

import os

from django.db import models

from imagekit import ImageSpec, register
from imagekit.models import ImageSpecField
from imagekit.processors import ResizeToFill, ResizeToFit


class BenchThumbnail(ImageSpec):
    """What ``generateimages`` makes for every upload."""

    processors = [ResizeToFill(300, 300)]
    format = "JPEG"
    options = {"quality": 85}
    # Read by this project's ImageSpec only (django-imagekit ignores unknown attributes).
    engine = os.environ.get("BENCH_ENGINE") or None


class BenchDisplay(BenchThumbnail):
    """A second spec of every upload, for the run that makes two per source."""

    processors = [ResizeToFit(1024, 1024)]


register.generator("benchapp:bench_thumbnail", BenchThumbnail)
register.generator("benchapp:bench_display", BenchDisplay)


class Photo(models.Model):
    original = models.ImageField(upload_to="photos")
    thumbnail = ImageSpecField(
        source="original", processors=[ResizeToFill(100, 100)], format="JPEG"
    )

    class Meta:
        app_label = "benchapp"


class Upload(models.Model):
    original = models.ImageField(upload_to="uploads")
    bench_thumbnail = ImageSpecField(source="original", id="benchapp:bench_thumbnail")
    bench_display = ImageSpecField(source="original", id="benchapp:bench_display")

    class Meta:
        app_label = "benchapp"


class PagePhoto(models.Model):
    """One photo of the page the ``page`` section renders: a source and two specs of it (a model
    of its own, so the other sections' models keep their signal receivers)."""

    original = models.ImageField(upload_to="photos")
    thumb = ImageSpecField(source="original", processors=[ResizeToFill(100, 100)], format="JPEG")
    medium = ImageSpecField(source="original", processors=[ResizeToFit(400, 400)], format="JPEG")

    class Meta:
        app_label = "benchapp"
